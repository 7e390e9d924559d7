// SPDX-License-Identifier: MIT
// Conformance over ../shared/corpus: every real file gives the counts, times, levels and services of
// its row in EXPECTED.tsv, through the whole import (sources → parser → store → stats).
#include <core/model/eventformat.h>
#include <core/import/importer.h>
#include <core/store/sqlite/sqlitestore.h>

#include <QDir>
#include <QFile>
#include <QMap>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace core;

namespace {

class QuietObserver : public ImportObserver
{
public:
    ProgressAnswer progress(const ImportProgress &) override { return ProgressAnswer::Continue; }
};

QMap<QString, qint64> parseCounts(const QString &text)
{
    QMap<QString, qint64> counts;
    if (text.isEmpty() || text == QLatin1String("none"))
        return counts;
    // Service names may hold ',' or '=': split on ",name=" boundaries by taking the last '=' of each item.
    for (const QString &item : text.split(QLatin1Char(','))) {
        const qsizetype equals = item.lastIndexOf(QLatin1Char('='));
        QString name = item.left(equals);
        if (name.startsWith(QLatin1String("stem:")))
            name = name.mid(5);
        counts[name] += item.mid(equals + 1).toLongLong();
    }
    return counts;
}

// Syslog and glog rows give the time as written, without a year: compare month, day and time,
// rendering ours in the row's own shape (`Nov  3 09:23:38`, `août 19 11:08:37`, glog `0517 15:04:22.619632`).
int monthOf(const QString &name)
{
    static const QStringList English = {QStringLiteral("jan"), QStringLiteral("feb"), QStringLiteral("mar"), QStringLiteral("apr"),
                                        QStringLiteral("may"), QStringLiteral("jun"), QStringLiteral("jul"), QStringLiteral("aug"),
                                        QStringLiteral("sep"), QStringLiteral("oct"), QStringLiteral("nov"), QStringLiteral("dec")};
    static const QStringList French = {QStringLiteral("janv"), QStringLiteral("févr"), QStringLiteral("mars"), QStringLiteral("avr"),
                                       QStringLiteral("mai"), QStringLiteral("juin"), QStringLiteral("juil"), QStringLiteral("août"),
                                       QStringLiteral("sept"), QStringLiteral("oct"), QStringLiteral("nov"), QStringLiteral("déc")};
    const QString lower = name.toLower();
    for (int i = 0; i < 12; ++i)
        if (lower == English[i] || lower == French[i])
            return i + 1;
    return 0;
}

QString comparableTime(const QString &expected, const QString &actual)
{
    const int month = actual.mid(5, 2).toInt();
    const int day = actual.mid(8, 2).toInt();
    const QString clock = actual.mid(11, 8) + actual.mid(19, 7); // hh:mm:ss.ffffff
    if (expected.size() > 4 && expected.at(4) == QLatin1Char(' ') && expected.at(0).isDigit()) // glog
        return QStringLiteral("%1%2 %3").arg(month, 2, 10, QLatin1Char('0')).arg(day, 2, 10, QLatin1Char('0')).arg(clock.left(expected.size() - 5));
    const qsizetype space = expected.indexOf(QLatin1Char(' '));
    const QString name = monthOf(expected.left(space)) == month ? expected.left(space) : QStringLiteral("?");
    const QString rest = expected.mid(space).trimmed(); // "3 09:23:38"
    const qsizetype daySpace = rest.indexOf(QLatin1Char(' '));
    const QString dayText = expected.mid(space, expected.size() - space - rest.size() + daySpace).length() > 2
        ? QStringLiteral("%1").arg(day, 2) : QString::number(day);
    return name + QLatin1Char(' ') + dayText + QLatin1Char(' ') + clock.left(rest.size() - daySpace - 1);
}

// Trims our nine fraction digits to the digits the expected value has (it keeps the source's own).
QString trimmedTime(const QString &expected, std::optional<std::int64_t> ns)
{
    if (!ns)
        return QStringLiteral("none");
    const QString full = QString::fromStdString(format::rfc3339(*ns)); // ....ss.nnnnnnnnnZ
    static const QRegularExpression iso(QStringLiteral(R"(^\d{4}-\d\d-\d\dT)"));
    if (!iso.match(expected).hasMatch())
        return comparableTime(expected, full);
    const qsizetype dot = expected.indexOf(QLatin1Char('.'));
    const qsizetype digits = dot < 0 ? 0 : expected.size() - dot - 2;
    return full.left(19) + (digits > 0 ? full.mid(19, digits + 1) : QString()) + QLatin1Char('Z');
}

} // namespace

