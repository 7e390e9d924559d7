// SPDX-License-Identifier: MIT
#pragma once

#include <QtGlobal>

#include <atomic>
#include <memory>
#include <optional>

// The bookkeeping of a view that recomputes on a worker when the shared state changes: a newer
// request cancels the older one (its flag is set, its late results are dropped by generation), and a
// hidden view computes nothing until it is shown.
class DeferredJob
{
public:
    struct Ticket {
        quint64 generation = 0;
        std::shared_ptr<std::atomic<bool>> cancelled; ///< the job polls it
    };

    DeferredJob();
    ~DeferredJob();
    DeferredJob(const DeferredJob &) = delete;
    DeferredJob &operator=(const DeferredJob &) = delete;

    // A new request: cancels the running job. Nothing when the view is hidden: stale() until shown.
    std::optional<Ticket> start(bool visible);
    bool isCurrent(quint64 generation) const { return generation == m_generation; }
    // The current job delivered.
    void finish() { m_settled = true; }
    bool settled() const { return m_settled; }
    bool stale() const { return m_stale; }

private:
    quint64 m_generation = 0;
    std::shared_ptr<std::atomic<bool>> m_cancelled;
    bool m_settled = true;
    bool m_stale = false;
};
