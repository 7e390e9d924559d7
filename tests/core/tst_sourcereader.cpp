// SPDX-License-Identifier: MIT
#include <core/ingest/sourcereader.h>

#include <QDir>
#include <QFile>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

#include "archivewriter.h"

#include <archive.h>
#include <archive_entry.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <sys/fsuid.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace core;
using namespace testarchive;

namespace {

// Lines that do not compress to nothing, so that truncating a .gz cuts through real data.
std::string logLines(int count, quint32 seed = 7)
{
    QRandomGenerator random(seed);
    std::string text;
    for (int i = 0; i < count; ++i)
        text += "2024-05-01T12:00:00Z INFO line " + std::to_string(i) + " value=" + std::to_string(random.generate())
            + " id=" + std::to_string(random.generate64()) + '\n';
    return text;
}

struct Delivered {
    std::vector<std::string> events; ///< "name" for sources, "name: reason" for problems, in order
    std::map<std::string, std::string> bytes;
    std::map<std::string, std::string> readErrors;
    std::map<std::string, SourceInfo> infos;
    std::map<std::string, SourceProblem> problems;
    Result<void> result;

    QStringList eventList() const
    {
        QStringList list;
        for (const std::string &event : events)
            list << QString::fromStdString(event);
        return list;
    }
};

Delivered visit(const std::vector<std::string> &paths, std::size_t capacity = 1 << 20, int stopAfter = -1)
{
    Delivered delivered;
    SourceVisitor visitor;
    visitor.onSource = [&](const SourceInfo &info, ByteStream &stream) {
        delivered.events.push_back(info.name);
        delivered.infos[info.name] = info;
        std::string &bytes = delivered.bytes[info.name];
        std::string buffer(capacity, '\0');
        for (;;) {
            auto got = stream.read(buffer.data(), buffer.size());
            if (!got) {
                delivered.readErrors[info.name] = got.error().message;
                break;
            }
            if (*got == 0)
                break;
            bytes.append(buffer.data(), *got);
        }
        return stopAfter < 0 || static_cast<int>(delivered.events.size()) < stopAfter;
    };
    visitor.onProblem = [&](const SourceProblem &problem) {
        delivered.events.push_back(problem.name + ": " + problem.reason);
        delivered.problems[problem.name] = problem;
    };
    delivered.result = visitSources(paths, visitor);
    return delivered;
}

bool writeFile(const QString &path, const std::string &data)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(data.data(), static_cast<qint64>(data.size())) == static_cast<qint64>(data.size());
}

std::string utf16Bytes(const std::u16string &text, bool bigEndian)
{
    std::string out = bigEndian ? std::string("\xfe\xff") : std::string("\xff\xfe");
    for (char16_t unit : text) {
        const char high = static_cast<char>(unit >> 8);
        const char low = static_cast<char>(unit & 0xff);
        out += bigEndian ? high : low;
        out += bigEndian ? low : high;
    }
    return out;
}

} // namespace

