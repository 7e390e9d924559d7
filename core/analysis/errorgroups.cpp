// SPDX-License-Identifier: MIT
#include "errorgroups.h"

#include "histogram.h"

#include <core/model/errorsignature.h>
#include <core/query/queryfilter.h>

#include <algorithm>
#include <map>
#include <unordered_map>

namespace core {

namespace {

// A query phrase: quotes and backslashes escaped.
std::string phrase(std::string_view text)
{
    std::string out = "\"";
    for (const char c : text) {
        if (c == '"' || c == '\\')
            out.push_back('\\');
        out.push_back(c);
    }
    out.push_back('"');
    return out;
}

} // namespace

Result<std::vector<ErrorGroup>> ErrorGroups::compute(EventStore &store, const QueryFilter &filter,
                                                     const std::optional<HistogramSpec> &timeline,
                                                     const std::atomic<bool> *cancelled)
{
    return compute(store, filter, timeline, cancelled, true);
}

Result<std::vector<ErrorGroup>> ErrorGroups::compute(EventStore &store, const QueryFilter &filter,
                                                     const std::optional<HistogramSpec> &timeline,
                                                     const std::atomic<bool> *cancelled, bool storedSignatures)
{
    ErrorEventsRequest request;
    request.typePaths = ErrorSignature::typePaths();
    request.storedSignatures = storedSignatures;
    request.timeline = timeline;
    auto errors = store.errorEvents(filter, request, cancelled);
    if (!errors)
        return errors.error();
    const ErrorEvents &found = errors.value();
    std::vector<ErrorGroup> groups;
    std::unordered_map<std::string, std::size_t> index;
    std::vector<std::vector<std::uint64_t>> perService; // group → per service index
    // group → (first event holding it, path): a group lists its type paths in the order they appear.
    std::vector<std::vector<std::pair<EventKey, std::string>>> paths;
    std::vector<EventKey> sampleKeys; // per group
    const std::int64_t timelineEnd
        = timeline ? timeline->fromNs + static_cast<std::int64_t>(timeline->buckets) * timeline->bucketNs : 0;
    // The group of a signature, made on first sight of the event `first`.
    const auto groupOf = [&](std::string signature, const EventKey &first) -> std::size_t {
        auto [at, added] = index.try_emplace(std::move(signature), groups.size());
        if (added) {
            ErrorGroup group;
            group.signature = at->first;
            group.firstNs = first.timeNs;
            group.lastNs = first.timeNs;
            sampleKeys.push_back(first);
            if (timeline)
                group.timeline.assign(timeline->buckets, 0);
            groups.push_back(std::move(group));
            perService.emplace_back(found.services.size(), 0);
            paths.emplace_back();
        }
        return at->second;
    };
    const auto addPath = [&](std::size_t g, const EventKey &key, const std::string &path) {
        auto known = std::find_if(paths[g].begin(), paths[g].end(), [&](const auto &p) { return p.second == path; });
        if (known == paths[g].end())
            paths[g].emplace_back(key, path);
        else
            known->first = std::min(known->first, key);
    };
    // The sample is the group's first event in the one order.
    const auto addTimes = [&](std::size_t g, const EventKey &first, std::int64_t lastNs) {
        ErrorGroup &group = groups[g];
        if (first < sampleKeys[g]) {
            group.firstNs = first.timeNs;
            sampleKeys[g] = first;
        }
        group.lastNs = std::max(group.lastNs, lastNs);
    };
    for (const StoredErrorGroup &part : found.stored) {
        const std::size_t g = groupOf(part.signature, part.first);
        ErrorGroup &group = groups[g];
        group.count += part.count;
        if (!part.typePath.empty())
            addPath(g, part.first, part.typePath);
        addTimes(g, part.first, part.lastNs);
        for (const StoredErrorGroup::Service &service : part.services)
            perService[g][service.service] += service.count;
        for (std::size_t b = 0; b < part.timeline.size() && b < group.timeline.size(); ++b)
            group.timeline[b] += part.timeline[b];
    }
    std::size_t seen = 0;
    for (const ErrorEvent &event : found.events) {
        if (cancelled && ++seen % 4096 == 0 && cancelled->load(std::memory_order_relaxed))
            return cancelledError();
        const std::int64_t timeNs = event.key.timeNs;
        const std::size_t g = groupOf(ErrorSignature::of(event.errorType, event.message), event.key);
        ErrorGroup &group = groups[g];
        ++group.count;
        if (event.typePath >= 0)
            addPath(g, event.key, ErrorSignature::typePaths()[static_cast<std::size_t>(event.typePath)]);
        addTimes(g, event.key, timeNs);
        ++perService[g][event.service];
        if (timeline && timeNs >= timeline->fromNs && timeNs < timelineEnd)
            ++group.timeline[static_cast<std::size_t>((timeNs - timeline->fromNs) / timeline->bucketNs)];
    }
    for (std::size_t g = 0; g < groups.size(); ++g) {
        std::sort(paths[g].begin(), paths[g].end());
        for (auto &[first, path] : paths[g])
            groups[g].typePaths.push_back(std::move(path));
    }
    for (std::size_t g = 0; g < groups.size(); ++g) {
        for (std::size_t s = 0; s < found.services.size(); ++s)
            if (perService[g][s] > 0)
                groups[g].services.emplace_back(found.services[s], perService[g][s]);
        std::sort(groups[g].services.begin(), groups[g].services.end(), [](const auto &a, const auto &b) {
            return a.second != b.second ? a.second > b.second : a.first < b.first;
        });
    }
    auto samples = store.eventsByKey(sampleKeys);
    if (!samples)
        return samples.error();
    // Every group has its own first event, so a sample's key names one group.
    std::map<EventKey, std::size_t> groupOfSample;
    for (std::size_t g = 0; g < sampleKeys.size(); ++g)
        groupOfSample.emplace(sampleKeys[g], g);
    for (EventRow &row : samples.value())
        if (auto at = groupOfSample.find(row.key); at != groupOfSample.end())
            groups[at->second].sample = std::move(row);
    std::sort(groups.begin(), groups.end(), [](const ErrorGroup &a, const ErrorGroup &b) {
        if (a.count != b.count)
            return a.count > b.count;
        if (a.firstNs != b.firstNs)
            return a.firstNs < b.firstNs;
        return a.signature < b.signature;
    });
    return groups;
}

Result<ServiceTimelines> ErrorGroups::byService(EventStore &store, const QueryFilter &filter, std::int64_t stepNs,
                                                const std::atomic<bool> *cancelled)
{
    HistogramOptions options;
    options.stepNs = stepNs;
    options.byService = true;
    ServiceTimelines out;
    auto spec = Histogram::plan(store, filter, options);
    if (!spec)
        return spec.error();
    if (!spec.value())
        return out;
    out.spec = *spec.value();
    auto histogram = store.levelHistogram(filter, out.spec, [&](const LevelHistogram &) {
        return !(cancelled && cancelled->load(std::memory_order_relaxed));
    });
    if (!histogram)
        return histogram.error();
    auto errors = store.errorEvents(filter, ErrorEventsRequest{}, cancelled);
    if (!errors)
        return errors.error();
    std::unordered_map<std::string, std::int64_t> firstError;
    const auto addFirst = [&](std::uint32_t service, std::int64_t timeNs) {
        auto [at, added] = firstError.try_emplace(errors->services[service], timeNs);
        if (!added)
            at->second = std::min(at->second, timeNs);
    };
    for (const StoredErrorGroup &group : errors->stored)
        for (const StoredErrorGroup::Service &service : group.services)
            addFirst(service.service, service.firstNs);
    for (const ErrorEvent &event : errors->events)
        addFirst(event.service, event.key.timeNs);
    for (const auto &[name, counts] : histogram->services) {
        ServiceErrors service;
        service.name = name;
        if (auto first = firstError.find(name); first != firstError.end())
            service.firstErrorNs = first->second;
        for (const LevelCounts &bucket : counts) {
            std::uint64_t events = 0;
            for (const std::uint64_t count : bucket)
                events += count;
            const std::uint64_t failed
                = bucket[static_cast<std::size_t>(Level::Error)] + bucket[static_cast<std::size_t>(Level::Fatal)];
            service.errors += failed;
            service.eventCounts.push_back(events);
            service.errorCounts.push_back(failed);
        }
        out.services.push_back(std::move(service));
    }
    std::stable_sort(out.services.begin(), out.services.end(), [](const ServiceErrors &a, const ServiceErrors &b) {
        if (a.firstErrorNs.has_value() != b.firstErrorNs.has_value())
            return a.firstErrorNs.has_value();
        if (a.firstErrorNs && *a.firstErrorNs != *b.firstErrorNs)
            return *a.firstErrorNs < *b.firstErrorNs;
        return a.name < b.name;
    });
    return out;
}

std::string ErrorGroups::queryFor(const ErrorGroup &group)
{
    std::string query = "level >= error";
    if (!group.typePaths.empty()) {
        std::string alternatives;
        for (const std::string &path : group.typePaths)
            alternatives += (alternatives.empty() ? "" : " or ") + path + ":" + phrase(group.signature);
        return query + " and (" + alternatives + ")";
    }
    // The fixed words of the masked message, in order, as phrases: the variable parts cannot be written.
    std::string_view rest = group.signature;
    while (!rest.empty()) {
        std::size_t mark = rest.find('<');
        std::size_t close = mark == std::string_view::npos ? std::string_view::npos : rest.find('>', mark);
        const std::string_view fixed = rest.substr(0, mark);
        bool words = std::any_of(fixed.begin(), fixed.end(),
                                 [](char c) { return std::isalnum(static_cast<unsigned char>(c)); });
        if (words)
            query += " and message:" + phrase(fixed);
        if (mark == std::string_view::npos || close == std::string_view::npos)
            break;
        rest = rest.substr(close + 1);
    }
    return query;
}

} // namespace core
