// SPDX-License-Identifier: MIT
#include "normalize.h"

#include <array>
#include <cstring>
#include <limits>

namespace core::normalize {

namespace {

constexpr std::int64_t NsPerSecond = 1'000'000'000;

char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

bool equalsNoCase(std::string_view a, std::string_view b)
{
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (lower(a[i]) != lower(b[i]))
            return false;
    }
    return true;
}

bool endsWith(std::string_view text, std::string_view suffix)
{
    return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

std::string_view trim(std::string_view text)
{
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r' || text.back() == '\n'))
        text.remove_suffix(1);
    return text;
}

// Reads exactly `count` digits at `pos`; false when any is missing.
bool readDigits(std::string_view text, std::size_t pos, std::size_t count, int &value)
{
    if (pos + count > text.size())
        return false;
    int result = 0;
    for (std::size_t i = 0; i < count; ++i) {
        const char c = text[pos + i];
        if (!isDigit(c))
            return false;
        result = result * 10 + (c - '0');
    }
    value = result;
    return true;
}

// Days since 1970-01-01 in the proleptic Gregorian calendar. Years are shifted to start in March so
// that the leap day is the last day of the shifted year, which makes the day-of-year a linear formula.
std::int64_t daysFromCivil(std::int64_t year, int month, int day)
{
    year -= month <= 2 ? 1 : 0;
    const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
    const std::int64_t yearOfEra = year - era * 400;
    const std::int64_t shiftedMonth = month > 2 ? month - 3 : month + 9;
    const std::int64_t dayOfYear = (153 * shiftedMonth + 2) / 5 + day - 1;
    const std::int64_t dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
    return era * 146097 + dayOfEra - 719468;
}

int daysInMonth(std::int64_t year, int month)
{
    static constexpr std::array<int, 12> days = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0))
        return 29;
    return days[static_cast<std::size_t>(month - 1)];
}

bool validDateTime(std::int64_t year, int month, int day, int hour, int minute, int second)
{
    return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month) && hour <= 23 && minute <= 59
        && second <= 60;
}

std::int64_t civilToNs(std::int64_t year, int month, int day, int hour, int minute, int second)
{
    // A leap second is folded onto the next second: good enough for ordering logs.
    const std::int64_t seconds = daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
    return seconds * NsPerSecond;
}

// A fraction after '.' or ',' of any length, as nanoseconds (digits past the ninth are dropped).
std::size_t readFraction(std::string_view text, std::size_t pos, std::int64_t &ns)
{
    std::size_t end = pos;
    std::int64_t value = 0;
    int digits = 0;
    while (end < text.size() && isDigit(text[end])) {
        if (digits < 9) {
            value = value * 10 + (text[end] - '0');
            ++digits;
        }
        ++end;
    }
    for (; digits < 9; ++digits)
        value *= 10;
    ns = value;
    return end;
}

std::int64_t applyNaive(std::int64_t ns, const ParseOptions &options)
{
    return options.naiveToUtc ? options.naiveToUtc(ns) : ns;
}

// Year of the source's mtime (UTC), or 1970 when unknown.
std::int64_t yearOfNs(std::int64_t ns)
{
    std::int64_t days = ns / NsPerSecond / 86400;
    if (ns < 0 && (ns / NsPerSecond) % 86400 != 0)
        --days;
    // Inverse of daysFromCivil, same March-based years.
    days += 719468;
    const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    const std::int64_t dayOfEra = days - era * 146097;
    const std::int64_t yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365;
    const std::int64_t dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
    const std::int64_t shiftedMonth = (5 * dayOfYear + 2) / 153;
    const std::int64_t month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
    return yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
}

std::int64_t sourceYear(const ParseOptions &options)
{
    return options.sourceMtimeNs != 0 ? yearOfNs(options.sourceMtimeNs) : 1970;
}

