// SPDX-License-Identifier: MIT
#include <core/ingest/sourceparser.h>
#include <core/ingest/sourcereader.h>

#include <QDateTime>
#include <QFile>
#include <QTest>

using namespace core;

namespace {

// The fixtures' records as text, so rows can state what each one must say.
struct Parsed {
    LineCounts counts;
    std::string format;
    QStringList records; ///< "line|level|service|time|message|requestId|traceId|flags"
    QStringList extras;
};

QString text(std::string_view view)
{
    return QString::fromUtf8(view.data(), qsizetype(view.size()));
}

QString rfc3339(const Record &record)
{
    if (!record.hasTime)
        return QStringLiteral("none");
    const qint64 ms = record.timeNs / 1'000'000;
    QString result = QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(QStringLiteral("yyyy-MM-ddThh:mm:ss"));
    const qint64 fraction = record.timeNs % 1'000'000'000;
    if (fraction != 0)
        result += QLatin1Char('.') + QString::number(fraction).rightJustified(9, QLatin1Char('0'));
    return result + QLatin1Char('Z');
}

Parsed parse(const QByteArray &bytes, const char *sourceName, qint64 mtimeNs)
{
    ParseOptions options;
    options.sourceName = sourceName;
    options.sourceMtimeNs = mtimeNs;
    SourceParser parser(options);
    RecordBatch batch;
    qsizetype start = 0;
    while (start < bytes.size()) {
        qsizetype end = bytes.indexOf('\n', start);
        if (end < 0)
            end = bytes.size();
        parser.addLine(std::string_view(bytes.constData() + start, std::size_t(end - start)), batch);
        start = end + 1;
    }
    parser.finish(batch);
    Parsed parsed;
    parsed.counts = parser.counts();
    parsed.format = parser.format();
    for (const Record &record : batch.records) {
        parsed.records << QStringList{QString::number(record.firstLine), text(levelName(record.level)),
                                      text(record.service), rfc3339(record), text(record.message),
                                      text(record.requestId), text(record.traceId), QString::number(record.flags)}
                              .join(QLatin1Char('|'));
        parsed.extras << text(record.extraText);
    }
    return parsed;
}

Parsed parseFixture(const QString &name)
{
    QFile file(QStringLiteral(TL_FIXTURES_DIR "/ingest/") + name);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("missing fixture %s", qPrintable(name));
    const QByteArray sourceName = name.toUtf8();
    // 2026-01-01T00:00:00Z: syslog times later in the year than this belong to 2025.
    return parse(file.readAll(), sourceName.constData(), 1767225600LL * 1'000'000'000);
}

} // namespace

class TestSourceParser : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void counts_data();
    void counts();
    void records_data();
    void records();
    void continuations();
    void unterminatedLastLine();
    void timeInheritedBeforeAnyTime();
    void hostileRecordsStayRecords();
    void cutLinesAreFlagged();
};

void TestSourceParser::counts_data()
{
    QTest::addColumn<QString>("fixture");
    QTest::addColumn<int>("lines");
    QTest::addColumn<int>("eventLines");
    QTest::addColumn<int>("continuationLines");
    QTest::addColumn<int>("blankLines");
    QTest::addColumn<int>("events");
    QTest::addColumn<int>("unparsed");
    QTest::addColumn<QString>("format");

    QTest::newRow("structlog console") << "structlog_console.log" << 8 << 4 << 4 << 0 << 4 << 0
                                       << "structlog-console";
    QTest::newRow("mixed crlf ndjson") << "mixed_crlf.ndjson" << 9 << 6 << 1 << 2 << 6 << 2 << "mixed";
    QTest::newRow("compose prefixes") << "compose.log" << 5 << 5 << 0 << 0 << 5 << 0 << "docker-compose";
    QTest::newRow("syslog rollover") << "syslog_rollover.log" << 5 << 4 << 1 << 0 << 4 << 1 << "syslog";
    QTest::newRow("json formats") << "formats.ndjson" << 13 << 13 << 0 << 0 << 13 << 0 << "ndjson";
}

