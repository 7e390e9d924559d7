// SPDX-License-Identifier: MIT
#include <core/ingest/documentparser.h>
#include <core/ingest/jsonrecord.h>
#include <core/model/normalize.h>
#include <core/ingest/sourceparser.h>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <map>
#include <set>
#include <string>

using namespace core;

namespace {

struct Run {
    RecordBatch batch;
    LineCounts counts;
    std::string format;
    std::size_t maxRecordsHeld = 0;
};

std::string_view trimmedView(std::string_view text)
{
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r'))
        text.remove_suffix(1);
    return text;
}

// Feeds lines the way SourceParser does: a line opening an unbalanced '{' or '[' goes to begin(), the
// following ones to addLine() while the document is open; a complete JSON line is an envelope or a
// record; blank lines outside documents are blank.
class Feeder
{
public:
    explicit Feeder(Run &run, std::string sourceName)
        : m_run(run)
        , m_sourceName(std::move(sourceName))
    {
        m_options.sourceName = m_sourceName;
        m_parser = std::make_unique<DocumentParser>(m_options, m_run.counts);
    }

    void line(std::string_view text, std::uint32_t number)
    {
        RecordBatch &batch = m_run.batch;
        LineCounts &counts = m_run.counts;
        ++counts.lines;
        if (m_parser->isOpen()) {
            m_parser->addLine(text, number, batch);
            return;
        }
        const std::string_view content = trimmedView(text);
        if (content.empty()) {
            ++counts.blankLines;
            return;
        }
        if ((content.front() == '{' || content.front() == '[') && m_parser->begin(text, number, batch))
            return;
        ++counts.eventLines;
        if (parseEnvelope(content, m_options, number, batch, counts))
            return;
        ++counts.events;
        if (parseJsonRecord(content, m_options, number, 1, 0, batch))
            return;
        Record &record = batch.addRecord();
        record.flags = RecordUnparsed;
        record.firstLine = number;
        record.message = batch.keep(text);
        ++counts.unparsed;
    }

    void finish()
    {
        m_parser->finish(m_run.batch);
        m_run.format = std::string(m_parser->format());
    }

    void feedAll(const QByteArray &bytes)
    {
        std::string_view all(bytes.constData(), static_cast<std::size_t>(bytes.size()));
        std::uint32_t number = 0;
        while (!all.empty()) {
            const auto newline = all.find('\n');
            const std::string_view text = all.substr(0, newline);
            line(text, ++number);
            all = newline == std::string_view::npos ? std::string_view() : all.substr(newline + 1);
        }
        finish();
    }

private:
    Run &m_run;
    std::string m_sourceName;
    ParseOptions m_options;
    std::unique_ptr<DocumentParser> m_parser;
};

Run runFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot open %s", qPrintable(path));
    Run run;
    Feeder feeder(run, QFileInfo(path).fileName().toStdString());
    feeder.feedAll(file.readAll());
    return run;
}

QString fixture(const char *name)
{
    return QStringLiteral(TL_FIXTURES_DIR "/documents/") + QLatin1String(name);
}

QString str(std::string_view text)
{
    return QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
}

std::string_view fieldValue(const RecordBatch &batch, const Record &record, std::string_view path)
{
    for (const Field &field : batch.fieldsOf(record)) {
        if (field.path == path)
            return field.value;
    }
    return "<absent>";
}

bool countsBalance(const LineCounts &counts)
{
    return counts.lines == counts.eventLines + counts.continuationLines + counts.documentLines + counts.blankLines;
}

} // namespace

class TestDocumentParser : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void lineAccounting_data();
    void lineAccounting();
    void otlpTraces();
    void otlpLogs();
    void jaegerProcessesAfterSpans();
    void jaegerBareSpanArray();
    void zipkinArray();
    void cloudTrailWrapper();
    void truncatedCloudTrail();
    void oneLineEnvelopes();
    void plainRecordIsNoEnvelope();
    void hugeArrayStreams();
    void corpus_data();
    void corpus();
    void corpusThroughSourceParser_data();
    void corpusThroughSourceParser();

private:
    void addCorpusRows(const QStringList &folders);
    void compareWithRow(const QString &file, const Run &run);
};

