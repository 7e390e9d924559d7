// SPDX-License-Identifier: MIT
#include "commands.h"

#include <core/analysis/errorgroups.h>
#include <core/analysis/histogram.h>
#include <core/analysis/histogrambuckets.h>
#include <core/model/eventformat.h>
#include <core/import/importer.h>
#include <core/base/jsonwriter.h>
#include <core/query/queryfilter.h>
#include <core/query/queryparser.h>
#include <core/backends/storelocation.h>

#include <QDateTime>
#include <QTimeZone>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <optional>
#include <string>

namespace commands {

namespace {

std::atomic<bool> s_interrupted{false};

void onInterrupt(int)
{
    s_interrupted = true;
}

// What every verb accepts: options with values, flags, and the remaining positional arguments.
struct Arguments {
    QString store;
    QString timeZone;
    std::optional<long long> limit;
    bool json = false;
    bool csv = false;
    bool count = false;
    bool byService = false;
    QString now;
    QString bucket;
    QString from;
    QString to;
    QStringList positional;
    QString error;
};

Arguments parse(const QStringList &arguments, const QStringList &allowed)
{
    Arguments parsed;
    for (qsizetype i = 0; i < arguments.size(); ++i) {
        const QString &argument = arguments[i];
        const auto value = [&]() -> QString {
            if (i + 1 >= arguments.size()) {
                parsed.error = argument + QStringLiteral(" needs a value");
                return {};
            }
            return arguments[++i];
        };
        if (!argument.startsWith(QLatin1String("--")) || argument == QLatin1String("--")) {
            parsed.positional << argument;
            continue;
        }
        if (!allowed.contains(argument)) {
            parsed.error = QStringLiteral("unknown option ") + argument;
            return parsed;
        }
        if (argument == QLatin1String("--store"))
            parsed.store = value();
        else if (argument == QLatin1String("--tz"))
            parsed.timeZone = value();
        else if (argument == QLatin1String("--json"))
            parsed.json = true;
        else if (argument == QLatin1String("--csv"))
            parsed.csv = true;
        else if (argument == QLatin1String("--count"))
            parsed.count = true;
        else if (argument == QLatin1String("--by-service"))
            parsed.byService = true;
        else if (argument == QLatin1String("--bucket"))
            parsed.bucket = value();
        else if (argument == QLatin1String("--from"))
            parsed.from = value();
        else if (argument == QLatin1String("--to"))
            parsed.to = value();
        else if (argument == QLatin1String("--now")) {
            parsed.now = value();
            if (parsed.error.isEmpty() && parsed.now != QLatin1String("end") && parsed.now != QLatin1String("wallclock"))
                parsed.error = QStringLiteral("--now takes end or wallclock");
        }
        else if (argument == QLatin1String("--limit")) {
            bool ok = false;
            parsed.limit = value().toLongLong(&ok);
            if (!ok || *parsed.limit < 0)
                parsed.error = QStringLiteral("--limit takes a whole number");
        }
        if (!parsed.error.isEmpty())
            return parsed;
    }
    return parsed;
}

int usageError(const QString &message)
{
    std::fprintf(stderr, "timberline: %s\n(see timberline --help)\n", qPrintable(message));
    return 2;
}

// trace..fatal, then unknown last, as people read them.
constexpr core::Level LevelsInReadingOrder[] = {core::Level::Trace, core::Level::Debug, core::Level::Info, core::Level::Warn,
                                                core::Level::Error, core::Level::Fatal, core::Level::Unknown};

void writeSourceHead(core::JsonWriter &out, std::string_view name, std::string_view format, core::SourceStatus status,
                     std::string_view error)
{
    out.key("name").value(name);
    out.key("format").value(format);
    out.key("status").value(core::sourceStatusName(status));
    if (!error.empty())
        out.key("error").value(error);
}

void writeCounts(core::JsonWriter &out, const core::LineCounts &counts)
{
    out.key("lines").value(counts.lines);
    out.key("event_lines").value(counts.eventLines);
    out.key("continuation_lines").value(counts.continuationLines);
    out.key("document_lines").value(counts.documentLines);
    out.key("blank_lines").value(counts.blankLines);
    out.key("events").value(counts.events);
    out.key("unparsed").value(counts.unparsed);
    out.key("spans").value(counts.spans);
}

std::string formatCount(std::uint64_t value)
{
    std::string digits = std::to_string(value);
    for (int at = static_cast<int>(digits.size()) - 3; at > 0; at -= 3)
        digits.insert(static_cast<std::size_t>(at), 1, ',');
    return digits;
}

class CommandLineObserver : public core::ImportObserver
{
public:
    explicit CommandLineObserver(bool quiet)
        : m_quiet(quiet)
    {
    }
    core::ProgressAnswer progress(const core::ImportProgress &progress) override
    {
        if (!m_quiet && isatty(fileno(stderr))) {
            const double percent = progress.bytesTotal ? 100.0 * static_cast<double>(progress.bytesDone)
                    / static_cast<double>(progress.bytesTotal)
                                                       : 0;
            std::fprintf(stderr, "\r%5.1f%%  %s events  %.0f events/s ", percent, formatCount(progress.events).c_str(),
                         progress.eventsPerSecond);
        }
        return s_interrupted ? core::ProgressAnswer::Cancel : core::ProgressAnswer::Continue;
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
        out.endArray().endObject();
        std::printf("%s\n", out.text().c_str());
        return;
    }
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
            std::printf("  %-9s %s (%s): %s events, %s lines\n", std::string(core::sourceStatusName(source.status)).c_str(),
                        source.name.c_str(), source.format.c_str(), formatCount(source.counts.events).c_str(),
                        formatCount(source.counts.lines).c_str());
    }
}

enum class EventStyle { Text, Json, Csv };

void appendCsv(std::string &out, std::string_view field)
{
    if (field.find_first_of(",\"\r\n") == std::string_view::npos) {
        out.append(field);
        return;
    }
    out.push_back('"');
    for (const char c : field) {
        if (c == '"')
            out.push_back('"');
        out.push_back(c);
    }
    out.push_back('"');
}

// One event as `events` and `query` print it: tab-separated text, the JSON of --json, or CSV.
void writeEvent(std::string &out, const core::EventRow &event, EventStyle style)
{
    out.clear();
    if (style == EventStyle::Json) {
        out = core::format::eventJson(event);
    } else {
        const char separator = style == EventStyle::Csv ? ',' : '\t';
        out = core::format::rfc3339(event.key.timeNs);
        for (std::string_view column : {std::string_view(core::levelName(event.level)), std::string_view(event.service),
                                        std::string_view(event.message), std::string_view(event.requestId)}) {
            out.push_back(separator);
            if (style == EventStyle::Csv)
                appendCsv(out, column);
            else
                out.append(column);
        }
        out.push_back(separator);
        const std::string where = event.sourceName + ':' + std::to_string(event.key.line);
        if (style == EventStyle::Csv)
            appendCsv(out, where);
        else
            out += where;
    }
    out.push_back('\n');
    std::fwrite(out.data(), 1, out.size(), stdout);
}

std::optional<std::unique_ptr<core::EventStore>> openForReading(const QString &path, int &exitCode)
{
    auto store = core::openStore(path.toStdString(), core::OpenMode::ReadOnly);
    if (!store) {
        std::fprintf(stderr, "timberline: %s: %s\n", qPrintable(path), store.error().message.c_str());
        exitCode = 1;
        return std::nullopt;
    }
    return std::move(store.value());
}

} // namespace

