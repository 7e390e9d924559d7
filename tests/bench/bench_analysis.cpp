// SPDX-License-Identifier: MIT
// Histogram and error-group latencies on a big store:
//   bench_analysis [--row-signatures] STORE [QUERY...]
// For each query (the defaults below when none are given): the 200-bucket histogram over the
// query's range, the error groups, and the error groups as the Errors panel asks for them (the
// histogram's plan, then the groups with a timeline of its buckets); the median of three runs each,
// in milliseconds. With
// --row-signatures, also the error groups computed event by event from their rows, as for a store
// imported before signatures were stored (the same groups, checked).
#include <core/analysis/errorgroups.h>
#include <core/analysis/histogram.h>
#include <core/query/queryfilter.h>
#include <core/store/sqlite/sqlitestore.h>

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

bool sameGroups(const std::vector<core::ErrorGroup> &a, const std::vector<core::ErrorGroup> &b)
{
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const core::ErrorGroup &x, const core::ErrorGroup &y) {
        return x.signature == y.signature && x.typePaths == y.typePaths && x.count == y.count && x.firstNs == y.firstNs
            && x.lastNs == y.lastNs && x.services == y.services && x.sample.key == y.sample.key;
    });
}

} // namespace

int main(int argc, char **argv)
{
    int first = 1;
    const bool rowSignatures = argc > 1 && std::string(argv[1]) == "--row-signatures";
    if (rowSignatures)
        ++first;
    if (argc < first + 1) {
        std::fprintf(stderr, "usage: bench_analysis [--row-signatures] STORE [QUERY...]\n");
        return 2;
    }
    auto store = core::SqliteStore::open(argv[first], core::OpenMode::ReadOnly);
    if (!store) {
        std::fprintf(stderr, "bench_analysis: %s\n", store.error().message.c_str());
        return 1;
    }
    std::vector<std::string> queries;
    for (int i = first + 1; i < argc; ++i)
        queries.emplace_back(argv[i]);
    if (queries.empty())
        queries = {"", "level:error", "level >= warn and service:worker-1", "service:orchestrator", "timeout", "task.failed",
                   "not timeout", "level:error and not timeout"};
    std::printf("%-40s %12s %14s %10s %12s %8s %10s%s\n", "query", "matches", "histogram ms", "buckets", "errors ms", "groups", "panel ms",
                rowSignatures ? "  by rows ms  same" : "");
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
        std::vector<core::ErrorGroup> groups;
        const double errorsMs = medianMs([&] {
            auto found = core::ErrorGroups::compute(**store, filter.value());
            if (found)
                groups = std::move(found.value());
            return found.has_value();
        });
        const double panelMs = medianMs([&] {
            auto spec = core::Histogram::plan(**store, filter.value(), core::HistogramOptions{});
            return spec && core::ErrorGroups::compute(**store, filter.value(), spec.value()).has_value();
        });
        std::printf("%-40s %12llu %14.1f %10zu %12.1f %8zu %10.1f", ('"' + query + '"').c_str(), static_cast<unsigned long long>(matches),
                    histogramMs, buckets, errorsMs, groups.size(), panelMs);
        if (rowSignatures) {
            bool same = false;
            const double rowsMs = medianMs([&] {
                auto found = core::ErrorGroups::compute(**store, filter.value(), std::nullopt, nullptr, false);
                if (found)
                    same = sameGroups(found.value(), groups);
                return found.has_value();
            });
            std::printf(" %12.1f  %s", rowsMs, same ? "yes" : "NO");
        }
        std::printf("\n");
    }
    return 0;
}
