// SPDX-License-Identifier: MIT
#pragma once

#include "sqlite.h"

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

// The bucket counts at coarser widths: `rollups(width, start, level, service, count)` holds, per minute
// and per hour, the sums of the 1-second rows of `buckets` (docs/STORE.md). A sum over a range reads
// hours in its middle, minutes and then seconds towards its ends, so it reads a few hundred rows
// instead of millions.
namespace core::rollups {

inline constexpr std::int64_t SecondNs = 1'000'000'000;
inline constexpr std::int64_t MinuteNs = 60 * SecondNs;
inline constexpr std::int64_t HourNs = 60 * MinuteNs;
// Finest first; each width a multiple of the one before.
inline constexpr std::int64_t Widths[] = {MinuteNs, HourNs};
// Rollups cover the seconds in [DomainBegin, DomainEnd) (years 1855 to 2084), whole hours, so that
// rounding a start to a width never overflows; seconds outside (and events without a time) are only
// in `buckets`.
inline constexpr std::int64_t DomainBegin = -1'000'000 * HourNs;
inline constexpr std::int64_t DomainEnd = 1'000'000 * HourNs;

// Start of the `width`-wide interval holding `ns` (ns within the domain).
constexpr std::int64_t floorTo(std::int64_t ns, std::int64_t width)
{
    const std::int64_t rest = ns % width;
    return rest < 0 ? ns - rest - width : ns - rest;
}
// Start of the second holding `ns`: the rows of `buckets` (any ns but the first second of the time line).
constexpr std::int64_t floorSecond(std::int64_t ns)
{
    return floorTo(ns, SecondNs);
}
// The next width below `width` (a rollup width), down to SecondNs.
constexpr std::int64_t finerThan(std::int64_t width)
{
    std::int64_t finer = SecondNs;
    for (const std::int64_t w : Widths)
        if (w < width)
            finer = w;
    return finer;
}

// Splits [begin, end) into spans each answered by one table: width SecondNs is `buckets`, any other
// `rollups` of that width. Inside the domain the bounds must be whole seconds; outside it, spans are
// always seconds, whatever their bounds. No span is wider than `widest`.
void cover(std::int64_t begin, std::int64_t end,
           const std::function<void(std::int64_t width, std::int64_t a, std::int64_t b)> &span,
           std::int64_t widest = HourNs);

// One query over `buckets` and `rollups` alike: SELECT <select> FROM <table> WHERE (<where>) AND
// start >= ?1 AND start < ?2 [AND width = ?N] <tail>; the where clause's values bind from ?3.
class Reader
{
public:
    static Result<Reader> prepare(sqlite3 *db, std::string_view select, std::string_view where,
                                  std::vector<std::int64_t> values, std::string_view tail = {});
    // Runs over [begin, end) (see cover), handing each result row to `row`.
    Result<void> run(std::int64_t begin, std::int64_t end, const std::function<void(const sql::Statement &)> &row,
                     std::int64_t widest = HourNs);

private:
    sql::Statement m_seconds;
    sql::Statement m_rollups;
    std::vector<std::int64_t> m_values;
};

// Adds `counts` rows of (second start, level, service id, count) to every width of `rollups`.
struct SecondCount {
    std::int64_t start;
    std::int64_t level;
    std::int64_t service;
    std::int64_t count;
};
Result<void> add(sqlite3 *db, const std::vector<SecondCount> &counts);
// Subtracts what the events of one source added (before they are deleted).
Result<void> subtractSource(sqlite3 *db, std::int64_t sourceId);
// Builds every width from `buckets` (the migration to schema version 3).
Result<void> buildFromBuckets(sqlite3 *db);

} // namespace core::rollups
