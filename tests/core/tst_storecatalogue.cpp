// SPDX-License-Identifier: MIT
// The field catalogue and the tallies of a result's fields that the sidebar and completion show.
#include <core/import/importer.h>
#include <core/query/queryfilter.h>
#include <core/store/sqlite/sqlitestore.h>

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>

using namespace core;

namespace {

class Quiet : public ImportObserver
{
public:
    ProgressAnswer progress(const ImportProgress &) override { return ProgressAnswer::Continue; }
};

const FieldInfo *find(const std::vector<FieldInfo> &fields, const std::string &path)
{
    auto found = std::find_if(fields.begin(), fields.end(), [&](const FieldInfo &f) { return f.path == path; });
    return found == fields.end() ? nullptr : &*found;
}

QueryFilter filterOf(const char *text)
{
    auto filter = QueryFilter::fromText(text, QueryTime(0));
    if (!filter)
        qFatal("%s", filter.error().message.c_str());
    return std::move(filter.value());
}

} // namespace

class TestStoreCatalogue : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        const QString log = m_dir.filePath(QStringLiteral("app.log"));
        QFile file(log);
        QVERIFY(file.open(QIODevice::WriteOnly));
        // 30 events: user u0..u2 (u0 most often), every third an error, one with a nested field.
        for (int i = 0; i < 30; ++i) {
            const QByteArray user = i % 5 == 0 ? "u1" : (i % 7 == 0 ? "u2" : "u0");
            file.write("{\"ts\":\"2025-11-10T10:00:" + QByteArray::number(i).rightJustified(2, '0')
                + "Z\",\"level\":\"" + (i % 3 == 0 ? "error" : "info") + "\",\"msg\":\"step " + QByteArray::number(i)
                + "\",\"user\":\"" + user + "\"" + (i == 4 ? ",\"http\":{\"status\":503}" : "") + "}\n");
        }
        file.close();
        m_store = m_dir.filePath(QStringLiteral("c.timberline"));
        ImportRequest request;
        request.storePath = m_store.toStdString();
        request.paths = {log.toStdString()};
        Quiet quiet;
        auto summary = runImport(request, quiet);
        QVERIFY(summary);
    }

    void catalogueListsEveryPath()
    {
        auto store = SqliteStore::open(m_store.toStdString(), OpenMode::ReadOnly);
        QVERIFY(store);
        auto catalogue = (*store)->fieldCatalogue();
        QVERIFY(catalogue);
        const FieldInfo *user = find(*catalogue, "user");
        QVERIFY(user);
        QCOMPARE(user->events, 30u);
        QVERIFY(user->types & 1);
        QVERIFY(!user->topValues.empty());
        QCOMPARE(user->topValues.front().first, std::string("u0"));
        const FieldInfo *status = find(*catalogue, "http.status");
        QVERIFY(status);
        QCOMPARE(status->events, 1u);
        QVERIFY(status->types & 2);
        QCOMPARE(status->topValues.front(), (std::pair<std::string, std::uint64_t>("503", 1)));
    }

    void sampleTalliesTheFirstEventsOfTheResult()
    {
        auto store = SqliteStore::open(m_store.toStdString(), OpenMode::ReadOnly);
        QVERIFY(store);
        std::uint64_t sampled = 0;
        auto fields = (*store)->sampleFields(filterOf("level:error"), 5, 2, &sampled);
        QVERIFY(fields);
        QCOMPARE(sampled, 5u); // errors at 0, 3, 6, 9, 12
        const FieldInfo *user = find(*fields, "user");
        QVERIFY(user);
        QCOMPARE(user->events, 5u);
        QCOMPARE(user->topValues.size(), 2u);
        // u1 at 0; u0 at 3, 6, 9, 12.
        QCOMPARE(user->topValues[0], (std::pair<std::string, std::uint64_t>("u0", 4)));
        QCOMPARE(user->topValues[1], (std::pair<std::string, std::uint64_t>("u1", 1)));
        QVERIFY(!find(*fields, "http.status"));
        // Paths come most common first.
        QVERIFY(fields->front().events >= fields->back().events);
    }

    void countValuesCoversTheWholeResult()
    {
        auto store = SqliteStore::open(m_store.toStdString(), OpenMode::ReadOnly);
        QVERIFY(store);
        auto counted = (*store)->countValues(filterOf("level:error"), "user", 5);
        QVERIFY(counted);
        QCOMPARE(counted->events, 10u);
        std::uint64_t total = 0;
        for (const auto &[value, count] : counted->topValues)
            total += count;
        QCOMPARE(total, 10u);
        auto none = (*store)->countValues(filterOf("level:error"), "no.such.path", 5);
        QVERIFY(none);
        QCOMPARE(none->events, 0u);

        std::atomic<bool> cancelled{true};
        auto stopped = (*store)->countValues(filterOf("*"), "user", 5, &cancelled);
        QVERIFY(!stopped);
        QCOMPARE(stopped.error().code, ErrorCode::Cancelled);
    }

private:
    QTemporaryDir m_dir;
    QString m_store;
};

QTEST_GUILESS_MAIN(TestStoreCatalogue)
#include "tst_storecatalogue.moc"
