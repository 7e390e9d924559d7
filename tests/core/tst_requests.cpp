// SPDX-License-Identifier: MIT
// Requests through the store interface: aggregation against the generator's own records, trace
// stitching, request IDs spelled differently per service, first failures and span trees.
#include "generatedstore.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <core/analysis/requests.h>
#include <core/query/queryfilter.h>
#include <core/query/querytime.h>

#include <map>
#include <set>

using namespace core;

namespace {

QueryFilter filterOf(const char *text)
{
    auto filter = QueryFilter::fromText(text, QueryTime(0));
    if (!filter)
        qFatal("bad filter %s", text);
    return std::move(filter.value());
}

std::unique_ptr<EventStore> importText(const QTemporaryDir &dir, const char *name, const QByteArray &text)
{
    struct Quiet : ImportObserver {
        ProgressAnswer progress(const ImportProgress &) override { return ProgressAnswer::Continue; }
    };
    const QString path = dir.filePath(QLatin1String(name));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(text) != text.size())
        return nullptr;
    file.close();
    ImportRequest request;
    request.storePath = dir.filePath(QLatin1String(name) + QLatin1String(".timberline")).toStdString();
    request.paths = {path.toStdString()};
    Quiet quiet;
    if (!runImport(request, quiet))
        return nullptr;
    auto store = openStore(request.storePath, OpenMode::ReadOnly);
    return store ? std::move(store.value()) : nullptr;
}

const RequestSummary *find(const std::vector<RequestSummary> &requests, const std::string &id)
{
    for (const RequestSummary &request : requests)
        if (request.id == id)
            return &request;
    return nullptr;
}

} // namespace

