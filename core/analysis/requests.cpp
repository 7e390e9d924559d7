// SPDX-License-Identifier: MIT
#include "requests.h"

#include <core/model/errorsignature.h>
#include <core/query/queryast.h>
#include <core/query/queryfilter.h>
#include <core/query/querytime.h>

#include <algorithm>
#include <map>
#include <numeric>
#include <unordered_map>

namespace core {

namespace {

constexpr std::size_t PageEvents = 8192;

bool isError(Level level)
{
    return level == Level::Error || level == Level::Fatal;
}

bool stopped(const std::atomic<bool> *cancelled)
{
    return cancelled && cancelled->load(std::memory_order_relaxed);
}

// Every event of the store, or of a filter, page by page in the one order.
template<typename Visit>
Result<void> forEachEvent(EventStore &store, const QueryFilter *filter, const std::atomic<bool> *cancelled, Visit visit)
{
    std::optional<EventKey> after;
    while (true) {
        if (stopped(cancelled))
            return cancelledError();
        auto page = filter ? store.events(*filter, after, PageEvents) : store.events(after, PageEvents);
        if (!page)
            return page.error();
        for (const EventRow &event : page.value())
            visit(event);
        if (page->size() < PageEvents)
            return {};
        after = page->back().key;
    }
}

// An event's first failure, kept compact: a store holds up to one per request ID.
struct FirstError {
    EventKey key;
    std::uint32_t service = 0;
    std::string message;
};

// The events of one request ID or trace ID, whatever request they end up in: aggregated as they
// come, merged into their request once every ID has been joined to the others it appears with.
struct IdAggregate {
    std::int64_t startNs = 0;
    std::int64_t endNs = 0;
    std::uint64_t events = 0;
    std::uint64_t errors = 0;
    EventKey entry;
    std::uint32_t firstError = UINT32_MAX; ///< index into RequestIndex's first errors
    std::vector<std::pair<EventKey, std::uint32_t>> services; ///< first event of each service (index into names)
};

class RequestIndex
{
public:
    static constexpr std::uint32_t NoRequest = UINT32_MAX;

    // The request ID of an event, else its trace ID, joined to its trace ID when it has both.
    void add(const EventRow &event)
    {
        const bool hasRequest = !event.requestId.empty();
        const bool hasTrace = !event.traceId.empty();
        if (!hasRequest && !hasTrace)
            return;
        const std::uint32_t own = hasRequest ? idOf(event.requestId, true) : idOf(event.traceId, false);
        if (hasRequest && hasTrace)
            join(own, idOf(event.traceId, false));
        IdAggregate &aggregate = m_aggregates[own];
        if (aggregate.events == 0) {
            aggregate.startNs = event.key.timeNs;
            aggregate.entry = event.key;
        }
        aggregate.endNs = std::max(aggregate.endNs, event.key.timeNs + std::max<std::int64_t>(event.durationNs, 0));
        ++aggregate.events;
        const std::uint32_t service = serviceOf(event.service);
        if (std::none_of(aggregate.services.begin(), aggregate.services.end(),
                         [&](const auto &s) { return s.second == service; }))
            aggregate.services.emplace_back(event.key, service);
        if (isError(event.level)) {
            ++aggregate.errors;
            if (aggregate.firstError == UINT32_MAX) {
                aggregate.firstError = static_cast<std::uint32_t>(m_firstErrors.size());
                m_firstErrors.push_back(FirstError{event.key, service, event.message});
            }
        }
        const auto source = static_cast<std::size_t>(std::max<std::int64_t>(event.key.sourceId, 0));
        if (m_sourceNames.size() <= source)
            m_sourceNames.resize(source + 1);
        if (m_sourceNames[source].empty())
            m_sourceNames[source] = event.sourceName;
    }

    // The request an event belongs to (an index into summaries()); NoRequest when it carries no ID.
    std::uint32_t requestOf(const EventRow &event)
    {
        const bool request = !event.requestId.empty();
        auto found = m_ids.find(keyOf(request ? event.requestId : event.traceId, request));
        return found == m_ids.end() ? NoRequest : m_requestOfRoot[find(found->second)];
    }