// ISO 8601 / RFC 3339 at the start of `text`: date, 'T' or ' ', time, optional fraction and offset.
// A date with '/' separators (Go's log package) is accepted too. Returns the length read, 0 for none.
std::size_t parseIso(std::string_view text, const ParseOptions &options, std::int64_t &ns)
{
    int year = 0;
    int month = 0;
    int day = 0;
    if (!readDigits(text, 0, 4, year) || text.size() < 10)
        return 0;
    const char separator = text[4];
    if ((separator != '-' && separator != '/') || text[7] != separator)
        return 0;
    if (!readDigits(text, 5, 2, month) || !readDigits(text, 8, 2, day))
        return 0;
    std::size_t pos = 10;
    int hour = 0;
    int minute = 0;
    int second = 0;
    std::int64_t fraction = 0;
    bool hasClock = false;
    if (pos < text.size() && (text[pos] == 'T' || text[pos] == ' ')
        && readDigits(text, pos + 1, 2, hour) && pos + 3 < text.size() && text[pos + 3] == ':'
        && readDigits(text, pos + 4, 2, minute)) {
        hasClock = true;
        pos += 6;
        if (pos < text.size() && text[pos] == ':' && readDigits(text, pos + 1, 2, second)) {
            pos += 3;
            if (pos + 1 < text.size() && (text[pos] == '.' || text[pos] == ',') && isDigit(text[pos + 1]))
                pos = readFraction(text, pos + 1, fraction);
        }
    }
    if (!validDateTime(year, month, day, hour, minute, second))
        return 0;
    std::int64_t result = civilToNs(year, month, day, hour, minute, second) + fraction;
    bool hasOffset = false;
    if (hasClock && pos < text.size()) {
        std::size_t offsetPos = pos;
        // "2024-05-14 09:00:00 +0200" writes the offset after a blank.
        if (text[offsetPos] == ' ' && offsetPos + 1 < text.size()
            && (text[offsetPos + 1] == '+' || text[offsetPos + 1] == '-'))
            ++offsetPos;
        const char sign = text[offsetPos];
        if (sign == 'Z' || sign == 'z') {
            hasOffset = true;
            pos = offsetPos + 1;
        } else if (sign == '+' || sign == '-') {
            int offsetHours = 0;
            int offsetMinutes = 0;
            std::size_t end = 0;
            if (readDigits(text, offsetPos + 1, 2, offsetHours)) {
                end = offsetPos + 3;
                if (end < text.size() && text[end] == ':' && readDigits(text, end + 1, 2, offsetMinutes))
                    end += 3;
                else if (readDigits(text, end, 2, offsetMinutes))
                    end += 2;
                // A bare "+hh" is only an offset when nothing numeric follows.
                if (end < text.size() && isDigit(text[end]))
                    end = 0;
            }
            if (end != 0 && offsetHours <= 23 && offsetMinutes <= 59) {
                const std::int64_t offset = (offsetHours * 3600 + offsetMinutes * 60) * NsPerSecond;
                result += sign == '+' ? -offset : offset;
                hasOffset = true;
                pos = end;
            }
        }
    }
    ns = hasOffset ? result : applyNaive(result, options);
    return pos;
}

// Month abbreviations: English, and the French and German forms syslog writes under those locales.
int monthFromName(std::string_view text, std::size_t &length)
{
    struct Name {
        std::string_view text;
        int month;
    };
    static constexpr std::array<Name, 36> names = {{
        {"jan", 1},        {"feb", 2},       {"mar", 3},        {"apr", 4},     {"may", 5},      {"jun", 6},
        {"jul", 7},        {"aug", 8},       {"sep", 9},        {"oct", 10},    {"nov", 11},     {"dec", 12},
        {"janv.", 1},      {"f\xc3\xa9vr.", 2}, {"mars", 3},    {"avr.", 4},    {"mai", 5},      {"juin", 6},
        {"juil.", 7},      {"ao\xc3\xbbt", 8}, {"sept.", 9},    {"oct.", 10},   {"nov.", 11},    {"d\xc3\xa9" "c.", 12},
        {"janv", 1},       {"f\xc3\xa9vr", 2}, {"avr", 4},      {"juil", 7},    {"sept", 9},     {"d\xc3\xa9" "c", 12},
        {"m\xc3\xa4r", 3}, {"okt", 10},      {"dez", 12},       {"mrz", 3},     {"sep.", 9},     {"mai.", 5},
    }};
    int best = 0;
    std::size_t bestLength = 0;
    for (const Name &name : names) {
        if (name.text.size() > bestLength && text.size() >= name.text.size()
            && equalsNoCase(text.substr(0, name.text.size()), name.text)) {
            best = name.month;
            bestLength = name.text.size();
        }
    }
    length = bestLength;
    return best;
}