class TestRequests : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // Every request of a generated incident, against the records the generator wrote.
    void generatedRequestsMatchTheirRecords()
    {
        QTemporaryDir dir;
        bundlegen::GeneratorOptions options;
        options.seed = 5;
        options.targetBytes = 400'000;
        GeneratedStore generated;
        makeGeneratedStore(dir, options, generated);
        struct Expected {
            std::uint64_t events = 0;
            std::uint64_t errors = 0;
            std::int64_t firstUs = INT64_MAX;
            std::set<std::string> services;
            std::int64_t firstErrorUs = INT64_MAX;
            std::set<std::string> firstErrorServices; ///< the services erroring at that time
        };
        std::map<std::string, Expected> expected;
        for (const bundlegen::GeneratedRecord &record : generated.records) {
            if (record.requestId.empty())
                continue;
            Expected &e = expected[record.requestId];
            ++e.events;
            e.firstUs = std::min(e.firstUs, record.timeUs);
            e.services.insert(record.service);
            if (record.level == "error" || record.level == "fatal") {
                ++e.errors;
                if (record.timeUs < e.firstErrorUs) {
                    e.firstErrorUs = record.timeUs;
                    e.firstErrorServices.clear();
                }
                if (record.timeUs == e.firstErrorUs)
                    e.firstErrorServices.insert(record.service);
            }
        }
        QVERIFY(expected.size() > 100);
        auto requests = Requests::list(generated.of(true), filterOf(""), RequestOrder::Start);
        QVERIFY2(requests.has_value(), requests.has_value() ? "" : requests.error().message.c_str());
        QCOMPARE(requests->size(), expected.size());
        std::uint64_t failing = 0;
        for (const RequestSummary &request : requests.value()) {
            auto e = expected.find(request.id);
            QVERIFY2(e != expected.end(), request.id.c_str());
            QCOMPARE(request.events, e->second.events);
            QCOMPARE(request.errors, e->second.errors);
            QCOMPARE(request.startNs / 1000, e->second.firstUs);
            QCOMPARE(std::set<std::string>(request.services.begin(), request.services.end()), e->second.services);
            QCOMPARE(request.firstFailure.has_value(), e->second.errors > 0);
            if (request.firstFailure) {
                ++failing;
                QCOMPARE(request.firstFailure->key.timeNs / 1000, e->second.firstErrorUs);
                QVERIFY(e->second.firstErrorServices.count(request.firstFailure->service));
                QVERIFY(!request.firstFailure->signature.empty());
            }
        }
        QVERIFY(failing > 0);
        // In start order; the other orders put their measure first.
        for (std::size_t i = 1; i < requests->size(); ++i)
            QVERIFY((*requests)[i - 1].entry < (*requests)[i].entry);
        auto byErrors = Requests::list(generated.of(true), filterOf(""), RequestOrder::Errors);
        QVERIFY(byErrors.has_value());
        for (std::size_t i = 1; i < byErrors->size(); ++i)
            QVERIFY((*byErrors)[i - 1].errors >= (*byErrors)[i].errors);

        // A query lists the requests with a matching event, each aggregated over all its events.
        auto failingOnly
            = Requests::list(generated.of(true), filterOf("level:error or level:fatal"), RequestOrder::Start);
        QVERIFY(failingOnly.has_value());
        QCOMPARE(failingOnly->size(), std::size_t(failing));
        for (const RequestSummary &request : failingOnly.value())
            QCOMPARE(request.events, expected.at(request.id).events);

        // Who failed first: the ranks add up to the failing requests, most first.
        auto ranks = Requests::firstFailures(generated.of(true), filterOf(""));
        QVERIFY(ranks.has_value());
        std::uint64_t ranked = 0;
        for (std::size_t i = 0; i < ranks->size(); ++i) {
            ranked += (*ranks)[i].requests;
            if (i > 0)
                QVERIFY((*ranks)[i - 1].requests >= (*ranks)[i].requests);
            std::uint64_t bySignature = 0;
            for (const auto &[signature, count] : (*ranks)[i].signatures)
                bySignature += count;
            QCOMPARE(bySignature, (*ranks)[i].requests);
            const RequestSummary *sample = find(requests.value(), (*ranks)[i].sampleRequest);
            QVERIFY(sample && sample->firstFailure && sample->firstFailure->service == (*ranks)[i].service);
        }
        QCOMPARE(ranked, failing);
    }

    // One request across a retry under a new trace, with its request ID spelled as each service
    // spells it; a trace without a request ID is a request of its own.
    void tracesAreStitchedIntoTheirRequest()
    {
        QTemporaryDir dir;
        const QByteArray log
            = R"({"time":"2026-11-20T08:00:00.000Z","level":"info","service":"gateway","request_id":"req-1","trace_id":"t-1","msg":"received"}
{"time":"2026-11-20T08:00:00.010Z","level":"info","service":"worker","trace_id":"t-1","msg":"started"}
{"time":"2026-11-20T08:00:00.020Z","level":"error","service":"worker","trace_id":"t-1","msg":"upstream timeout after 30s"}
{"time":"2026-11-20T08:00:01.000Z","level":"warn","service":"gateway","requestId":"req-1","trace_id":"t-2","msg":"retrying"}
{"time":"2026-11-20T08:00:01.010Z","level":"error","service":"queue","trace_id":"t-2","msg":"queue full"}
{"time":"2026-11-20T08:00:02.000Z","level":"info","service":"cron","trace_id":"t-9","msg":"tick"}
{"time":"2026-11-20T08:00:03.000Z","level":"info","service":"gateway","req_id":"req-2","msg":"received"}
)";
        auto store = importText(dir, "stitch.log", log);
        QVERIFY(store);
        auto requests = Requests::list(*store, filterOf(""), RequestOrder::Start);
        QVERIFY(requests.has_value());
        QCOMPARE(requests->size(), 3u);
        const RequestSummary *one = find(requests.value(), "req-1");
        QVERIFY(one);
        QCOMPARE(one->events, 5u);
        QCOMPARE(one->errors, 2u);
        QCOMPARE(one->traceIds, (std::vector<std::string>{"t-1", "t-2"}));
        QCOMPARE(one->services, (std::vector<std::string>{"gateway", "worker", "queue"}));
        QVERIFY(one->firstFailure);
        QCOMPARE(one->firstFailure->service, std::string("worker"));
        QCOMPARE(one->firstFailure->message, std::string("upstream timeout after 30s"));
        QCOMPARE(one->firstFailure->key.line, 3u);
        QCOMPARE(one->durationNs(), 1'010'000'000);
        QVERIFY(find(requests.value(), "t-9"));
        QVERIFY(find(requests.value(), "req-2"));
        // The queue's event matches; its whole request is listed.
        auto queued = Requests::list(*store, filterOf("service:queue"), RequestOrder::Start);
        QVERIFY(queued.has_value());
        QCOMPARE(queued->size(), 1u);
        QCOMPARE(queued->front().id, std::string("req-1"));
        QCOMPARE(queued->front().events, 5u);

        // The detail of req-1, named by either of its traces too.
        for (const char *id : {"req-1", "t-2"}) {
            auto detail = Requests::detail(*store, id);
            QVERIFY(detail.has_value() && detail->has_value());
            QCOMPARE((*detail)->summary.id, std::string("req-1"));
            QCOMPARE((*detail)->lanes.size(), 3u);
            QCOMPARE((*detail)->lanes[0].service, std::string("gateway"));
            QCOMPARE((*detail)->lanes[0].events.size(), 2u);
            // Gateway is idle for 990 ms of a 1,010 ms request: two segments.
            QCOMPARE((*detail)->lanes[0].segments.size(), 2u);
            QVERIFY((*detail)->spans.empty());
        }
        auto missing = Requests::detail(*store, "req-404");
        QVERIFY(missing.has_value());
        QVERIFY(!missing->has_value());
    }

    // Zipkin spans: the tree under its root, an orphan whose parent is missing, a child that starts
    // before its parent, and log events placed on the span they name.
    void spansFormATree()
    {
        QTemporaryDir dir;
        const QByteArray spans = R"([
{"traceId":"aaaa0000aaaa0000","id":"0000000000000001","name":"GET /checkout","timestamp":1763625600000000,"duration":500000,"localEndpoint":{"serviceName":"gateway"}},
{"traceId":"aaaa0000aaaa0000","id":"0000000000000002","parentId":"0000000000000001","name":"charge","timestamp":1763625600100000,"duration":200000,"localEndpoint":{"serviceName":"billing"},"tags":{"error":"card declined"}},
{"traceId":"aaaa0000aaaa0000","id":"0000000000000003","parentId":"0000000000000001","name":"early child","timestamp":1763625599990000,"duration":5000,"localEndpoint":{"serviceName":"cache"}},
{"traceId":"aaaa0000aaaa0000","id":"0000000000000004","parentId":"00000000000000ff","name":"lost parent","timestamp":1763625600300000,"duration":1000,"localEndpoint":{"serviceName":"audit"}}
]
)";
        auto store = importText(dir, "spans.json", spans);
        QVERIFY(store);
        auto detail = Requests::detail(*store, "aaaa0000aaaa0000");
        QVERIFY(detail.has_value() && detail->has_value());
        const std::vector<SpanNode> &roots = (*detail)->spans;
        QCOMPARE(roots.size(), 2u);
        QCOMPARE(roots[0].span.message, std::string("GET /checkout"));
        QVERIFY(!roots[0].orphan);
        QCOMPARE(roots[0].children.size(), 2u);
        QCOMPARE(roots[0].children[0].span.message, std::string("early child")); // by start, before its parent
        QCOMPARE(roots[0].children[1].span.message, std::string("charge"));
        QCOMPARE(roots[1].span.message, std::string("lost parent"));
        QVERIFY(roots[1].orphan);
        QCOMPARE((*detail)->summary.services.size(), 4u);
    }
};

QTEST_GUILESS_MAIN(TestRequests)
#include "tst_requests.moc"