void printUsage(FILE *stream)
{
    std::fprintf(stream,
                 "Usage:\n"
                 "  timberline [--store FILE] [PATH...]           open the window, importing PATHs\n"
                 "  timberline --screenshot OUT.png [--size WxH] [--query Q] [--store FILE] [PATH...]\n"
                 "  timberline import --store FILE [--json] [--tz ZONE] PATH...\n"
                 "  timberline stats --store FILE [--json]\n"
                 "  timberline events --store FILE [--limit N] [--json]\n"
                 "  timberline query --store FILE [--count] [--json|--csv] [--limit N] [--now end|wallclock]\n"
                 "                   [--tz ZONE] QUERY    (docs/QUERY.md)\n"
                 "  timberline histogram --store FILE [--bucket auto|N{ms,s,m,h,d,w}] [--from T] [--to T]\n"
                 "                   [--now end|wallclock] [--tz ZONE] [--json] [QUERY]\n"
                 "  timberline errors --store FILE [--by-service] [--now end|wallclock] [--tz ZONE] [--json] [QUERY]\n"
                 "  timberline --version | --help\n"
                 "\n"
                 "PATH: files, folders, .zip/.tar/.tar.gz archives, .gz/.zst/.bz2/.xz files.\n"
                 "import exits 0 when every source imported, 1 when some failed or were binary,\n"
                 "2 on usage errors, 130 when interrupted (what was read is kept).\n");
}