class TestSourceReader : public QObject
{
    Q_OBJECT

private:
    static constexpr uid_t NobodyUid = 65534;
    QTemporaryDir m_dir;
    std::string path(const QString &name) const { return m_dir.filePath(name).toStdString(); }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void archives_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("format");
        QTest::addColumn<QString>("filter");
        QTest::newRow("zip") << "bundle.zip" << "zip" << "none";
        QTest::newRow("tar") << "bundle.tar" << "pax" << "none";
        QTest::newRow("tar.gz") << "bundle.tar.gz" << "pax" << "gzip";
        QTest::newRow("tgz") << "bundle.tgz" << "pax" << "gzip";
        QTest::newRow("tar.bz2") << "bundle.tar.bz2" << "pax" << "bzip2";
        QTest::newRow("tar.xz") << "bundle.tar.xz" << "pax" << "xz";
        QTest::newRow("tar.zst") << "bundle.tar.zst" << "pax" << "zstd";
        QTest::newRow("zip named .log") << "looks-plain.log" << "zip" << "none";
    }

    void archives()
    {
        QFETCH(QString, file);
        QFETCH(QString, format);
        QFETCH(QString, filter);
        const std::string api = logLines(3000);
        const std::string worker = "worker started\nworker stopped\n";
        const std::string bytes = makeArchive(qPrintable(format), qPrintable(filter),
            {{"logs/", {}, AE_IFDIR}, {"logs/api.log", api}, {"logs/link", {}, AE_IFLNK}, {"./worker.log", worker},
                {"empty.log", {}}});
        QVERIFY(!bytes.empty());
        QVERIFY(writeFile(m_dir.filePath(file), bytes));

        const Delivered d = visit({path(file)});
        QVERIFY(d.result);
        const std::string name = file.toStdString();
        const QStringList expected{QString::fromStdString(name + "!/logs/api.log"),
            QString::fromStdString(name + "!/worker.log"), QString::fromStdString(name + "!/empty.log")};
        QCOMPARE(d.eventList(), expected);
        QVERIFY(d.bytes.at(name + "!/logs/api.log") == api);
        QVERIFY(d.bytes.at(name + "!/worker.log") == worker);
        QVERIFY(d.bytes.at(name + "!/empty.log").empty());
        QVERIFY(d.readErrors.empty());
        const SourceInfo &info = d.infos.at(name + "!/logs/api.log");
        QCOMPARE(info.size, static_cast<std::int64_t>(api.size()));
        QCOMPARE(info.diskPath, path(file));
        QCOMPARE(info.diskSize, static_cast<std::int64_t>(bytes.size()));
        // pax keeps nanoseconds; zip keeps seconds.
        const std::int64_t expectedMtime = format == QLatin1String("zip") ? 1700000000'000000000 : 1700000000'000000123;
        QCOMPARE(info.mtimeNs, expectedMtime);
        QCOMPARE(totalDiskBytes({path(file)}), static_cast<std::uint64_t>(bytes.size()));
    }

    void compressedFiles_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("filter");
        QTest::newRow("gz") << "api.log.gz" << "gzip";
        QTest::newRow("bz2") << "api.log.bz2" << "bzip2";
        QTest::newRow("xz") << "api.log.xz" << "xz";
        QTest::newRow("zst") << "api.log.zst" << "zstd";
        QTest::newRow("gzip named .log") << "rotated.log" << "gzip";
    }

    void compressedFiles()
    {
        QFETCH(QString, file);
        QFETCH(QString, filter);
        const std::string text = logLines(40000); // several MiB: many blocks, past the 64 KiB sniff
        const std::string bytes = compress(qPrintable(filter), text);
        QVERIFY(writeFile(m_dir.filePath(file), bytes));
        const Delivered d = visit({path(file)}, 100000);
        QVERIFY(d.result);
        QCOMPARE(d.eventList(), QStringList{file});
        QVERIFY(d.bytes.at(file.toStdString()) == text);
        QVERIFY(d.readErrors.empty());
        QCOMPARE(d.infos.at(file.toStdString()).size, std::int64_t{-1});
        QCOMPARE(d.infos.at(file.toStdString()).diskSize, static_cast<std::int64_t>(bytes.size()));
    }

    void plainFiles_data()
    {
        QTest::addColumn<int>("capacity");
        QTest::newRow("1 byte") << 1;
        QTest::newRow("4 KiB") << 4096;
        QTest::newRow("1 MiB") << (1 << 20);
    }

    void plainFiles()
    {
        QFETCH(int, capacity);
        const std::string text = logLines(30000);
        const std::string withBom = "\xef\xbb\xbf{\"msg\":\"utf-8 BOM stays\"}\n";
        const std::string lateNul = std::string(70 * 1024, 'x') + '\0' + "\n"; // NUL after the first 64 KiB
        const std::string fakeGz = "plain text in a file named .gz\n";
        QVERIFY(writeFile(m_dir.filePath(QStringLiteral("big.log")), text));
        QVERIFY(writeFile(m_dir.filePath(QStringLiteral("bom.json")), withBom));
        QVERIFY(writeFile(m_dir.filePath(QStringLiteral("latenul.log")), lateNul));
        QVERIFY(writeFile(m_dir.filePath(QStringLiteral("fake.gz")), fakeGz));
        QVERIFY(writeFile(m_dir.filePath(QStringLiteral("empty.log")), {}));
        const std::filesystem::file_time_type mtime(std::chrono::seconds(1'800'000'000));
        std::filesystem::last_write_time(path(QStringLiteral("big.log")), mtime);

        const Delivered d = visit({path(QStringLiteral("big.log")), path(QStringLiteral("bom.json")),
                                      path(QStringLiteral("latenul.log")), path(QStringLiteral("fake.gz")),
                                      path(QStringLiteral("empty.log"))},
            static_cast<std::size_t>(capacity));
        QVERIFY(d.result);
        QCOMPARE(d.eventList(),
            (QStringList{QStringLiteral("big.log"), QStringLiteral("bom.json"), QStringLiteral("latenul.log"),
                QStringLiteral("fake.gz"), QStringLiteral("empty.log")}));
        QVERIFY(d.bytes.at("big.log") == text);
        QVERIFY(d.bytes.at("bom.json") == withBom);
        QVERIFY(d.bytes.at("latenul.log") == lateNul);
        QVERIFY(d.bytes.at("fake.gz") == fakeGz);
        QVERIFY(d.bytes.at("empty.log").empty());
        const SourceInfo &info = d.infos.at("big.log");
        QCOMPARE(info.size, static_cast<std::int64_t>(text.size()));
        QCOMPARE(info.diskSize, static_cast<std::int64_t>(text.size()));
        QCOMPARE(info.diskPath, path(QStringLiteral("big.log")));
        const auto expectedNs = std::chrono::duration_cast<std::chrono::nanoseconds>(
            std::chrono::file_clock::to_sys(mtime).time_since_epoch()).count();
        QCOMPARE(info.mtimeNs, static_cast<std::int64_t>(expectedNs));
    }

    void nested()
    {
        const std::string app = logLines(500, 1);
        const std::string deep = "deep line\n";
        const std::string rotated = logLines(2000, 2);
        const std::string innerZip = makeArchive("zip", "none", {{"app.log", app}, {"dir/", {}, AE_IFDIR}});
        const std::string innerTar = makeArchive("pax", "zstd", {{"deep.zip", makeArchive("zip", "none", {{"x.log", deep}})}});
        const std::string outer = makeArchive("pax", "gzip",
            {{"inner.zip", innerZip}, {"logs.tar.zst", innerTar}, {"rotated.log.gz", compress("gzip", rotated)},
                {"notes.txt", "plain\n"}});
        QVERIFY(writeFile(m_dir.filePath(QStringLiteral("outer.tar.gz")), outer));
        const std::string zipOfTar = makeArchive("zip", "none", {{"in.tar.gz", makeArchive("pax", "gzip", {{"a.log", app}})}});
        QVERIFY(writeFile(m_dir.filePath(QStringLiteral("zipoftar.zip")), zipOfTar));

        const Delivered d = visit({path(QStringLiteral("outer.tar.gz")), path(QStringLiteral("zipoftar.zip"))});
        QVERIFY(d.result);
        QCOMPARE(d.eventList(),
            (QStringList{QStringLiteral("outer.tar.gz!/inner.zip!/app.log"),
                QStringLiteral("outer.tar.gz!/logs.tar.zst!/deep.zip!/x.log"), QStringLiteral("outer.tar.gz!/rotated.log.gz"),
                QStringLiteral("outer.tar.gz!/notes.txt"), QStringLiteral("zipoftar.zip!/in.tar.gz!/a.log")}));
        QVERIFY(d.bytes.at("outer.tar.gz!/inner.zip!/app.log") == app);
        QVERIFY(d.bytes.at("outer.tar.gz!/logs.tar.zst!/deep.zip!/x.log") == deep);
        QVERIFY(d.bytes.at("outer.tar.gz!/rotated.log.gz") == rotated);
        QVERIFY(d.bytes.at("zipoftar.zip!/in.tar.gz!/a.log") == app);
        QVERIFY(d.readErrors.empty());
        const SourceInfo &info = d.infos.at("outer.tar.gz!/inner.zip!/app.log");
        QCOMPARE(info.diskPath, path(QStringLiteral("outer.tar.gz")));
        QCOMPARE(info.diskSize, static_cast<std::int64_t>(outer.size()));
        QCOMPARE(info.size, static_cast<std::int64_t>(app.size()));
    }

    void utf16_data()
    {
        QTest::addColumn<bool>("bigEndian");
        QTest::addColumn<int>("capacity");
        QTest::newRow("LE, 1 byte reads") << false << 1;
        QTest::newRow("LE, 1 MiB reads") << false << (1 << 20);
        QTest::newRow("BE, 3 byte reads") << true << 3;
        QTest::newRow("BE, 1 MiB reads") << true << (1 << 20);
    }

    void utf16()
    {
        QFETCH(bool, bigEndian);
        QFETCH(int, capacity);
        // 2 + 6 * 400000 bytes: chunk boundaries fall inside code units and surrogate pairs.
        std::u16string text;
        std::string expected;
        for (int i = 0; i < 400000; ++i) {
            text += u"a\U0001F600";
            expected += "a\xf0\x9f\x98\x80";
        }
        text += u"h\u00e9llo \u20ac\n";
        expected += "h\xc3\xa9llo \xe2\x82\xac\n";
        const QString file = bigEndian ? QStringLiteral("be.log") : QStringLiteral("le.log");
        QVERIFY(writeFile(m_dir.filePath(file), utf16Bytes(text, bigEndian)));
        // An odd last byte and a lone surrogate decode to U+FFFD.
        QVERIFY(writeFile(m_dir.filePath(QStringLiteral("odd.log")), utf16Bytes(u"ok\xD800x", false) + 'z'));

        const Delivered d = visit({path(file), path(QStringLiteral("odd.log"))}, static_cast<std::size_t>(capacity));
        QVERIFY(d.result);
        QCOMPARE(d.eventList(), (QStringList{file, QStringLiteral("odd.log")}));
        QVERIFY(d.bytes.at(file.toStdString()) == expected);
        QCOMPARE(d.bytes.at("odd.log"), std::string("ok\xef\xbf\xbdx\xef\xbf\xbd"));
        QCOMPARE(d.infos.at(file.toStdString()).size, std::int64_t{-1});
    }

    void utf16InArchive()
    {
        const std::string text = utf16Bytes(u"zipped \u00fc\n", false);
        QVERIFY(writeFile(m_dir.filePath(QStringLiteral("u16.zip")), makeArchive("zip", "none", {{"w.log", text}})));
        const Delivered d = visit({path(QStringLiteral("u16.zip"))}, 5);
        QCOMPARE(d.eventList(), QStringList{QStringLiteral("u16.zip!/w.log")});
        QCOMPARE(d.bytes.at("u16.zip!/w.log"), std::string("zipped \xc3\xbc\n"));
    }

    void binary()
    {
        QVERIFY(writeFile(m_dir.filePath(QStringLiteral("core.log")), std::string("ELF\0\x01 not text", 14)));
        QVERIFY(writeFile(m_dir.filePath(QStringLiteral("utf32.log")), std::string("\xff\xfe\0\0a\0\0\0", 8)));
        QVERIFY(writeFile(m_dir.filePath(QStringLiteral("mixed.zip")),
            makeArchive("zip", "none", {{"img.png", std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16)}, {"ok.log", "ok\n"}})));
        const Delivered d = visit(
            {path(QStringLiteral("core.log")), path(QStringLiteral("utf32.log")), path(QStringLiteral("mixed.zip"))});
        QVERIFY(d.result);
        QCOMPARE(d.eventList(),
            (QStringList{QStringLiteral("core.log: binary"), QStringLiteral("utf32.log: binary"),
                QStringLiteral("mixed.zip!/img.png: binary"), QStringLiteral("mixed.zip!/ok.log")}));
        QCOMPARE(d.problems.at("core.log").diskPath, path(QStringLiteral("core.log")));
        QCOMPARE(d.problems.at("core.log").diskSize, std::int64_t{14});
        QCOMPARE(d.problems.at("mixed.zip!/img.png").diskPath, path(QStringLiteral("mixed.zip")));
    }

    void truncatedGzip()
    {
        const std::string text = logLines(50000, 3);
        const std::string gz = compress("gzip", text);
        QVERIFY(writeFile(m_dir.filePath(QStringLiteral("cut.log.gz")), gz.substr(0, gz.size() / 2)));
        QVERIFY(writeFile(m_dir.filePath(QStringLiteral("header-only.log.gz")), gz.substr(0, 12)));
        const Delivered d = visit({path(QStringLiteral("cut.log.gz")), path(QStringLiteral("header-only.log.gz"))});
        QVERIFY(d.result);
        QCOMPARE(d.eventList().size(), 2);
        QCOMPARE(d.eventList().at(0), QStringLiteral("cut.log.gz"));
        QVERIFY2(d.eventList().at(1).startsWith(QStringLiteral("header-only.log.gz: corrupt compressed data: ")),
            qPrintable(d.eventList().at(1)));
        // Every byte that decoded arrives, then read() fails and names the source.
        const std::string &partial = d.bytes.at("cut.log.gz");
        QVERIFY(partial.size() > 64 * 1024);
        QVERIFY(partial.size() < text.size());
        QVERIFY(text.compare(0, partial.size(), partial) == 0);
        QVERIFY2(d.readErrors.at("cut.log.gz").rfind("cut.log.gz: corrupt compressed data: ", 0) == 0,
            d.readErrors.at("cut.log.gz").c_str());
    }

    void truncatedTarGz()
    {
        const std::string first = logLines(20000, 4);
        const std::string second = logLines(20000, 5);
        const std::string tgz = makeArchive("pax", "gzip", {{"first.log", first}, {"second.log", second}});
        QVERIFY(writeFile(m_dir.filePath(QStringLiteral("cut.tar.gz")), tgz.substr(0, tgz.size() * 3 / 4)));
        const Delivered d = visit({path(QStringLiteral("cut.tar.gz"))});
        QVERIFY(d.result);
        QCOMPARE(d.eventList(), (QStringList{QStringLiteral("cut.tar.gz!/first.log"), QStringLiteral("cut.tar.gz!/second.log")}));
        QVERIFY(d.bytes.at("cut.tar.gz!/first.log") == first);
        QVERIFY(!d.readErrors.count("cut.tar.gz!/first.log"));
        const std::string &partial = d.bytes.at("cut.tar.gz!/second.log");
        QVERIFY(!partial.empty() && partial.size() < second.size());
        QVERIFY(second.compare(0, partial.size(), partial) == 0);
        QVERIFY2(d.readErrors.at("cut.tar.gz!/second.log").rfind("cut.tar.gz!/second.log: corrupt archive member: ", 0) == 0,
            d.readErrors.at("cut.tar.gz!/second.log").c_str());
    }

    void corruptZipMember()
    {
        const std::string bad = logLines(3000, 6);
        const std::string good = "good\n";
        std::string zip = makeArchive("zip", "none", {{"logs/bad.log", bad}, {"logs/good.log", good}});
        // Scramble the middle of the first member's deflate stream; its headers stay intact.
        const std::size_t start = 30 + std::string("logs/bad.log").size() + 200;
        for (std::size_t i = start; i < start + 64; ++i)
            zip[i] = static_cast<char>(zip[i] ^ 0x5a);
        QVERIFY(writeFile(m_dir.filePath(QStringLiteral("bundle.zip")), zip));
        const Delivered d = visit({path(QStringLiteral("bundle.zip"))});
        QVERIFY(d.result);
        const QStringList events = d.eventList();
        QVERIFY2(events.size() == 2, qPrintable(events.join(QLatin1Char('\n'))));
        // The damage shows either before any byte (a problem) or after some (a partial source).
        if (events.at(0) == QLatin1String("bundle.zip!/logs/bad.log")) {
            QVERIFY2(d.readErrors.at("bundle.zip!/logs/bad.log").rfind("bundle.zip!/logs/bad.log: corrupt archive member: ", 0) == 0,
                d.readErrors.at("bundle.zip!/logs/bad.log").c_str());
        } else {
            QVERIFY2(events.at(0).startsWith(QStringLiteral("bundle.zip!/logs/bad.log: corrupt archive member: ")),
                qPrintable(events.at(0)));
        }
        QCOMPARE(events.at(1), QStringLiteral("bundle.zip!/logs/good.log"));
        QCOMPARE(d.bytes.at("bundle.zip!/logs/good.log"), good);
    }

    // Every byte that decodes arrives (gzip -dc, xz -dc and bzip2 -dc recover them); libarchive's
    // filters dropped the last call's worth, about 1,000 lines.
    void damagedCompressedFilesKeepEveryByteThatDecodes_data()
    {
        QTest::addColumn<QString>("filter");
        QTest::addColumn<int>("cut");
        QTest::addColumn<bool>("whole");
        QTest::newRow("gz without its last byte") << "gzip" << 1 << true;
        QTest::newRow("xz without its last byte") << "xz" << 1 << true;
        QTest::newRow("bz2 without its last byte") << "bzip2" << 1 << true;
        QTest::newRow("gz cut in half") << "gzip" << -2 << false;
        QTest::newRow("xz cut in half") << "xz" << -2 << false;
    }

    void damagedCompressedFilesKeepEveryByteThatDecodes()
    {
        QFETCH(QString, filter);
        QFETCH(int, cut);
        QFETCH(bool, whole);
        const std::string text = logLines(50000, 21);
        const std::string bytes = compress(qPrintable(filter), text);
        const std::size_t keep = cut > 0 ? bytes.size() - std::size_t(cut) : bytes.size() / std::size_t(-cut);
        const QString name = QStringLiteral("damaged-") + filter;
        QVERIFY(writeFile(m_dir.filePath(name), bytes.substr(0, keep)));
        const Delivered d = visit({path(name)});
        const std::string &got = d.bytes.at(name.toStdString());
        QVERIFY(text.compare(0, got.size(), got) == 0);
        if (whole)
            QVERIFY2(got == text, qPrintable(QString::number(got.size()) + QStringLiteral(" of ") + QString::number(text.size())));
        else
            QVERIFY(got.size() > text.size() / 3);
        const std::string &error = d.readErrors.at(name.toStdString());
        QVERIFY2(error.find("corrupt compressed data: the ") != std::string::npos && error.find("cut short") != std::string::npos,
            error.c_str());
    }

    void dataAfterTheCompressedStream()
    {
        const std::string text = logLines(1000, 22);
        QRandomGenerator random(5);
        std::string garbage;
        for (int i = 0; i < 4096; ++i)
            garbage += static_cast<char>(random.bounded(1, 256));
        QVERIFY(writeFile(m_dir.filePath(QStringLiteral("garbage-after.zst")), compress("zstd", text) + garbage));
        QVERIFY(writeFile(m_dir.filePath(QStringLiteral("zeros-after.xz")), compress("xz", text) + std::string(4096, '\0')));
        // Concatenated members are one file, as gzip -dc reads them.
        QVERIFY(writeFile(m_dir.filePath(QStringLiteral("two-members.gz")), compress("gzip", text) + compress("gzip", text)));
        const Delivered d = visit({path(QStringLiteral("garbage-after.zst")), path(QStringLiteral("zeros-after.xz")),
            path(QStringLiteral("two-members.gz"))});
        QVERIFY(d.bytes.at("garbage-after.zst") == text);
        QVERIFY2(d.readErrors.at("garbage-after.zst").find("bytes that are not zstd") != std::string::npos,
            d.readErrors.at("garbage-after.zst").c_str());
        QVERIFY(d.bytes.at("zeros-after.xz") == text);
        QVERIFY(!d.readErrors.count("zeros-after.xz"));
        QVERIFY(d.bytes.at("two-members.gz") == text + text);
        QVERIFY(!d.readErrors.count("two-members.gz"));
    }

    void utf16WithoutBom()
    {
        std::u16string text;
        for (int i = 0; i < 200; ++i)
            text += u"{\"level\":\"info\",\"event\":\"caf\u00e9\"}\n";
        const std::string expected = [&] {
            std::string utf8;
            for (int i = 0; i < 200; ++i)
                utf8 += "{\"level\":\"info\",\"event\":\"caf\xc3\xa9\"}\n";
            return utf8;
        }();
        QVERIFY(writeFile(m_dir.filePath(QStringLiteral("le-nobom.log")), utf16Bytes(text, false).substr(2)));
        QVERIFY(writeFile(m_dir.filePath(QStringLiteral("be-nobom.log")), utf16Bytes(text, true).substr(2)));
        const Delivered d = visit({path(QStringLiteral("le-nobom.log")), path(QStringLiteral("be-nobom.log"))});
        QCOMPARE(d.eventList(), (QStringList{QStringLiteral("le-nobom.log"), QStringLiteral("be-nobom.log")}));
        QVERIFY(d.bytes.at("le-nobom.log") == expected);
        QVERIFY(d.bytes.at("be-nobom.log") == expected);
    }

    // A zip whose central directory is damaged is read member by member from its local headers.
    void zipWithADamagedCentralDirectory()
    {
        const std::string first = logLines(3000, 23);
        const std::string second = logLines(3000, 24);
        std::string zip = makeArchive("zip", "none", {{"logs/a.log", first}, {"logs/b.log", second}});
        const std::size_t directory = zip.find("PK\x01\x02");
        const std::size_t end = zip.rfind("PK\x05\x06");
        QVERIFY(directory != std::string::npos && end != std::string::npos);
        QRandomGenerator random(9);
        for (std::size_t i = directory; i < end; ++i)
            zip[i] = static_cast<char>(random.bounded(256));
        QVERIFY(writeFile(m_dir.filePath(QStringLiteral("damaged-cd.zip")), zip));
        const Delivered d = visit({path(QStringLiteral("damaged-cd.zip"))});
        QCOMPARE(d.eventList(), (QStringList{QStringLiteral("damaged-cd.zip!/logs/a.log"), QStringLiteral("damaged-cd.zip!/logs/b.log")}));
        QVERIFY(d.bytes.at("damaged-cd.zip!/logs/a.log") == first);
        QVERIFY(d.bytes.at("damaged-cd.zip!/logs/b.log") == second);
    }

    // Lines are cut at MaxLineBytes; what follows the cut, up to the newline, is dropped.
    void longLinesAreCut()
    {
        const std::string longLine(MaxLineBytes + 12345, 'x');
        QVERIFY(writeFile(m_dir.filePath(QStringLiteral("long.log")), "short\n" + longLine + "\nafter\n" + longLine));
        const Delivered d = visit({path(QStringLiteral("long.log"))}, 100000);
        const std::string cut(MaxLineBytes, 'x');
        QVERIFY(d.bytes.at("long.log") == "short\n" + cut + "\nafter\n" + cut);
    }

    // Past the limits a source ends with an error that names them, and the archive's other members
    // are reported as not read.
    void decompressionLimits()
    {
        const std::string text = logLines(20000, 25);
        QVERIFY(writeFile(m_dir.filePath(QStringLiteral("two.zip")),
            makeArchive("zip", "none", {{"first.log", text}, {"second.log", text}, {"third.log", "never\n"}})));
        SourceVisitor visitor;
        // The zip deflates its members, so 1.5 times one member is more than the zip's own size.
        const std::uint64_t limit = text.size() * 3 / 2;
        visitor.limits.minimumBytes = limit;
        visitor.limits.ratio = 1;
        std::map<std::string, std::uint64_t> sizes;
        std::map<std::string, std::string> errors;
        std::vector<std::string> problems;
        visitor.onSource = [&](const SourceInfo &info, ByteStream &stream) {
            std::string buffer(65536, '\0');
            for (;;) {
                auto got = stream.read(buffer.data(), buffer.size());
                if (!got) {
                    errors[info.name] = got.error().message;
                    break;
                }
                if (*got == 0)
                    break;
                sizes[info.name] += *got;
            }
            return true;
        };
        visitor.onProblem = [&](const SourceProblem &problem) { problems.push_back(problem.name + ": " + problem.reason); };
        QVERIFY(visitSources({path(QStringLiteral("two.zip"))}, visitor));
        QCOMPARE(sizes.at("two.zip!/first.log"), std::uint64_t(text.size()));
        QVERIFY(!errors.count("two.zip!/first.log"));
        QCOMPARE(sizes.at("two.zip!/second.log"), limit - text.size());
        QVERIFY2(errors.at("two.zip!/second.log").rfind("two.zip!/second.log: stopped after ", 0) == 0,
            errors.at("two.zip!/second.log").c_str());
        QVERIFY(errors.at("two.zip!/second.log").find("decompressed-size limit") != std::string::npos);
        QVERIFY(!sizes.count("two.zip!/third.log"));
        QCOMPARE(problems.size(), std::size_t(1));
        QVERIFY2(problems.front().rfind("two.zip: members after two.zip!/second.log not read: stopped after", 0) == 0,
            problems.front().c_str());
        // A plain file is not compressed input: no limit applies.
        QVERIFY(writeFile(m_dir.filePath(QStringLiteral("plain.log")), text + text));
        sizes.clear();
        QVERIFY(visitSources({path(QStringLiteral("plain.log"))}, visitor));
        QCOMPARE(sizes.at("plain.log"), std::uint64_t(2 * text.size()));
    }

    // A nested zip is spooled to a file without a name: nothing is left in TMPDIR whatever happens.
    void nestedZipSpoolHasNoName()
    {
        QTemporaryDir tmp;
        const QByteArray saved = qgetenv("TMPDIR");
        qputenv("TMPDIR", tmp.path().toUtf8());
        const std::string inner = makeArchive("zip", "none", {{"in.log", "inner line\n"}});
        QVERIFY(writeFile(m_dir.filePath(QStringLiteral("outer-spool.zip")), makeArchive("zip", "none", {{"inner.zip", inner}})));
        QStringList seenDuringVisit;
        SourceVisitor visitor;
        visitor.onSource = [&](const SourceInfo &, ByteStream &) {
            seenDuringVisit = QDir(tmp.path()).entryList(QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot);
            return true;
        };
        QVERIFY(visitSources({path(QStringLiteral("outer-spool.zip"))}, visitor));
        saved.isNull() ? qunsetenv("TMPDIR") : qputenv("TMPDIR", saved);
        QCOMPARE(seenDuringVisit, QStringList());
    }

    void garbage_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QByteArray>("magic");
        QTest::newRow("zip") << "garbage.zip" << QByteArray("PK\x03\x04", 4);
        QTest::newRow("gzip") << "garbage.gz" << QByteArray("\x1f\x8b\x08", 3);
        QTest::newRow("xz") << "garbage.xz" << QByteArray("\xfd" "7zXZ\x00", 6);
        QTest::newRow("zstd") << "garbage.zst" << QByteArray("\x28\xb5\x2f\xfd", 4);
        QTest::newRow("bzip2") << "garbage.bz2" << QByteArray("BZh91AY&SY", 10);
    }

    void garbage()
    {
        QFETCH(QString, file);
        QFETCH(QByteArray, magic);
        QRandomGenerator random(11);
        std::string bytes = magic.toStdString();
        for (int i = 0; i < 5000; ++i)
            bytes += static_cast<char>(random.bounded(256));
        QVERIFY(writeFile(m_dir.filePath(file), bytes));
        QVERIFY(writeFile(m_dir.filePath(QStringLiteral("after.log")), "after\n"));
        const Delivered d = visit({path(file), path(QStringLiteral("after.log"))});
        QVERIFY(d.result);
        QVERIFY(!d.events.empty());
        QCOMPARE(d.eventList().last(), QStringLiteral("after.log"));
        // Nothing of the garbage is passed on without an error.
        for (const auto &[name, info] : d.infos) {
            if (name != "after.log")
                QVERIFY2(d.readErrors.count(name), name.c_str());
        }
        QVERIFY(d.problems.size() + d.readErrors.size() >= 1);
        const std::string problemName = d.problems.empty() ? d.readErrors.begin()->first : d.problems.begin()->first;
        QVERIFY2(problemName.rfind(file.toStdString(), 0) == 0, problemName.c_str());
    }

    void emptyArchives()
    {
        QVERIFY(writeFile(m_dir.filePath(QStringLiteral("empty.zip")), makeArchive("zip", "none", {})));
        QVERIFY(writeFile(m_dir.filePath(QStringLiteral("dirs.tar.gz")),
            makeArchive("pax", "gzip", {{"logs/", {}, AE_IFDIR}, {"logs/old/", {}, AE_IFDIR}})));
        QVERIFY(writeFile(m_dir.filePath(QStringLiteral("nothing.log.gz")), compress("gzip", {})));
        QVERIFY(writeFile(m_dir.filePath(QStringLiteral("in.zip")),
            makeArchive("zip", "none", {{"empty.tar.gz", makeArchive("pax", "gzip", {})}})));
        const Delivered d = visit({path(QStringLiteral("empty.zip")), path(QStringLiteral("dirs.tar.gz")),
            path(QStringLiteral("nothing.log.gz")), path(QStringLiteral("in.zip"))});
        QVERIFY(d.result);
        QCOMPARE(d.eventList(),
            (QStringList{QStringLiteral("empty.zip: empty archive"), QStringLiteral("dirs.tar.gz: empty archive"),
                QStringLiteral("nothing.log.gz"), QStringLiteral("in.zip!/empty.tar.gz: empty archive")}));
        QVERIFY(d.bytes.at("nothing.log.gz").empty());
    }

    void folders()
    {
        const QString root = m_dir.filePath(QStringLiteral("incident"));
        QVERIFY(QDir().mkpath(root + QStringLiteral("/b/deeper")));
        QVERIFY(QDir().mkpath(root + QStringLiteral("/empty")));
        QVERIFY(writeFile(root + QStringLiteral("/z.log"), "z\n"));
        QVERIFY(writeFile(root + QStringLiteral("/a.log"), "a\n"));
        QVERIFY(writeFile(root + QStringLiteral("/b/deeper/c.log"), "c\n"));
        QVERIFY(writeFile(root + QStringLiteral("/b/c.zip"), makeArchive("zip", "none", {{"m.log", "m\n"}})));
        QVERIFY(QFile::link(root, root + QStringLiteral("/b/loop"))); // back to the top: must not recurse forever
        QVERIFY(QFile::link(root + QStringLiteral("/gone"), root + QStringLiteral("/dangling.log")));
        QCOMPARE(::mkfifo(qPrintable(root + QStringLiteral("/pipe")), 0600), 0); // reading it would block

        const Delivered d = visit({root.toStdString(), path(QStringLiteral("incident/empty"))});
        QVERIFY(d.result);
        QCOMPARE(d.eventList(),
            (QStringList{QStringLiteral("incident/a.log"), QStringLiteral("incident/b/c.zip!/m.log"),
                QStringLiteral("incident/b/deeper/c.log"), QStringLiteral("incident/dangling.log: no such file or directory"),
                QStringLiteral("incident/z.log")}));
        QCOMPARE(d.bytes.at("incident/b/deeper/c.log"), std::string("c\n"));
        QCOMPARE(d.infos.at("incident/b/c.zip!/m.log").diskPath, QString(root + QStringLiteral("/b/c.zip")).toStdString());

        const auto zipSize = static_cast<std::uint64_t>(QFileInfo(root + QStringLiteral("/b/c.zip")).size());
        QCOMPARE(totalDiskBytes({root.toStdString(), path(QStringLiteral("missing"))}), 2 + 2 + 2 + zipSize);
    }

    void missingAndUnreadable()
    {
        QVERIFY(writeFile(m_dir.filePath(QStringLiteral("ok.log")), "ok\n"));
        const Delivered d = visit({path(QStringLiteral("does-not-exist.log")), path(QStringLiteral("ok.log"))});
        QVERIFY(d.result);
        QCOMPARE(d.eventList(),
            (QStringList{QStringLiteral("does-not-exist.log: no such file or directory"), QStringLiteral("ok.log")}));
        QCOMPARE(d.problems.at("does-not-exist.log").diskPath, path(QStringLiteral("does-not-exist.log")));

        QVERIFY(writeFile(m_dir.filePath(QStringLiteral("secret.log")), "secret\n"));
        QVERIFY(QFile::setPermissions(m_dir.filePath(QStringLiteral("secret.log")), QFileDevice::Permissions()));
        // Root reads every file, and CI runs as root: read as an ordinary user there by switching this
        // thread's filesystem user, which drops the capabilities that bypass file permissions.
        const bool root = ::geteuid() == 0;
        const QFileDevice::Permissions dirPermissions = QFile::permissions(m_dir.path());
        if (root) {
            QVERIFY(QFile::setPermissions(m_dir.path(), dirPermissions | QFileDevice::ExeOther | QFileDevice::ReadOther));
            QVERIFY(QFile::setPermissions(m_dir.filePath(QStringLiteral("ok.log")),
                                          QFile::permissions(m_dir.filePath(QStringLiteral("ok.log"))) | QFileDevice::ReadOther));
        }
        const int previousGroup = root ? ::setfsgid(NobodyUid) : 0; // else root's group bits would apply
        const int previousUser = root ? ::setfsuid(NobodyUid) : 0;
        const Delivered denied = visit({path(QStringLiteral("secret.log")), path(QStringLiteral("ok.log"))});
        if (root) {
            ::setfsuid(static_cast<uid_t>(previousUser));
            ::setfsgid(static_cast<gid_t>(previousGroup));
            QFile::setPermissions(m_dir.path(), dirPermissions);
        }
        QCOMPARE(denied.eventList(), (QStringList{QStringLiteral("secret.log: permission denied"), QStringLiteral("ok.log")}));
        QCOMPARE(denied.problems.at("secret.log").diskSize, std::int64_t{7});
    }

    void cancel()
    {
        for (const char *name : {"c1.log", "c2.log", "c3.log"})
            QVERIFY(writeFile(m_dir.filePath(QLatin1String(name)), "line\n"));
        QVERIFY(writeFile(m_dir.filePath(QStringLiteral("c.zip")), makeArchive("zip", "none", {{"1", "1\n"}, {"2", "2\n"}})));
        const Delivered d = visit({path(QStringLiteral("c1.log")), path(QStringLiteral("c.zip")), path(QStringLiteral("c3.log"))},
            1 << 20, 2);
        QVERIFY(!d.result);
        QCOMPARE(d.result.error().code, ErrorCode::Cancelled);
        QCOMPARE(d.eventList(), (QStringList{QStringLiteral("c1.log"), QStringLiteral("c.zip!/1")}));
    }
};

QTEST_GUILESS_MAIN(TestSourceReader)
#include "tst_sourcereader.moc"
