// SPDX-License-Identifier: MIT
// `timberline query`: events in the one order, counts, JSON and CSV, `--now end`, and errors with a caret.
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include "runtimberline.h"

class TestQueryCli : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_store;

    Run query(QStringList arguments)
    {
        arguments.prepend(m_store);
        arguments.prepend(QStringLiteral("--store"));
        arguments.prepend(QStringLiteral("query"));
        return timberline(arguments);
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_store = m_dir.filePath(QStringLiteral("q.timberline"));
        const Run imported = timberline({QStringLiteral("import"), QStringLiteral("--store"), m_store,
                                         QStringLiteral(TL_FIXTURES_DIR "/import/orchestrator.log"),
                                         QStringLiteral(TL_FIXTURES_DIR "/import/cache.log")});
        QCOMPARE(imported.exitCode, 0);
    }

    void eventsInTheOneOrder()
    {
        const Run run = query({QStringLiteral("request_id:req-aaa")});
        QCOMPARE(run.exitCode, 0);
        const QList<QByteArray> lines = run.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 3);
        QVERIFY(lines[0].contains("task.started"));
        QVERIFY(lines[1].contains("cache.miss"));
        QVERIFY(lines[2].contains("task.failed"));
    }

    void counts()
    {
        QCOMPARE(query({QStringLiteral("--count"), QStringLiteral("level:error")}).out, QByteArray("1\n"));
        QCOMPARE(query({QStringLiteral("--count"), QStringLiteral("not"), QStringLiteral("level:error")}).out, QByteArray("4\n"));
        QCOMPARE(query({QStringLiteral("--count"), QStringLiteral("--json"), QStringLiteral("service:cache")}).out,
                 QByteArray("{\"count\":2}\n"));
    }

    // A single dash is Lucene's "not", never a short option.
    void aLeadingDashIsQueryText()
    {
        QCOMPARE(query({QStringLiteral("--count"), QStringLiteral("-level:error")}).out, QByteArray("4\n"));
        QCOMPARE(query({QStringLiteral("-service:cache"), QStringLiteral("--count")}).out, QByteArray("3\n"));
    }

    // QCommandLineParser's `--name=value` and `--`, which ends the options.
    void optionsTheParserAdds()
    {
        const Run run = timberline({QStringLiteral("query"), QStringLiteral("--store=") + m_store, QStringLiteral("--count"),
                                    QStringLiteral("--"), QStringLiteral("level:error")});
        QCOMPARE(run.exitCode, 0);
        QCOMPARE(run.out, QByteArray("1\n"));
    }

    void jsonKeysAreThoseOfEvents()
    {
        const Run run = query({QStringLiteral("--json"), QStringLiteral("--limit"), QStringLiteral("1"), QStringLiteral("event:\"task.failed\"")});
        QCOMPARE(run.exitCode, 0);
        const Run events = timberline({QStringLiteral("events"), QStringLiteral("--store"), m_store, QStringLiteral("--json")});
        QVERIFY(events.out.contains(run.out.trimmed()));
    }

    void csv()
    {
        const Run run = query({QStringLiteral("--csv"), QStringLiteral("service:cache")});
        QCOMPARE(run.exitCode, 0);
        QVERIFY(run.out.startsWith("time,level,service,message,request_id,source\n"));
        QCOMPARE(run.out.count('\n'), 3);
    }

    void nowAtTheEnd()
    {
        const Run run = query({QStringLiteral("--count"), QStringLiteral("--now"), QStringLiteral("end"), QStringLiteral("@timestamp:[now-2s TO now]")});
        QCOMPARE(run.exitCode, 0);
        QVERIFY(run.out.toInt() >= 1);
        QCOMPARE(query({QStringLiteral("--count"), QStringLiteral("--now"), QStringLiteral("wallclock"), QStringLiteral("@timestamp >= now-1h")}).out,
                 QByteArray("0\n"));
    }

    void timeZone()
    {
        // 11:30 in Paris is 10:30 UTC in November.
        const Run run = query({QStringLiteral("--count"), QStringLiteral("--tz"), QStringLiteral("Europe/Paris"),
                               QStringLiteral("@timestamp < \"2025-11-10T11:30:01\"")});
        QCOMPARE(run.out, QByteArray("1\n"));
    }

    void badQueryPointsAtTheSpot()
    {
        const Run run = query({QStringLiteral("level:")});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains("  level:\n        ^\nexpected a value after ':' at column 7"), run.err.constData());
        QVERIFY(!run.err.contains("SQL"));
        QCOMPARE(query({QStringLiteral("@timestamp > yesterday")}).exitCode, 2);
        QCOMPARE(query({QStringLiteral("--now"), QStringLiteral("later"), QStringLiteral("x")}).exitCode, 2);
    }
};

QTEST_GUILESS_MAIN(TestQueryCli)
#include "tst_query_cli.moc"
