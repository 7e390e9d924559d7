// SPDX-License-Identifier: MIT
// The store file itself: recognised by its application id, versioned, refused when foreign or newer.
#include <core/base/textformat.h>
#include <core/base/timekey.h>
#include <core/query/queryfilter.h>
#include <core/query/querytime.h>
#include <core/store/sqlite/sqlite.h>
#include <core/store/sqlite/sqlitestore.h>

#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <sqlite3.h>

using namespace core;

namespace {

void runSql(const QString &path, const QByteArray &sql)
{
    sqlite3 *db = nullptr;
    QCOMPARE(sqlite3_open(path.toUtf8().constData(), &db), SQLITE_OK);
    char *message = nullptr;
    const int rc = sqlite3_exec(db, sql.constData(), nullptr, nullptr, &message);
    QVERIFY2(rc == SQLITE_OK, message);
    sqlite3_close(db);
}

int queryInteger(const QString &path, const char *sql)
{
    sqlite3 *db = nullptr;
    int value = -1;
    sqlite3_stmt *statement = nullptr;
    if (sqlite3_open(path.toUtf8().constData(), &db) == SQLITE_OK && sqlite3_prepare_v2(db, sql, -1, &statement, nullptr) == SQLITE_OK
        && sqlite3_step(statement) == SQLITE_ROW)
        value = sqlite3_column_int(statement, 0);
    sqlite3_finalize(statement);
    sqlite3_close(db);
    return value;
}

} // namespace

class TestStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void aNewStoreIsRecognised()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("new.timberline"));
        QVERIFY(!SqliteStore::isStore(path.toStdString()));
        {
            auto store = SqliteStore::open(path.toStdString(), OpenMode::ReadWrite);
            QVERIFY(store.has_value());
            QCOMPARE((*store)->eventCount().value(), 0u);
        }
        QVERIFY(SqliteStore::isStore(path.toStdString()));
        auto reader = SqliteStore::open(path.toStdString(), OpenMode::ReadOnly);
        QVERIFY(reader.has_value());
        QVERIFY(!(*reader)->writer().has_value());
    }

    void foreignFilesAreRefused_data()
    {
        QTest::addColumn<QByteArray>("sql");
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("message");
        QTest::newRow("another SQLite database") << QByteArray("CREATE TABLE notes(x);") << QByteArray() << int(ErrorCode::NotAStore)
                                                 << QStringLiteral("not a Timberline store");
        QTest::newRow("a text file") << QByteArray() << QByteArray("hello, this is not a database at all\n") << int(ErrorCode::NotAStore)
                                     << QStringLiteral("not a Timberline store");
        QTest::newRow("a store from the future") << QByteArray("CREATE TABLE t(x); PRAGMA application_id = 1414286917; PRAGMA user_version = 99;")
                                                 << QByteArray() << int(ErrorCode::TooNew) << QStringLiteral("schema version 99");
    }

    void foreignFilesAreRefused()
    {
        QFETCH(QByteArray, sql);
        QFETCH(QByteArray, content);
        QFETCH(int, code);
        QFETCH(QString, message);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("file.db"));
        if (!sql.isEmpty())
            runSql(path, sql);
        if (!content.isEmpty()) {
            QFile file(path);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(content);
        }
        for (OpenMode mode : {OpenMode::ReadWrite, OpenMode::ReadOnly}) {
            auto store = SqliteStore::open(path.toStdString(), mode);
            QVERIFY(!store.has_value());
            QCOMPARE(int(store.error().code), code);
            QVERIFY2(QString::fromStdString(store.error().message).contains(message), store.error().message.c_str());
        }
        // A newer store is still a Timberline store: the app says why it cannot read it.
        QCOMPARE(SqliteStore::isStore(path.toStdString()), code == int(ErrorCode::TooNew));
    }

    // A long query lets an import commit: its read transaction is let go between rows once held for
    // ReadTransaction::YieldMs; before that, a writer that does not wait is refused.
    void readTransactionsYieldToTheWriter()
    {
        QTemporaryDir dir;
        const QByteArray path = dir.filePath(QStringLiteral("yield.db")).toUtf8();
        sqlite3 *writer = nullptr;
        sqlite3 *reader = nullptr;
        QCOMPARE(sqlite3_open(path.constData(), &writer), SQLITE_OK);
        QCOMPARE(sqlite3_open(path.constData(), &reader), SQLITE_OK);
        QCOMPARE(sqlite3_exec(writer, "CREATE TABLE t(x); INSERT INTO t VALUES (1);", nullptr, nullptr, nullptr), SQLITE_OK);
        sqlite3_busy_timeout(writer, 0);
        {
            sql::ReadTransaction transaction(reader);
            QCOMPARE(sqlite3_exec(reader, "SELECT count(*) FROM t", nullptr, nullptr, nullptr), SQLITE_OK);
            QCOMPARE(sqlite3_exec(writer, "INSERT INTO t VALUES (2)", nullptr, nullptr, nullptr), SQLITE_BUSY);
            sql::ReadTransaction::yieldIfLong(reader); // held for less than YieldMs: kept
            QCOMPARE(sqlite3_exec(writer, "INSERT INTO t VALUES (2)", nullptr, nullptr, nullptr), SQLITE_BUSY);
            QThread::msleep(sql::ReadTransaction::YieldMs + 5);
            sql::ReadTransaction::yieldIfLong(reader);
            QCOMPARE(sqlite3_exec(writer, "INSERT INTO t VALUES (2)", nullptr, nullptr, nullptr), SQLITE_OK);
            QCOMPARE(sqlite3_get_autocommit(reader), 0); // still inside a transaction, a new one
        }
        QCOMPARE(sqlite3_get_autocommit(reader), 1);
        sqlite3_close(reader);
        sqlite3_close(writer);
    }

    // Every past schema kept in tests/fixtures/stores opens, upgraded in place to the current version,
    // with its data: events, bucket counts (and their rollups) and posting lists (two request IDs, one
    // other term).
    void pastSchemasUpgradeInPlace_data()
    {
        QTest::addColumn<QString>("schema");
        QTest::addColumn<QByteArray>("postings");
        QTest::newRow("v1") << QStringLiteral(TL_FIXTURES_DIR "/stores/v1.sql")
                            << QByteArray("INSERT INTO postings(term, segment, ids) VALUES ('@rid=req-1', 1, x'01'), "
                                          "('@rid=req-2', 1, x'01'), ('@rid=req-1', 2, x'01'), ('kept', 2, x'01');");
        // A block holds, per term: varint length, term, varint length, list.
        QTest::newRow("v2") << QStringLiteral(TL_FIXTURES_DIR "/stores/v2.sql")
                            << QByteArray("INSERT INTO postings(segment, first_term, data) VALUES "
                                          "(1, '@rid=req-1', x'0a407269643d7265712d3101010a407269643d7265712d320101'), (2, '@rid=req-1', x'0a407269643d7265712d310101046b6570740101');");
        // Version 3 adds the minute and hour rollups of the bucket counts.
        QTest::newRow("v4") << QStringLiteral(TL_FIXTURES_DIR "/stores/v4.sql")
                            << QByteArray("INSERT INTO postings(segment, first_term, data) VALUES "
                                          "(1, '@rid=req-1', x'0a407269643d7265712d3101010a407269643d7265712d320101'), (2, '@rid=req-1', x'0a407269643d7265712d310101046b6570740101');"
                                          "INSERT INTO rollups VALUES (60000000000, 1762770600000000000, 5, 0, 1), (3600000000000, 1762768800000000000, 5, 0, 1);"
                                          "CREATE INDEX events_order ON events(ts, source, line, idx, level, service);");
        QTest::newRow("v3") << QStringLiteral(TL_FIXTURES_DIR "/stores/v3.sql")
                            << QByteArray("INSERT INTO postings(segment, first_term, data) VALUES "
                                          "(1, '@rid=req-1', x'0a407269643d7265712d3101010a407269643d7265712d320101'), (2, '@rid=req-1', x'0a407269643d7265712d310101046b6570740101');"
                                          "INSERT INTO rollups VALUES (60000000000, 1762770600000000000, 5, 0, 1), (3600000000000, 1762768800000000000, 5, 0, 1);"
                                          // An import that finished left the time index; version 4 widens it and writes the order.
                                          "CREATE INDEX events_order ON events(ts, source, line, idx);");
    }

    void pastSchemasUpgradeInPlace()
    {
        QFETCH(QString, schema);
        QFETCH(QByteArray, postings);
        QFile file(schema);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("old.timberline"));
        runSql(path, file.readAll()
                   + "INSERT INTO sources(id, name, status, lines, event_lines, events) VALUES (1, 'old.log', 'complete', 1, 1, 1);"
                     "INSERT INTO events(id, ts, source, line, idx, nlines, level, flags, message) "
                     "VALUES (1, 1762770600000000000, 1, 1, 0, 1, 5, 0, 'kept');"
                     "INSERT INTO buckets VALUES (1762770600000000000, 5, 0, 1);"
                   + postings);
        QVERIFY(SqliteStore::isStore(path.toStdString()));
        {
            auto store = SqliteStore::open(path.toStdString(), OpenMode::ReadWrite);
            QVERIFY2(store.has_value(), store.has_value() ? "" : store.error().message.c_str());
        }
        auto store = SqliteStore::open(path.toStdString(), OpenMode::ReadOnly);
        QVERIFY(store.has_value());
        auto events = (*store)->events(std::nullopt, 10);
        QVERIFY(events.has_value());
        QCOMPARE(events->size(), 1u);
        QCOMPARE(events->front().message, std::string("kept"));
        QCOMPARE(events->front().level, Level::Error);
        auto stats = (*store)->stats();
        QVERIFY2(stats.has_value(), stats.has_value() ? "" : stats.error().message.c_str());
        QCOMPARE(stats->levels[static_cast<int>(Level::Error)], 1u);
        QCOMPARE(stats->requestIds, 2u);
        auto filter = QueryFilter::fromText("kept", QueryTime(QueryTime::wallClockNs()));
        QVERIFY(filter.has_value());
        auto count = (*store)->count(filter.value());
        QVERIFY(count.has_value());
        QCOMPARE(count.value(), 1u);
        // Counted from the rollups, which the migration built from the bucket counts.
        auto errors = QueryFilter::fromText("level:error", QueryTime(QueryTime::wallClockNs()));
        QVERIFY(errors.has_value());
        QCOMPARE((*store)->count(errors.value()).value(), 1u);
        // A store whose import had finished gets the wider time index and the order in memory.
        if (std::string_view(QTest::currentDataTag()) == "v3") {
            QCOMPARE(queryInteger(path, "SELECT count(*) FROM pragma_index_info('events_order')"), 6);
            QCOMPARE(queryInteger(path, "SELECT count(*) FROM event_order"), 1);
            QCOMPARE(queryInteger(path, "SELECT value FROM meta WHERE key = 'order_events'"), 1);
            auto at = (*store)->eventsAt(errors.value(), 0, 5);
            QVERIFY(at.has_value());
            QCOMPARE(at->size(), 1u);
            QCOMPARE(at->front().message, std::string("kept"));
        }
    }

    // Version 5 stores time keys (core/base/timekey.h): a version 4 store's events dated 1677-1823 or
    // 2116-2262, held as nanoseconds, get their keys, in the same order, with their bucket counts.
    void version5ReencodesTimesOutsideTheExactWindow()
    {
        QFile file(QStringLiteral(TL_FIXTURES_DIR "/stores/v4.sql"));
        QVERIFY(file.open(QIODevice::ReadOnly));
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("v4.timberline"));
        // 1700-01-01, 2025-11-10T10:30 and 2200-01-01 in nanoseconds, as version 4 wrote them.
        runSql(path, file.readAll()
                   + "INSERT INTO sources(id, name, status, lines, event_lines, events) VALUES (1, 'old.log', 'complete', 3, 3, 3);"
                     "INSERT INTO events(id, ts, source, line, idx, nlines, level, flags, message) VALUES "
                     "(1, -8520336000000000000, 1, 1, 0, 1, 3, 0, 'y1700'), (2, 1762770600000000000, 1, 2, 0, 1, 3, 0, 'y2025'),"
                     "(3, 7258118400000000000, 1, 3, 0, 1, 3, 0, 'y2200');"
                     "INSERT INTO buckets VALUES (-8520336000000000000, 3, 0, 1), (1762770600000000000, 3, 0, 1), (7258118400000000000, 3, 0, 1);"
                     "CREATE INDEX events_order ON events(ts, source, line, idx, level, service);");
        {
            auto store = SqliteStore::open(path.toStdString(), OpenMode::ReadWrite);
            QVERIFY2(store.has_value(), store.has_value() ? "" : store.error().message.c_str());
        }
        auto store = SqliteStore::open(path.toStdString(), OpenMode::ReadOnly);
        QVERIFY(store.has_value());
        auto events = (*store)->events(std::nullopt, 10);
        QVERIFY(events.has_value());
        QCOMPARE(events->size(), 3u);
        QCOMPARE(events->at(0).message, std::string("y1700"));
        QCOMPARE(format::rfc3339(events->at(0).key.timeNs), std::string("1700-01-01T00:00:00.000000000Z"));
        QCOMPARE(events->at(1).key.timeNs, std::int64_t{1762770600000000000}); // inside the window: unchanged
        QCOMPARE(format::rfc3339(events->at(2).key.timeNs), std::string("2200-01-01T00:00:00.000000000Z"));
        QCOMPARE(events->at(0).key.timeNs, *timekey::fromEpoch(-8520336000, 0));
        // The buckets moved with their events: one each, none left under the old nanoseconds.
        QCOMPARE(queryInteger(path, "SELECT count(*) FROM buckets WHERE start = -8520336000000000000 OR start = 7258118400000000000"), 0);
        QCOMPARE(queryInteger(path, "SELECT sum(count) FROM buckets"), 3);
        QCOMPARE(queryInteger(path, "SELECT count(*) FROM event_rows WHERE time = '2200-01-01T00:00:00.000000000Z'"), 1);
        QCOMPARE(queryInteger(path, "SELECT count(*) FROM event_rows WHERE time = '1700-01-01T00:00:00.000000000Z'"), 1);
        QCOMPARE(queryInteger(path, "SELECT count(*) FROM event_rows WHERE time = '2025-11-10T10:30:00.000000000Z'"), 1);
    }
};

QTEST_GUILESS_MAIN(TestStore)
#include "tst_store.moc"