// BSD syslog "Nov  3 09:23:38" (the year from the source's mtime).
std::size_t parseSyslog(std::string_view text, const ParseOptions &options, std::int64_t &ns)
{
    std::size_t pos = 0;
    const int month = monthFromName(text, pos);
    if (month == 0 || pos >= text.size() || text[pos] != ' ')
        return 0;
    while (pos < text.size() && text[pos] == ' ')
        ++pos;
    int day = 0;
    if (readDigits(text, pos, 2, day))
        pos += 2;
    else if (readDigits(text, pos, 1, day))
        pos += 1;
    else
        return 0;
    int hour = 0;
    int minute = 0;
    int second = 0;
    if (pos >= text.size() || text[pos] != ' ' || !readDigits(text, pos + 1, 2, hour) || pos + 3 >= text.size()
        || text[pos + 3] != ':' || !readDigits(text, pos + 4, 2, minute) || pos + 6 >= text.size()
        || text[pos + 6] != ':' || !readDigits(text, pos + 7, 2, second))
        return 0;
    pos += 9;
    std::int64_t fraction = 0;
    if (pos + 1 < text.size() && text[pos] == '.' && isDigit(text[pos + 1]))
        pos = readFraction(text, pos + 1, fraction);
    const std::int64_t year = sourceYear(options);
    // Feb 29 in a non-leap mtime year is still a real date in some year: read it in the leap year before.
    const std::int64_t effectiveYear = (month == 2 && day == 29 && daysInMonth(year, 2) == 28) ? year - 1 : year;
    if (!validDateTime(effectiveYear, month, day, hour, minute, second))
        return 0;
    ns = applyNaive(civilToNs(effectiveYear, month, day, hour, minute, second) + fraction, options);
    return pos;
}

// glog "I0517 15:04:22.619632": severity letter, month, day, time with µs.
std::size_t parseGlog(std::string_view text, const ParseOptions &options, std::int64_t &ns)
{
    if (text.size() < 14 || std::strchr("IWEFD", text[0]) == nullptr || text[0] == '\0')
        return 0;
    int month = 0;
    int day = 0;
    int hour = 0;
    int minute = 0;
    int second = 0;
    if (!readDigits(text, 1, 2, month) || !readDigits(text, 3, 2, day) || text[5] != ' '
        || !readDigits(text, 6, 2, hour) || text[8] != ':' || !readDigits(text, 9, 2, minute) || text[11] != ':'
        || !readDigits(text, 12, 2, second))
        return 0;
    std::size_t pos = 14;
    std::int64_t fraction = 0;
    if (pos + 1 < text.size() && text[pos] == '.' && isDigit(text[pos + 1]))
        pos = readFraction(text, pos + 1, fraction);
    const std::int64_t year = sourceYear(options);
    if (!validDateTime(year, month, day, hour, minute, second))
        return 0;
    ns = applyNaive(civilToNs(year, month, day, hour, minute, second) + fraction, options);
    return pos;
}

