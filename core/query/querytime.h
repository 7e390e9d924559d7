// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>

namespace core {

// A span of time [begin, end) as time keys (core/base/timekey.h: UTC nanoseconds inside 1823-2116).
struct TimeInterval {
    std::int64_t begin = 0;
    std::int64_t end = 0;
};

// Turns the dates of a query into intervals: `now`, date math (`now-15m`, `now-1h`, `now/d`) and
// absolute dates to any precision (`2025`, `2025-11-10`, `2025-11-10T10:30`, `...:15.250Z`). A date
// means the whole interval its precision names; one without an offset is in the given zone. Dates run
// from year 1 to 9999, the range an import keeps.
class QueryTime
{
public:
    // `naiveToUtc` converts a wall-clock time read as UTC into UTC; empty means the zone is UTC.
    explicit QueryTime(std::int64_t nowNs, std::function<std::int64_t(std::int64_t)> naiveToUtc = {});

    std::int64_t now() const { return m_nowNs; }
    std::optional<TimeInterval> resolve(std::string_view text) const;
    // What a query says when resolve() refuses a date: the forms, and the range dates may take.
    static constexpr std::string_view ExpectedDate = "expected a date from 0001 to 9999 (2025-11-10T10:30, now-1h)";
    // The wall clock, in UTC nanoseconds.
    static std::int64_t wallClockNs();

private:
    std::optional<TimeInterval> dateMath(std::string_view text) const;
    std::optional<TimeInterval> absolute(std::string_view text) const;

    std::int64_t m_nowNs = 0;
    std::function<std::int64_t(std::int64_t)> m_naiveToUtc;
};

} // namespace core
