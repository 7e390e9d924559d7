// SPDX-License-Identifier: MIT
// The Discover window's latencies on a big store, measured through the window itself (offscreen):
// open → first row painted, a query's first page, scroll-bar drags with and without a filter, a jump
// to the end, and the event loop's latency (a probe timer) while importing, scrolling and querying.
//
//   bench_discover --store BIG.timberline [--query Q] [--broad-query Q] [--import PATH --into NEW.timberline]
//                  [--drags N]
// Drags and queries report p50 ("median"), p99 and max; TL_BENCH_VERBOSE=1 says when each result came.
#include <QApplication>
#include <QElapsedTimer>
#include <QHeaderView>
#include <QFile>
#include <QRandomGenerator>
#include <QScrollBar>
#include <QStatusBar>
#include <QTableView>
#include <QTimer>

#include <core/store/sqlite/sqlitestore.h>
#include <ui/eventtablemodel.h>
#include <ui/importcontroller.h>
#include <ui/mainwindow.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <vector>

namespace {

double msSince(const QElapsedTimer &timer)
{
    return static_cast<double>(timer.nsecsElapsed()) / 1e6;
}

// Runs the event loop until `done` holds (or `timeoutMs` passes); false on timeout.
template<typename Predicate>
bool spinUntil(Predicate done, int timeoutMs = 60000)
{
    QElapsedTimer timer;
    timer.start();
    while (!done()) {
        if (timer.hasExpired(timeoutMs))
            return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 1);
    }
    return true;
}

// The rows the viewport shows now are all loaded; then paint them.
bool paintVisibleRows(MainWindow &window)
{
    QTableView *view = window.view();
    // A reset model is laid out lazily; lay it out now so the paint below is the one a user sees.
    view->doItemsLayout();
    view->viewport()->repaint(); // asks data() for every visible row: pages near an anchor load now
    const int first = std::max(0, view->rowAt(0));
    const int visible = view->viewport()->height() / std::max(1, view->verticalHeader()->defaultSectionSize());
    const int last = std::min(window.model()->rowCount() - 1, first + visible);
    const bool ok = spinUntil([&] {
        return window.model()->rowCount() == 0
            || (window.model()->isRowLoaded(first) && window.model()->isRowLoaded(std::max(first, last)));
    });
    view->viewport()->repaint();
    return ok;
}

struct Stats {
    double median = 0;
    double p99 = 0;
    double max = 0;
};

Stats statsOf(std::vector<double> values)
{
    Stats stats;
    if (values.empty())
        return stats;
    std::sort(values.begin(), values.end());
    stats.median = values[values.size() / 2];
    stats.p99 = values[std::min(values.size() - 1, values.size() * 99 / 100)];
    stats.max = values.back();
    return stats;
}

Stats drags(MainWindow &window, int count, const char *label)
{
    QScrollBar *bar = window.view()->verticalScrollBar();
    auto *random = QRandomGenerator::global();
    std::vector<double> times;
    for (int i = 0; i < count; ++i) {
        const int value = static_cast<int>(random->bounded(bar->maximum() + 1));
        QElapsedTimer timer;
        timer.start();
        bar->setValue(value);
        if (i == 0 && qEnvironmentVariableIsSet("TL_BENCH_SHOT")) {
            // The window the moment after a drag, before the rows there have arrived: placeholders.
            window.saveScreenshot(qEnvironmentVariable("TL_BENCH_SHOT") + QLatin1String("/drag-") + QLatin1String(label)
                + QLatin1String(".png"));
        }
        if (!paintVisibleRows(window))
            std::printf("  %s: drag to %d timed out\n", label, value);
        times.push_back(msSince(timer));
        if (qEnvironmentVariableIsSet("TL_BENCH_VERBOSE"))
            std::printf("  %s to %d: %.1f ms\n", label, value, times.back());
    }
    const Stats stats = statsOf(times);
    std::printf("%-34s median %7.1f ms  p99 %7.1f ms  max %7.1f ms  (%d drags over %d rows)\n", label, stats.median,
        stats.p99, stats.max, count, window.model()->rowCount());
    return stats;
}

double jumpToEnd(MainWindow &window)
{
    window.view()->verticalScrollBar()->setValue(0);
    paintVisibleRows(window);
    QElapsedTimer timer;
    timer.start();
    window.view()->scrollToBottom();
    paintVisibleRows(window);
    return msSince(timer);
}