    // One summary per request, in no particular order; requestOf() names them after this.
    std::vector<RequestSummary> summaries()
    {
        const auto count = static_cast<std::uint32_t>(m_names.size());
        std::vector<std::vector<std::uint32_t>> members(count);
        for (std::uint32_t id = 0; id < count; ++id)
            members[find(id)].push_back(id);
        m_requestOfRoot.assign(count, NoRequest);
        std::vector<RequestSummary> out;
        for (std::uint32_t root = 0; root < count; ++root) {
            if (members[root].empty())
                continue;
            RequestSummary summary;
            std::vector<std::pair<EventKey, std::uint32_t>> services;
            std::vector<std::pair<EventKey, std::uint32_t>> traces;
            const FirstError *firstError = nullptr;
            bool any = false;
            std::uint32_t firstRequestId = UINT32_MAX;
            for (const std::uint32_t id : members[root]) {
                const IdAggregate &aggregate = m_aggregates[id];
                const EventKey entry = aggregate.events ? aggregate.entry : EventKey{INT64_MAX, 0, 0, 0};
                if (!isRequest(id))
                    traces.emplace_back(entry, id);
                else if (aggregate.events
                         && (firstRequestId == UINT32_MAX || entry < m_aggregates[firstRequestId].entry))
                    firstRequestId = id;
                if (aggregate.events == 0)
                    continue;
                if (!any || aggregate.entry < summary.entry) {
                    summary.entry = aggregate.entry;
                    summary.startNs = aggregate.startNs;
                }
                summary.endNs = any ? std::max(summary.endNs, aggregate.endNs) : aggregate.endNs;
                any = true;
                summary.events += aggregate.events;
                summary.errors += aggregate.errors;
                services.insert(services.end(), aggregate.services.begin(), aggregate.services.end());
                if (aggregate.firstError != UINT32_MAX
                    && (!firstError || m_firstErrors[aggregate.firstError].key < firstError->key))
                    firstError = &m_firstErrors[aggregate.firstError];
            }
            if (!any)
                continue;
            // Named by its earliest request ID, else by its earliest trace.
            std::sort(traces.begin(), traces.end());
            summary.id = nameOf(firstRequestId != UINT32_MAX ? firstRequestId : traces.front().second);
            for (const auto &[key, id] : traces)
                summary.traceIds.push_back(nameOf(id));
            std::sort(services.begin(), services.end());
            for (const auto &[key, service] : services)
                if (std::find(summary.services.begin(), summary.services.end(), m_services[service])
                    == summary.services.end())
                    summary.services.push_back(m_services[service]);
            if (firstError)
                summary.firstFailure
                    = RequestFailure{m_services[firstError->service],
                                     firstError->message,
                                     {},
                                     firstError->key,
                                     m_sourceNames[static_cast<std::size_t>(firstError->key.sourceId)]};
            m_requestOfRoot[root] = static_cast<std::uint32_t>(out.size());
            out.push_back(std::move(summary));
        }
        return out;
    }

private:
    // A request ID and a trace ID of the same text are different IDs: the first byte says which.
    static std::string keyOf(const std::string &id, bool request) { return (request ? 'r' : 't') + id; }
    bool isRequest(std::uint32_t id) const { return m_names[id]->front() == 'r'; }
    std::string nameOf(std::uint32_t id) const { return m_names[id]->substr(1); }

    std::uint32_t idOf(const std::string &id, bool request)
    {
        auto [at, added] = m_ids.try_emplace(keyOf(id, request), static_cast<std::uint32_t>(m_names.size()));
        if (added) {
            m_names.push_back(&at->first); // node-based: the key stays where it is
            m_parent.push_back(at->second);
            m_aggregates.emplace_back();
        }
        return at->second;
    }

    std::uint32_t serviceOf(const std::string &name)
    {
        auto [at, added] = m_serviceIds.try_emplace(name, static_cast<std::uint32_t>(m_services.size()));
        if (added)
            m_services.push_back(name);
        return at->second;
    }

    std::uint32_t find(std::uint32_t id)
    {
        while (m_parent[id] != id) {
            m_parent[id] = m_parent[m_parent[id]];
            id = m_parent[id];
        }
        return id;
    }

    void join(std::uint32_t a, std::uint32_t b)
    {
        a = find(a);
        b = find(b);
        if (a != b)
            m_parent[std::max(a, b)] = std::min(a, b);
    }