int importHeadless(const QString &storePath, const QStringList &paths, const QString &timeZone, bool json)
{
    core::ImportRequest request;
    request.storePath = storePath.toStdString();
    request.timeZone = timeZone.toStdString();
    for (const QString &path : paths)
        request.paths.push_back(path.toStdString());
    s_interrupted = false;
    std::signal(SIGINT, onInterrupt);
    std::signal(SIGTERM, onInterrupt);
    CommandLineObserver observer(json);
    auto summary = core::runImport(request, observer);
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
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
    const Arguments parsed = parse(arguments, {QStringLiteral("--store"), QStringLiteral("--json"), QStringLiteral("--tz")});
    if (!parsed.error.isEmpty())
        return usageError(parsed.error);
    if (parsed.store.isEmpty())
        return usageError(QStringLiteral("import needs --store FILE"));
    if (parsed.positional.isEmpty())
        return usageError(QStringLiteral("import needs at least one PATH"));
    return importHeadless(parsed.store, parsed.positional, parsed.timeZone, parsed.json);
}

int statsCommand(const QStringList &arguments)
{
    const Arguments parsed = parse(arguments, {QStringLiteral("--store"), QStringLiteral("--json")});
    if (!parsed.error.isEmpty())
        return usageError(parsed.error);
    if (parsed.store.isEmpty() || !parsed.positional.isEmpty())
        return usageError(QStringLiteral("stats takes --store FILE and nothing else"));
    int exitCode = 0;
    auto store = openForReading(parsed.store, exitCode);
    if (!store)
        return exitCode;
    auto stats = (*store)->stats();
    if (!stats) {
        std::fprintf(stderr, "timberline: %s\n", stats.error().message.c_str());
        return 1;
    }
    if (parsed.json) {
        core::JsonWriter out;
        out.beginObject();
        out.key("events").value(stats->events);
        out.key("lines").value(stats->lines);
        out.key("sources").beginArray();
        for (const core::SourceRow &source : stats->sources) {
            out.beginObject();
            writeSourceHead(out, source.name, source.format, source.status, source.error);
            out.key("path").value(source.path);
            out.key("sha256").value(source.sha256);
            out.key("last_line").value(source.lastLine);
            writeCounts(out, source.counts);
            out.endObject();
        }
        out.endArray();
        out.key("levels").beginObject();
        for (const core::Level level : LevelsInReadingOrder)
            out.key(core::levelName(level)).value(stats->levels[static_cast<std::size_t>(level)]);
        out.endObject();
        out.key("services").beginObject();
        for (const auto &[name, count] : stats->services)
            out.key(name).value(count);
        out.endObject();
        out.key("request_ids").value(stats->requestIds);
        out.key("first").textOrNull(stats->firstNs ? core::format::rfc3339(*stats->firstNs) : std::string());
        out.key("last").textOrNull(stats->lastNs ? core::format::rfc3339(*stats->lastNs) : std::string());
        out.endObject();
        std::printf("%s\n", out.text().c_str());
        return 0;
    }
    std::printf("%s events, %s lines, %zu sources, %s request IDs\n", formatCount(stats->events).c_str(),
                formatCount(stats->lines).c_str(), stats->sources.size(), formatCount(stats->requestIds).c_str());
    if (stats->firstNs)
        std::printf("from %s to %s\n", core::format::rfc3339(*stats->firstNs).c_str(),
                    core::format::rfc3339(*stats->lastNs).c_str());
    std::printf("levels:");
    for (const core::Level level : LevelsInReadingOrder)
        std::printf(" %s=%s", std::string(core::levelName(level)).c_str(),
                    formatCount(stats->levels[static_cast<std::size_t>(level)]).c_str());
    std::printf("\nservices:");
    for (const auto &[name, count] : stats->services)
        std::printf(" %s=%s", name.c_str(), formatCount(count).c_str());
    std::printf("\nsources:\n");
    for (const core::SourceRow &source : stats->sources) {
        const core::LineCounts &c = source.counts;
        std::printf("  %-9s %s (%s) lines=%llu event=%llu continuation=%llu document=%llu blank=%llu events=%llu "
                    "unparsed=%llu%s%s\n",
                    std::string(core::sourceStatusName(source.status)).c_str(), source.name.c_str(), source.format.c_str(),
                    static_cast<unsigned long long>(c.lines), static_cast<unsigned long long>(c.eventLines),
                    static_cast<unsigned long long>(c.continuationLines), static_cast<unsigned long long>(c.documentLines),
                    static_cast<unsigned long long>(c.blankLines), static_cast<unsigned long long>(c.events),
                    static_cast<unsigned long long>(c.unparsed), source.error.empty() ? "" : " error: ",
                    source.error.c_str());
    }
    return 0;
}

