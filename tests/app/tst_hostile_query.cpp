// SPDX-License-Identifier: MIT
// Hostile queries through the real binary: regexes that backtrack, values no index holds, match-all,
// numbers past double's range, vocabularies of a million tokens, queries past the size limits, ORs
// deeper than SQLite nests, `--` before a query, and Ctrl-C. Each asserts the exit code, the message
// and the count; the Release build also asserts time and memory (the sanitizer build is too slow).
#include <core/import/importer.h>
#include <core/query/querylimits.h>

#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <sqlite3.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <random>

#include "runtimberline.h"

namespace {

#ifdef NDEBUG
constexpr bool Release = true;
constexpr int VocabularyLines = 1'000'000;
#else
constexpr bool Release = false;
constexpr int VocabularyLines = 100'000;
#endif

class Quiet : public core::ImportObserver
{
public:
    core::ProgressAnswer progress(const core::ImportProgress &) override { return core::ProgressAnswer::Continue; }
};

bool importInProcess(const QString &store, const QString &path)
{
    core::ImportRequest request;
    request.storePath = store.toStdString();
    request.paths.push_back(path.toStdString());
    Quiet quiet;
    auto summary = core::runImport(request, quiet);
    return summary.has_value() && summary->outcome == core::Outcome::Finished;
}

// A run with the peak resident set of that process alone, in MiB (VmHWM, read until it ends). The
// children's figure of peakChildResidentMiB() starts from this process's own size at the fork, which
// the imports above make large.
Run measuredRun(const QStringList &arguments, double &peakMiB)
{
    QProcess process;
    process.start(QStringLiteral(TL_APP_PATH), arguments);
    process.waitForStarted();
    QFile status(QStringLiteral("/proc/%1/status").arg(process.processId()));
    peakMiB = 0;
    do {
        if (status.open(QIODevice::ReadOnly)) {
            for (const QByteArray &line : status.readAll().split('\n'))
                if (line.startsWith("VmHWM:"))
                    peakMiB = std::max(peakMiB, line.mid(6).trimmed().split(' ').front().toDouble() / 1024.0);
            status.close();
        }
    } while (!process.waitForFinished(5));
    return Run{process.exitCode(), process.readAllStandardOutput(), process.readAllStandardError()};
}

// As during an import: nothing is indexed yet, so every row is matched one by one.
bool forgetTheIndex(const QString &store)
{
    sqlite3 *db = nullptr;
    bool done = sqlite3_open(store.toUtf8().constData(), &db) == SQLITE_OK
        && sqlite3_exec(db, "UPDATE meta SET value = 0 WHERE key = 'indexed_through'", nullptr, nullptr, nullptr) == SQLITE_OK;
    sqlite3_close(db);
    return done;
}

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}

// `count` copies of `term` ORed, each with its number in place of any %1.
QString orOf(const QString &term, int count)
{
    QStringList terms;
    for (int i = 0; i < count; ++i)
        terms << (term.contains(QLatin1String("%1")) ? term.arg(i) : term);
    return terms.join(QStringLiteral(" or "));
}

// Whether the process catches SIGINT yet (its SigCgt mask): before that, the signal would kill it.
bool catchesSigint(qint64 pid)
{
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return false;
    for (const QByteArray &line : status.readAll().split('\n'))
        if (line.startsWith("SigCgt:"))
            return (line.mid(7).trimmed().toULongLong(nullptr, 16) >> (SIGINT - 1)) & 1;
    return false;
}

// What a run interrupted by SIGINT `delayMs` after it catches the signal gives, and how long it took
// to end after the signal.
struct Interrupted {
    bool finishedFirst = false; ///< the command was done before the signal
    int exitCode = -1;
    QByteArray err;
    qint64 afterSignalMs = 0;
};

Interrupted interruptAfter(const QStringList &arguments, int delayMs)
{
    QProcess process;
    process.setStandardOutputFile(QProcess::nullDevice());
    process.start(QStringLiteral(TL_APP_PATH), arguments);
    Interrupted result;
    if (!process.waitForStarted())
        return result;
    // A sanitizer build takes a while to get there.
    QElapsedTimer starting;
    starting.start();
    while (!catchesSigint(process.processId()) && process.state() == QProcess::Running && starting.elapsed() < 60000)
        process.waitForFinished(5);
    QThread::msleep(static_cast<unsigned long>(delayMs));
    if (process.state() != QProcess::Running || process.waitForFinished(0)) {
        result.finishedFirst = true;
        return result;
    }
    QElapsedTimer sinceSignal;
    sinceSignal.start();
    ::kill(static_cast<pid_t>(process.processId()), SIGINT);
    process.waitForFinished(60000);
    result.afterSignalMs = sinceSignal.elapsed();
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    result.err = process.readAllStandardError();
    return result;
}

} // namespace