// Runs `query`: the time until its first page is painted; `countedMs`, if given, gets the time until its count.
double runQuery(MainWindow &window, const QString &query, double *countedMs = nullptr)
{
    bool shown = false;
    const auto connection = QObject::connect(&window, &MainWindow::resultShown, &window, [&] { shown = true; });
    QElapsedTimer timer;
    timer.start();
    window.runQuery(query);
    if (!spinUntil([&] { return shown; }))
        std::printf("  no result for %s: %s\n", qPrintable(query), qPrintable(window.statusBar()->currentMessage()));
    if (qEnvironmentVariableIsSet("TL_BENCH_VERBOSE"))
        std::printf("  result shown after %.1f ms; rows %d, top row %d\n", msSince(timer), window.model()->rowCount(),
            window.view()->rowAt(0));
    paintVisibleRows(window);
    const double painted = msSince(timer);
    QObject::disconnect(connection);
    if (countedMs) {
        spinUntil([&] { return window.model()->isCountKnown(); });
        *countedMs = msSince(timer);
    }
    return painted;
}

// With TL_BENCH_SLOW=MS, every event the GUI thread takes longer than MS to handle is named on stderr:
// what to look at when the probe reports a long stall.
double threadCpuMs()
{
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return static_cast<double>(now.tv_sec) * 1e3 + static_cast<double>(now.tv_nsec) / 1e6;
}

// How long this thread has waited for a core so far (Linux schedstat; 0 elsewhere).
double runQueueWaitMs()
{
    QFile stat(QStringLiteral("/proc/thread-self/schedstat"));
    if (!stat.open(QIODevice::ReadOnly))
        return 0;
    const QList<QByteArray> fields = stat.readAll().split(' ');
    return fields.size() >= 2 ? fields[1].trimmed().toDouble() / 1e6 : 0;
}

class TimingApplication : public QApplication
{
public:
    using QApplication::QApplication;
    bool notify(QObject *receiver, QEvent *event) override
    {
        if (s_slowMs <= 0 || m_depth > 0)
            return QApplication::notify(receiver, event);
        ++m_depth;
        QElapsedTimer timer;
        timer.start();
        const double cpuBefore = threadCpuMs();
        const double waitBefore = runQueueWaitMs();
        const int type = event->type();
        const bool handled = QApplication::notify(receiver, event);
        const double ms = msSince(timer);
        --m_depth;
        if (ms >= s_slowMs) {
            // CPU time well below the wall time: the thread waited, for a core (the run queue) or for a lock or I/O.
            std::fprintf(stderr, "  slow event: %.1f ms (%.1f ms on the CPU, %.1f ms waiting for a core), type %d, to %s \"%s\"\n",
                ms, threadCpuMs() - cpuBefore, runQueueWaitMs() - waitBefore, type, receiver->metaObject()->className(),
                qPrintable(receiver->objectName()));
        }
        return handled;
    }
    static inline double s_slowMs = 0;

private:
    int m_depth = 0;
};

} // namespace

