// SPDX-License-Identifier: MIT
// Histogram counts per bucket × level against a brute-force count over the generator's own records,
// for queries on time, level and service alone (bucket counts), other queries (matching ids) and
// bucket sizes from milliseconds to minutes; step choice and bucket alignment.
#include "bundlegenerator.h"
#include <core/analysis/fieldvalues.h>
#include <core/analysis/storesummary.h>
#include <core/analysis/histogram.h>
#include <core/analysis/histogrambuckets.h>
#include <core/import/importer.h>
#include <core/query/queryfilter.h>
#include <core/store/sqlite/sqlitestore.h>
#include "generatedstore.h"

#include <QTemporaryDir>
#include <QTest>

#include <functional>

using namespace core;
using Generated = bundlegen::GeneratedRecord;

namespace {

constexpr std::int64_t kStartNs = 1762770600LL * 1'000'000'000; // 2025-11-10T10:30:00Z, the bundle's first second
constexpr std::int64_t kSecondNs = 1'000'000'000;
constexpr std::int64_t kMinuteNs = 60 * kSecondNs;

std::size_t levelIndex(const std::string &level)
{
    static const char *const names[] = {"unknown", "trace", "debug", "info", "warn", "error", "fatal"};
    for (std::size_t i = 0; i < std::size(names); ++i)
        if (level == names[i])
            return i;
    return 0;
}

bool hasToken(const Generated &r, std::string_view token)
{
    std::string lower;
    for (const char c : r.message + " " + r.continuation)
        lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    for (const auto &field : r.fields)
        if (field.string && field.path != "timestamp" && field.path != "time" && field.path != "level" && field.path != "event"
            && field.path != "msg")
            for (const char c : " " + field.value)
                lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    std::size_t at = 0;
    while ((at = lower.find(token, at)) != std::string::npos) {
        const bool before = at == 0 || !(std::isalnum(static_cast<unsigned char>(lower[at - 1])) || lower[at - 1] == '_');
        const std::size_t end = at + token.size();
        const bool after = end == lower.size() || !(std::isalnum(static_cast<unsigned char>(lower[end])) || lower[end] == '_');
        if (before && after)
            return true;
        ++at;
    }
    return false;
}

std::int64_t ns(const Generated &r)
{
    return r.timeUs * 1000;
}

struct Case {
    const char *name;
    std::string query;
    std::function<bool(const Generated &)> truth;
};

std::vector<Case> cases()
{
    const auto at = [](std::int64_t offsetNs) { return kStartNs + offsetNs; };
    // 2025-11-10T10:31:07.250Z and 10:33:30.5Z: bounds that cut seconds.
    const std::int64_t cutFrom = at(67 * kSecondNs + 250'000'000);
    const std::int64_t cutTo = at(3 * kMinuteNs + 30 * kSecondNs + 500'000'000);
    return {
        {"everything", "", [](const Generated &) { return true; }},
        {"errors", "level:error", [](const Generated &r) { return r.level == "error"; }},
        {"warn and above", "level >= warn", [](const Generated &r) { return levelIndex(r.level) >= 4; }},
        {"one service", "service:orchestrator", [](const Generated &r) { return r.service == "orchestrator"; }},
        {"service wildcard and level", "service:worker-* and not level:debug",
         [](const Generated &r) { return r.service.rfind("worker-", 0) == 0 && r.level != "debug"; }},
        {"time cut in seconds", "@timestamp >= \"2025-11-10T10:31:07.25Z\" and @timestamp < \"2025-11-10T10:33:30.5Z\"",
         [=](const Generated &r) { return ns(r) >= cutFrom && ns(r) < cutTo; }},
        {"time, level, service", "@timestamp < \"2025-11-10T10:33:30.5Z\" and level:info and service:orchestrator",
         [=](const Generated &r) { return ns(r) < cutTo && r.level == "info" && r.service == "orchestrator"; }},
        {"a token", "timeout", [](const Generated &r) { return hasToken(r, "timeout"); }},
        {"a token or a level", "timeout or level:warn", [](const Generated &r) { return hasToken(r, "timeout") || r.level == "warn"; }},
        {"not a token", "not timeout", [](const Generated &r) { return !hasToken(r, "timeout"); }},
        {"token in a time range", "timeout and @timestamp >= \"2025-11-10T10:31:07.25Z\"",
         [=](const Generated &r) { return hasToken(r, "timeout") && ns(r) >= cutFrom; }},
    };
}

} // namespace

class TestHistogram : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    GeneratedStore m_generated; ///< with the same events answered without the stored order

