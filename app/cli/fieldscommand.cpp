// SPDX-License-Identifier: MIT
#include "commandcontext.h"
#include "commands.h"
#include "interruptcatcher.h"
#include "output.h"

#include <cstdio>

namespace cli {

namespace {

// As many events as the window's field sidebar samples, and as many values per field.
constexpr std::size_t SampledEvents = 5000;
constexpr std::size_t TopValues = 5;

void printFields(const std::vector<core::FieldInfo> &fields, std::uint64_t sampled, bool exact, Style style)
{
    if (style == Style::Json) {
        core::JsonWriter out;
        out.beginObject().key(exact ? "events" : "sampled").value(sampled).key("fields").beginArray();
        for (const core::FieldInfo &field : fields) {
            out.beginObject()
                .key("path")
                .value(field.path)
                .key("events")
                .value(field.events)
                .key("values")
                .beginArray();
            for (const auto &[value, count] : field.topValues)
                out.beginArray().value(value).value(count).endArray();
            out.endArray().endObject();
        }
        out.endArray().endObject();
        printJson(out);
        return;
    }
    if (!exact)
        std::printf("the fields of the first %s matching events\n", formatCount(sampled).c_str());
    for (const core::FieldInfo &field : fields) {
        std::printf("%-40s %10s\n", field.path.c_str(), formatCount(field.events).c_str());
        for (const auto &[value, count] : field.topValues)
            std::printf("    %10s  %s\n", formatCount(count).c_str(), value.c_str());
    }
}

} // namespace

int fieldsCommand(const QStringList &arguments)
{
    CommandContext context(
        QStringLiteral("fields takes --store FILE [--field PATH] [--limit N] [--now end|wallclock] [--tz ZONE] "
                       "[--json] [QUERY]"));
    if (!context.parse(arguments,
                       {Option::Store, Option::Json, Option::Field, Option::Limit, Option::Now, Option::TimeZone})
        || !context.openStore() || !context.compileFilter())
        return context.exitCode();
    const Arguments &parsed = context.arguments();
    const std::size_t top = parsed.limit ? static_cast<std::size_t>(*parsed.limit) : TopValues;
    if (!parsed.field.isEmpty()) {
        // One field over every matching event, as the sidebar counts a field it is asked to.
        auto counted = context.store().countValues(context.filter(), parsed.field.toStdString(), top,
                                                   &InterruptCatcher::requested());
        if (!counted)
            return readFailed(counted.error());
        auto matching = context.store().count(context.filter());
        if (!matching)
            return readFailed(matching.error());
        printFields({counted.value()}, matching.value(), true, context.style());
        return 0;
    }
    std::uint64_t sampled = 0;
    auto fields = context.store().sampleFields(context.filter(), SampledEvents, top, &sampled);
    if (!fields)
        return readFailed(fields.error());
    printFields(fields.value(), sampled, false, context.style());
    return 0;
}

} // namespace cli
