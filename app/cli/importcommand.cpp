// SPDX-License-Identifier: MIT
#include "commandcontext.h"
#include "commands.h"
#include "interruptcatcher.h"
#include "output.h"

#include <core/import/importer.h>

#include <unistd.h>

#include <cstdio>

namespace cli {

namespace {

// Progress on a terminal only, so a script's stderr holds nothing but errors; Ctrl-C cancels.
class CommandLineObserver : public core::ImportObserver
{
public:
    explicit CommandLineObserver(bool quiet)
        : m_quiet(quiet)
    { }
    core::ProgressAnswer progress(const core::ImportProgress &progress) override
    {
        if (!m_quiet && isatty(fileno(stderr))) {
            const double percent = progress.bytesTotal
                ? 100.0 * static_cast<double>(progress.bytesDone) / static_cast<double>(progress.bytesTotal)
                : 0;
            std::fprintf(stderr, "\r%5.1f%%  %s events  %.0f events/s ", percent, formatCount(progress.events).c_str(),
                         progress.eventsPerSecond);
        }
        return InterruptCatcher::requested() ? core::ProgressAnswer::Cancel : core::ProgressAnswer::Continue;
    }
    void waitingForWriter() override
    {
        if (!m_quiet)
            std::fputs("timberline: another import is writing the store; waiting for it to end (Ctrl-C stops)\n",
                       stderr);
    }

private:
    bool m_quiet;
};

bool failedSource(const core::SourceSummary &source)
{
    return source.status == core::SourceStatus::Failed || source.status == core::SourceStatus::Partial;
}

void printSummary(const core::ImportSummary &summary, const std::string &storePath, bool json)
{
    if (json) {
        core::JsonWriter out;
        out.beginObject();
        out.key("store").value(storePath);
        out.key("outcome").value(summary.outcome == core::Outcome::Cancelled ? "cancelled" : "finished");
        out.key("events").value(summary.events);
        out.key("lines").value(summary.lines);
        out.key("bytes").value(summary.bytes);
        out.key("seconds").value(summary.seconds);
        out.key("sources").beginArray();
        for (const core::SourceSummary &source : summary.sources) {
            out.beginObject();
            writeSourceHead(out, source.name, source.format, source.status, source.error);
            writeCounts(out, source.counts);
            out.endObject();
        }
        out.endArray();
        if (!summary.rolledBack.empty()) {
            out.key("rolled_back").beginArray();
            for (const core::SourceSummary &source : summary.rolledBack)
                out.beginObject().key("name").value(source.name).key("events").value(source.counts.events).endObject();
            out.endArray();
        }
        out.endObject();
        printJson(out);
        return;
    }
    for (const core::SourceSummary &source : summary.rolledBack)
        std::printf("Rolled back %s: an interrupted import had left %s of its events\n", source.name.c_str(),
                    formatCount(source.counts.events).c_str());
    std::printf("%s %zu source(s): %s events from %s lines, %.1f MB in %.2f s -> %s\n",
                summary.outcome == core::Outcome::Cancelled ? "Cancelled after" : "Imported", summary.sources.size(),
                formatCount(summary.events).c_str(), formatCount(summary.lines).c_str(),
                static_cast<double>(summary.bytes) / 1e6, summary.seconds, storePath.c_str());
    for (const core::SourceSummary &source : summary.sources) {
        // A duplicate's content is already in the store: it was skipped, not imported again.
        const bool duplicate = source.error.starts_with("duplicate of ");
        if (!source.error.empty())
            std::printf("  %-9s %s: %s\n",
                        duplicate ? "skipped" : std::string(core::sourceStatusName(source.status)).c_str(),
                        source.name.c_str(), source.error.c_str());
        else
            std::printf("  %-9s %s (%s): %s events, %s lines\n",
                        std::string(core::sourceStatusName(source.status)).c_str(), source.name.c_str(),
                        source.format.c_str(), formatCount(source.counts.events).c_str(),
                        formatCount(source.counts.lines).c_str());
    }
}

} // namespace

int importHeadless(const QString &storePath, const QStringList &paths, const QString &timeZone, bool json, bool wait)
{
    core::ImportRequest request;
    request.storePath = storePath.toStdString();
    request.timeZone = timeZone.toStdString();
    request.waitForWriter = wait;
    for (const QString &path : paths)
        request.paths.push_back(path.toStdString());
    CommandLineObserver observer(json);
    auto summary = [&] {
        // SIGTERM too, so `kill` or a timeout also leaves a store that says what it holds.
        const InterruptCatcher catcher({SIGINT, SIGTERM});
        return core::runImport(request, observer);
    }();
    if (isatty(fileno(stderr)) && !json)
        std::fprintf(stderr, "\r%60s\r", "");
    if (!summary) {
        std::fprintf(stderr, "timberline: %s\n", summary.error().message.c_str());
        return summary.error().code == core::ErrorCode::Usage ? 2 : 1;
    }
    printSummary(summary.value(), request.storePath, json);
    if (summary->outcome == core::Outcome::Cancelled)
        return 130;
    for (const core::SourceSummary &source : summary->sources)
        if (failedSource(source))
            return 1;
    return 0;
}

int importCommand(const QStringList &arguments)
{
    CommandContext context(QStringLiteral("import needs --store FILE"));
    if (!context.parse(arguments, {Option::Store, Option::Json, Option::TimeZone, Option::Wait}))
        return context.exitCode();
    const Arguments &parsed = context.arguments();
    if (parsed.positional.isEmpty())
        return context.usageError(QStringLiteral("import needs at least one PATH"));
    return importHeadless(parsed.store, parsed.positional, parsed.timeZone, parsed.json, parsed.wait);
}

} // namespace cli