private Q_SLOTS:
    void initTestCase()
    {
        bundlegen::GeneratorOptions options;
        options.seed = 5;
        options.targetBytes = 600'000;
        makeGeneratedStore(m_dir, options, m_generated);
    }

    void matchesBruteForce_data()
    {
        QTest::addColumn<int>("index");
        QTest::addColumn<qint64>("stepNs");
        QTest::addColumn<bool>("withOrder");
        const auto all = cases();
        for (const bool withOrder : {true, false})
            for (std::size_t i = 0; i < all.size(); ++i)
                for (const std::int64_t step : {std::int64_t{0}, std::int64_t{250'000'000}, kSecondNs, 15 * kSecondNs, kMinuteNs})
                    QTest::newRow((std::string(all[i].name) + " / " + (step ? HistogramBuckets::stepName(step) : "auto")
                                   + (withOrder ? "" : " (no stored order)"))
                                      .c_str())
                        << int(i) << qint64(step) << withOrder;
    }

    void matchesBruteForce()
    {
        QFETCH(int, index);
        QFETCH(qint64, stepNs);
        QFETCH(bool, withOrder);
        const Case test = cases()[static_cast<std::size_t>(index)];
        auto filter = QueryFilter::fromText(test.query, QueryTime(0));
        QVERIFY(filter.has_value());
        HistogramOptions options;
        options.stepNs = stepNs;
        auto histogram = Histogram::compute(m_generated.of(withOrder), filter.value(), options);
        QVERIFY2(histogram.has_value(), histogram.has_value() ? "" : histogram.error().message.c_str());
        const LevelHistogram &h = histogram.value();
        QVERIFY(!h.buckets.empty());
        if (stepNs == 0)
            QVERIFY(h.buckets.size() <= HistogramBuckets::TargetBuckets);
        QCOMPARE(HistogramBuckets::floorTo(h.fromNs, h.bucketNs), h.fromNs); // multiples of the step since the epoch
        std::vector<LevelCounts> expected(h.buckets.size(), LevelCounts{});
        std::uint64_t matched = 0;
        for (const Generated &r : m_generated.records) {
            if (!test.truth(r))
                continue;
            ++matched;
            const std::int64_t offset = ns(r) - h.fromNs;
            QVERIFY2(offset >= 0 && offset < static_cast<std::int64_t>(h.buckets.size()) * h.bucketNs, "a match outside the range");
            ++expected[static_cast<std::size_t>(offset / h.bucketNs)][levelIndex(r.level)];
        }
        QVERIFY(matched > 0);
        for (std::size_t i = 0; i < expected.size(); ++i)
            if (expected[i] != h.buckets[i])
                QFAIL(qPrintable(QStringLiteral("bucket %1 differs").arg(i)));
    }

    void byService_data()
    {
        QTest::addColumn<bool>("withOrder");
        QTest::newRow("stored order") << true;
        QTest::newRow("no stored order") << false;
    }

    void byService()
    {
        QFETCH(bool, withOrder);
        HistogramOptions options;
        options.stepNs = kMinuteNs;
        options.byService = true;
        auto histogram = Histogram::compute(m_generated.of(withOrder),
                                            QueryFilter::fromText("not timeout", QueryTime(0)).value(), options);
        QVERIFY(histogram.has_value());
        for (const auto &[service, counts] : histogram->services) {
            std::uint64_t expected = 0;
            std::uint64_t found = 0;
            for (const Generated &r : m_generated.records)
                expected += r.service == service && !hasToken(r, "timeout");
            for (const LevelCounts &bucket : counts)
                for (const std::uint64_t count : bucket)
                    found += count;
            QCOMPARE(found, expected);
        }
        QVERIFY(histogram->services.size() >= 3);
    }

    // The sidebar's exact level counts within a query, against the generator's records.
    void fieldValuesCountTheRecords()
    {
        const QueryTime time(0);
        const FieldValues::Composer compose = [&](const QueryNode &extra) -> std::shared_ptr<const QueryFilter> {
            auto filter = QueryFilter::fromText("service:orchestrator and " + extra.field + ":\"" + extra.value.text + "\"", time);
            return filter ? std::make_shared<const QueryFilter>(std::move(filter.value())) : nullptr;
        };
        const std::vector<std::string> levels{"trace", "debug", "info", "warn", "error", "fatal"};
        auto counted = FieldValues::exactCounts(*m_generated.store, "level", levels, 3, compose);
        QVERIFY2(counted.has_value(), counted.has_value() ? "" : counted.error().message.c_str());
        std::map<std::string, std::uint64_t> expected;
        std::uint64_t total = 0;
        for (const Generated &r : m_generated.records) {
            if (r.service == "orchestrator") {
                ++expected[r.level];
                ++total;
            }
        }
        QVERIFY(expected.size() > 3);
        QCOMPARE(counted->events, total);
        QCOMPARE(counted->topValues.size(), std::size_t(3));
        for (std::size_t i = 0; i < counted->topValues.size(); ++i) {
            const auto &[level, count] = counted->topValues[i];
            QCOMPARE(count, expected[level]);
            if (i > 0)
                QVERIFY(counted->topValues[i - 1].second >= count);
        }
    }

    // What the window reads when a store opens: the span of the records, `now`, the fields to complete.
    void storeSummarySpansTheRecords()
    {
        auto summary = StoreSummary::of(*m_generated.store);
        QVERIFY(summary.has_value());
        std::int64_t first = INT64_MAX;
        std::int64_t last = INT64_MIN;
        for (const Generated &r : m_generated.records) {
            first = std::min(first, r.timeUs * 1000);
            last = std::max(last, r.timeUs * 1000);
        }
        QCOMPARE(summary->firstNs.value(), first);
        QCOMPARE(summary->lastNs.value(), last);
        QVERIFY(summary->anchorNs.value() <= last && summary->anchorNs.value() >= first);
        QCOMPARE(summary->vocabulary.front().first, std::string("level"));
        // The normalised level words first; the catalogue may add the words as written after them.
        const std::vector<std::string> &levels = summary->vocabulary.front().second;
        QVERIFY(levels.size() >= 6);
        QCOMPARE(std::vector<std::string>(levels.begin(), levels.begin() + 6),
            (std::vector<std::string>{"trace", "debug", "info", "warn", "error", "fatal"}));
        const auto has = [&](const std::string &path) {
            return std::any_of(summary->vocabulary.begin(), summary->vocabulary.end(), [&](const auto &e) { return e.first == path; });
        };
        QVERIFY(has("request_id"));
        QVERIFY(has("service"));
        QVERIFY(has("task_id"));
    }

    void progressAndCancel()
    {
        // The "not" query scans ids; with a progress callback that says stop, the call is Cancelled.
        HistogramOptions options;
        auto filter = QueryFilter::fromText("not timeout", QueryTime(0)).value();
        auto plan = Histogram::plan(*m_generated.store, filter, options);
        QVERIFY(plan.has_value() && plan->has_value());
        int calls = 0;
        bool partial = false;
        auto histogram = m_generated.store->levelHistogram(filter, *plan.value(), [&](const LevelHistogram &counts) {
            ++calls;
            partial = !counts.complete;
            return false;
        });
        QVERIFY(partial);
        QVERIFY(!histogram.has_value());
        QCOMPARE(histogram.error().code, ErrorCode::Cancelled);
        QCOMPARE(calls, 1);
    }

    void steps()
    {
        QCOMPARE(HistogramBuckets::parseStep("auto"), std::optional<std::int64_t>(0));
        QCOMPARE(HistogramBuckets::parseStep("250ms"), std::optional<std::int64_t>(250'000'000));
        QCOMPARE(HistogramBuckets::parseStep("5m"), std::optional<std::int64_t>(5 * kMinuteNs));
        QCOMPARE(HistogramBuckets::parseStep("1w"), std::optional<std::int64_t>(HistogramBuckets::WeekNs));
        QVERIFY(!HistogramBuckets::parseStep("5x"));
        QVERIFY(!HistogramBuckets::parseStep("m"));
        QVERIFY(!HistogramBuckets::parseStep("-1s"));
        QCOMPARE(HistogramBuckets::stepName(90 * kSecondNs), std::string("90s"));
        // An hour: 30 s steps give 120 buckets.
        QCOMPARE(HistogramBuckets::autoStep(kStartNs, kStartNs + 60 * kMinuteNs), 30 * kSecondNs);
        // A day: 10 minutes, 144 buckets.
        QCOMPARE(HistogramBuckets::autoStep(kStartNs, kStartNs + 1440 * kMinuteNs), 10 * kMinuteNs);
        for (std::int64_t span = 1'000'000; span < 400LL * 86400 * kSecondNs; span = span * 3 / 2) {
            const std::int64_t step = HistogramBuckets::autoStep(kStartNs + 7, kStartNs + 7 + span);
            const HistogramSpec spec = HistogramBuckets::cover(kStartNs + 7, kStartNs + 7 + span, step);
            QVERIFY(spec.buckets <= 200);
            QVERIFY(spec.fromNs <= kStartNs + 7 && spec.fromNs + static_cast<std::int64_t>(spec.buckets) * step >= kStartNs + 7 + span);
            if (span > 100'000'000)
                QVERIFY2(spec.buckets >= 40, qPrintable(QString::number(span)));
        }
        QCOMPARE(HistogramBuckets::floorTo(-1, kSecondNs), -kSecondNs);
    }
};

QTEST_GUILESS_MAIN(TestHistogram)
#include "tst_histogram.moc"