void TestDocumentParser::lineAccounting_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("format");
    QTest::addColumn<int>("lines");
    QTest::addColumn<int>("eventLines");
    QTest::addColumn<int>("continuationLines");
    QTest::addColumn<int>("documentLines");
    QTest::addColumn<int>("blankLines");
    QTest::addColumn<int>("events");
    QTest::addColumn<int>("spans");
    QTest::addColumn<int>("unparsed");

    // No final newline: the last line still counts.
    QTest::newRow("otlp logs") << fixture("otlp-logs.json") << "otlp-logs" << 41 << 0 << 0 << 41 << 0 << 3 << 0 << 0;
    QTest::newRow("otlp traces") << fixture("otlp-traces.json") << "otlp-traces" << 38 << 0 << 0 << 38 << 0 << 2 << 2 << 0;
    QTest::newRow("jaeger api") << fixture("jaeger-api.json") << "jaeger" << 42 << 0 << 0 << 42 << 0 << 2 << 2 << 0;
    QTest::newRow("jaeger span array") << fixture("jaeger-spans.json") << "jaeger" << 3 << 0 << 0 << 3 << 0 << 2 << 2 << 0;
    // Whitespace after the document is blank.
    QTest::newRow("zipkin array") << fixture("zipkin-array.json") << "zipkin" << 30 << 0 << 0 << 29 << 1 << 3 << 3 << 0;
    QTest::newRow("cloudtrail") << fixture("cloudtrail.json") << "cloudtrail" << 22 << 0 << 0 << 22 << 0 << 2 << 0 << 0;
    // Record 1 (lines 1-11) stands; the cut record 2 (lines 12-17) is one unparsed event.
    QTest::newRow("cloudtrail cut") << fixture("cloudtrail-truncated.json") << "cloudtrail" << 17 << 1 << 5 << 11 << 0 << 2
                                    << 0 << 1;
    // NDJSON with cut lines: a cut line never swallows the next record.
    QTest::newRow("ndjson cut") << fixture("ndjson-cut.json") << "" << 6 << 6 << 0 << 0 << 0 << 6 << 0 << 3;
    // Balanced brackets but no JSON: one unparsed event over its lines, not document lines.
    QTest::newRow("balanced but invalid") << fixture("balanced-invalid.json") << "json-document" << 4 << 1 << 2 << 0 << 1
                                          << 1 << 0 << 1;
    QTest::newRow("pretty concatenated") << fixture("pretty-concatenated.json") << "json-document" << 13 << 0 << 0 << 12 << 1
                                         << 2 << 0 << 0;
}

void TestDocumentParser::lineAccounting()
{
    QFETCH(QString, file);
    QFETCH(QString, format);
    const Run run = runFile(file);
    const LineCounts &counts = run.counts;
    QCOMPARE(QString::fromStdString(run.format), format);
    QTEST(int(counts.lines), "lines");
    QTEST(int(counts.eventLines), "eventLines");
    QTEST(int(counts.continuationLines), "continuationLines");
    QTEST(int(counts.documentLines), "documentLines");
    QTEST(int(counts.blankLines), "blankLines");
    QTEST(int(counts.events), "events");
    QTEST(int(counts.spans), "spans");
    QTEST(int(counts.unparsed), "unparsed");
    QVERIFY(countsBalance(counts));
    QCOMPARE(run.batch.records.size(), std::size_t(counts.events));
}

void TestDocumentParser::otlpTraces()
{
    const Run run = runFile(fixture("otlp-traces.json"));
    QCOMPARE(run.batch.records.size(), std::size_t(2));
    const Record &root = run.batch.records[0];
    QVERIFY(root.flags & RecordSpan);
    QCOMPARE(str(root.message), QStringLiteral("GET /cart"));
    QCOMPARE(str(root.service), QStringLiteral("frontend"));
    QCOMPARE(str(root.traceId), QStringLiteral("5b8efff798038103d269b633813fc60c"));
    QCOMPARE(str(root.spanId), QStringLiteral("eee19b7ec3c1b174"));
    QVERIFY(root.parentSpanId.empty());
    QVERIFY(root.hasTime);
    QCOMPARE(root.timeNs, std::int64_t(1544712660000000000));
    QCOMPARE(root.durationNs, std::int64_t(1500000000));
    QCOMPARE(str(root.status), QStringLiteral("unset"));
    QCOMPARE(root.level, Level::Unknown);
    QCOMPARE(str(fieldValue(run.batch, root, "attributes.http.method")), QStringLiteral("GET"));
    QCOMPARE(str(fieldValue(run.batch, root, "kind")), QStringLiteral("2"));
    QCOMPARE(str(fieldValue(run.batch, root, "resource.attributes.service.name")), QStringLiteral("frontend"));
    QCOMPARE(str(fieldValue(run.batch, root, "scope.name")), QStringLiteral("otel.http"));
    // Each span sits on its own lines of the document.
    QCOMPARE(root.firstLine, 11u);
    QCOMPARE(root.lineCount, 11u);

    const Record &child = run.batch.records[1];
    QCOMPARE(str(child.parentSpanId), QStringLiteral("eee19b7ec3c1b174"));
    QCOMPARE(str(child.status), QStringLiteral("error"));
    QCOMPARE(child.level, Level::Error);
    QCOMPARE(child.durationNs, std::int64_t(100000000));
    QCOMPARE(str(fieldValue(run.batch, child, "events.0.attributes.attempt")), QStringLiteral("2"));
    QCOMPARE(str(fieldValue(run.batch, child, "status.message")), QStringLiteral("deadlock"));
}

