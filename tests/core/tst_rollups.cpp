// SPDX-License-Identifier: MIT
// The minute and hour rollups of the bucket counts: written with the seconds, subtracted with them
// when a duplicate source is removed, and every sum read through them equal to the 1-second sums and
// to the rows (and so are the first and last times found through them), over random ranges that start and end anywhere (whole hours, minutes, seconds or not).
#include <core/model/eventformat.h>
#include <core/import/importer.h>
#include <core/query/queryfilter.h>
#include <core/query/querytime.h>
#include <core/store/sqlite/sqlitestore.h>

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <sqlite3.h>

#include <random>

using namespace core;

namespace {

constexpr std::int64_t SecondNs = 1'000'000'000;
constexpr std::int64_t StartNs = 1'762'732'800 * SecondNs; // 2025-11-10T00:00:00Z
constexpr std::int64_t SpanNs = 30 * 3600 * SecondNs;
const char *const Levels[] = {"trace", "debug", "info", "warn", "error", "fatal"};
const char *const Services[] = {"api", "worker", "db", ""};

class Quiet : public ImportObserver
{
public:
    ProgressAnswer progress(const ImportProgress &) override { return ProgressAnswer::Continue; }
};

void writeLog(const QString &path, std::uint32_t seed, int events)
{
    std::mt19937_64 random(seed);
    QByteArray text;
    for (int i = 0; i < events; ++i) {
        // Clustered times, so that some seconds, minutes and hours are empty and others full.
        const std::int64_t ts = StartNs + static_cast<std::int64_t>(random() % static_cast<std::uint64_t>(SpanNs)) / (i % 3 == 0 ? 1 : 7);
        const char *service = Services[random() % 4];
        text += "{\"time\":\"" + QByteArray::fromStdString(format::rfc3339(ts)) + "\",\"level\":\"" + Levels[random() % 6] + "\",";
        if (*service)
            text += QByteArray("\"service\":\"") + service + "\",";
        text += "\"msg\":\"event " + QByteArray::number(i) + "\"}\n";
    }
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(text);
}

void import(const QString &store, const QString &path)
{
    ImportRequest request;
    request.storePath = store.toStdString();
    request.paths.push_back(path.toStdString());
    Quiet observer;
    auto summary = runImport(request, observer);
    QVERIFY2(summary.has_value(), summary.has_value() ? "" : summary.error().message.c_str());
}

std::int64_t sqlInteger(sqlite3 *db, const std::string &text)
{
    sqlite3_stmt *statement = nullptr;
    if (sqlite3_prepare_v2(db, text.c_str(), -1, &statement, nullptr) != SQLITE_OK)
        qFatal("%s: %s", text.c_str(), sqlite3_errmsg(db));
    const std::int64_t value = sqlite3_step(statement) == SQLITE_ROW ? sqlite3_column_int64(statement, 0) : -1;
    sqlite3_finalize(statement);
    return value;
}

} // namespace