class TestHostileQuery : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_small; ///< a few events: a backtracking bait, a 300,000-byte value, numbers
    QString m_vocabulary; ///< VocabularyLines events, each with a token of its own
    QString m_unindexed; ///< the same, its index forgotten

    Run count(const QString &store, const QString &query) { return timberline({QStringLiteral("query"), QStringLiteral("--store"), store, QStringLiteral("--count"), query}); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QByteArray small = "{\"level\":\"info\",\"event\":\"x " + QByteArray(40, 'a') + "b\"}\n";
        small += "{\"level\":\"error\",\"event\":\"big\",\"blob\":\"" + QByteArray(300'000, 'x') + "\"}\n";
        // Strings, so that only the query side reads them as numbers.
        for (const char *status : {"200", "503", "1e400", "-1e400", "ok"})
            small += QByteArray("{\"level\":\"info\",\"event\":\"http\",\"status\":\"") + status + "\"}\n";
        QVERIFY(writeFile(m_dir.filePath(QStringLiteral("small.log")), small));
        m_small = m_dir.filePath(QStringLiteral("small.tl"));
        QVERIFY(importInProcess(m_small, m_dir.filePath(QStringLiteral("small.log"))));
        QVERIFY(forgetTheIndex(m_small));

        std::mt19937_64 random(11);
        QFile vocabulary(m_dir.filePath(QStringLiteral("vocabulary.log")));
        QVERIFY(vocabulary.open(QIODevice::WriteOnly));
        QByteArray lines;
        char token[33];
        for (int i = 0; i < VocabularyLines; ++i) {
            std::snprintf(token, sizeof token, "%016llx%016llx", static_cast<unsigned long long>(random()), static_cast<unsigned long long>(random()));
            lines += "{\"timestamp\":\"2026-11-20T08:" + QByteArray::number(i / 60000 % 60).rightJustified(2, '0') + ':'
                + QByteArray::number(i / 1000 % 60).rightJustified(2, '0') + "Z\",\"level\":\"" + (i % 10 == 0 ? "error" : "info")
                + "\",\"event\":\"session opened\",\"session\":\"" + token + "\"}\n";
            if (lines.size() > (1 << 20) || i + 1 == VocabularyLines) {
                QCOMPARE(vocabulary.write(lines), lines.size());
                lines.clear();
            }
        }
        vocabulary.close();
        m_vocabulary = m_dir.filePath(QStringLiteral("vocabulary.tl"));
        QVERIFY(importInProcess(m_vocabulary, m_dir.filePath(QStringLiteral("vocabulary.log"))));
        m_unindexed = m_dir.filePath(QStringLiteral("unindexed.tl"));
        QVERIFY(QFile::copy(m_vocabulary, m_unindexed));
        QVERIFY(forgetTheIndex(m_unindexed));
    }

    // D5: patterns that take a backtracking engine 2^n steps answer at once.
    void backtrackingRegexesAnswerAtOnce()
    {
        for (const QString &query : {QStringLiteral("/(a+)+$/"), QStringLiteral("/(a|a)+$/"), QStringLiteral("/(a|aa)+$/"), QStringLiteral("event:/(a|aa)+$/")}) {
            QElapsedTimer timer;
            timer.start();
            const Run run = count(m_small, query);
            QCOMPARE(run.exitCode, 0);
            QCOMPARE(run.out, QByteArray("0\n"));
            if (Release)
                QVERIFY2(timer.elapsed() < 2000, qPrintable(query));
        }
        QCOMPARE(count(m_small, QStringLiteral("/a+b/")).out, QByteArray("1\n"));
        QCOMPARE(count(m_small, QStringLiteral("event:/(a|aa)+b/")).out, QByteArray("1\n"));
    }

    // D3: a regex over a 300,000-byte value no index holds neither overflows the stack nor crawls.
    void regexOverALongUnindexedValue()
    {
        QCOMPARE(count(m_small, QStringLiteral("blob:/x+/")).out, QByteArray("1\n"));
        QCOMPARE(count(m_small, QStringLiteral("blob:/(x+)+y/")).out, QByteArray("0\n"));
        // Free text: the blob's token, and the first event's "x".
        const Run run = count(m_small, QStringLiteral("/x+/"));
        QCOMPARE(run.exitCode, 0);
        QCOMPARE(run.out, QByteArray("2\n"));
    }

    // A regex RE2 cannot take is a bad query, pointed at.
    void unsupportedRegexIsABadQuery()
    {
        const Run run = count(m_small, QStringLiteral("x:/(a)\\1/"));
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains("expected a valid regex (invalid escape sequence: \\1) at column 3"), run.err.constData());
    }

    // D12: Lucene's match-all, and bounds past double's range as numbers.
    void matchAllAndHugeBounds()
    {
        QCOMPARE(count(m_small, QStringLiteral("*:*")).out, QByteArray("7\n"));
        QCOMPARE(count(m_small, QStringLiteral("*")).out, QByteArray("7\n"));
        QCOMPARE(count(m_small, QStringLiteral("status:[1e400 TO *]")).out, QByteArray("1\n"));
        QCOMPARE(count(m_small, QStringLiteral("status > -1e400")).out, QByteArray("3\n"));
        QCOMPARE(count(m_small, QStringLiteral("status:[* TO 1e400}")).out, QByteArray("3\n"));
        QCOMPARE(count(m_vocabulary, QStringLiteral("*:*")).out, QByteArray::number(VocabularyLines) + '\n');
    }

    // D16: a leading wildcard and a token regex over a million distinct tokens stream them.
    void vocabularyScansStayBounded()
    {
        const QByteArray everyEvent = QByteArray::number(VocabularyLines) + '\n';
        for (const QString &query : {QStringLiteral("/.+/"), QStringLiteral("*?*?*?*?*?*"), QStringLiteral("*a*"), QStringLiteral("session:*a*"), QStringLiteral("session:/.+b.+/")}) {
            QElapsedTimer timer;
            timer.start();
            double peakMiB = 0;
            const Run run = measuredRun({QStringLiteral("query"), QStringLiteral("--store"), m_vocabulary, QStringLiteral("--count"), query}, peakMiB);
            QCOMPARE(run.exitCode, 0);
            QVERIFY2(!run.out.isEmpty() && run.out.toLongLong() > 0, qPrintable(query));
            if (query == QLatin1String("/.+/") || (query.startsWith(QLatin1Char('*')) && query.contains(QLatin1Char('?'))))
                QCOMPARE(run.out, everyEvent);
            if (Release) {
                // Before: 439-499 MB and 1.1-3.1 s on this store; now about 120 MB and 0.2 s.
                QVERIFY2(peakMiB < 200, qPrintable(QStringLiteral("%1: %2 MiB").arg(query).arg(peakMiB)));
                QVERIFY2(timer.elapsed() < 5000, qPrintable(query));
            }
        }
    }

    // D17: past a limit, a bad query that says which limit and where.
    void limitsAreBadQueries()
    {
        const Run terms = count(m_small, orOf(QStringLiteral("level:error"), int(core::QueryLimits::MaxTerms) + 1));
        QCOMPARE(terms.exitCode, 2);
        QVERIFY2(terms.err.contains("the query has more than 4096 terms"), terms.err.constData());
        QVERIFY2(terms.err.contains("^"), terms.err.constData());
        QVERIFY2(terms.err.size() < 1000, "a long query is shown around the spot");
        QStringList longQuery;
        for (int i = 0; i < 70; ++i)
            longQuery << QString(4000, QLatin1Char('w'));
        const Run bytes = timberline(QStringList{QStringLiteral("query"), QStringLiteral("--store"), m_small, QStringLiteral("--count")} + longQuery);
        QCOMPARE(bytes.exitCode, 2);
        QVERIFY2(bytes.err.contains("the query is longer than 256 KiB"), bytes.err.constData());
        const Run regexes = count(m_small, orOf(QStringLiteral("/r%1/"), int(core::QueryLimits::MaxRegexes) + 1));
        QCOMPARE(regexes.exitCode, 2);
        QVERIFY2(regexes.err.contains("more than 64 regexes"), regexes.err.constData());
    }

    // D19: a thousand ORed terms count and bin without SQLite's expression limit, and no SQLite
    // message reaches the user.
    void thousandsOfOrsCountAndBin()
    {
        const QByteArray errors = QByteArray::number(VocabularyLines / 10) + '\n';
        for (const QString &term : {QStringLiteral("level:error"), QStringLiteral("level:(error or fatal%1)"), QStringLiteral("service:s%1 or level:error")}) {
            const Run run = count(m_vocabulary, orOf(term, 1000));
            QVERIFY2(run.exitCode == 0, run.err.constData());
            QCOMPARE(run.out, errors);
        }
        const Run most = count(m_vocabulary, orOf(QStringLiteral("level:error"), int(core::QueryLimits::MaxTerms)));
        QCOMPARE(most.out, errors);
        const Run histogram = timberline({QStringLiteral("histogram"), QStringLiteral("--store"), m_vocabulary, QStringLiteral("--json"),
                                          orOf(QStringLiteral("level:error"), 1000)});
        QVERIFY2(histogram.exitCode == 0, histogram.err.constData());
        QVERIFY(histogram.out.contains("\"error\":"));
        QVERIFY(!histogram.err.contains("SQL") && !histogram.err.contains("Expression"));
        // Parentheses nested past what SQLite's parser takes answer through the posting lists.
        QString nested = QStringLiteral("level:error");
        for (int i = 0; i < 60; ++i)
            nested = (i % 2 ? QStringLiteral("level:fatal or (%1)") : QStringLiteral("level:(error or fatal) and (%1)")).arg(nested);
        const Run deep = count(m_vocabulary, nested);
        QVERIFY2(deep.exitCode == 0, deep.err.constData());
        QCOMPARE(deep.out, errors);
    }

    // D19: a damaged store is named and called damaged; SQLite's own words never reach the user.
    void damagedStoreInPlainWords()
    {
        const QString damaged = m_dir.filePath(QStringLiteral("damaged.tl"));
        QVERIFY(QFile::copy(m_vocabulary, damaged));
        QFile file(damaged);
        QVERIFY(file.open(QIODevice::ReadWrite));
        const qint64 size = file.size();
        for (qint64 at = size / 3; at < size * 2 / 3; at += 7 * 4096) {
            QVERIFY(file.seek(at));
            QCOMPARE(file.write(QByteArray(4096, '\xff')), qint64(4096));
        }
        file.close();
        for (const QStringList &arguments : {QStringList{QStringLiteral("query"), QStringLiteral("--count"), QStringLiteral("*a*")},
                                             QStringList{QStringLiteral("events")},
                                             QStringList{QStringLiteral("errors"), QStringLiteral("opened")}}) {
            const Run run = timberline(QStringList{arguments.front(), QStringLiteral("--store"), damaged} + arguments.mid(1));
            QCOMPARE(run.exitCode, 1);
            QVERIFY2(run.err.contains(QByteArray(damaged.toUtf8() + ": the store is damaged")), run.err.constData());
            for (const char *sqlite : {"disk image", "step:", "prepare:", "SQL"})
                QVERIFY2(!run.err.contains(sqlite), run.err.constData());
        }
    }

    // D20: after `--`, a word starting with `--` is query text.
    void doubleDashWordsAfterTheSeparatorAreQueries()
    {
        const Run run = timberline({QStringLiteral("query"), QStringLiteral("--store"), m_small, QStringLiteral("--count"), QStringLiteral("--"),
                                    QStringLiteral("--verbose")});
        QCOMPARE(run.exitCode, 0);
        QCOMPARE(run.out, QByteArray("0\n"));
        const Run flag = timberline({QStringLiteral("query"), QStringLiteral("--store"), m_small, QStringLiteral("--"), QStringLiteral("--count")});
        QCOMPARE(flag.exitCode, 0);
        QCOMPARE(flag.out, QByteArray()); // a query for the word "count", listed: no event has it
        const Run before = timberline({QStringLiteral("query"), QStringLiteral("--store"), m_small, QStringLiteral("--verbose")});
        QCOMPARE(before.exitCode, 2);
        QVERIFY(before.err.contains("unknown option --verbose"));
    }

    // D17: Ctrl-C stops a query in core (row checks, listing, binning, error groups) within moments.
    void ctrlCStopsEveryReader_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::newRow("query --count") << QStringList{QStringLiteral("query"), QStringLiteral("--store"), m_unindexed, QStringLiteral("--count"), QStringLiteral("session:*ab*")};
        QTest::newRow("query") << QStringList{QStringLiteral("query"), QStringLiteral("--store"), m_unindexed, QStringLiteral("session:*ab*")};
        QTest::newRow("events") << QStringList{QStringLiteral("events"), QStringLiteral("--store"), m_vocabulary};
        QTest::newRow("histogram") << QStringList{QStringLiteral("histogram"), QStringLiteral("--store"), m_unindexed, QStringLiteral("session:*ab*")};
        QTest::newRow("errors") << QStringList{QStringLiteral("errors"), QStringLiteral("--store"), m_unindexed, QStringLiteral("session:*ab*")};
    }

    void ctrlCStopsEveryReader()
    {
        QFETCH(QStringList, arguments);
        const Interrupted run = interruptAfter(arguments, 100);
        // A command done before the signal proves nothing about Ctrl-C: the store is too small.
        QVERIFY2(!run.finishedFirst, "the command finished before the signal; make the store bigger");
        QCOMPARE(run.exitCode, 130);
        QCOMPARE(run.err, QByteArray("timberline: interrupted\n"));
        if (Release)
            QVERIFY2(run.afterSignalMs < 1000, qPrintable(QString::number(run.afterSignalMs)));
    }
};

QTEST_GUILESS_MAIN(TestHostileQuery)
#include "tst_hostile_query.moc"