void TestDocumentParser::otlpLogs()
{
    const Run run = runFile(fixture("otlp-logs.json"));
    QCOMPARE(run.batch.records.size(), std::size_t(3));
    const Record &first = run.batch.records[0];
    QVERIFY(!(first.flags & RecordSpan));
    QCOMPARE(first.level, Level::Error);
    QCOMPARE(str(first.levelText), QStringLiteral("ERROR"));
    QCOMPARE(str(first.message), QStringLiteral("payment declined"));
    QCOMPARE(str(first.service), QStringLiteral("checkout"));
    QCOMPARE(first.timeNs, std::int64_t(1700000000123456789));
    QCOMPARE(str(first.traceId), QStringLiteral("5b8efff798038103d269b633813fc60c"));
    QCOMPARE(str(first.spanId), QStringLiteral("eee19b7ec3c1b174"));
    QCOMPARE(str(fieldValue(run.batch, first, "attributes.http.status_code")), QStringLiteral("402"));
    QCOMPARE(str(fieldValue(run.batch, first, "attributes.retry")), QStringLiteral("false"));

    // timeUnixNano 0: observed time; no severityNumber: the text; a kvlist body is rendered as JSON.
    const Record &second = run.batch.records[1];
    QCOMPARE(second.timeNs, std::int64_t(1700000001000000000));
    QCOMPARE(second.level, Level::Warn);
    QCOMPARE(str(second.message), QStringLiteral(R"({"cart":3,"tags":["a\"b"]})"));
    QCOMPARE(str(fieldValue(run.batch, second, "body.cart")), QStringLiteral("3"));
    QCOMPARE(str(fieldValue(run.batch, second, "body.tags.0")), QStringLiteral("a\"b"));

    // An empty resource: no service, the importer falls back to the file stem.
    const Record &third = run.batch.records[2];
    QCOMPARE(third.level, Level::Info);
    QVERIFY(third.service.empty());
    QCOMPARE(third.firstLine, 38u);
}

void TestDocumentParser::jaegerProcessesAfterSpans()
{
    const Run run = runFile(fixture("jaeger-api.json"));
    QCOMPARE(run.batch.records.size(), std::size_t(2));
    const Record &first = run.batch.records[0];
    QCOMPARE(str(first.service), QStringLiteral("customer"));
    QCOMPARE(str(first.message), QStringLiteral("HTTP GET /customer"));
    QCOMPARE(first.timeNs, std::int64_t(1579070675083000000));
    QCOMPARE(first.durationNs, std::int64_t(2840000));
    QCOMPARE(first.level, Level::Unknown);
    QCOMPARE(str(fieldValue(run.batch, first, "tags.http.status_code")), QStringLiteral("200"));
    QCOMPARE(str(fieldValue(run.batch, first, "logs.0.fields.event")), QStringLiteral("cache miss"));

    const Record &second = run.batch.records[1];
    QCOMPARE(str(second.service), QStringLiteral("mysql"));
    QCOMPARE(str(second.parentSpanId), QStringLiteral("a1")); // CHILD_OF wins over the first reference
    QCOMPARE(second.level, Level::Error);
    QCOMPARE(str(second.status), QStringLiteral("error"));
    QCOMPARE(str(fieldValue(run.batch, second, "process.tags.hostname")), QStringLiteral("db-1"));
}

