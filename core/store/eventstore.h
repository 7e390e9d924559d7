// SPDX-License-Identifier: MIT
#pragma once

#include "storetypes.h"

#include <core/base/result.h>
#include <core/model/event.h>

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace core {

class QueryFilter;

// What every view, analysis and command asks of an incident, whatever holds it (a SQLite file today).
// One instance is one connection, used by one thread at a time; interrupt() is the one method another
// thread may call. Events still being imported are answered too.
class EventStore
{
public:
    virtual ~EventStore() = default;

    // Sources with their line accounting, levels, services and the span of times.
    virtual Result<StoreStats> stats() = 0;
    // The events committed, those of a source still being imported included.
    virtual Result<std::uint64_t> eventCount() = 0;
    // Up to `limit` events strictly after `after` (or from the start) in the one order.
    virtual Result<std::vector<EventRow>> events(std::optional<EventKey> after, std::size_t limit,
                                                 Direction direction = Direction::Ascending)
        = 0;
    // Up to `limit` events in arrival order after the one whose EventRow::arrival is `after` (from the
    // start with INT64_MIN): what a table shows while an import is still adding events and the one
    // order is not yet known.
    virtual Result<std::vector<EventRow>> eventsByArrival(std::int64_t after, std::size_t limit) = 0;
    // The event's lines exactly as read (continuations and document lines included), '\n' between them.
    virtual Result<std::string> rawText(const EventRow &event) = 0;
    // The event's fields under their dotted paths, with their original values.
    virtual Result<std::vector<std::pair<std::string, std::string>>> fields(const EventRow &event) = 0;
    // Cancels the call running on this instance; safe from another thread.
    virtual void interrupt() = 0;

    // Queries: one compiled filter (core/query) for every view.
    virtual Result<std::uint64_t> count(const QueryFilter &filter) = 0;
    // Up to `limit` matching events strictly after `after` (or from the start) in the one order.
    virtual Result<std::vector<EventRow>> events(const QueryFilter &filter, std::optional<EventKey> after,
                                                 std::size_t limit, Direction direction = Direction::Ascending)
        = 0;
    // Up to `limit` (matching) events from `position` (0-based) in the one order or its reverse: what a
    // scroll bar dragged to a row shows.
    virtual Result<std::vector<EventRow>> eventsAt(std::uint64_t position, std::size_t limit,
                                                   Direction direction = Direction::Ascending)
        = 0;
    virtual Result<std::vector<EventRow>> eventsAt(const QueryFilter &filter, std::uint64_t position, std::size_t limit,
                                                   Direction direction = Direction::Ascending)
        = 0;
    // Where `now` stands for `--now end`: the last event at or before the 99.9th percentile of times, so
    // a stray far-future line does not move it; nullopt for a store without times.
    virtual Result<std::optional<std::int64_t>> timeAnchor() = 0;

    // Every record path with its import-time counts and most frequent values.
    virtual Result<std::vector<FieldInfo>> fieldCatalogue() = 0;
    // The fields of the first `limit` matching events, tallied: paths by count, `top` values each;
    // `sampled` says how many events were read.
    virtual Result<std::vector<FieldInfo>> sampleFields(const QueryFilter &filter, std::size_t limit, std::size_t top,
                                                        std::uint64_t *sampled = nullptr)
        = 0;
    // The `top` most frequent values of one record path over every matching event; stops (Cancelled)
    // when `*cancelled`.
    virtual Result<FieldInfo> countValues(const QueryFilter &filter, const std::string &path, std::size_t top,
                                          const std::atomic<bool> *cancelled = nullptr)
        = 0;

    // Matching events per bucket × level (× service); `progress` sees partial counts and may cancel.
    virtual Result<LevelHistogram> levelHistogram(const QueryFilter &filter, const HistogramSpec &spec,
                                                  const HistogramProgress &progress = {})
        = 0;
    // The first and last time of the matching events that have one; nullopt when none does.
    virtual Result<std::optional<std::pair<std::int64_t, std::int64_t>>> timeExtent(const QueryFilter &filter) = 0;
    // The matching error and fatal events, counted per stored signature or one by one (see
    // ErrorEventsRequest); stops (Cancelled) when `*cancelled`.
    virtual Result<ErrorEvents> errorEvents(const QueryFilter &filter, const ErrorEventsRequest &request,
                                            const std::atomic<bool> *cancelled = nullptr)
        = 0;
    // The events with these keys (their identity: EventRow::key, ErrorEvent::key), in the one order;
    // a key the store does not hold is left out.
    virtual Result<std::vector<EventRow>> eventsByKey(const std::vector<EventKey> &keys) = 0;
};

} // namespace core
