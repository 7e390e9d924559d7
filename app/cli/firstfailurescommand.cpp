// SPDX-License-Identifier: MIT
#include "commandcontext.h"
#include "commands.h"
#include "interruptcatcher.h"
#include "output.h"

#include <core/analysis/requests.h>

#include <cstdio>

namespace cli {

namespace {

void printRanks(const std::vector<core::FirstFailureRank> &ranks, Style style)
{
    if (style == Style::Json) {
        core::JsonWriter out;
        out.beginObject().key("first_failures").beginArray();
        for (const core::FirstFailureRank &rank : ranks) {
            out.beginObject()
                .key("service")
                .value(rank.service)
                .key("requests")
                .value(rank.requests)
                .key("first")
                .value(core::format::rfc3339(rank.firstNs))
                .key("last")
                .value(core::format::rfc3339(rank.lastNs))
                .key("sample_request")
                .value(rank.sampleRequest)
                .key("signatures")
                .beginArray();
            for (const auto &[signature, requests] : rank.signatures)
                out.beginObject().key("signature").value(signature).key("requests").value(requests).endObject();
            out.endArray().endObject();
        }
        out.endArray().endObject();
        printJson(out);
        return;
    }
    std::printf("%-24s %9s  %-30s %-30s %s\n", "first-failing service", "requests", "first", "last", "sample request");
    for (const core::FirstFailureRank &rank : ranks) {
        std::printf("%-24s %9s  %-30s %-30s %s\n", rank.service.empty() ? "(none)" : rank.service.c_str(),
                    formatCount(rank.requests).c_str(), core::format::rfc3339(rank.firstNs).c_str(),
                    core::format::rfc3339(rank.lastNs).c_str(), rank.sampleRequest.c_str());
        for (const auto &[signature, requests] : rank.signatures)
            std::printf("    %9s  %s\n", formatCount(requests).c_str(), signature.c_str());
    }
}

} // namespace

int firstFailuresCommand(const QStringList &arguments)
{
    CommandContext context(
        QStringLiteral("first-failures takes --store FILE [--now end|wallclock] [--tz ZONE] [--json] [QUERY]"));
    if (!context.parse(arguments, {Option::Store, Option::Json, Option::Now, Option::TimeZone}) || !context.openStore()
        || !context.compileFilter())
        return context.exitCode();
    auto ranks = core::Requests::firstFailures(context.store(), context.filter(), &InterruptCatcher::requested());
    if (!ranks)
        return readFailed(ranks.error());
    printRanks(ranks.value(), context.style());
    return 0;
}

} // namespace cli
