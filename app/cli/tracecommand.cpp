// SPDX-License-Identifier: MIT
#include "commandcontext.h"
#include "commands.h"
#include "interruptcatcher.h"
#include "output.h"

#include <core/analysis/requests.h>

#include <cstdio>

namespace cli {

namespace {

void writeLogEvent(core::JsonWriter &out, const core::EventRow &event)
{
    out.beginObject()
        .key("time")
        .value(core::format::rfc3339(event.key.timeNs))
        .key("level")
        .value(core::levelName(event.level))
        .key("message")
        .value(event.message)
        .key("span_id")
        .value(event.spanId)
        .key("source")
        .value(event.sourceName)
        .key("line")
        .value(static_cast<std::uint64_t>(event.key.line))
        .endObject();
}

void writeSpan(core::JsonWriter &out, const core::SpanNode &node)
{
    const core::EventRow &span = node.span;
    out.beginObject()
        .key("span_id")
        .value(span.spanId)
        .key("parent_span_id")
        .value(span.parentSpanId)
        .key("service")
        .value(span.service)
        .key("name")
        .value(span.message)
        .key("start")
        .value(core::format::rfc3339(span.key.timeNs))
        .key("duration_ms")
        .value(milliseconds(std::max<std::int64_t>(span.durationNs, 0)))
        .key("status")
        .value(span.status)
        .key("orphan")
        .value(node.orphan)
        .key("children")
        .beginArray();
    for (const core::SpanNode &child : node.children)
        writeSpan(out, child);
    out.endArray().key("events").beginArray();
    for (const core::EventRow &event : node.events)
        writeLogEvent(out, event);
    out.endArray().endObject();
}

void printJsonDetail(const core::RequestDetail &detail)
{
    const core::RequestSummary &summary = detail.summary;
    core::JsonWriter out;
    out.beginObject().key("id").value(summary.id).key("trace_ids").beginArray();
    for (const std::string &trace : summary.traceIds)
        out.value(trace);
    out.endArray()
        .key("start")
        .value(core::format::rfc3339(summary.startNs))
        .key("end")
        .value(core::format::rfc3339(summary.endNs))
        .key("duration_ms")
        .value(milliseconds(summary.durationNs()))
        .key("services")
        .beginArray();
    for (const std::string &service : summary.services)
        out.value(service);
    out.endArray().key("first_failure");
    writeFailure(out, summary.firstFailure);
    out.key("lanes").beginArray();
    for (const core::RequestLane &lane : detail.lanes) {
        out.beginObject()
            .key("service")
            .value(lane.service)
            .key("start")
            .value(core::format::rfc3339(lane.startNs))
            .key("end")
            .value(core::format::rfc3339(lane.endNs))
            .key("segments")
            .beginArray();
        for (const core::LaneSegment &segment : lane.segments)
            out.beginObject()
                .key("start")
                .value(core::format::rfc3339(segment.startNs))
                .key("end")
                .value(core::format::rfc3339(segment.endNs))
                .key("explicit")
                .value(segment.explicitExtent)
                .endObject();
        out.endArray().key("events").beginArray();
        for (const core::EventRow &event : lane.events)
            writeLogEvent(out, event);
        out.endArray().endObject();
    }
    out.endArray().key("spans").beginArray();
    for (const core::SpanNode &root : detail.spans)
        writeSpan(out, root);
    // Clock-skew correction is not applied by this verb yet: the offsets stay empty.
    out.endArray().key("skew").beginObject().endObject().endObject();
    printJson(out);
}

void printText(const core::RequestDetail &detail)
{
    const core::RequestSummary &summary = detail.summary;
    std::printf("request %s: %s .. %s (%.3f ms), %llu events, %llu errors\n", summary.id.c_str(),
                core::format::rfc3339(summary.startNs).c_str(), core::format::rfc3339(summary.endNs).c_str(),
                milliseconds(summary.durationNs()), static_cast<unsigned long long>(summary.events),
                static_cast<unsigned long long>(summary.errors));
    if (summary.firstFailure)
        std::printf("first failure: %s at %s: %s (%s:%u)\n", summary.firstFailure->service.c_str(),
                    core::format::rfc3339(summary.firstFailure->key.timeNs).c_str(),
                    summary.firstFailure->message.c_str(), summary.firstFailure->sourceName.c_str(),
                    summary.firstFailure->key.line);
    for (const core::RequestLane &lane : detail.lanes) {
        std::printf("\n%s  %s .. %s, %zu segment(s)\n", lane.service.empty() ? "(none)" : lane.service.c_str(),
                    core::format::rfc3339(lane.startNs).c_str(), core::format::rfc3339(lane.endNs).c_str(),
                    lane.segments.size());
        for (const core::EventRow &event : lane.events)
            std::printf("  %s %-5s %s\n", core::format::rfc3339(event.key.timeNs).c_str(),
                        std::string(core::levelName(event.level)).c_str(), event.message.c_str());
    }
}

} // namespace

int traceCommand(const QStringList &arguments)
{
    CommandContext context(QStringLiteral("trace takes --store FILE [--json] ID"));
    if (!context.parse(arguments, {Option::Store, Option::Json}))
        return context.exitCode();
    if (context.arguments().positional.size() != 1)
        return context.usageError(QStringLiteral("trace takes one request or trace ID"));
    if (!context.openStore())
        return context.exitCode();
    const std::string id = context.arguments().positional.first().toStdString();
    auto detail = core::Requests::detail(context.store(), id, &InterruptCatcher::requested());
    if (!detail)
        return readFailed(detail.error());
    if (!detail.value()) {
        std::fprintf(stderr, "timberline: no event carries the request or trace ID %s\n", id.c_str());
        return 1;
    }
    if (context.style() == Style::Json)
        printJsonDetail(**detail);
    else
        printText(**detail);
    return 0;
}

} // namespace cli
