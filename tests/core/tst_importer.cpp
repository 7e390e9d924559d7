// SPDX-License-Identifier: MIT
// The import pipeline end to end: sources → store → what readers see.
#include <core/import/importer.h>
#include <core/query/queryfilter.h>
#include <core/store/sqlite/sqlitestore.h>

#include <QCryptographicHash>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <functional>

#include <sqlite3.h>

using namespace core;

namespace {

class Observer : public ImportObserver
{
public:
    std::function<ProgressAnswer(const ImportProgress &)> onProgress;
    std::function<void()> onRows;
    int progressCalls = 0;
    ProgressAnswer progress(const ImportProgress &progress) override
    {
        ++progressCalls;
        return onProgress ? onProgress(progress) : ProgressAnswer::Continue;
    }
    void rowsCommitted() override
    {
        if (onRows)
            onRows();
    }
};

QString fixture(const char *name)
{
    return QStringLiteral(TL_FIXTURES_DIR "/import/") + QLatin1String(name);
}

ImportSummary importInto(const QString &store, const QStringList &paths, ImportObserver *observer = nullptr)
{
    ImportRequest request;
    request.storePath = store.toStdString();
    for (const QString &path : paths)
        request.paths.push_back(path.toStdString());
    Observer fallback;
    auto summary = runImport(request, observer ? *observer : fallback);
    if (!summary)
        qFatal("import failed: %s", summary.error().message.c_str());
    return summary.value();
}

std::unique_ptr<SqliteStore> openStore(const QString &path)
{
    auto store = SqliteStore::open(path.toStdString(), OpenMode::ReadOnly);
    if (!store)
        qFatal("open failed: %s", store.error().message.c_str());
    return std::move(store.value());
}

const SourceRow *findSource(const StoreStats &stats, const QString &suffix)
{
    for (const SourceRow &source : stats.sources)
        if (QString::fromStdString(source.name).endsWith(suffix))
            return &source;
    return nullptr;
}

void writeFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(bytes);
}

QByteArray manyLines(int count, int firstSecond = 0)
{
    QByteArray bytes;
    for (int i = 0; i < count; ++i) {
        const int second = firstSecond + i;
        bytes += QStringLiteral(R"({"timestamp":"2025-11-10T%1:%2:%3Z","level":"%4","event":"step %5","service":"svc","request_id":"req-%6"})")
                     .arg(10 + second / 3600)
                     .arg(second / 60 % 60, 2, 10, QLatin1Char('0'))
                     .arg(second % 60, 2, 10, QLatin1Char('0'))
                     .arg(i % 10 == 0 ? QStringLiteral("error") : QStringLiteral("info"))
                     .arg(i)
                     .arg(i % 100)
                     .toUtf8()
            + '\n';
    }
    return bytes;
}

} // namespace

