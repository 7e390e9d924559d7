// SPDX-License-Identifier: MIT
#include "uitestsupport.h"

#include <QApplication>
#include <QDir>
#include <QDropEvent>
#include <QFileInfo>
#include <QHeaderView>
#include <QImage>
#include <QLabel>
#include <QMessageBox>
#include <QMimeData>
#include <QProcess>
#include <QPalette>
#include <QPushButton>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStatusBar>
#include <QStyle>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidgetItem>
#include <QUrl>

#include <core/backends/storelocation.h>
#include <ui/errorgroupsmodel.h>
#include <ui/errorspanel.h>
#include <ui/eventtablemodel.h>
#include <ui/fieldsidebar.h>
#include <ui/histogramwidget.h>
#include <ui/importcontroller.h>
#include <ui/importprogresswidget.h>
#include <ui/levelpalette.h>
#include <ui/mainwindow.h>

#include <algorithm>
#include <cmath>
#include <set>

namespace {

void removeStore(const QString &path)
{
    for (const char *suffix : {"", "-wal", "-shm", "-journal"})
        QFile::remove(path + QLatin1String(suffix));
}

} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
        m_api = m_dir.filePath(QStringLiteral("api.log"));
        m_db = m_dir.filePath(QStringLiteral("db.log"));
        QVERIFY(uitest::writeFile(m_api, uitest::ApiLog));
        QVERIFY(uitest::writeFile(m_db, uitest::DbLog));
    }

    void defaultStorePathIsUnderDataHome()
    {
        const QString dataHome = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation);
        QCOMPARE(defaultStorePath(QStringLiteral("/tmp/incident/api.log")),
            dataHome + QStringLiteral("/timberline/api.timberline"));
        QCOMPARE(defaultStorePath(QStringLiteral("/tmp/bundle.tar.gz")),
            dataHome + QStringLiteral("/timberline/bundle.timberline"));
        QCOMPARE(defaultStorePath(m_dir.path() + QLatin1Char('/')),
            dataHome + QStringLiteral("/timberline/") + QFileInfo(m_dir.path()).fileName()
                + QStringLiteral(".timberline"));
    }

    void dropImportsFiles()
    {
        const QString expectedStore = defaultStorePath(m_api);
        removeStore(expectedStore);

        MainWindow window;
        window.show();
        QSignalSpy finished(&window, &MainWindow::importFinished);

        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile(m_api), QUrl::fromLocalFile(m_db)});
        const QPoint centre = window.rect().center();
        QDragEnterEvent enter(centre, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&window, &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(QPointF(centre), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&window, &drop);

        QTRY_COMPARE_WITH_TIMEOUT(window.model()->rowCount(), 6, 30000);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 30000);
        QCOMPARE(window.storePath(), expectedStore);
        QVERIFY(window.windowTitle().contains(QDir::toNativeSeparators(expectedStore)));
        QCOMPARE(window.model()->order(), EventTableModel::Order::Time);
        QCOMPARE(uitest::cell(*window.model(), 0, EventTableModel::MessageColumn).toString(),
            QStringLiteral("connection pool ready"));
        QVERIFY(window.progressWidget()->isHidden());
        QVERIFY(statusText(window).contains(QStringLiteral("time order")));
        QTRY_VERIFY(statusText(window).contains(QStringLiteral("6 events")));
        removeStore(expectedStore);
    }

    // A newcomer's first look: a bundle imported into a new store fills every view once the import
    // ends, not only the table (the histogram, the sidebar and the errors read the store when it opened).
    void aFreshImportFillsEveryView()
    {
        const QString store = m_dir.filePath(QStringLiteral("fresh.timberline"));
        removeStore(store);
        MainWindow window;
        window.resize(1280, 800);
        window.show();
        QSignalSpy finished(&window, &MainWindow::importFinished);
        window.openStore(store);
        // The views have read the empty store, as they have on a real display before a fast import commits.
        QTRY_VERIFY(window.isSettled());
        window.importPaths({m_api, m_db});
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 30000);
        QTRY_VERIFY(window.isSettled());

        core::LevelCounts levels{};
        for (const core::LevelCounts &bucket : window.histogram()->histogram().buckets)
            for (int level = 0; level < core::LevelCount; ++level)
                levels[level] += bucket[level];
        QCOMPARE(levels[static_cast<int>(core::Level::Info)], 3u);
        QCOMPARE(levels[static_cast<int>(core::Level::Warn)], 1u);
        QCOMPARE(levels[static_cast<int>(core::Level::Error)], 1u);
        QCOMPARE(levels[static_cast<int>(core::Level::Debug)], 1u);

        QVERIFY2(window.sidebar()->summaryText().contains(QStringLiteral("6 events")),
            qPrintable(window.sidebar()->summaryText()));
        QTreeWidgetItem *level = window.sidebar()->fieldItem(QStringLiteral("level"));
        QVERIFY(level);
        QVERIFY(window.sidebar()->valueItem(QStringLiteral("level"), QStringLiteral("info")));

        ErrorGroupsModel *groups = window.errorsPanel()->model();
        QCOMPARE(groups->rowCount(), 1);
        QVERIFY(groups->index(0, ErrorGroupsModel::SignatureColumn).data().toString().contains(QStringLiteral("upstream timeout")));
        removeStore(store);
    }

    void aStoreIsOpenedNotImported()
    {
        const QString store = m_dir.filePath(QStringLiteral("opened.timberline"));
        QCOMPARE(uitest::importInto(store, {m_api, m_db}), core::Outcome::Finished);
        MainWindow window;
        QSignalSpy finished(&window, &MainWindow::importFinished);
        window.importPaths({store});
        QCOMPARE(window.storePath(), store);
        QTRY_COMPARE(window.model()->rowCount(), 6);
        QVERIFY(!window.importController()->isRunning());
        QTRY_COMPARE(finished.count(), 1);
    }

    void cancelKeepsTheWindowUsable()
    {
        const QString big = m_dir.filePath(QStringLiteral("big.log"));
        QVERIFY(uitest::writeSequence(big, 600000));
        const QString store = m_dir.filePath(QStringLiteral("cancel.timberline"));

        MainWindow window;
        window.show();
        window.openStore(store);
        QCOMPARE(window.storePath(), store);
        ImportController *controller = window.importController();
        QSignalSpy committed(controller, &ImportController::rowsCommitted);
        QSignalSpy progress(controller, &ImportController::progressChanged);
        QSignalSpy result(controller, &ImportController::finished);
        QSignalSpy finished(&window, &MainWindow::importFinished);
        window.importPaths({big});
        QVERIFY(controller->isRunning());
        QVERIFY(window.progressWidget()->isVisible());
        QVERIFY(statusText(window).contains(QStringLiteral("arrival order")));

        QTRY_VERIFY_WITH_TIMEOUT(committed.count() >= 1, 30000);
        QTRY_VERIFY_WITH_TIMEOUT(progress.count() >= 1 || result.count() == 1, 30000);
        QVERIFY2(result.isEmpty(), "the import ended before it could be cancelled; make the file bigger");
        QPushButton *cancel = window.progressWidget()->cancelButton();
        QVERIFY(cancel->isVisible() && cancel->isEnabled());
        // Rows show while the import runs, in arrival order, read on the model's worker.
        QTRY_VERIFY_WITH_TIMEOUT(window.model()->rowCount() > 0 && window.model()->isRowLoaded(0), 30000);
        QCOMPARE(window.model()->order(), EventTableModel::Order::Arrival);
        QCOMPARE(window.model()->index(0, EventTableModel::MessageColumn).data().toString().left(8), QStringLiteral("event 0 "));
        keepScreenshot(window, QStringLiteral("importing"));
        cancel->click();
        QVERIFY(!cancel->isEnabled());

        QTRY_COMPARE_WITH_TIMEOUT(result.count(), 1, 60000);
        QCOMPARE(finished.count(), 1);
        const auto outcome = result.first().first().value<ImportResult>();
        QCOMPARE(outcome.outcome, core::Outcome::Cancelled);
        QVERIFY(!controller->isRunning());
        QVERIFY(window.progressWidget()->isHidden());

        // What was read is kept, in time order, and readable.
        QTRY_VERIFY(window.isSettled());
        const int kept = window.model()->rowCount();
        QVERIFY(kept > 0);
        QVERIFY(kept < 600000);
        QCOMPARE(window.model()->order(), EventTableModel::Order::Time);
        QVERIFY(uitest::cell(*window.model(), 0, EventTableModel::MessageColumn)
                    .toString()
                    .startsWith(QStringLiteral("event 0 ")));
        QVERIFY(window.statusBar()->currentMessage().contains(QStringLiteral("cancelled")));

        // And the next import runs.
        window.importPaths({m_api});
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 30000);
        QTRY_COMPARE(window.model()->rowCount(), kept + 3);
    }

    // Another process writing the store: the window says so, offers to wait, and when asked to,
    // imports once that import ends — both imports' events are there, once each.
    void anImportWaitsForAnotherWriterWhenAsked()
    {
        const QString big = m_dir.filePath(QStringLiteral("other-writer.log"));
        QVERIFY(uitest::writeSequence(big, 300000));
        const QString store = m_dir.filePath(QStringLiteral("shared.timberline"));
        QProcess other;
        other.start(QStringLiteral(TL_APP_PATH), {QStringLiteral("import"), QStringLiteral("--store"), store, big});
        QVERIFY(other.waitForStarted());
        const auto committed = [&] {
            if (!core::recognises(store.toStdString()))
                return false;
            auto reader = core::openStore(store.toStdString(), core::OpenMode::ReadOnly);
            if (!reader)
                return false;
            auto events = (*reader)->eventCount();
            return events && events.value() > 0;
        };
        QTRY_VERIFY_WITH_TIMEOUT(committed(), 30000);

        MainWindow window;
        window.show();
        window.openStore(store);
        QSignalSpy finished(&window, &MainWindow::importFinished);
        window.importPaths({m_api});
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 30000);
        QVERIFY2(other.state() == QProcess::Running, "the other import ended too soon; make its file bigger");
        QVERIFY(window.statusBar()->currentMessage().contains(QStringLiteral("another import is writing")));
        auto *question = window.findChild<QMessageBox *>(QStringLiteral("waitForWriterQuestion"));
        QVERIFY(question);
        QTRY_VERIFY(question->isVisible());
        keepScreenshot(window, QStringLiteral("another-writer"));
        if (const QString dir = qEnvironmentVariable("TL_KEEP_SCREENSHOT"); !dir.isEmpty())
            QVERIFY(question->grab().save(dir + QLatin1String("/window-another-writer-question.png")));
        QPushButton *wait = nullptr;
        for (QAbstractButton *button : question->buttons())
            if (button->text() == QStringLiteral("Wait"))
                wait = qobject_cast<QPushButton *>(button);
        QVERIFY(wait);
        wait->click();
        QTRY_VERIFY(window.progressWidget()->isVisible());
        QTRY_VERIFY(window.progressWidget()->text().startsWith(QStringLiteral("Waiting for the other import")));

        QVERIFY(other.waitForFinished(120000));
        QCOMPARE(other.exitCode(), 0);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 60000);
        QTRY_VERIFY(window.isSettled());
        QTRY_COMPARE(window.model()->rowCount(), 300000 + 3);
    }

    void controllerTeardownCancels()
    {
        const QString big = m_dir.filePath(QStringLiteral("big.log"));
        QVERIFY(QFileInfo::exists(big));
        const QString store = m_dir.filePath(QStringLiteral("teardown.timberline"));
        {
            ImportController controller;
            QSignalSpy committed(&controller, &ImportController::rowsCommitted);
            QVERIFY(controller.start(store, {big}));
            QVERIFY(!controller.start(store, {big}));
            QTRY_VERIFY_WITH_TIMEOUT(committed.count() >= 1, 30000);
        } // the destructor cancels and waits
        QVERIFY(core::recognises(store.toStdString()));
        auto reopened = core::openStore(store.toStdString(), core::OpenMode::ReadOnly);
        QVERIFY(reopened.has_value());
    }

    void screenshot_data()
    {
        QTest::addColumn<bool>("dark");
        QTest::newRow("light") << false;
        QTest::newRow("dark") << true;
    }

    void screenshot()
    {
        QFETCH(bool, dark);
        const QString store = m_dir.filePath(QStringLiteral("shot.timberline"));
        if (!QFileInfo::exists(store))
            QCOMPARE(uitest::importInto(store, {m_api, m_db}), core::Outcome::Finished);
        const QPalette original = QApplication::palette();
        const auto restore = qScopeGuard([&] { QApplication::setPalette(original); });
        if (dark)
            QApplication::setPalette(darkPalette());

        MainWindow window;
        window.resize(1280, 800);
        window.openStore(store);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QTRY_VERIFY(window.isSettled());

        const QString png = m_dir.filePath(QStringLiteral("window.png"));
        QVERIFY(window.saveScreenshot(png));
        QImage image(png);
        QVERIFY(!image.isNull());
        QCOMPARE(image.size(), window.size() * window.devicePixelRatio());
        std::set<QRgb> colours;
        for (int y = 0; y < image.height(); y += 4) {
            for (int x = 0; x < image.width(); x += 4)
                colours.insert(image.pixel(x, y));
        }
        QVERIFY2(colours.size() > 8, "the screenshot is blank");
        keepScreenshot(window, QLatin1String(dark ? "dark" : "light"));

        // Level colours keep their contrast against the table's background.
        const QColor base = window.view()->palette().color(QPalette::Base);
        for (const core::Level level : {core::Level::Error, core::Level::Warn, core::Level::Debug})
            QVERIFY2(
                contrast(LevelPalette::text(level, QApplication::palette()), base) >= 3.0, qPrintable(QString::number(int(level))));

        // Through the view: the first event is at the top and none of its cells is cut short.
        QTableView *view = window.view();
        QVERIFY(view->isVisible());
        const QModelIndex top = view->indexAt(QPoint(2, 2));
        QCOMPARE(top.row(), 0);
        const int margin = view->style()->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, view) + 1;
        for (int column = 0; column < EventTableModel::NUM_COLUMNS; ++column) {
            const QModelIndex cell = top.siblingAtColumn(column);
            const QString text = cell.data().toString();
            QCOMPARE(text, uitest::ExpectedRows[0][column]);
            const int needed = view->fontMetrics().horizontalAdvance(text) + 2 * margin;
            QVERIFY2(needed <= view->visualRect(cell).width(),
                qPrintable(QStringLiteral("column %1 elides \"%2\"").arg(column).arg(text)));
        }
        // Every column is on screen at this size.
        for (int column = 0; column < EventTableModel::NUM_COLUMNS; ++column) {
            const QRect cell = view->visualRect(top.siblingAtColumn(column));
            QVERIFY(cell.right() <= view->viewport()->width());
        }
    }

