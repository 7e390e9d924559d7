// SPDX-License-Identifier: MIT
#pragma once

#include <core/base/result.h>
#include <core/model/event.h>
#include <core/store/eventstore.h>

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace core {

class QueryFilter;

// The earliest error or fatal event of a request, across its services.
struct RequestFailure {
    std::string service;
    std::string message;
    std::string signature; ///< ErrorSignature::of its type and message: the template it failed with
    EventKey key; ///< its identity (and time)
    std::string sourceName;
};

// One request: the events that carry its request ID (under any spelling the import recognises), and
// the events of every trace ID seen on those events (a retry or a queue hop starts a new trace, so a
// request can hold several). A trace without any request ID is a request of its own, named by it.
struct RequestSummary {
    std::string id;
    std::vector<std::string> traceIds; ///< in order of first appearance
    std::int64_t startNs = 0;
    std::int64_t endNs = 0;
    std::vector<std::string> services; ///< in order of first appearance ("" for events without one)
    std::uint64_t events = 0;
    std::uint64_t errors = 0; ///< error and fatal events
    EventKey entry; ///< the first event
    std::optional<RequestFailure> firstFailure;

    std::int64_t durationNs() const { return endNs - startNs; }
};

enum class RequestOrder { Start, Duration, Errors, Services, FirstFailure };

// Per first-failing service, over every failing request: how many requests failed there first, when,
// with which templates, and one request to look at.
struct FirstFailureRank {
    std::string service;
    std::uint64_t requests = 0;
    std::int64_t firstNs = 0;
    std::int64_t lastNs = 0;
    std::string sampleRequest; ///< the earliest such request
    std::vector<std::pair<std::string, std::uint64_t>> signatures; ///< most requests first
};

// A stretch of one service's activity in a request, between idle gaps.
struct LaneSegment {
    std::int64_t startNs = 0;
    std::int64_t endNs = 0;
    bool explicitExtent = false; ///< a span or a duration field says how long it took; else inferred from log times
};

struct RequestLane {
    std::string service;
    std::int64_t startNs = 0;
    std::int64_t endNs = 0;
    std::vector<LaneSegment> segments;
    std::vector<EventRow> events; ///< in the one order
};

// A span of the request with the spans it caused, and the log events that name it.
struct SpanNode {
    EventRow span;
    bool orphan = false; ///< its parent span is not in the store
    std::vector<SpanNode> children; ///< by start time
    std::vector<EventRow> events; ///< log events carrying its span ID
};

struct RequestDetail {
    RequestSummary summary;
    std::vector<RequestLane> lanes; ///< one per service, in order of first appearance
    std::vector<SpanNode> spans; ///< the roots of the span tree (orphans included), by start time
};

// Requests over the store interface; synchronous, stopping (Cancelled) when `*cancelled`.
class Requests
{
public:
    // Every request one of whose events matches `filter`, aggregated over all its events, sorted by
    // `order` (start: earliest first; the others: largest first, then by start).
    static Result<std::vector<RequestSummary>> list(EventStore &store, const QueryFilter &filter, RequestOrder order,
                                                    const std::atomic<bool> *cancelled = nullptr);
    // Over the failing requests of list(): the first-failing services, most requests first.
    static Result<std::vector<FirstFailureRank>> firstFailures(EventStore &store, const QueryFilter &filter,
                                                               const std::atomic<bool> *cancelled = nullptr);
    // The request named by `id` (a request ID, or any trace ID of it): its lanes and span tree;
    // nullopt when no event carries it.
    static Result<std::optional<RequestDetail>> detail(EventStore &store, const std::string &id,
                                                       const std::atomic<bool> *cancelled = nullptr);

    // An idle gap longer than this share of the request's duration (and at least MinimumGapNs) splits
    // a lane into segments.
    static constexpr double GapShare = 0.1;
    static constexpr std::int64_t MinimumGapNs = 1'000'000;
};

} // namespace core