int eventsCommand(const QStringList &arguments)
{
    const Arguments parsed = parse(arguments, {QStringLiteral("--store"), QStringLiteral("--json"), QStringLiteral("--limit")});
    if (!parsed.error.isEmpty())
        return usageError(parsed.error);
    if (parsed.store.isEmpty() || !parsed.positional.isEmpty())
        return usageError(QStringLiteral("events takes --store FILE [--limit N] [--json]"));
    int exitCode = 0;
    auto store = openForReading(parsed.store, exitCode);
    if (!store)
        return exitCode;
    std::uint64_t remaining = parsed.limit ? static_cast<std::uint64_t>(*parsed.limit) : UINT64_MAX;
    std::optional<core::EventKey> after;
    std::string out;
    while (remaining > 0) {
        auto page = (*store)->events(after, static_cast<std::size_t>(std::min<std::uint64_t>(remaining, 4096)));
        if (!page) {
            std::fprintf(stderr, "timberline: %s\n", page.error().message.c_str());
            return 1;
        }
        if (page->empty())
            break;
        for (const core::EventRow &event : page.value())
            writeEvent(out, event, parsed.json ? EventStyle::Json : EventStyle::Text);
        remaining -= page->size();
        after = page->back().key;
    }
    return 0;
}

namespace {

// The query, a caret under the spot, the message: what a bad query prints before exit code 2.
int queryError(const std::string &query, const core::Error &error)
{
    std::fprintf(stderr, "timberline: bad query\n  %s\n", query.c_str());
    if (error.offset >= 0) {
        const std::int64_t column = core::QueryParser::columnOf(query, error.offset);
        const std::int64_t end = core::QueryParser::columnOf(query, error.offset + std::max<std::int64_t>(1, error.length));
        std::string marks(static_cast<std::size_t>(column - 1), ' ');
        marks.append(static_cast<std::size_t>(std::max<std::int64_t>(1, end - column)), '^');
        std::fprintf(stderr, "  %s\n", marks.c_str());
    }
    std::fprintf(stderr, "%s\n", error.message.c_str());
    return 2;
}

} // namespace

