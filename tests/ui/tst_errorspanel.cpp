// SPDX-License-Identifier: MIT
// The Errors panel over a store imported from tests/fixtures/analysis/errors.ndjson: ten groups of
// seventeen errors (the info and the warn belong to none), two services.
#include "uitestsupport.h"

#include <QAbstractItemModelTester>
#include <QHeaderView>
#include <QSettings>
#include <QStandardItemModel>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include <core/analysis/errorgroups.h>
#include <ui/discoverstate.h>
#include <ui/errorgroupsmodel.h>
#include <ui/errorspanel.h>
#include <ui/eventtablemodel.h>
#include <ui/mainwindow.h>
#include <ui/serviceerrorsview.h>
#include <ui/sparklinedelegate.h>

namespace {

constexpr std::int64_t SecondNs = 1'000'000'000;
constexpr std::int64_t StartNs = 1762770600LL * SecondNs; // 2025-11-10T10:30:00Z, the fixture's first event

QString signatureAt(const ErrorGroupsModel *model, int row)
{
    return model->index(row, ErrorGroupsModel::SignatureColumn).data().toString();
}

int rowOf(const ErrorGroupsModel *model, const QString &signature)
{
    for (int row = 0; row < model->rowCount(); ++row)
        if (signatureAt(model, row) == signature)
            return row;
    return -1;
}

} // namespace

