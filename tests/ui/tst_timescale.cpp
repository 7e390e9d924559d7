// SPDX-License-Identifier: MIT
// The time scale without a GUI: time ↔ pixel, zoom from a drag, tick steps and labels.
#include "ui/timescale.h"

#include <QTest>

namespace {

constexpr std::int64_t kSecondNs = 1'000'000'000;
constexpr std::int64_t kStartNs = 1762770600LL * kSecondNs; // 2025-11-10T10:30:00Z

TimeScale scale(std::int64_t spanNs, double width = 1000)
{
    TimeScale g;
    g.fromNs = kStartNs;
    g.toNs = kStartNs + spanNs;
    g.left = 10;
    g.width = width;
    return g;
}

} // namespace

class TestTimeScale : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void mapsBothWays()
    {
        const TimeScale g = scale(100 * kSecondNs);
        QCOMPARE(g.mapTimeToX(kStartNs), 10.0);
        QCOMPARE(g.mapTimeToX(kStartNs + 50 * kSecondNs), 510.0);
        QCOMPARE(g.mapTimeToX(kStartNs + 100 * kSecondNs), 1010.0);
        QCOMPARE(g.mapXToTime(510), kStartNs + 50 * kSecondNs);
        for (const double x : {10.0, 123.0, 777.5, 1010.0})
            QVERIFY(std::abs(g.mapTimeToX(g.mapXToTime(x)) - x) < 1e-6);
    }

    void zoomsEitherDirectionAndClamps()
    {
        const TimeScale g = scale(100 * kSecondNs);
        const auto forwards = g.zoom(110, 210);
        QCOMPARE(forwards.first, kStartNs + 10 * kSecondNs);
        QCOMPARE(forwards.second, kStartNs + 20 * kSecondNs);
        QCOMPARE(g.zoom(210, 110), forwards);
        const auto beyond = g.zoom(-50, 5000);
        QCOMPARE(beyond.first, kStartNs);
        QCOMPARE(beyond.second, kStartNs + 100 * kSecondNs);
        const auto sliver = g.zoom(300, 300);
        QVERIFY(sliver.second > sliver.first);
    }

    void ticks_data()
    {
        QTest::addColumn<qint64>("spanNs");
        QTest::addColumn<qint64>("step");
        QTest::addColumn<QString>("firstLabel");
        // One request's swimlane zooms below the histogram's finest bucket.
        QTest::newRow("a millisecond") << qint64(1'000'000) << qint64(100'000) << QStringLiteral("10:30:00.000000");
        QTest::newRow("two seconds") << qint64(2 * kSecondNs) << qint64(200'000'000) << QStringLiteral("10:30:00.000");
        QTest::newRow("a minute") << qint64(60 * kSecondNs) << qint64(10 * kSecondNs) << QStringLiteral("10:30:00");
        QTest::newRow("an hour") << qint64(3600 * kSecondNs) << qint64(10 * 60 * kSecondNs) << QStringLiteral("10:30");
        QTest::newRow("a week") << qint64(7 * 86400 * kSecondNs) << qint64(86400 * kSecondNs) << QStringLiteral("Nov 11");
    }

    void ticks()
    {
        QFETCH(qint64, spanNs);
        QFETCH(qint64, step);
        QFETCH(QString, firstLabel);
        const TimeScale g = scale(spanNs);
        QCOMPARE(g.tickStep(90), step);
        const auto ticks = g.ticks(90);
        QVERIFY(ticks.size() >= 3);
        QCOMPARE(ticks.front().label, firstLabel);
        for (std::size_t i = 1; i < ticks.size(); ++i) {
            QVERIFY(ticks[i].x - ticks[i - 1].x >= 90 - 1e-6); // readable: never closer than asked
            QCOMPARE(ticks[i].timeNs - ticks[i - 1].timeNs, step);
        }
        for (const auto &tick : ticks) {
            QVERIFY(tick.timeNs >= g.fromNs && tick.timeNs < g.toNs);
            QCOMPARE(tick.timeNs % step, 0); // multiples of the step since the epoch (UTC)
        }
    }

    void dateWhereADayStarts()
    {
        TimeScale g;
        g.fromNs = kStartNs + 13 * 3600 * kSecondNs; // 23:30
        g.toNs = g.fromNs + 3 * 3600 * kSecondNs;
        g.width = 600;
        bool sawDate = false;
        for (const auto &tick : g.ticks(90))
            sawDate |= tick.label == QStringLiteral("Nov 11");
        QVERIFY(sawDate);
    }

    void localZoneOffset()
    {
        // One hour ahead of UTC: ticks fall on whole local hours and say local times.
        TimeScale g = scale(6 * 3600 * kSecondNs, 600);
        const auto ticks = g.ticks(90, 3600);
        QVERIFY(!ticks.empty());
        QCOMPARE(ticks.front().label, QStringLiteral("12:00"));
    }
};

QTEST_GUILESS_MAIN(TestTimeScale)
#include "tst_timescale.moc"
