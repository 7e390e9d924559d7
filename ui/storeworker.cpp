// SPDX-License-Identifier: MIT
#include "storeworker.h"

#include "threadpriority.h"

#include <core/backends/storelocation.h>

StoreWorker::StoreWorker(QObject *parent)
    : QObject(parent)
    , m_shared(std::make_shared<Shared>())
    , m_generation(m_shared->generation)
{
    // One thread, so the connection is only ever used by one thread at a time and jobs keep their order.
    m_pool.setMaxThreadCount(1);
    m_pool.setExpiryTimeout(-1);
}

StoreWorker::~StoreWorker()
{
    cancel();
    m_pool.waitForDone();
    std::lock_guard lock(m_shared->mutex);
    m_shared->store.reset();
}

void StoreWorker::setStorePath(const QString &path)
{
    m_path = path;
    {
        std::lock_guard lock(m_shared->mutex);
        m_shared->wantedPath = path.toStdString();
    }
    cancel();
}

void StoreWorker::cancel()
{
    ++m_shared->generation;
    std::lock_guard lock(m_shared->mutex);
    if (m_shared->store)
        m_shared->store->interrupt();
}

void StoreWorker::interrupt(const std::shared_ptr<std::atomic<bool>> &job)
{
    job->store(true);
    std::lock_guard lock(m_shared->mutex);
    // Another view's job may hold the connection now: it must not be stopped for this one.
    if (m_shared->store && m_shared->running == job.get())
        m_shared->store->interrupt();
}

void StoreWorker::waitForDone()
{
    m_pool.waitForDone();
}

core::EventStore *StoreWorker::Shared::begin(const std::atomic<bool> *job)
{
    if (background)
        lowerCurrentThreadPriority();
    std::lock_guard lock(mutex);
    running = job;
    if (wantedPath.empty()) {
        store.reset();
        openPath.clear();
        return nullptr;
    }
    if (!store || openPath != wantedPath) {
        store.reset();
        openPath = wantedPath;
        auto opened = core::openStore(wantedPath, core::OpenMode::ReadOnly);
        if (opened)
            store = std::move(opened.value());
    }
    return store.get();
}

void StoreWorker::Shared::end()
{
    std::lock_guard lock(mutex);
    running = nullptr;
}