class TestRollups : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_store = m_dir.filePath(QStringLiteral("rollups.timberline"));
        writeLog(m_dir.filePath(QStringLiteral("a.log")), 1, 6000);
        writeLog(m_dir.filePath(QStringLiteral("b.log")), 2, 4000);
        import(m_store, m_dir.filePath(QStringLiteral("a.log")));
        import(m_store, m_dir.filePath(QStringLiteral("b.log")));
        // The same bytes again: imported, found a duplicate, its counts subtracted.
        QVERIFY(QFile::copy(m_dir.filePath(QStringLiteral("a.log")), m_dir.filePath(QStringLiteral("again.log"))));
        import(m_store, m_dir.filePath(QStringLiteral("again.log")));
        QCOMPARE(sqlite3_open_v2(m_store.toUtf8().constData(), &m_db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
        QCOMPARE(sqlInteger(m_db, "SELECT count(*) FROM events"), std::int64_t{10000});
    }

    void cleanupTestCase() { sqlite3_close(m_db); }

    // Each width holds exactly the 1-second counts regrouped, and nothing else.
    void rollupsEqualTheSecondsRegrouped()
    {
        for (const std::int64_t width : {60 * SecondNs, 3600 * SecondNs}) {
            const std::string w = std::to_string(width);
            const std::string regrouped = "SELECT start - start % " + w + ", level, service, sum(count) FROM buckets GROUP BY 1, 2, 3";
            const std::string rolled = "SELECT start, level, service, count FROM rollups WHERE width = " + w;
            QCOMPARE(sqlInteger(m_db, "SELECT count(*) FROM (" + regrouped + " EXCEPT " + rolled + ")"), std::int64_t{0});
            QCOMPARE(sqlInteger(m_db, "SELECT count(*) FROM (" + rolled + " EXCEPT " + regrouped + ")"), std::int64_t{0});
            QVERIFY(sqlInteger(m_db, "SELECT count(*) FROM rollups WHERE width = " + w) > 0);
        }
    }

    // Counts, time extents and level histograms of random time/level/service filters equal the rows.
    void sumsOverRandomRangesEqualTheRows()
    {
        auto opened = SqliteStore::open(m_store.toStdString(), OpenMode::ReadOnly);
        QVERIFY(opened.has_value());
        SqliteStore &store = *opened.value();
        std::mt19937_64 random(7);
        const std::int64_t grains[] = {1, SecondNs, 60 * SecondNs, 3600 * SecondNs};
        const auto pick = [&]() {
            const std::int64_t grain = grains[random() % 4];
            const std::int64_t ns = StartNs - 3600 * SecondNs + static_cast<std::int64_t>(random() % static_cast<std::uint64_t>(SpanNs + 7200 * SecondNs));
            return ns - ns % grain;
        };
        for (int round = 0; round < 150; ++round) {
            std::int64_t from = pick();
            std::int64_t to = pick();
            if (from > to)
                std::swap(from, to);
            std::string text = "@timestamp >= \"" + format::rfc3339(from) + "\" AND @timestamp < \"" + format::rfc3339(to) + "\"";
            std::string where = "ts >= " + std::to_string(from) + " AND ts < " + std::to_string(to);
            if (round % 3 != 0) {
                const int level = static_cast<int>(random() % 6);
                text += std::string(" AND level:") + Levels[level];
                where += " AND level = " + std::to_string(level + 1);
            }
            if (round % 4 == 1) {
                const int service = static_cast<int>(random() % 3);
                text += std::string(" AND NOT service:") + Services[service];
                where += std::string(" AND coalesce(service, 0) NOT IN (SELECT id FROM dict WHERE value = '") + Services[service] + "')";
            }
            if (round % 5 == 2) // an open end: the rollups up to the last hour
                text = "level:error OR " + text;
            if (round % 5 == 2)
                where = "level = 5 OR (" + where + ")";
            auto filter = QueryFilter::fromText(text, QueryTime(StartNs));
            QVERIFY2(filter.has_value(), text.c_str());
            QVERIFY(filter->onlyTimeLevelService());
            auto count = store.count(filter.value());
            QVERIFY(count.has_value());
            QCOMPARE(static_cast<std::int64_t>(*count), sqlInteger(m_db, "SELECT count(*) FROM events WHERE " + where));
            auto extent = store.timeExtent(filter.value());
            QVERIFY(extent.has_value());
            const std::int64_t first = sqlInteger(m_db, "SELECT coalesce(min(ts), -1) FROM events WHERE " + where);
            QCOMPARE(extent->has_value() ? extent->value().first : std::int64_t{-1}, first);
            QCOMPARE(extent->has_value() ? extent->value().second : std::int64_t{-1},
                     sqlInteger(m_db, "SELECT coalesce(max(ts), -1) FROM events WHERE " + where));

            // A histogram over another random range: seconds, minutes or hours wide, aligned or not.
            HistogramSpec spec;
            const std::int64_t steps[] = {SecondNs, 7 * SecondNs, 60 * SecondNs, 90 * SecondNs, 3600 * SecondNs, 5400 * SecondNs};
            spec.bucketNs = steps[random() % 6];
            spec.buckets = 1 + random() % 40;
            spec.fromNs = pick();
            spec.fromNs -= spec.fromNs % SecondNs; // finer starts are counted from rows, not from the counts
            spec.byService = round % 2 == 1;
            auto histogram = store.levelHistogram(filter.value(), spec);
            QVERIFY(histogram.has_value());
            for (std::size_t i = 0; i < spec.buckets; i += 1 + spec.buckets / 5) {
                const std::int64_t begin = spec.fromNs + static_cast<std::int64_t>(i) * spec.bucketNs;
                for (int level = 0; level < 7; ++level) {
                    const std::string rows = "SELECT count(*) FROM events WHERE (" + where + ") AND level = " + std::to_string(level)
                        + " AND ts >= " + std::to_string(begin) + " AND ts < " + std::to_string(begin + spec.bucketNs);
                    QCOMPARE(static_cast<std::int64_t>(histogram->buckets[i][static_cast<std::size_t>(level)]), sqlInteger(m_db, rows));
                }
            }
        }
    }

    void statsEqualTheRows()
    {
        auto opened = SqliteStore::open(m_store.toStdString(), OpenMode::ReadOnly);
        QVERIFY(opened.has_value());
        auto stats = (*opened)->stats();
        QVERIFY(stats.has_value());
        QCOMPARE(stats->events, 10000u);
        QCOMPARE((*opened)->eventCount().value(), 10000u);
        for (int level = 0; level < 7; ++level)
            QCOMPARE(static_cast<std::int64_t>(stats->levels[static_cast<std::size_t>(level)]),
                     sqlInteger(m_db, "SELECT count(*) FROM events WHERE level = " + std::to_string(level)));
        for (const char *service : Services)
            QCOMPARE(static_cast<std::int64_t>(stats->services[service]),
                     sqlInteger(m_db, std::string("SELECT count(*) FROM events LEFT JOIN dict ON dict.id = events.service "
                                                  "WHERE coalesce(dict.value, '') = '")
                                          + service + "'"));
    }

private:
    QTemporaryDir m_dir;
    QString m_store;
    sqlite3 *m_db = nullptr;
};

QTEST_GUILESS_MAIN(TestRollups)
#include "tst_rollups.moc"