void TestSourceParser::counts()
{
    QFETCH(QString, fixture);
    QFETCH(int, lines);
    QFETCH(int, eventLines);
    QFETCH(int, continuationLines);
    QFETCH(int, blankLines);
    QFETCH(int, events);
    QFETCH(int, unparsed);
    QFETCH(QString, format);
    const Parsed parsed = parseFixture(fixture);
    const LineCounts &c = parsed.counts;
    QCOMPARE(int(c.lines), lines);
    QCOMPARE(int(c.eventLines), eventLines);
    QCOMPARE(int(c.continuationLines), continuationLines);
    QCOMPARE(int(c.documentLines), 0);
    QCOMPARE(int(c.blankLines), blankLines);
    QCOMPARE(int(c.events), events);
    QCOMPARE(int(c.unparsed), unparsed);
    QCOMPARE(c.lines, c.eventLines + c.continuationLines + c.documentLines + c.blankLines);
    QCOMPARE(parsed.records.size(), qsizetype(events));
    QCOMPARE(QString::fromStdString(parsed.format), format);
}

void TestSourceParser::records_data()
{
    QTest::addColumn<QString>("fixture");
    QTest::addColumn<int>("index");
    QTest::addColumn<QString>("expected");

    const auto row = [](const char *name, const char *fixture, int index, const char *expected) {
        QTest::newRow(name) << QString::fromLatin1(fixture) << index << QString::fromUtf8(expected);
    };
    // line|level|service|time|message|requestId|traceId|flags (2 = time inherited, 1 = unparsed)
    row("structlog event", "structlog_console.log", 0,
        "1|info|structlog_console|2025-11-10T10:30:00.123456000Z|task.started|||0");
    row("structlog pairs", "structlog_console.log", 1,
        "2|warn|structlog_console|2025-11-10T10:30:01Z|retrying request|req-9||0");
    row("structlog critical", "structlog_console.log", 3,
        "8|fatal|structlog_console|2025-11-10T10:30:03Z|shutting down|||0");
    row("bom and crlf", "mixed_crlf.ndjson", 0, "1|info|api|2024-05-14T09:00:00Z|first|r1||0");
    row("truncated json", "mixed_crlf.ndjson", 1,
        "2|unknown|mixed_crlf|2024-05-14T09:00:00Z|{\"time\":\"2024-05-14T09:00:01Z\",\"level\":\"warn\",\"msg\":\"cut off|||3");
    row("text in json file", "mixed_crlf.ndjson", 2,
        "5|error|mixed_crlf|2024-05-14T09:00:02Z|text line in json file|||0");
    row("inherited time", "mixed_crlf.ndjson", 3, "6|debug|mixed_crlf|2024-05-14T09:00:02Z|no time||t1|2");
    row("stray text", "mixed_crlf.ndjson", 4, "7|unknown|mixed_crlf|2024-05-14T09:00:02Z|not json at all|||3");
    row("logfmt logger", "mixed_crlf.ndjson", 5, "9|info|mixer|2024-05-14T09:00:03Z|logfmt in json|||0");
    row("compose no time", "compose.log", 0, "1|unknown|web-1|none|INFO starting|||0");
    row("compose ansi level", "compose.log", 1, "2|error|web-1|2024-04-25T05:32:35.500000000Z|failed|||0");
    row("compose redis time", "compose.log", 2,
        "3|unknown|redis-1|2024-04-25T05:32:35.018000000Z|1:C 25 Apr 2024 05:32:35.018 # Redis is starting|||0");
    row("compose beats logger", "compose.log", 3, "4|warn|api-1|2025-10-21T04:10:22.315275700Z|slow|||0");
    row("service beats compose", "compose.log", 4, "5|info|billing|2025-10-21T04:10:23Z|svc|||0");
    row("syslog december", "syslog_rollover.log", 0, "1|unknown|app|2025-12-30T23:59:58Z|last of the year|||0");
    row("syslog next year", "syslog_rollover.log", 1, "3|unknown|app|2026-01-01T00:00:01Z|first of the next|||0");
    row("syslog no pid", "syslog_rollover.log", 2, "4|unknown|kernel|2026-01-01T00:00:02Z|no pid here|||0");
    row("syslog stray line", "syslog_rollover.log", 3,
        "5|unknown|syslog_rollover|2026-01-01T00:00:02Z|this line has no time|||3");
    row("docker nested json", "formats.ndjson", 0, "1|error|cart|2019-04-01T17:58:33.598656444Z|inner|||0");
    row("docker plain", "formats.ndjson", 1, "2|unknown|formats|2019-04-01T17:58:34.500000000Z|plain line|||0");
    row("journald bytes", "formats.ndjson", 2, "3|error|python|2018-08-21T14:04:21.221373000Z|hi\xef\xbf\xbd|||0");
    row("k8s audit", "formats.ndjson", 3,
        "4|unknown|formats|2018-10-26T13:42:46.764713000Z|create pods default/nginx -> 201|a-1||0");
    row("pino", "formats.ndjson", 4, "5|info|payments|2023-11-14T22:13:20.123000000Z|pino|q-1||0");
    row("numbers outside pino", "formats.ndjson", 5,
        "6|unknown|formats|2023-11-14T22:13:20.124000000Z|not pino: no pid/hostname/v|||0");
    row("gelf", "formats.ndjson", 6, "7|warn|web|2023-11-14T22:13:20.500000000Z|gelf|||0");
    row("mongodb", "formats.ndjson", 7, "8|warn|formats|2020-05-20T19:17:06.188000000Z|mongo|||0");
    row("ecs", "formats.ndjson", 8, "9|fatal|app|2025-01-13T09:58:13.631000000Z|ecs||tr-1|0");
    row("log4j2 instant", "formats.ndjson", 9, "10|unknown|formats|2022-09-24T00:00:09.484000000Z|log4j2|||0");
    row("tracing fields.message", "formats.ndjson", 10,
        "11|trace|formats|2025-10-28T19:15:10.821315000Z|tracing|||0");
    row("bad time inherits", "formats.ndjson", 11,
        "12|unknown|formats|2025-10-28T19:15:10.821315000Z|inherits the time|||2");
    // A `version` key is not GELF: pino's 30 stays info.
    row("pino with version", "formats.ndjson", 12, "13|info|cache|2023-11-14T22:13:20.125000000Z|pino with a version|||0");
}

