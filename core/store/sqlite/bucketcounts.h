// SPDX-License-Identifier: MIT
#pragma once

#include "sqlite.h"

#include <core/base/result.h>
#include <core/query/querymatcher.h>
#include <core/store/storetypes.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace core {

class LevelAccumulator;
class QueryContext;

// Answers a filter on time, level and service alone from the bucket counts (`buckets` per second,
// `rollups` per minute and hour; docs/STORE.md): whole seconds from the counts, the seconds a time
// bound of the filter cuts from their rows. The filter becomes SQL here and nowhere else, every
// value a bound parameter.
class BucketCounts
{
public:
    // `context` prepared with `filter`, which must be on time, level and service alone.
    static Result<BucketCounts> make(QueryContext &context, const QueryFilter &filter);

    // The matching events in [from, to).
    Result<std::uint64_t> count(std::int64_t from, std::int64_t to);
    // Adds the matching events of spec's buckets to `add`.
    Result<void> addTo(LevelAccumulator &add, const HistogramSpec &spec);
    // The first (or last) time of a matching event; nullopt when none has one.
    Result<std::optional<std::int64_t>> edgeTime(bool last);
    // The last event at or before the 99.9th percentile second of every event's time.
    static Result<std::optional<std::int64_t>> timeAnchor(sqlite3 *db);

private:
    // The filter as SQL over `buckets`/`rollups` (time column `start`) or `events` (`ts`, or `+ts` to
    // keep its wide time conditions off the index); its values bind from ?3 on.
    struct Condition {
        std::string text;
        std::vector<std::int64_t> values;
        void bind(sql::Statement &statement) const;
    };
    static void render(const QueryFilter::Node &node, const char *timeColumn,
                       const QueryMatcher::ServiceIds &serviceIds, Condition &out);

    BucketCounts(QueryContext &context, const QueryFilter &filter, QueryMatcher::ServiceIds serviceIds);
    Condition condition(const char *timeColumn) const;

    sqlite3 *m_db;
    const QueryFilter &m_filter;
    QueryMatcher::ServiceIds m_serviceIds;
    std::vector<std::int64_t> m_edges; ///< every time bound of the filter
};

} // namespace core
