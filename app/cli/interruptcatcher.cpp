// SPDX-License-Identifier: MIT
#include "interruptcatcher.h"

namespace cli {

namespace {

std::atomic<bool> s_interrupted{false};

void onInterrupt(int)
{
    s_interrupted = true;
}

} // namespace

InterruptCatcher::InterruptCatcher(std::initializer_list<int> signals)
    : m_signals(signals)
{
    s_interrupted = false;
    for (const int signal : m_signals)
        std::signal(signal, onInterrupt);
}

InterruptCatcher::~InterruptCatcher()
{
    for (const int signal : m_signals)
        std::signal(signal, SIG_DFL);
}

const std::atomic<bool> &InterruptCatcher::requested()
{
    return s_interrupted;
}

} // namespace cli
