// SPDX-License-Identifier: MIT
#include <core/base/timekey.h>
#include <core/model/normalize.h>

#include <QDateTime>
#include <QTest>

using namespace core;

namespace {

// RFC 3339 UTC text as nanoseconds, through Qt so the test does not share the code under test.
qint64 isoNs(const char *text, int extraNs = 0)
{
    const QDateTime dateTime = QDateTime::fromString(QString::fromLatin1(text), Qt::ISODateWithMs);
    return dateTime.toMSecsSinceEpoch() * 1'000'000 + extraNs;
}

ParseOptions optionsWithMtime(const char *mtime)
{
    ParseOptions options;
    options.sourceMtimeNs = isoNs(mtime);
    return options;
}

} // namespace

class TestNormalize : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parseTime_data();
    void parseTime();
    void naiveToUtc();
    void epochToNs_data();
    void epochToNs();
    void leadingTime_data();
    void leadingTime();
    void levelFromText_data();
    void levelFromText();
    void levelFromNumber_data();
    void levelFromNumber();
    void serviceStem_data();
    void serviceStem();
    void containerFromPath_data();
    void containerFromPath();
    void roles_data();
    void roles();
    void addYears();
};

void TestNormalize::parseTime_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<qint64>("ns");

    QTest::newRow("rfc3339 Z ms") << "2023-03-24T14:26:16.243Z" << true << isoNs("2023-03-24T14:26:16.243Z");
    QTest::newRow("space, comma fraction") << "2012-07-02 10:22:40,672" << true << isoNs("2012-07-02T10:22:40.672Z");
    QTest::newRow("offset +02:00") << "2024-05-14T11:00:00+02:00" << true << isoNs("2024-05-14T09:00:00Z");
    QTest::newRow("offset -0130") << "2024-05-14T09:00:00-0130" << true << isoNs("2024-05-14T10:30:00Z");
    QTest::newRow("mongo +00:00") << "2020-05-20T19:17:06.188+00:00" << true << isoNs("2020-05-20T19:17:06.188Z");
    QTest::newRow("docker ns") << "2024-04-25T05:32:35.584725130Z" << true
                               << isoNs("2024-04-25T05:32:35.584Z", 725130);
    QTest::newRow("variable digits") << "2019-01-02T03:04:05.44343946Z" << true
                                     << isoNs("2019-01-02T03:04:05.443Z", 439460);
    QTest::newRow("naive") << "2024-05-14T09:00:00.375000" << true << isoNs("2024-05-14T09:00:00.375Z");
    QTest::newRow("no seconds") << "2024-05-14T09:00Z" << true << isoNs("2024-05-14T09:00:00Z");
    QTest::newRow("date only") << "2024-05-14" << true << isoNs("2024-05-14T00:00:00Z");
    QTest::newRow("epoch s float") << "1715677207.606099" << true << qint64(1715677207606099000);
    QTest::newRow("epoch ms") << "1428634687123" << true << qint64(1428634687123000000);
    QTest::newRow("epoch us string") << "1700000000123456" << true << qint64(1700000000123456000);
    QTest::newRow("epoch ns") << "1700000000123456789" << true << qint64(1700000000123456789);
    QTest::newRow("garbage") << "xxx" << false << qint64(0);
    QTest::newRow("empty") << "" << false << qint64(0);
    QTest::newRow("bad month") << "2024-13-01T00:00:00Z" << false << qint64(0);
    QTest::newRow("trailing junk") << "2024-05-14T09:00:00Z junk" << false << qint64(0);
    QTest::newRow("leap day") << "2024-02-29T12:00:00Z" << true << isoNs("2024-02-29T12:00:00Z");
    QTest::newRow("no leap day") << "2023-02-29T12:00:00Z" << false << qint64(0);
    QTest::newRow("pre-1970") << "1969-12-31T23:59:59Z" << true << qint64(-1'000'000'000);
    // Years 1 to 9999 are kept as written, as time keys (microseconds outside 1823-2116), never wrapped.
    QTest::newRow("go zero time") << "0001-01-01T00:00:00Z" << true << qint64(*timekey::fromEpoch(-62135596800, 0));
    QTest::newRow("year 9999") << "9999-12-31T23:59:59Z" << true << qint64(*timekey::fromEpoch(253402300799, 0));
    QTest::newRow("1677") << "1677-09-21T00:12:43Z" << true << qint64(*timekey::fromEpoch(-9223372037, 0));
    QTest::newRow("year 0") << "0000-06-01T00:00:00Z" << false << qint64(0);
    QTest::newRow("before year 1 by its offset") << "0001-01-01T00:30:00+01:00" << false << qint64(0);
    QTest::newRow("february 30") << "2026-02-30T00:00:00Z" << false << qint64(0);
}

