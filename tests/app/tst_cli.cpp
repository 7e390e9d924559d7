// SPDX-License-Identifier: MIT
// The command line as users and scripts meet it: exit codes, JSON keys, time format, errors by name.
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

#include "runtimberline.h"

namespace {

QString fixture(const char *name)
{
    return QStringLiteral(TL_FIXTURES_DIR "/import/") + QLatin1String(name);
}

} // namespace

class TestCli : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void versionAndHelp()
    {
        const Run version = timberline({QStringLiteral("--version")});
        QCOMPARE(version.exitCode, 0);
        QVERIFY(version.out.startsWith("timberline "));
        const Run help = timberline({QStringLiteral("--help")});
        QCOMPARE(help.exitCode, 0);
        QVERIFY(help.out.contains("timberline import --store FILE"));
    }

    void usageErrorsExitWithTwo_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::newRow("no store") << QStringList{QStringLiteral("import"), fixture("cache.log")};
        QTest::newRow("no path") << QStringList{QStringLiteral("import"), QStringLiteral("--store"), QStringLiteral("x.timberline")};
        QTest::newRow("unknown option") << QStringList{QStringLiteral("stats"), QStringLiteral("--bogus")};
        QTest::newRow("bad limit") << QStringList{QStringLiteral("events"), QStringLiteral("--store"), QStringLiteral("x"),
                                                  QStringLiteral("--limit"), QStringLiteral("many")};
        QTest::newRow("bad zone") << QStringList{QStringLiteral("import"), QStringLiteral("--store"), QStringLiteral("x.timberline"),
                                                 QStringLiteral("--tz"), QStringLiteral("Mars/Olympus"), fixture("cache.log")};
    }

    void usageErrorsExitWithTwo()
    {
        QFETCH(QStringList, arguments);
        QTemporaryDir dir;
        for (QString &argument : arguments)
            if (argument.endsWith(QLatin1String(".timberline")))
                argument = dir.filePath(argument);
        const Run run = timberline(arguments);
        QCOMPARE(run.exitCode, 2);
        QVERIFY(run.err.startsWith("timberline: "));
    }

    // Scripts match these words: the same text, byte for byte, whichever parser reads the options.
    void usageMessagesAreExact_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QByteArray>("message");
        const auto s = [](const char *text) { return QString::fromLatin1(text); };
        QTest::newRow("no store") << QStringList{s("query")}
                                  << QByteArray("query takes --store FILE [--count] [--json|--csv] [--limit N] [--now end|wallclock] "
                                                "[--tz ZONE] QUERY");
        QTest::newRow("json and csv") << QStringList{s("query"), s("--store"), s("S"), s("--json"), s("--csv")}
                                      << QByteArray("query takes --store FILE [--count] [--json|--csv] [--limit N] "
                                                    "[--now end|wallclock] [--tz ZONE] QUERY");
        QTest::newRow("unknown option") << QStringList{s("stats"), s("--bogus")} << QByteArray("unknown option --bogus");
        QTest::newRow("option of another verb") << QStringList{s("events"), s("--store"), s("S"), s("--count")}
                                                << QByteArray("unknown option --count");
        QTest::newRow("no value") << QStringList{s("stats"), s("--store")} << QByteArray("--store needs a value");
        QTest::newRow("no number") << QStringList{s("events"), s("--store"), s("S"), s("--limit")} << QByteArray("--limit needs a value");
        QTest::newRow("bad limit") << QStringList{s("events"), s("--limit"), s("x"), s("--store"), s("S")}
                                   << QByteArray("--limit takes a whole number");
        QTest::newRow("negative limit") << QStringList{s("query"), s("--store"), s("S"), s("--limit"), s("-1")}
                                        << QByteArray("--limit takes a whole number");
        QTest::newRow("bad now") << QStringList{s("errors"), s("--store"), s("S"), s("--now"), s("later")}
                                 << QByteArray("--now takes end or wallclock");
        QTest::newRow("stats and text") << QStringList{s("stats"), s("--store"), s("S"), s("extra")}
                                        << QByteArray("stats takes --store FILE and nothing else");
        QTest::newRow("events and text") << QStringList{s("events"), s("--store"), s("S"), s("-x")}
                                         << QByteArray("events takes --store FILE [--limit N] [--json]");
        QTest::newRow("import without store") << QStringList{s("import"), s("a.log")} << QByteArray("import needs --store FILE");
        QTest::newRow("import without path") << QStringList{s("import"), s("--store"), s("S")} << QByteArray("import needs at least one PATH");
        QTest::newRow("bad bucket") << QStringList{s("histogram"), s("--store"), s("S"), s("--bucket"), s("5y")}
                                    << QByteArray("--bucket takes auto or a number with ms, s, m (minutes), h, d or w: 5y");
        QTest::newRow("window: unknown option") << QStringList{s("--bogus")} << QByteArray("unknown option --bogus");
        QTest::newRow("window: bad size") << QStringList{s("--size"), s("0x0"), s("a.log")}
                                          << QByteArray("--size takes WIDTHxHEIGHT, e.g. 1280x800");
    }

    void usageMessagesAreExact()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QByteArray, message);
        const Run run = timberline(arguments);
        QCOMPARE(run.exitCode, 2);
        QCOMPARE(run.err, QByteArray("timberline: " + message + "\n(see timberline --help)\n"));
        QVERIFY(run.out.isEmpty());
    }

    void importStatsEvents()
    {
        QTemporaryDir dir;
        const QString store = dir.filePath(QStringLiteral("incident.timberline"));
        const Run ok = timberline({QStringLiteral("import"), QStringLiteral("--store"), store, fixture("orchestrator.log"), fixture("cache.log")});
        QCOMPARE(ok.exitCode, 0);
        QVERIFY(ok.out.contains("5 events"));

        // A binary file and a missing path: named with their reasons, the rest imported, exit 1.
        const QString second = dir.filePath(QStringLiteral("second.timberline"));
        const Run bad = timberline({QStringLiteral("import"), QStringLiteral("--store"), second, QStringLiteral("--json"),
                                    fixture("core.bin"), dir.filePath(QStringLiteral("gone.log")), fixture("cache.log")});
        QCOMPARE(bad.exitCode, 1);
        const QJsonObject summary = QJsonDocument::fromJson(bad.out).object();
        QCOMPARE(summary[QStringLiteral("events")].toInt(), 2);
        const QJsonArray sources = summary[QStringLiteral("sources")].toArray();
        QCOMPARE(sources.size(), 3);
        QCOMPARE(sources[0].toObject()[QStringLiteral("error")].toString(), QStringLiteral("binary"));
        QVERIFY(sources[1].toObject()[QStringLiteral("error")].toString().contains(QLatin1String("no such file")));

        const Run stats = timberline({QStringLiteral("stats"), QStringLiteral("--store"), store, QStringLiteral("--json")});
        QCOMPARE(stats.exitCode, 0);
        const QJsonObject object = QJsonDocument::fromJson(stats.out).object();
        QCOMPARE(object[QStringLiteral("events")].toInt(), 5);
        QCOMPARE(object[QStringLiteral("lines")].toInt(), 6);
        QCOMPARE(object[QStringLiteral("request_ids")].toInt(), 2);
        QCOMPARE(object[QStringLiteral("levels")].toObject().keys(),
                 (QStringList{QStringLiteral("debug"), QStringLiteral("error"), QStringLiteral("fatal"), QStringLiteral("info"),
                              QStringLiteral("trace"), QStringLiteral("unknown"), QStringLiteral("warn")}));
        QCOMPARE(object[QStringLiteral("services")].toObject()[QStringLiteral("orchestrator")].toInt(), 3);
        QCOMPARE(object[QStringLiteral("first")].toString(), QStringLiteral("2025-11-10T10:30:00.000001000Z"));
        QCOMPARE(object[QStringLiteral("last")].toString(), QStringLiteral("2025-11-10T10:30:04.000000000Z"));
        const QJsonObject source = object[QStringLiteral("sources")].toArray()[0].toObject();
        QCOMPARE(source[QStringLiteral("path")].toString(), QFileInfo(fixture("orchestrator.log")).absoluteFilePath());
        for (const char *key : {"name", "path", "format", "sha256", "status", "lines", "event_lines", "continuation_lines", "document_lines",
                                "blank_lines", "events", "unparsed"})
            QVERIFY2(source.contains(QLatin1String(key)), key);

        const Run events = timberline({QStringLiteral("events"), QStringLiteral("--store"), store, QStringLiteral("--json"),
                                       QStringLiteral("--limit"), QStringLiteral("3")});
        QCOMPARE(events.exitCode, 0);
        const QList<QByteArray> lines = events.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 3);
        const QJsonObject first = QJsonDocument::fromJson(lines[0]).object();
        QCOMPARE(first[QStringLiteral("time")].toString(), QStringLiteral("2025-11-10T10:30:00.000001000Z"));
        QCOMPARE(first[QStringLiteral("message")].toString(), QStringLiteral("task.started"));
        QCOMPARE(QJsonDocument::fromJson(lines[1]).object()[QStringLiteral("service")].toString(), QStringLiteral("cache"));
        const QRegularExpression rfc3339(QStringLiteral(R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$)"));
        for (const QByteArray &line : lines)
            QVERIFY(rfc3339.match(QJsonDocument::fromJson(line).object()[QStringLiteral("time")].toString()).hasMatch());

        const Run text = timberline({QStringLiteral("events"), QStringLiteral("--store"), store});
        QCOMPARE(text.out.count('\n'), 5);
        QVERIFY(text.out.startsWith("2025-11-10T10:30:00.000001000Z\tinfo\torchestrator\ttask.started\treq-aaa\t"));
    }

    void ctrlCCancelsLikeTheWindowsCancel()
    {
        QTemporaryDir dir;
        const QString log = dir.filePath(QStringLiteral("big.log"));
        {
            QFile file(log);
            QVERIFY(file.open(QIODevice::WriteOnly));
            for (int i = 0; i < 600000; ++i)
                file.write(QStringLiteral(R"({"timestamp":"2025-11-10T10:%1:%2Z","level":"info","event":"tick %3"})" "\n")
                               .arg(i / 60 % 60, 2, 10, QLatin1Char('0'))
                               .arg(i % 60, 2, 10, QLatin1Char('0'))
                               .arg(i)
                               .toUtf8());
        }
        const QString store = dir.filePath(QStringLiteral("incident.timberline"));
        QProcess process;
        process.start(QStringLiteral(TL_APP_PATH), {QStringLiteral("import"), QStringLiteral("--store"), store, log});
        QVERIFY(process.waitForStarted());
        QTest::qWait(400);
        QCOMPARE(::kill(static_cast<pid_t>(process.processId()), SIGINT), 0);
        QVERIFY(process.waitForFinished(60000));
        QCOMPARE(process.exitStatus(), QProcess::NormalExit);
        QCOMPARE(process.exitCode(), 130);

        const Run stats = timberline({QStringLiteral("stats"), QStringLiteral("--store"), store, QStringLiteral("--json")});
        QCOMPARE(stats.exitCode, 0);
        const QJsonObject object = QJsonDocument::fromJson(stats.out).object();
        const QJsonObject source = object[QStringLiteral("sources")].toArray()[0].toObject();
        QCOMPARE(source[QStringLiteral("status")].toString(), QStringLiteral("partial"));
        QCOMPARE(source[QStringLiteral("error")].toString(), QStringLiteral("import cancelled"));
        QVERIFY(object[QStringLiteral("events")].toInt() > 0);
        QVERIFY(object[QStringLiteral("events")].toInt() < 600000);
        QCOMPARE(object[QStringLiteral("events")].toInt(), source[QStringLiteral("events")].toInt());
    }

    // A time without an offset is UTC unless the import is given a zone.
    void timesWithoutAnOffsetFollowTz_data()
    {
        QTest::addColumn<QStringList>("zone");
        QTest::addColumn<QString>("expected");
        QTest::newRow("utc") << QStringList() << QStringLiteral("2025-11-10T10:30:00.250000000Z");
        QTest::newRow("paris") << QStringList{QStringLiteral("--tz"), QStringLiteral("Europe/Paris")}
                               << QStringLiteral("2025-11-10T09:30:00.250000000Z");
        QTest::newRow("new york, standard time") << QStringList{QStringLiteral("--tz"), QStringLiteral("America/New_York")}
                                               << QStringLiteral("2025-11-10T15:30:00.250000000Z");
    }

    void timesWithoutAnOffsetFollowTz()
    {
        QFETCH(QStringList, zone);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        const QString log = dir.filePath(QStringLiteral("naive.log"));
        {
            QFile file(log);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(R"({"timestamp":"2025-11-10 10:30:00.250","level":"info","event":"naive"})" "\n");
        }
        const QString store = dir.filePath(QStringLiteral("z.timberline"));
        QCOMPARE(timberline(QStringList{QStringLiteral("import"), QStringLiteral("--store"), store} + zone + QStringList{log}).exitCode, 0);
        const Run events = timberline({QStringLiteral("events"), QStringLiteral("--store"), store, QStringLiteral("--json")});
        QCOMPARE(QJsonDocument::fromJson(events.out).object()[QStringLiteral("time")].toString(), expected);
    }

    void aStoreThatIsNotOneIsNamed()
    {
        const Run run = timberline({QStringLiteral("stats"), QStringLiteral("--store"), fixture("cache.log")});
        QCOMPARE(run.exitCode, 1);
        QVERIFY(run.err.contains("not a Timberline store"));
    }

    void withoutAStoreTheDefaultOneIsMade()
    {
        QTemporaryDir dataHome;
        QProcessEnvironment environment;
        environment.insert(QStringLiteral("XDG_DATA_HOME"), dataHome.path());
        const Run run = timberline({fixture("cache.log")}, environment);
        QCOMPARE(run.exitCode, 0);
        const QString store = dataHome.filePath(QStringLiteral("timberline/cache.timberline"));
        QVERIFY2(run.out.contains(store.toUtf8()), run.out.constData());
        QCOMPARE(timberline({QStringLiteral("stats"), QStringLiteral("--store"), store}).exitCode, 0);
        // A second run finds the same content already there.
        const Run again = timberline({fixture("cache.log")}, environment);
        QCOMPARE(again.exitCode, 0);
        QVERIFY(again.out.contains("skipped") && again.out.contains("duplicate of"));
    }

    void withoutADisplayTheWindowImportsHeadless()
    {
        QTemporaryDir dir;
        const QString store = dir.filePath(QStringLiteral("w.timberline"));
        const Run run = timberline({QStringLiteral("--store"), store, fixture("cache.log")});
        QCOMPARE(run.exitCode, 0);
        QVERIFY(run.err.contains("no display"));
        QVERIFY(run.out.contains("2 events"));
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
