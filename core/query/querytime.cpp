// SPDX-License-Identifier: MIT
#include "querytime.h"

#include <core/base/timekey.h>
#include <core/model/normalize.h>

#include <chrono>

namespace core {

namespace {

using timekey::CivilTime;
using timekey::EpochTime;

constexpr std::int64_t NsPerSecond = 1'000'000'000;
constexpr std::int64_t Minute = 60;
constexpr std::int64_t Hour = 60 * Minute;
constexpr std::int64_t Day = 24 * Hour;

// Date arithmetic runs on seconds and nanoseconds, not on keys: a key steps in microseconds outside
// its exact window (core/base/timekey.h), so `now-1000y` and `[0001 TO 9999]` are computed as times
// and only the results become keys.
EpochTime plusSeconds(EpochTime time, std::int64_t seconds, std::int64_t nanos = 0)
{
    time.seconds += seconds + nanos / NsPerSecond;
    time.nanos += nanos % NsPerSecond;
    if (time.nanos >= NsPerSecond) {
        time.nanos -= NsPerSecond;
        ++time.seconds;
    } else if (time.nanos < 0) {
        time.nanos += NsPerSecond;
        --time.seconds;
    }
    return time;
}

// Adds months keeping the day (clamped to the month's last day), as date math does.
EpochTime addMonths(const EpochTime &time, std::int64_t months)
{
    CivilTime civil = timekey::toCivil(time);
    const std::int64_t index = civil.year * 12LL + (civil.month - 1) + months;
    const std::int64_t year = index >= 0 ? index / 12 : -((-index + 11) / 12);
    civil.year = static_cast<int>(year);
    civil.month = static_cast<int>(index - year * 12 + 1);
    while (!timekey::isValidDate(civil.year, civil.month, civil.day))
        --civil.day;
    return timekey::toEpoch(civil);
}

// The interval [begin, end) as keys; an end past 9999 is the end of 9999, a begin outside 1..9999 none.
std::optional<TimeInterval> intervalOf(const EpochTime &begin, const EpochTime &end)
{
    const auto first = timekey::fromEpoch(begin.seconds, begin.nanos);
    if (!first)
        return std::nullopt;
    const auto last = timekey::fromEpoch(end.seconds, end.nanos);
    return TimeInterval{*first, last ? *last : timekey::lastKey() + 1};
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
    EpochTime at = timekey::toEpoch(m_nowNs);
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
    // n has at most 9 digits, so n weeks in seconds (6e14) cannot overflow; the years are checked below.
    const auto step = [&](char unit, std::int64_t n) -> std::optional<EpochTime> {
        switch (unit) {
        case 'y': return addMonths(at, 12 * n);
        case 'M': return addMonths(at, n);
        case 'w': return plusSeconds(at, n * 7 * Day);
        case 'd': return plusSeconds(at, n * Day);
        case 'h':
        case 'H': return plusSeconds(at, n * Hour);
        case 'm': return plusSeconds(at, n * Minute);
        case 's': return plusSeconds(at, n);
        case 'x': return plusSeconds(at, n / 1000, n % 1000 * 1'000'000);
        default: return std::nullopt;
        }
    };
    const auto inRange = [](const EpochTime &time) { return timekey::fromEpoch(time.seconds, time.nanos).has_value(); };
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
        if ((unit == 'y' && n > timekey::LastYear) || (unit == 'M' && n > 12 * timekey::LastYear))
            return std::nullopt; // past any year a date can have, whatever `now` is
        const auto moved = step(unit, minus ? -n : n);
        if (!moved || !inRange(*moved))
            return std::nullopt;
        at = *moved;
    }
    if (i == text.size()) {
        const auto key = timekey::fromEpoch(at.seconds, at.nanos);
        return TimeInterval{*key, *key + 1};
    }
    if (text[i] != '/')
        return std::nullopt;
    ++i;
    const char unit = unitOf(i);
    if (i != text.size() || unit == 0)
        return std::nullopt;
    CivilTime civil = timekey::toCivil(at);
    civil.nanos = 0;
    switch (unit) {
    case 'y': {
        civil.month = 1;
        civil.day = 1;
        civil.hour = civil.minute = civil.second = 0;
        const EpochTime begin = timekey::toEpoch(civil);
        return intervalOf(begin, addMonths(begin, 12));
    }
    case 'M': {
        civil.day = 1;
        civil.hour = civil.minute = civil.second = 0;
        const EpochTime begin = timekey::toEpoch(civil);
        return intervalOf(begin, addMonths(begin, 1));
    }
    case 'w': {
        // Weeks start on Monday; 1970-01-01 was a Thursday.
        const std::int64_t days = timekey::daysFromCivil(civil.year, civil.month, civil.day);
        const std::int64_t weekday = ((days + 3) % 7 + 7) % 7;
        const EpochTime begin{(days - weekday) * Day, 0};
        return intervalOf(begin, plusSeconds(begin, 7 * Day));
    }
    case 'x': {
        const EpochTime begin{at.seconds, at.nanos - at.nanos % 1'000'000};
        return intervalOf(begin, plusSeconds(begin, 0, 1'000'000));
    }
    default: {
        const std::int64_t size = unit == 'd' ? Day : unit == 'h' || unit == 'H' ? Hour : unit == 'm' ? Minute : 1;
        const std::int64_t rest = ((at.seconds % size) + size) % size;
        const EpochTime begin{at.seconds - rest, 0};
        return intervalOf(begin, plusSeconds(begin, size));
    }
    }
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
    std::int64_t sizeNs = 0; // the precision below a day, in nanoseconds; 0 for a day or longer
    std::int64_t sizeDays = 0;
    std::size_t i = 0;
    if (!digits(text, 0, 4, year) || year < timekey::FirstYear || year > timekey::LastYear)
        return std::nullopt;
    i = 4;
    std::int64_t unitMonths = 0; // set for year and month precision
    if (i < text.size() && text[i] == '-') {
        if (!digits(text, i + 1, 2, month) || month < 1 || month > 12)
            return std::nullopt;
        i += 3;
        if (i < text.size() && text[i] == '-') {
            // The day must exist in its month: 2026-02-30 is refused like 2026-13-45.
            if (!digits(text, i + 1, 2, day) || !timekey::isValidDate(year, static_cast<int>(month), static_cast<int>(day)))
                return std::nullopt;
            i += 3;
            sizeDays = 1;
            if (i < text.size() && (text[i] == 'T' || text[i] == ' ') && i + 1 < text.size() && text[i + 1] >= '0' && text[i + 1] <= '9') {
                if (!digits(text, i + 1, 2, hour) || hour > 23)
                    return std::nullopt;
                i += 3;
                sizeDays = 0;
                sizeNs = Hour * NsPerSecond;
                if (i < text.size() && text[i] == ':') {
                    if (!digits(text, i + 1, 2, minute) || minute > 59)
                        return std::nullopt;
                    i += 3;
                    sizeNs = Minute * NsPerSecond;
                    if (i < text.size() && text[i] == ':') {
                        if (!digits(text, i + 1, 2, second) || second > 60)
                            return std::nullopt;
                        i += 3;
                        sizeNs = NsPerSecond;
                        if (i < text.size() && (text[i] == '.' || text[i] == ',')) {
                            ++i;
                            std::size_t count = 0;
                            while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
                                if (count < 9) {
                                    fraction = fraction * 10 + (text[i] - '0');
                                    sizeNs /= 10;
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
            unitMonths = 1;
        }
    } else {
        unitMonths = 12;
    }
    std::optional<std::int64_t> offsetSeconds;
    if (i < text.size()) {
        if (text[i] == 'Z' && i + 1 == text.size()) {
            offsetSeconds = 0;
        } else if ((text[i] == '+' || text[i] == '-') && sizeNs != 0 && sizeNs <= Hour * NsPerSecond) {
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
            offsetSeconds = (text[i] == '-' ? -1 : 1) * (oh * Hour + om * Minute);
        } else {
            return std::nullopt;
        }
    }
    const CivilTime civil{static_cast<int>(year), static_cast<int>(month), static_cast<int>(day),
                          static_cast<int>(hour), static_cast<int>(minute), static_cast<int>(second), fraction};
    EpochTime begin = timekey::toEpoch(civil);
    EpochTime end = unitMonths != 0 ? addMonths(begin, unitMonths) : plusSeconds(begin, sizeDays * Day, sizeNs);
    if (offsetSeconds) {
        begin = plusSeconds(begin, -*offsetSeconds);
        end = plusSeconds(end, -*offsetSeconds);
    }
    auto interval = intervalOf(begin, end);
    if (interval && !offsetSeconds && m_naiveToUtc) {
        interval->begin = timekey::naiveToUtc(interval->begin, m_naiveToUtc);
        interval->end = timekey::naiveToUtc(interval->end, m_naiveToUtc);
    }
    return interval;
}

} // namespace core