// Apache/nginx "[20/Jul/2009:22:59:26 +0000]" style inside brackets: day/Mon/year:time offset.
std::size_t parseCommonLog(std::string_view text, std::int64_t &ns, const ParseOptions &options)
{
    int day = 0;
    int year = 0;
    int hour = 0;
    int minute = 0;
    int second = 0;
    if (!readDigits(text, 0, 2, day) || text.size() < 20 || text[2] != '/')
        return 0;
    std::size_t monthLength = 0;
    const int month = monthFromName(text.substr(3), monthLength);
    std::size_t pos = 3 + monthLength;
    if (month == 0 || pos >= text.size() || text[pos] != '/' || !readDigits(text, pos + 1, 4, year))
        return 0;
    pos += 5;
    if (pos + 9 > text.size() || text[pos] != ':' || !readDigits(text, pos + 1, 2, hour) || text[pos + 3] != ':'
        || !readDigits(text, pos + 4, 2, minute) || text[pos + 6] != ':' || !readDigits(text, pos + 7, 2, second))
        return 0;
    pos += 9;
    if (!validDateTime(year, month, day, hour, minute, second))
        return 0;
    std::int64_t result = civilToNs(year, month, day, hour, minute, second);
    int offsetHours = 0;
    int offsetMinutes = 0;
    if (pos + 6 <= text.size() && text[pos] == ' ' && (text[pos + 1] == '+' || text[pos + 1] == '-')
        && readDigits(text, pos + 2, 2, offsetHours) && readDigits(text, pos + 4, 2, offsetMinutes)) {
        const std::int64_t offset = (offsetHours * 3600 + offsetMinutes * 60) * NsPerSecond;
        result += text[pos + 1] == '+' ? -offset : offset;
        ns = result;
        return pos + 6;
    }
    ns = applyNaive(result, options);
    return pos;
}

// A run of digits with an optional fraction that is a plausible present-day epoch (at least 9 digits).
std::size_t parseLeadingEpoch(std::string_view text, std::int64_t &ns)
{
    std::size_t pos = 0;
    while (pos < text.size() && isDigit(text[pos]))
        ++pos;
    if (pos < 9 || pos > 19)
        return 0;
    if (pos + 1 < text.size() && text[pos] == '.' && isDigit(text[pos + 1])) {
        ++pos;
        while (pos < text.size() && isDigit(text[pos]))
            ++pos;
    }
    if (pos < text.size() && text[pos] != ' ' && text[pos] != '\t' && text[pos] != ']' && text[pos] != ',')
        return 0;
    const auto value = epochToNs(text.substr(0, pos));
    if (!value)
        return 0;
    ns = *value;
    return pos;
}

struct KeyEntry {
    std::string_view path;
    Role role;
};

