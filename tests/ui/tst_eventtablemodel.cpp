// SPDX-License-Identifier: MIT
#include "uitestsupport.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QElapsedTimer>
#include <QPalette>
#include <QSemaphore>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <core/query/queryfilter.h>
#include <core/backends/storelocation.h>
#include <ui/eventtablemodel.h>
#include <ui/levelpalette.h>

#include <memory>

class TestEventTableModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
        QVERIFY(uitest::writeFile(m_dir.filePath(QStringLiteral("api.log")), uitest::ApiLog));
        QVERIFY(uitest::writeFile(m_dir.filePath(QStringLiteral("db.log")), uitest::DbLog));
        m_store = m_dir.filePath(QStringLiteral("small.timberline"));
        QCOMPARE(uitest::importInto(
                     m_store, {m_dir.filePath(QStringLiteral("api.log")), m_dir.filePath(QStringLiteral("db.log"))}),
            core::Outcome::Finished);

        QVERIFY(uitest::writeSequence(m_dir.filePath(QStringLiteral("sequence.log")), SequenceRows));
        m_bigStore = m_dir.filePath(QStringLiteral("sequence.timberline"));
        QCOMPARE(
            uitest::importInto(m_bigStore, {m_dir.filePath(QStringLiteral("sequence.log"))}), core::Outcome::Finished);
    }

    void modelTester()
    {
        EventTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(model.openStore(m_store));
        QVERIFY(uitest::waitForCount(model));
        QCOMPARE(model.rowCount(), 6);
        model.setOrder(EventTableModel::Order::Arrival);
        QCOMPARE(model.rowCount(), 6);
        QCOMPARE(uitest::cell(model, 5, 0).toString().isEmpty(), false);
        model.setOrder(EventTableModel::Order::Time);
        model.closeStore();
        QCOMPARE(model.rowCount(), 0);
        QVERIFY(!model.openStore(m_dir.filePath(QStringLiteral("api.log"))));
    }

    void rowsInTimeOrder()
    {
        EventTableModel model;
        QVERIFY(model.openStore(m_store));
        QCOMPARE(model.order(), EventTableModel::Order::Time);
        QVERIFY(uitest::waitForCount(model));
        QCOMPARE(model.rowCount(), uitest::ExpectedRows.size());
        QCOMPARE(model.columnCount(), int(EventTableModel::NUM_COLUMNS));
        qint64 previous = std::numeric_limits<qint64>::min();
        for (int row = 0; row < model.rowCount(); ++row) {
            const qint64 time = uitest::cell(model, row, 0, EventTableModel::TimeNsRole).toLongLong();
            QVERIFY2(time >= previous, qPrintable(QStringLiteral("row %1 is earlier than the row before").arg(row)));
            previous = time;
            for (int column = 0; column < EventTableModel::NUM_COLUMNS; ++column)
                QCOMPARE(uitest::cell(model, row, column).toString(), uitest::ExpectedRows[row][column]);
        }
    }

    void levelColours()
    {
        EventTableModel model;
        QVERIFY(model.openStore(m_store));
        const int errorRow = 3;
        QCOMPARE(uitest::cell(model, errorRow, EventTableModel::LevelColumn).toString(), QStringLiteral("error"));
        for (int column = 0; column < EventTableModel::NUM_COLUMNS; ++column)
            QVERIFY(uitest::isReddish(model.index(errorRow, column).data(Qt::ForegroundRole).value<QColor>()));
        // Info keeps the palette's text colour.
        QVERIFY(!model.index(0, EventTableModel::MessageColumn).data(Qt::ForegroundRole).isValid());
        const QColor warn = model.index(2, 0).data(Qt::ForegroundRole).value<QColor>();
        QVERIFY(warn.isValid() && warn.red() > warn.blue() && !uitest::isReddish(warn));
        const QColor debug = model.index(5, 0).data(Qt::ForegroundRole).value<QColor>();
        QVERIFY(debug.isValid() && debug.red() == debug.green() && debug.green() == debug.blue());
    }

    void levelColoursOnDarkPalette()
    {
        const QPalette original = QApplication::palette();
        QPalette dark = original;
        dark.setColor(QPalette::Base, QColor(0x1e, 0x1e, 0x1e));
        dark.setColor(QPalette::Text, QColor(0xe0, 0xe0, 0xe0));
        QApplication::setPalette(dark);
        const QColor error = LevelPalette::text(core::Level::Error, QApplication::palette());
        QApplication::setPalette(original);
        QVERIFY(uitest::isReddish(error));
        // Light enough to read on a dark base.
        QVERIFY(error.lightness() > 128);
        QVERIFY(LevelPalette::text(core::Level::Error, QApplication::palette()).lightness() < 128);
    }

    void arrivalOrder()
    {
        EventTableModel model;
        QVERIFY(model.openStore(m_store));
        QVERIFY(uitest::waitForCount(model));
        QSignalSpy orderChanged(&model, &EventTableModel::orderChanged);
        model.setOrder(EventTableModel::Order::Arrival);
        QCOMPARE(orderChanged.count(), 1);
        QCOMPARE(model.rowCount(), 6);
        // The files' own line order, file after file.
        QStringList messages;
        for (int row = 0; row < model.rowCount(); ++row)
            messages << uitest::cell(model, row, EventTableModel::MessageColumn).toString();
        QCOMPARE(messages.mid(0, 3),
            (QStringList{
                QStringLiteral("request started"), QStringLiteral("upstream timeout"), QStringLiteral("cache stats")}));
        qint64 previous = 0;
        for (int row = 0; row < model.rowCount(); ++row) {
            const qint64 arrival = uitest::cell(model, row, 0, EventTableModel::ArrivalRole).toLongLong();
            QVERIFY(arrival > previous);
            previous = arrival;
        }
    }

    void refreshAppendsInArrivalOrder()
    {
        QTemporaryDir dir;
        const QString store = dir.filePath(QStringLiteral("grow.timberline"));
        QVERIFY(uitest::writeFile(dir.filePath(QStringLiteral("api.log")), uitest::ApiLog));
        QVERIFY(uitest::writeFile(dir.filePath(QStringLiteral("db.log")), uitest::DbLog));
        QCOMPARE(uitest::importInto(store, {dir.filePath(QStringLiteral("api.log"))}), core::Outcome::Finished);

        EventTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(model.openStore(store));
        model.setOrder(EventTableModel::Order::Arrival);
        QVERIFY(uitest::waitForCount(model));
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(uitest::cell(model, 2, EventTableModel::MessageColumn).toString(), QStringLiteral("cache stats"));

        // Another connection writes while the model's read-only ones stay open.
        QCOMPARE(uitest::importInto(store, {dir.filePath(QStringLiteral("db.log"))}), core::Outcome::Finished);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        model.refresh();
        QTRY_COMPARE(inserted.count(), 1);
        QCOMPARE(reset.count(), 0);
        QCOMPARE(model.rowCount(), 6);
        QCOMPARE(uitest::cell(model, 3, EventTableModel::MessageColumn).toString(), QStringLiteral("slow query"));

        model.setOrder(EventTableModel::Order::Time);
        QCOMPARE(uitest::cell(model, 0, EventTableModel::MessageColumn).toString(),
            QStringLiteral("connection pool ready"));
    }

    void anEmptyStoreFillsIn()
    {
        // The first page of an empty store is empty; the rows an import writes must not stay hidden behind it.
        QTemporaryDir dir;
        const QString store = dir.filePath(QStringLiteral("empty.timberline"));
        QVERIFY(core::openStore(store.toStdString(), core::OpenMode::ReadWrite).has_value());
        QVERIFY(uitest::writeFile(dir.filePath(QStringLiteral("api.log")), uitest::ApiLog));
        EventTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(model.openStore(store));
        model.setOrder(EventTableModel::Order::Arrival);
        QVERIFY(uitest::waitForCount(model));
        QCOMPARE(model.rowCount(), 0);
        QCOMPARE(uitest::importInto(store, {dir.filePath(QStringLiteral("api.log"))}), core::Outcome::Finished);
        model.refresh();
        QTRY_COMPARE(model.rowCount(), 3);
        QCOMPARE(uitest::cell(model, 0, EventTableModel::MessageColumn).toString(), QStringLiteral("request started"));
    }

    void pagesAcrossTheTable_data()
    {
        QTest::addColumn<EventTableModel::Order>("order");
        QTest::newRow("time") << EventTableModel::Order::Time;
        QTest::newRow("arrival") << EventTableModel::Order::Arrival;
    }

    void pagesAcrossTheTable()
    {
        QFETCH(EventTableModel::Order, order);
        EventTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(model.openStore(m_bigStore));
        model.setOrder(order);
        QVERIFY(uitest::waitForCount(model));
        QCOMPARE(model.rowCount(), SequenceRows);

        const auto message = [&](int row) { return uitest::cell(model, row, EventTableModel::MessageColumn).toString(); };
        QCOMPARE(message(0), expected(0));
        QCOMPARE(message(300), expected(300));
        QCOMPARE(message(SequenceRows - 1), expected(SequenceRows - 1));
        QCOMPARE(message(SequenceRows - 700), expected(SequenceRows - 700));
        // Far from every page read so far: a placeholder now, the row when its page arrives.
        const int far = SequenceRows / 2 + 17;
        QVERIFY(!model.isRowLoaded(far));
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QCOMPARE(model.index(far, EventTableModel::TimeColumn).data().toString(), QStringLiteral("…"));
        QVERIFY(!model.index(far, EventTableModel::MessageColumn).data().isValid());
        QTRY_VERIFY(model.isRowLoaded(far));
        QVERIFY(changed.count() >= 1);
        const auto range = changed.first();
        QVERIFY(range.at(0).toModelIndex().row() <= far && range.at(1).toModelIndex().row() >= far);
        QCOMPARE(message(far), expected(far));
        QCOMPARE(message(far + EventTableModel::PageSize), expected(far + EventTableModel::PageSize));
        QCOMPARE(message(far - 3 * EventTableModel::PageSize), expected(far - 3 * EventTableModel::PageSize));
        QCOMPARE(message(far - 1000), expected(far - 1000));
        QCOMPARE(message(SequenceRows / 4), expected(SequenceRows / 4));
    }

    void descendingPagesFromBothEnds()
    {
        EventTableModel model;
        QVERIFY(model.openStore(m_bigStore));
        QVERIFY(uitest::waitForCount(model));
        model.setDirection(core::Direction::Descending);
        const auto message = [&](int row) { return uitest::cell(model, row, EventTableModel::MessageColumn).toString(); };
        QCOMPARE(message(0), expected(SequenceRows - 1));
        QCOMPARE(message(SequenceRows - 1), expected(0));
        QCOMPARE(message(SequenceRows / 3), expected(SequenceRows - 1 - SequenceRows / 3));
        QCOMPARE(message(SequenceRows - 1 - 5000), expected(5000));
    }

    void filteredPagesAcrossTheTable_data()
    {
        QTest::addColumn<core::Direction>("direction");
        QTest::newRow("oldest first") << core::Direction::Ascending;
        QTest::newRow("newest first") << core::Direction::Descending;
    }

    void filteredPagesAcrossTheTable()
    {
        // Every seventh event is an error: from the start, by position in the middle, back from the end.
        QFETCH(core::Direction, direction);
        EventTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(model.openStore(m_bigStore));
        auto errors = core::QueryFilter::fromText("level:error", core::QueryTime(0));
        QVERIFY(errors);
        model.setFilter(std::make_shared<const core::QueryFilter>(std::move(errors.value())));
        model.setDirection(direction);
        QVERIFY(uitest::waitForCount(model));
        const int matches = (SequenceRows + 6) / 7;
        QCOMPARE(model.rowCount(), matches);
        const auto event = [&](int row) {
            return expected(7 * (direction == core::Direction::Ascending ? row : matches - 1 - row));
        };
        for (const int row : {0, 1, matches / 2, matches / 2 + EventTableModel::PageSize, matches / 3, matches - 1,
                 matches - 300, 600}) {
            QCOMPARE(uitest::cell(model, row, EventTableModel::MessageColumn).toString(), event(row));
        }
    }

    void dataNeverReads()
    {
        EventTableModel model;
        QVERIFY(model.openStore(m_bigStore));
        QVERIFY(uitest::waitForCount(model));
        // Whatever row is asked for, data() answers from the cache or with a placeholder at once: pages
        // are read on the worker.
        QElapsedTimer timer;
        timer.start();
        for (int row = 0; row < SequenceRows; row += 97)
            model.index(row, EventTableModel::MessageColumn).data();
        const qint64 elapsed = timer.elapsed();
        qInfo("data() over %d rows of an unread table: %lld ms", SequenceRows / 97, elapsed);
        QVERIFY(elapsed < 50);
        QVERIFY(!model.isRowLoaded(SequenceRows / 2));
    }

    void firstPageComesBeforeTheCount()
    {
        // Counting is held back until the test says so; the first page must not wait for it.
        auto gate = std::make_shared<QSemaphore>();
        EventTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setWorkerGatesForTesting({}, [gate] { gate->acquire(); });
        QSignalSpy firstPage(&model, &EventTableModel::firstPageShown);
        QSignalSpy counted(&model, &EventTableModel::countArrived);
        QVERIFY(model.openStore(m_bigStore));
        QTRY_COMPARE(firstPage.count(), 1);
        QVERIFY(!model.isCountKnown());
        QCOMPARE(counted.count(), 0);
        // Provisional: the rows of the first page, readable now.
        QCOMPARE(model.rowCount(), int(EventTableModel::PageSize));
        QVERIFY(model.isRowLoaded(0));
        QCOMPARE(model.index(5, EventTableModel::MessageColumn).data().toString(), expected(5));

        // The count brings the rest; the page shown stays, nothing is read again.
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        gate->release(1);
        QTRY_VERIFY(model.isCountKnown());
        QCOMPARE(model.rowCount(), SequenceRows);
        QCOMPARE(counted.count(), 1);
        QCOMPARE(counted.first().first().value<std::uint64_t>(), std::uint64_t(SequenceRows));
        QVERIFY(model.isRowLoaded(0));
        QVERIFY(model.isSettled());
        QCOMPARE(model.index(5, EventTableModel::MessageColumn).data().toString(), expected(5));

        // A query too: its first page shows while its count is held.
        auto filter = core::QueryFilter::fromText("level:error", core::QueryTime(0));
        QVERIFY(filter);
        model.setWorkerGatesForTesting({}, [gate] { gate->acquire(); });
        model.setFilter(std::make_shared<const core::QueryFilter>(std::move(filter.value())));
        // The rows shown stay until the new page arrives; then they are the matches.
        QTRY_COMPARE(firstPage.count(), 2);
        QVERIFY(!model.isCountKnown());
        QCOMPARE(model.index(1, EventTableModel::MessageColumn).data().toString(), expected(7));
        gate->release(1);
        QVERIFY(uitest::waitForCount(model));
        QCOMPARE(model.rowCount(), (SequenceRows + 6) / 7);
    }

    void aCountBeforeTheFirstPageWaitsForIt()
    {
        // Pages held back this time: the count arrives first and is applied with the first page.
        auto gate = std::make_shared<QSemaphore>();
        EventTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setWorkerGatesForTesting([gate] { gate->acquire(); }, {});
        QSignalSpy firstPage(&model, &EventTableModel::firstPageShown);
        QSignalSpy counted(&model, &EventTableModel::countArrived);
        QVERIFY(model.openStore(m_bigStore));
        QTest::qWait(50);
        QCOMPARE(model.rowCount(), 0);
        QCOMPARE(counted.count(), 0);
        gate->release(1000);
        QTRY_COMPARE(firstPage.count(), 1);
        QCOMPARE(counted.count(), 1);
        QVERIFY(model.isCountKnown());
        QCOMPARE(model.rowCount(), SequenceRows);
        QCOMPARE(model.index(0, EventTableModel::MessageColumn).data().toString(), expected(0));
    }

    void aSupersededPageIsDropped()
    {
        auto gate = std::make_shared<QSemaphore>();
        EventTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(model.openStore(m_bigStore));
        QVERIFY(uitest::waitForCount(model));
        model.setWorkerGatesForTesting([gate] { gate->acquire(); }, {});

        // A scroll bar dragged to a quarter, then on to three quarters before anything arrived.
        const int quarter = SequenceRows / 4;
        const int threeQuarters = SequenceRows * 3 / 4;
        model.index(quarter, 0).data();
        QTest::qWait(20); // the request goes out and waits at the gate
        QVERIFY(!model.isSettled());
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.index(threeQuarters, 0).data();
        QTest::qWait(20);
        gate->release(1000);
        QTRY_VERIFY(model.isRowLoaded(threeQuarters));
        QTRY_VERIFY(model.isSettled());
        QCOMPARE(model.index(threeQuarters, EventTableModel::MessageColumn).data().toString(), expected(threeQuarters));
        // The page left behind never arrived.
        QVERIFY(!model.isRowLoaded(quarter));
        for (const auto &signal : changed) {
            const int first = signal.at(0).toModelIndex().row();
            QVERIFY2(first > quarter + EventTableModel::PageSize || signal.at(1).toModelIndex().row() < quarter,
                qPrintable(QString::number(first)));
        }
    }

    void aSupersededQueryDoesNotOverwriteTheNewerOne()
    {
        auto gate = std::make_shared<QSemaphore>();
        EventTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(model.openStore(m_bigStore));
        QVERIFY(uitest::waitForCount(model));
        auto errors = core::QueryFilter::fromText("level:error", core::QueryTime(0));
        auto info = core::QueryFilter::fromText("level:info", core::QueryTime(0));
        QVERIFY(errors && info);
        QSignalSpy firstPage(&model, &EventTableModel::firstPageShown);
        model.setWorkerGatesForTesting([gate] { gate->acquire(); }, [gate] { gate->acquire(); });
        model.setFilter(std::make_shared<const core::QueryFilter>(std::move(errors.value())));
        QTest::qWait(20); // its page and count are on their way, held at the gates
        model.setWorkerGatesForTesting({}, {});
        model.setFilter(std::make_shared<const core::QueryFilter>(std::move(info.value())));
        gate->release(1000);
        QVERIFY(uitest::waitForCount(model));
        QTest::qWait(50); // anything late of the first query would land now
        QCOMPARE(firstPage.count(), 1);
        QCOMPARE(model.rowCount(), SequenceRows - (SequenceRows + 6) / 7);
        QCOMPARE(model.index(0, EventTableModel::MessageColumn).data().toString(), expected(1));
        QCOMPARE(uitest::cell(model, 6, EventTableModel::LevelColumn).toString(), QStringLiteral("info"));
    }

    void timeFormat()
    {
        QCOMPARE(EventTableModel::formatTime(1762770600123456000LL), QStringLiteral("2025-11-10 10:30:00.123456"));
    }

private:
    static QString expected(int row)
    {
        return QStringLiteral("event %1 with some padding so the file has bytes to read").arg(row);
    }

    static constexpr int SequenceRows = 20000;
    QTemporaryDir m_dir;
    QString m_store;
    QString m_bigStore;
};

QTEST_MAIN(TestEventTableModel)
#include "tst_eventtablemodel.moc"
