// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <functional>
#include <optional>

// The one encoding of a time into the int64 key every event is stored and sorted by.
//
// Inside a window of ±2^62 ns around the epoch (1823-11-12 to 2116-02-20) the key is the time in
// UTC nanoseconds, exactly. Outside it the key goes on at one step per microsecond of real time, so
// the years 1 to 9999 fit, the order of times is the order of keys, and NoTimeNs (INT64_MIN) stays
// out of reach. Arithmetic on keys (bucket widths, `now-15m`) is exact inside the window only.
namespace core::timekey {

inline constexpr std::int64_t ExactWindowNs = std::int64_t{1} << 62; ///< |key| at most this is exact ns
inline constexpr int FirstYear = 1;
inline constexpr int LastYear = 9999;

// A UTC time split into whole seconds since the epoch and nanoseconds into that second (0 to 999,999,999).
struct EpochTime {
    std::int64_t seconds = 0;
    std::int64_t nanos = 0;
};

struct CivilTime {
    int year = 1970;
    int month = 1;
    int day = 1;
    int hour = 0;
    int minute = 0;
    int second = 0;
    std::int64_t nanos = 0;
};

// The key of a UTC time; nullopt outside 0001-01-01T00:00:00Z .. 9999-12-31T23:59:59.999999999Z.
// `nanos` may be any value: it is carried into the seconds first.
std::optional<std::int64_t> fromEpoch(std::int64_t seconds, std::int64_t nanos);
// The key of a proleptic Gregorian date and time written `offsetSeconds` east of UTC (a leap second
// :60 folds onto the next second); nullopt for an impossible date or a year outside 1..9999.
std::optional<std::int64_t> fromCivil(const CivilTime &time, std::int64_t offsetSeconds = 0);
// Whether a calendar date exists: 2026-02-30 does not.
bool isValidDate(std::int64_t year, int month, int day);

EpochTime toEpoch(std::int64_t key);
CivilTime toCivil(std::int64_t key);

// The same conversions without a key: any proleptic Gregorian date, unchecked, for date arithmetic.
EpochTime toEpoch(const CivilTime &time);
CivilTime toCivil(const EpochTime &time);
std::int64_t daysFromCivil(std::int64_t year, int month, int day);

// A wall-clock key converted to UTC by `naiveToUtcNs`, a zone's conversion of nanoseconds (which knows
// only the years 1677-2262): outside the exact window the zone's offset at the window's edge applies.
std::int64_t naiveToUtc(std::int64_t naiveKey, const std::function<std::int64_t(std::int64_t)> &naiveToUtcNs);

// The smallest and largest keys a time can have (year 1 and year 9999).
std::int64_t firstKey();
std::int64_t lastKey();

} // namespace core::timekey
