// SPDX-License-Identifier: MIT
#include "eventformat.h"

#include "jsonwriter.h"

#include <chrono>
#include <cstdio>

namespace core::format {

namespace {

struct Civil {
    int year;
    unsigned month, day, hour, minute, second;
    std::int64_t nanos;
};

Civil civil(std::int64_t timeNs)
{
    using namespace std::chrono;
    const sys_time<nanoseconds> time{nanoseconds{timeNs}};
    const auto day = floor<days>(time);
    const year_month_day date{day};
    const auto sinceMidnight = time - day;
    const auto secondsOfDay = duration_cast<seconds>(sinceMidnight).count();
    return Civil{int(date.year()), unsigned(date.month()), unsigned(date.day()),
                 static_cast<unsigned>(secondsOfDay / 3600), static_cast<unsigned>(secondsOfDay / 60 % 60),
                 static_cast<unsigned>(secondsOfDay % 60),
                 (sinceMidnight - duration_cast<seconds>(sinceMidnight)).count()};
}

} // namespace

std::string rfc3339(std::int64_t timeNs)
{
    if (timeNs == NoTimeNs)
        return {};
    const Civil c = civil(timeNs);
    char text[48];
    std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02u:%02u:%02u.%09lldZ", c.year, c.month, c.day, c.hour, c.minute,
                  c.second, static_cast<long long>(c.nanos));
    return text;
}

std::string displayTime(std::int64_t timeNs)
{
    if (timeNs == NoTimeNs)
        return {};
    const Civil c = civil(timeNs);
    char text[48];
    std::snprintf(text, sizeof text, "%04d-%02u-%02u %02u:%02u:%02u.%06lld", c.year, c.month, c.day, c.hour, c.minute,
                  c.second, static_cast<long long>(c.nanos / 1000));
    return text;
}

void appendJsonString(std::string &out, std::string_view text)
{
    out.push_back('"');
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out.push_back('\\');
            out.push_back(c);
        } else if (c == '\n') {
            out.append("\\n");
        } else if (c == '\r') {
            out.append("\\r");
        } else if (c == '\t') {
            out.append("\\t");
        } else if (byte < 0x20) {
            char escaped[8];
            std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned>(byte));
            out.append(escaped);
        } else {
            out.push_back(c);
        }
    }
    out.push_back('"');
}

std::string eventJson(const EventRow &event)
{
    JsonWriter out;
    out.beginObject();
    out.key("time").textOrNull(rfc3339(event.key.timeNs));
    out.key("level").value(levelName(event.level));
    out.key("service").textOrNull(event.service);
    out.key("message").value(event.message);
    out.key("request_id").textOrNull(event.requestId);
    out.key("trace_id").textOrNull(event.traceId);
    out.key("span_id").textOrNull(event.spanId);
    out.key("parent_span_id").textOrNull(event.parentSpanId);
    if (event.durationNs >= 0) {
        out.key("duration_ns").value(event.durationNs);
        out.key("status").textOrNull(event.status);
    }
    out.key("level_text").textOrNull(event.levelText);
    out.key("source").value(event.sourceName);
    out.key("line").value(std::uint64_t{event.key.line});
    out.key("index").value(std::uint64_t{event.key.index});
    out.key("source_sha256").value(event.sourceSha256);
    out.key("unparsed").value((event.flags & RecordUnparsed) != 0);
    out.endObject();
    return out.text();
}

} // namespace core::format
