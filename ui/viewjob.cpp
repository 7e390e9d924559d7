// SPDX-License-Identifier: MIT
#include "viewjob.h"

#include <QEvent>
#include <QWidget>

ViewJobBase::ViewJobBase(StoreWorker *worker, QObject *parent)
    : QObject(parent)
    , m_worker(worker)
{
}

ViewJobBase::~ViewJobBase()
{
    cancel();
}

void ViewJobBase::deferWhileHidden(QWidget *view, std::function<void()> refresh)
{
    m_view = view;
    m_refresh = std::move(refresh);
    view->installEventFilter(this);
}

void ViewJobBase::cancel()
{
    if (m_ticket.cancelled) {
        // The worker may be shared: only this job's statement is interrupted.
        if (m_worker)
            m_worker->interrupt(m_ticket.cancelled);
        else
            m_ticket.cancelled->store(true);
    }
    ++m_ticket.generation;
    m_settled = true;
    m_stale = false;
}

std::optional<ViewJobBase::Ticket> ViewJobBase::begin()
{
    cancel();
    m_ticket.cancelled = std::make_shared<std::atomic<bool>>(false);
    // Closed or behind another tab, the work is for nobody: it runs when the view shows.
    m_stale = m_view && !m_view->isVisible();
    // A hidden view counts as settled: nothing it shows is waiting.
    m_settled = m_stale;
    if (m_stale)
        return std::nullopt;
    return m_ticket;
}

bool ViewJobBase::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_view && event->type() == QEvent::Show && m_stale && m_refresh)
        m_refresh();
    return QObject::eventFilter(watched, event);
}