namespace {

// The query of `query` and the analysis verbs, compiled with --now and --tz; --from and --to are
// AND-ed in as `@timestamp` bounds. nullopt after printing why, with the exit code in `exitCode`.
std::optional<core::QueryFilter> analysisFilter(const Arguments &parsed, core::EventStore &store, int &exitCode)
{
    QTimeZone zone = QTimeZone::utc();
    if (!parsed.timeZone.isEmpty() && parsed.timeZone != QLatin1String("UTC")) {
        zone = QTimeZone(parsed.timeZone.toUtf8());
        if (!zone.isValid()) {
            exitCode = usageError(QStringLiteral("unknown time zone: ") + parsed.timeZone);
            return std::nullopt;
        }
    }
    std::int64_t now = core::QueryTime::wallClockNs();
    if (parsed.now == QLatin1String("end")) {
        auto anchor = store.timeAnchor();
        if (!anchor) {
            std::fprintf(stderr, "timberline: %s\n", anchor.error().message.c_str());
            exitCode = 1;
            return std::nullopt;
        }
        if (anchor.value())
            now = *anchor.value();
    }
    std::function<std::int64_t(std::int64_t)> naiveToUtc;
    if (zone != QTimeZone::utc()) {
        naiveToUtc = [zone](std::int64_t naiveNs) {
            const auto utc = QDateTime::fromMSecsSinceEpoch(naiveNs / 1'000'000, QTimeZone::utc());
            return naiveNs - static_cast<std::int64_t>(zone.offsetFromUtc(utc)) * 1'000'000'000;
        };
    }
    std::string query = parsed.positional.join(QLatin1Char(' ')).toStdString();
    const auto bound = [](const QString &time) {
        std::string quoted = "\"";
        for (const QChar c : time) {
            if (c == QLatin1Char('"') || c == QLatin1Char('\\'))
                quoted.push_back('\\');
            quoted += QString(c).toStdString();
        }
        return quoted + "\"";
    };
    std::string range;
    if (!parsed.from.isEmpty())
        range += "@timestamp >= " + bound(parsed.from);
    if (!parsed.to.isEmpty())
        range += (range.empty() ? "" : " and ") + std::string("@timestamp < ") + bound(parsed.to);
    if (!range.empty())
        query = query.find_first_not_of(' ') == std::string::npos ? range : "(" + query + ") and " + range;
    auto filter = core::QueryFilter::fromText(query, core::QueryTime(now, naiveToUtc));
    if (!filter) {
        exitCode = queryError(query, filter.error());
        return std::nullopt;
    }
    return std::move(filter.value());
}

// trace..fatal, then unknown: the seven level keys of the histogram's JSON.
void writeLevels(core::JsonWriter &out, const core::LevelCounts &counts)
{
    out.beginObject();
    for (const core::Level level : LevelsInReadingOrder)
        out.key(core::levelName(level)).value(static_cast<std::uint64_t>(counts[static_cast<std::size_t>(level)]));
    out.endObject();
}

int analysisFailed(const core::Error &error)
{
    std::fprintf(stderr, "timberline: %s\n", error.message.c_str());
    return error.code == core::ErrorCode::Cancelled ? 130 : 1;
}

} // namespace

