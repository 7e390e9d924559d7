// SPDX-License-Identifier: MIT
// Error grouping: masking keeps distinct errors apart and variable parts together, on a committed
// fixture whose groups are written out here, and on a generated incident against its own records.
// The signatures the import stores give the groups that reading every event gives.
#include "bundlegenerator.h"
#include <core/analysis/errorgroups.h>
#include <core/model/errorsignature.h>
#include <core/model/eventformat.h>
#include <core/import/importer.h>
#include <core/query/queryfilter.h>
#include <core/store/sqlite/postingblocks.h>
#include <core/store/sqlite/postingreader.h>
#include <core/backends/storelocation.h>
#include <core/store/sqlite/varint.h>
#include "generatedstore.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <sqlite3.h>

#include <map>

using namespace core;

namespace {

class Quiet : public ImportObserver
{
public:
    ProgressAnswer progress(const ImportProgress &) override { return ProgressAnswer::Continue; }
};

// The groups are computed through the store interface only: the suite holds for any backend.
std::unique_ptr<EventStore> importInto(const QTemporaryDir &dir, const std::string &path, const char *name)
{
    ImportRequest request;
    request.storePath = dir.filePath(QString::fromLatin1(name)).toStdString();
    request.paths = {path};
    Quiet quiet;
    auto summary = runImport(request, quiet);
    if (!summary)
        return nullptr;
    auto store = openStore(request.storePath, OpenMode::ReadOnly);
    return store ? std::move(store.value()) : nullptr;
}

QueryFilter filterOf(const char *text)
{
    auto filter = QueryFilter::fromText(text, QueryTime(0));
    Q_ASSERT(filter.has_value());
    return filter.value();
}

// The terms of a store's posting lists that start with `prefix`, and how many events each holds.
std::map<std::string, std::size_t> termsOf(const std::string &storePath, const std::string &prefix)
{
    std::map<std::string, std::size_t> terms;
    sqlite3 *db = nullptr;
    if (sqlite3_open_v2(storePath.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK)
        return terms;
    PostingReader reader(db);
    auto found = reader.termsWithPrefix(prefix);
    for (const std::string &term : found ? found.value() : std::vector<std::string>()) {
        std::size_t events = 0;
        (void)reader.forEachList(term, [&](std::string_view list) {
            for (const char c : list)
                events += (static_cast<unsigned char>(c) & 0x80) == 0;
        });
        terms[term] = events;
    }
    sqlite3_close(db);
    return terms;
}

// The terms of a store's posting lists that start with `prefix`, with their event ids.
std::map<std::string, std::vector<std::int64_t>> termIdsOf(const std::string &storePath, const std::string &prefix)
{
    std::map<std::string, std::vector<std::int64_t>> terms;
    sqlite3 *db = nullptr;
    if (sqlite3_open_v2(storePath.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK)
        return terms;
    PostingReader reader(db);
    (void)reader.forEachListInRange(prefix, PostingReader::prefixEnd(prefix), [&](std::string_view term, std::string_view list) {
        varint::appendIds(list, terms[std::string(term)]);
    });
    sqlite3_close(db);
    return terms;
}

// Makes the store at `path` look as a version 3 import left it: no error terms in its posting
// lists, no stored order, the narrower time index.
bool makeVersion3(const std::string &path)
{
    sqlite3 *db = nullptr;
    if (sqlite3_open(path.c_str(), &db) != SQLITE_OK)
        return false;
    std::map<std::int64_t, PostingSegment> segments;
    sqlite3_stmt *rows = nullptr;
    bool ok = sqlite3_prepare_v2(db, "SELECT segment, data FROM postings ORDER BY segment, first_term", -1, &rows, nullptr) == SQLITE_OK;
    while (ok && sqlite3_step(rows) == SQLITE_ROW) {
        PostingSegment &segment = segments[sqlite3_column_int64(rows, 0)];
        const std::string_view block(static_cast<const char *>(sqlite3_column_blob(rows, 1)), static_cast<std::size_t>(sqlite3_column_bytes(rows, 1)));
        ok = postingblocks::forEach(block, [&](std::string_view term, std::string_view list) {
            if (!term.starts_with("@err"))
                segment.terms.emplace_back(std::string(term), std::string(list));
            return true;
        });
    }
    sqlite3_finalize(rows);
    ok = ok && sqlite3_exec(db, "BEGIN; DELETE FROM postings;", nullptr, nullptr, nullptr) == SQLITE_OK;
    sqlite3_stmt *insert = nullptr;
    ok = ok && sqlite3_prepare_v2(db, "INSERT INTO postings(segment, first_term, data) VALUES (?1, ?2, ?3)", -1, &insert, nullptr) == SQLITE_OK;
    for (const auto &[number, segment] : segments)
        for (const postingblocks::Block &block : postingblocks::pack(segment)) {
            sqlite3_bind_int64(insert, 1, number);
            sqlite3_bind_text(insert, 2, block.firstTerm.data(), static_cast<int>(block.firstTerm.size()), SQLITE_TRANSIENT);
            sqlite3_bind_blob(insert, 3, block.data.data(), static_cast<int>(block.data.size()), SQLITE_TRANSIENT);
            ok = ok && sqlite3_step(insert) == SQLITE_DONE;
            sqlite3_reset(insert);
        }
    sqlite3_finalize(insert);
    ok = ok
        && sqlite3_exec(db,
                        "DROP TABLE event_order; DROP INDEX events_order; CREATE INDEX events_order ON events(ts, source, line, idx);"
                        "DELETE FROM meta WHERE key LIKE 'order_%'; COMMIT; PRAGMA user_version = 3;",
                        nullptr, nullptr, nullptr)
            == SQLITE_OK;
    sqlite3_close(db);
    return ok;
}

// The groups from stored signatures against those from every event's row, field by field.
void compareGroups(EventStore &store, const QueryFilter &filter, const std::optional<HistogramSpec> &timeline)
{
    auto stored = ErrorGroups::compute(store, filter, timeline, nullptr, true);
    auto read = ErrorGroups::compute(store, filter, timeline, nullptr, false);
    QVERIFY(stored.has_value());
    QVERIFY(read.has_value());
    QCOMPARE(stored->size(), read->size());
    for (std::size_t i = 0; i < read->size(); ++i) {
        const ErrorGroup &a = (*stored)[i];
        const ErrorGroup &b = (*read)[i];
        QCOMPARE(a.signature, b.signature);
        QCOMPARE(a.typePaths, b.typePaths);
        QCOMPARE(a.count, b.count);
        QCOMPARE(a.firstNs, b.firstNs);
        QCOMPARE(a.lastNs, b.lastNs);
        QCOMPARE(a.services, b.services);
        QVERIFY(a.sample.key == b.sample.key);
        QCOMPARE(a.sample.key.timeNs, a.firstNs); // the sample is the group's first event
        QCOMPARE(a.timeline, b.timeline);
    }
    // Each service's first error, against every event read.
    ErrorEventsRequest oneByOne;
    oneByOne.storedSignatures = false;
    auto events = store.errorEvents(filter, oneByOne);
    QVERIFY(events.has_value());
    QVERIFY(events->stored.empty());
    std::map<std::string, std::int64_t> firstErrors;
    for (const ErrorEvent &event : events->events) {
        auto [at, added] = firstErrors.try_emplace(events->services[event.service], event.key.timeNs);
        if (!added)
            at->second = std::min(at->second, event.key.timeNs);
    }
    auto services = ErrorGroups::byService(store, filter);
    QVERIFY(services.has_value());
    for (const ServiceErrors &service : services->services) {
        auto expected = firstErrors.find(service.name);
        QCOMPARE(service.firstErrorNs.has_value(), expected != firstErrors.end());
        if (service.firstErrorNs)
            QCOMPARE(*service.firstErrorNs, expected->second);
    }
}

} // namespace

class TestErrorGroups : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<EventStore> m_mixed;
    std::unique_ptr<EventStore> m_mixedWithoutOrder;

    // A generated incident with extra errors, and records of every shape the rules tell apart; made
    // once, for the tests that compare groups and terms on it.
    void ensureMixedStore()
    {
        if (m_mixed)
            return;
        const std::string bundle = m_dir.filePath(QStringLiteral("mixed")).toStdString();
        bundlegen::GeneratorOptions options;
        options.seed = 5;
        options.targetBytes = 900'000;
        options.extraErrorsPerMillion = 20'000;
        QVERIFY(bundlegen::generateBundle(bundle, options).ok);
        QFile shapes(QString::fromStdString(bundle + "/shapes.log"));
        QVERIFY(shapes.open(QIODevice::WriteOnly));
        const std::string longMessage = "stack overflow in " + std::string(1500, 'x') + " frame 7";
        const std::string lines[] = {
            "{\"level\":\"error\",\"service\":\"shapes\",\"msg\":\"before any time 12\"}",
            "{\"time\":\"2025-11-10T10:31:00.000Z\",\"level\":\"error\",\"service\":\"shapes\",\"error_type\":\"\",\"msg\":\"empty type 7\"}",
            "{\"time\":\"2025-11-10T10:31:00.000Z\",\"level\":\"error\",\"service\":\"shapes\",\"err\":{\"type\":\"B\"},\"error_type\":\"A\",\"msg\":\"two types\"}",
            "{\"time\":\"2025-11-10T10:31:59.999Z\",\"level\":\"fatal\",\"service\":\"shapes\",\"exc_type\":\"Z\",\"exc_type\":\"Y\",\"msg\":\"one path twice\"}",
            "{\"time\":\"2025-11-10T10:32:00.000Z\",\"level\":\"error\",\"msg\":\"no service 3\"}",
            "{\"time\":\"2025-11-10T10:33:00.000Z\",\"level\":\"error\",\"service\":\"shapes\",\"msg\":\"" + longMessage + "\"}",
            "{\"time\":\"2025-11-10T10:33:01.000Z\",\"level\":\"error\",\"service\":\"shapes\",\"error_type\":\"" + std::string(300, 'T') + "\",\"msg\":\"type too long 4\"}",
            "{\"time\":\"2025-11-10T10:31:17.500Z\",\"level\":\"error\",\"service\":\"worker-2\",\"error_type\":\"TimeoutError\",\"msg\":\"on a bound\"}",
        };
        for (const std::string &line : lines)
            shapes.write((line + "\n").c_str());
        shapes.close();
        m_mixed = importInto(m_dir, bundle, "mixed.timberline");
        QVERIFY(m_mixed);
        // The same store without its stored order, as while an import adds events.
        const QString copy = m_dir.filePath(QStringLiteral("mixed-without-order.timberline"));
        QVERIFY(copyStoreWithoutOrder(m_dir.filePath(QStringLiteral("mixed.timberline")), copy));
        auto opened = openStore(copy.toStdString(), OpenMode::ReadOnly);
        QVERIFY(opened.has_value());
        m_mixedWithoutOrder = std::move(opened.value());
    }

private Q_SLOTS:
    void mask_data()
    {
        QTest::addColumn<QString>("message");
        QTest::addColumn<QString>("masked");
        const auto row = [](const char *name, const char *message, const char *masked) {
            QTest::newRow(name) << QString::fromUtf8(message) << QString::fromUtf8(masked);
        };
        row("numbers", "retry 3 of 5 after 250ms", "retry <num> of <num> after <num>ms");
        row("float", "load 0.75 over 1.5", "load <num> over <num>");
        row("ipv4 and port", "connect 10.1.2.3:8080 refused", "connect <ip> refused");
        row("ipv6", "from fe80::1ff:fe23:4567:890a", "from <ip>");
        row("uuid", "request 550e8400-e29b-41d4-a716-446655440000 failed", "request <uuid> failed");
        row("uuid in a word", "id=req-550e8400-e29b-41d4-a716-446655440000", "id=req-<uuid>");
        row("hex", "at 0x7ffde4a0 and deadbeef42", "at <hex> and <hex>");
        row("ids", "task tsk_a1b2 for user-839 on worker-3", "task tsk_<id> for user-<num> on worker-<num>");
        row("quoted", "bad value \"a b\" for 'name'", "bad value \"<str>\" for '<str>'");
        row("apostrophe", "can't open file", "can't open file");
        row("dotted names stay", "task.failed in orchestrator.dispatch", "task.failed in orchestrator.dispatch");
        row("sentence end", "failed after 3.", "failed after <num>.");
        row("spaces", "  a   b\tc ", "a b c");
        row("words stay", "Connection refused by upstream", "Connection refused by upstream");
    }

    void mask()
    {
        QFETCH(QString, message);
        QFETCH(QString, masked);
        QCOMPARE(QString::fromStdString(ErrorSignature::mask(message.toStdString())), masked);
    }

    void fixtureGroups()
    {
        QVERIFY(m_dir.isValid());
        auto store = importInto(m_dir, TL_FIXTURES_DIR "/analysis/errors.ndjson", "fixture.timberline");
        QVERIFY(store);
        auto groups = ErrorGroups::compute(*store, QueryFilter());
        QVERIFY2(groups.has_value(), groups.has_value() ? "" : groups.error().message.c_str());
        std::map<std::string, const ErrorGroup *> bySignature;
        std::uint64_t total = 0;
        for (const ErrorGroup &group : groups.value()) {
            bySignature[group.signature] = &group;
            total += group.count;
        }
        QCOMPARE(total, std::uint64_t(17)); // errors and fatals; the info and the warn are no group's
        QCOMPARE(groups->size(), std::size_t(10));
        // Variable parts masked: one group each.
        const ErrorGroup *connection = bySignature["connection to <ip> failed after <num> retries"];
        QVERIFY(connection);
        QCOMPARE(connection->count, std::uint64_t(3));
        QCOMPARE(connection->services.size(), std::size_t(2));
        QCOMPARE(connection->services[0], (std::pair<std::string, std::uint64_t>{"api", 2}));
        QCOMPARE(connection->services[1], (std::pair<std::string, std::uint64_t>{"billing", 1}));
        QCOMPARE(format::rfc3339(connection->firstNs), std::string("2025-11-10T10:30:01.000000000Z"));
        QCOMPARE(format::rfc3339(connection->lastNs), std::string("2025-11-10T10:30:03.000000000Z"));
        QCOMPARE(connection->sample.message, std::string("connection to 10.0.0.5:5432 failed after 3 retries"));
        QCOMPARE(bySignature["user <num> not found"]->count, std::uint64_t(2));
        QCOMPARE(bySignature["request <uuid> timed out"]->count, std::uint64_t(2));
        QCOMPARE(bySignature["invalid value \"<str>\" for field '<str>'"]->count, std::uint64_t(2));
        QCOMPARE(bySignature["pool worker-<num> crashed with code <hex>"]->count, std::uint64_t(2));
        // Distinct errors apart.
        QCOMPARE(bySignature["disk full on /var"]->count, std::uint64_t(1));
        QCOMPARE(bySignature["disk full on /tmp"]->count, std::uint64_t(1));
        // Types win over messages, whichever key holds them.
        const ErrorGroup *timeout = bySignature["TimeoutError"];
        QVERIFY(timeout);
        QCOMPARE(timeout->count, std::uint64_t(2));
        QCOMPARE(timeout->services.size(), std::size_t(2));
        QCOMPARE(bySignature["OutOfMemoryError"]->count, std::uint64_t(1));
        QCOMPARE(bySignature["OutOfMemoryError"]->sample.level, Level::Fatal);
        QCOMPARE(bySignature["ValueError"]->typePaths, std::vector<std::string>{"error_type"});
        QCOMPARE(timeout->typePaths, (std::vector<std::string>{"error_type", "err.type"}));
        // Largest first.
        QCOMPARE(groups->front().signature, connection->signature);

        // A query narrows the groups; the group's own query finds its events.
        auto billing = ErrorGroups::compute(*store, filterOf("service:billing"));
        QVERIFY(billing.has_value());
        std::uint64_t billingTotal = 0;
        for (const ErrorGroup &group : billing.value())
            billingTotal += group.count;
        QCOMPARE(billingTotal, std::uint64_t(7));
        for (const ErrorGroup &group : groups.value()) {
            const std::string query = ErrorGroups::queryFor(group);
            auto filter = QueryFilter::fromText(query, QueryTime(0));
            QVERIFY2(filter.has_value(), query.c_str());
            auto count = store->count(filter.value());
            QVERIFY(count.has_value());
            QVERIFY2(*count >= group.count, query.c_str());
        }
        QCOMPARE(store->count(filterOf(ErrorGroups::queryFor(*timeout).c_str())).value(), std::uint64_t(2));

        // Per service: the first error of each.
        auto services = ErrorGroups::byService(*store, QueryFilter());
        QVERIFY(services.has_value());
        QCOMPARE(services->services.size(), std::size_t(2));
        QCOMPARE(services->services[0].name, std::string("api"));
        QCOMPARE(format::rfc3339(*services->services[0].firstErrorNs), std::string("2025-11-10T10:30:01.000000000Z"));
        QCOMPARE(format::rfc3339(*services->services[1].firstErrorNs), std::string("2025-11-10T10:30:03.000000000Z"));
        QCOMPARE(services->services[0].errors + services->services[1].errors, std::uint64_t(17));
    }

    // The generated incident: groups counted from its own records, signature by signature.
    void generatedGroups()
    {
        const std::string bundle = m_dir.filePath(QStringLiteral("bundle")).toStdString();
        bundlegen::GeneratorOptions options;
        options.seed = 11;
        options.targetBytes = 600'000;
        std::map<std::string, std::uint64_t> expected;
        std::map<std::string, std::map<std::string, std::uint64_t>> expectedServices;
        const auto report = bundlegen::generateBundle(bundle, options, [&](const bundlegen::GeneratedRecord &r) {
            if (r.level != "error" && r.level != "fatal")
                return;
            ErrorEvent event;
            event.message = r.message;
            for (const std::string &path : ErrorSignature::typePaths()) {
                auto found = std::find_if(r.fields.begin(), r.fields.end(), [&](const auto &f) { return f.path == path; });
                if (found != r.fields.end()) {
                    event.errorType = found->value;
                    break;
                }
            }
            const std::string signature = ErrorSignature::of(event.errorType, event.message);
            ++expected[signature];
            ++expectedServices[signature][r.service];
        });
        QVERIFY(report.ok);
        QVERIFY(expected.size() >= 2);
        auto store = importInto(m_dir, bundle, "generated.timberline");
        QVERIFY(store);
        auto groups = ErrorGroups::compute(*store, QueryFilter());
        QVERIFY(groups.has_value());
        std::map<std::string, std::uint64_t> found;
        for (const ErrorGroup &group : groups.value()) {
            found[group.signature] = group.count;
            std::map<std::string, std::uint64_t> services(group.services.begin(), group.services.end());
            QCOMPARE(services, expectedServices[group.signature]);
        }
        QCOMPARE(found, expected);
    }

    // Stored signatures (the `@errsig=` terms) against reading every event: the same groups, for
    // every kind of record the rules tell apart, over several minutes, with and without time bounds
    // and timelines whose buckets cut minutes.
    void storedSignaturesGiveTheSameGroups_data()
    {
        QTest::addColumn<QString>("query");
        QTest::addColumn<qint64>("bucketNs");
        QTest::newRow("all") << QString() << qint64(0);
        QTest::newRow("all, 7 s buckets") << QString() << qint64(7'000'000'000);
        QTest::newRow("all, 10 min buckets") << QString() << qint64(600'000'000'000);
        QTest::newRow("service") << QStringLiteral("service:worker-2") << qint64(0);
        QTest::newRow("term") << QStringLiteral("timeout") << qint64(0);
        QTest::newRow("not") << QStringLiteral("not service:orchestrator") << qint64(30'000'000'000);
        QTest::newRow("bounds inside minutes")
            << QStringLiteral("@timestamp >= \"2025-11-10T10:31:17.5Z\" and @timestamp < \"2025-11-10T10:36:42.25Z\"")
            << qint64(11'000'000'000);
    }

    void storedSignaturesGiveTheSameGroups()
    {
        QFETCH(QString, query);
        QFETCH(qint64, bucketNs);
        ensureMixedStore();
        QVERIFY(m_mixed && m_mixedWithoutOrder);
        auto filter = QueryFilter::fromText(query.toStdString(), QueryTime(0));
        QVERIFY(filter.has_value());
        std::optional<HistogramSpec> timeline;
        if (bucketNs > 0)
            timeline = HistogramSpec{1762770600'000'000'000 + 13'000'000'000, bucketNs, 60, false};
        compareGroups(*m_mixed, filter.value(), timeline);
        compareGroups(*m_mixedWithoutOrder, filter.value(), timeline);
        auto groups = ErrorGroups::compute(*m_mixed, filter.value());
        QVERIFY(groups.has_value());
        if (query.isEmpty()) {
            QVERIFY(groups->size() >= 30);
            // Both ways at once: the signature past 1 KiB has no term, so its event is read.
            ErrorEventsRequest request;
            request.typePaths = ErrorSignature::typePaths();
            auto events = m_mixed->errorEvents(filter.value(), request);
            QVERIFY(events.has_value());
            QVERIFY(events->stored.size() >= 30);
            QCOMPARE(events->events.size(), std::size_t(1));
            QVERIFY(events->events.front().message.starts_with("stack overflow in xxx"));
        }
    }

    // A store imported before the error terms gains them when it is upgraded, the very terms (and
    // event ids) the import writes now, and so the same groups.
    void olderStoresGainTheTermsByMigration()
    {
        const std::string imported = m_dir.filePath(QStringLiteral("now.timberline")).toStdString();
        const std::string older = m_dir.filePath(QStringLiteral("older.timberline")).toStdString();
        QVERIFY(importInto(m_dir, TL_FIXTURES_DIR "/analysis/errors.ndjson", "now.timberline"));
        QVERIFY(QFile::copy(QString::fromStdString(imported), QString::fromStdString(older)));
        QVERIFY(makeVersion3(older));
        QVERIFY(termIdsOf(older, "@err").empty());
        const auto expected = termIdsOf(imported, "@err");
        QCOMPARE(expected.size(), std::size_t(11 + 2 + 1));
        {
            auto upgraded = openStore(older, OpenMode::ReadWrite);
            QVERIFY2(upgraded.has_value(), upgraded.has_value() ? "" : upgraded.error().message.c_str());
        }
        QCOMPARE(termIdsOf(older, "@err"), expected);
        auto before = openStore(imported, OpenMode::ReadOnly);
        auto after = openStore(older, OpenMode::ReadOnly);
        QVERIFY(before.has_value() && after.has_value());
        auto a = ErrorGroups::compute(**before, filterOf(""));
        auto b = ErrorGroups::compute(**after, filterOf(""));
        QVERIFY(a.has_value() && b.has_value());
        QCOMPARE(a->size(), b->size());
        for (std::size_t i = 0; i < a->size(); ++i) {
            QCOMPARE((*a)[i].signature, (*b)[i].signature);
            QCOMPARE((*a)[i].count, (*b)[i].count);
            QCOMPARE((*a)[i].services, (*b)[i].services);
        }
        // The same on the generated incident with every shape of record the rules tell apart.
        ensureMixedStore();
        QVERIFY(m_mixed);
        const std::string mixed = m_dir.filePath(QStringLiteral("mixed.timberline")).toStdString();
        const std::string mixedOlder = m_dir.filePath(QStringLiteral("mixed-older.timberline")).toStdString();
        QVERIFY(QFile::copy(QString::fromStdString(mixed), QString::fromStdString(mixedOlder)));
        QVERIFY(makeVersion3(mixedOlder));
        {
            auto upgraded = openStore(mixedOlder, OpenMode::ReadWrite);
            QVERIFY(upgraded.has_value());
        }
        const auto mixedTerms = termIdsOf(mixed, "@err");
        QVERIFY(mixedTerms.size() > 30); // over 30 signatures, the services and the minutes
        QCOMPARE(termIdsOf(mixedOlder, "@err"), mixedTerms);
        // Upgraded once: opening it again adds nothing.
        {
            auto again = openStore(older, OpenMode::ReadWrite);
            QVERIFY(again.has_value());
        }
        QCOMPARE(termIdsOf(older, "@err"), expected);
    }

    // The import stores one signature, service and minute term per error or fatal event.
    void signatureTermsAfterImport()
    {
        const std::string path = m_dir.filePath(QStringLiteral("terms.timberline")).toStdString();
        auto store = importInto(m_dir, TL_FIXTURES_DIR "/analysis/errors.ndjson", "terms.timberline");
        QVERIFY(store);
        const auto signatures = termsOf(path, "@errsig=");
        const std::map<std::string, std::size_t> expected{
            {"@errsig=message:=connection to <ip> failed after <num> retries", 3},
            {"@errsig=message:=disk full on /tmp", 1},
            {"@errsig=message:=disk full on /var", 1},
            {"@errsig=message:=invalid value \"<str>\" for field '<str>'", 2},
            {"@errsig=message:=pool worker-<num> crashed with code <hex>", 2},
            {"@errsig=message:=request <uuid> timed out", 2},
            {"@errsig=message:=user <num> not found", 2},
            {"@errsig=type:err.type=TimeoutError", 1},
            {"@errsig=type:error_type=TimeoutError", 1},
            {"@errsig=type:error_type=ValueError", 1},
            {"@errsig=type:exc_type=OutOfMemoryError", 1},
        };
        QCOMPARE(signatures, expected);
        QCOMPARE(termsOf(path, "@errsvc="), (std::map<std::string, std::size_t>{{"@errsvc=api", 10}, {"@errsvc=billing", 7}}));
        // 2025-11-10T10:30:00Z is minute 29,379,510 since the epoch.
        QCOMPARE(termsOf(path, "@errmin="), (std::map<std::string, std::size_t>{{"@errmin=29379510", 17}}));
    }

    void cancels()
    {
        auto store = importInto(m_dir, TL_FIXTURES_DIR "/analysis/errors.ndjson", "cancel.timberline");
        QVERIFY(store);
        std::atomic<bool> cancelled{true};
        auto groups = ErrorGroups::compute(*store, QueryFilter(), std::nullopt, &cancelled);
        QVERIFY(!groups.has_value());
        QCOMPARE(groups.error().code, ErrorCode::Cancelled);
    }
};

QTEST_GUILESS_MAIN(TestErrorGroups)
#include "tst_errorgroups.moc"
