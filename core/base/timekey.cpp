// SPDX-License-Identifier: MIT
#include "timekey.h"

#include <array>

namespace core::timekey {

namespace {

constexpr std::int64_t NsPerSecond = 1'000'000'000;
constexpr std::int64_t UsPerSecond = 1'000'000;
constexpr std::int64_t SecondsPerDay = 86'400;
// The window's edge in whole microseconds. Outside the window the key counts microseconds from this
// (rounded down) edge, so decoded times fall on whole microseconds (year 1 decodes to
// 0001-01-01T00:00:00.000000000Z, not a few hundred nanoseconds off it).
constexpr std::int64_t WindowUs = ExactWindowNs / 1000;

// |time| as (seconds, nanoseconds) with 0 <= nanoseconds < 1e9, for a normalised EpochTime.
EpochTime magnitude(const EpochTime &time)
{
    if (time.seconds >= 0)
        return time;
    if (time.nanos == 0)
        return {-time.seconds, 0};
    return {-time.seconds - 1, NsPerSecond - time.nanos};
}

bool isLeap(std::int64_t year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int daysInMonth(std::int64_t year, int month)
{
    static constexpr std::array<int, 12> days = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return month == 2 && isLeap(year) ? 29 : days[static_cast<std::size_t>(month - 1)];
}

// 0001-01-01T00:00:00Z and the first second after 9999-12-31.
constexpr std::int64_t FirstSecond = -62'135'596'800;
constexpr std::int64_t EndSecond = 253'402'300'800;

} // namespace

std::int64_t daysFromCivil(std::int64_t year, int month, int day)
{
    // Years counted from March, so that the leap day ends a year and the day of the year is linear.
    year -= month <= 2 ? 1 : 0;
    const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
    const std::int64_t yearOfEra = year - era * 400;
    const std::int64_t shiftedMonth = month > 2 ? month - 3 : month + 9;
    const std::int64_t dayOfYear = (153 * shiftedMonth + 2) / 5 + day - 1;
    const std::int64_t dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
    return era * 146097 + dayOfEra - 719468;
}

CivilTime toCivil(const EpochTime &time)
{
    std::int64_t days = time.seconds / SecondsPerDay;
    std::int64_t secondOfDay = time.seconds % SecondsPerDay;
    if (secondOfDay < 0) {
        secondOfDay += SecondsPerDay;
        --days;
    }
    const std::int64_t z = days + 719468; // days since 0000-03-01
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const std::int64_t dayOfEra = z - era * 146097;
    const std::int64_t yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365;
    const std::int64_t dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
    const std::int64_t shiftedMonth = (5 * dayOfYear + 2) / 153;
    CivilTime civil;
    civil.day = static_cast<int>(dayOfYear - (153 * shiftedMonth + 2) / 5 + 1);
    civil.month = static_cast<int>(shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9);
    civil.year = static_cast<int>(yearOfEra + era * 400 + (civil.month <= 2 ? 1 : 0));
    civil.hour = static_cast<int>(secondOfDay / 3600);
    civil.minute = static_cast<int>(secondOfDay / 60 % 60);
    civil.second = static_cast<int>(secondOfDay % 60);
    civil.nanos = time.nanos;
    return civil;
}

EpochTime toEpoch(const CivilTime &time)
{
    const std::int64_t seconds = daysFromCivil(time.year, time.month, time.day) * SecondsPerDay
        + time.hour * 3600 + time.minute * 60 + time.second;
    return {seconds + time.nanos / NsPerSecond, time.nanos % NsPerSecond};
}

bool isValidDate(std::int64_t year, int month, int day)
{
    return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

std::optional<std::int64_t> fromEpoch(std::int64_t seconds, std::int64_t nanos)
{
    seconds += nanos / NsPerSecond;
    nanos %= NsPerSecond;
    if (nanos < 0) {
        nanos += NsPerSecond;
        --seconds;
    }
    if (seconds < FirstSecond || seconds >= EndSecond)
        return std::nullopt;
    const EpochTime time{seconds, nanos};
    const EpochTime size = magnitude(time);
    // The exact window: |time| <= 2^62 ns, compared without forming a product that could overflow.
    constexpr std::int64_t WindowSeconds = ExactWindowNs / NsPerSecond;
    constexpr std::int64_t WindowNanos = ExactWindowNs % NsPerSecond;
    if (size.seconds < WindowSeconds || (size.seconds == WindowSeconds && size.nanos <= WindowNanos))
        return seconds * NsPerSecond + nanos;
    const std::int64_t microseconds = size.seconds * UsPerSecond + size.nanos / 1000;
    const std::int64_t key = ExactWindowNs + (microseconds - WindowUs);
    return seconds < 0 ? -key : key;
}

std::optional<std::int64_t> fromCivil(const CivilTime &time, std::int64_t offsetSeconds)
{
    if (time.year < FirstYear || time.year > LastYear || !isValidDate(time.year, time.month, time.day)
        || time.hour < 0 || time.hour > 23 || time.minute < 0 || time.minute > 59 || time.second < 0
        || time.second > 60)
        return std::nullopt;
    const EpochTime utc = toEpoch(time);
    return fromEpoch(utc.seconds - offsetSeconds, utc.nanos);
}

EpochTime toEpoch(std::int64_t key)
{
    if (key >= -ExactWindowNs && key <= ExactWindowNs) {
        std::int64_t seconds = key / NsPerSecond;
        std::int64_t nanos = key % NsPerSecond;
        if (nanos < 0) {
            nanos += NsPerSecond;
            --seconds;
        }
        return {seconds, nanos};
    }
    // A key past the window: microseconds beyond its edge. INT64_MIN (NoTimeNs) is not a time, but
    // decoding it must not overflow: clamp it to the smallest key that is one.
    const std::int64_t size = key == INT64_MIN ? INT64_MAX : (key < 0 ? -key : key);
    const std::int64_t microseconds = size - ExactWindowNs + WindowUs;
    const EpochTime positive{microseconds / UsPerSecond, microseconds % UsPerSecond * 1000};
    if (key > 0)
        return positive;
    return positive.nanos == 0 ? EpochTime{-positive.seconds, 0}
                               : EpochTime{-positive.seconds - 1, NsPerSecond - positive.nanos};
}

CivilTime toCivil(std::int64_t key)
{
    return toCivil(toEpoch(key));
}

std::int64_t naiveToUtc(std::int64_t naiveKey, const std::function<std::int64_t(std::int64_t)> &naiveToUtcNs)
{
    if (!naiveToUtcNs)
        return naiveKey;
    // A zone's offset is at most a day: inside this margin the conversion stays in exact nanoseconds.
    constexpr std::int64_t Margin = 2 * SecondsPerDay * NsPerSecond;
    constexpr std::int64_t Inner = ExactWindowNs - Margin;
    if (naiveKey >= -Inner && naiveKey <= Inner)
        return naiveToUtcNs(naiveKey);
    const std::int64_t edge = naiveKey < 0 ? -Inner : Inner;
    const std::int64_t offsetNs = naiveToUtcNs(edge) - edge;
    const EpochTime time = toEpoch(naiveKey);
    return fromEpoch(time.seconds, time.nanos + offsetNs).value_or(naiveKey);
}

std::int64_t firstKey()
{
    return *fromEpoch(FirstSecond, 0);
}

std::int64_t lastKey()
{
    return *fromEpoch(EndSecond - 1, NsPerSecond - 1);
}

} // namespace core::timekey
