// SPDX-License-Identifier: MIT
#pragma once

#include <QMetaObject>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>

#include <core/store/eventstore.h>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>

// A read-only connection on a thread of its own: every query of the window runs here, never on the
// GUI thread. Jobs run one at a time in order; a newer request makes older results stale (generation
// id), and cancel() interrupts the statement running now.
class StoreWorker : public QObject
{
    Q_OBJECT
public:
    explicit StoreWorker(QObject *parent = nullptr);
    // Cancels, then waits: the worker's connection is closed before the object goes.
    ~StoreWorker() override;

    // Background work (a histogram, tallies) runs at a lower CPU priority than the GUI thread and the
    // table's reads; set it before the first job.
    void setBackground(bool background) { m_shared->background = background; }

    // Later jobs use a connection to `path` (opened on the worker thread); pending results go stale.
    void setStorePath(const QString &path);
    QString storePath() const { return m_path; }

    // Runs `job` on the worker with its store (null if it cannot be opened), then hands the result to
    // `deliver` on `context`'s thread, unless cancel() or setStorePath() came in between or `context` is gone.
    template<typename T>
    void run(QObject *context, std::function<T(core::EventStore *)> job, std::function<void(T)> deliver)
    {
        run<T>(context, nullptr, std::move(job), std::move(deliver));
    }

    // As run(), for one job among others on a shared worker: once `cancelled` is set the job's result is
    // dropped, and interrupt(cancelled) stops its statement without touching the other jobs.
    template<typename T>
    void run(QObject *context, std::shared_ptr<std::atomic<bool>> cancelled, std::function<T(core::EventStore *)> job,
             std::function<void(T)> deliver)
    {
        const quint64 generation = m_generation.load();
        auto shared = m_shared;
        QPointer<QObject> guard(context);
        const auto live = [shared, generation, cancelled] {
            return shared->generation.load() == generation && !(cancelled && cancelled->load());
        };
        // The future is not kept: results come back through `deliver`, cancellation through the generation.
        (void)QtConcurrent::run(&m_pool, [shared, live, guard, cancelled, job = std::move(job), deliver = std::move(deliver)] {
            if (!live())
                return;
            core::EventStore *store = shared->begin(cancelled.get());
            T result = job(store);
            shared->end();
            if (!live())
                return;
            QObject *target = guard.data();
            if (!target)
                return;
            QMetaObject::invokeMethod(
                target,
                [guard, live, deliver, result = std::move(result)]() mutable {
                    if (guard && live())
                        deliver(std::move(result));
                },
                Qt::QueuedConnection);
        });
    }

    // Whether a job submitted now has gone stale since (cancel(), setStorePath()): long jobs poll it
    // between steps. Take it just before run().
    std::function<bool()> staleness() const
    {
        return [shared = m_shared, generation = m_generation.load()] { return shared->generation.load() != generation; };
    }

    // Makes pending results stale and interrupts the running statement.
    void cancel();
    // Sets `job` (the flag given to run()) and interrupts its statement if it is the one running now.
    void interrupt(const std::shared_ptr<std::atomic<bool>> &job);
    // Blocks until queued jobs have run (tests, teardown).
    void waitForDone();

private:
    struct Shared {
        std::atomic<quint64> generation{0};
        std::atomic<bool> background{false};
        std::mutex mutex; ///< guards store and wantedPath against cancel() from the GUI thread
        std::unique_ptr<core::EventStore> store;
        std::string openPath;
        std::string wantedPath;
        const std::atomic<bool> *running = nullptr; ///< the flag of the job running now; guarded by mutex
        // Opens the wanted store if needed and notes which job uses it from now on.
        core::EventStore *begin(const std::atomic<bool> *job);
        void end();
    };

    QThreadPool m_pool;
    std::shared_ptr<Shared> m_shared;
    std::atomic<quint64> &m_generation;
    QString m_path;
};
