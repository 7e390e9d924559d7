// SPDX-License-Identifier: MIT
#include "histogrambuckets.h"

#include <charconv>

namespace core {

namespace {

constexpr std::int64_t Ms = HistogramBuckets::MillisecondNs;
constexpr std::int64_t Second = 1000 * Ms;
constexpr std::int64_t Minute = 60 * Second;
constexpr std::int64_t Hour = 60 * Minute;
constexpr std::int64_t Day = 24 * Hour;

} // namespace

const std::vector<std::int64_t> &HistogramBuckets::niceSteps()
{
    // The list, with 50–500 ms added: without them a 10-second incident jumps from 333
    // buckets of 30 ms to 10 buckets of a second.
    static const std::vector<std::int64_t> steps{
        1 * Ms,      2 * Ms,      5 * Ms,     10 * Ms,    15 * Ms,    30 * Ms,     50 * Ms,
        100 * Ms,    200 * Ms,    500 * Ms,   1 * Second, 2 * Second, 5 * Second,  10 * Second,
        15 * Second, 30 * Second, 1 * Minute, 2 * Minute, 5 * Minute, 10 * Minute, 15 * Minute,
        30 * Minute, 1 * Hour,    3 * Hour,   6 * Hour,   12 * Hour,  1 * Day,     WeekNs};
    return steps;
}

std::int64_t HistogramBuckets::floorTo(std::int64_t ns, std::int64_t stepNs)
{
    const std::int64_t q = ns / stepNs;
    return (ns % stepNs != 0 && ns < 0 ? q - 1 : q) * stepNs;
}

HistogramSpec HistogramBuckets::cover(std::int64_t beginNs, std::int64_t endNs, std::int64_t stepNs)
{
    HistogramSpec spec;
    spec.bucketNs = stepNs;
    spec.fromNs = floorTo(beginNs, stepNs);
    // Time keys run from about -4.9e18 (year 1) to 4.9e18 (year 9999): their difference does not fit
    // in int64, so it is taken unsigned (end >= from, so the difference is right).
    const std::uint64_t span
        = endNs > spec.fromNs ? static_cast<std::uint64_t>(endNs) - static_cast<std::uint64_t>(spec.fromNs) : 1;
    const auto step = static_cast<std::uint64_t>(stepNs);
    spec.buckets = static_cast<std::size_t>((span + step - 1) / step);
    return spec;
}

std::int64_t HistogramBuckets::autoStep(std::int64_t beginNs, std::int64_t endNs, std::size_t target)
{
    for (const std::int64_t step : niceSteps())
        if (cover(beginNs, endNs, step).buckets <= target)
            return step;
    std::int64_t weeks = 2;
    while (cover(beginNs, endNs, weeks * WeekNs).buckets > target)
        weeks *= 2;
    return weeks * WeekNs;
}

std::optional<std::int64_t> HistogramBuckets::parseStep(std::string_view text)
{
    if (text == "auto")
        return 0;
    std::int64_t count = 0;
    const auto parsed = std::from_chars(text.data(), text.data() + text.size(), count);
    if (parsed.ec != std::errc() || count <= 0)
        return std::nullopt;
    const std::string_view unit(parsed.ptr, static_cast<std::size_t>(text.data() + text.size() - parsed.ptr));
    std::int64_t scale = 0;
    if (unit == "ms")
        scale = Ms;
    else if (unit == "s")
        scale = Second;
    else if (unit == "m")
        scale = Minute;
    else if (unit == "h")
        scale = Hour;
    else if (unit == "d")
        scale = Day;
    else if (unit == "w")
        scale = WeekNs;
    else
        return std::nullopt;
    if (count > INT64_MAX / scale)
        return std::nullopt;
    return count * scale;
}

std::string HistogramBuckets::stepName(std::int64_t stepNs)
{
    for (const auto &[scale, unit] :
         {std::pair{WeekNs, "w"}, {Day, "d"}, {Hour, "h"}, {Minute, "m"}, {Second, "s"}, {Ms, "ms"}})
        if (stepNs % scale == 0)
            return std::to_string(stepNs / scale) + unit;
    return std::to_string(stepNs) + "ns";
}

} // namespace core
