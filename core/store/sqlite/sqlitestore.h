// SPDX-License-Identifier: MIT
#pragma once

#include <core/base/result.h>
#include <core/model/event.h>
#include <core/store/eventstore.h>
#include <core/store/storetypes.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace core {

class StoreWriter;
class QueryFilter;

// One incident in one SQLite file. Readers take their own SqliteStore (one connection per thread); the
// import's writer is made by writer(). Nothing outside core/store writes SQL.
class SqliteStore final : public EventStore
{
public:
    static Result<std::unique_ptr<SqliteStore>> open(const std::string &path, OpenMode mode);
    // Whether `path` names an existing Timberline store (by its application_id).
    static bool isStore(const std::string &path);
    ~SqliteStore() override;

    const std::string &path() const;
    Result<StoreStats> stats() override;
    // The events committed, those of a source still being imported included.
    Result<std::uint64_t> eventCount() override;
    // Up to `limit` events strictly after `after` (or from the start) in the one order.
    Result<std::vector<EventRow>> events(std::optional<EventKey> after, std::size_t limit,
                                         Direction direction = Direction::Ascending) override;
    Result<std::vector<EventRow>> eventsByArrival(std::int64_t after, std::size_t limit) override;
    // The event's lines exactly as read (continuations and document lines included), '\n' between them.
    Result<std::string> rawText(const EventRow &event) override;
    // The event's fields under their dotted paths, with their original values.
    Result<std::vector<std::pair<std::string, std::string>>> fields(const EventRow &event) override;
    Result<std::vector<SourceRow>> sources();
    // Cancels the query running on this connection (its statements and the loops between them), which
    // then fails with ErrorCode::Cancelled; safe from another thread. A query started later runs.
    void interrupt() override;

    // The import's writer, once this connection holds the store's writer lock (ErrorCode::Busy when
    // another holds it); sources an interrupted import left are rolled back first. Fails on a store
    // opened read-only.
    Result<std::unique_ptr<StoreWriter>> writer();

    // Queries: one compiled filter (core/query) for every view, evaluated with this store's indexes
    // (core/store/queryengine.h). Events still being imported are matched too.
    Result<std::uint64_t> count(const QueryFilter &filter) override;
    // Up to `limit` matching events strictly after `after` (or from the start) in the one order.
    Result<std::vector<EventRow>> events(const QueryFilter &filter, std::optional<EventKey> after, std::size_t limit,
                                         Direction direction = Direction::Ascending) override;
    // Up to `limit` events (matching ones) from `position` (0-based) in the one order or its reverse:
    // what a scroll bar dragged to a row shows. A few milliseconds on any store an import has finished.
    Result<std::vector<EventRow>> eventsAt(std::uint64_t position, std::size_t limit,
                                           Direction direction = Direction::Ascending) override;
    Result<std::vector<EventRow>> eventsAt(const QueryFilter &filter, std::uint64_t position, std::size_t limit,
                                           Direction direction = Direction::Ascending) override;
    // Where `now` stands for `--now end`: the last event at or before the 99.9th percentile of
    // times, so a stray far-future line does not move it; nullopt for a store without times.
    Result<std::optional<std::int64_t>> timeAnchor() override;

    // The field catalogue (core/store/storecatalogue.cpp): every record path with its import-time counts.
    Result<std::vector<FieldInfo>> fieldCatalogue() override;
    // The fields of the first `limit` matching events, tallied: paths by count, `top` values each; `sampled` says how
    // many.
    Result<std::vector<FieldInfo>> sampleFields(const QueryFilter &filter, std::size_t limit, std::size_t top,
                                                std::uint64_t *sampled = nullptr) override;
    // The `top` most frequent values of one record path over every matching event; stops (Cancelled) when `*cancelled`.
    Result<FieldInfo> countValues(const QueryFilter &filter, const std::string &path, std::size_t top,
                                  const std::atomic<bool> *cancelled = nullptr) override;

    // Analysis (core/store/storeanalysis.cpp). Matching events per bucket × level (× service), from the
    // bucket counts when only time, level and service decide; `progress` sees partial counts and may cancel.
    Result<LevelHistogram> levelHistogram(const QueryFilter &filter, const HistogramSpec &spec,
                                          const HistogramProgress &progress = {}) override;
    // The first and last time of the matching events that have one; nullopt when none does.
    Result<std::optional<std::pair<std::int64_t, std::int64_t>>> timeExtent(const QueryFilter &filter) override;
    // The matching error and fatal events, counted per stored signature or one by one (see
    // ErrorEventsRequest); stops (Cancelled) when `*cancelled`.
    Result<ErrorEvents> errorEvents(const QueryFilter &filter, const ErrorEventsRequest &request,
                                    const std::atomic<bool> *cancelled = nullptr) override;
    // The events with these row ids, in the one order.
    Result<std::vector<EventRow>> eventsByKey(const std::vector<EventKey> &keys) override;

    struct Private;

private:
    explicit SqliteStore(std::unique_ptr<Private> d);
    std::unique_ptr<Private> d;
};

} // namespace core

// Callers of writer() need the complete type.
#include "storewriter.h"
