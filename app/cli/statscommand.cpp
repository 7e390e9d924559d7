// SPDX-License-Identifier: MIT
#include "commandcontext.h"
#include "commands.h"
#include "output.h"

#include <cstdio>

namespace cli {

namespace {

void printStats(const core::StoreStats &stats, Style style)
{
    if (style == Style::Json) {
        core::JsonWriter out;
        out.beginObject();
        out.key("events").value(stats.events);
        out.key("lines").value(stats.lines);
        out.key("sources").beginArray();
        for (const core::SourceRow &source : stats.sources) {
            out.beginObject();
            writeSourceHead(out, source.name, source.format, source.status, source.error);
            out.key("path").value(source.path);
            out.key("sha256").value(source.sha256);
            out.key("last_line").value(source.lastLine);
            writeCounts(out, source.counts);
            out.endObject();
        }
        out.endArray();
        out.key("levels");
        writeLevels(out, stats.levels);
        out.key("services").beginObject();
        for (const auto &[name, count] : stats.services)
            out.key(name).value(count);
        out.endObject();
        out.key("request_ids").value(stats.requestIds);
        out.key("first").textOrNull(stats.firstNs ? core::format::rfc3339(*stats.firstNs) : std::string());
        out.key("last").textOrNull(stats.lastNs ? core::format::rfc3339(*stats.lastNs) : std::string());
        out.endObject();
        printJson(out);
        return;
    }
    std::printf("%s events, %s lines, %zu sources, %s request IDs\n", formatCount(stats.events).c_str(),
                formatCount(stats.lines).c_str(), stats.sources.size(), formatCount(stats.requestIds).c_str());
    if (stats.firstNs)
        std::printf("from %s to %s\n", core::format::rfc3339(*stats.firstNs).c_str(),
                    core::format::rfc3339(*stats.lastNs).c_str());
    std::printf("levels:");
    for (const core::Level level : LevelsInReadingOrder)
        std::printf(" %s=%s", std::string(core::levelName(level)).c_str(),
                    formatCount(stats.levels[static_cast<std::size_t>(level)]).c_str());
    std::printf("\nservices:");
    for (const auto &[name, count] : stats.services)
        std::printf(" %s=%s", name.c_str(), formatCount(count).c_str());
    std::printf("\nsources:\n");
    for (const core::SourceRow &source : stats.sources) {
        const core::LineCounts &c = source.counts;
        std::printf("  %-9s %s (%s) lines=%llu event=%llu continuation=%llu document=%llu blank=%llu events=%llu "
                    "unparsed=%llu%s%s\n",
                    std::string(core::sourceStatusName(source.status)).c_str(), source.name.c_str(),
                    source.format.c_str(), static_cast<unsigned long long>(c.lines),
                    static_cast<unsigned long long>(c.eventLines), static_cast<unsigned long long>(c.continuationLines),
                    static_cast<unsigned long long>(c.documentLines), static_cast<unsigned long long>(c.blankLines),
                    static_cast<unsigned long long>(c.events), static_cast<unsigned long long>(c.unparsed),
                    source.error.empty() ? "" : " error: ", source.error.c_str());
    }
}

} // namespace

int statsCommand(const QStringList &arguments)
{
    CommandContext context(QStringLiteral("stats takes --store FILE and nothing else"),
                           CommandContext::Positional::Refused);
    if (!context.parse(arguments, {Option::Store, Option::Json}) || !context.openStore())
        return context.exitCode();
    auto stats = context.store().stats();
    if (!stats)
        return readFailed(stats.error());
    printStats(stats.value(), context.style());
    return 0;
}

} // namespace cli
