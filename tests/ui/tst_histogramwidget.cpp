// SPDX-License-Identifier: MIT
// The histogram rendered offscreen over a store with an error burst: red pixels sit exactly where the
// burst's time maps to (through TimeScale), and nowhere else.
#include "uitestsupport.h"

#include <QImage>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <core/analysis/histogrambuckets.h>
#include <ui/discoverstate.h>
#include <ui/timescale.h>
#include <ui/histogramwidget.h>

namespace {

constexpr std::int64_t SecondNs = 1'000'000'000;
constexpr std::int64_t StartNs = 1762768800LL * SecondNs; // 2025-11-10T10:00:00Z
constexpr int Minutes = 10;
// The burst: an error every second from 10:06:00 to 10:06:29.
constexpr int BurstFrom = 6 * 60;
constexpr int BurstSeconds = 30;

QByteArray timeText(int second)
{
    return "2025-11-10T10:" + QByteArray::number(second / 60).rightJustified(2, '0') + ':'
        + QByteArray::number(second % 60).rightJustified(2, '0') + ".250Z";
}

// Ten minutes of info events every second, and the burst of errors on top.
QByteArray burstLog()
{
    QByteArray log;
    for (int second = 0; second < Minutes * 60; ++second) {
        log += "{\"time\":\"" + timeText(second) + "\",\"level\":\"info\",\"service\":\"api\",\"msg\":\"tick "
            + QByteArray::number(second) + "\"}\n";
        if (second >= BurstFrom && second < BurstFrom + BurstSeconds)
            log += "{\"time\":\"" + timeText(second) + "\",\"level\":\"error\",\"service\":\"api\",\"msg\":\"boom\"}\n";
    }
    return log;
}

} // namespace

class TestHistogramWidget : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        QVERIFY(m_dir.isValid());
        const QString log = m_dir.filePath(QStringLiteral("burst.log"));
        QVERIFY(uitest::writeFile(log, burstLog()));
        m_store = m_dir.filePath(QStringLiteral("burst.timberline"));
        QCOMPARE(uitest::importInto(m_store, {log}), core::Outcome::Finished);
    }

    void redOnlyWhereTheBurstIs_data()
    {
        QTest::addColumn<QSize>("size");
        QTest::newRow("wide") << QSize(900, 140);
        QTest::newRow("default") << QSize(600, 110);
        QTest::newRow("narrow") << QSize(260, 90);
    }

    void redOnlyWhereTheBurstIs()
    {
        QFETCH(QSize, size);
        DiscoverState state;
        state.setStore(m_store);
        HistogramWidget widget(&state);
        widget.resize(size);
        widget.show();
        QVERIFY(QTest::qWaitForWindowExposed(&widget));
        QTRY_VERIFY_WITH_TIMEOUT(widget.isSettled(), 20000);
        const core::LevelHistogram &data = widget.histogram();
        QVERIFY(!data.buckets.empty());
        std::uint64_t errors = 0;
        for (const core::LevelCounts &bucket : data.buckets)
            errors += bucket[static_cast<std::size_t>(core::Level::Error)];
        QCOMPARE(errors, std::uint64_t(BurstSeconds));

        const QImage image = widget.grab().toImage();
        const qreal ratio = image.devicePixelRatio();
        const TimeScale geometry = widget.timeScale();
        // The burst's buckets, whole: bars fill their buckets, so red may start at the first one's
        // edge and end at the last one's.
        const std::int64_t burstBegin = StartNs + BurstFrom * SecondNs + SecondNs / 4;
        const std::int64_t burstEnd = burstBegin + (BurstSeconds - 1) * SecondNs;
        const std::int64_t firstBucket = core::HistogramBuckets::floorTo(burstBegin, data.bucketNs);
        const std::int64_t lastBucketEnd = core::HistogramBuckets::floorTo(burstEnd, data.bucketNs) + data.bucketNs;
        const double left = geometry.mapTimeToX(firstBucket) - 1;
        const double right = geometry.mapTimeToX(lastBucketEnd) + 1;

        int redColumnsInside = 0;
        for (int x = 0; x < image.width(); ++x) {
            const double logicalX = x / ratio;
            bool red = false;
            for (int y = 0; y < image.height() && !red; ++y)
                red = uitest::isReddish(image.pixelColor(x, y));
            const bool inside = logicalX >= left && logicalX <= right;
            if (red && !inside)
                QFAIL(qPrintable(QStringLiteral("red at x=%1, the burst spans %2..%3").arg(logicalX).arg(left).arg(right)));
            redColumnsInside += red && inside ? 1 : 0;
        }
        // Red across the burst's span (less the gaps between bars), not a stray pixel.
        const int expected = static_cast<int>((geometry.mapTimeToX(lastBucketEnd) - geometry.mapTimeToX(firstBucket)) * ratio);
        QVERIFY2(redColumnsInside >= std::max(1, expected / 2),
                 qPrintable(QStringLiteral("%1 red columns, span %2").arg(redColumnsInside).arg(expected)));
        // Red in the plot's body, under the axis labels' row.
        const int middle = static_cast<int>(std::lround((geometry.mapTimeToX(firstBucket) + geometry.mapTimeToX(lastBucketEnd)) / 2 * ratio));
        bool redInColumn = false;
        for (int y = 0; y < image.height(); ++y)
            redInColumn |= uitest::isReddish(image.pixelColor(middle, y));
        QVERIFY(redInColumn);
    }

    void theScaleLabelKeepsClearOfTheBars()
    {
        DiscoverState state;
        state.setStore(m_store);
        HistogramWidget widget(&state);
        widget.resize(600, 110);
        widget.show();
        QVERIFY(QTest::qWaitForWindowExposed(&widget));
        QTRY_VERIFY_WITH_TIMEOUT(widget.isSettled(), 20000);
        // The tallest bar reaches the plot's top; the "max / step" label sits above it.
        const QRect label = widget.scaleLabelRect();
        QVERIFY(!label.isEmpty());
        QVERIFY2(label.bottom() < widget.plotRectForPaint().top(),
                 qPrintable(QStringLiteral("label bottom %1, plot top %2").arg(label.bottom()).arg(widget.plotRectForPaint().top())));
    }

private:
    QTemporaryDir m_dir;
    QString m_store;
};

QTEST_MAIN(TestHistogramWidget)
#include "tst_histogramwidget.moc"