void TestSourceParser::records()
{
    QFETCH(QString, fixture);
    QFETCH(int, index);
    QFETCH(QString, expected);
    const Parsed parsed = parseFixture(fixture);
    QVERIFY(index < parsed.records.size());
    QCOMPARE(parsed.records.at(index), expected);
}

void TestSourceParser::continuations()
{
    const Parsed structlog = parseFixture(QStringLiteral("structlog_console.log"));
    QCOMPARE(structlog.extras.at(2),
             QStringLiteral("Traceback (most recent call last):\n  File \"worker.py\", line 12, in run\n    do_work()\n"
                            "ValueError: boom"));
    const Parsed syslog = parseFixture(QStringLiteral("syslog_rollover.log"));
    QCOMPARE(syslog.extras.at(0), QStringLiteral("\tcontinued with a tab"));
    const Parsed mixed = parseFixture(QStringLiteral("mixed_crlf.ndjson"));
    QCOMPARE(mixed.extras.at(4), QStringLiteral("    indented continuation"));
}

void TestSourceParser::unterminatedLastLine()
{
    // A cut-off pretty-printed document at the end is not swallowed by the NDJSON lines before it.
    const Parsed parsed = parse(QByteArrayLiteral("{\"msg\":\"a\",\"time\":\"2024-01-01T00:00:00Z\"}\n{\"msg\":"),
                                "cut.json", 0);
    QCOMPARE(int(parsed.counts.lines), 2);
    QCOMPARE(int(parsed.counts.events), 2);
    QCOMPARE(int(parsed.counts.unparsed), 1);
    QCOMPARE(parsed.counts.lines, parsed.counts.eventLines + parsed.counts.continuationLines
                 + parsed.counts.documentLines + parsed.counts.blankLines);
}

