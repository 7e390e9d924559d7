// SPDX-License-Identifier: MIT
#include "normalize.h"

#include <core/base/timekey.h>

#include <array>
#include <cstring>
#include <limits>

namespace core::normalize {

namespace {

constexpr std::int64_t NsPerSecond = 1'000'000'000;
// Times in brackets nest at most this deep ("[[2025-11-10 10:30:00]]"); a deeper run of '[' is no time.
constexpr int MaxTimeBrackets = 4;

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

// The key of a date and time as a log wrote it; nullopt for an impossible date (2026-02-30) or a year
// outside 1..9999.
std::optional<std::int64_t> keyOf(int year, int month, int day, int hour, int minute, int second, std::int64_t fraction,
                                  std::int64_t offsetSeconds = 0)
{
    return timekey::fromCivil(timekey::CivilTime{year, month, day, hour, minute, second, fraction}, offsetSeconds);
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

std::int64_t applyNaive(std::int64_t key, const ParseOptions &options)
{
    return timekey::naiveToUtc(key, options.naiveToUtc);
}

std::int64_t sourceYear(const ParseOptions &options)
{
    return options.sourceMtimeNs != 0 ? timekey::toCivil(options.sourceMtimeNs).year : 1970;
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
    if (!keyOf(year, month, day, hour, minute, second, fraction))
        return 0;
    std::int64_t offsetSeconds = 0;
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
                const std::int64_t offset = offsetHours * 3600 + offsetMinutes * 60;
                offsetSeconds = sign == '+' ? offset : -offset;
                hasOffset = true;
                pos = end;
            }
        }
    }
    // An offset may move the first hours of year 1 (or the last of 9999) out of range: not a time then.
    const auto key = keyOf(year, month, day, hour, minute, second, fraction, offsetSeconds);
    if (!key)
        return 0;
    ns = hasOffset ? *key : applyNaive(*key, options);
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
    const std::int64_t effectiveYear = (month == 2 && day == 29 && !timekey::isValidDate(year, 2, 29)) ? year - 1 : year;
    const auto key = keyOf(static_cast<int>(effectiveYear), month, day, hour, minute, second, fraction);
    if (!key)
        return 0;
    ns = applyNaive(*key, options);
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
    const auto key = keyOf(static_cast<int>(sourceYear(options)), month, day, hour, minute, second, fraction);
    if (!key)
        return 0;
    ns = applyNaive(*key, options);
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
    const auto naive = keyOf(year, month, day, hour, minute, second, 0);
    if (!naive)
        return 0;
    int offsetHours = 0;
    int offsetMinutes = 0;
    if (pos + 6 <= text.size() && text[pos] == ' ' && (text[pos + 1] == '+' || text[pos + 1] == '-')
        && readDigits(text, pos + 2, 2, offsetHours) && readDigits(text, pos + 4, 2, offsetMinutes)) {
        const std::int64_t offset = offsetHours * 3600 + offsetMinutes * 60;
        const auto key = keyOf(year, month, day, hour, minute, second, 0, text[pos + 1] == '+' ? offset : -offset);
        if (!key)
            return 0;
        ns = *key;
        return pos + 6;
    }
    ns = applyNaive(*naive, options);
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
    // Split into seconds first: 1e13 seconds' worth of milliseconds is past what nanoseconds hold.
    const std::int64_t unitsPerSecond = NsPerSecond / unitNs;
    return timekey::fromEpoch(whole / unitsPerSecond, whole % unitsPerSecond * unitNs + fractionNs);
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
    // Brackets around the time ("[2025-11-10 10:30:00]", "[[...]]") are read in one pass, not one call
    // each: a line of 50,000 '[' must cost a loop, not the stack.
    std::size_t pos = 0;
    int brackets = 0;
    while (pos < line.size() && line[pos] == '[') {
        if (++brackets > MaxTimeBrackets)
            return std::nullopt;
        ++pos;
        while (pos < line.size() && line[pos] == ' ')
            ++pos;
    }
    const std::string_view rest = line.substr(pos);
    std::int64_t ns = 0;
    std::size_t length = brackets > 0 ? parseCommonLog(rest, ns, options) : 0;
    if (length == 0 && !rest.empty()) {
        if (isDigit(rest[0])) {
            length = parseIso(rest, options, ns);
            if (length == 0)
                length = parseLeadingEpoch(rest, ns);
        } else {
            length = parseGlog(rest, options, ns);
            if (length == 0)
                length = parseSyslog(rest, options, ns);
        }
    }
    if (length == 0)
        return std::nullopt;
    std::size_t end = pos + length;
    for (int i = 0; i < brackets; ++i) {
        while (end < line.size() && line[end] == ' ')
            ++end;
        if (end >= line.size() || line[end] != ']')
            return std::nullopt;
        ++end;
    }
    consumed = end;
    return ns;
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
    return timekey::toCivil(ns).month;
}

std::int64_t addYears(std::int64_t ns, int years)
{
    if (years == 0)
        return ns;
    timekey::CivilTime civil = timekey::toCivil(ns);
    civil.year += years;
    // Feb 29 moved into a common year is the day after Feb 28, as a count of days into the year says.
    if (civil.month == 2 && civil.day == 29 && !timekey::isValidDate(civil.year, 2, 29)) {
        civil.month = 3;
        civil.day = 1;
    }
    return timekey::fromCivil(civil).value_or(ns);
}

} // namespace core::normalize