class TestImporter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void importsEverySourceAndReportsTheBadOnes()
    {
        QTemporaryDir dir;
        const QString store = dir.filePath(QStringLiteral("incident.timberline"));
        const ImportSummary summary = importInto(store, {fixture("orchestrator.log"), fixture("cache.log"), fixture("core.bin"),
                                                         dir.filePath(QStringLiteral("missing.log"))});
        QCOMPARE(summary.outcome, Outcome::Finished);
        QCOMPARE(summary.events, 5u);
        QCOMPARE(summary.sources.size(), 4u);
        QCOMPARE(summary.sources[2].error, std::string("binary"));
        QCOMPARE(summary.sources[2].status, SourceStatus::Failed);
        QVERIFY(QString::fromStdString(summary.sources[3].error).contains(QLatin1String("no such file")));
        QVERIFY(summary.firstRowsSeconds >= 0 && summary.firstRowsSeconds <= summary.completeSeconds);

        auto reader = openStore(store);
        auto stats = reader->stats();
        QVERIFY(stats.has_value());
        QCOMPARE(stats->events, 5u);
        QCOMPARE(stats->lines, 6u); // 4 lines (one blank, CRLF last) + 2 lines (no final newline)
        const SourceRow *orchestrator = findSource(*stats, QStringLiteral("orchestrator.log"));
        QVERIFY(orchestrator);
        QCOMPARE(orchestrator->status, SourceStatus::Complete);
        QCOMPARE(orchestrator->counts.lines, 4u);
        QCOMPARE(orchestrator->counts.eventLines, 3u);
        QCOMPARE(orchestrator->counts.blankLines, 1u);
        QFile orchestratorFile(fixture("orchestrator.log"));
        QVERIFY(orchestratorFile.open(QIODevice::ReadOnly));
        QCOMPARE(QByteArray::fromStdString(orchestrator->sha256),
                 QCryptographicHash::hash(orchestratorFile.readAll(), QCryptographicHash::Sha256).toHex());
        const SourceRow *binary = findSource(*stats, QStringLiteral("core.bin"));
        QVERIFY(binary);
        QCOMPARE(binary->error, std::string("binary"));
        QCOMPARE(stats->levels[static_cast<int>(Level::Error)], 1u);
        QCOMPARE(stats->levels[static_cast<int>(Level::Warn)], 1u);
        QCOMPARE(stats->services.at("orchestrator"), 3u);
        QCOMPARE(stats->services.at("cache"), 2u);
        QCOMPARE(stats->requestIds, 2u);
        QVERIFY(stats->firstNs.has_value());
    }

    void eventsComeInTheOneOrderAcrossSources()
    {
        QTemporaryDir dir;
        const QString store = dir.filePath(QStringLiteral("incident.timberline"));
        importInto(store, {fixture("orchestrator.log"), fixture("cache.log")});
        auto reader = openStore(store);
        auto events = reader->events(std::nullopt, 100);
        QVERIFY(events.has_value());
        QStringList messages;
        for (const EventRow &event : events.value())
            messages << QString::fromStdString(event.message);
        QCOMPARE(messages, (QStringList{QStringLiteral("task.started"), QStringLiteral("cache.miss"), QStringLiteral("task.failed"),
                                        QStringLiteral("cache.hit"), QStringLiteral("task.retry")}));
        // Keyset paging from the middle and backwards gives the same order.
        auto rest = reader->events(events->at(1).key, 2);
        QCOMPARE(rest->size(), 2u);
        QCOMPARE(rest->at(0).message, std::string("task.failed"));
        auto backwards = reader->events(std::nullopt, 5, Direction::Descending);
        QCOMPARE(backwards->front().message, std::string("task.retry"));
        QCOMPARE(events->front().requestId, std::string("req-aaa"));
        QCOMPARE(events->front().level, Level::Info);
    }

    void rawLinesAndFieldsComeBackAsWritten()
    {
        QTemporaryDir dir;
        const QString store = dir.filePath(QStringLiteral("incident.timberline"));
        importInto(store, {fixture("orchestrator.log")});
        auto reader = openStore(store);
        auto events = reader->events(std::nullopt, 10);
        QCOMPARE(events->size(), 3u);
        QFile file(fixture("orchestrator.log"));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = file.readAll().split('\n');
        QCOMPARE(QByteArray::fromStdString(reader->rawText(events->at(0)).value()), lines[0]);
        // The CRLF line keeps its carriage return byte for byte.
        QCOMPARE(QByteArray::fromStdString(reader->rawText(events->at(2)).value()), lines[3]);
        QVERIFY(lines[3].endsWith('\r'));
        auto fields = reader->fields(events->at(1));
        QVERIFY(fields.has_value());
        bool found = false;
        for (const auto &[path, value] : fields.value())
            found |= path == "error_type" && value == "PoolTimeout";
        QVERIFY(found);
    }

    // A span's fields come back from its raw lines too, though they sit inside a larger document.
    void fieldsOfDocumentRecords_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("path"); // every event has it
        QTest::addColumn<QString>("firstPath");
        QTest::addColumn<QString>("firstValue");
        QTest::newRow("zipkin span") << QStringLiteral("zipkin-array.json") << QStringLiteral("traceId")
                                     << QStringLiteral("localEndpoint.serviceName") << QStringLiteral("mobile-gateway");
        QTest::newRow("cloudtrail record") << QStringLiteral("cloudtrail.json") << QStringLiteral("eventSource")
                                           << QStringLiteral("eventSource") << QStringLiteral("sts.amazonaws.com");
        QTest::newRow("otlp span") << QStringLiteral("otlp-traces.json") << QStringLiteral("traceId") << QString() << QString();
    }

    void fieldsOfDocumentRecords()
    {
        QFETCH(QString, file);
        QFETCH(QString, path);
        QFETCH(QString, firstPath);
        QFETCH(QString, firstValue);
        QTemporaryDir dir;
        const QString store = dir.filePath(QStringLiteral("incident.timberline"));
        importInto(store, {QStringLiteral(TL_FIXTURES_DIR "/documents/") + file});
        auto reader = openStore(store);
        auto events = reader->events(std::nullopt, 1000);
        QVERIFY(events.has_value() && !events->empty());
        for (const EventRow &event : events.value()) {
            auto fields = reader->fields(event);
            QVERIFY(fields.has_value());
            bool found = false;
            for (const auto &[fieldPath, fieldValue] : fields.value())
                found |= QString::fromStdString(fieldPath) == path;
            QVERIFY2(found, qPrintable(QStringLiteral("%1 line %2: no %3").arg(file).arg(event.key.line).arg(path)));
        }
        if (!firstPath.isEmpty()) {
            bool matched = false;
            const auto first = reader->fields(events->front());
            QVERIFY(first.has_value());
            for (const auto &[fieldPath, fieldValue] : first.value())
                matched |= QString::fromStdString(fieldPath) == firstPath && QString::fromStdString(fieldValue) == firstValue;
            QVERIFY(matched);
        }
    }

    void aSourceAlreadyInTheStoreIsSkippedAsDuplicate()
    {
        QTemporaryDir dir;
        const QString store = dir.filePath(QStringLiteral("incident.timberline"));
        importInto(store, {fixture("cache.log")});
        const QString copy = dir.filePath(QStringLiteral("cache-copy.log"));
        QVERIFY(QFile::copy(fixture("cache.log"), copy));
        const ImportSummary again = importInto(store, {copy});
        QCOMPARE(again.sources.size(), 1u);
        QVERIFY(QString::fromStdString(again.sources[0].error).startsWith(QLatin1String("duplicate of ")));
        QVERIFY(QString::fromStdString(again.sources[0].error).endsWith(QLatin1String("cache.log")));
        auto stats = openStore(store)->stats();
        QCOMPARE(stats->events, 2u);
        QCOMPARE(stats->sources.size(), 1u);
        QCOMPARE(stats->services.at("cache"), 2u);
    }

    void cancellingKeepsAConsistentStoreAndAPartialSourceCompletesLater()
    {
        QTemporaryDir dir;
        const QString log = dir.filePath(QStringLiteral("big.log"));
        writeFile(log, manyLines(400000));
        const QString store = dir.filePath(QStringLiteral("incident.timberline"));
        Observer cancelling;
        cancelling.onProgress = [](const ImportProgress &) { return ProgressAnswer::Cancel; };
        const ImportSummary cancelled = importInto(store, {log}, &cancelling);
        QCOMPARE(cancelled.outcome, Outcome::Cancelled);
        auto stats = openStore(store)->stats();
        QCOMPARE(stats->sources.size(), 1u);
        QCOMPARE(stats->sources[0].status, SourceStatus::Partial);
        QVERIFY(stats->events > 0 && stats->events < 400000u);
        QCOMPARE(stats->events, stats->sources[0].counts.events);
        const LineCounts &c = stats->sources[0].counts;
        QCOMPARE(c.lines, c.eventLines + c.continuationLines + c.documentLines + c.blankLines);

        const ImportSummary completed = importInto(store, {log});
        QCOMPARE(completed.outcome, Outcome::Finished);
        stats = openStore(store)->stats();
        QCOMPARE(stats->sources.size(), 1u);
        QCOMPARE(stats->sources[0].status, SourceStatus::Complete);
        QCOMPARE(stats->events, 400000u);
        QCOMPARE(stats->levels[static_cast<int>(Level::Error)], 40000u);
        QCOMPARE(stats->requestIds, 100u);
    }

    void readersSeeRowsWhileTheImportRuns()
    {
        QTemporaryDir dir;
        const QString log = dir.filePath(QStringLiteral("big.log"));
        writeFile(log, manyLines(200000));
        const QString store = dir.filePath(QStringLiteral("incident.timberline"));
        Observer observer;
        std::uint64_t seenDuringImport = 0;
        observer.onRows = [&] {
            auto reader = SqliteStore::open(store.toStdString(), OpenMode::ReadOnly);
            QVERIFY(reader.has_value());
            auto rows = (*reader)->eventsByArrival(0, 1000);
            QVERIFY(rows.has_value());
            seenDuringImport = rows->size();
            // The count includes the rows committed so far, before the indexer has counted them.
            QVERIFY((*reader)->eventCount().value() >= rows->size());
            // Free text the messages do not hold is looked for in the raw lines, some of which are
            // not written yet: those rows are matched on their columns, not reported as damage.
            auto absent = QueryFilter::fromText("nowhere", QueryTime(0));
            QVERIFY(absent.has_value());
            auto count = (*reader)->count(absent.value());
            QVERIFY2(count.has_value(), count.has_value() ? "" : count.error().message.c_str());
            QCOMPARE(count.value(), 0u);
        };
        const ImportSummary summary = importInto(store, {log}, &observer);
        QVERIFY(seenDuringImport > 0);
        QCOMPARE(summary.events, 200000u);
        auto reader = openStore(store);
        QCOMPARE(reader->eventCount().value(), 200000u);
        auto last = reader->events(std::nullopt, 1, Direction::Descending);
        QCOMPARE(last->front().message, std::string("step 199999"));
    }

    void identityIsStableAcrossStores()
    {
        QTemporaryDir dir;
        const QString first = dir.filePath(QStringLiteral("a.timberline"));
        const QString second = dir.filePath(QStringLiteral("b.timberline"));
        importInto(first, {fixture("cache.log")});
        importInto(second, {fixture("orchestrator.log"), fixture("cache.log")});
        auto a = openStore(first)->events(std::nullopt, 10).value();
        auto b = openStore(second)->events(std::nullopt, 10).value();
        const auto identity = [](const EventRow &event) {
            return event.sourceSha256 + ':' + std::to_string(event.key.line) + ':' + std::to_string(event.key.index);
        };
        QCOMPARE(identity(a[0]), identity(b[1])); // cache.miss
        QVERIFY(a[0].key.sourceId != b[1].key.sourceId); // the key names an event within its store only
    }

    // Events are found by their key with the time index (after an import) and without it (during the
    // first import into a store, which builds the index only when it ends).
    void eventsAreFoundByKey()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("keys.timberline"));
        importInto(path, {QStringLiteral(TL_SOURCE_DIR "/resources/sample-incident")});
        std::vector<EventRow> all = openStore(path)->events(std::nullopt, 100000).value();
        QVERIFY(all.size() > 1000);
        std::vector<EventKey> keys;
        for (std::size_t i = all.size(); i-- > 0;) // any order in, the one order out
            keys.push_back(all[i].key);
        EventKey missing = all.back().key;
        missing.index += 7;
        keys.push_back(missing);
        const auto sameEvents = [&](const std::vector<EventRow> &found) {
            QCOMPARE(found.size(), all.size());
            for (std::size_t i = 0; i < all.size(); ++i) {
                QVERIFY(found[i].key == all[i].key);
                QCOMPARE(found[i].message, all[i].message);
            }
        };
        sameEvents(openStore(path)->eventsByKey(keys).value());
        sqlite3 *db = nullptr;
        QCOMPARE(sqlite3_open(path.toUtf8().constData(), &db), SQLITE_OK);
        QCOMPARE(sqlite3_exec(db, "DROP INDEX events_order", nullptr, nullptr, nullptr), SQLITE_OK);
        sqlite3_close(db);
        sameEvents(openStore(path)->eventsByKey(keys).value());
    }
};

QTEST_GUILESS_MAIN(TestImporter)
#include "tst_importer.moc"
