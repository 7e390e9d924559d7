// SPDX-License-Identifier: MIT
// Posting lists as the store keeps them: terms packed in blocks per segment, read back by term and by prefix.
#include <core/store/sqlite/postingblocks.h>
#include <core/store/sqlite/postingreader.h>
#include <core/store/sqlite/sqlitestore.h>

#include <QTemporaryDir>
#include <QTest>

#include <sqlite3.h>

using namespace core;

namespace {

std::string varints(const std::vector<std::uint64_t> &deltas)
{
    std::string out;
    for (std::uint64_t value : deltas) {
        while (value >= 0x80) {
            out.push_back(static_cast<char>((value & 0x7F) | 0x80));
            value >>= 7;
        }
        out.push_back(static_cast<char>(value));
    }
    return out;
}

// A segment of `count` terms term00000, term00001, ... whose lists are one id each, `base` + index.
PostingSegment segmentOf(int count, int base, const std::string &extraTerm = {})
{
    PostingSegment segment;
    for (int i = 0; i < count; ++i) {
        char term[16];
        std::snprintf(term, sizeof term, "term%05d", i);
        segment.terms.emplace_back(term, varints({static_cast<std::uint64_t>(base + i)}));
    }
    if (!extraTerm.empty())
        segment.terms.emplace_back(extraTerm, varints({static_cast<std::uint64_t>(base)}));
    return segment;
}

} // namespace

class TestPostings : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void blocksRoundTrip()
    {
        const PostingSegment segment = segmentOf(5000, 1);
        const auto blocks = postingblocks::pack(segment);
        QVERIFY(blocks.size() > 1); // several blocks, so lookups cross block boundaries
        std::vector<std::pair<std::string, std::string>> read;
        for (const auto &block : blocks) {
            const std::size_t before = read.size();
            QVERIFY(postingblocks::forEach(block.data, [&](std::string_view term, std::string_view ids) -> bool {
                read.emplace_back(term, ids);
                return true;
            }));
            QVERIFY(read.size() > before);
            QCOMPARE(read[before].first, block.firstTerm);
        }
        QCOMPARE(read, segment.terms);
        const std::size_t seen = read.size();
        QCOMPARE(seen, segment.terms.size());
        QVERIFY(!postingblocks::forEach(std::string_view("\x05" "ab", 3), [](std::string_view, std::string_view) -> bool { return true; }));
    }

    void readerFindsTermsAcrossSegmentsAndBlocks()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath(QStringLiteral("p.timberline")).toStdString();
        {
            auto store = SqliteStore::open(path, OpenMode::ReadWrite);
            QVERIFY(store.has_value());
            auto writer = (*store)->writer();
            QVERIFY(writer.has_value());
            QVERIFY((*writer)->writeSegment(segmentOf(3000, 1)).has_value());
            QVERIFY((*writer)->writeSegment(segmentOf(10, 10000, "zeta")).has_value());
            QVERIFY((*writer)->commit().has_value());
        }
        sqlite3 *db = nullptr;
        QCOMPARE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
        PostingReader reader(db);
        std::vector<std::string> lists;
        QVERIFY(reader.forEachList("term00005", [&](std::string_view list) { lists.emplace_back(list); }).has_value());
        QCOMPARE(lists, (std::vector<std::string>{varints({6}), varints({10005})}));
        lists.clear();
        QVERIFY(reader.forEachList("term02999", [&](std::string_view list) { lists.emplace_back(list); }).has_value());
        QCOMPARE(lists, (std::vector<std::string>{varints({3000})}));
        lists.clear();
        QVERIFY(reader.forEachList("term0", [&](std::string_view list) { lists.emplace_back(list); }).has_value());
        QVERIFY(lists.empty());
        QVERIFY(reader.forEachList("zeta", [&](std::string_view list) { lists.emplace_back(list); }).has_value());
        QCOMPARE(lists.size(), 1u);

        auto all = reader.termsWithPrefix("term");
        QVERIFY(all.has_value());
        QCOMPARE(all->size(), 3000u); // distinct across both segments
        QCOMPARE(all->front(), std::string("term00000"));
        QCOMPARE(all->back(), std::string("term02999"));
        auto some = reader.termsWithPrefix("term0150");
        QCOMPARE(some->size(), 10u);
        QCOMPARE(some->front(), std::string("term01500"));
        auto none = reader.termsWithPrefix("q");
        QVERIFY(none->empty());
        auto range = reader.termsInRange("term02998", "");
        QCOMPARE(*range, (std::vector<std::string>{"term02998", "term02999", "zeta"}));
        sqlite3_close(db);
    }
};

QTEST_GUILESS_MAIN(TestPostings)
#include "tst_postings.moc"