void TestSourceParser::timeInheritedBeforeAnyTime()
{
    // Nothing to inherit yet: the record stays without a time.
    const Parsed parsed = parse(QByteArrayLiteral("{\"msg\":\"early\"}\n"), "early.json", 0);
    QCOMPARE(parsed.records.at(0), QStringLiteral("1|unknown|early|none|early|||0"));
}

void TestSourceParser::hostileRecordsStayRecords()
{
    const QByteArray deep = QByteArray(60000, '[') + '1' + QByteArray(60000, ']');
    const QByteArray input = QByteArrayLiteral("{\"time\":\"2026-11-20T08:00:00Z\",\"level\":\"error\",\"msg\":\"caf\xe9 \xff\xc3\x28\"}\n")
        + QByteArrayLiteral("{\"time\":\"2026-11-20T08:00:01Z\",\"level\":\"warn\",\"msg\":\"huge\",\"n\":1e400,\"m\":-1e400}\n")
        + "{\"time\":\"2026-11-20T08:00:02Z\",\"level\":\"info\",\"d\":" + deep + "}\n" + deep + "\n"
        + QByteArray(50000, '[') + " plain text\n"
        + QByteArrayLiteral("{\"time\":\"0001-01-01T00:00:00Z\",\"level\":\"info\",\"msg\":\"go zero time\"}\n");
    const Parsed parsed = parse(input, "hostile.json", 0);
    QCOMPARE(int(parsed.counts.lines), 6);
    QCOMPARE(parsed.counts.lines, parsed.counts.eventLines + parsed.counts.continuationLines
                 + parsed.counts.documentLines + parsed.counts.blankLines);
    QCOMPARE(int(parsed.counts.events), 6);
    // Invalid UTF-8 becomes U+FFFD in the values; the record keeps its time and level.
    QCOMPARE(parsed.records.at(0), QString::fromUtf8("1|error|hostile|2026-11-20T08:00:00Z|caf\xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd(|||0"));
    // A number no double holds is still a number: the record parses.
    QCOMPARE(parsed.records.at(1), QStringLiteral("2|warn|hostile|2026-11-20T08:00:01Z|huge|||0"));
    // Past the nesting limit a record is unparsed (flag 1; 3 with the inherited time), never a crash.
    QVERIFY(parsed.records.at(2).startsWith(QStringLiteral("3|unknown|hostile|2026-11-20T08:00:01Z|{")));
    QVERIFY(parsed.records.at(2).endsWith(QStringLiteral("|||3")));
    QVERIFY(parsed.records.at(3).endsWith(QStringLiteral("|||3")));
    QVERIFY(parsed.records.at(4).endsWith(QStringLiteral("|||3")));
    QCOMPARE(int(parsed.counts.unparsed), 3);
}

void TestSourceParser::cutLinesAreFlagged()
{
    // The reader hands over a line cut at MaxLineBytes; its record says so (flag 8), the others do not.
    const QByteArray cut = QByteArrayLiteral("2026-11-20 08:00:00 ERROR ") + QByteArray(int(MaxLineBytes) - 26, 'x');
    const Parsed parsed = parse("2026-11-20 07:59:59 INFO before\n" + cut + "\n2026-11-20 08:00:01 INFO after\n", "cut.log", 0);
    QCOMPARE(int(parsed.counts.lines), 3);
    QCOMPARE(int(parsed.counts.eventLines), 3);
    QCOMPARE(parsed.records.size(), 3);
    QVERIFY(parsed.records.at(0).endsWith(QStringLiteral("|0")));
    QVERIFY(parsed.records.at(1).startsWith(QStringLiteral("2|error|cut|2026-11-20T08:00:00Z|")));
    QVERIFY(parsed.records.at(1).endsWith(QStringLiteral("|8")));
    QVERIFY(parsed.records.at(2).endsWith(QStringLiteral("|0")));
}

QTEST_GUILESS_MAIN(TestSourceParser)
#include "tst_sourceparser.moc"
