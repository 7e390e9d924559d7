// SPDX-License-Identifier: MIT
// One request's swimlane: its geometry without painting (lanes, ticks, bars, waiting, the first
// failure, hit-testing, zoom and pan), the widget rendered and checked pixel by pixel, and the
// Requests dock of the window over the sample incident.
#include "uitestsupport.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QDockWidget>
#include <QHeaderView>
#include <QImage>
#include <QPainter>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QWheelEvent>

#include <ui/discoverstate.h>
#include <ui/levelpalette.h>
#include <ui/mainwindow.h>
#include <ui/requestlistmodel.h>
#include <ui/requestspanel.h>
#include <ui/swimlanegeometry.h>
#include <ui/swimlaneview.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <set>

namespace {

constexpr std::int64_t kMs = 1'000'000;
constexpr std::int64_t kT0 = 1762770600LL * 1'000'000'000; // 2025-11-10T10:30:00Z

core::EventRow row(const char *service, std::int64_t atMs, core::Level level, const char *message, std::uint32_t line)
{
    core::EventRow event;
    event.key = core::EventKey{kT0 + atMs * kMs, 1, line, 0};
    event.service = service;
    event.level = level;
    event.levelText = std::string(core::levelName(level));
    event.message = message;
    event.requestId = "req-1";
    return event;
}

// api starts the request, db works from 100 ms to 300 ms (a duration field: explicit), then nobody
// logs until api fails at 500 ms and fails again at 900 ms.
core::RequestDetail knownRequest()
{
    core::RequestDetail detail;
    core::RequestSummary &summary = detail.summary;
    summary.id = "req-1";
    summary.startNs = kT0;
    summary.endNs = kT0 + 900 * kMs;
    summary.services = {"api", "db"};
    summary.events = 5;
    summary.errors = 2;
    core::RequestLane api{"api", kT0, kT0 + 900 * kMs, {}, {}};
    api.events = {row("api", 0, core::Level::Info, "request started", 1), row("api", 500, core::Level::Error, "upstream timeout", 4),
                  row("api", 900, core::Level::Error, "request failed", 5)};
    api.segments = {{kT0, kT0 + 10 * kMs, false}, {kT0 + 500 * kMs, kT0 + 900 * kMs, false}};
    core::RequestLane db{"db", kT0 + 100 * kMs, kT0 + 300 * kMs, {}, {}};
    db.events = {row("db", 100, core::Level::Warn, "slow query", 2), row("db", 200, core::Level::Info, "query ok", 3)};
    db.events[0].durationNs = 200 * kMs;
    db.segments = {{kT0 + 100 * kMs, kT0 + 300 * kMs, true}};
    detail.lanes = {api, db};
    summary.entry = api.events[0].key;
    summary.firstFailure = core::RequestFailure{"api", "upstream timeout", "upstream timeout", api.events[1].key, "api.log"};
    return detail;
}

core::SpanNode span(const char *service, const char *name, std::int64_t atMs, std::int64_t durationMs, const char *status)
{
    core::SpanNode node;
    node.span = row(service, atMs, core::Level::Info, name, 100);
    node.span.durationNs = durationMs * kMs;
    node.span.status = status;
    node.span.spanId = name;
    return node;
}

// The label column, the axis and the rows at their default metrics; 1000 px of plot, so 1 ms a pixel.
constexpr double kPlotLeft = 140;
const QRectF kRect(0, 0, 1150, 400);

} // namespace