class TestErrorsPanel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        QVERIFY(m_dir.isValid());
        m_store = m_dir.filePath(QStringLiteral("errors.timberline"));
        QCOMPARE(uitest::importInto(m_store, {QStringLiteral(TL_FIXTURES_DIR "/analysis/errors.ndjson")}),
                 core::Outcome::Finished);
    }

    void groupsAreOrderedAndCounted()
    {
        DiscoverState state;
        ErrorsPanel panel(&state);
        // The tester watches every reset and row the worker's results cause.
        QAbstractItemModelTester tester(panel.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        state.setStore(m_store);
        QVERIFY(!panel.isSettled());
        QTRY_VERIFY_WITH_TIMEOUT(panel.isSettled(), 20000);
        const ErrorGroupsModel *model = panel.model();
        QCOMPARE(model->columnCount(), int(ErrorGroupsModel::NUM_COLUMNS));
        QCOMPARE(model->rowCount(), 10);
        QCOMPARE(model->errorCount(), std::uint64_t(17));
        // Largest first: the masked connection failures, three of them across both services.
        QCOMPARE(signatureAt(model, 0), QStringLiteral("connection to <ip> failed after <num> retries"));
        QCOMPARE(model->index(0, ErrorGroupsModel::CountColumn).data().toString(), QStringLiteral("3"));
        QCOMPARE(model->index(0, ErrorGroupsModel::ServicesColumn).data().toString(), QStringLiteral("api 2, billing 1"));
        QCOMPARE(model->index(0, ErrorGroupsModel::FirstSeenColumn).data().toString(),
                 QStringLiteral("10:30:01.000"));
        QCOMPARE(model->index(0, ErrorGroupsModel::LastSeenColumn).data().toString(),
                 QStringLiteral("10:30:03.000"));
        qulonglong previous = std::numeric_limits<qulonglong>::max();
        for (int row = 0; row < model->rowCount(); ++row) {
            const qulonglong count = model->index(row, 0).data(ErrorGroupsModel::CountRole).toULongLong();
            QVERIFY2(count <= previous, qPrintable(signatureAt(model, row)));
            previous = count;
            // Each sparkline holds the whole group, over the histogram's buckets.
            const auto sparkline
                = model->index(row, ErrorGroupsModel::TimelineColumn).data(SparklineDelegate::SparklineRole).value<Sparkline>();
            QVERIFY(!sparkline.counts.empty());
            std::uint64_t sum = 0;
            for (const std::uint64_t value : sparkline.counts)
                sum += value;
            QCOMPARE(sum, std::uint64_t(count));
        }
        const std::map<QString, int> expected{
            {QStringLiteral("TimeoutError"), 2},
            {QStringLiteral("user <num> not found"), 2},
            {QStringLiteral("request <uuid> timed out"), 2},
            {QStringLiteral("pool worker-<num> crashed with code <hex>"), 2},
            {QStringLiteral("disk full on /var"), 1},
            {QStringLiteral("disk full on /tmp"), 1},
            {QStringLiteral("OutOfMemoryError"), 1},
            {QStringLiteral("ValueError"), 1},
        };
        for (const auto &[signature, count] : expected) {
            const int row = rowOf(model, signature);
            QVERIFY2(row >= 0, qPrintable(signature));
            QCOMPARE(model->index(row, ErrorGroupsModel::CountColumn).data().toString(), QString::number(count));
        }

        // The query narrows the groups: billing's seven errors.
        state.setQuery(QStringLiteral("service:billing"));
        QVERIFY(!panel.isSettled());
        QTRY_VERIFY_WITH_TIMEOUT(panel.isSettled(), 20000);
        QCOMPARE(model->errorCount(), std::uint64_t(7));
        QCOMPARE(model->index(0, ErrorGroupsModel::ServicesColumn).data().toString().left(7), QStringLiteral("billing"));
    }

    void clickingAGroupFiltersTheEvents()
    {
        MainWindow window;
        window.resize(1280, 800);
        window.openStore(m_store);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        auto *panel = window.findChild<ErrorsPanel *>();
        QVERIFY(panel);
        QTRY_VERIFY_WITH_TIMEOUT(window.isSettled(), 20000);
        QCOMPARE(window.model()->rowCount(), 19);
        const ErrorGroupsModel *model = panel->model();
        const int row = rowOf(model, QStringLiteral("TimeoutError"));
        QVERIFY(row >= 0);
        const QString query = model->index(row, 0).data(ErrorGroupsModel::QueryRole).toString();
        QCOMPARE(query, QString::fromStdString(core::ErrorGroups::queryFor(model->groups()[std::size_t(row)])));

        QTableView *view = panel->view();
        const QRect cell = view->visualRect(model->index(row, ErrorGroupsModel::SignatureColumn));
        QVERIFY(view->viewport()->rect().contains(cell.center()));
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, cell.center());
        QCOMPARE(window.state()->queryText(), query);
        // The table shows the group's two events, and the panel that one group.
        QTRY_COMPARE_WITH_TIMEOUT(window.model()->rowCount(), 2, 20000);
        QTRY_VERIFY_WITH_TIMEOUT(window.isSettled(), 20000);
        QCOMPARE(model->rowCount(), 1);
        QCOMPARE(signatureAt(model, 0), QStringLiteral("TimeoutError"));

        // A masked message's group: its fixed words find it, and the warn with the same words stays out.
        window.runQuery(QString());
        QTRY_VERIFY_WITH_TIMEOUT(window.isSettled(), 20000);
        QTRY_COMPARE(model->rowCount(), 10);
        const int user = rowOf(model, QStringLiteral("user <num> not found"));
        QVERIFY(user >= 0);
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {},
                          view->visualRect(model->index(user, ErrorGroupsModel::CountColumn)).center());
        QTRY_COMPARE_WITH_TIMEOUT(window.model()->rowCount(), 2, 20000);

        // Enter on a group, from the keyboard.
        window.runQuery(QString());
        QTRY_VERIFY_WITH_TIMEOUT(window.isSettled(), 20000);
        QTRY_COMPARE(model->rowCount(), 10);
        const int valueError = rowOf(model, QStringLiteral("ValueError"));
        QVERIFY(valueError >= 0);
        view->setFocus();
        view->setCurrentIndex(model->index(valueError, ErrorGroupsModel::SignatureColumn));
        QTest::keyClick(view, Qt::Key_Return);
        QCOMPARE(window.state()->queryText(), model->index(valueError, 0).data(ErrorGroupsModel::QueryRole).toString());
        QTRY_COMPARE_WITH_TIMEOUT(window.model()->rowCount(), 1, 20000);
    }

    void servicesShowTheirFirstError()
    {
        DiscoverState state;
        state.setStore(m_store);
        ServiceErrorsView view(&state);
        view.resize(600, 200);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QTRY_VERIFY_WITH_TIMEOUT(view.isSettled(), 20000);
        const core::ServiceTimelines &timelines = view.timelines();
        QVERIFY(timelines.spec.bucketNs > 0);
        QStandardItemModel *model = view.model();
        QCOMPARE(model->rowCount(), 2);
        // By first error: api at 10:30:01, billing at 10:30:03.
        QCOMPARE(model->index(0, ServiceErrorsView::ServiceColumn).data().toString(), QStringLiteral("api"));
        QCOMPARE(model->index(1, ServiceErrorsView::ServiceColumn).data().toString(), QStringLiteral("billing"));
        QCOMPARE(model->index(0, ServiceErrorsView::FirstErrorColumn).data().toString(), QStringLiteral("10:30:01.000"));
        QCOMPARE(model->index(1, ServiceErrorsView::FirstErrorColumn).data().toString(), QStringLiteral("10:30:03.000"));
        QCOMPARE(model->index(0, ServiceErrorsView::ErrorsColumn).data().toString(), QStringLiteral("10"));
        QCOMPARE(model->index(1, ServiceErrorsView::ErrorsColumn).data().toString(), QStringLiteral("7"));
        const std::int64_t firstErrors[] = {StartNs + 1 * SecondNs, StartNs + 3 * SecondNs};
        for (int row = 0; row < 2; ++row) {
            const auto sparkline
                = model->index(row, ServiceErrorsView::TimelineColumn).data(SparklineDelegate::SparklineRole).value<Sparkline>();
            QVERIFY(sparkline.mark);
            QCOMPARE(std::int64_t(*sparkline.mark),
                     (firstErrors[row] - timelines.spec.fromNs) / timelines.spec.bucketNs);
            QCOMPARE(sparkline.context.size(), sparkline.counts.size());
            // Nothing before the first error.
            for (std::size_t i = 0; i < *sparkline.mark; ++i)
                QCOMPARE(sparkline.counts[i], std::uint64_t(0));
            QVERIFY(sparkline.counts[*sparkline.mark] > 0);
        }

        // Clicking a service filters for it.
        QTest::mouseClick(view.view()->viewport(), Qt::LeftButton, {},
                          view.view()->visualRect(model->index(1, ServiceErrorsView::ServiceColumn)).center());
        QCOMPARE(state.queryText(), QStringLiteral("service:billing"));
        QTRY_VERIFY_WITH_TIMEOUT(view.isSettled(), 20000);
        QCOMPARE(model->rowCount(), 1);
    }

    // Groups that span days keep their dates; one day's groups show times of day.
    void timesShowTheDateOnlyWhenItDiffers()
    {
        ErrorGroupsModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        core::ErrorGroup group;
        group.signature = "disk full";
        group.count = 2;
        group.firstNs = StartNs;
        group.lastNs = StartNs + 5 * SecondNs;
        group.services = {{"api", 2}};
        group.timeline = {1, 0, 1};
        model.setGroups({group});
        QCOMPARE(model.index(0, ErrorGroupsModel::FirstSeenColumn).data().toString(), QStringLiteral("10:30:00.000"));
        QCOMPARE(model.index(0, ErrorGroupsModel::LastSeenColumn).data().toString(), QStringLiteral("10:30:05.000"));
        group.lastNs = StartNs + 86'400 * SecondNs;
        model.setGroups({group, group});
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.index(1, ErrorGroupsModel::FirstSeenColumn).data().toString(),
                 QStringLiteral("2025-11-10 10:30:00.000"));
        QCOMPARE(model.index(1, ErrorGroupsModel::LastSeenColumn).data().toString(),
                 QStringLiteral("2025-11-11 10:30:00.000"));
        QVERIFY(model.index(0, 0).data(Qt::ToolTipRole).toString().contains(QStringLiteral("disk full")));
        QVERIFY(!model.index(0, ErrorGroupsModel::CountColumn).data(SparklineDelegate::SparklineRole).isValid());
        model.setGroups({});
        QCOMPARE(model.rowCount(), 0);
    }

    void aNewerQueryWins()
    {
        DiscoverState state;
        state.setStore(m_store);
        ErrorsPanel panel(&state);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        // Three queries in a row: only the last one's groups may land.
        state.setQuery(QStringLiteral("service:api"));
        state.setQuery(QStringLiteral("level:fatal"));
        state.setQuery(QStringLiteral("service:billing and level >= error"));
        QTRY_VERIFY_WITH_TIMEOUT(panel.isSettled(), 20000);
        QCOMPARE(panel.model()->errorCount(), std::uint64_t(7));
        QTest::qWait(100);
        QCOMPARE(panel.model()->errorCount(), std::uint64_t(7));
    }

    // Closed, the panel computes nothing; shown, it catches up with the state.
    void aHiddenPanelWaitsToBeShown()
    {
        DiscoverState state;
        state.setStore(m_store);
        ErrorsPanel panel(&state);
        QVERIFY(panel.isSettled());
        state.setQuery(QStringLiteral("service:api"));
        QVERIFY(panel.isSettled());
        QTest::qWait(50);
        QCOMPARE(panel.model()->rowCount(), 0);
        QCOMPARE(panel.serviceView()->model()->rowCount(), 0);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QTRY_VERIFY_WITH_TIMEOUT(panel.isSettled() && panel.model()->rowCount() > 0, 20000);
        QCOMPARE(panel.model()->errorCount(), std::uint64_t(10));
        QTRY_COMPARE_WITH_TIMEOUT(panel.serviceView()->model()->rowCount(), 1, 20000);
        // Gone before its job ends: the result finds nobody, and nothing crashes.
        auto *doomed = new ErrorsPanel(&state);
        doomed->show();
        state.rerun();
        delete doomed;
        QTest::qWait(200);
    }

private:
    QTemporaryDir m_dir;
    QString m_store;
};

QTEST_MAIN(TestErrorsPanel)
#include "tst_errorspanel.moc"
