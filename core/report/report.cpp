// SPDX-License-Identifier: MIT
#include "report.h"

#include "markdown.h"
#include "redaction.h"

#include <core/analysis/histogram.h>
#include <core/base/textformat.h>
#include <core/query/queryfilter.h>
#include <core/query/queryparser.h>
#include <core/query/querytime.h>

#include <algorithm>
#include <set>

namespace core {

namespace {

std::uint64_t errorsIn(const LevelCounts &counts)
{
    return counts[static_cast<std::size_t>(Level::Error)] + counts[static_cast<std::size_t>(Level::Fatal)];
}

std::uint64_t eventsIn(const LevelCounts &counts)
{
    std::uint64_t total = 0;
    for (const std::uint64_t count : counts)
        total += count;
    return total;
}

// UTC to the millisecond, as incident timelines are read.
std::string millisecondTime(std::int64_t ns)
{
    const std::string full = format::rfc3339(ns); // ....SS.nnnnnnnnnZ
    return full.size() > 7 ? full.substr(0, full.size() - 7) + "Z" : full;
}

std::string citation(const EventRow &event)
{
    return markdown::codeSpan(event.sourceName + ":" + std::to_string(event.key.line));
}

std::string citation(const std::string &source, std::uint32_t line)
{
    return markdown::codeSpan(source + ":" + std::to_string(line));
}

// One character per bucket, eight heights scaled to the largest.
std::string sparkline(const std::vector<std::uint64_t> &values)
{
    static const char *const bars[] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
    const std::uint64_t peak = values.empty() ? 0 : *std::max_element(values.begin(), values.end());
    std::string out;
    for (const std::uint64_t value : values)
        out += peak == 0 ? bars[0] : bars[std::min<std::uint64_t>(7, value * 7 / peak)];
    return out;
}

// The report's query, or its errors and fatals, or those of one service.
Result<QueryFilter> compileFocus(const ReportOptions &options, bool errorsOnly, const std::string *service = nullptr)
{
    auto query = QueryParser::parse(options.query);
    if (!query)
        return query.error();
    std::vector<QueryNode> parts{std::move(query.value())};
    if (errorsOnly)
        parts.push_back(QueryNode::anyOf({QueryNode::phrase("level", "error"), QueryNode::phrase("level", "fatal")}));
    if (service)
        parts.push_back(QueryNode::phrase("service", *service));
    return QueryFilter::compile(QueryNode::allOf(std::move(parts)), QueryTime(options.nowNs));
}

// The first (or last) event a filter matches, to cite.
Result<std::optional<EventRow>> oneEvent(EventStore &store, const QueryFilter &filter, Direction direction)
{
    auto events = store.events(filter, std::nullopt, 1, direction);
    if (!events)
        return events.error();
    return events->empty() ? std::optional<EventRow>() : std::optional(std::move(events->front()));
}

} // namespace

Result<IncidentReport> IncidentReport::build(EventStore &store, const ReportOptions &options,
                                             const std::atomic<bool> *cancelled)
{
    IncidentReport report;
    report.options = options;
    auto stats = store.stats();
    if (!stats)
        return stats.error();
    report.stats = std::move(stats.value());
    auto focus = compileFocus(options, false);
    auto errors = compileFocus(options, true);
    if (!focus)
        return focus.error();
    if (!errors)
        return errors.error();
    auto events = store.count(focus.value());
    auto errorCount = store.count(errors.value());
    auto window = store.timeExtent(focus.value());
    if (!events || !errorCount || !window)
        return !events ? events.error() : !errorCount ? errorCount.error() : window.error();
    report.events = events.value();
    report.errors = errorCount.value();
    report.window = window.value();

    HistogramOptions buckets;
    buckets.targetBuckets = 48; // a sparkline a line long, a bucket table a screen long
    auto histogram = Histogram::compute(store, focus.value(), buckets);
    if (!histogram)
        return histogram.error();
    report.histogram = std::move(histogram.value());

    auto groups = ErrorGroups::compute(store, focus.value(), std::nullopt, cancelled);
    if (!groups)
        return groups.error();
    for (std::size_t i = 0; i < groups->size() && i < options.groups; ++i) {
        ReportGroup group{std::move((*groups)[i]), {}};
        if (auto raw = store.rawText(group.group.sample))
            group.sampleRaw = std::move(raw.value());
        report.groups.push_back(std::move(group));
    }
    auto services = ErrorGroups::byService(store, focus.value(), 0, cancelled);
    if (!services)
        return services.error();
    report.services = std::move(services.value());
    for (const ServiceErrors &service : report.services.services) {
        if (service.errors == 0)
            continue;
        auto serviceErrors = compileFocus(options, true, &service.name);
        if (!serviceErrors)
            return serviceErrors.error();
        auto first = oneEvent(store, serviceErrors.value(), Direction::Ascending);
        if (!first)
            return first.error();
        if (first.value())
            report.firstErrorOf.emplace(service.name, std::move(*first.value()));
    }
    auto last = oneEvent(store, errors.value(), Direction::Descending);
    if (!last)
        return last.error();
    report.lastError = std::move(last.value());

    auto requests = Requests::list(store, focus.value(), RequestOrder::Duration, cancelled);
    if (!requests)
        return requests.error();
    report.requests = requests->size();
    for (RequestSummary &request : requests.value())
        if (request.firstFailure)
            report.failedRequests.push_back(std::move(request));
    for (std::size_t i = 0; i < report.failedRequests.size() && i < options.keyRequests; ++i) {
        auto detail = Requests::detail(store, report.failedRequests[i].id, cancelled);
        if (!detail)
            return detail.error();
        if (detail.value())
            report.keyRequests.push_back(std::move(**detail));
    }
    auto ranks = Requests::firstFailures(store, focus.value(), cancelled);
    if (!ranks)
        return ranks.error();
    report.firstFailures = std::move(ranks.value());
    return report;
}

namespace {

void heading(std::string &out, const char *name)
{
    out += "\n## ";
    out += name;
    out += "\n\n";
}

void authorSection(std::string &out, const char *name, const std::string &text, const char *prompt)
{
    heading(out, name);
    out += text.empty() ? std::string("_") + prompt + "_\n" : text + "\n";
}

void provenance(std::string &out, const IncidentReport &report)
{
    heading(out, "Provenance");
    out += "Every claim below cites its event as `source:line`; the sources' SHA-256 digests (of their "
           "decompressed bytes) let anyone check the evidence later.\n\n";
    out += "| Source | Format | Status | Lines | Events | Unparsed | SHA-256 |\n| --- | --- | --- | ---: | ---: | ---: "
           "| --- |\n";
    for (const SourceRow &source : report.stats.sources)
        out += "| " + markdown::tableCell(source.name) + " | " + markdown::tableCell(source.format) + " | "
            + std::string(sourceStatusName(source.status)) + " | " + std::to_string(source.counts.lines) + " | "
            + std::to_string(source.counts.events) + " | " + std::to_string(source.counts.unparsed) + " | "
            + (source.sha256.empty() ? std::string("–") : markdown::codeSpan(source.sha256)) + " |\n";
    out += "\nStore: " + markdown::codeSpan(report.options.storeName) + ". Clock-skew corrections applied: none.\n";
}

void summary(std::string &out, const IncidentReport &report)
{
    heading(out, "Summary");
    std::size_t failing = 0;
    for (const ServiceErrors &service : report.services.services)
        failing += service.errors > 0 ? 1 : 0;
    out += "- Events: " + std::to_string(report.events)
        + ", of which errors and fatals: " + std::to_string(report.errors) + "\n";
    out += "- Services affected: " + std::to_string(failing) + " of " + std::to_string(report.services.services.size())
        + "\n";
    out += "- Requests affected: " + std::to_string(report.failedRequests.size()) + " failed of "
        + std::to_string(report.requests) + "\n";
    if (report.window)
        out += "- Time range studied: " + millisecondTime(report.window->first) + " to "
            + millisecondTime(report.window->second) + " (UTC)\n";
    out += "- Query: "
        + (report.options.query.empty() ? std::string("the whole store") : markdown::codeSpan(report.options.query))
        + "\n";
}

void timeline(std::string &out, const IncidentReport &report, Redactor &redact)
{
    struct Row {
        std::int64_t ns;
        std::string what;
        std::string event;
    };
    std::vector<Row> rows;
    for (const ReportGroup &group : report.groups)
        rows.push_back({group.group.firstNs,
                        "First error of group " + markdown::codeSpan(redact.apply(group.group.signature)) + " ("
                            + std::to_string(group.group.count) + " events)",
                        citation(group.group.sample)});
    for (const auto &[service, event] : report.firstErrorOf)
        rows.push_back({event.key.timeNs,
                        "First error of service " + markdown::codeSpan(service) + ": "
                            + markdown::codeSpan(redact.apply(event.message)),
                        citation(event)});
    // The three buckets with the most errors.
    std::vector<std::pair<std::uint64_t, std::size_t>> peaks;
    for (std::size_t b = 0; b < report.histogram.buckets.size(); ++b)
        if (const std::uint64_t errors = errorsIn(report.histogram.buckets[b]))
            peaks.emplace_back(errors, b);
    std::sort(peaks.begin(), peaks.end(), [](const auto &a, const auto &b) {
        return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    for (std::size_t i = 0; i < peaks.size() && i < 3; ++i)
        rows.push_back(
            {report.histogram.fromNs + static_cast<std::int64_t>(peaks[i].second) * report.histogram.bucketNs,
             "Error peak: " + std::to_string(peaks[i].first) + " errors in "
                 + std::to_string(report.histogram.bucketNs / 1'000'000) + " ms",
             "–"});
    if (report.lastError)
        rows.push_back({report.lastError->key.timeNs,
                        "Last error: " + markdown::codeSpan(redact.apply(report.lastError->message)),
                        citation(*report.lastError)});
    std::stable_sort(rows.begin(), rows.end(), [](const Row &a, const Row &b) { return a.ns < b.ns; });
    heading(out, "Timeline");
    if (rows.empty()) {
        out += "No error or fatal event matches.\n";
        return;
    }
    out += "| Time (UTC) | What | Event |\n| --- | --- | --- |\n";
    for (const Row &row : rows)
        out += "| " + millisecondTime(row.ns) + " | " + markdown::inCell(row.what) + " | " + markdown::inCell(row.event)
            + " |\n";
}

void impact(std::string &out, const IncidentReport &report, Redactor &redact)
{
    heading(out, "Impact");
    out += "| Service | Errors | First error (UTC) |\n| --- | ---: | --- |\n";
    for (const ServiceErrors &service : report.services.services)
        if (service.errors > 0)
            out += "| " + markdown::tableCell(service.name) + " | " + std::to_string(service.errors) + " | "
                + millisecondTime(*service.firstErrorNs) + " |\n";
    out += "\n| Error group | Events | First seen | Last seen | Services |\n| --- | ---: | --- | --- | --- |\n";
    for (const ReportGroup &group : report.groups) {
        std::string services;
        for (const auto &[name, count] : group.group.services)
            services += (services.empty() ? "" : ", ") + name + " " + std::to_string(count);
        out += "| " + markdown::tableCell(redact.apply(group.group.signature)) + " | "
            + std::to_string(group.group.count) + " | " + millisecondTime(group.group.firstNs) + " | "
            + millisecondTime(group.group.lastNs) + " | " + markdown::tableCell(services) + " |\n";
    }
    std::vector<std::uint64_t> errors;
    for (const LevelCounts &bucket : report.histogram.buckets)
        errors.push_back(errorsIn(bucket));
    out += "\nErrors over time, one character per " + std::to_string(report.histogram.bucketNs / 1'000'000)
        + " ms bucket: " + markdown::codeSpan(sparkline(errors)) + "\n\n";
    out += "| Bucket start (UTC) | Events | Errors |\n| --- | ---: | ---: |\n";
    for (std::size_t b = 0; b < report.histogram.buckets.size(); ++b)
        out += "| "
            + millisecondTime(report.histogram.fromNs + static_cast<std::int64_t>(b) * report.histogram.bucketNs)
            + " | " + std::to_string(eventsIn(report.histogram.buckets[b])) + " | " + std::to_string(errors[b])
            + " |\n";
}

void whoFailedFirst(std::string &out, const IncidentReport &report, Redactor &redact)
{
    heading(out, "Who failed first");
    if (report.firstFailures.empty()) {
        out += "No request failed.\n";
        return;
    }
    out += "The service where each failing request logged its first error, most requests first.\n\n";
    out += "| Service | Requests | First | Last | Most frequent template | Sample request |\n| --- | ---: | --- | --- "
           "| --- | --- |\n";
    for (const FirstFailureRank &rank : report.firstFailures)
        out += "| " + markdown::tableCell(rank.service) + " | " + std::to_string(rank.requests) + " | "
            + millisecondTime(rank.firstNs) + " | " + millisecondTime(rank.lastNs) + " | "
            + markdown::tableCell(rank.signatures.empty() ? std::string() : redact.apply(rank.signatures.front().first))
            + " | " + markdown::tableCell(rank.sampleRequest) + " |\n";
}

void evidence(std::string &out, const IncidentReport &report, Redactor &redact)
{
    heading(out, "Evidence");
    std::size_t n = 0;
    for (const ReportGroup &group : report.groups) {
        out += "### " + std::to_string(++n) + ". " + markdown::codeSpan(redact.apply(group.group.signature)) + "\n\n";
        out += std::to_string(group.group.count) + " events from " + millisecondTime(group.group.firstNs) + " to "
            + millisecondTime(group.group.lastNs) + "; its first, " + citation(group.group.sample) + ":\n\n";
        out += markdown::codeBlock(redact.apply(group.sampleRaw), "text");
        out += "\n";
    }
    if (report.groups.empty())
        out += "No error or fatal event matches.\n";
}

void keyRequests(std::string &out, const IncidentReport &report, Redactor &redact)
{
    heading(out, "Key requests");
    if (report.keyRequests.empty()) {
        out += "No request failed.\n";
        return;
    }
    std::size_t task = 0; // task ids are unique in the document: older renderers share them across charts
    for (const RequestDetail &detail : report.keyRequests) {
        const RequestSummary &summary = detail.summary;
        out += "### " + markdown::codeSpan(summary.id) + "\n\n";
        out += std::to_string(summary.events) + " events over " + std::to_string(summary.durationNs() / 1'000'000)
            + " ms across " + std::to_string(summary.services.size()) + " services";
        if (summary.firstFailure)
            out += "; first failure in " + markdown::codeSpan(summary.firstFailure->service) + " at "
                + millisecondTime(summary.firstFailure->key.timeNs) + ", "
                + citation(summary.firstFailure->sourceName, summary.firstFailure->key.line) + ": "
                + markdown::codeSpan(redact.apply(summary.firstFailure->message));
        out += ".\n\n```mermaid\ngantt\n    title " + markdown::mermaidLabel("Request " + summary.id + " (UTC)")
            + "\n    dateFormat x\n    axisFormat %H:%M:%S.%L\n    todayMarker off\n";
        for (const RequestLane &lane : detail.lanes) {
            out += "    section "
                + markdown::mermaidLabel(lane.service.empty() ? std::string("(no service)") : lane.service) + "\n";
            auto event = lane.events.begin();
            for (const LaneSegment &segment : lane.segments) {
                // Named by its first event; `crit` (red) when one of its events is an error.
                std::string name;
                bool failed = false;
                std::size_t events = 0;
                for (; event != lane.events.end() && event->key.timeNs <= segment.endNs; ++event, ++events) {
                    if (name.empty())
                        name = redact.apply(event->message);
                    failed = failed || event->level == Level::Error || event->level == Level::Fatal;
                }
                if (events > 1)
                    name += " (+" + std::to_string(events - 1) + ")";
                // A zero-length segment is a moment: at least a millisecond, or Mermaid draws nothing.
                const std::int64_t startMs = segment.startNs / 1'000'000;
                const std::int64_t endMs = std::max(startMs + 1, segment.endNs / 1'000'000);
                out += "    " + markdown::mermaidLabel(name) + " :" + (failed ? "crit, " : "") + "t"
                    + std::to_string(++task) + ", " + std::to_string(startMs) + ", " + std::to_string(endMs) + "\n";
            }
        }
        out += "```\n\n";
        out += "| Service | From | To | Events |\n| --- | --- | --- | ---: |\n";
        for (const RequestLane &lane : detail.lanes)
            out += "| " + markdown::tableCell(lane.service) + " | " + millisecondTime(lane.startNs) + " | "
                + millisecondTime(lane.endNs) + " | " + std::to_string(lane.events.size()) + " |\n";
        out += "\n";
    }
}

void reproduce(std::string &out, const IncidentReport &report)
{
    heading(out, "Reproduce");
    const std::string store = report.options.storeName;
    const std::string query = report.options.query;
    std::string text = "# now = " + format::rfc3339(report.options.nowNs) + " (the anchor of relative dates)\n";
    std::string window;
    if (report.window)
        window = " --from " + format::rfc3339(report.window->first) + " --to "
            + format::rfc3339(report.window->second + 1);
    const std::string quoted = "'" + query + "'";
    text += "timberline query --store " + store + " --count" + (query.empty() ? std::string(" '*'") : " " + quoted)
        + "\n";
    text += "timberline histogram --store " + store + window + (query.empty() ? std::string() : " " + quoted) + "\n";
    text += "timberline errors --store " + store + (query.empty() ? std::string() : " " + quoted) + "\n";
    text += "timberline first-failures --store " + store + (query.empty() ? std::string() : " " + quoted) + "\n";
    for (const RequestDetail &detail : report.keyRequests)
        text += "timberline trace --store " + store + " '" + detail.summary.id + "'\n";
    out += markdown::codeBlock(text, "sh");
}

void evidenceGaps(std::string &out, const IncidentReport &report)
{
    heading(out, "Evidence gaps");
    std::vector<std::string> gaps;
    for (const SourceRow &source : report.stats.sources) {
        if (source.status != SourceStatus::Complete)
            gaps.push_back(markdown::codeSpan(source.name) + " is " + std::string(sourceStatusName(source.status))
                           + (source.error.empty() ? std::string() : ": " + markdown::codeSpan(source.error)));
        if (source.counts.unparsed > 0)
            gaps.push_back(markdown::codeSpan(source.name) + " has " + std::to_string(source.counts.unparsed)
                           + " unparsed events (kept as text, without time or level)");
    }
    for (const ServiceErrors &service : report.services.services) {
        std::uint64_t events = 0;
        for (const std::uint64_t count : service.eventCounts)
            events += count;
        if (events == 0)
            gaps.push_back("service " + markdown::codeSpan(service.name) + " has no event in the window");
    }
    if (gaps.empty()) {
        out += "None found: every source is complete and parsed.\n";
        return;
    }
    for (const std::string &gap : gaps)
        out += "- " + gap + "\n";
}

} // namespace

// What was redacted, per rule, and which rules the author turned off.
void redactionLedger(std::string &out, const IncidentReport &report, const Redactor &redact)
{
    heading(out, "Redaction");
    out += "Log text was redacted: the same value has the same placeholder throughout. Digests, event identities and "
           "request, trace and span IDs are never redacted.\n\n| Rule | Replaced | Distinct values |\n| --- | ---: | "
           "---: |\n";
    for (const std::string &rule : Redactor::rules()) {
        auto count = redact.ledger().find(rule);
        const bool off = report.options.redactionOff.count(rule) > 0;
        out += "| " + rule + " | "
            + (off ? std::string("off")
                   : std::to_string(count == redact.ledger().end() ? 0 : count->second.occurrences))
            + " | " + (off || count == redact.ledger().end() ? std::string("–") : std::to_string(count->second.values))
            + " |\n";
    }
}

std::string renderMarkdown(const IncidentReport &report)
{
    Redactor redact(report.options.redactionOff);
    std::string out = "# " + markdown::prose(report.options.title) + "\n\n";
    if (report.window)
        out += "Incident window: " + millisecondTime(report.window->first) + " to "
            + millisecondTime(report.window->second) + " (UTC)  \n";
    if (!report.options.author.empty())
        out += "Author: " + markdown::prose(report.options.author) + "  \n";
    out += "Generated by Timberline " + report.options.version
        + " from its store; every figure can be reproduced "
          "with the commands under Reproduce.\n";
    provenance(out, report);
    summary(out, report);
    timeline(out, report, redact);
    impact(out, report, redact);
    whoFailedFirst(out, report, redact);
    evidence(out, report, redact);
    keyRequests(out, report, redact);
    reproduce(out, report);
    evidenceGaps(out, report);
    authorSection(out, "Root cause", report.options.rootCause, "To be written: what failed, and why.");
    authorSection(out, "Solution", report.options.solution, "To be written: what stopped the incident.");
    authorSection(out, "Prevention", report.options.prevention,
                  "To be written: what will keep it from happening again.");
    redactionLedger(out, report, redact);
    return out;
}

} // namespace core