void TestNormalize::parseTime()
{
    QFETCH(QString, text);
    QFETCH(bool, valid);
    QFETCH(qint64, ns);
    const QByteArray utf8 = text.toUtf8();
    const auto result = normalize::parseTime({utf8.constData(), static_cast<std::size_t>(utf8.size())}, {});
    QCOMPARE(result.has_value(), valid);
    if (valid)
        QCOMPARE(*result, ns);
}

void TestNormalize::naiveToUtc()
{
    ParseOptions options;
    options.naiveToUtc = [](std::int64_t naive) { return naive - 3600LL * 1'000'000'000; }; // UTC+1
    QCOMPARE(*normalize::parseTime("2024-05-14 10:00:00", options), isoNs("2024-05-14T09:00:00Z"));
    // An explicit offset wins over the import's zone.
    QCOMPARE(*normalize::parseTime("2024-05-14T10:00:00Z", options), isoNs("2024-05-14T10:00:00Z"));
}

void TestNormalize::epochToNs_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<qint64>("ns");
    QTest::newRow("seconds") << "1700000000" << true << qint64(1700000000000000000);
    QTest::newRow("seconds float ms") << "1700000000.123" << true << qint64(1700000000123000000);
    QTest::newRow("ms") << "1700000000123" << true << qint64(1700000000123000000);
    QTest::newRow("ms float") << "1700000000123.5" << true << qint64(1700000000123500000);
    QTest::newRow("us") << "1700000000123456" << true << qint64(1700000000123456000);
    QTest::newRow("ns") << "1700000000123456789" << true << qint64(1700000000123456789);
    QTest::newRow("zero") << "0" << true << qint64(0);
    QTest::newRow("negative") << "-5" << false << qint64(0);
    QTest::newRow("exponent") << "1.7e9" << false << qint64(0);
    QTest::newRow("text") << "abc" << false << qint64(0);
    // Found by the query-parser fuzzer: nineteen nines overflowed int64 while being read.
    QTest::newRow("nineteen nines") << "9999999999999999999" << false << qint64(0);
    QTest::newRow("fifty nines and a dot") << QString(51, QLatin1Char('9')) + QLatin1Char('.') << false << qint64(0);
    // Past the exact window a key counts microseconds (core/base/timekey.h): 2262 and 5138 are kept.
    QTest::newRow("largest ns") << "9223372036854775807" << true << qint64(*timekey::fromEpoch(9223372036, 854775807));
    QTest::newRow("seconds past int64 ns") << "99999999999" << true << qint64(*timekey::fromEpoch(99999999999, 0));
}

void TestNormalize::epochToNs()
{
    QFETCH(QString, text);
    QFETCH(bool, valid);
    QFETCH(qint64, ns);
    const QByteArray utf8 = text.toUtf8();
    const auto result = normalize::epochToNs({utf8.constData(), static_cast<std::size_t>(utf8.size())});
    QCOMPARE(result.has_value(), valid);
    if (valid)
        QCOMPARE(*result, ns);
}

void TestNormalize::leadingTime_data()
{
    QTest::addColumn<QString>("line");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<qint64>("ns");
    QTest::addColumn<int>("consumed");

    QTest::newRow("iso T") << "2025-01-24T07:00:30,139 INFO [main] x" << true << isoNs("2025-01-24T07:00:30.139Z")
                           << 23;
    QTest::newRow("iso colon") << "2012-07-02 10:22:40,672:DEBUG:foo" << true << isoNs("2012-07-02T10:22:40.672Z")
                               << 23;
    QTest::newRow("syslog") << "Nov  3 09:23:38 host prog[1]: x" << true << isoNs("2024-11-03T09:23:38Z") << 15;
    QTest::newRow("syslog french") << "ao\u00fbt 19 11:08:37 nlaptop symphorien[4961]: test" << true
                                   << isoNs("2024-08-19T11:08:37Z") << 17; // "ao\u00fbt" is 5 bytes
    QTest::newRow("glog") << "I0517 15:04:22.619632 1952452992 file.cc:253] x" << true
                          << isoNs("2024-05-17T15:04:22.619Z", 632000) << 21;
    QTest::newRow("epoch ms") << "1428634687123 Hello" << true << qint64(1428634687123000000) << 13;
    QTest::newRow("bracketed") << "[2024-05-14 09:00:00] hello" << true << isoNs("2024-05-14T09:00:00Z") << 21;
    QTest::newRow("common log") << "[20/Jul/2009:22:59:26 +0000] GET" << true << isoNs("2009-07-20T22:59:26Z") << 28;
    QTest::newRow("bracketed twice") << "[[2024-05-14 09:00:00]] hello" << true << isoNs("2024-05-14T09:00:00Z") << 23;
    // A run of '[' is read in a loop (it once recursed per bracket and overflowed the stack at 50,000).
    QTest::newRow("50,000 brackets") << QString(50000, QLatin1Char('[')) + QStringLiteral(" plain text") << false
                                     << qint64(0) << 0;
    QTest::newRow("year 1 plain text") << "0001-01-01 00:00:00 INFO x" << true
                                       << qint64(*timekey::fromEpoch(-62135596800, 0)) << 19;
    QTest::newRow("short number") << "12345 apples" << false << qint64(0) << 0;
    QTest::newRow("word") << "Traceback (most recent call last):" << false << qint64(0) << 0;
    QTest::newRow("indented") << "  at com.example.Foo(Foo.java:1)" << false << qint64(0) << 0;
}

