// SPDX-License-Identifier: MIT
#include "commandcontext.h"
#include "commands.h"
#include "interruptcatcher.h"
#include "output.h"

#include <core/analysis/errorgroups.h>

#include <cstdio>

namespace cli {

namespace {

void printServices(const core::ServiceTimelines &timelines, Style style)
{
    if (style == Style::Json) {
        const core::HistogramSpec &spec = timelines.spec;
        core::JsonWriter out;
        out.beginObject()
            .key("bucket_ms")
            .value(static_cast<std::int64_t>(spec.bucketNs / 1'000'000))
            .key("services")
            .beginArray();
        for (const core::ServiceErrors &service : timelines.services) {
            out.beginObject().key("name").value(service.name).key("first_error");
            if (service.firstErrorNs)
                out.value(core::format::rfc3339(*service.firstErrorNs));
            else
                out.null();
            out.key("errors").value(static_cast<std::uint64_t>(service.errors)).key("buckets").beginArray();
            for (std::size_t i = 0; i < service.eventCounts.size(); ++i)
                out.beginObject()
                    .key("start")
                    .value(core::format::rfc3339(spec.fromNs + static_cast<std::int64_t>(i) * spec.bucketNs))
                    .key("errors")
                    .value(static_cast<std::uint64_t>(service.errorCounts[i]))
                    .key("events")
                    .value(static_cast<std::uint64_t>(service.eventCounts[i]))
                    .endObject();
            out.endArray().endObject();
        }
        out.endArray().endObject();
        printJson(out);
        return;
    }
    std::printf("%-24s %-32s %10s\n", "service", "first error", "errors");
    for (const core::ServiceErrors &service : timelines.services)
        std::printf("%-24s %-32s %10llu\n", service.name.empty() ? "(none)" : service.name.c_str(),
                    service.firstErrorNs ? core::format::rfc3339(*service.firstErrorNs).c_str() : "-",
                    static_cast<unsigned long long>(service.errors));
}

void printGroups(const std::vector<core::ErrorGroup> &groups, Style style)
{
    if (style == Style::Json) {
        core::JsonWriter out;
        out.beginObject().key("groups").beginArray();
        for (const core::ErrorGroup &group : groups) {
            out.beginObject().key("signature").value(group.signature).key("services").beginObject();
            for (const auto &[name, count] : group.services)
                out.key(name).value(static_cast<std::uint64_t>(count));
            out.endObject()
                .key("count")
                .value(static_cast<std::uint64_t>(group.count))
                .key("first")
                .value(core::format::rfc3339(group.firstNs))
                .key("last")
                .value(core::format::rfc3339(group.lastNs))
                .key("sample")
                .raw(core::format::eventJson(group.sample))
                .endObject();
        }
        out.endArray().endObject();
        printJson(out);
        return;
    }
    for (const core::ErrorGroup &group : groups) {
        std::string services;
        for (const auto &[name, count] : group.services)
            services += (services.empty() ? "" : ", ") + (name.empty() ? std::string("(none)") : name) + " "
                + std::to_string(count);
        std::printf("%8llu  %s .. %s  %s\n          %s\n", static_cast<unsigned long long>(group.count),
                    core::format::rfc3339(group.firstNs).c_str(), core::format::rfc3339(group.lastNs).c_str(),
                    group.signature.c_str(), services.c_str());
    }
}

} // namespace

int errorsCommand(const QStringList &arguments)
{
    CommandContext context(
        QStringLiteral("errors takes --store FILE [--by-service] [--now end|wallclock] [--tz ZONE] [--json] [QUERY]"));
    if (!context.parse(arguments, {Option::Store, Option::Json, Option::ByService, Option::Now, Option::TimeZone})
        || !context.openStore() || !context.compileFilter())
        return context.exitCode();
    if (context.arguments().byService) {
        auto timelines
            = core::ErrorGroups::byService(context.store(), context.filter(), 0, &InterruptCatcher::requested());
        if (!timelines)
            return readFailed(timelines.error());
        printServices(timelines.value(), context.style());
        return 0;
    }
    auto groups
        = core::ErrorGroups::compute(context.store(), context.filter(), std::nullopt, &InterruptCatcher::requested());
    if (!groups)
        return readFailed(groups.error());
    printGroups(groups.value(), context.style());
    return 0;
}

} // namespace cli
