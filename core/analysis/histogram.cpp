// SPDX-License-Identifier: MIT
#include "histogram.h"

#include "histogrambuckets.h"

#include <core/query/querybounds.h>
#include <core/query/queryfilter.h>
#include <core/store/eventstore.h>

#include <algorithm>

namespace core {

std::pair<std::optional<std::int64_t>, std::optional<std::int64_t>> Histogram::queryRange(const QueryFilter &filter)
{
    // Only bounds a user set count: the lower bound of an open range keeps events without a time out.
    const QueryBounds bounds = QueryBounds::of(filter.root());
    return {bounds.userBegin(), bounds.userEnd()};
}

Result<std::optional<HistogramSpec>> Histogram::plan(EventStore &store, const QueryFilter &filter,
                                                     const HistogramOptions &options)
{
    auto [begin, end] = queryRange(filter);
    if (options.fromNs)
        begin = options.fromNs;
    if (options.toNs)
        end = options.toNs;
    if (!begin || !end) {
        auto extent = store.timeExtent(filter);
        if (!extent)
            return extent.error();
        if (!extent.value()) {
            if (!begin && !end)
                return std::optional<HistogramSpec>();
        } else {
            if (!begin)
                begin = extent.value()->first;
            if (!end)
                end = extent.value()->second + 1;
        }
        // One side given, nothing matching beyond it: a bucket's worth on that side.
        if (!begin)
            begin = *end - 1;
        if (!end)
            end = *begin + 1;
    }
    if (*end <= *begin)
        end = *begin + 1;
    // Time keys from year 1 to 9999 span about 9.7e18, more than int64 can subtract: a histogram
    // covers at most MaxSpanKeys, the latest part of a wider range, so that no bucket arithmetic
    // overflows (docs/STORE.md, Time keys: outside 1823-2116 a bucket is coarse anyway).
    constexpr std::uint64_t MaxSpanKeys = std::uint64_t{INT64_MAX} / 8 * 7;
    if (static_cast<std::uint64_t>(*end) - static_cast<std::uint64_t>(*begin) > MaxSpanKeys)
        begin = *end - static_cast<std::int64_t>(MaxSpanKeys);
    const std::int64_t step
        = options.stepNs > 0 ? options.stepNs : HistogramBuckets::autoStep(*begin, *end, options.targetBuckets);
    HistogramSpec spec = HistogramBuckets::cover(*begin, *end, step);
    spec.byService = options.byService;
    return std::optional<HistogramSpec>(spec);
}

Result<LevelHistogram> Histogram::compute(EventStore &store, const QueryFilter &filter, const HistogramOptions &options,
                                          const HistogramProgress &progress)
{
    auto spec = plan(store, filter, options);
    if (!spec)
        return spec.error();
    if (!spec.value())
        return LevelHistogram{};
    constexpr std::size_t MaxBuckets = 100'000;
    if (spec.value()->buckets > MaxBuckets)
        return makeError(ErrorCode::Usage,
                         "the bucket is too small for the range: " + std::to_string(spec.value()->buckets)
                             + " buckets (at most " + std::to_string(MaxBuckets) + ")");
    return store.levelHistogram(filter, *spec.value(), progress);
}

} // namespace core
