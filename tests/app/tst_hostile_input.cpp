// SPDX-License-Identifier: MIT
// Hostile input through the real command line, one case per class of docs/LIMITS.md "Reading input"
// and of the reliability review's input defects: each asserts the exit code, the message, the line
// accounting of `stats --json` and, in a Release build, the peak memory. Inputs are made here.
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <csignal>

#include "archivewriter.h"
#include "runtimberline.h"

namespace {

constexpr qint64 MaxLineBytes = qint64{16} << 20; // core/ingest/sourcereader.h
constexpr double MemoryBoundMiB = 300; // docs/LIMITS.md: whatever the input

bool writeFile(const QString &path, const QByteArray &data)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(data) == data.size();
}

QByteArray fromStd(const std::string &bytes)
{
    return QByteArray(bytes.data(), qsizetype(bytes.size()));
}

QJsonObject statsOf(const QString &store)
{
    const Run run = timberline({QStringLiteral("stats"), QStringLiteral("--store"), store, QStringLiteral("--json")});
    if (run.exitCode != 0)
        qWarning("stats failed: %s", run.err.constData());
    return QJsonDocument::fromJson(run.out).object();
}

QJsonObject sourceNamed(const QJsonObject &stats, const QString &name)
{
    for (const QJsonValue &source : stats.value(QStringLiteral("sources")).toArray()) {
        if (source.toObject().value(QStringLiteral("name")).toString() == name)
            return source.toObject();
    }
    return {};
}

qint64 count(const QJsonObject &source, const char *key)
{
    return source.value(QLatin1String(key)).toInteger(-1);
}

// Every line read is accounted for exactly once (docs/ARCHITECTURE.md, goal 2).
bool balanced(const QJsonObject &source)
{
    return count(source, "lines")
        == count(source, "event_lines") + count(source, "continuation_lines") + count(source, "document_lines")
        + count(source, "blank_lines");
}

// The events of `events --json`, each line parsed by a strict parser; an empty list when one does not parse.
QList<QJsonObject> eventsOf(const QString &store, QStringList extra = {})
{
    const Run run = timberline(QStringList{QStringLiteral("events"), QStringLiteral("--store"), store, QStringLiteral("--json")} + extra);
    QList<QJsonObject> events;
    for (const QByteArray &line : run.out.split('\n')) {
        if (line.isEmpty())
            continue;
        QJsonParseError error{};
        const QJsonDocument document = QJsonDocument::fromJson(line, &error);
        if (error.error != QJsonParseError::NoError || !document.isObject()) {
            qWarning("not JSON: %s", line.left(200).constData());
            return {};
        }
        events << document.object();
    }
    return events;
}

QByteArray ndjsonLines(int lines, int from = 0)
{
    QByteArray out;
    for (int i = from; i < from + lines; ++i)
        out += "{\"timestamp\":\"2026-11-20T08:00:00Z\",\"level\":\"info\",\"event\":\"line " + QByteArray::number(i) + "\"}\n";
    return out;
}

void checkMemory(const char *what)
{
#ifdef NDEBUG
    // Release only: the sanitizer build's shadow memory is no measure of ours.
    const double peak = peakChildResidentMiB();
    QVERIFY2(peak <= MemoryBoundMiB, qPrintable(QStringLiteral("%1: peak %2 MiB").arg(QLatin1String(what)).arg(peak)));
#else
    Q_UNUSED(what)
#endif
}

} // namespace

