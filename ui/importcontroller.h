// SPDX-License-Identifier: MIT
#pragma once

#include <QFuture>
#include <QMetaType>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QThreadPool>

#include <core/import/importer.h>

#include <atomic>
#include <cstdint>
#include <memory>

// A snapshot of a running import, safe to copy across threads.
struct ImportStatus {
    std::uint64_t bytesDone = 0;
    std::uint64_t bytesTotal = 0;
    std::uint64_t events = 0;
    double eventsPerSecond = 0;
    double elapsedSeconds = 0;
    QString currentSource;

    // Seconds left at the current byte rate; negative while unknown.
    double etaSeconds() const;
};

// How an import ended.
struct ImportResult {
    core::Outcome outcome = core::Outcome::Finished;
    std::uint64_t events = 0;
    double seconds = 0;
    QString error; ///< why it failed; empty otherwise
    QStringList problems; ///< "name: reason" for sources that were skipped or failed
    QStringList paths; ///< what was to be imported
    bool storeBusy = false; ///< failed because another import is writing the store
};

Q_DECLARE_METATYPE(ImportStatus)
Q_DECLARE_METATYPE(ImportResult)

// Runs core::runImport on a worker thread, one import at a time, and reports on the GUI thread.
class ImportController : public QObject
{
    Q_OBJECT
public:
    explicit ImportController(QObject *parent = nullptr);
    // Cancels a running import and waits for it: the store stays consistent.
    ~ImportController() override;

    // Starts importing `paths` into `storePath` (created when missing); false if an import is running.
    // With `waitForWriter`, an import another process is writing into the store is waited for
    // (waitingForWriter() says so; cancel() stops waiting) instead of failing with storeBusy.
    bool start(const QString &storePath, const QStringList &paths, bool waitForWriter = false);
    bool isRunning() const;
    QString storePath() const { return m_storePath; }
    // Blocks until the running import has returned (the finished() signal is still queued).
    void waitForFinished();

public Q_SLOTS:
    // Asks the import to stop at its next progress check; finished() reports Outcome::Cancelled.
    void cancel();

Q_SIGNALS:
    void started();
    // About ten times a second while the import runs.
    void progressChanged(const ImportStatus &status);
    // The first batch is committed: readers on their own connection see rows.
    void rowsCommitted();
    void waitingForWriter();
    void finished(const ImportResult &result);

private:
    void deliverFinished(const ImportResult &result);

    QThreadPool m_pool;
    QFuture<void> m_future;
    std::shared_ptr<std::atomic<bool>> m_cancelled; ///< read by the import thread's observer
    QString m_storePath;
    bool m_running = false;
};
