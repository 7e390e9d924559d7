// SPDX-License-Identifier: MIT
#include "uitestsupport.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QElapsedTimer>
#include <QPalette>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <ui/eventtablemodel.h>

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
        QCOMPARE(model.rowCount(), 6);
        model.setOrder(EventTableModel::Order::Arrival);
        QCOMPARE(model.rowCount(), 6);
        model.setOrder(EventTableModel::Order::Time);
        model.closeStore();
        QCOMPARE(model.rowCount(), 0);
    }

    void rowsInTimeOrder()
    {
        EventTableModel model;
        QVERIFY(model.openStore(m_store));
        QCOMPARE(model.order(), EventTableModel::Order::Time);
        QCOMPARE(model.rowCount(), uitest::ExpectedRows.size());
        QCOMPARE(model.columnCount(), int(EventTableModel::NUM_COLUMNS));
        qint64 previous = std::numeric_limits<qint64>::min();
        for (int row = 0; row < model.rowCount(); ++row) {
            const qint64 time = model.index(row, 0).data(EventTableModel::TimeNsRole).toLongLong();
            QVERIFY2(time >= previous, qPrintable(QStringLiteral("row %1 is earlier than the row before").arg(row)));
            previous = time;
            for (int column = 0; column < EventTableModel::NUM_COLUMNS; ++column)
                QCOMPARE(model.index(row, column).data().toString(), uitest::ExpectedRows[row][column]);
        }
    }

    void levelColours()
    {
        EventTableModel model;
        QVERIFY(model.openStore(m_store));
        const int errorRow = 3;
        QCOMPARE(model.index(errorRow, EventTableModel::LevelColumn).data().toString(), QStringLiteral("error"));
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
        const QColor error = EventTableModel::levelColor(core::Level::Error);
        QApplication::setPalette(original);
        QVERIFY(uitest::isReddish(error));
        // Light enough to read on a dark base.
        QVERIFY(error.lightness() > 128);
        QVERIFY(EventTableModel::levelColor(core::Level::Error).lightness() < 128);
    }

    void arrivalOrder()
    {
        EventTableModel model;
        QVERIFY(model.openStore(m_store));
        QSignalSpy orderChanged(&model, &EventTableModel::orderChanged);
        model.setOrder(EventTableModel::Order::Arrival);
        QCOMPARE(orderChanged.count(), 1);
        QCOMPARE(model.rowCount(), 6);
        // The files' own line order, file after file.
        QStringList messages;
        for (int row = 0; row < model.rowCount(); ++row)
            messages << model.index(row, EventTableModel::MessageColumn).data().toString();
        QCOMPARE(messages.mid(0, 3),
            (QStringList{
                QStringLiteral("request started"), QStringLiteral("upstream timeout"), QStringLiteral("cache stats")}));
        qint64 previousId = 0;
        for (int row = 0; row < model.rowCount(); ++row) {
            const qint64 id = model.index(row, 0).data(EventTableModel::EventIdRole).toLongLong();
            QVERIFY(id > previousId);
            previousId = id;
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
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.index(2, EventTableModel::MessageColumn).data().toString(), QStringLiteral("cache stats"));

        // Another connection writes while the model's read-only one stays open.
        QCOMPARE(uitest::importInto(store, {dir.filePath(QStringLiteral("db.log"))}), core::Outcome::Finished);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        model.refresh();
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(model.rowCount(), 6);
        QCOMPARE(model.index(3, EventTableModel::MessageColumn).data().toString(), QStringLiteral("slow query"));

        model.setOrder(EventTableModel::Order::Time);
        QCOMPARE(
            model.index(0, EventTableModel::MessageColumn).data().toString(), QStringLiteral("connection pool ready"));
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
        QVERIFY(model.openStore(m_bigStore));
        model.setOrder(order);
        QCOMPARE(model.rowCount(), SequenceRows);

        const auto message
            = [&](int row) { return model.index(row, EventTableModel::MessageColumn).data().toString(); };
        const auto expected = [](int row) {
            return QStringLiteral("event %1 with some padding so the file has bytes to read").arg(row);
        };

        QCOMPARE(message(0), expected(0));
        QCOMPARE(message(300), expected(300));
        if (order == EventTableModel::Order::Time) {
            // The end is read backwards, at once.
            QCOMPARE(message(SequenceRows - 1), expected(SequenceRows - 1));
            QCOMPARE(message(SequenceRows - 700), expected(SequenceRows - 700));
        }
        // Far from every known page start: a placeholder now, the row once the walker gets there.
        const int far = SequenceRows / 2 + 17;
        QVERIFY(!model.isRowLoaded(far));
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.index(far, 0).data();
        QTRY_VERIFY(model.isRowLoaded(far));
        QVERIFY(changed.count() >= 1);
        QCOMPARE(message(far), expected(far));
        QCOMPARE(message(far + EventTableModel::PageSize), expected(far + EventTableModel::PageSize));
        QCOMPARE(message(far - 3 * EventTableModel::PageSize), expected(far - 3 * EventTableModel::PageSize));
        // Backwards after the walk: the anchors it left make these near.
        QCOMPARE(message(far - 1000), expected(far - 1000));
    }

    void pageFetchIsQuick()
    {
        EventTableModel model;
        QVERIFY(model.openStore(m_bigStore));
        // Warm the connection (schema, dictionary) the way the first paint does.
        model.index(0, 0).data();
        QElapsedTimer timer;
        timer.start();
        model.index(4 * EventTableModel::PageSize, 0).data();
        const qint64 elapsed = timer.elapsed();
        qInfo("a page %d rows from a known page start: %lld ms", 4 * EventTableModel::PageSize, elapsed);
        // Generous against a loaded machine; a frame is 16 ms.
        QVERIFY(elapsed < 100);
    }

    void timeFormat()
    {
        QCOMPARE(EventTableModel::formatTime(1762770600123456000LL), QStringLiteral("2025-11-10 10:30:00.123456"));
    }

private:
    static constexpr int SequenceRows = 20000;
    QTemporaryDir m_dir;
    QString m_store;
    QString m_bigStore;
};

QTEST_MAIN(TestEventTableModel)
#include "tst_eventtablemodel.moc"
