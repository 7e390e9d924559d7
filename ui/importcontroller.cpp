// SPDX-License-Identifier: MIT
#include "importcontroller.h"

#include "threadpriority.h"

#include <QElapsedTimer>
#include <QMetaObject>
#include <QPointer>
#include <QtConcurrent/QtConcurrentRun>

#include <atomic>
#include <memory>

double ImportStatus::etaSeconds() const
{
    if (bytesTotal == 0 || bytesDone == 0 || elapsedSeconds <= 0.5)
        return -1;
    if (bytesDone >= bytesTotal)
        return 0;
    const double rate = static_cast<double>(bytesDone) / elapsedSeconds;
    return static_cast<double>(bytesTotal - bytesDone) / rate;
}

namespace {

// Lives on the import thread. Everything it hands over is a value posted to the controller's thread; the
// QPointer keeps a late post from reaching a controller that is being torn down.
class ForwardingObserver final : public core::ImportObserver
{
public:
    ForwardingObserver(QPointer<ImportController> target, std::shared_ptr<std::atomic<bool>> cancelled)
        : m_target(std::move(target))
        , m_cancelled(std::move(cancelled))
    {
        m_throttle.start();
    }

    core::ProgressAnswer progress(const core::ImportProgress &progress) override
    {
        // Core already calls about ten times a second; the throttle keeps a faster core from flooding the
        // GUI thread with repaints nobody can read.
        if (m_throttle.hasExpired(100) || m_first) {
            m_first = false;
            m_throttle.restart();
            ImportStatus status;
            status.bytesDone = progress.bytesDone;
            status.bytesTotal = progress.bytesTotal;
            status.events = progress.events;
            status.eventsPerSecond = progress.eventsPerSecond;
            status.elapsedSeconds = progress.elapsedSeconds;
            status.currentSource = QString::fromStdString(progress.currentSource);
            post([status](ImportController *controller) { Q_EMIT controller->progressChanged(status); });
        }
        return m_cancelled->load() ? core::ProgressAnswer::Cancel : core::ProgressAnswer::Continue;
    }

    void sourceFinished(const core::SourceSummary &source) override
    {
        if (source.status == core::SourceStatus::Failed || !source.error.empty())
            m_problems.append(
                QString::fromStdString(source.name) + QLatin1String(": ") + QString::fromStdString(source.error));
    }

    void rowsCommitted() override
    {
        post([](ImportController *controller) { Q_EMIT controller->rowsCommitted(); });
    }

    void waitingForWriter() override
    {
        post([](ImportController *controller) { Q_EMIT controller->waitingForWriter(); });
    }

    QStringList problems() const { return m_problems; }

    template <typename Fn>
    void post(Fn fn)
    {
        if (!m_target)
            return;
        QPointer<ImportController> target = m_target;
        QMetaObject::invokeMethod(
            target.data(),
            [target, fn]() {
                if (target)
                    fn(target.data());
            },
            Qt::QueuedConnection);
    }

private:
    QPointer<ImportController> m_target;
    std::shared_ptr<std::atomic<bool>> m_cancelled;
    QElapsedTimer m_throttle;
    bool m_first = true;
    QStringList m_problems;
};

} // namespace

ImportController::ImportController(QObject *parent)
    : QObject(parent)
    , m_cancelled(std::make_shared<std::atomic<bool>>(false))
{
    // One import at a time: two writers on one store would only wait for each other's locks.
    m_pool.setMaxThreadCount(1);
}

ImportController::~ImportController()
{
    cancel();
    m_future.waitForFinished();
    m_pool.waitForDone();
}

bool ImportController::start(const QString &storePath, const QStringList &paths, bool waitForWriter)
{
    if (m_running)
        return false;
    m_running = true;
    m_storePath = storePath;
    // A fresh flag per import: a cancel meant for the previous one must not stop this one.
    m_cancelled = std::make_shared<std::atomic<bool>>(false);

    core::ImportRequest request;
    request.storePath = storePath.toStdString();
    for (const QString &path : paths)
        request.paths.push_back(path.toStdString());
    request.waitForWriter = waitForWriter;

    Q_EMIT started();
    // A plain task rather than promise mode: a promise-mode task cancelled before it starts never runs its
    // body, and then nothing would report the outcome. This one always runs and always posts finished().
    m_future = QtConcurrent::run(
        &m_pool, [target = QPointer<ImportController>(this), request, cancelled = m_cancelled]() {
            // The import's threads (this one, the parser, the indexer) yield the CPU to the window.
            lowerCurrentThreadPriority();
            ForwardingObserver observer(target, cancelled);
            ImportResult result;
            for (const std::string &path : request.paths)
                result.paths << QString::fromStdString(path);
            auto summary = core::runImport(request, observer);
            if (summary) {
                result.outcome = summary->outcome;
                result.events = summary->events;
                result.seconds = summary->seconds;
            } else {
                result.outcome = summary.error().code == core::ErrorCode::Cancelled ? core::Outcome::Cancelled : core::Outcome::Failed;
                result.storeBusy = summary.error().code == core::ErrorCode::Busy;
                result.error = QString::fromStdString(summary.error().message);
                if (!summary.error().source.empty())
                    result.error = QString::fromStdString(summary.error().source) + QLatin1String(": ") + result.error;
            }
            result.problems = observer.problems();
            observer.post([result](ImportController *controller) { controller->deliverFinished(result); });
        });
    return true;
}

bool ImportController::isRunning() const
{
    return m_running;
}

void ImportController::waitForFinished()
{
    m_future.waitForFinished();
}

void ImportController::cancel()
{
    m_cancelled->store(true);
}

void ImportController::deliverFinished(const ImportResult &result)
{
    m_running = false;
    Q_EMIT finished(result);
}
