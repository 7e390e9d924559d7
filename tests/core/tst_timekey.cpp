// SPDX-License-Identifier: MIT
#include <core/base/textformat.h>
#include <core/base/timekey.h>

#include <QTest>

using namespace core;

// The time key: exact nanoseconds inside ±2^62 ns of the epoch, microseconds beyond, years 1 to 9999.
class TestTimeKey : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void insideTheWindowTheKeyIsNanoseconds()
    {
        QCOMPARE(*timekey::fromEpoch(0, 0), std::int64_t{0});
        QCOMPARE(*timekey::fromEpoch(1762732800, 123456789), std::int64_t{1762732800123456789});
        QCOMPARE(*timekey::fromEpoch(-1, 999999999), std::int64_t{-1});
        QCOMPARE(*timekey::fromEpoch(0, -1), std::int64_t{-1});
        QCOMPARE(format::rfc3339(1762732800123456789), std::string("2025-11-10T00:00:00.123456789Z"));
        QCOMPARE(format::rfc3339(-1), std::string("1969-12-31T23:59:59.999999999Z"));
        QCOMPARE(*timekey::fromEpoch(4611686018, 427387904), timekey::ExactWindowNs);
        QCOMPARE(*timekey::fromEpoch(-4611686019, 572612096), -timekey::ExactWindowNs);
    }

    void yearsOneTo9999RoundTrip_data()
    {
        QTest::addColumn<QString>("text");
        for (const char *text : {"0001-01-01T00:00:00.000000000Z", "0001-01-01T00:00:00.000001000Z",
                                 "1066-10-14T09:00:00.000000000Z", "1677-09-21T00:12:43.145224000Z",
                                 "1823-11-12T00:00:00.000000000Z", "2116-02-21T00:00:00.000000000Z",
                                 "2262-04-11T23:47:16.854776000Z", "9999-12-31T23:59:59.999999000Z"})
            QTest::newRow(text) << QString::fromLatin1(text);
    }

    void yearsOneTo9999RoundTrip()
    {
        QFETCH(QString, text);
        const QByteArray latin = text.toLatin1();
        timekey::CivilTime civil;
        civil.year = latin.mid(0, 4).toInt();
        civil.month = latin.mid(5, 2).toInt();
        civil.day = latin.mid(8, 2).toInt();
        civil.hour = latin.mid(11, 2).toInt();
        civil.minute = latin.mid(14, 2).toInt();
        civil.second = latin.mid(17, 2).toInt();
        civil.nanos = latin.mid(20, 9).toLongLong();
        const auto key = timekey::fromCivil(civil);
        QVERIFY(key.has_value());
        QVERIFY(*key != NoTimeNs);
        QCOMPARE(QString::fromStdString(format::rfc3339(*key)), text);
    }

    void keysKeepTheOrderOfTimes()
    {
        // Seconds from year 1 to 9999 in uneven steps, across both edges of the window.
        std::int64_t previous = NoTimeNs;
        for (std::int64_t seconds = -62135596800; seconds < 253402300800; seconds += 7'777'777'777 / 13) {
            for (const std::int64_t nanos : {0LL, 999LL, 1000LL, 999'999'999LL}) {
                const auto key = timekey::fromEpoch(seconds, nanos);
                QVERIFY(key.has_value());
                QVERIFY2(*key >= previous, qPrintable(QString::number(seconds)));
                previous = *key;
            }
        }
        QCOMPARE(timekey::firstKey(), *timekey::fromEpoch(-62135596800, 0));
        QVERIFY(timekey::firstKey() > NoTimeNs);
        QVERIFY(timekey::firstKey() < -timekey::ExactWindowNs);
        QVERIFY(timekey::lastKey() > timekey::ExactWindowNs);
        QCOMPARE(format::rfc3339(timekey::lastKey()), std::string("9999-12-31T23:59:59.999999000Z"));
    }

    void outsideYearsOneTo9999ThereIsNoKey()
    {
        QVERIFY(!timekey::fromEpoch(-62135596801, 0).has_value());
        QVERIFY(!timekey::fromEpoch(253402300800, 0).has_value());
        QVERIFY(!timekey::fromEpoch(INT64_MAX / 2, 0).has_value());
        QVERIFY(!timekey::fromCivil({0, 12, 31, 0, 0, 0, 0}).has_value());
        QVERIFY(!timekey::fromCivil({10000, 1, 1, 0, 0, 0, 0}).has_value());
        QVERIFY(!timekey::fromCivil({2026, 2, 30, 0, 0, 0, 0}).has_value());
        QVERIFY(timekey::fromCivil({2024, 2, 29, 0, 0, 0, 0}).has_value());
        // NoTimeNs decodes without overflowing, though it is no time.
        QVERIFY(timekey::toCivil(NoTimeNs).year < 0);
    }
};

QTEST_GUILESS_MAIN(TestTimeKey)
#include "tst_timekey.moc"
