// SPDX-License-Identifier: MIT
// Query benchmark on a generated incident store: for each query, the time to the first 200 rows in
// the one order and the time of the count (medians of warm runs), with the count.
// Usage: bench_query --store FILE [--rounds N] [--json]
//        bench_query --size 200M --work DIR         (generates and imports first; 2G makes ~10M events)
#include "bundlegenerator.h"
#include <core/import/importer.h>
#include <core/query/queryfilter.h>
#include <core/store/sqlite/sqlitestore.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double millisecondsSince(Clock::time_point start)
{
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

class Quiet : public core::ImportObserver
{
public:
    core::ProgressAnswer progress(const core::ImportProgress &) override { return core::ProgressAnswer::Continue; }
};

struct Query {
    const char *kind;
    std::string text;
};

} // namespace

int main(int argc, char **argv)
{
    std::string storePath;
    std::string work = "/tmp/timberline-bench-query";
    std::string size;
    int rounds = 5;
    bool json = false;
    for (int i = 1; i < argc; ++i) {
        const std::string argument = argv[i];
        const auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : std::string(); };
        if (argument == "--store")
            storePath = next();
        else if (argument == "--size")
            size = next();
        else if (argument == "--work")
            work = next();
        else if (argument == "--rounds")
            rounds = std::max(1, std::atoi(next().c_str()));
        else if (argument == "--json")
            json = true;
        else {
            std::fprintf(stderr, "usage: bench_query --store FILE | --size 200M [--work DIR] [--rounds N] [--json]\n");
            return 2;
        }
    }
    if (storePath.empty()) {
        const auto bytes = bundlegen::parseSize(size.empty() ? "200M" : size);
        if (!bytes)
            return 2;
        bundlegen::GeneratorOptions options;
        options.targetBytes = *bytes;
        const auto report = bundlegen::generateBundle(work + "/bundle", options);
        if (!report.ok) {
            std::fprintf(stderr, "bench_query: %s\n", report.error.c_str());
            return 1;
        }
        storePath = work + "/bench.timberline";
        std::remove(storePath.c_str());
        core::ImportRequest request;
        request.storePath = storePath;
        request.paths = {work + "/bundle"};
        Quiet quiet;
        if (auto imported = core::runImport(request, quiet); !imported) {
            std::fprintf(stderr, "bench_query: %s\n", imported.error().message.c_str());
            return 1;
        }
    }
    auto opened = core::SqliteStore::open(storePath, core::OpenMode::ReadOnly);
    if (!opened) {
        std::fprintf(stderr, "bench_query: %s\n", opened.error().message.c_str());
        return 1;
    }
    core::SqliteStore &store = *opened.value();
    const auto anchor = store.timeAnchor();
    const std::int64_t end = anchor && anchor.value() ? *anchor.value() : 0;
    // A request ID from the middle of the incident, for the lookup people do most.
    std::string requestId = "req-00000000";
    {
        auto filter = core::QueryFilter::fromText("event:\"task.failed\" and service:orchestrator", core::QueryTime(end));
        if (filter)
            if (auto rows = store.events(filter.value(), std::nullopt, 1); rows && !rows->empty())
                requestId = rows->front().requestId;
    }
    const std::vector<Query> queries{
        {"field equality", "request_id:" + requestId},
        {"field equality", "priority:high"},
        {"field equality", "error_type:PoolTimeout"},
        {"full-text term", "timeout"},
        {"full-text term", "exhausted"},
        {"full-text phrase", "\"connection timed out\""},
        {"message phrase", "event:\"task.failed\""},
        {"time range", "@timestamp:[now-1h TO now]"},
        {"time range", "@timestamp >= now-15m"},
        {"combined", "(level:error or level:warn) and not service:orchestrator and timeout"},
        {"combined", "service:worker-* and not level:debug and @timestamp >= now-6h"},
        {"combined", "status >= 500 or duration > 10"},
        {"time/level/service", "level:error"},
        {"time/level/service", "level:info"},
        {"time/level/service", "not level:(debug or info)"},
        {"time/level/service", "service:orchestrator and level:warn and @timestamp >= now-1h"},
        {"exists", "_exists_:error_type"},
        {"wildcard", "http.path:/api/v1/batches/*"},
    };
    const core::QueryTime time(end);
    if (!json)
        std::printf("%-20s %-70s %12s %12s %12s\n", "kind", "query", "first 200 ms", "count ms", "count");
    else
        std::printf("[\n");
    for (std::size_t q = 0; q < queries.size(); ++q) {
        const Query &query = queries[q];
        auto filter = core::QueryFilter::fromText(query.text, time);
        if (!filter) {
            std::fprintf(stderr, "bench_query: %s: %s\n", query.text.c_str(), filter.error().message.c_str());
            return 1;
        }
        std::vector<double> pageTimes;
        std::vector<double> countTimes;
        std::uint64_t count = 0;
        for (int round = 0; round < rounds; ++round) {
            auto started = Clock::now();
            auto page = store.events(filter.value(), std::nullopt, 200);
            pageTimes.push_back(millisecondsSince(started));
            started = Clock::now();
            auto counted = store.count(filter.value());
            countTimes.push_back(millisecondsSince(started));
            if (!page || !counted) {
                std::fprintf(stderr, "bench_query: %s failed\n", query.text.c_str());
                return 1;
            }
            count = *counted;
        }
        if (json)
            std::printf("  {\"kind\":\"%s\",\"query\":\"%s\",\"first200_ms\":%.2f,\"count_ms\":%.2f,\"count\":%llu}%s\n", query.kind,
                        query.text.c_str(), median(pageTimes), median(countTimes), static_cast<unsigned long long>(count),
                        q + 1 < queries.size() ? "," : "");
        else
            std::printf("%-20s %-70s %12.2f %12.2f %12llu\n", query.kind, query.text.c_str(), median(pageTimes),
                        median(countTimes), static_cast<unsigned long long>(count));
    }
    if (json)
        std::printf("]\n");
    return 0;
}
