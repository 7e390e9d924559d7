// SPDX-License-Identifier: MIT
// Histogram and error-group latencies on a big store:
//   bench_analysis STORE [QUERY...]
// For each query (the defaults below when none are given): the 200-bucket histogram over the
// query's range, and the error groups; the median of three runs each, in milliseconds.
#include "core/analysis/errorgroups.h"
#include "core/analysis/histogram.h"
#include "core/query/queryfilter.h"
#include "core/store/store.h"

#include <QElapsedTimer>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

namespace {

template<typename F>
double medianMs(F &&run)
{
    std::vector<double> times;
    for (int i = 0; i < 3; ++i) {
        QElapsedTimer timer;
        timer.start();
        if (!run())
            return -1;
        times.push_back(static_cast<double>(timer.nsecsElapsed()) / 1e6);
    }
    std::sort(times.begin(), times.end());
    return times[1];
}

} // namespace

int main(int argc, char **argv)
{
    if (argc < 2) {
        std::fprintf(stderr, "usage: bench_analysis STORE [QUERY...]\n");
        return 2;
    }
    auto store = core::Store::open(argv[1], core::OpenMode::ReadOnly);
    if (!store) {
        std::fprintf(stderr, "bench_analysis: %s\n", store.error().message.c_str());
        return 1;
    }
    std::vector<std::string> queries;
    for (int i = 2; i < argc; ++i)
        queries.emplace_back(argv[i]);
    if (queries.empty())
        queries = {"", "level:error", "level >= warn and service:worker-1", "service:orchestrator", "timeout", "task.failed",
                   "not timeout", "level:error and not timeout"};
    std::printf("%-40s %12s %14s %10s %12s %8s\n", "query", "matches", "histogram ms", "buckets", "errors ms", "groups");
    for (const std::string &query : queries) {
        auto filter = core::QueryFilter::fromText(query, core::QueryTime(core::QueryTime::wallClockNs()));
        if (!filter) {
            std::fprintf(stderr, "bench_analysis: bad query %s\n", query.c_str());
            return 2;
        }
        const std::uint64_t matches = (*store)->count(filter.value()).value();
        std::size_t buckets = 0;
        const double histogramMs = medianMs([&] {
            auto histogram = core::Histogram::compute(**store, filter.value(), core::HistogramOptions{});
            if (histogram)
                buckets = histogram->buckets.size();
            return histogram.has_value();
        });
        std::size_t groups = 0;
        const double errorsMs = medianMs([&] {
            auto found = core::ErrorGroups::compute(**store, filter.value());
            if (found)
                groups = found->size();
            return found.has_value();
        });
        std::printf("%-40s %12llu %14.1f %10zu %12.1f %8zu\n", ('"' + query + '"').c_str(), static_cast<unsigned long long>(matches),
                    histogramMs, buckets, errorsMs, groups);
    }
    return 0;
}
