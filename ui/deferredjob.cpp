// SPDX-License-Identifier: MIT
#include "deferredjob.h"

DeferredJob::DeferredJob()
    : m_cancelled(std::make_shared<std::atomic<bool>>(false))
{
}

DeferredJob::~DeferredJob()
{
    m_cancelled->store(true);
}

std::optional<DeferredJob::Ticket> DeferredJob::start(bool visible)
{
    m_cancelled->store(true);
    m_cancelled = std::make_shared<std::atomic<bool>>(false);
    ++m_generation;
    m_stale = !visible;
    // A hidden view counts as settled: nothing it shows is waiting.
    m_settled = m_stale;
    if (m_stale)
        return std::nullopt;
    return Ticket{m_generation, m_cancelled};
}
