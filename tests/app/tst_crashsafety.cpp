// SPDX-License-Identifier: MIT
// Nothing lost, nothing counted twice: imports killed with SIGKILL at several points and imported
// again, two imports into one store at once, and readers while a store is written or was left
// mid-write. Every count is exact, against the lines the test wrote.
#include "runtimberline.h"

#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

namespace {

// Enough that an import takes seconds, so each kill lands in the middle of it; the sanitizer build
// imports several times slower, so a quarter does.
#if defined(__SANITIZE_ADDRESS__)
constexpr int Lines = 50'000;
#else
constexpr int Lines = 200'000;
#endif

// structlog-style JSON lines, each with its own request ID.
bool writeLog(const QString &path, int lines, int offset = 0)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return false;
    static const char *const levels[] = {"info", "info", "warn", "error"};
    QByteArray chunk;
    for (int i = offset; i < offset + lines; ++i) {
        chunk += QStringLiteral(
                     "{\"timestamp\":\"2026-11-20T08:%1:%2.%3Z\",\"level\":\"%4\",\"event\":\"request handled\","
                     "\"request_id\":\"req-%5-%6\",\"service\":\"api\",\"duration_ms\":%7}\n")
                     .arg(i / 60000 % 60, 2, 10, QLatin1Char('0'))
                     .arg(i / 1000 % 60, 2, 10, QLatin1Char('0'))
                     .arg(i % 1000 * 1000, 6, 10, QLatin1Char('0'))
                     .arg(QLatin1String(levels[i % 4]))
                     .arg(i)
                     .arg(qHash(i), 8, 16, QLatin1Char('0'))
                     .arg(i % 997)
                     .toUtf8();
        if (chunk.size() > (1 << 20)) {
            file.write(chunk);
            chunk.clear();
        }
    }
    file.write(chunk);
    return true;
}

QJsonObject stats(const QString &store)
{
    const Run run = timberline({QStringLiteral("stats"), QStringLiteral("--store"), store, QStringLiteral("--json")});
    return QJsonDocument::fromJson(run.out).object();
}

qint64 count(const QString &store, const QString &query)
{
    const Run run
        = timberline({QStringLiteral("query"), QStringLiteral("--store"), store, QStringLiteral("--count"), query});
    bool ok = false;
    const qint64 value = run.out.trimmed().toLongLong(&ok);
    return ok && run.exitCode == 0 ? value : -1;
}

// The histogram's buckets summed: the bucket counts must agree with the rows after any rollback.
qint64 histogramTotal(const QString &store)
{
    const Run run
        = timberline({QStringLiteral("histogram"), QStringLiteral("--store"), store, QStringLiteral("--json")});
    qint64 total = 0;
    for (const QJsonValue &bucket :
         QJsonDocument::fromJson(run.out).object().value(QStringLiteral("buckets")).toArray()) {
        const QJsonObject levels = bucket.toObject().value(QStringLiteral("levels")).toObject();
        for (auto level = levels.begin(); level != levels.end(); ++level)
            total += level.value().toInteger();
    }
    return run.exitCode == 0 ? total : -1;
}

QProcess *startImport(QObject *parent, const QStringList &arguments)
{
    auto *process = new QProcess(parent);
    process->setProgram(QStringLiteral(TL_APP_PATH));
    process->setArguments(QStringList{QStringLiteral("import")} + arguments);
    process->start();
    process->waitForStarted();
    return process;
}

} // namespace

