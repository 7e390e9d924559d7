// SPDX-License-Identifier: MIT
#pragma once

#include "sqlitestore.h"

#include <core/query/queryfilter.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace core {

class QueryContext;

// Evaluates a QueryFilter with the store's own indexes. Posting lists become sorted id sets that are
// intersected, united and subtracted; equality on the first-class columns comes from their `@` terms,
// time bounds from the events_order index, and rows are read only to check phrases, wildcard token
// sequences and message-only matches on candidates. Events past meta.indexed_through (an import
// still running) are not in the postings yet: their rows are read and matched one by one. Counts of
// filters on time, level and service alone come from the bucket counts. With the one order in memory
// (timeorder.h), id sets become bitmaps over ranks: pages, counts within time bounds and histograms
// read no row but the ones they return. This class chooses the strategy per operation; the pieces
// are QueryContext, PostingPlanner, QueryPlan, TailScan, RankPager and BucketCounts, and the meaning
// of a filter on one event is core/query's QueryMatcher.
class QueryEngine
{
public:
    QueryEngine(SqliteStore &store, SqliteStore::Private &d);
    ~QueryEngine();

    Result<std::uint64_t> count(const QueryFilter &filter);
    Result<std::vector<EventRow>> events(const QueryFilter &filter, std::optional<EventKey> after, std::size_t limit,
                                         Direction direction);
    // Up to `limit` matching events from `position` (0-based) in the one order or its reverse.
    Result<std::vector<EventRow>> eventsAt(const QueryFilter &filter, std::uint64_t position, std::size_t limit,
                                           Direction direction);
    Result<std::optional<std::int64_t>> timeAnchor();

    // What the analysis (core/store/storeanalysis.cpp) builds on: the indexed matches within the
    // filter's top-level time bounds, and the matching rows past the index.
    struct Matches {
        std::int64_t begin = INT64_MIN; ///< top-level time bounds [begin, end)
        std::int64_t end = INT64_MAX;
        std::vector<std::int64_t> ids; ///< sorted; live and indexed
        bool complement = false; ///< every live indexed event but `ids`
        std::int64_t indexedThrough = 0;
        std::vector<std::pair<std::int64_t, std::int64_t>> live; ///< [first, last] id ranges of the sources kept
        std::vector<EventRow> tail; ///< matching events past indexedThrough, within the bounds
    };
    Result<Matches> matches(const QueryFilter &filter);
    // With the one order in memory: visit(bucket, level, service) for every indexed match in
    // [begin, end) and in one of `buckets` intervals of `bucketNs` from `fromNs` (the tail is the
    // caller's); `progress` runs between groups of buckets and stops the walk (Cancelled) by returning
    // false. False when the store has no current order: the caller reads rows instead.
    // With the one order in memory: the first and last time of the matches that have one (nullopt
    // inside: none has), the tail included; nullopt outside when the store has no current order.
    using Extent = std::optional<std::pair<std::int64_t, std::int64_t>>;
    Result<std::optional<Extent>> extentOf(const Matches &matches);
    Result<bool> binMatches(const Matches &matches, std::int64_t begin, std::int64_t end, std::int64_t fromNs,
                            std::int64_t bucketNs, std::size_t buckets,
                            const std::function<void(std::size_t, int, std::int64_t)> &visit,
                            const std::function<bool()> &progress);
    // One term's posting list, live and indexed ids only.
    Result<std::vector<std::int64_t>> termIds(const std::string &term);
    // The distinct terms that start with `prefix` (`error.type=`).
    Result<std::vector<std::string>> termsWithPrefix(const std::string &prefix);

    // The state of the last operation, for readers that build on it (BucketCounts, the histogram's).
    QueryContext &context();

private:
    // Pages through the id sets of the posting lists (the general path of events()).
    Result<std::vector<EventRow>> eventsFromPlan(const QueryFilter &filter, std::optional<EventKey> after,
                                                 std::size_t limit, Direction direction);
    Result<std::uint64_t> countBuckets(const QueryFilter &filter, std::int64_t from, std::int64_t to);

    std::unique_ptr<QueryContext> d;
};

} // namespace core