void TestDocumentParser::jaegerBareSpanArray()
{
    const Run run = runFile(fixture("jaeger-spans.json"));
    QCOMPARE(run.batch.records.size(), std::size_t(2));
    QCOMPARE(str(run.batch.records[0].service), QStringLiteral("svc-a"));
    QCOMPARE(run.batch.records[0].firstLine, 1u);
    QCOMPARE(str(run.batch.records[1].service), QStringLiteral("svc-b"));
    QCOMPARE(str(run.batch.records[1].parentSpanId), QStringLiteral("7606ddfe69932d34")); // first reference
    QCOMPARE(run.batch.records[1].level, Level::Error); // error tag as the string "true"
    QCOMPARE(run.batch.records[1].firstLine, 2u);
}

void TestDocumentParser::zipkinArray()
{
    const Run run = runFile(fixture("zipkin-array.json"));
    QCOMPARE(run.batch.records.size(), std::size_t(3));
    const Record &server = run.batch.records[0];
    QCOMPARE(str(server.service), QStringLiteral("mobile-gateway"));
    QCOMPARE(server.timeNs, std::int64_t(1531282088533035000));
    QCOMPARE(server.durationNs, std::int64_t(23565000));
    QCOMPARE(str(fieldValue(run.batch, server, "kind")), QStringLiteral("SERVER"));
    QCOMPARE(str(fieldValue(run.batch, server, "tags.http.path")), QStringLiteral("/"));
    QCOMPARE(server.firstLine, 2u);
    QCOMPARE(server.lineCount, 10u);
    const Record &auth = run.batch.records[1];
    QCOMPARE(auth.level, Level::Error); // tags.error present, even empty
    QCOMPARE(str(auth.parentSpanId), QStringLiteral("ef86c83c0a05a6d6"));
    const Record &noTime = run.batch.records[2];
    QVERIFY(!noTime.hasTime);
    QVERIFY(noTime.service.empty());
}

void TestDocumentParser::cloudTrailWrapper()
{
    const Run run = runFile(fixture("cloudtrail.json"));
    QCOMPARE(run.batch.records.size(), std::size_t(2));
    const Record &first = run.batch.records[0];
    QCOMPARE(str(first.service), QStringLiteral("sts.amazonaws.com"));
    QCOMPARE(first.level, Level::Unknown);
    QCOMPARE(first.firstLine, 3u);
    QCOMPARE(first.lineCount, 9u);
    QCOMPARE(run.batch.records[1].level, Level::Error); // errorCode: the call failed
}

void TestDocumentParser::truncatedCloudTrail()
{
    const Run run = runFile(fixture("cloudtrail-truncated.json"));
    QCOMPARE(run.batch.records.size(), std::size_t(2));
    QVERIFY(!(run.batch.records[0].flags & RecordUnparsed));
    const Record &cut = run.batch.records[1];
    QVERIFY(cut.flags & RecordUnparsed);
    QCOMPARE(cut.firstLine, 12u);
    QCOMPARE(cut.lineCount, 6u);
    QVERIFY(str(cut.message).contains(QStringLiteral("req-2")));
}

void TestDocumentParser::oneLineEnvelopes()
{
    ParseOptions options;
    RecordBatch batch;
    LineCounts counts;
    const std::string otlp = R"({"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"api"}}]},)"
                             R"("scopeLogs":[{"logRecords":[{"timeUnixNano":"1700000000000000000","severityNumber":13,"body":{"stringValue":"a"}},)"
                             R"({"timeUnixNano":"1700000001000000000","severityNumber":21,"body":{"stringValue":"b"}}]}]}]})";
    QVERIFY(parseEnvelope(otlp, options, 7, batch, counts));
    QCOMPARE(batch.records.size(), std::size_t(2));
    QCOMPARE(batch.records[0].indexInLine, 0u);
    QCOMPARE(batch.records[1].indexInLine, 1u);
    QCOMPARE(batch.records[1].firstLine, 7u);
    QCOMPARE(batch.records[0].level, Level::Warn);
    QCOMPARE(batch.records[1].level, Level::Fatal);
    QCOMPARE(counts.events, 2u);
    QCOMPARE(counts.lines, 0u); // the line is the caller's

    const std::string zipkin = R"([{"traceId":"a","id":"b","name":"x","timestamp":1531282088533035},{"traceId":"a","id":"c","name":"y"}])";
    QVERIFY(parseEnvelope(zipkin, options, 8, batch, counts));
    QCOMPARE(batch.records.size(), std::size_t(4));
    QCOMPARE(batch.records[3].indexInLine, 1u);
    QCOMPARE(counts.spans, 2u);
}

