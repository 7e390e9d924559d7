// SPDX-License-Identifier: MIT
#pragma once

#include <core/store/storetypes.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace core {

// Bucket steps and ranges of the histogram: "nice" steps (1, 2, 5, 10, 15, 30 ms/s/min, 1, 3, 6, 12 h,
// 1 day, 1 week) that start at multiples of the step since the Unix epoch (UTC).
class HistogramBuckets
{
public:
    static constexpr std::size_t TargetBuckets = 200; ///< auto steps give at most this many, and rarely under 80
    static constexpr std::int64_t MillisecondNs = 1'000'000;
    static constexpr std::int64_t WeekNs = 7 * 86'400'000'000'000;

    // Every nice step, ascending, in nanoseconds.
    static const std::vector<std::int64_t> &niceSteps();
    // The smallest nice step that covers [beginNs, endNs) in at most `target` buckets (multiples of a
    // week beyond that).
    static std::int64_t autoStep(std::int64_t beginNs, std::int64_t endNs, std::size_t target = TargetBuckets);
    // "auto" → 0; "500ms", "5s", "1m" (minute), "3h", "1d", "1w" → nanoseconds; nullopt when malformed.
    static std::optional<std::int64_t> parseStep(std::string_view text);
    // "500ms", "5s", "1m", "3h", "1d", "1w": the shortest unit that divides the step.
    static std::string stepName(std::int64_t stepNs);
    // The buckets of `stepNs` that cover [beginNs, endNs): the first starts at the multiple of the
    // step at or before beginNs; at least one bucket.
    static HistogramSpec cover(std::int64_t beginNs, std::int64_t endNs, std::int64_t stepNs);
    // floor(ns / step) * step, for negative times too.
    static std::int64_t floorTo(std::int64_t ns, std::int64_t stepNs);
};

} // namespace core