class TestSwimlane : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void lanesInOrderOfFirstAppearance()
    {
        const core::RequestDetail detail = knownRequest();
        const auto g = SwimlaneGeometry::layout(detail, kT0, kT0 + 1000 * kMs, kRect);
        QCOMPARE(g.lanes.size(), 2u);
        QCOMPARE(g.lanes[0].service, QStringLiteral("api"));
        QCOMPARE(g.lanes[1].service, QStringLiteral("db"));
        // Stacked under the axis, one lane height each, the labels left of the plot.
        QCOMPARE(g.lanes[0].row.top(), g.metrics.axisHeight);
        QCOMPARE(g.lanes[1].row.top(), g.metrics.axisHeight + g.metrics.laneHeight);
        QVERIFY(g.lanes[0].label.right() <= kPlotLeft);
        QCOMPARE(g.plot.left(), kPlotLeft);
        QCOMPARE(g.contentHeight, g.metrics.axisHeight + 2 * g.metrics.laneHeight);
    }

    void ticksAndBarsAtTheirTimes()
    {
        const core::RequestDetail detail = knownRequest();
        const auto g = SwimlaneGeometry::layout(detail, kT0, kT0 + 1000 * kMs, kRect);
        const auto xs = [](const SwimlaneGeometry::Lane &lane) {
            std::vector<double> out;
            for (const auto &tick : lane.ticks)
                out.push_back(tick.x);
            return out;
        };
        QCOMPARE(xs(g.lanes[0]), (std::vector<double>{140, 640, 1040}));
        QCOMPARE(xs(g.lanes[1]), (std::vector<double>{240, 340}));
        QCOMPARE(g.lanes[0].ticks[1].level, core::Level::Error);
        // db's segment has a duration field behind it: explicit, from 100 to 300 ms.
        QCOMPARE(g.lanes[1].bars.size(), 1u);
        QVERIFY(g.lanes[1].bars[0].explicitExtent);
        QCOMPARE(g.lanes[1].bars[0].rect.left(), 240.0);
        QCOMPARE(g.lanes[1].bars[0].rect.right(), 440.0);
        QCOMPARE(g.lanes[0].bars.size(), 2u);
        QVERIFY(!g.lanes[0].bars[0].explicitExtent && !g.lanes[0].bars[1].explicitExtent);
        // Nobody does anything from 300 to 500 ms (longer than a tenth of the request); 10 to 100 ms is not.
        QCOMPARE(g.waiting.size(), 1u);
        QCOMPARE(g.waiting[0].first, 440.0);
        QCOMPARE(g.waiting[0].second, 640.0);
        // The first failure on api's lane at 500 ms, linked to the later error at 900 ms.
        QVERIFY(g.firstFailure);
        QCOMPARE(g.firstFailure->ref, (SwimlaneGeometry::EventRef{0, 1}));
        QCOMPARE(g.firstFailure->at, QPointF(640, SwimlaneGeometry::tickCentre(g.lanes[0].row)));
        QCOMPARE(g.failureLinks.size(), 1u);
        QCOMPARE(g.failureLinks[0].p2(), QPointF(1040, SwimlaneGeometry::tickCentre(g.lanes[0].row)));
        // Zoomed into 0–250 ms: what is outside is not laid out, the bars are cut at the plot's edge.
        const auto zoomed = SwimlaneGeometry::layout(detail, kT0, kT0 + 250 * kMs, kRect);
        QCOMPARE(zoomed.lanes[0].ticks.size(), 1u);
        QCOMPARE(zoomed.lanes[1].ticks.size(), 2u);
        QCOMPARE(zoomed.lanes[1].bars[0].rect.right(), kPlotLeft + 1000);
    }

    void hitTesting()
    {
        const core::RequestDetail detail = knownRequest();
        const auto g = SwimlaneGeometry::layout(detail, kT0, kT0 + 1000 * kMs, kRect);
        const double apiY = SwimlaneGeometry::tickCentre(g.lanes[0].row);
        const double dbY = SwimlaneGeometry::tickCentre(g.lanes[1].row);
        QCOMPARE(g.eventAt({641, apiY}), (SwimlaneGeometry::EventRef{0, 1}));
        QCOMPARE(g.eventAt({637, apiY}), (SwimlaneGeometry::EventRef{0, 1}));
        QCOMPARE(g.eventAt({242, dbY}), (SwimlaneGeometry::EventRef{1, 0}));
        QCOMPARE(g.eventAt({338, dbY + 8}), (SwimlaneGeometry::EventRef{1, 1}));
        QVERIFY(!g.eventAt({700, apiY})); // between ticks
        QVERIFY(!g.eventAt({641, dbY})); // api's tick, db's row
        QVERIFY(!g.eventAt({641, 5})); // the axis
        // Two events on one pixel: the louder one is what the pointer finds.
        core::RequestDetail crowded = detail;
        crowded.lanes[0].events.insert(crowded.lanes[0].events.begin() + 1, row("api", 500, core::Level::Debug, "retrying", 3));
        const auto c = SwimlaneGeometry::layout(crowded, kT0, kT0 + 1000 * kMs, kRect);
        QCOMPARE(crowded.lanes[0].events[c.eventAt({640, apiY})->event].level, core::Level::Error);
    }

    void zoomKeepsTheTimeUnderTheCursor()
    {
        const core::RequestDetail detail = knownRequest();
        auto g = SwimlaneGeometry::layout(detail, kT0, kT0 + 1000 * kMs, kRect);
        for (const double x : {140.0, 333.0, 640.0, 1139.0}) {
            for (const double factor : {0.5, 0.85, 2.0}) {
                const std::int64_t before = g.scale.mapXToTime(x);
                const auto [from, to] = g.zoomedAround(x, factor);
                QCOMPARE(to - from, static_cast<std::int64_t>(std::llround(1000 * kMs * factor)));
                const auto z = SwimlaneGeometry::layout(detail, from, to, kRect);
                QVERIFY2(std::llabs(z.scale.mapXToTime(x) - before) <= 1, qPrintable(QString::number(x)));
            }
        }
        // Down to microseconds, and no further than MinimumSpanNs.
        std::pair<std::int64_t, std::int64_t> window{kT0, kT0 + 1000 * kMs};
        for (int i = 0; i < 80; ++i) {
            window = SwimlaneGeometry::layout(detail, window.first, window.second, kRect).zoomedAround(640, 0.5);
            QVERIFY(window.first <= kT0 + 500 * kMs && kT0 + 500 * kMs <= window.second);
        }
        QCOMPARE(window.second - window.first, SwimlaneGeometry::MinimumSpanNs);
        // A drag to the right brings earlier times in: 100 px is 100 ms.
        const auto [from, to] = g.panned(100);
        QCOMPARE(from, kT0 - 100 * kMs);
        QCOMPARE(to, kT0 + 900 * kMs);
    }

    void axisTicksAtEveryZoom_data()
    {
        QTest::addColumn<qint64>("spanNs");
        QTest::addColumn<qint64>("step");
        QTest::addColumn<QString>("firstLabel");
        QTest::newRow("microseconds") << qint64(100'000) << qint64(10'000) << QStringLiteral("10:30:00.000000");
        QTest::newRow("a millisecond") << qint64(kMs) << qint64(100'000) << QStringLiteral("10:30:00.000000");
        QTest::newRow("a second") << qint64(1000 * kMs) << qint64(100 * kMs) << QStringLiteral("10:30:00.000");
        QTest::newRow("two hours") << qint64(7200'000 * kMs) << qint64(900'000 * kMs) << QStringLiteral("10:30");
    }

    void axisTicksAtEveryZoom()
    {
        QFETCH(qint64, spanNs);
        QFETCH(qint64, step);
        QFETCH(QString, firstLabel);
        const auto g = SwimlaneGeometry::layout(knownRequest(), kT0, kT0 + spanNs, kRect);
        const auto ticks = g.scale.ticks(90);
        QCOMPARE(g.scale.tickStep(90), step);
        QVERIFY(ticks.size() >= 5);
        QCOMPARE(ticks.front().label, firstLabel);
        QCOMPARE(ticks.front().x, kPlotLeft);
        // Labels differ from tick to tick: readable at this zoom.
        for (std::size_t i = 1; i < ticks.size(); ++i)
            QVERIFY(ticks[i].label != ticks[i - 1].label);
    }

    void spansAsAWaterfallUnderTheirService()
    {
        core::RequestDetail detail = knownRequest();
        core::SpanNode root = span("api", "GET /checkout", 0, 800, "ok");
        root.children.push_back(span("db", "SELECT", 100, 200, "error"));
        core::SpanNode orphan = span("db", "lost parent", 600, 50, "unset");
        orphan.orphan = true;
        detail.spans = {root, orphan};
        const auto g = SwimlaneGeometry::layout(detail, kT0, kT0 + 1000 * kMs, kRect);
        QCOMPARE(g.spans.size(), 3u);
        const auto &m = g.metrics;
        // api's lane, its span; db's lane, its two spans.
        QCOMPARE(g.spans[0].row.top(), m.axisHeight + m.laneHeight);
        QCOMPARE(g.lanes[1].row.top(), m.axisHeight + m.laneHeight + m.spanHeight);
        QCOMPARE(g.spans[1].row.top(), g.lanes[1].row.bottom());
        QCOMPARE(g.spans[1].node->span.message, std::string("SELECT"));
        QCOMPARE(g.spans[1].depth, 1);
        QVERIFY(g.spans[1].label.left() > g.spans[0].label.left()); // indented under its parent
        QCOMPARE(g.spans[1].bar.left(), 240.0);
        QCOMPARE(g.spans[1].bar.right(), 440.0);
        QVERIFY(g.spans[1].error && !g.spans[0].error);
        QVERIFY(g.spans[2].orphan && !g.spans[1].orphan);
        QCOMPARE(g.spanAt(g.spans[2].bar.center()), &detail.spans[1]);
        QCOMPARE(g.contentHeight, m.axisHeight + 2 * m.laneHeight + 3 * m.spanHeight);
    }

    // The rendered widget: one lane per service, told by the label column's ink and each label's own
    // pixels, and each tick in its level's colour where the geometry puts it.
    void renderedLanes_data()
    {
        QTest::addColumn<bool>("dark");
        QTest::newRow("light") << false;
        QTest::newRow("dark") << true;
    }

    void renderedLanes()
    {
        QFETCH(bool, dark);
        SwimlaneView view;
        if (dark) {
            QPalette palette;
            palette.setColor(QPalette::Window, QColor(0x2b, 0x2b, 0x2b));
            palette.setColor(QPalette::WindowText, QColor(0xe0, 0xe0, 0xe0));
            palette.setColor(QPalette::Base, QColor(0x1e, 0x1e, 0x1e));
            palette.setColor(QPalette::AlternateBase, QColor(0x26, 0x26, 0x26));
            palette.setColor(QPalette::Text, QColor(0xe0, 0xe0, 0xe0));
            palette.setColor(QPalette::Mid, QColor(0x50, 0x50, 0x50));
            palette.setColor(QPalette::Dark, QColor(0x80, 0x80, 0x80));
            palette.setColor(QPalette::Midlight, QColor(0x3a, 0x3a, 0x3a));
            palette.setColor(QPalette::PlaceholderText, QColor(0x90, 0x90, 0x90));
            view.setPalette(palette);
        }
        view.resize(1000, 160);
        view.setDetail(knownRequest());
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        const QImage image = view.grab().toImage().convertToFormat(QImage::Format_RGB32);
        keepScreenshot(image, QLatin1String(dark ? "swimlane-dark" : "swimlane"));
        const SwimlaneGeometry &g = view.geometry();
        const QPalette &palette = view.palette();
        QCOMPARE(g.lanes.size(), 2u);

        // Label ink down the label column: every inked pixel row lies in a lane's row, and every lane
        // has ink, clear of its row's edges: one label per service, none between or below them.
        const QColor base = palette.color(QPalette::Base);
        const QColor alternate = palette.color(QPalette::AlternateBase);
        std::vector<std::pair<int, int>> inkOfLane(g.lanes.size(), {INT_MAX, -1});
        for (int y = int(g.plot.top()); y < image.height(); ++y) {
            bool ink = false;
            for (int x = 4; x < int(g.plot.left()) - 8; ++x) {
                const QColor c = image.pixelColor(x, y);
                ink = ink || (c != base && c != alternate);
            }
            if (!ink)
                continue;
            const auto lane = std::find_if(g.lanes.begin(), g.lanes.end(), [&](const auto &l) { return l.row.top() <= y && y < l.row.bottom(); });
            QVERIFY2(lane != g.lanes.end(), qPrintable(QStringLiteral("label ink outside every lane at y=%1").arg(y)));
            auto &extent = inkOfLane[std::size_t(lane - g.lanes.begin())];
            extent = {std::min(extent.first, y), std::max(extent.second, y)};
        }
        for (std::size_t i = 0; i < g.lanes.size(); ++i) {
            QVERIFY2(inkOfLane[i].second >= 0, qPrintable(g.lanes[i].service));
            QVERIFY(inkOfLane[i].first > g.lanes[i].row.top() + 2 && inkOfLane[i].second < g.lanes[i].row.bottom() - 2);
        }

        // Each label is its service's name: the label rect as drawn equals the name drawn alone.
        for (std::size_t i = 0; i < g.lanes.size(); ++i) {
            const QRect label = g.lanes[i].label.toRect();
            QImage expected(label.size(), QImage::Format_RGB32);
            expected.fill(i % 2 ? alternate : base);
            QPainter painter(&expected);
            QFont bold = view.font();
            bold.setBold(true);
            painter.setFont(bold);
            painter.setPen(palette.color(QPalette::Text));
            painter.drawText(QRectF(QPointF(0, 0), g.lanes[i].label.size()), Qt::AlignLeft | Qt::AlignVCenter, g.lanes[i].service);
            painter.end();
            QCOMPARE(image.copy(label), expected);
        }

        // Ticks: at the geometry's x, in the level's bar colour.
        for (const auto &lane : g.lanes) {
            const int y = int(SwimlaneGeometry::tickCentre(lane.row)) + 4; // below the bar's middle, clear of the failure ring
            for (const auto &tick : lane.ticks) {
                const QColor colour = LevelPalette::bar(tick.level, palette);
                QCOMPARE(image.pixel(int(std::floor(tick.x)), y), colour.rgb());
            }
        }
        // The first failure: a red triangle under the axis, over its tick.
        const QPoint triangle(int(g.firstFailure->at.x()), int(g.plot.top()) + 2);
        QVERIFY(uitest::isReddish(image.pixelColor(triangle)));

        // The explicit bar is solid, the inferred ones hatched (both colours inside).
        const QRect solid = g.lanes[1].bars[0].rect.toRect().adjusted(2, 2, -2, -2);
        for (const int x : {solid.left() + 20, solid.center().x()})
            QCOMPARE(image.pixel(x, solid.center().y()), palette.color(QPalette::Mid).rgb());
        const QRect hatched = g.lanes[0].bars[1].rect.toRect().adjusted(12, 2, -12, -2);
        std::set<QRgb> inside;
        for (int x = hatched.left(); x < hatched.left() + 40; ++x)
            inside.insert(image.pixel(x, hatched.center().y()));
        QVERIFY(inside.count(palette.color(QPalette::Dark).rgb()) && inside.size() >= 2);
    }

    // With spans: each bar in its status' colour where the geometry puts it, the orphan outlined,
    // the child's label indented under its parent's.
    void renderedWaterfall()
    {
        core::RequestDetail detail = knownRequest();
        core::SpanNode root = span("api", "GET /checkout", 0, 800, "ok");
        root.children.push_back(span("db", "SELECT orders", 100, 200, "error"));
        core::SpanNode orphan = span("db", "lost parent", 600, 50, "unset");
        orphan.orphan = true;
        detail.spans = {root, orphan};
        SwimlaneView view;
        view.resize(1000, 220);
        view.setDetail(detail);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        const QImage image = view.grab().toImage().convertToFormat(QImage::Format_RGB32);
        keepScreenshot(image, QStringLiteral("waterfall"));
        const SwimlaneGeometry &g = view.geometry();
        const QPalette &palette = view.palette();
        QCOMPARE(g.spans.size(), 3u);
        QVERIFY(g.contentHeight <= view.height());
        const auto centre = [&](const SwimlaneGeometry::SpanRow &row) { return image.pixel(row.bar.center().toPoint()); };
        QCOMPARE(centre(g.spans[0]), LevelPalette::bar(core::Level::Info, palette).rgb());
        QCOMPARE(centre(g.spans[1]), LevelPalette::bar(core::Level::Error, palette).rgb());
        QCOMPARE(centre(g.spans[2]), LevelPalette::bar(core::Level::Info, palette).rgb());
        int outline = 0;
        const QRect orphanBar = g.spans[2].bar.toRect();
        for (int x = orphanBar.left(); x < orphanBar.right(); ++x)
            outline += image.pixel(x, orphanBar.top()) == palette.color(QPalette::Text).rgb() ? 1 : 0;
        QVERIFY(outline >= 3);
        const auto firstInk = [&](const SwimlaneGeometry::SpanRow &row) {
            const QColor background = image.pixelColor(2, int(row.row.center().y()));
            for (int x = 0; x < int(g.plot.left()); ++x)
                for (int y = int(row.row.top()); y < int(row.row.bottom()); ++y)
                    if (image.pixelColor(x, y) != background)
                        return x;
            return -1;
        };
        QVERIFY(firstInk(g.spans[0]) > 0);
        QVERIFY(firstInk(g.spans[1]) > firstInk(g.spans[0]));
    }

    // Thousands of spans make the widget taller than a pixmap should be: only the exposed rows are
    // drawn, and they are drawn right.
    void aHugeWaterfallPaintsWhatIsExposed()
    {
        core::RequestDetail detail = knownRequest();
        core::SpanNode root = span("api", "root", 0, 900, "ok");
        for (int i = 0; i < 5000; ++i)
            root.children.push_back(span("db", "query", i % 800, 50, i % 7 == 0 ? "error" : "ok"));
        detail.spans = {root};
        SwimlaneView view;
        view.setDetail(detail);
        view.resize(900, view.minimumSizeHint().height());
        QVERIFY(view.height() > 5000 * 10);
        view.grab(QRect(0, 0, 1, 1)); // a hidden widget lays out for its new size when first rendered
        const SwimlaneGeometry g = view.geometry();
        QCOMPARE(g.spans.size(), 5001u);
        const SwimlaneGeometry::SpanRow &row = g.spans[4000]; // child 3999: 3999 % 7 == 2, ok
        const QRect exposed(0, int(row.row.top()) - 100, view.width(), 200);
        const QImage image = view.grab(exposed).toImage().convertToFormat(QImage::Format_RGB32);
        const QPoint centre = row.bar.center().toPoint() - exposed.topLeft();
        QCOMPARE(image.pixel(centre), LevelPalette::bar(core::Level::Info, view.palette()).rgb());
        const SwimlaneGeometry::SpanRow &failed = g.spans[3998]; // child 3997: 3997 % 7 == 0
        QCOMPARE(image.pixel(failed.bar.center().toPoint() - exposed.topLeft()), LevelPalette::bar(core::Level::Error, view.palette()).rgb());
    }

    void requestListModel()
    {
        RequestListModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy sortRequested(&model, &RequestListModel::sortRequested);
        core::RequestSummary quiet = knownRequest().summary;
        quiet.id = "req-2";
        quiet.startNs += 5 * kMs;
        quiet.errors = 0;
        quiet.firstFailure.reset();
        std::vector<core::RequestSummary> requests{knownRequest().summary, quiet};
        model.setRequests(requests);
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.index(0, RequestListModel::IdColumn).data().toString(), QStringLiteral("req-1"));
        QCOMPARE(model.index(0, RequestListModel::StartColumn).data().toString(), QStringLiteral("10:30:00.000"));
        QCOMPARE(model.index(0, RequestListModel::DurationColumn).data().toString(), QStringLiteral("900 ms"));
        QCOMPARE(model.index(0, RequestListModel::ErrorsColumn).data().toString(), QStringLiteral("2"));
        QCOMPARE(model.index(0, RequestListModel::FirstFailureColumn).data().toString(), QStringLiteral("api: upstream timeout"));
        QCOMPARE(model.index(1, RequestListModel::ErrorsColumn).data().toString(), QString());
        QCOMPARE(model.rowOf(QStringLiteral("req-2")), 1);
        // Sorting asks for core's order; ids and event counts are arranged after it.
        model.sort(RequestListModel::ErrorsColumn, Qt::DescendingOrder);
        QCOMPARE(sortRequested.count(), 1);
        QCOMPARE(RequestListModel::coreOrder(model.sortColumn()), core::RequestOrder::Errors);
        RequestListModel::arrange(requests, RequestListModel::IdColumn, Qt::DescendingOrder);
        QCOMPARE(requests.front().id, std::string("req-2"));
    }

    void interaction()
    {
        SwimlaneView view;
        view.resize(1000, 160);
        view.setDetail(knownRequest());
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        const auto whole = view.window();

        // The wheel zooms around the cursor: the time under it stays.
        const SwimlaneGeometry &g = view.geometry();
        const double x = g.lanes[0].ticks[1].x;
        const std::int64_t under = g.scale.mapXToTime(x);
        QWheelEvent wheel(QPointF(x, 40), view.mapToGlobal(QPointF(x, 40)), {}, QPoint(0, 240), Qt::NoButton, Qt::NoModifier,
                          Qt::NoScrollPhase, false);
        QApplication::sendEvent(&view, &wheel);
        QVERIFY(view.window().second - view.window().first < whole.second - whole.first);
        QVERIFY(std::llabs(view.geometry().scale.mapXToTime(x) - under) <= 1);

        // Keys zoom and pan; a double-click shows the whole request again.
        const auto zoomed = view.window();
        QTest::keyClick(&view, Qt::Key_Plus);
        QVERIFY(view.window().second - view.window().first < zoomed.second - zoomed.first);
        const auto before = view.window();
        QTest::keyClick(&view, Qt::Key_Left);
        QVERIFY(view.window().first < before.first);
        QTest::mouseDClick(&view, Qt::LeftButton, {}, QPoint(500, 10));
        QCOMPARE(view.window(), whole);

        // A drag pans by as much time as the pixels dragged.
        const double msPerPixel = double(whole.second - whole.first) / view.geometry().scale.width;
        QTest::mousePress(&view, Qt::LeftButton, {}, QPoint(500, 40));
        QTest::mouseMove(&view, QPoint(600, 40));
        QTest::mouseRelease(&view, Qt::LeftButton, {}, QPoint(600, 40));
        QVERIFY(std::llabs(view.window().first - (whole.first - std::llround(100 * msPerPixel))) <= 1);
        view.resetZoom();

        // A click on a tick hands over its event.
        std::optional<core::EventRow> clicked;
        connect(&view, &SwimlaneView::eventClicked, this, [&](const core::EventRow &event) { clicked = event; });
        const auto &tick = view.geometry().lanes[1].ticks[0];
        QTest::mouseClick(&view, Qt::LeftButton, {}, QPoint(int(tick.x), int(SwimlaneGeometry::tickCentre(view.geometry().lanes[1].row))));
        QVERIFY(clicked);
        QCOMPARE(clicked->message, std::string("slow query"));
    }

    // The window over the sample incident: the Requests dock lists its requests, the one selected
    // shows a lane per service, a click in it selects the event, and a query filters the list.
    void requestsDockOverTheSampleIncident()
    {
        QTemporaryDir dir;
        const QString store = dir.filePath(QStringLiteral("sample.timberline"));
        MainWindow window;
        window.resize(1400, 900);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.openStore(store);
        window.requestsDock()->raise();
        QSignalSpy finished(&window, &MainWindow::importFinished);
        window.importPaths({QStringLiteral(TL_SOURCE_DIR "/resources/sample-incident")});
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
        RequestsPanel *panel = window.requestsPanel();
        RequestListModel *model = panel->model();
        QTRY_VERIFY_WITH_TIMEOUT(window.isSettled() && model->rowCount() > 0, 30000);
        QCOMPARE(model->rowCount(), 250);
        const int all = model->rowCount();
        // By start, earliest first; the swimlane shows the first one.
        QCOMPARE(model->sortColumn(), int(RequestListModel::StartColumn));
        QCOMPARE(panel->view()->horizontalHeader()->sortIndicatorSection(), int(RequestListModel::StartColumn));
        QVERIFY(std::is_sorted(model->requests().begin(), model->requests().end(),
                               [](const auto &a, const auto &b) { return a.startNs < b.startNs; }));
        QTRY_VERIFY(panel->swimlane()->detail().has_value());

        const int row = model->rowOf(QStringLiteral("req-4057b684"));
        QVERIFY(row >= 0);
        panel->view()->setCurrentIndex(model->index(row, RequestListModel::IdColumn));
        QTRY_VERIFY(panel->isSettled() && panel->swimlane()->detail() && panel->swimlane()->detail()->summary.id == "req-4057b684");
        const SwimlaneGeometry &g = panel->swimlane()->geometry();
        QCOMPARE(g.lanes.size(), 3u);
        QCOMPARE(g.lanes[0].service, QStringLiteral("orchestrator"));
        QCOMPARE(g.lanes[1].service, QStringLiteral("cache"));
        QCOMPARE(g.lanes[2].service, QStringLiteral("worker-3"));
        QVERIFY(g.firstFailure);
        QCOMPARE(g.firstFailure->ref.lane, 2u);
        // Every lane fits the dock: the swimlane is not cut off.
        QVERIFY(g.contentHeight <= panel->swimlane()->visibleRegion().boundingRect().height());
        keepScreenshot(window, QStringLiteral("requests"));

        // A click on the first failure selects it in the shared state, which the detail pane shows.
        const QPointF at = g.firstFailure->at;
        QTest::mouseClick(panel->swimlane(), Qt::LeftButton, {}, at.toPoint());
        QVERIFY(window.state()->selectedEvent());
        QCOMPARE(window.state()->selectedEvent()->message, std::string("db.pool.timeout"));
        QCOMPARE(window.state()->selectedEvent()->service, std::string("worker-3"));

        // Sorted by errors in core, most first.
        panel->view()->horizontalHeader()->setSortIndicator(RequestListModel::ErrorsColumn, Qt::DescendingOrder);
        QTRY_VERIFY(panel->isSettled() && model->sortColumn() == RequestListModel::ErrorsColumn);
        QTRY_VERIFY(model->requests().front().errors > 0);
        QVERIFY(std::is_sorted(model->requests().begin(), model->requests().end(),
                               [](const auto &a, const auto &b) { return a.errors > b.errors; }));
        QCOMPARE(model->index(0, RequestListModel::ErrorsColumn).data().toString(), QString::number(model->requests().front().errors));

        // A query lists the requests one of whose events matches: here those that failed.
        std::size_t failing = 0;
        QString healthy;
        for (const auto &request : model->requests()) {
            failing += request.errors > 0 ? 1 : 0;
            if (request.errors == 0 && healthy.isEmpty())
                healthy = QString::fromStdString(request.id);
        }
        QVERIFY(!healthy.isEmpty());
        window.runQuery(QStringLiteral("level:error"));
        QTRY_VERIFY_WITH_TIMEOUT(window.isSettled() && model->rowCount() == int(failing), 30000);
        QVERIFY(model->rowCount() < all);
        for (const auto &request : model->requests())
            QVERIFY(request.errors > 0);
        keepScreenshot(window, QStringLiteral("requests-errors"));

        // "Show swimlane" on an event of a request the query does not list: its swimlane all the same.
        panel->showRequestById(healthy);
        QTRY_VERIFY(panel->isSettled() && panel->swimlane()->detail() && panel->swimlane()->detail()->summary.id == healthy.toStdString());
        QVERIFY(!panel->swimlane()->geometry().firstFailure);
        QCOMPARE(model->rowCount(), int(failing));
        QVERIFY(!panel->view()->selectionModel()->hasSelection());

        // Behind Errors, nothing is listed for nobody; raised, the tab lists.
        MainWindow behind;
        behind.resize(1400, 900);
        behind.show();
        QVERIFY(QTest::qWaitForWindowExposed(&behind));
        behind.openStore(store);
        QTRY_VERIFY(behind.isSettled());
        QTest::qWait(200);
        QCOMPARE(behind.requestsPanel()->model()->rowCount(), 0);
        behind.requestsDock()->raise();
        QTRY_COMPARE_WITH_TIMEOUT(behind.requestsPanel()->model()->rowCount(), all, 30000);
        QTRY_VERIFY(behind.isSettled() && behind.requestsPanel()->swimlane()->detail());
    }

private:
    static void keepScreenshot(const QImage &image, const QString &name)
    {
        const QString dir = qEnvironmentVariable("TL_KEEP_SCREENSHOT");
        if (!dir.isEmpty())
            QVERIFY(image.save(dir + QLatin1String("/") + name + QLatin1String(".png")));
    }
    static void keepScreenshot(MainWindow &window, const QString &name)
    {
        const QString dir = qEnvironmentVariable("TL_KEEP_SCREENSHOT");
        if (!dir.isEmpty())
            QVERIFY(window.saveScreenshot(dir + QLatin1String("/window-") + name + QLatin1String(".png")));
    }
};

QTEST_MAIN(TestSwimlane)
#include "tst_swimlane.moc"