class TestCorpus : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void conformance_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QStringList>("expected");
        QFile tsv(QStringLiteral(TL_CORPUS_DIR "/EXPECTED.tsv"));
        if (!tsv.open(QIODevice::ReadOnly)) {
            QTest::newRow("no corpus") << QString() << QStringList();
            return;
        }
        const QStringList lines = QString::fromUtf8(tsv.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const QStringList columns = lines[i].split(QLatin1Char('\t'));
            QTest::newRow(qPrintable(columns[0])) << columns[0] << columns;
        }
    }

    void conformance()
    {
        QFETCH(QString, file);
        QFETCH(QStringList, expected);
        if (file.isEmpty())
            QSKIP("../shared/corpus is not beside the checkout");
        // Columns: file format lines event_lines continuation_lines document_lines blank_lines events
        // spans first_time last_time levels services request_ids notes
        QTemporaryDir dir;
        ImportRequest request;
        request.storePath = dir.filePath(QStringLiteral("corpus.timberline")).toStdString();
        request.paths.push_back(QString(QStringLiteral(TL_CORPUS_DIR "/") + file).toStdString());
        QuietObserver observer;
        auto summary = runImport(request, observer);
        QVERIFY2(summary.has_value(), summary.has_value() ? "" : summary.error().message.c_str());
        auto store = SqliteStore::open(request.storePath, OpenMode::ReadOnly);
        QVERIFY(store.has_value());
        auto stats = (*store)->stats();
        QVERIFY(stats.has_value());
        QCOMPARE(stats->sources.size(), 1u);
        const SourceRow &source = stats->sources.front();
        QCOMPARE(source.status, SourceStatus::Complete);
        const LineCounts &c = source.counts;
        QCOMPARE(c.lines, c.eventLines + c.continuationLines + c.documentLines + c.blankLines);
        QCOMPARE(qint64(c.lines), expected[2].toLongLong());
        QCOMPARE(qint64(c.eventLines), expected[3].toLongLong());
        QCOMPARE(qint64(c.continuationLines), expected[4].toLongLong());
        QCOMPARE(qint64(c.documentLines), expected[5].toLongLong());
        QCOMPARE(qint64(c.blankLines), expected[6].toLongLong());
        QCOMPARE(qint64(stats->events), expected[7].toLongLong());
        QCOMPARE(qint64(c.spans), expected[8].toLongLong());
        QCOMPARE(trimmedTime(expected[9], stats->firstNs), expected[9]);
        QCOMPARE(trimmedTime(expected[10], stats->lastNs), expected[10]);

        QMap<QString, qint64> levels;
        for (int level = 0; level < LevelCount; ++level)
            if (stats->levels[static_cast<std::size_t>(level)] > 0)
                levels[QString::fromUtf8(levelName(static_cast<Level>(level)).data())] = qint64(stats->levels[static_cast<std::size_t>(level)]);
        QCOMPARE(levels, parseCounts(expected[11]));
        QMap<QString, qint64> services;
        for (const auto &[name, count] : stats->services)
            services[QString::fromStdString(name)] += qint64(count);
        QCOMPARE(services, parseCounts(expected[12]));
        QCOMPARE(qint64(stats->requestIds), expected[13].toLongLong());
    }
};

QTEST_GUILESS_MAIN(TestCorpus)
#include "tst_corpus.moc"
