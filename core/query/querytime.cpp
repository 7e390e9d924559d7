// SPDX-License-Identifier: MIT
#include "querytime.h"

#include <core/model/normalize.h>

#include <chrono>

namespace core {

namespace {

constexpr std::int64_t Second = 1'000'000'000;
constexpr std::int64_t Minute = 60 * Second;
constexpr std::int64_t Hour = 60 * Minute;
constexpr std::int64_t Day = 24 * Hour;

// Days since 1970-01-01 of a proleptic Gregorian date (years counted from March, so leap days end a year).
std::int64_t daysOf(std::int64_t year, std::int64_t month, std::int64_t day)
{
    year -= month <= 2 ? 1 : 0;
    const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
    const std::int64_t yearOfEra = year - era * 400;
    const std::int64_t dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    const std::int64_t dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
    return era * 146097 + dayOfEra - 719468;
}

struct Civil {
    std::int64_t year = 1970;
    std::int64_t month = 1;
    std::int64_t day = 1;
    std::int64_t nsOfDay = 0;
};

Civil civilOf(std::int64_t ns)
{
    std::int64_t days = ns / Day;
    std::int64_t rest = ns % Day;
    if (rest < 0) {
        rest += Day;
        --days;
    }
    const std::int64_t z = days + 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const std::int64_t dayOfEra = z - era * 146097;
    const std::int64_t yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365;
    const std::int64_t dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
    const std::int64_t mp = (5 * dayOfYear + 2) / 153;
    Civil civil;
    civil.day = dayOfYear - (153 * mp + 2) / 5 + 1;
    civil.month = mp < 10 ? mp + 3 : mp - 9;
    civil.year = yearOfEra + era * 400 + (civil.month <= 2 ? 1 : 0);
    civil.nsOfDay = rest;
    return civil;
}

std::int64_t nsOf(const Civil &civil)
{
    return daysOf(civil.year, civil.month, civil.day) * Day + civil.nsOfDay;
}

// Adds months keeping the day (clamped to the month's last day), as date math does.
std::int64_t addMonths(std::int64_t ns, std::int64_t months)
{
    Civil civil = civilOf(ns);
    std::int64_t index = civil.year * 12 + (civil.month - 1) + months;
    civil.year = index >= 0 ? index / 12 : -((-index + 11) / 12);
    civil.month = index - civil.year * 12 + 1;
    const std::int64_t nextMonthDays = civil.month == 12 ? daysOf(civil.year + 1, 1, 1) : daysOf(civil.year, civil.month + 1, 1);
    civil.day = std::min(civil.day, nextMonthDays - daysOf(civil.year, civil.month, 1));
    return nsOf(civil);
}

bool digits(std::string_view text, std::size_t at, std::size_t count, std::int64_t &out)
{
    if (at + count > text.size())
        return false;
    out = 0;
    for (std::size_t i = at; i < at + count; ++i) {
        if (text[i] < '0' || text[i] > '9')
            return false;
        out = out * 10 + (text[i] - '0');
    }
    return true;
}

} // namespace

QueryTime::QueryTime(std::int64_t nowNs, std::function<std::int64_t(std::int64_t)> naiveToUtc)
    : m_nowNs(nowNs)
    , m_naiveToUtc(std::move(naiveToUtc))
{
}

std::int64_t QueryTime::wallClockNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::optional<TimeInterval> QueryTime::resolve(std::string_view text) const
{
    if (text.substr(0, 3) == "now")
        return dateMath(text);
    return absolute(text);
}

// now, then any number of ±N unit, then an optional /unit that rounds down to the unit and
// spans it: `now/d` is today, all of it.
std::optional<TimeInterval> QueryTime::dateMath(std::string_view text) const
{
    std::int64_t at = m_nowNs;
    std::size_t i = 3;
    const auto unitOf = [&](std::size_t &pos) -> char {
        if (pos >= text.size())
            return 0;
        if (text.substr(pos, 2) == "ms") {
            pos += 2;
            return 'x';
        }
        const char unit = text[pos++];
        return std::string_view("yMwdhHms").find(unit) == std::string_view::npos ? 0 : unit;
    };
    const auto shift = [&](std::int64_t n, std::int64_t size) -> std::optional<std::int64_t> {
        std::int64_t delta = 0;
        std::int64_t moved = 0;
        if (__builtin_mul_overflow(n, size, &delta) || __builtin_add_overflow(at, delta, &moved))
            return std::nullopt;
        return moved;
    };
    const auto step = [&](char unit, std::int64_t n) -> std::optional<std::int64_t> {
        switch (unit) {
        case 'y':
        case 'M': {
            // Months move through the calendar; keep them within the years 64-bit nanoseconds reach.
            const std::int64_t months = unit == 'y' ? 12 * n : n;
            if (months > 12 * 300 || months < -12 * 300)
                return std::nullopt;
            const Civil civil = civilOf(at);
            const std::int64_t year = civil.year + (civil.month - 1 + months) / 12;
            if (year < 1679 || year > 2260)
                return std::nullopt;
            return addMonths(at, months);
        }
        case 'w': return shift(n, 7 * Day);
        case 'd': return shift(n, Day);
        case 'h':
        case 'H': return shift(n, Hour);
        case 'm': return shift(n, Minute);
        case 's': return shift(n, Second);
        case 'x': return shift(n, 1'000'000);
        default: return std::nullopt;
        }
    };
    while (i < text.size() && (text[i] == '+' || text[i] == '-')) {
        const bool minus = text[i] == '-';
        ++i;
        std::int64_t n = 0;
        std::size_t start = i;
        while (i < text.size() && text[i] >= '0' && text[i] <= '9' && i - start < 9)
            n = n * 10 + (text[i++] - '0');
        if (i == start)
            n = 1;
        const char unit = unitOf(i);
        const auto moved = step(unit, minus ? -n : n);
        if (!moved)
            return std::nullopt;
        at = *moved;
    }
    // Rounding to a year may reach a year on: stay well inside what 64-bit nanoseconds hold.
    constexpr std::int64_t Reach = 9'000'000'000'000'000'000;
    if (at < -Reach || at > Reach)
        return std::nullopt;
    if (i == text.size())
        return TimeInterval{at, at + 1};
    if (text[i] != '/')
        return std::nullopt;
    ++i;
    const char unit = unitOf(i);
    if (i != text.size() || unit == 0)
        return std::nullopt;
    Civil civil = civilOf(at);
    std::int64_t begin = 0;
    std::int64_t end = 0;
    switch (unit) {
    case 'y':
        begin = daysOf(civil.year, 1, 1) * Day;
        end = daysOf(civil.year + 1, 1, 1) * Day;
        break;
    case 'M':
        begin = daysOf(civil.year, civil.month, 1) * Day;
        end = addMonths(begin, 1);
        break;
    case 'w': {
        // Weeks start on Monday; 1970-01-01 was a Thursday.
        const std::int64_t days = daysOf(civil.year, civil.month, civil.day);
        const std::int64_t weekday = ((days + 3) % 7 + 7) % 7;
        begin = (days - weekday) * Day;
        end = begin + 7 * Day;
        break;
    }
    default: {
        const std::int64_t size = unit == 'd' ? Day : unit == 'h' || unit == 'H' ? Hour : unit == 'm' ? Minute : unit == 's' ? Second : 1'000'000;
        begin = at - ((at % size) + size) % size;
        end = begin + size;
        break;
    }
    }
    return TimeInterval{begin, end};
}

// YYYY[-MM[-DD[(T| )hh[:mm[:ss[.fff]]]]]][Z|±hh[:]mm], or an epoch number of 9 digits or more.
std::optional<TimeInterval> QueryTime::absolute(std::string_view text) const
{
    if (text.size() >= 9 && text.find_first_not_of("0123456789.") == std::string_view::npos) {
        const auto ns = normalize::epochToNs(text);
        if (!ns)
            return std::nullopt;
        return TimeInterval{*ns, *ns + 1};
    }
    std::int64_t year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0, fraction = 0;
    std::int64_t size = 0;
    std::size_t i = 0;
    // Nanoseconds since 1970 in 64 bits reach from 1677 to 2262.
    if (!digits(text, 0, 4, year) || year < 1678 || year > 2261)
        return std::nullopt;
    i = 4;
    std::int64_t unitEnd = 0; // set below for year and month precision
    bool calendarUnit = true;
    if (i < text.size() && text[i] == '-') {
        if (!digits(text, i + 1, 2, month) || month < 1 || month > 12)
            return std::nullopt;
        i += 3;
        if (i < text.size() && text[i] == '-') {
            if (!digits(text, i + 1, 2, day) || day < 1 || day > 31)
                return std::nullopt;
            i += 3;
            calendarUnit = false;
            size = Day;
            if (i < text.size() && (text[i] == 'T' || text[i] == ' ') && i + 1 < text.size() && text[i + 1] >= '0' && text[i + 1] <= '9') {
                if (!digits(text, i + 1, 2, hour) || hour > 23)
                    return std::nullopt;
                i += 3;
                size = Hour;
                if (i < text.size() && text[i] == ':') {
                    if (!digits(text, i + 1, 2, minute) || minute > 59)
                        return std::nullopt;
                    i += 3;
                    size = Minute;
                    if (i < text.size() && text[i] == ':') {
                        if (!digits(text, i + 1, 2, second) || second > 60)
                            return std::nullopt;
                        i += 3;
                        size = Second;
                        if (i < text.size() && (text[i] == '.' || text[i] == ',')) {
                            ++i;
                            std::size_t count = 0;
                            size = Second;
                            while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
                                if (count < 9) {
                                    fraction = fraction * 10 + (text[i] - '0');
                                    size /= 10;
                                }
                                ++count;
                                ++i;
                            }
                            if (count == 0)
                                return std::nullopt;
                            for (std::size_t k = count; k < 9; ++k)
                                fraction *= 10;
                        }
                    }
                }
            }
        } else {
            unitEnd = 1; // a month
        }
    } else {
        unitEnd = 12; // a year
    }
    std::optional<std::int64_t> offset;
    if (i < text.size()) {
        if (text[i] == 'Z' && i + 1 == text.size()) {
            offset = 0;
        } else if ((text[i] == '+' || text[i] == '-') && size != 0 && size <= Hour) {
            std::int64_t oh = 0, om = 0;
            std::size_t j = i + 1;
            if (!digits(text, j, 2, oh))
                return std::nullopt;
            j += 2;
            if (j < text.size() && text[j] == ':')
                ++j;
            if (j < text.size() && !digits(text, j, 2, om))
                return std::nullopt;
            if (j < text.size())
                j += 2;
            if (j != text.size())
                return std::nullopt;
            offset = (text[i] == '-' ? -1 : 1) * (oh * Hour + om * Minute);
        } else {
            return std::nullopt;
        }
    }
    std::int64_t begin = daysOf(year, month, day) * Day + hour * Hour + minute * Minute + second * Second + fraction;
    std::int64_t end = calendarUnit ? addMonths(begin, unitEnd) : begin + size;
    if (offset) {
        begin -= *offset;
        end -= *offset;
    } else if (m_naiveToUtc) {
        begin = m_naiveToUtc(begin);
        end = m_naiveToUtc(end);
    }
    return TimeInterval{begin, end};
}

} // namespace core
