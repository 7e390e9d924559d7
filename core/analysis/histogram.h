// SPDX-License-Identifier: MIT
#pragma once

#include <core/base/result.h>
#include <core/store/storetypes.h>

#include <atomic>
#include <cstdint>
#include <optional>
#include <utility>

namespace core {

class QueryFilter;
class EventStore;

// What a histogram covers: the step (0 picks a nice one), and a range that, where given, overrides
// the query's own `@timestamp` range.
struct HistogramOptions {
    std::int64_t stepNs = 0;
    std::optional<std::int64_t> fromNs;
    std::optional<std::int64_t> toNs;
    std::size_t targetBuckets = 200;
    bool byService = false;
};

// Events per time bucket × level for any query: the range is the query's `@timestamp` range, else
// the matching events'; empty buckets are included. Synchronous: the GUI runs it on a worker.
class Histogram
{
public:
    // The buckets that the options and the filter's time range (or, failing that, the matching
    // events' times) give; nullopt when nothing matches and no range is given.
    static Result<std::optional<HistogramSpec>> plan(EventStore &store, const QueryFilter &filter,
                                                     const HistogramOptions &options);
    // plan(), then the counts; an empty histogram (no buckets) when nothing matches.
    static Result<LevelHistogram> compute(EventStore &store, const QueryFilter &filter, const HistogramOptions &options,
                                          const HistogramProgress &progress = {});
    // The filter's top-level `@timestamp` bounds [begin, end); each side nullopt when open.
    static std::pair<std::optional<std::int64_t>, std::optional<std::int64_t>> queryRange(const QueryFilter &filter);
};

} // namespace core