void TestNormalize::leadingTime()
{
    QFETCH(QString, line);
    QFETCH(bool, valid);
    QFETCH(qint64, ns);
    QFETCH(int, consumed);
    const ParseOptions options = optionsWithMtime("2024-12-01T00:00:00Z");
    const QByteArray utf8 = line.toUtf8();
    std::size_t length = 0;
    const auto result =
        normalize::parseLeadingTime({utf8.constData(), static_cast<std::size_t>(utf8.size())}, options, length);
    QCOMPARE(result.has_value(), valid);
    if (valid) {
        QCOMPARE(*result, ns);
        QCOMPARE(static_cast<int>(length), consumed);
    }
}

void TestNormalize::levelFromText_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("level");
    const auto row = [](const char *text, Level level) { QTest::newRow(text) << QString::fromLatin1(text) << int(level); };
    row("info", Level::Info);
    row("INFO", Level::Info);
    row("Information", Level::Info);
    row("notice", Level::Info);
    row("warning", Level::Warn);
    row("WARN", Level::Warn);
    row("err", Level::Error);
    row("ERROR", Level::Error);
    row("critical", Level::Fatal);
    row("crit", Level::Fatal);
    row("emerg", Level::Fatal);
    row("alert", Level::Fatal);
    row("panic", Level::Fatal);
    row("fatal", Level::Fatal);
    row("verbose", Level::Debug);
    row("silly", Level::Debug);
    row("http", Level::Debug);
    row("DEBUG2", Level::Debug);
    row("debug5", Level::Debug);
    row("D1", Level::Debug);
    row("trace", Level::Trace);
    row("I", Level::Info);
    row("W", Level::Warn);
    row("E", Level::Error);
    row("F", Level::Fatal);
    row("T", Level::Trace);
    row("STATS", Level::Unknown);
    row("Metadata", Level::Unknown);
    row("", Level::Unknown);
}

void TestNormalize::levelFromText()
{
    QFETCH(QString, text);
    QFETCH(int, level);
    const QByteArray utf8 = text.toUtf8();
    QCOMPARE(int(normalize::levelFromText({utf8.constData(), static_cast<std::size_t>(utf8.size())})), level);
}

void TestNormalize::levelFromNumber_data()
{
    QTest::addColumn<int>("value");
    QTest::addColumn<int>("scale");
    QTest::addColumn<int>("level");
    using S = normalize::NumericLevelScale;
    QTest::newRow("pino 10") << 10 << int(S::PinoBunyan) << int(Level::Trace);
    QTest::newRow("pino 30") << 30 << int(S::PinoBunyan) << int(Level::Info);
    QTest::newRow("pino 40") << 40 << int(S::PinoBunyan) << int(Level::Warn);
    QTest::newRow("pino 60") << 60 << int(S::PinoBunyan) << int(Level::Fatal);
    QTest::newRow("pino 0") << 0 << int(S::PinoBunyan) << int(Level::Unknown);
    QTest::newRow("syslog 0") << 0 << int(S::Syslog) << int(Level::Fatal);
    QTest::newRow("syslog 2") << 2 << int(S::Syslog) << int(Level::Fatal);
    QTest::newRow("syslog 3") << 3 << int(S::Syslog) << int(Level::Error);
    QTest::newRow("syslog 4") << 4 << int(S::Syslog) << int(Level::Warn);
    QTest::newRow("syslog 5") << 5 << int(S::Syslog) << int(Level::Info);
    QTest::newRow("syslog 6") << 6 << int(S::Syslog) << int(Level::Info);
    QTest::newRow("syslog 7") << 7 << int(S::Syslog) << int(Level::Debug);
    QTest::newRow("syslog 8") << 8 << int(S::Syslog) << int(Level::Unknown);
    QTest::newRow("otlp 1") << 1 << int(S::Otlp) << int(Level::Trace);
    QTest::newRow("otlp 9") << 9 << int(S::Otlp) << int(Level::Info);
    QTest::newRow("otlp 13") << 13 << int(S::Otlp) << int(Level::Warn);
    QTest::newRow("otlp 20") << 20 << int(S::Otlp) << int(Level::Error);
    QTest::newRow("otlp 24") << 24 << int(S::Otlp) << int(Level::Fatal);
    QTest::newRow("otlp 0") << 0 << int(S::Otlp) << int(Level::Unknown);
}