int main(int argc, char **argv)
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    TimingApplication app(argc, argv);
    TimingApplication::s_slowMs = qEnvironmentVariableIntValue("TL_BENCH_SLOW");
    QString store;
    QString query = QStringLiteral("level:error");
    // A filter matching a third of the store or more: its pages are not all in the cache after a few drags.
    QString broadQuery = QStringLiteral("service:orchestrator");
    QString importPath;
    QString importStore;
    int dragCount = 50;
    const QStringList args = QCoreApplication::arguments();
    for (qsizetype i = 1; i + 1 < args.size(); i += 2) {
        if (args[i] == QLatin1String("--store"))
            store = args[i + 1];
        else if (args[i] == QLatin1String("--query"))
            query = args[i + 1];
        else if (args[i] == QLatin1String("--broad-query"))
            broadQuery = args[i + 1];
        else if (args[i] == QLatin1String("--import"))
            importPath = args[i + 1];
        else if (args[i] == QLatin1String("--into"))
            importStore = args[i + 1];
        else if (args[i] == QLatin1String("--drags"))
            dragCount = args[i + 1].toInt();
    }
    if (store.isEmpty()) {
        std::fprintf(stderr,
            "usage: bench_discover --store BIG.timberline [--query Q] [--broad-query Q] "
            "[--import PATH --into NEW.timberline] [--drags N]\n");
        return 2;
    }

    {
        // A store from an older build is upgraded once, outside the measurements.
        auto upgraded = core::SqliteStore::open(store.toStdString(), core::OpenMode::ReadWrite);
        if (!upgraded) {
            std::fprintf(stderr, "bench_discover: %s\n", upgraded.error().message.c_str());
            return 1;
        }
    }
    MainWindow window;
    window.resize(1280, 800);
    window.show();
    QCoreApplication::processEvents();

    QElapsedTimer open;
    if (qEnvironmentVariableIsSet("TL_BENCH_VERBOSE")) {
        QObject::connect(window.model(), &QAbstractItemModel::modelReset, &window, [&] {
            std::printf("  reset at %.1f ms: %d rows\n", msSince(open), window.model()->rowCount());
        });
    }
    open.start();
    window.openStore(store);
    if (qEnvironmentVariableIsSet("TL_BENCH_VERBOSE"))
        std::printf("  openStore returned after %.1f ms\n", msSince(open));
    // The first page and the count come from workers: wait for rows, then paint them.
    spinUntil([&] { return window.model()->rowCount() > 0 || window.model()->isSettled(); });
    if (qEnvironmentVariableIsSet("TL_BENCH_VERBOSE"))
        std::printf("  first page after %.1f ms\n", msSince(open));
    paintVisibleRows(window);
    const double firstPainted = msSince(open);
    spinUntil([&] { return window.model()->isCountKnown(); });
    std::printf("open -> first row painted           %7.1f ms  (%d events, counted after %.1f ms)\n", firstPainted,
        window.model()->rowCount(), msSince(open));
    spinUntil([&] { return window.isSettled(); });

    drags(window, dragCount, "scroll-bar drag, no filter");
    std::printf("jump to the end, no filter          %7.1f ms\n", jumpToEnd(window));

    double counted = 0;
    const double first = runQuery(window, query, &counted);
    std::printf("query first page: %-17s %7.1f ms  (%d matches, counted after %.1f ms)\n", qPrintable(query), first,
        window.model()->rowCount(), counted);
    spinUntil([&] { return window.isSettled(); });
    drags(window, dragCount, "scroll-bar drag, filtered");
    std::printf("jump to the end, filtered           %7.1f ms\n", jumpToEnd(window));
    spinUntil([&] { return window.isSettled(); });
    const double broadFirst = runQuery(window, broadQuery, &counted);
    std::printf("query first page: %-17s %7.1f ms  (%d matches, counted after %.1f ms)\n", qPrintable(broadQuery),
        broadFirst, window.model()->rowCount(), counted);
    spinUntil([&] { return window.isSettled(); });
    drags(window, dragCount, "scroll-bar drag, broad filter");
    std::printf("jump to the end, broad filter       %7.1f ms\n", jumpToEnd(window));
    for (const QString &other : {QStringLiteral("level:info"), QStringLiteral("timeout"),
             QStringLiteral("level:warn and not service:orchestrator")}) {
        spinUntil([&] { return window.isSettled(); });
        const double ms = runQuery(window, other, &counted);
        std::printf("query first page: %-17s %7.1f ms  (%d matches, counted after %.1f ms)\n", qPrintable(other), ms,
            window.model()->rowCount(), counted);
    }

    if (!importPath.isEmpty() && !importStore.isEmpty()) {
        // The probe: a 4 ms timer whose lateness is the event loop's latency as a user would feel it.
        QFile::remove(importStore);
        MainWindow importing;
        importing.resize(1280, 800);
        importing.show();
        std::vector<double> lateness;
        QElapsedTimer clock;
        clock.start();
        qint64 last = clock.nsecsElapsed();
        QTimer probe;
        probe.setObjectName(QStringLiteral("probe"));
        probe.setTimerType(Qt::PreciseTimer);
        probe.setInterval(4);
        QObject::connect(&probe, &QTimer::timeout, &importing, [&] {
            const qint64 now = clock.nsecsElapsed();
            lateness.push_back(std::max(0.0, static_cast<double>(now - last) / 1e6 - 4.0));
            last = now;
        });
        // A user at work: scrolling every 50 ms, a new query every 700 ms.
        QTimer scroller;
        scroller.setObjectName(QStringLiteral("scroller"));
        scroller.setInterval(50);
        QObject::connect(&scroller, &QTimer::timeout, &importing, [&] {
            QScrollBar *bar = importing.view()->verticalScrollBar();
            bar->setValue(static_cast<int>(QRandomGenerator::global()->bounded(bar->maximum() + 1)));
        });
        QTimer querier;
        querier.setObjectName(QStringLiteral("querier"));
        querier.setInterval(700);
        int round = 0;
        QObject::connect(&querier, &QTimer::timeout, &importing, [&] {
            static const QStringList queries{QStringLiteral("level:error"), QString(), QStringLiteral("timeout"),
                QStringLiteral("service:orchestrator")};
            importing.runQuery(queries[round++ % queries.size()]);
        });
        bool finished = false;
        QObject::connect(&importing, &MainWindow::importFinished, &importing, [&] { finished = true; });
        if (TimingApplication::s_slowMs > 0)
            std::fprintf(stderr, "  (importing, scrolling and querying from here)\n");
        importing.openStore(importStore);
        importing.importPaths({importPath});
        probe.start();
        scroller.start();
        querier.start();
        QElapsedTimer importTimer;
        importTimer.start();
        spinUntil([&] { return finished; }, 30 * 60 * 1000);
        probe.stop();
        const Stats stats = statsOf(lateness);
        std::printf("event-loop latency while importing  p99 %5.1f ms  max %5.1f ms  median %4.1f ms  (%zu probes, "
                    "import %.1f s, %d rows at the end)\n",
            stats.p99, stats.max, stats.median, lateness.size(), msSince(importTimer) / 1000, importing.model()->rowCount());
    }
    return 0;
}