void TestDocumentParser::plainRecordIsNoEnvelope()
{
    ParseOptions options;
    RecordBatch batch;
    LineCounts counts;
    QVERIFY(!parseEnvelope(R"({"level":"info","msg":"hello"})", options, 1, batch, counts));
    QVERIFY(!parseEnvelope(R"({"level":"info","msg":"cut)", options, 1, batch, counts));
    QVERIFY(!parseEnvelope(R"(["a","b"])", options, 1, batch, counts));
    QVERIFY(batch.records.empty());
    QCOMPARE(counts.events, 0u);
}

void TestDocumentParser::hugeArrayStreams()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("huge.json"));
    constexpr int Elements = 200000;
    {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("{\n  \"Records\": [\n");
        for (int i = 0; i < Elements; ++i) {
            const QByteArray n = QByteArray::number(i);
            file.write("    {\n      \"eventTime\": \"2024-01-01T00:00:00Z\", \"eventSource\": \"s3.amazonaws.com\",\n");
            file.write("      \"requestID\": \"r" + n + "\", \"n\": " + n + "\n    }" + (i + 1 < Elements ? "," : "") + "\n");
        }
        file.write("  ]\n}");
    }
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    Run run;
    Feeder feeder(run, "huge.json");
    std::uint32_t number = 0;
    std::size_t records = 0;
    std::size_t maxArena = 0;
    bool elementsStayed = true;
    QString firstStray;
    QByteArray line;
    // The batch is handed on and cleared as the importer would: whatever the document's size, a
    // record holds its own element only.
    auto drain = [&] {
        for (const Record &record : run.batch.records) {
            const bool stays = record.lineCount == 4 && record.fieldCount == 4
                && record.firstLine == 3 + 4 * std::uint32_t(records) && !(record.flags & RecordUnparsed);
            if (!stays && elementsStayed)
                firstStray = QStringLiteral("record %1: line %2 +%3, %4 fields, flags %5")
                                 .arg(records)
                                 .arg(record.firstLine)
                                 .arg(record.lineCount)
                                 .arg(record.fieldCount)
                                 .arg(record.flags);
            elementsStayed = elementsStayed && stays;
            ++records;
        }
        maxArena = std::max(maxArena, run.batch.arenaBytes());
        run.batch.clear();
    };
    while (!file.atEnd()) {
        line = file.readLine();
        if (line.endsWith('\n'))
            line.chop(1);
        feeder.line(std::string_view(line.constData(), std::size_t(line.size())), ++number);
        if (run.batch.records.size() >= 10000)
            drain();
    }
    feeder.finish();
    drain();
    QCOMPARE(records, std::size_t(Elements));
    QVERIFY2(elementsStayed, qPrintable(firstStray));
    QCOMPARE(run.counts.events, std::uint64_t(Elements));
    QCOMPARE(run.counts.documentLines, std::uint64_t(number));
    QVERIFY(countsBalance(run.counts));
    QVERIFY2(maxArena < 4u * 1024 * 1024, qPrintable(QString::number(maxArena)));
}

namespace {

struct ExpectedRow {
    std::map<QString, QString> columns;
};

std::map<QString, int> parsePairs(const QString &text)
{
    std::map<QString, int> pairs;
    if (text.isEmpty() || text == QLatin1String("none"))
        return pairs;
    for (const QString &pair : text.split(QLatin1Char(','))) {
        const auto eq = pair.lastIndexOf(QLatin1Char('='));
        pairs[pair.left(eq)] += pair.mid(eq + 1).toInt();
    }
    return pairs;
}

QString render(const std::map<QString, int> &pairs)
{
    QStringList parts;
    for (const auto &[key, count] : pairs)
        parts << key + QLatin1Char('=') + QString::number(count);
    return parts.join(QLatin1Char(','));
}

} // namespace

void TestDocumentParser::corpus_data()
{
    addCorpusRows({QStringLiteral("otlp/"), QStringLiteral("jaeger/"), QStringLiteral("zipkin/"), QStringLiteral("cloudtrail/")});
}

void TestDocumentParser::corpusThroughSourceParser_data()
{
    // json-generic holds NDJSON lines cut short: a cut line must not open a document that eats the next.
    addCorpusRows({QStringLiteral("otlp/"), QStringLiteral("jaeger/"), QStringLiteral("zipkin/"), QStringLiteral("cloudtrail/"),
                   QStringLiteral("json-generic/")});
}