void TestNormalize::levelFromNumber()
{
    QFETCH(int, value);
    QFETCH(int, scale);
    QFETCH(int, level);
    QCOMPARE(int(normalize::levelFromNumber(value, normalize::NumericLevelScale(scale))), level);
}

void TestNormalize::serviceStem_data()
{
    QTest::addColumn<QString>("source");
    QTest::addColumn<QString>("stem");
    QTest::newRow("rotation") << "bunyan/lnav__logfile_bunyan.0" << "lnav__logfile_bunyan";
    QTest::newRow("json") << "/x/lnav__logfile_json.json" << "lnav__logfile_json";
    QTest::newRow("jsonl") << "lnav__gharchive_log.jsonl" << "lnav__gharchive_log";
    QTest::newRow("log rotated gz") << "bundle.zip!/logs/api.log.1.gz" << "api";
    QTest::newRow("dateext") << "/var/log/api.log-20250101.gz" << "api";
    QTest::newRow("dotted name") << "/logs/checkout.service.log" << "checkout.service";
    QTest::newRow("plain") << "syslog" << "syslog";
}

void TestNormalize::serviceStem()
{
    QFETCH(QString, source);
    QFETCH(QString, stem);
    const QByteArray utf8 = source.toUtf8();
    const std::string_view result = normalize::serviceStem({utf8.constData(), static_cast<std::size_t>(utf8.size())});
    QCOMPARE(QString::fromUtf8(result.data(), qsizetype(result.size())), stem);
}

void TestNormalize::containerFromPath_data()
{
    QTest::addColumn<QString>("source");
    QTest::addColumn<QString>("container");
    QTest::newRow("containers") << "/var/log/containers/web-7d9f_default_nginx-"
                                   "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.log"
                                << "nginx";
    QTest::newRow("pods") << "/var/log/pods/default_web-7d9f_1234-5678/nginx/0.log" << "nginx";
    QTest::newRow("docker") << "/var/lib/docker/containers/abc/abc-json.log" << "";
    QTest::newRow("none") << "/var/log/syslog" << "";
}

void TestNormalize::containerFromPath()
{
    QFETCH(QString, source);
    QFETCH(QString, container);
    const QByteArray utf8 = source.toUtf8();
    const std::string_view result =
        normalize::containerFromPath({utf8.constData(), static_cast<std::size_t>(utf8.size())});
    QCOMPARE(QString::fromUtf8(result.data(), qsizetype(result.size())), container);
}

void TestNormalize::roles_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<int>("role");
    using R = normalize::Role;
    QTest::newRow("@timestamp") << "@timestamp" << int(R::Time);
    QTest::newRow("t.$date") << "t.$date" << int(R::Time);
    QTest::newRow("log.level") << "log.level" << int(R::Level);
    QTest::newRow("fields.message") << "fields.message" << int(R::Message);
    QTest::newRow("service.name") << "service.name" << int(R::Service);
    QTest::newRow("logger") << "logger" << int(R::Logger);
    QTest::newRow("auditID") << "auditID" << int(R::RequestId);
    QTest::newRow("trace.id") << "trace.id" << int(R::TraceId);
    QTest::newRow("spanId") << "spanId" << int(R::SpanId);
    QTest::newRow("parentSpanId") << "parentSpanId" << int(R::ParentSpanId);
    QTest::newRow("host") << "host" << int(R::None);
    QTest::newRow("target") << "target" << int(R::None);
}

void TestNormalize::roles()
{
    QFETCH(QString, path);
    QFETCH(int, role);
    const QByteArray utf8 = path.toUtf8();
    QCOMPARE(int(normalize::roleOfKey({utf8.constData(), static_cast<std::size_t>(utf8.size())})), role);
}

void TestNormalize::addYears()
{
    QCOMPARE(normalize::addYears(isoNs("2024-12-31T23:00:00Z"), 1), isoNs("2025-12-31T23:00:00Z"));
    QCOMPARE(normalize::addYears(isoNs("2023-03-01T01:02:03Z"), 1), isoNs("2024-03-01T01:02:03Z"));
    QCOMPARE(normalize::addYears(isoNs("2024-01-05T00:00:00Z"), -1), isoNs("2023-01-05T00:00:00Z"));
}

QTEST_GUILESS_MAIN(TestNormalize)
#include "tst_normalize.moc"
