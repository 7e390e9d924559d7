// SPDX-License-Identifier: MIT
#pragma once

#include <core/analysis/errorgroups.h>
#include <core/analysis/requests.h>
#include <core/base/result.h>
#include <core/model/event.h>
#include <core/store/eventstore.h>
#include <core/store/storetypes.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace core {

struct ReportOptions {
    std::string title = "Incident report";
    std::string author;
    std::string query; ///< the report's focus; empty: the whole store
    std::int64_t nowNs = 0; ///< what `now` meant for the query's dates
    std::string storeName; ///< how the Reproduce commands name the store
    std::string version; ///< Timberline's, for the generated-by line
    std::string rootCause;
    std::string solution;
    std::string prevention;
    std::size_t groups = 5; ///< error groups with evidence
    std::size_t keyRequests = 3; ///< the slowest failed requests drawn
    std::set<std::string> redactionOff; ///< Redactor::rules() not to apply
};

// An error group with the raw lines of its first event.
struct ReportGroup {
    ErrorGroup group;
    std::string sampleRaw;
};

// Everything a report says, read from the store; rendered by renderMarkdown.
struct IncidentReport {
    ReportOptions options;
    StoreStats stats;
    std::uint64_t events = 0; ///< matching the query
    std::uint64_t errors = 0; ///< of them, error and fatal
    std::optional<std::pair<std::int64_t, std::int64_t>> window; ///< the matching events' first and last time
    LevelHistogram histogram;
    std::vector<ReportGroup> groups; ///< the largest first
    ServiceTimelines services;
    std::map<std::string, EventRow> firstErrorOf; ///< per service with errors: its first error or fatal event
    std::optional<EventRow> lastError;
    std::uint64_t requests = 0;
    std::vector<RequestSummary> failedRequests; ///< slowest first
    std::vector<FirstFailureRank> firstFailures;
    std::vector<RequestDetail> keyRequests;

    static Result<IncidentReport> build(EventStore &store, const ReportOptions &options,
                                        const std::atomic<bool> *cancelled = nullptr);
};

// The report as GitHub-flavoured Markdown with Mermaid charts; every claim cites its event
// (`source:line`), and nothing read from a log can change the document's structure.
std::string renderMarkdown(const IncidentReport &report);

} // namespace core