class TestHostileInput : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString file(const QString &name) const { return m_dir.filePath(name); }
    QString freshStore(const QString &name) const { return m_dir.filePath(name + QStringLiteral(".timberline")); }

    Run import(const QString &store, const QStringList &paths) const
    {
        return timberline(QStringList{QStringLiteral("import"), QStringLiteral("--store"), store} + paths);
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    // D1, D2: nesting past the limit keeps the record as an unparsed event; nothing overflows the stack.
    void deepNestingIsAnEventNotACrash()
    {
        const QByteArray deep = QByteArray(60000, '[') + '1' + QByteArray(60000, ']');
        QVERIFY(writeFile(file(QStringLiteral("deep.log")),
            "{\"level\":\"info\",\"d\":" + deep + "}\n" + deep + "\n" + QByteArray(50000, '[') + " plain text line\n"
                + "{\"level\":\"warn\",\"event\":\"after\"}\n"));
        const QString store = freshStore(QStringLiteral("deep"));
        const Run run = import(store, {file(QStringLiteral("deep.log"))});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const QJsonObject source = sourceNamed(statsOf(store), QStringLiteral("deep.log"));
        QCOMPARE(source.value(QStringLiteral("status")).toString(), QStringLiteral("complete"));
        QCOMPARE(count(source, "lines"), 4);
        QCOMPARE(count(source, "events"), 4);
        QCOMPARE(count(source, "unparsed"), 3);
        QVERIFY(balanced(source));
        checkMemory("deep nesting");
    }

    // D4: a line without a newline, far past MaxLineBytes, is kept as far as the limit and flagged;
    // memory stays bounded. 1 GiB in Release (it took 5.1 GB before), 64 MiB under the sanitizers.
    void aHugeLineIsCutAndFlagged()
    {
#ifdef NDEBUG
        const qint64 size = qint64{1} << 30;
#else
        const qint64 size = qint64{64} << 20;
#endif
        {
            QFile out(file(QStringLiteral("oneline.log")));
            QVERIFY(out.open(QIODevice::WriteOnly));
            QVERIFY(out.write("{\"level\":\"info\",\"event\":\"before\"}\n") > 0);
            const QByteArray chunk(8 << 20, 'x');
            for (qint64 written = 0; written < size; written += chunk.size())
                QCOMPARE(out.write(chunk), chunk.size());
        }
        const QString store = freshStore(QStringLiteral("oneline"));
        const Run run = import(store, {file(QStringLiteral("oneline.log"))});
        QFile::remove(file(QStringLiteral("oneline.log")));
        QVERIFY2(run.exitCode == 0, run.err.constData());
        checkMemory("a huge line");
        const QJsonObject source = sourceNamed(statsOf(store), QStringLiteral("oneline.log"));
        QCOMPARE(source.value(QStringLiteral("status")).toString(), QStringLiteral("complete"));
        QCOMPARE(count(source, "lines"), 2);
        QCOMPARE(count(source, "events"), 2);
        QVERIFY(balanced(source));
        const QList<QJsonObject> events = eventsOf(store);
        QCOMPARE(events.size(), 2);
        QVERIFY(!events.at(0).contains(QStringLiteral("line_cut")));
        QCOMPARE(events.at(1).value(QStringLiteral("line_cut")).toBool(), true);
        QCOMPARE(qint64(events.at(1).value(QStringLiteral("message")).toString().size()), MaxLineBytes);
    }

    // D8: a compressed file is read to its last byte that decodes, and the damage is named.
    void damagedCompressedFilesLoseNothingThatDecodes()
    {
        const QByteArray lines = ndjsonLines(50000);
        const std::string gz = testarchive::compress("gzip", lines.toStdString());
        const std::string xz = testarchive::compress("xz", ndjsonLines(50000, 50000).toStdString());
        QByteArray garbage(4096, '\0');
        for (int i = 0; i < garbage.size(); ++i)
            garbage[i] = char(1 + (i * 37) % 255);
        const std::string zst = testarchive::compress("zstd", ndjsonLines(964, 100000).toStdString());
        QVERIFY(writeFile(file(QStringLiteral("cut.log.gz")), fromStd(gz.substr(0, gz.size() - 1))));
        QVERIFY(writeFile(file(QStringLiteral("cut.log.xz")), fromStd(xz.substr(0, xz.size() - 1))));
        QVERIFY(writeFile(file(QStringLiteral("tail.log.zst")), fromStd(zst) + garbage));
        const QString store = freshStore(QStringLiteral("compressed"));
        const Run run = import(store, {file(QStringLiteral("cut.log.gz")), file(QStringLiteral("cut.log.xz")),
                                       file(QStringLiteral("tail.log.zst"))});
        QCOMPARE(run.exitCode, 1); // partial sources
        QVERIFY2(!run.out.contains("unknown libarchive error"), run.out.constData());
        const QJsonObject stats = statsOf(store);
        const QJsonObject cutGz = sourceNamed(stats, QStringLiteral("cut.log.gz"));
        QCOMPARE(cutGz.value(QStringLiteral("status")).toString(), QStringLiteral("partial"));
        QVERIFY2(cutGz.value(QStringLiteral("error")).toString().contains(QStringLiteral("the gzip data is cut short")),
                 qPrintable(cutGz.value(QStringLiteral("error")).toString()));
        QCOMPARE(count(cutGz, "lines"), 50000); // gzip -dc gives 50,000; libarchive's path gave 48,957
        QCOMPARE(count(cutGz, "unparsed"), 0);
        QVERIFY(balanced(cutGz));
        const QJsonObject cutXz = sourceNamed(stats, QStringLiteral("cut.log.xz"));
        QCOMPARE(count(cutXz, "lines"), 50000);
        QVERIFY(cutXz.value(QStringLiteral("error")).toString().contains(QStringLiteral("the xz data is cut short")));
        const QJsonObject tail = sourceNamed(stats, QStringLiteral("tail.log.zst"));
        QCOMPARE(count(tail, "lines"), 964); // the source failed with 0 before
        QVERIFY(tail.value(QStringLiteral("error")).toString().contains(QStringLiteral("bytes that are not zstd")));
        QVERIFY(balanced(tail));
        checkMemory("damaged compressed files");
    }

    // D9, D20: years 1 to 9999 as written, in order, and the query side takes the same range.
    void timesFromYearOneTo9999()
    {
        QVERIFY(writeFile(file(QStringLiteral("years.log")),
            "{\"timestamp\":\"9999-12-31T23:59:59Z\",\"level\":\"info\",\"event\":\"y9999\"}\n"
            "{\"timestamp\":\"2026-11-20T08:00:00Z\",\"level\":\"info\",\"event\":\"y2026\"}\n"
            "{\"timestamp\":\"0001-01-01T00:00:00Z\",\"level\":\"info\",\"event\":\"y1\"}\n"
            "{\"timestamp\":\"1677-09-21T00:12:43Z\",\"level\":\"info\",\"event\":\"y1677\"}\n"
            "0001-01-01 00:00:01 WARN plain text in year one\n"));
        const QString store = freshStore(QStringLiteral("years"));
        const Run run = import(store, {file(QStringLiteral("years.log"))});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const QList<QJsonObject> events = eventsOf(store);
        QStringList times;
        for (const QJsonObject &event : events)
            times << event.value(QStringLiteral("time")).toString();
        QCOMPARE(times, (QStringList{QStringLiteral("0001-01-01T00:00:00.000000000Z"), QStringLiteral("0001-01-01T00:00:01.000000000Z"),
                                     QStringLiteral("1677-09-21T00:12:43.000000000Z"), QStringLiteral("2026-11-20T08:00:00.000000000Z"),
                                     QStringLiteral("9999-12-31T23:59:59.000000000Z")}));
        const auto countOf = [&](const QString &query) {
            const Run counted = timberline({QStringLiteral("query"), QStringLiteral("--store"), store, QStringLiteral("--count"), query});
            return counted.exitCode == 0 ? counted.out.trimmed().toInt() : -counted.exitCode;
        };
        QCOMPARE(countOf(QStringLiteral("@timestamp:[0001 TO 9999]")), 5);
        QCOMPARE(countOf(QStringLiteral("@timestamp:[now-1000y TO now+1000y]")), 2); // 1677 and 2026
        QCOMPARE(countOf(QStringLiteral("@timestamp:0001")), 2);
        QCOMPARE(countOf(QStringLiteral("@timestamp:[1600 TO 1700]")), 1);
        // The histogram over keys of year 1 to 9999 neither overflows nor fails (its range is capped).
        const Run histogram = timberline({QStringLiteral("histogram"), QStringLiteral("--store"), store, QStringLiteral("--json")});
        QVERIFY2(histogram.exitCode == 0, histogram.err.constData());
        QVERIFY(QJsonDocument::fromJson(histogram.out).object().value(QStringLiteral("buckets")).toArray().size() > 1);
        for (const QString &bad : {QStringLiteral("@timestamp:2026-02-30"), QStringLiteral("@timestamp:[0000 TO 2026]")}) {
            const Run refused = timberline({QStringLiteral("query"), QStringLiteral("--store"), store, QStringLiteral("--count"), bad});
            QCOMPARE(refused.exitCode, 2);
            QVERIFY2(refused.err.contains("from 0001 to 9999"), refused.err.constData());
        }
    }

    // D10, D11: invalid UTF-8 and 1e400 keep the record parsed, UTF-16 without a BOM is read, and
    // every --json output parses.
    void encodingsAndNumbers()
    {
        QByteArray bad;
        const QList<QByteArray> invalid{"\xff", "\xc3\x28", "\xe2\x82", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xc0\xaf", "\x80"};
        for (int i = 0; i < 700; ++i) {
            bad += "{\"timestamp\":\"2026-11-20T08:00:00Z\",\"level\":\"error\",\"event\":\"caf" + invalid.at(i % invalid.size())
                + "\",\"n\":1e400}\n";
            bad += "2026-11-20 08:00:01 ERROR bad " + invalid.at(i % invalid.size()) + " end\n";
        }
        QVERIFY(writeFile(file(QStringLiteral("badutf8.log")), bad));
        QByteArray utf16;
        for (const char c : ndjsonLines(500))
            utf16 += QByteArray(1, c) + '\0';
        QVERIFY(writeFile(file(QStringLiteral("utf16le-nobom.log")), utf16));
        const QString store = freshStore(QStringLiteral("encodings"));
        const Run run = import(store, {file(QStringLiteral("badutf8.log")), file(QStringLiteral("utf16le-nobom.log"))});
        QVERIFY2(run.exitCode == 0, QByteArray(run.err + run.out).constData());
        const QJsonObject stats = statsOf(store);
        const QJsonObject badSource = sourceNamed(stats, QStringLiteral("badutf8.log"));
        QCOMPARE(count(badSource, "events"), 1400);
        QCOMPARE(count(badSource, "unparsed"), 0); // 700 of 700 JSON records were unparsed before
        QVERIFY(balanced(badSource));
        const QJsonObject utf16Source = sourceNamed(stats, QStringLiteral("utf16le-nobom.log"));
        QCOMPARE(utf16Source.value(QStringLiteral("status")).toString(), QStringLiteral("complete")); // "binary" before
        QCOMPARE(count(utf16Source, "events"), 500);
        QCOMPARE(count(utf16Source, "unparsed"), 0);
        // Every line of the output is JSON, the invalid bytes U+FFFD, and the level kept.
        const QList<QJsonObject> events = eventsOf(store, {QStringLiteral("--limit"), QStringLiteral("5000")});
        QCOMPARE(events.size(), 1900);
        int errors = 0;
        for (const QJsonObject &event : events) {
            if (event.value(QStringLiteral("source")).toString() != QLatin1String("badutf8.log"))
                continue;
            QVERIFY(event.value(QStringLiteral("message")).toString().contains(QChar(0xFFFD)));
            errors += event.value(QStringLiteral("level")).toString() == QLatin1String("error") ? 1 : 0;
        }
        QCOMPARE(errors, 1400);
    }

    // D10: a zip whose central directory is damaged is read by its local headers.
    void zipWithADamagedCentralDirectory()
    {
        std::vector<testarchive::Member> members;
        for (int m = 0; m < 3; ++m)
            members.push_back({QStringLiteral("m%1.log").arg(m).toStdString(), ndjsonLines(30000, m * 30000).toStdString()});
        std::string zip = testarchive::makeArchive("zip", "none", members);
        const std::size_t directory = zip.find("PK\x01\x02");
        const std::size_t end = zip.rfind("PK\x05\x06");
        QVERIFY(directory != std::string::npos && end != std::string::npos);
        for (std::size_t i = directory; i < end; ++i)
            zip[i] = static_cast<char>((i * 131) % 251);
        QVERIFY(writeFile(file(QStringLiteral("corrupt-cd.zip")), fromStd(zip)));
        const QString store = freshStore(QStringLiteral("zip"));
        const Run run = import(store, {file(QStringLiteral("corrupt-cd.zip"))});
        QVERIFY2(run.exitCode == 0, run.out.constData()); // "empty archive" before
        const QJsonObject stats = statsOf(store);
        for (int m = 0; m < 3; ++m) {
            const QJsonObject source = sourceNamed(stats, QStringLiteral("corrupt-cd.zip!/m%1.log").arg(m));
            QCOMPARE(source.value(QStringLiteral("status")).toString(), QStringLiteral("complete"));
            QCOMPARE(count(source, "lines"), 30000);
            QVERIFY(balanced(source));
        }
    }

    // D14: a million distinct field paths import in bounded memory.
    void aMillionDistinctPaths()
    {
        {
            QFile out(file(QStringLiteral("keys.log")));
            QVERIFY(out.open(QIODevice::WriteOnly));
            for (int i = 0; i < 100000; ++i) {
                QByteArray line = "{\"level\":\"info\",\"event\":\"x\"";
                for (int k = 0; k < 10; ++k)
                    line += ",\"f" + QByteArray::number(i) + '_' + QByteArray::number(k) + "\":\"v\"";
                QVERIFY(out.write(line + "}\n") > 0);
            }
        }
        const QString store = freshStore(QStringLiteral("keys"));
        const Run run = import(store, {file(QStringLiteral("keys.log"))});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        checkMemory("a million distinct paths"); // 701 MB before
        const QJsonObject source = sourceNamed(statsOf(store), QStringLiteral("keys.log"));
        QCOMPARE(count(source, "events"), 100000);
        QCOMPARE(count(source, "unparsed"), 0);
        // Paths past the catalogue are still queryable.
        const Run found = timberline({QStringLiteral("query"), QStringLiteral("--store"), store, QStringLiteral("--count"),
                                      QStringLiteral("f99999_9:v")});
        QCOMPARE(found.out.trimmed(), QByteArray("1"));
    }

    // D15: a small file that decompresses past the limit stops with the limit named, and a nested
    // zip's spooled copy never has a name in TMPDIR, even when the import is killed.
    void decompressionBombsStop()
    {
        // 1.2 GiB of one line from 150 gzip members of 8 MiB each: about 1.2 MB on disk.
        const std::string member = testarchive::compress("gzip", std::string(8 << 20, 'x'));
        QByteArray bomb;
        for (int i = 0; i < 150; ++i)
            bomb += fromStd(member);
        QVERIFY(writeFile(file(QStringLiteral("bomb.log.gz")), bomb));
        const QString store = freshStore(QStringLiteral("bomb"));
        const Run run = import(store, {file(QStringLiteral("bomb.log.gz"))});
        QCOMPARE(run.exitCode, 1);
        const QJsonObject source = sourceNamed(statsOf(store), QStringLiteral("bomb.log.gz"));
        QCOMPARE(source.value(QStringLiteral("status")).toString(), QStringLiteral("partial"));
        QVERIFY2(source.value(QStringLiteral("error")).toString().contains(QStringLiteral("decompressed-size limit")),
                 qPrintable(source.value(QStringLiteral("error")).toString()));
        QCOMPARE(count(source, "lines"), 1);
        QVERIFY(balanced(source));
        checkMemory("a decompression bomb");

        QTemporaryDir tmp;
        const std::string inner = testarchive::makeArchive("zip", "none", {{"bomb.log.gz", bomb.toStdString()}});
        QVERIFY(writeFile(file(QStringLiteral("outer.zip")), fromStd(testarchive::makeArchive("zip", "none", {{"inner.zip", inner}}))));
        QProcess process;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QStringLiteral("TMPDIR"), tmp.path());
        process.setProcessEnvironment(environment);
        process.start(QStringLiteral(TL_APP_PATH), {QStringLiteral("import"), QStringLiteral("--store"),
                                                     freshStore(QStringLiteral("nested")), file(QStringLiteral("outer.zip"))});
        QVERIFY(process.waitForStarted());
        QStringList seen;
        for (int i = 0; i < 20 && process.state() == QProcess::Running; ++i) {
            QThread::msleep(20);
            seen += QDir(tmp.path()).entryList(QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot);
        }
        if (process.state() == QProcess::Running)
            ::kill(pid_t(process.processId()), SIGKILL);
        process.waitForFinished(30000);
        QCOMPARE(seen, QStringList());
        QCOMPARE(QDir(tmp.path()).entryList(QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot), QStringList());
    }
};

QTEST_GUILESS_MAIN(TestHostileInput)
#include "tst_hostile_input.moc"