int queryCommand(const QStringList &arguments)
{
    const Arguments parsed = parse(arguments, {QStringLiteral("--store"), QStringLiteral("--json"), QStringLiteral("--csv"),
                                               QStringLiteral("--count"), QStringLiteral("--limit"), QStringLiteral("--now"),
                                               QStringLiteral("--tz")});
    if (!parsed.error.isEmpty())
        return usageError(parsed.error);
    if (parsed.store.isEmpty() || (parsed.json && parsed.csv))
        return usageError(QStringLiteral("query takes --store FILE [--count] [--json|--csv] [--limit N] [--now end|wallclock] [--tz ZONE] QUERY"));
    int exitCode = 0;
    auto store = openForReading(parsed.store, exitCode);
    if (!store)
        return exitCode;
    auto filter = analysisFilter(parsed, **store, exitCode);
    if (!filter)
        return exitCode;
    if (parsed.count) {
        auto count = (*store)->count(*filter);
        if (!count) {
            std::fprintf(stderr, "timberline: the query failed: %s\n", count.error().message.c_str());
            return 1;
        }
        if (parsed.json)
            std::printf("{\"count\":%llu}\n", static_cast<unsigned long long>(*count));
        else
            std::printf("%llu\n", static_cast<unsigned long long>(*count));
        return 0;
    }
    const EventStyle style = parsed.json ? EventStyle::Json : parsed.csv ? EventStyle::Csv : EventStyle::Text;
    if (style == EventStyle::Csv)
        std::fputs("time,level,service,message,request_id,source\n", stdout);
    std::uint64_t remaining = parsed.limit ? static_cast<std::uint64_t>(*parsed.limit) : UINT64_MAX;
    std::optional<core::EventKey> after;
    std::string out;
    while (remaining > 0) {
        auto page = (*store)->events(*filter, after, static_cast<std::size_t>(std::min<std::uint64_t>(remaining, 4096)));
        if (!page) {
            std::fprintf(stderr, "timberline: the query failed: %s\n", page.error().message.c_str());
            return 1;
        }
        if (page->empty())
            break;
        for (const core::EventRow &event : page.value())
            writeEvent(out, event, style);
        remaining -= page->size();
        after = page->back().key;
    }
    return 0;
}

int histogramCommand(const QStringList &arguments)
{
    const Arguments parsed = parse(arguments, {QStringLiteral("--store"), QStringLiteral("--json"), QStringLiteral("--bucket"),
                                               QStringLiteral("--from"), QStringLiteral("--to"), QStringLiteral("--now"),
                                               QStringLiteral("--tz")});
    if (!parsed.error.isEmpty())
        return usageError(parsed.error);
    if (parsed.store.isEmpty())
        return usageError(QStringLiteral("histogram takes --store FILE [--bucket auto|N{ms,s,m,h,d,w}] [--from T] [--to T] "
                                         "[--now end|wallclock] [--tz ZONE] [--json] [QUERY]"));
    core::HistogramOptions options;
    if (!parsed.bucket.isEmpty()) {
        const auto step = core::HistogramBuckets::parseStep(parsed.bucket.toStdString());
        if (!step)
            return usageError(QStringLiteral("--bucket takes auto or a number with ms, s, m (minutes), h, d or w: ") + parsed.bucket);
        options.stepNs = *step;
    }
    int exitCode = 0;
    auto store = openForReading(parsed.store, exitCode);
    if (!store)
        return exitCode;
    auto filter = analysisFilter(parsed, **store, exitCode);
    if (!filter)
        return exitCode;
    std::signal(SIGINT, onInterrupt);
    auto histogram = core::Histogram::compute(**store, *filter, options, [](const core::LevelHistogram &) { return !s_interrupted; });
    if (!histogram)
        return analysisFailed(histogram.error());
    const core::LevelHistogram &h = histogram.value();
    if (parsed.json) {
        core::JsonWriter out;
        out.beginObject().key("bucket_ms").value(static_cast<std::int64_t>(h.bucketNs / 1'000'000)).key("buckets").beginArray();
        for (std::size_t i = 0; i < h.buckets.size(); ++i) {
            out.beginObject().key("start").value(core::format::rfc3339(h.fromNs + static_cast<std::int64_t>(i) * h.bucketNs));
            out.key("levels");
            writeLevels(out, h.buckets[i]);
            out.endObject();
        }
        out.endArray().endObject();
        std::printf("%s\n", out.text().c_str());
        return 0;
    }
    std::printf("bucket %s\n", core::HistogramBuckets::stepName(h.bucketNs).c_str());
    std::printf("%-30s %10s", "start", "total");
    for (const core::Level level : LevelsInReadingOrder)
        std::printf(" %8s", std::string(core::levelName(level)).c_str());
    std::printf("\n");
    for (std::size_t i = 0; i < h.buckets.size(); ++i) {
        std::uint64_t total = 0;
        for (const std::uint64_t count : h.buckets[i])
            total += count;
        std::printf("%-30s %10llu", core::format::rfc3339(h.fromNs + static_cast<std::int64_t>(i) * h.bucketNs).c_str(),
                    static_cast<unsigned long long>(total));
        for (const core::Level level : LevelsInReadingOrder)
            std::printf(" %8llu", static_cast<unsigned long long>(h.buckets[i][static_cast<std::size_t>(level)]));
        std::printf("\n");
    }
    return 0;
}