void TestDocumentParser::addCorpusRows(const QStringList &folders)
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QStringList>("header");
    QTest::addColumn<QStringList>("row");
    const QString corpus = QStringLiteral(TL_CORPUS_DIR);
    QFile expected(corpus + QStringLiteral("/EXPECTED.tsv"));
    if (!QDir(corpus).exists() || !expected.open(QIODevice::ReadOnly))
        QSKIP("no corpus here");
    const QStringList header = QString::fromUtf8(expected.readLine()).trimmed().split(QLatin1Char('\t'));
    while (!expected.atEnd()) {
        const QString text = QString::fromUtf8(expected.readLine());
        const QStringList row = text.endsWith(QLatin1Char('\n')) ? text.chopped(1).split(QLatin1Char('\t'))
                                                                : text.split(QLatin1Char('\t'));
        const QString file = row.value(0);
        if (file.endsWith(QLatin1String(".gz")))
            continue;
        if (std::none_of(folders.begin(), folders.end(), [&](const QString &folder) { return file.startsWith(folder); }))
            continue;
        QTest::newRow(qPrintable(file)) << corpus + QLatin1Char('/') + file << header << row;
    }
}

void TestDocumentParser::corpus()
{
    QFETCH(QString, file);
    compareWithRow(file, runFile(file));
}

void TestDocumentParser::corpusThroughSourceParser()
{
    QFETCH(QString, file);
    QFile input(file);
    QVERIFY(input.open(QIODevice::ReadOnly));
    const QByteArray bytes = input.readAll();
    const std::string name = QFileInfo(file).fileName().toStdString();
    ParseOptions options;
    options.sourceName = name;
    SourceParser parser(options);
    Run run;
    std::string_view all(bytes.constData(), std::size_t(bytes.size()));
    while (!all.empty()) {
        const auto newline = all.find('\n');
        parser.addLine(all.substr(0, newline), run.batch);
        all = newline == std::string_view::npos ? std::string_view() : all.substr(newline + 1);
    }
    parser.finish(run.batch);
    run.counts = parser.counts();
    compareWithRow(file, run);
}

void TestDocumentParser::compareWithRow(const QString &file, const Run &run)
{
    QFETCH(QStringList, header);
    QFETCH(QStringList, row);
    auto column = [&](const char *name) { return row.value(header.indexOf(QLatin1String(name))); };
    auto number = [&](const char *name) { return column(name).toULongLong(); };

    const LineCounts &counts = run.counts;
    QCOMPARE(counts.lines, number("lines"));
    QCOMPARE(counts.eventLines, number("event_lines"));
    QCOMPARE(counts.continuationLines, number("continuation_lines"));
    QCOMPARE(counts.documentLines, number("document_lines"));
    QCOMPARE(counts.blankLines, number("blank_lines"));
    QCOMPARE(counts.events, number("events"));
    QCOMPARE(counts.spans, number("spans"));

    ParseOptions options;
    const std::string name = QFileInfo(file).fileName().toStdString();
    const QString stem = QStringLiteral("stem:") + str(normalize::serviceStem(name));
    std::map<QString, int> levels, services;
    std::set<QString> ids;
    std::optional<std::int64_t> first, last;
    for (const Record &record : run.batch.records) {
        ++levels[str(levelName(record.level))];
        // SourceParser fills the stem in itself; the table writes it "stem:NAME".
        const bool stemmed = record.service.empty() || record.service == normalize::serviceStem(name);
        ++services[stemmed ? stem : str(record.service)];
        const std::string_view id = !record.requestId.empty() ? record.requestId : record.traceId;
        if (!id.empty())
            ids.insert(str(id));
        if (record.hasTime && !(record.flags & RecordTimeInherited)) {
            first = std::min(first.value_or(record.timeNs), record.timeNs);
            last = std::max(last.value_or(record.timeNs), record.timeNs);
        }
    }
    QCOMPARE(render(levels), render(parsePairs(column("levels"))));
    QCOMPARE(render(services), render(parsePairs(column("services"))));
    QCOMPARE(ids.size(), std::size_t(number("request_ids")));
    if (column("first_time") == QLatin1String("none")) {
        QVERIFY(!first);
    } else {
        QVERIFY(first && last);
        QCOMPARE(qint64(*first), qint64(normalize::parseTime(column("first_time").toStdString(), options).value_or(-1)));
        QCOMPARE(qint64(*last), qint64(normalize::parseTime(column("last_time").toStdString(), options).value_or(-1)));
    }
}

QTEST_GUILESS_MAIN(TestDocumentParser)

#include "tst_documentparser.moc"
