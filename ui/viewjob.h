// SPDX-License-Identifier: MIT
#pragma once

#include "storeworker.h"

#include <QObject>
#include <QPointer>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <utility>

class QWidget;

// What ViewJob<T> keeps whatever its result type: the generation, the running job's flag, whether the
// view waits for a result, and the deferral of a hidden view.
class ViewJobBase : public QObject
{
    Q_OBJECT
public:
    // Cancels the running job: nobody is left to show its result.
    ~ViewJobBase() override;

    StoreWorker *worker() const { return m_worker; }
    // From now on a start() while `view` is hidden computes nothing and marks the job stale; `refresh`
    // (the view's own) runs when the view is shown, with the state as it is then.
    void deferWhileHidden(QWidget *view, std::function<void()> refresh);
    // The latest job has delivered its final result, or none is awaited (cancelled, or waiting to be shown).
    bool isSettled() const { return m_settled; }
    bool isStale() const { return m_stale; }
    // Stops the running job (its statement is interrupted) and drops whatever it still delivers.
    void cancel();

protected:
    struct Ticket {
        quint64 generation = 0;
        std::shared_ptr<std::atomic<bool>> cancelled; ///< the job polls it; the worker checks it
    };

    ViewJobBase(StoreWorker *worker, QObject *parent);
    // A newer job: cancels the older one. Nothing when deferred.
    std::optional<Ticket> begin();
    bool isCurrent(quint64 generation) const { return generation == m_ticket.generation; }
    void finish() { m_settled = true; }
    const Ticket &ticket() const { return m_ticket; }
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    QPointer<StoreWorker> m_worker; ///< shared with other views; may go first at teardown
    Ticket m_ticket;
    QWidget *m_view = nullptr; ///< set when hidden views defer
    std::function<void()> m_refresh;
    bool m_settled = true;
    bool m_stale = false;
};

// A view's one recompute at a time on a (shared) StoreWorker, like hotspot's JobTracker: start() cancels
// the older job and interrupts its statement, late results of older jobs are dropped, and the view
// knows whether it is settled. A job may hand over partial results; the view stays unsettled until the
// final one.
template<typename T>
class ViewJob : public ViewJobBase
{
public:
    // What a running job sees besides the store.
    class Control
    {
    public:
        bool cancelled() const { return m_ticket.cancelled->load(); }
        // For core calls that poll a flag.
        const std::atomic<bool> *flag() const { return m_ticket.cancelled.get(); }
        // Hands an intermediate result to the view; the view stays unsettled.
        void partial(T value) const
        {
            if (!m_job)
                return;
            QMetaObject::invokeMethod(
                m_job.data(),
                [job = m_job, generation = m_ticket.generation, value = std::move(value)]() mutable {
                    if (job && job->isCurrent(generation) && !job->isSettled())
                        job->m_deliver(std::move(value));
                },
                Qt::QueuedConnection);
        }

    private:
        friend class ViewJob;
        Control(QPointer<ViewJob> job, Ticket ticket)
            : m_job(std::move(job))
            , m_ticket(std::move(ticket))
        {
        }
        QPointer<ViewJob> m_job;
        Ticket m_ticket;
    };

    using Job = std::function<T(core::EventStore *, const Control &)>;
    using Deliver = std::function<void(T)>;

    // `parent` is the view: its results go with it.
    ViewJob(StoreWorker *worker, QObject *parent)
        : ViewJobBase(worker, parent)
    {
    }

    // Runs `job` on the worker and hands its result to `deliver` on the GUI thread, isSettled() already true.
    void start(Job job, Deliver deliver)
    {
        const auto ticket = begin();
        if (!ticket || !worker())
            return;
        m_deliver = std::move(deliver);
        const Control control(QPointer<ViewJob>(this), *ticket);
        worker()->template run<T>(
            this, ticket->cancelled, [job = std::move(job), control](core::EventStore *store) { return job(store, control); },
            [this, generation = ticket->generation](T result) {
                if (!isCurrent(generation))
                    return;
                finish();
                m_deliver(std::move(result));
            });
    }

    // A further job for the current result (a drill-down such as counting one field): dropped with the
    // current job by the next start() or cancel(), without making the view wait for it.
    template<typename U>
    void runAlongside(std::function<U(core::EventStore *)> job, std::function<void(U)> deliver)
    {
        if (worker() && ticket().cancelled)
            worker()->template run<U>(this, ticket().cancelled, std::move(job), std::move(deliver));
    }

private:
    Deliver m_deliver; ///< the current job's
};