int errorsCommand(const QStringList &arguments)
{
    const Arguments parsed = parse(arguments, {QStringLiteral("--store"), QStringLiteral("--json"), QStringLiteral("--by-service"),
                                               QStringLiteral("--now"), QStringLiteral("--tz")});
    if (!parsed.error.isEmpty())
        return usageError(parsed.error);
    if (parsed.store.isEmpty())
        return usageError(QStringLiteral("errors takes --store FILE [--by-service] [--now end|wallclock] [--tz ZONE] [--json] [QUERY]"));
    int exitCode = 0;
    auto store = openForReading(parsed.store, exitCode);
    if (!store)
        return exitCode;
    auto filter = analysisFilter(parsed, **store, exitCode);
    if (!filter)
        return exitCode;
    std::signal(SIGINT, onInterrupt);
    if (parsed.byService) {
        auto timelines = core::ErrorGroups::byService(**store, *filter, 0, &s_interrupted);
        if (!timelines)
            return analysisFailed(timelines.error());
        const core::HistogramSpec &spec = timelines->spec;
        if (parsed.json) {
            core::JsonWriter out;
            out.beginObject().key("bucket_ms").value(static_cast<std::int64_t>(spec.bucketNs / 1'000'000)).key("services").beginArray();
            for (const core::ServiceErrors &service : timelines->services) {
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
            std::printf("%s\n", out.text().c_str());
            return 0;
        }
        std::printf("%-24s %-32s %10s\n", "service", "first error", "errors");
        for (const core::ServiceErrors &service : timelines->services)
            std::printf("%-24s %-32s %10llu\n", service.name.empty() ? "(none)" : service.name.c_str(),
                        service.firstErrorNs ? core::format::rfc3339(*service.firstErrorNs).c_str() : "-",
                        static_cast<unsigned long long>(service.errors));
        return 0;
    }
    auto groups = core::ErrorGroups::compute(**store, *filter, std::nullopt, &s_interrupted);
    if (!groups)
        return analysisFailed(groups.error());
    if (parsed.json) {
        core::JsonWriter out;
        out.beginObject().key("groups").beginArray();
        for (const core::ErrorGroup &group : groups.value()) {
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
        std::printf("%s\n", out.text().c_str());
        return 0;
    }
    for (const core::ErrorGroup &group : groups.value()) {
        std::string services;
        for (const auto &[name, count] : group.services)
            services += (services.empty() ? "" : ", ") + (name.empty() ? std::string("(none)") : name) + " " + std::to_string(count);
        std::printf("%8llu  %s .. %s  %s\n          %s\n", static_cast<unsigned long long>(group.count),
                    core::format::rfc3339(group.firstNs).c_str(), core::format::rfc3339(group.lastNs).c_str(),
                    group.signature.c_str(), services.c_str());
    }
    return 0;
}

} // namespace commands