// In order of preference within each role: the first alias present wins.
constexpr std::array<KeyEntry, 77> s_keys = {{
    // Kubernetes audit: when the API server received the request (v1beta1 also writes a `timestamp`
    // truncated to seconds).
    {"requestReceivedTimestamp", Role::Time},
    {"stageTimestamp", Role::Time},
    {"@timestamp", Role::Time},
    {"timestamp", Role::Time},
    {"time", Role::Time},
    {"ts", Role::Time},
    {"t", Role::Time},
    {"t.$date", Role::Time},
    {"eventTime", Role::Time},
    {"__REALTIME_TIMESTAMP", Role::Time},
    {"timeUnixNano", Role::Time},
    {"startTimeUnixNano", Role::Time},
    {"created_at", Role::Time},
    {"EdgeStartTimestamp", Role::Time},
    {"started_at", Role::Time},
    {"@fields.timestamp", Role::Time},
    {"date", Role::Time},
    {"level", Role::Level},
    {"levelname", Role::Level},
    {"severity", Role::Level},
    {"log.level", Role::Level},
    {"lvl", Role::Level},
    {"severityText", Role::Level},
    {"loglevel", Role::Level},
    {"@fields.level", Role::Level},
    {"@fields.lvl", Role::Level},
    {"PRIORITY", Role::Level},
    {"message", Role::Message},
    {"msg", Role::Message},
    {"event", Role::Message},
    {"MESSAGE", Role::Message},
    {"short_message", Role::Message},
    {"fields.message", Role::Message},
    {"@fields.message", Role::Message},
    {"@fields.msg", Role::Message},
    {"@message", Role::Message},
    {"log", Role::Message},
    {"service", Role::Service},
    {"service.name", Role::Service},
    {"serviceName", Role::Service},
    {"SYSLOG_IDENTIFIER", Role::Service},
    {"_SYSTEMD_UNIT", Role::Service},
    {"eventSource", Role::Service},
    {"_container_name", Role::Service},
    {"CONTAINER_NAME", Role::Service},
    {"logger", Role::Logger},
    {"log.logger", Role::Logger},
    {"logger_name", Role::Logger},
    {"loggerName", Role::Logger},
    {"@fields.logger", Role::Logger},
    {"request_id", Role::RequestId},
    {"requestId", Role::RequestId},
    {"reqId", Role::RequestId},
    {"req_id", Role::RequestId},
    {"x-request-id", Role::RequestId},
    {"REQUEST_ID", Role::RequestId},
    {"requestID", Role::RequestId},
    {"auditID", Role::RequestId},
    {"req.id", Role::RequestId},
    {"http.request.id", Role::RequestId},
    {"@fields.request_id", Role::RequestId},
    {"trace_id", Role::TraceId},
    {"traceId", Role::TraceId},
    {"traceID", Role::TraceId},
    {"trace.id", Role::TraceId},
    {"@fields.trace_id", Role::TraceId},
    {"span_id", Role::SpanId},
    {"spanId", Role::SpanId},
    {"spanID", Role::SpanId},
    {"span.id", Role::SpanId},
    {"@fields.span_id", Role::SpanId},
    {"parent_span_id", Role::ParentSpanId},
    {"parentSpanId", Role::ParentSpanId},
    {"parentSpanID", Role::ParentSpanId},
    {"parent_id", Role::ParentSpanId},
    {"parent.id", Role::ParentSpanId},
    {"@fields.parent_span_id", Role::ParentSpanId},
}};

} // namespace

