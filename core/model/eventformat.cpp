// SPDX-License-Identifier: MIT
#include "eventformat.h"

#include <core/base/jsonwriter.h>

namespace core::format {

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
    // Only on an event that has it, so that every other event's JSON stays as it was.
    if ((event.flags & RecordLineCut) != 0)
        out.key("line_cut").value(true);
    out.endObject();
    return out.text();
}

} // namespace core::format