private:
    // With TL_KEEP_SCREENSHOT=/some/dir, the window as the test saw it lands there to be looked at.
    static void keepScreenshot(MainWindow &window, const QString &name)
    {
        const QString dir = qEnvironmentVariable("TL_KEEP_SCREENSHOT");
        if (!dir.isEmpty())
            QVERIFY(window.saveScreenshot(dir + QLatin1String("/window-") + name + QLatin1String(".png")));
    }

    static QPalette darkPalette()
    {
        QPalette palette;
        palette.setColor(QPalette::Window, QColor(0x2b, 0x2b, 0x2b));
        palette.setColor(QPalette::WindowText, QColor(0xe0, 0xe0, 0xe0));
        palette.setColor(QPalette::Base, QColor(0x1e, 0x1e, 0x1e));
        palette.setColor(QPalette::AlternateBase, QColor(0x26, 0x26, 0x26));
        palette.setColor(QPalette::Text, QColor(0xe0, 0xe0, 0xe0));
        palette.setColor(QPalette::Button, QColor(0x35, 0x35, 0x35));
        palette.setColor(QPalette::ButtonText, QColor(0xe0, 0xe0, 0xe0));
        palette.setColor(QPalette::Highlight, QColor(0x2a, 0x5d, 0x9f));
        palette.setColor(QPalette::HighlightedText, Qt::white);
        palette.setColor(QPalette::PlaceholderText, QColor(0x90, 0x90, 0x90));
        return palette;
    }

    // WCAG contrast ratio between two colours.
    static double contrast(const QColor &a, const QColor &b)
    {
        const auto luminance = [](const QColor &c) {
            const auto channel = [](double v) { return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4); };
            return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF());
        };
        const double la = luminance(a);
        const double lb = luminance(b);
        return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
    }

    static QString statusText(const MainWindow &window)
    {
        QStringList texts;
        for (const QLabel *label : window.statusBar()->findChildren<QLabel *>())
            texts << label->text();
        return texts.join(QLatin1Char('|'));
    }

    QTemporaryDir m_dir;
    QString m_api;
    QString m_db;
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