std::optional<std::int64_t> epochToNs(std::string_view numberText)
{
    numberText = trim(numberText);
    if (numberText.empty())
        return std::nullopt;
    std::size_t pos = 0;
    std::int64_t whole = 0;
    int wholeDigits = 0;
    while (pos < numberText.size() && isDigit(numberText[pos])) {
        const int digit = numberText[pos] - '0';
        if (whole > (std::numeric_limits<std::int64_t>::max() - digit) / 10)
            return std::nullopt; // past any epoch in nanoseconds
        whole = whole * 10 + digit;
        ++wholeDigits;
        ++pos;
    }
    if (wholeDigits == 0)
        return std::nullopt;
    std::int64_t fractionNs = 0; // the fraction as nanoseconds of one unit, scaled below
    std::string_view fractionDigits;
    if (pos < numberText.size() && numberText[pos] == '.') {
        const std::size_t start = ++pos;
        while (pos < numberText.size() && isDigit(numberText[pos]))
            ++pos;
        fractionDigits = numberText.substr(start, pos - start);
    }
    // "1.7e9" style exponents are not written by loggers for epochs; reject rather than guess.
    if (pos != numberText.size())
        return std::nullopt;
    std::int64_t unitNs = 1;
    if (whole < 100'000'000'000LL)
        unitNs = NsPerSecond;
    else if (whole < 100'000'000'000'000LL)
        unitNs = 1'000'000;
    else if (whole < 100'000'000'000'000'000LL)
        unitNs = 1'000;
    // The fraction of a unit, in ns: as many digits as the unit has below it.
    std::int64_t scale = unitNs / 10;
    for (const char c : fractionDigits) {
        if (scale == 0)
            break;
        fractionNs += (c - '0') * scale;
        scale /= 10;
    }
    if (whole > (INT64_MAX - fractionNs) / unitNs)
        return std::nullopt;
    return whole * unitNs + fractionNs;
}

std::optional<std::int64_t> parseTime(std::string_view text, const ParseOptions &options)
{
    text = trim(text);
    if (text.empty())
        return std::nullopt;
    if (isDigit(text[0])) {
        std::int64_t ns = 0;
        const std::size_t length = parseIso(text, options, ns);
        if (length != 0 && length == text.size())
            return ns;
        if (length == 0) {
            if (const auto epoch = epochToNs(text))
                return epoch;
        }
    }
    std::size_t consumed = 0;
    const auto leading = parseLeadingTime(text, options, consumed);
    if (leading && trim(text.substr(consumed)).empty())
        return leading;
    return std::nullopt;
}

std::optional<std::int64_t> parseLeadingTime(std::string_view line, const ParseOptions &options, std::size_t &consumed)
{
    if (line.empty())
        return std::nullopt;
    std::int64_t ns = 0;
    if (line[0] == '[') {
        std::size_t inner = 1;
        while (inner < line.size() && line[inner] == ' ')
            ++inner;
        std::size_t innerConsumed = 0;
        std::optional<std::int64_t> value;
        const std::string_view rest = line.substr(inner);
        if (const std::size_t length = parseCommonLog(rest, ns, options); length != 0) {
            value = ns;
            innerConsumed = length;
        } else {
            value = parseLeadingTime(rest, options, innerConsumed);
        }
        if (!value)
            return std::nullopt;
        std::size_t end = inner + innerConsumed;
        while (end < line.size() && line[end] == ' ')
            ++end;
        if (end >= line.size() || line[end] != ']')
            return std::nullopt;
        consumed = end + 1;
        return value;
    }
    if (isDigit(line[0])) {
        if (const std::size_t length = parseIso(line, options, ns); length != 0) {
            consumed = length;
            return ns;
        }
        if (const std::size_t length = parseLeadingEpoch(line, ns); length != 0) {
            consumed = length;
            return ns;
        }
        return std::nullopt;
    }
    if (const std::size_t length = parseGlog(line, options, ns); length != 0) {
        consumed = length;
        return ns;
    }
    if (const std::size_t length = parseSyslog(line, options, ns); length != 0) {
        consumed = length;
        return ns;
    }
    return std::nullopt;
}

Level levelFromText(std::string_view text)
{
    text = trim(text);
    if (text.empty() || text.size() > 16)
        return Level::Unknown;
    std::array<char, 16> buffer{};
    for (std::size_t i = 0; i < text.size(); ++i)
        buffer[i] = lower(text[i]);
    std::string_view word(buffer.data(), text.size());
    if (word.size() == 1) {
        switch (word[0]) {
        case 't':
            return Level::Trace;
        case 'd':
            return Level::Debug;
        case 'i':
            return Level::Info;
        case 'w':
            return Level::Warn;
        case 'e':
            return Level::Error;
        case 'f':
        case 'c':
            return Level::Fatal;
        default:
            return Level::Unknown;
        }
    }
    // debug2..debug5 (PostgreSQL-style) and MongoDB D1..D5.
    if ((word.size() == 2 && word[0] == 'd' && isDigit(word[1]))
        || (word.size() == 6 && word.substr(0, 5) == "debug" && isDigit(word[5])))
        return Level::Debug;
    struct Name {
        std::string_view text;
        Level level;
    };
    static constexpr std::array<Name, 32> names = {{
        {"trace", Level::Trace},       {"trc", Level::Trace},         {"finest", Level::Trace},
        {"debug", Level::Debug},       {"dbg", Level::Debug},         {"dbug", Level::Debug},
        {"verbose", Level::Debug},     {"silly", Level::Debug},       {"http", Level::Debug},
        {"fine", Level::Debug},        {"info", Level::Info},         {"inf", Level::Info},
        {"information", Level::Info},  {"informational", Level::Info}, {"notice", Level::Info},
        {"warn", Level::Warn},         {"warning", Level::Warn},      {"wrn", Level::Warn},
        {"error", Level::Error},       {"err", Level::Error},         {"eror", Level::Error},
        {"severe", Level::Error},      {"fatal", Level::Fatal},       {"ftl", Level::Fatal},
        {"critical", Level::Fatal},    {"crit", Level::Fatal},        {"crt", Level::Fatal},
        {"emerg", Level::Fatal},       {"emergency", Level::Fatal},   {"alert", Level::Fatal},
        {"panic", Level::Fatal},       {"dpanic", Level::Fatal},
    }};
    for (const Name &name : names) {
        if (name.text == word)
            return name.level;
    }
    return Level::Unknown;
}

Level levelFromNumber(std::int64_t value, NumericLevelScale scale)
{
    switch (scale) {
    case NumericLevelScale::PinoBunyan:
        if (value >= 60)
            return Level::Fatal;
        if (value >= 50)
            return Level::Error;
        if (value >= 40)
            return Level::Warn;
        if (value >= 30)
            return Level::Info;
        if (value >= 20)
            return Level::Debug;
        if (value >= 10)
            return Level::Trace;
        return Level::Unknown;
    case NumericLevelScale::Syslog:
        if (value < 0 || value > 7)
            return Level::Unknown;
        if (value <= 2)
            return Level::Fatal;
        if (value == 3)
            return Level::Error;
        if (value == 4)
            return Level::Warn;
        if (value <= 6)
            return Level::Info;
        return Level::Debug;
    case NumericLevelScale::Otlp:
        if (value < 1 || value > 24)
            return Level::Unknown;
        static constexpr std::array<Level, 6> blocks = {Level::Trace, Level::Debug, Level::Info,
                                                        Level::Warn,  Level::Error, Level::Fatal};
        return blocks[static_cast<std::size_t>((value - 1) / 4)];
    }
    return Level::Unknown;
}

std::string_view serviceStem(std::string_view sourceName)
{
    if (const auto slash = sourceName.find_last_of("/\\!"); slash != std::string_view::npos)
        sourceName.remove_prefix(slash + 1);
    static constexpr std::array<std::string_view, 4> compression = {".gz", ".zst", ".bz2", ".xz"};
    static constexpr std::array<std::string_view, 5> extensions = {".log", ".jsonl", ".ndjson", ".json", ".txt"};
    // Suffixes come in either order ("api.log.1.gz", "api-20250101.log.gz", "api.1.log"): peel until stable.
    bool changed = true;
    while (changed && !sourceName.empty()) {
        changed = false;
        for (const std::string_view suffix : compression) {
            if (endsWith(sourceName, suffix) && sourceName.size() > suffix.size()) {
                sourceName.remove_suffix(suffix.size());
                changed = true;
            }
        }
        for (const std::string_view suffix : extensions) {
            if (endsWith(sourceName, suffix) && sourceName.size() > suffix.size()) {
                sourceName.remove_suffix(suffix.size());
                changed = true;
            }
        }
        // Rotation: ".N" (short numbers) or "-YYYYMMDD" / ".YYYYMMDD" / "-YYYY-MM-DD".
        std::size_t digits = 0;
        while (digits < sourceName.size() && isDigit(sourceName[sourceName.size() - 1 - digits]))
            ++digits;
        if (digits > 0 && digits < sourceName.size()) {
            const char before = sourceName[sourceName.size() - 1 - digits];
            if ((before == '.' && (digits <= 3 || digits == 8)) || (before == '-' && digits == 8)) {
                sourceName.remove_suffix(digits + 1);
                changed = true;
            } else if (before == '-' && digits == 2 && sourceName.size() > 11) {
                const std::string_view tail = sourceName.substr(sourceName.size() - 11);
                if (tail[0] == '-' && isDigit(tail[1]) && isDigit(tail[4]) && tail[5] == '-' && tail[8] == '-') {
                    sourceName.remove_suffix(11);
                    changed = true;
                }
            }
        }
    }
    return sourceName;
}

std::string_view containerFromPath(std::string_view sourceName)
{
    // /var/log/pods/NS_POD_UID/CONTAINER/N.log
    if (const auto pods = sourceName.find("/pods/"); pods != std::string_view::npos) {
        std::string_view rest = sourceName.substr(pods + 6);
        const auto first = rest.find('/');
        if (first != std::string_view::npos) {
            rest.remove_prefix(first + 1);
            const auto second = rest.find('/');
            if (second != std::string_view::npos && second > 0 && rest.find('/', second + 1) == std::string_view::npos)
                return rest.substr(0, second);
        }
    }
    // /var/log/containers/POD_NS_CONTAINER-ID.log, ID being 64 hex digits.
    if (const auto containers = sourceName.find("/containers/"); containers != std::string_view::npos) {
        std::string_view rest = sourceName.substr(containers + 12);
        if (rest.find('/') != std::string_view::npos)
            return {}; // Docker's /var/lib/docker/containers/ID/ID-json.log names no container
        if (endsWith(rest, ".log"))
            rest.remove_suffix(4);
        const auto dash = rest.rfind('-');
        const auto lastUnderscore = rest.rfind('_');
        if (dash == std::string_view::npos || lastUnderscore == std::string_view::npos || lastUnderscore > dash)
            return {};
        const std::string_view id = rest.substr(dash + 1);
        if (id.size() != 64)
            return {};
        return rest.substr(lastUnderscore + 1, dash - lastUnderscore - 1);
    }
    return {};
}

KeyClass classifyKey(std::string_view path)
{
    // Called for every leaf of every record: bucket the aliases by length and first byte once, so
    // most paths are rejected without a single string comparison.
    struct Index {
        std::array<std::uint64_t, 32> lengths{}; ///< bit i: alias i has this length (0 = longer)
        std::array<bool, 256> firstBytes{};
        Index()
        {
            for (std::size_t i = 0; i < s_keys.size(); ++i) {
                const std::size_t length = s_keys[i].path.size();
                lengths[length < lengths.size() ? length : 0] |= std::uint64_t(1) << (i % 64);
                firstBytes[static_cast<unsigned char>(s_keys[i].path[0])] = true;
            }
        }
    };
    static const Index index;
    if (path.empty() || !index.firstBytes[static_cast<unsigned char>(path[0])])
        return {Role::None, 0};
    if (path.size() < index.lengths.size() && index.lengths[path.size()] == 0)
        return {Role::None, 0};
    int rank = 0;
    for (const KeyEntry &entry : s_keys) {
        if (entry.path == path)
            return {entry.role, rank};
        ++rank;
    }
    return {Role::None, 0};
}

Role roleOfKey(std::string_view path)
{
    return classifyKey(path).role;
}

int monthOfNs(std::int64_t ns)
{
    const std::int64_t year = yearOfNs(ns);
    std::int64_t seconds = ns / NsPerSecond;
    if (ns < 0 && ns % NsPerSecond != 0)
        --seconds;
    std::int64_t days = seconds / 86400;
    if (seconds < 0 && seconds % 86400 != 0)
        --days;
    int month = 12;
    while (month > 1 && daysFromCivil(year, month, 1) > days)
        --month;
    return month;
}

std::int64_t addYears(std::int64_t ns, int years)
{
    if (years == 0)
        return ns;
    std::int64_t seconds = ns / NsPerSecond;
    std::int64_t remainder = ns % NsPerSecond;
    if (remainder < 0) {
        remainder += NsPerSecond;
        --seconds;
    }
    std::int64_t days = seconds / 86400;
    std::int64_t secondOfDay = seconds % 86400;
    if (secondOfDay < 0) {
        secondOfDay += 86400;
        --days;
    }
    const std::int64_t year = yearOfNs(ns);
    const std::int64_t dayOfYear = days - daysFromCivil(year, 1, 1);
    std::int64_t targetDays = daysFromCivil(year + years, 1, 1) + dayOfYear;
    // Mar 1 onwards shifts by one day across a leap-year boundary; keep the calendar date instead.
    const bool fromLeap = daysInMonth(year, 2) == 29;
    const bool toLeap = daysInMonth(year + years, 2) == 29;
    if (dayOfYear >= 59 + (fromLeap ? 1 : 0))
        targetDays += (toLeap ? 1 : 0) - (fromLeap ? 1 : 0);
    return (targetDays * 86400 + secondOfDay) * NsPerSecond + remainder;
}

} // namespace core::normalize