    std::unordered_map<std::string, std::uint32_t> m_ids;
    std::vector<const std::string *> m_names; ///< the keys of m_ids
    std::vector<std::uint32_t> m_parent;
    std::vector<IdAggregate> m_aggregates;
    std::vector<FirstError> m_firstErrors;
    std::unordered_map<std::string, std::uint32_t> m_serviceIds;
    std::vector<std::string> m_services;
    std::vector<std::string> m_sourceNames; ///< by source id
    std::vector<std::uint32_t> m_requestOfRoot;
};

struct EventKeyHash {
    std::size_t operator()(const EventKey &key) const
    {
        return std::hash<std::int64_t>{}(key.timeNs) ^ (std::hash<std::int64_t>{}(key.sourceId) << 1)
            ^ (static_cast<std::size_t>(key.line) << 20) ^ key.index;
    }
};

// The templates the first failures failed with: each event's error type (the first type path it
// holds, read from the store's terms as the error groups read them) with its masked message.
// `scope` holds every event of the requests: the store reads only its errors.
Result<void> addSignatures(EventStore &store, const QueryFilter &scope, std::vector<RequestSummary> &requests,
                           const std::atomic<bool> *cancelled)
{
    std::unordered_map<EventKey, RequestFailure *, EventKeyHash> failures;
    for (RequestSummary &request : requests)
        if (request.firstFailure)
            failures.emplace(request.firstFailure->key, &*request.firstFailure);
    if (failures.empty())
        return {};
    ErrorEventsRequest oneByOne;
    oneByOne.typePaths = ErrorSignature::typePaths();
    oneByOne.storedSignatures = false;
    auto errors = store.errorEvents(scope, oneByOne, cancelled);
    if (!errors)
        return errors.error();
    for (const ErrorEvent &event : errors->events)
        if (auto failure = failures.find(event.key); failure != failures.end())
            failure->second->signature = ErrorSignature::of(event.errorType, failure->second->message);
    for (auto &[key, failure] : failures)
        if (failure->signature.empty())
            failure->signature = ErrorSignature::of({}, failure->message);
    return {};
}

bool isMatchAll(const QueryFilter &filter)
{
    return filter.root().kind == QueryFilter::Node::Kind::All;
}

void sortRequests(std::vector<RequestSummary> &requests, RequestOrder order)
{
    const auto byStart = [](const RequestSummary &a, const RequestSummary &b) {
        return a.entry != b.entry ? a.entry < b.entry : a.id < b.id;
    };
    const auto largestFirst = [&](auto measure) {
        std::stable_sort(requests.begin(), requests.end(), [&](const RequestSummary &a, const RequestSummary &b) {
            const auto ma = measure(a);
            const auto mb = measure(b);
            return ma != mb ? ma > mb : byStart(a, b);
        });
    };
    switch (order) {
    case RequestOrder::Start:
        std::sort(requests.begin(), requests.end(), byStart);
        break;
    case RequestOrder::Duration:
        largestFirst([](const RequestSummary &r) { return r.durationNs(); });
        break;
    case RequestOrder::Errors:
        largestFirst([](const RequestSummary &r) { return r.errors; });
        break;
    case RequestOrder::Services:
        largestFirst([](const RequestSummary &r) { return r.services.size(); });
        break;
    case RequestOrder::FirstFailure:
        // Failing requests first, by the service that failed first, then the earliest failure.
        std::sort(requests.begin(), requests.end(), [&](const RequestSummary &a, const RequestSummary &b) {
            if (a.firstFailure.has_value() != b.firstFailure.has_value())
                return a.firstFailure.has_value();
            if (a.firstFailure && a.firstFailure->service != b.firstFailure->service)
                return a.firstFailure->service < b.firstFailure->service;
            if (a.firstFailure && a.firstFailure->key != b.firstFailure->key)
                return a.firstFailure->key < b.firstFailure->key;
            return byStart(a, b);
        });
        break;
    }
}

// A request's lanes: one per service, split into segments at idle gaps.
std::vector<RequestLane> lanesOf(const RequestSummary &summary, std::vector<EventRow> events)
{
    std::vector<RequestLane> lanes;
    for (const std::string &service : summary.services)
        lanes.push_back(RequestLane{service, 0, 0, {}, {}});
    for (EventRow &event : events) {
        auto lane = std::find_if(lanes.begin(), lanes.end(),
                                 [&](const RequestLane &l) { return l.service == event.service; });
        if (lane != lanes.end())
            lane->events.push_back(std::move(event));
    }
    const std::int64_t gap
        = std::max(Requests::MinimumGapNs,
                   static_cast<std::int64_t>(static_cast<double>(summary.durationNs()) * Requests::GapShare));
    for (RequestLane &lane : lanes) {
        for (const EventRow &event : lane.events) {
            const std::int64_t start = event.key.timeNs;
            const bool explicitExtent = event.durationNs >= 0;
            const std::int64_t end = start + std::max<std::int64_t>(event.durationNs, 0);
            if (lane.segments.empty() || start - lane.segments.back().endNs > gap)
                lane.segments.push_back(LaneSegment{start, end, explicitExtent});
            else {
                lane.segments.back().endNs = std::max(lane.segments.back().endNs, end);
                lane.segments.back().explicitExtent = lane.segments.back().explicitExtent || explicitExtent;
            }
        }
        if (!lane.segments.empty()) {
            lane.startNs = lane.segments.front().startNs;
            lane.endNs = std::max_element(lane.segments.begin(), lane.segments.end(), [](const auto &a, const auto &b) {
                             return a.endNs < b.endNs;
                         })->endNs;
        }
    }
    return lanes;
}

// The span tree of a request's events: spans under their parents, orphans as roots, each log event
// under the span it names.
std::vector<SpanNode> spanTreeOf(const std::vector<EventRow> &events)
{
    std::vector<SpanNode> nodes;
    std::unordered_map<std::string, std::size_t> bySpanId;
    for (const EventRow &event : events)
        if ((event.flags & RecordSpan) && !event.spanId.empty()
            && bySpanId.try_emplace(event.spanId, nodes.size()).second)
            nodes.push_back(SpanNode{event, false, {}, {}});
    if (nodes.empty())
        return {};
    for (const EventRow &event : events)
        if (!(event.flags & RecordSpan) && !event.spanId.empty())
            if (auto span = bySpanId.find(event.spanId); span != bySpanId.end())
                nodes[span->second].events.push_back(event);
    std::vector<std::vector<std::size_t>> children(nodes.size());
    std::vector<std::size_t> roots;
    for (std::size_t i = 0; i < nodes.size(); ++i) {
        const std::string &parent = nodes[i].span.parentSpanId;
        auto found = parent.empty() ? bySpanId.end() : bySpanId.find(parent);
        if (found == bySpanId.end() || found->second == i) {
            nodes[i].orphan = !parent.empty();
            roots.push_back(i);
        } else {
            children[found->second].push_back(i);
        }
    }
    // A cycle of parents (damaged input) has no root: its spans become roots, so none is lost.
    std::vector<bool> reached(nodes.size(), false);
    const auto build = [&](auto &&self, std::size_t i) -> SpanNode {
        reached[i] = true;
        SpanNode node = nodes[i];
        for (const std::size_t child : children[i])
            if (!reached[child])
                node.children.push_back(self(self, child));
        return node;
    };
    std::vector<SpanNode> tree;
    for (const std::size_t root : roots)
        tree.push_back(build(build, root));
    for (std::size_t i = 0; i < nodes.size(); ++i)
        if (!reached[i]) {
            nodes[i].orphan = true;
            tree.push_back(build(build, i));
        }
    const auto byStart = [](const SpanNode &a, const SpanNode &b) { return a.span.key < b.span.key; };
    const auto sortTree = [&](auto &&self, std::vector<SpanNode> &level) -> void {
        std::sort(level.begin(), level.end(), byStart);
        for (SpanNode &node : level)
            self(self, node.children);
    };
    sortTree(sortTree, tree);
    return tree;
}

} // namespace

Result<std::vector<RequestSummary>> Requests::list(EventStore &store, const QueryFilter &filter, RequestOrder order,
                                                   const std::atomic<bool> *cancelled)
{
    RequestIndex index;
    if (auto read = forEachEvent(store, nullptr, cancelled, [&](const EventRow &event) { index.add(event); }); !read)
        return read.error();
    std::vector<RequestSummary> requests = index.summaries();
    if (!isMatchAll(filter)) {
        std::vector<bool> listed(requests.size(), false);
        auto read = forEachEvent(store, &filter, cancelled, [&](const EventRow &event) {
            if (const std::uint32_t request = index.requestOf(event); request != RequestIndex::NoRequest)
                listed[request] = true;
        });
        if (!read)
            return read.error();
        std::size_t kept = 0;
        for (std::size_t i = 0; i < requests.size(); ++i) {
            if (!listed[i])
                continue;
            if (kept != i)
                requests[kept] = std::move(requests[i]);
            ++kept;
        }
        requests.resize(kept);
    }
    // Every event of a listed request, matching or not, may be its first failure: the whole store.
    auto all = QueryFilter::fromText("", QueryTime(0));
    if (!all)
        return all.error();
    if (auto signatures = addSignatures(store, all.value(), requests, cancelled); !signatures)
        return signatures.error();
    sortRequests(requests, order);
    return requests;
}

Result<std::vector<FirstFailureRank>> Requests::firstFailures(EventStore &store, const QueryFilter &filter,
                                                              const std::atomic<bool> *cancelled)
{
    auto requests = list(store, filter, RequestOrder::Start, cancelled);
    if (!requests)
        return requests.error();
    std::map<std::string, FirstFailureRank> byService;
    std::map<std::string, std::map<std::string, std::uint64_t>> signatures;
    for (const RequestSummary &request : requests.value()) {
        if (!request.firstFailure)
            continue;
        const RequestFailure &failure = *request.firstFailure;
        auto [at, added] = byService.try_emplace(failure.service);
        FirstFailureRank &rank = at->second;
        if (added) {
            rank.service = failure.service;
            rank.firstNs = failure.key.timeNs;
            rank.lastNs = failure.key.timeNs;
            rank.sampleRequest = request.id; // the list is in start order: the earliest request
        }
        ++rank.requests;
        rank.firstNs = std::min(rank.firstNs, failure.key.timeNs);
        rank.lastNs = std::max(rank.lastNs, failure.key.timeNs);
        ++signatures[failure.service][failure.signature];
    }
    std::vector<FirstFailureRank> ranks;
    for (auto &[service, rank] : byService) {
        for (const auto &[signature, count] : signatures[service])
            rank.signatures.emplace_back(signature, count);
        std::stable_sort(rank.signatures.begin(), rank.signatures.end(),
                         [](const auto &a, const auto &b) { return a.second > b.second; });
        ranks.push_back(std::move(rank));
    }
    std::stable_sort(ranks.begin(), ranks.end(), [](const FirstFailureRank &a, const FirstFailureRank &b) {
        return a.requests != b.requests ? a.requests > b.requests : a.firstNs < b.firstNs;
    });
    return ranks;
}

Result<std::optional<RequestDetail>> Requests::detail(EventStore &store, const std::string &id,
                                                      const std::atomic<bool> *cancelled)
{
    // The request's IDs grow to a closure: its request IDs bring their traces, whose events may carry
    // further request IDs (a retry under a new request ID joined by its trace).
    std::vector<std::string> requestIds{id};
    std::vector<std::string> traceIds{id};
    std::vector<EventRow> events;
    std::optional<QueryFilter> closure; // the last round's: every event of the request
    for (int round = 0; round < 8; ++round) {
        std::vector<QueryNode> ids;
        for (const std::string &requestId : requestIds)
            ids.push_back(QueryNode::phrase("request_id", requestId));
        for (const std::string &traceId : traceIds)
            ids.push_back(QueryNode::phrase("trace_id", traceId));
        auto filter = QueryFilter::compile(QueryNode::anyOf(std::move(ids)), QueryTime(0));
        if (!filter)
            return filter.error();
        closure = std::move(filter.value());
        events.clear();
        if (auto read
            = forEachEvent(store, &*closure, cancelled, [&](const EventRow &event) { events.push_back(event); });
            !read)
            return read.error();
        bool grew = false;
        for (const EventRow &event : events) {
            const auto note = [&](std::vector<std::string> &known, const std::string &value) {
                if (!value.empty() && std::find(known.begin(), known.end(), value) == known.end()) {
                    known.push_back(value);
                    grew = true;
                }
            };
            note(requestIds, event.requestId);
            note(traceIds, event.traceId);
        }
        if (!grew)
            break;
    }
    if (events.empty())
        return std::optional<RequestDetail>();
    RequestIndex index;
    for (const EventRow &event : events)
        index.add(event);
    std::vector<RequestSummary> summaries = index.summaries();
    // The closure is one request, unless `id` named one whose IDs reach no further; pick the one holding it.
    std::vector<RequestSummary> one;
    for (RequestSummary &summary : summaries) {
        if (summaries.size() > 1 && summary.id != id
            && std::find(summary.traceIds.begin(), summary.traceIds.end(), id) == summary.traceIds.end())
            continue;
        one.push_back(std::move(summary));
        break;
    }
    if (auto signatures = addSignatures(store, *closure, one, cancelled); !signatures)
        return signatures.error();
    RequestDetail detail;
    detail.summary = std::move(one.front());
    detail.spans = spanTreeOf(events);
    detail.lanes = lanesOf(detail.summary, std::move(events));
    return std::optional(std::move(detail));
}

} // namespace core
