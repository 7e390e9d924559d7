// SPDX-License-Identifier: MIT
#include "commandcontext.h"
#include "commands.h"
#include "interruptcatcher.h"
#include "output.h"

#include <core/analysis/requests.h>

#include <cstdio>
#include <optional>

namespace cli {

namespace {

std::optional<core::RequestOrder> orderNamed(const QString &name)
{
    if (name.isEmpty() || name == QLatin1String("start"))
        return core::RequestOrder::Start;
    if (name == QLatin1String("duration"))
        return core::RequestOrder::Duration;
    if (name == QLatin1String("errors"))
        return core::RequestOrder::Errors;
    if (name == QLatin1String("services"))
        return core::RequestOrder::Services;
    if (name == QLatin1String("first-failure"))
        return core::RequestOrder::FirstFailure;
    return std::nullopt;
}

void printRequests(const std::vector<core::RequestSummary> &requests, std::size_t limit, Style style)
{
    const std::size_t shown = std::min(limit, requests.size());
    if (style == Style::Json) {
        core::JsonWriter out;
        out.beginObject().key("requests").beginArray();
        for (std::size_t i = 0; i < shown; ++i) {
            const core::RequestSummary &request = requests[i];
            out.beginObject()
                .key("id")
                .value(request.id)
                .key("start")
                .value(core::format::rfc3339(request.startNs))
                .key("end")
                .value(core::format::rfc3339(request.endNs))
                .key("duration_ms")
                .value(milliseconds(request.durationNs()))
                .key("services")
                .beginArray();
            for (const std::string &service : request.services)
                out.value(service);
            out.endArray().key("events").value(request.events).key("errors").value(request.errors).key("first_failure");
            writeFailure(out, request.firstFailure);
            out.endObject();
        }
        out.endArray().endObject();
        printJson(out);
        return;
    }
    std::printf("%-40s %-30s %12s %7s %6s  %s\n", "request", "start", "duration ms", "events", "errors",
                "first failure");
    for (std::size_t i = 0; i < shown; ++i) {
        const core::RequestSummary &request = requests[i];
        std::string failure = "-";
        if (request.firstFailure)
            failure = (request.firstFailure->service.empty() ? std::string("(none)") : request.firstFailure->service)
                + ": " + request.firstFailure->message;
        std::printf("%-40s %-30s %12.3f %7llu %6llu  %s\n", request.id.c_str(),
                    core::format::rfc3339(request.startNs).c_str(), milliseconds(request.durationNs()),
                    static_cast<unsigned long long>(request.events), static_cast<unsigned long long>(request.errors),
                    failure.c_str());
    }
}

} // namespace

int requestsCommand(const QStringList &arguments)
{
    CommandContext context(
        QStringLiteral("requests takes --store FILE [--sort start|duration|errors|services|first-failure] "
                       "[--limit N] [--now end|wallclock] [--tz ZONE] [--json] [QUERY]"));
    if (!context.parse(arguments,
                       {Option::Store, Option::Json, Option::Sort, Option::Limit, Option::Now, Option::TimeZone}))
        return context.exitCode();
    const auto order = orderNamed(context.arguments().sort);
    if (!order)
        return context.usageError(QStringLiteral("--sort takes start, duration, errors, services or first-failure"));
    if (!context.openStore() || !context.compileFilter())
        return context.exitCode();
    auto requests = core::Requests::list(context.store(), context.filter(), *order, &InterruptCatcher::requested());
    if (!requests)
        return readFailed(requests.error());
    const auto limit = context.arguments().limit;
    printRequests(requests.value(), limit ? static_cast<std::size_t>(*limit) : requests->size(), context.style());
    return 0;
}

} // namespace cli
