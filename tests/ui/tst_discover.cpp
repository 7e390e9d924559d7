// SPDX-License-Identifier: MIT
// The Discover window's views through DiscoverState: query bar, sidebar, filtered table, detail pane.
#include "uitestsupport.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QImage>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QSettings>
#include <QStatusBar>
#include <QTextBlock>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStyle>
#include <QSyntaxHighlighter>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>
#include <QUrl>

#include <core/query/queryfilter.h>
#include <core/query/queryparser.h>
#include <ui/detailpane.h>
#include <ui/discoverstate.h>
#include <ui/eventtablemodel.h>
#include <ui/fieldsidebar.h>
#include <ui/importcontroller.h>
#include <ui/jsonhighlighting.h>
#include <ui/mainwindow.h>
#include <ui/querybar.h>
#include <ui/queryhighlighter.h>
#include <ui/timerangepicker.h>

#include <set>

class TestDiscover : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        QVERIFY(m_dir.isValid());
        m_api = m_dir.filePath(QStringLiteral("api.log"));
        m_db = m_dir.filePath(QStringLiteral("db.log"));
        QVERIFY(uitest::writeFile(m_api, uitest::ApiLog));
        QVERIFY(uitest::writeFile(m_db, uitest::DbLog));
        m_store = m_dir.filePath(QStringLiteral("discover.timberline"));
        QCOMPARE(uitest::importInto(m_store, {m_api, m_db}), core::Outcome::Finished);
    }

    void cleanup() { QSettings().clear(); }

    void dropOfFileUrlsImportsThem()
    {
        // A name of its own: tst_mainwindow drops api.log too, and under ctest -j2 both suites would
        // create and remove the same default store at the same time.
        const QString dropped = m_dir.filePath(QStringLiteral("discover-drop.log"));
        QVERIFY(uitest::writeFile(dropped, uitest::ApiLog));
        const QString expectedStore = defaultStorePath(dropped);
        for (const char *suffix : {"", "-journal"})
            QFile::remove(expectedStore + QLatin1String(suffix));
        MainWindow window;
        window.show();
        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile(dropped), QUrl::fromLocalFile(m_db)});
        // Anywhere on the window: here, over the detail pane.
        const QPoint at = window.detailPane()->mapTo(&window, window.detailPane()->rect().center());
        QDragEnterEvent enter(at, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&window, &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(QPointF(at), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&window, &drop);
        QTRY_COMPARE_WITH_TIMEOUT(window.model()->rowCount(), 6, 30000);
        QTRY_VERIFY_WITH_TIMEOUT(!window.importController()->isRunning(), 30000);
        QCOMPARE(window.storePath(), expectedStore);
        QFile::remove(expectedStore);
    }

    void badQueryIsUnderlinedWhereItIsWrong_data()
    {
        QTest::addColumn<QString>("query");
        QTest::newRow("unclosed group") << QStringLiteral("level:error and (service:api");
        QTest::newRow("stray paren") << QStringLiteral("level:error ) and service:api");
        QTest::newRow("after non-ASCII") << QStringLiteral("message:\"d\u00e9j\u00e0 vu\" and >");
    }

    void badQueryIsUnderlinedWhereItIsWrong()
    {
        QFETCH(QString, query);
        MainWindow window;
        window.openStore(m_store);
        window.show();
        window.runQuery(QStringLiteral("level:error"));
        QTRY_VERIFY(window.isSettled());
        QCOMPARE(window.model()->rowCount(), 1);

        window.runQuery(query);
        // Where the parser says, in characters of the text (not bytes).
        const QByteArray utf8 = query.toUtf8();
        auto parsed = core::QueryParser::parse(std::string_view(utf8.constData(), static_cast<std::size_t>(utf8.size())));
        QVERIFY(!parsed);
        const int expected
            = std::min<int>(static_cast<int>(QString::fromUtf8(utf8.left(static_cast<qsizetype>(parsed.error().offset))).size()),
                static_cast<int>(query.size()) - 1);
        QueryBar *bar = window.queryBar();
        QVERIFY(bar->hasError());
        QCOMPARE(bar->errorOffset(), expected);
        QVERIFY(!bar->toolTip().isEmpty());
        QVERIFY(window.statusBar()->currentMessage().contains(bar->toolTip()));
        // The underline is among the formats the bar paints.
        bool underlined = false;
        for (const QTextLayout::FormatRange &range : bar->formats())
            underlined |= range.format.underlineStyle() == QTextCharFormat::WaveUnderline && range.start == expected;
        QVERIFY(underlined);
        // The previous results stay.
        QCOMPARE(window.model()->rowCount(), 1);
        QCOMPARE(window.state()->queryText(), QStringLiteral("level:error"));
        // Typing clears the underline.
        QTest::keyClick(bar, Qt::Key_Space);
        QVERIFY(!bar->hasError());
    }

    void queryBarColoursTokensFromTheLexer()
    {
        const QPalette palette;
        const auto ranges = QueryHighlighter::formats(QStringLiteral("\u00e9t\u00e9:\"x\" and level:error"), palette);
        // The field, its phrase, the operator, the second field (colons are coloured too).
        auto colourAt = [&](int position) {
            for (const auto &range : ranges)
                if (position >= range.start && position < range.start + range.length)
                    return range.format.foreground().color();
            return QColor();
        };
        QCOMPARE(colourAt(0), QueryHighlighter::colorOf(core::QueryTokenKind::Field, palette));
        QCOMPARE(colourAt(4), QueryHighlighter::colorOf(core::QueryTokenKind::Phrase, palette));
        QCOMPARE(colourAt(8), QueryHighlighter::colorOf(core::QueryTokenKind::And, palette));
        QCOMPARE(colourAt(12), QueryHighlighter::colorOf(core::QueryTokenKind::Field, palette));
        QVERIFY(!colourAt(19).isValid()); // `error`, a plain word
    }

    void completionOffersFieldsThenValues()
    {
        MainWindow window;
        window.openStore(m_store);
        window.show();
        QTRY_VERIFY(window.isSettled());
        QueryBar *bar = window.queryBar();
        bar->setFocus();
        QTest::keyClicks(bar, QStringLiteral("requ"));
        QVERIFY(bar->currentCompletions().contains(QStringLiteral("request_id")));
        bar->clear();
        QTest::keyClicks(bar, QStringLiteral("service:"));
        QVERIFY(bar->currentCompletions().contains(QStringLiteral("api")));
        QVERIFY(bar->currentCompletions().contains(QStringLiteral("db")));
    }

    void historyIsKeptPerStore()
    {
        MainWindow window;
        window.openStore(m_store);
        window.show();
        window.runQuery(QStringLiteral("level:error"));
        window.runQuery(QStringLiteral("service:db"));
        QCOMPARE(window.queryBar()->history(), (QStringList{QStringLiteral("level:error"), QStringLiteral("service:db")}));
        window.queryBar()->clear();
        window.queryBar()->setFocus();
        QTest::keyClick(window.queryBar(), Qt::Key_Up);
        QCOMPARE(window.queryBar()->text(), QStringLiteral("service:db"));
        QTest::keyClick(window.queryBar(), Qt::Key_Up);
        QCOMPARE(window.queryBar()->text(), QStringLiteral("level:error"));
        QTest::keyClick(window.queryBar(), Qt::Key_Escape);
        QVERIFY(window.queryBar()->text().isEmpty());
    }

    void clickingAFieldValueFilters()
    {
        MainWindow window;
        window.openStore(m_store);
        window.show();
        QTRY_VERIFY(window.isSettled());
        QCOMPARE(window.model()->rowCount(), 6);
        FieldSidebar *sidebar = window.sidebar();
        QTRY_VERIFY(sidebar->valueItem(QStringLiteral("service"), QStringLiteral("db")));
        QCOMPARE(sidebar->valueItem(QStringLiteral("service"), QStringLiteral("db"))->text(FieldSidebar::CountColumn),
            QStringLiteral("3"));

        QTreeWidgetItem *db = sidebar->valueItem(QStringLiteral("service"), QStringLiteral("db"));
        Q_EMIT sidebar->tree()->itemClicked(db, FieldSidebar::ForColumn);
        QCOMPARE(window.queryBar()->text(), QStringLiteral("service:db"));
        QTRY_COMPARE(window.model()->rowCount(), 3);
        QTRY_VERIFY(window.isSettled());
        QCOMPARE(window.model()->index(0, EventTableModel::MessageColumn).data().toString(),
            QStringLiteral("connection pool ready"));

        // Out of a value: `not field:value` narrows further.
        QTRY_VERIFY(sidebar->valueItem(QStringLiteral("level"), QStringLiteral("warn")));
        Q_EMIT sidebar->tree()->itemClicked(
            sidebar->valueItem(QStringLiteral("level"), QStringLiteral("warn")), FieldSidebar::OutColumn);
        QCOMPARE(window.queryBar()->text(), QStringLiteral("service:db and not level:warn"));
        QTRY_COMPARE(window.model()->rowCount(), 2);
        QTRY_VERIFY(window.isSettled());
        // The exact first-class counts follow the result.
        QVERIFY(sidebar->fieldItem(QStringLiteral("service")));
        QCOMPARE(sidebar->fieldItem(QStringLiteral("service"))->text(FieldSidebar::CountColumn), QStringLiteral("2"));
    }

    void sidebarTalliesRecordPathsAndCountsAll()
    {
        MainWindow window;
        window.openStore(m_store);
        window.show();
        QTRY_VERIFY(window.isSettled());
        FieldSidebar *sidebar = window.sidebar();
        QVERIFY(sidebar->summaryText().contains(QStringLiteral("whole result")));
        QTRY_VERIFY(sidebar->fieldItem(QStringLiteral("request_id")));
        QCOMPARE(sidebar->fieldItem(QStringLiteral("request_id"))->text(FieldSidebar::CountColumn), QStringLiteral("4"));
        QVERIFY(sidebar->valueItem(QStringLiteral("request_id"), QStringLiteral("req-1")));
        QCOMPARE(sidebar->valueItem(QStringLiteral("request_id"), QStringLiteral("req-1"))->text(FieldSidebar::CountColumn),
            QStringLiteral("3"));
        sidebar->countAll(QStringLiteral("request_id"));
        QTRY_COMPARE(sidebar->fieldItem(QStringLiteral("request_id"))->text(FieldSidebar::CountColumn), QStringLiteral("4"));

        // Checking a record path makes it a table column.
        QTreeWidgetItem *item = sidebar->fieldItem(QStringLiteral("msg"));
        QVERIFY(item);
        item->setCheckState(FieldSidebar::NameColumn, Qt::Checked);
        QCOMPARE(window.state()->extraColumns(), QStringList{QStringLiteral("msg")});
        QCOMPARE(window.model()->columnCount(), EventTableModel::NUM_COLUMNS + 1);
        QCOMPARE(uitest::cell(*window.model(), 0, EventTableModel::NUM_COLUMNS).toString(),
            QStringLiteral("connection pool ready"));
    }

    void filteredModelPassesTheTester()
    {
        EventTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(model.openStore(m_store));
        auto filter = core::QueryFilter::fromText("level:error or level:warn or service:db", core::QueryTime(0));
        QVERIFY(filter);
        auto shared = std::make_shared<const core::QueryFilter>(std::move(filter.value()));
        model.setFilter(shared);
        QVERIFY(uitest::waitForCount(model));
        QCOMPARE(model.rowCount(), 4);
        QCOMPARE(uitest::cell(model, 0, EventTableModel::MessageColumn).toString(), QStringLiteral("connection pool ready"));
        model.setDirection(core::Direction::Descending);
        QCOMPARE(uitest::cell(model, 0, EventTableModel::MessageColumn).toString(), QStringLiteral("query ok"));
        QCOMPARE(uitest::cell(model, 3, EventTableModel::MessageColumn).toString(), QStringLiteral("connection pool ready"));
        model.setExtraColumns({QStringLiteral("request_id")});
        QCOMPARE(model.columnCount(), EventTableModel::NUM_COLUMNS + 1);
        QCOMPARE(uitest::cell(model, 0, EventTableModel::NUM_COLUMNS).toString(), QStringLiteral("req-2"));
        model.setUtc(false);
        model.setFilter(nullptr);
        QVERIFY(uitest::waitForCount(model));
        QCOMPARE(model.rowCount(), 6);
    }

    void timeRangeFollowsTheAnchor()
    {
        MainWindow window;
        window.openStore(m_store);
        window.show();
        QTRY_VERIFY(window.isSettled());
        DiscoverState *state = window.state();
        // The bundle ends at 10:30:04; `now` is its anchor, not the wall clock.
        QVERIFY(state->lastNs());
        QCOMPARE(state->formatTime(*state->lastNs()), QStringLiteral("2025-11-10 10:30:04.000000"));
        QVERIFY(window.timeRangePicker()->anchorText().contains(QStringLiteral("10:30:04")));
        TimeRange last2s;
        last2s.kind = TimeRange::Kind::Relative;
        last2s.spanNs = 2'000'000'000;
        state->setTimeRange(last2s);
        // 10:30:02, :03 and :04.
        QTRY_COMPARE(window.model()->rowCount(), 3);
        TimeRange absolute;
        absolute.kind = TimeRange::Kind::Absolute;
        absolute.fromNs = *state->firstNs();
        absolute.toNs = *state->firstNs() + 1'000'000'000;
        state->setTimeRange(absolute);
        QTRY_COMPARE(window.model()->rowCount(), 2);
        state->setTimeRange(TimeRange{});
        QTRY_COMPARE(window.model()->rowCount(), 6);
    }

    void detailPaneShowsFieldsJsonAndNeighbours()
    {
        MainWindow window;
        window.openStore(m_store);
        window.show();
        QTRY_VERIFY(window.isSettled());
        window.selectRow(3); // 10:30:02, the api error
        QTRY_VERIFY(window.isSettled());
        DetailPane *pane = window.detailPane();
        QTRY_VERIFY(pane->fieldsTable()->rowCount() > 4);
        QCOMPARE(pane->fieldsTable()->item(3, 1)->text(), QStringLiteral("upstream timeout"));
        QVERIFY(pane->jsonView()->toPlainText().contains(QStringLiteral("\n    \"level\": \"error\"")));
        pane->setSurroundingCount(1);
        QTRY_VERIFY(window.isSettled());
        QTRY_COMPARE(pane->surroundingTable()->rowCount(), 3);
        QCOMPARE(pane->surroundingTable()->item(0, 3)->text(), QStringLiteral("slow query"));
        QCOMPARE(pane->surroundingTable()->item(2, 3)->text(), QStringLiteral("query ok"));
    }

    void jsonHighlighterIsKf6ExactlyWhenBuiltWithIt()
    {
        DiscoverState state;
        DetailPane pane(&state);
        QSyntaxHighlighter *highlighter = pane.jsonHighlighter();
        QVERIFY(highlighter);
#ifdef TL_HAVE_KSYNTAXHIGHLIGHTING
        QCOMPARE(JsonHighlighting::backend(), JsonHighlighting::Backend::KSyntaxHighlighting);
        QCOMPARE(JsonHighlighting::backendName(), QStringLiteral("KSyntaxHighlighting"));
        QVERIFY2(highlighter->inherits("KSyntaxHighlighting::SyntaxHighlighter"), highlighter->metaObject()->className());
#else
        QCOMPARE(JsonHighlighting::backend(), JsonHighlighting::Backend::Builtin);
        QCOMPARE(JsonHighlighting::backendName(), QStringLiteral("built-in"));
        QVERIFY2(highlighter->inherits("BuiltinJsonHighlighter"), highlighter->metaObject()->className());
#endif
        // Either way the JSON is coloured: the key and the string differ.
        pane.jsonView()->setPlainText(DetailPane::prettyJson(QStringLiteral("{\"level\":\"error\",\"n\":3}")));
        const QTextBlock line = pane.jsonView()->document()->findBlockByNumber(1);
        QVERIFY(line.isValid());
        std::set<QRgb> colours;
        for (const QTextLayout::FormatRange &range : line.layout()->formats())
            colours.insert(range.format.foreground().color().rgb());
        QVERIFY2(colours.size() >= 2, qPrintable(line.text()));
    }

    void screenshotShowsTheQueriedEventOnTop()
    {
        MainWindow window;
        window.resize(1280, 800);
        window.openStore(m_store);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.runQuery(QStringLiteral("service:db"));
        QTRY_VERIFY(window.isSettled());
        QTRY_COMPARE(window.model()->rowCount(), 3);
        window.selectRow(0);
        QTRY_VERIFY(window.isSettled());

        const QString png = m_dir.filePath(QStringLiteral("discover.png"));
        QVERIFY(window.saveScreenshot(png));
        const QImage image(png);
        QVERIFY(!image.isNull());
        std::set<QRgb> colours;
        for (int y = 0; y < image.height(); y += 4)
            for (int x = 0; x < image.width(); x += 4)
                colours.insert(image.pixel(x, y));
        QVERIFY2(colours.size() > 8, "the screenshot is blank");
        const QString keep = qEnvironmentVariable("TL_KEEP_SCREENSHOT");
        if (!keep.isEmpty())
            QVERIFY(window.saveScreenshot(keep + QLatin1String("/discover.png")));

        // Through the view: the first db event is at the top, and no cell of it is cut short.
        QTableView *view = window.view();
        const QModelIndex top = view->indexAt(QPoint(2, 2));
        QCOMPARE(top.row(), 0);
        const int margin = view->style()->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, view) + 1;
        for (int column = 0; column < EventTableModel::NUM_COLUMNS; ++column) {
            const QModelIndex cell = top.siblingAtColumn(column);
            QCOMPARE(cell.data().toString(), uitest::ExpectedRows[0][column]);
            const int needed = view->fontMetrics().horizontalAdvance(cell.data().toString()) + 2 * margin;
            QVERIFY2(needed <= view->visualRect(cell).width(), qPrintable(QStringLiteral("column %1 elided").arg(column)));
            QVERIFY(view->visualRect(cell).right() <= view->viewport()->width());
        }
        // The detail pane shows the selected event.
        QCOMPARE(window.detailPane()->fieldsTable()->item(3, 1)->text(), QStringLiteral("connection pool ready"));
    }

    void stateComposesFilters()
    {
        QCOMPARE(DiscoverState::filterText(QStringLiteral("service"), QStringLiteral("api")), QStringLiteral("service:api"));
        QCOMPARE(DiscoverState::filterText(QStringLiteral("msg"), QStringLiteral("slow \"query\"")),
            QStringLiteral("msg:\"slow \\\"query\\\"\""));
        QCOMPARE(DiscoverState::filterText(QStringLiteral("w"), QStringLiteral("and")), QStringLiteral("w:\"and\""));
        DiscoverState state;
        state.setStore(m_store);
        QVERIFY(state.setQuery(QStringLiteral("level:error or level:warn")));
        state.addFilter(QStringLiteral("service"), QStringLiteral("api"), false);
        QCOMPARE(state.queryText(), QStringLiteral("(level:error or level:warn) and service:api"));
        QSignalSpy failed(&state, &DiscoverState::queryFailed);
        QVERIFY(!state.setQuery(QStringLiteral("level:(")));
        QCOMPARE(failed.count(), 1);
        QCOMPARE(state.queryText(), QStringLiteral("(level:error or level:warn) and service:api"));
        QCOMPARE(DiscoverState::formatTime(1'762'770'600'123'456'789, true), QStringLiteral("2025-11-10 10:30:00.123456"));
    }

    // Every zoom goes back the way it came, whichever view zoomed; a new store starts from the whole bundle.
    void zoomingOutRetracesTheZooms()
    {
        constexpr std::int64_t SecondNs = 1'000'000'000;
        constexpr std::int64_t StartNs = 1'762'770'600 * SecondNs; // 2025-11-10T10:30:00Z
        DiscoverState state;
        state.setStore(m_store);
        QSignalSpy filters(&state, &DiscoverState::filterChanged);
        state.zoomIn(StartNs, StartNs + 4 * SecondNs);
        state.zoomIn(StartNs + SecondNs, StartNs + 2 * SecondNs);
        QCOMPARE(filters.count(), 2);
        QCOMPARE(state.zoomStack().size(), std::size_t(2));
        QCOMPARE(state.timeRange().kind, TimeRange::Kind::Absolute);
        QCOMPARE(state.timeRange().fromNs, StartNs + SecondNs);
        QCOMPARE(state.timeRange().toNs, StartNs + 2 * SecondNs);
        state.zoomOut();
        QCOMPARE(state.timeRange().fromNs, StartNs);
        QCOMPARE(state.timeRange().toNs, StartNs + 4 * SecondNs);
        state.zoomOut();
        QCOMPARE(state.timeRange().kind, TimeRange::Kind::Whole);
        QVERIFY(state.zoomStack().empty());
        // Nothing left to go back to: already the whole bundle, nothing runs again.
        state.zoomOut();
        QCOMPARE(filters.count(), 4);

        state.zoomIn(StartNs, StartNs + SecondNs);
        state.setStore(m_store);
        QVERIFY(state.zoomStack().empty());
        QCOMPARE(state.timeRange().kind, TimeRange::Kind::Whole);
    }

private:
    QTemporaryDir m_dir;
    QString m_api;
    QString m_db;
    QString m_store;
};

QTEST_MAIN(TestDiscover)
#include "tst_discover.moc"