class TestCrashSafety : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_log = m_dir.filePath(QStringLiteral("big.log"));
        QVERIFY(writeLog(m_log, Lines));
    }

    // Killed once some rows are committed, at about a third and two thirds, and once every row is
    // written but the store not yet complete: the next import rolls the source back and imports it
    // once, and the store's counts all agree.
    void killedImportsAreRolledBackAndImportedOnce_data()
    {
        QTest::addColumn<int>("killAfterEvents");
        QTest::newRow("first rows") << 1;
        QTest::newRow("a third") << Lines / 3;
        QTest::newRow("two thirds") << 2 * Lines / 3;
        QTest::newRow("every row") << Lines;
    }

    void killedImportsAreRolledBackAndImportedOnce()
    {
        QFETCH(int, killAfterEvents);
        QTemporaryDir dir;
        const QString store = dir.filePath(QStringLiteral("killed.timberline"));
        QProcess *import = startImport(this, {QStringLiteral("--store"), store, m_log});
        // Readers see committed rows as they land: kill once enough are there.
        qint64 seen = 0;
        QElapsedTimer waited;
        waited.start();
        bool ended = false;
        while (!(ended = import->waitForFinished(20)) && seen < killAfterEvents && waited.elapsed() < 60000)
            seen = QFileInfo::exists(store) ? stats(store).value(QStringLiteral("events")).toInteger() : 0;
        // An import that ends first killed nothing: the input is too small for this machine.
        QVERIFY2(!ended, "the import ended before the kill point; make Lines bigger");
        import->kill(); // SIGKILL
        QVERIFY(import->waitForFinished(10000));
        delete import;

        // Readable as it was left, the source marked.
        const QJsonObject left = stats(store);
        QCOMPARE(left.value(QStringLiteral("sources")).toArray().size(), 1);
        const QJsonObject source = left.value(QStringLiteral("sources")).toArray().first().toObject();
        // The source may have ended between the last look and the kill: the kill then hits the
        // store's own finishing (the time index), which the next import completes.
        const QString status = source.value(QStringLiteral("status")).toString();
        const bool interrupted = status == QLatin1String("interrupted");
        QVERIFY2(
            interrupted
                || (status == QLatin1String("complete") && left.value(QStringLiteral("events")).toInteger() == Lines),
            qPrintable(status));
        QVERIFY(left.value(QStringLiteral("events")).toInteger() >= killAfterEvents);

        const Run again = timberline({QStringLiteral("import"), QStringLiteral("--store"), store, m_log});
        QCOMPARE(again.exitCode, 0);
        QCOMPARE(again.out.startsWith("Rolled back big.log: an interrupted import had left "), interrupted);
        const QJsonObject after = stats(store);
        QCOMPARE(after.value(QStringLiteral("events")).toInteger(), qint64(Lines));
        QCOMPARE(after.value(QStringLiteral("sources")).toArray().size(), 1);
        QCOMPARE(after.value(QStringLiteral("sources"))
                     .toArray()
                     .first()
                     .toObject()
                     .value(QStringLiteral("status"))
                     .toString(),
                 QStringLiteral("complete"));
        QCOMPARE(count(store, QStringLiteral("*")), qint64(Lines));
        QCOMPARE(count(store, QStringLiteral("level:error")), qint64(Lines / 4));
        QCOMPARE(histogramTotal(store), qint64(Lines));
        // And a third import adds nothing.
        const Run third = timberline({QStringLiteral("import"), QStringLiteral("--store"), store, m_log});
        QCOMPARE(third.exitCode, 0);
        QVERIFY(third.out.contains("skipped   big.log: duplicate of big.log"));
        QCOMPARE(count(store, QStringLiteral("*")), qint64(Lines));
    }

    // One writer per store: the second import is refused by name and changes nothing; with --wait it
    // lands after the first, and the two sources are each there once.
    void aSecondImportIsRefusedOrWaits()
    {
        QTemporaryDir dir;
        const QString store = dir.filePath(QStringLiteral("two.timberline"));
        const QString other = dir.filePath(QStringLiteral("other.log"));
        QVERIFY(writeLog(other, 50'000, Lines));
        QProcess *first = startImport(this, {QStringLiteral("--store"), store, m_log});
        QElapsedTimer waited;
        waited.start();
        bool ended = false;
        while (!(ended = first->waitForFinished(20))
               && !(QFileInfo::exists(store) && stats(store).value(QStringLiteral("events")).toInteger() > 0)
               && waited.elapsed() < 60000) { }
        QVERIFY(!ended);
        const Run refused = timberline({QStringLiteral("import"), QStringLiteral("--store"), store, other});
        QCOMPARE(refused.exitCode, 1);
        QCOMPARE(refused.err.trimmed(), QByteArray("timberline: another import is writing " + store.toUtf8()));
        const Run waiting
            = timberline({QStringLiteral("import"), QStringLiteral("--wait"), QStringLiteral("--store"), store, other});
        QCOMPARE(waiting.exitCode, 0);
        QVERIFY(first->waitForFinished(60000));
        QCOMPARE(first->exitCode(), 0);
        delete first;
        const QJsonObject after = stats(store);
        QCOMPARE(after.value(QStringLiteral("sources")).toArray().size(), 2);
        QCOMPARE(count(store, QStringLiteral("*")), qint64(Lines + 50'000));
        QCOMPARE(histogramTotal(store), qint64(Lines + 50'000));
        QCOMPARE(count(store, QStringLiteral("request_id:req-%1-*").arg(Lines + 7)), 1); // the second file's, once
    }

    // Readers while rows land: every answer is a count, never an error about missing raw lines.
    void readersDuringAnImportNeverFail()
    {
        QTemporaryDir dir;
        const QString store = dir.filePath(QStringLiteral("live.timberline"));
        QProcess *import = startImport(this, {QStringLiteral("--store"), store, m_log});
        int answered = 0;
        while (!import->waitForFinished(20)) {
            if (!QFileInfo::exists(store))
                continue;
            // A phrase query reads raw lines for every candidate event.
            const Run run = timberline({QStringLiteral("query"), QStringLiteral("--store"), store,
                                        QStringLiteral("--count"), QStringLiteral("\"request handled\" and req-1*")});
            if (run.exitCode == 1 && run.err.contains("not a Timberline store"))
                continue; // the file exists before its first commit
            QVERIFY2(run.exitCode == 0, run.err.constData());
            ++answered;
        }
        QCOMPARE(import->exitCode(), 0);
        delete import;
        QVERIFY(answered > 0);
    }

    void aFolderIsNotAStore()
    {
        QTemporaryDir dir;
        for (const char *verb : {"stats", "import"}) {
            QStringList arguments{QLatin1String(verb), QStringLiteral("--store"), dir.path()};
            if (QLatin1String(verb) == QLatin1String("import"))
                arguments << m_log;
            const Run run = timberline(arguments);
            QCOMPARE(run.exitCode, 1);
            QVERIFY2(run.err.contains(QByteArray(dir.path().toUtf8() + " is a folder; a store is a file")),
                     run.err.constData());
        }
    }

private:
    QTemporaryDir m_dir;
    QString m_log;
};

QTEST_GUILESS_MAIN(TestCrashSafety)
#include "tst_crashsafety.moc"
