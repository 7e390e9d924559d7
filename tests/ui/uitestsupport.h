// SPDX-License-Identifier: MIT
#pragma once

// Small logs written at test time, and a store made from them through core, for the ui suites.

#include <QByteArray>
#include <QColor>
#include <QFile>
#include <QString>
#include <QStringList>
#include <QTest>
#include <QVariant>

#include <core/import/importer.h>

namespace uitest {

// Two services, deliberately out of time order across (and within) the files.
inline const QByteArray ApiLog
    = "{\"timestamp\":\"2025-11-10T10:30:00.123456Z\",\"level\":\"info\",\"service\":\"api\",\"msg\":\"request "
      "started\",\"request_id\":\"req-1\"}\n"
      "{\"timestamp\":\"2025-11-10T10:30:02Z\",\"level\":\"error\",\"service\":\"api\",\"msg\":\"upstream "
      "timeout\\nwhile calling db\",\"request_id\":\"req-1\"}\n"
      "{\"timestamp\":\"2025-11-10T10:30:04Z\",\"level\":\"debug\",\"service\":\"api\",\"msg\":\"cache stats\"}\n";
inline const QByteArray DbLog = "{\"timestamp\":\"2025-11-10T10:30:01Z\",\"level\":\"warn\",\"service\":\"db\",\"msg\":"
                                "\"slow query\",\"request_id\":\"req-1\"}\n"
                                "{\"timestamp\":\"2025-11-10T10:29:59.5Z\",\"level\":\"info\",\"service\":\"db\","
                                "\"msg\":\"connection pool ready\"}\n"
                                "{\"timestamp\":\"2025-11-10T10:30:03Z\",\"level\":\"info\",\"service\":\"db\",\"msg\":"
                                "\"query ok\",\"request_id\":\"req-2\"}\n";

// The six events above in the one order: time, level, service, message (first line), request id.
inline const QList<QStringList> ExpectedRows = {
    {QStringLiteral("2025-11-10 10:29:59.500000"), QStringLiteral("info"), QStringLiteral("db"),
        QStringLiteral("connection pool ready"), QString()},
    {QStringLiteral("2025-11-10 10:30:00.123456"), QStringLiteral("info"), QStringLiteral("api"),
        QStringLiteral("request started"), QStringLiteral("req-1")},
    {QStringLiteral("2025-11-10 10:30:01.000000"), QStringLiteral("warn"), QStringLiteral("db"),
        QStringLiteral("slow query"), QStringLiteral("req-1")},
    {QStringLiteral("2025-11-10 10:30:02.000000"), QStringLiteral("error"), QStringLiteral("api"),
        QStringLiteral("upstream timeout"), QStringLiteral("req-1")},
    {QStringLiteral("2025-11-10 10:30:03.000000"), QStringLiteral("info"), QStringLiteral("db"),
        QStringLiteral("query ok"), QStringLiteral("req-2")},
    {QStringLiteral("2025-11-10 10:30:04.000000"), QStringLiteral("debug"), QStringLiteral("api"),
        QStringLiteral("cache stats"), QString()},
};

inline bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(bytes) == bytes.size();
}

// `count` events a millisecond apart, "event N" in order, every seventh an error.
inline bool writeSequence(const QString &path, int count, const char *service = "gen")
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    QByteArray line;
    for (int i = 0; i < count; ++i) {
        // From 2025-11-10T00:00:00Z, one millisecond apart (a day holds 86.4 million of them).
        const int ms = i % 1000;
        const int seconds = i / 1000;
        const QByteArray time = QByteArray("2025-11-10T") + QByteArray::number(seconds / 3600).rightJustified(2, '0')
            + ':' + QByteArray::number(seconds / 60 % 60).rightJustified(2, '0') + ':'
            + QByteArray::number(seconds % 60).rightJustified(2, '0') + '.'
            + QByteArray::number(ms).rightJustified(3, '0') + 'Z';
        line = "{\"timestamp\":\"" + time + "\",\"level\":\"" + (i % 7 == 0 ? "error" : "info") + "\",\"service\":\""
            + service + "\",\"msg\":\"event " + QByteArray::number(i)
            + " with some padding so the file has bytes to read\",\"request_id\":\"req-" + QByteArray::number(i % 97)
            + "\"}\n";
        if (file.write(line) != line.size())
            return false;
    }
    return true;
}

class QuietObserver : public core::ImportObserver
{
public:
    core::ProgressAnswer progress(const core::ImportProgress &) override { return core::ProgressAnswer::Continue; }
};

// Imports `paths` into `storePath` on this thread; the outcome, or Failed with the error printed.
inline core::Outcome importInto(const QString &storePath, const QStringList &paths)
{
    core::ImportRequest request;
    request.storePath = storePath.toStdString();
    for (const QString &path : paths)
        request.paths.push_back(path.toStdString());
    QuietObserver observer;
    auto summary = core::runImport(request, observer);
    if (!summary) {
        qWarning("import failed: %s", summary.error().message.c_str());
        return core::Outcome::Failed;
    }
    return summary->outcome;
}

// Waits until an event table model has its first page and its count (both come from workers).
template<typename Model>
bool waitForCount(Model &model, int timeoutMs = 20000)
{
    return QTest::qWaitFor([&] { return model.isCountKnown() && model.isSettled(); }, timeoutMs);
}

// A cell of an event table model once its page has arrived from the page worker; asking for it is
// what sends for the page (the model reads nothing on this thread).
template<typename Model>
QVariant cell(Model &model, int row, int column, int role = Qt::DisplayRole, int timeoutMs = 20000)
{
    // On a timeout the placeholder comes back, and the comparison that follows says what was missing.
    (void)QTest::qWaitFor(
        [&] {
            if (row >= model.rowCount())
                return false;
            model.index(row, column).data(role);
            return model.isRowLoaded(row);
        },
        timeoutMs);
    return model.index(row, column).data(role);
}

inline bool isReddish(const QColor &color)
{
    return color.isValid() && color.red() > 150 && color.red() > color.green() * 3 / 2
        && color.red() > color.blue() * 3 / 2;
}

} // namespace uitest
