// SPDX-License-Identifier: MIT
#include "interruptcatcher.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

namespace cli {

namespace {

std::atomic<bool> s_interrupted{false};
std::atomic<int> s_wakeFd{-1};

constexpr char SignalByte = 's';
constexpr char QuitByte = 'q';

void onInterrupt(int)
{
    s_interrupted = true;
    // write() is async-signal-safe: the watcher thread does the rest.
    const int fd = s_wakeFd.load();
    if (fd >= 0)
        (void)!write(fd, &SignalByte, 1);
}

} // namespace

InterruptCatcher::InterruptCatcher(std::initializer_list<int> signals)
    : InterruptCatcher(signals, {})
{ }

InterruptCatcher::InterruptCatcher(std::initializer_list<int> signals, std::function<void()> stop)
    : m_signals(signals)
    , m_stop(std::move(stop))
{
    s_interrupted = false;
    if (m_stop && pipe2(m_wake, O_CLOEXEC) == 0) {
        s_wakeFd = m_wake[1];
        m_watcher = std::thread([this] { watch(); });
    }
    for (const int signal : m_signals)
        std::signal(signal, onInterrupt);
}

InterruptCatcher::~InterruptCatcher()
{
    for (const int signal : m_signals)
        std::signal(signal, SIG_DFL);
    if (m_watcher.joinable()) {
        s_wakeFd = -1;
        (void)!write(m_wake[1], &QuitByte, 1);
        m_watcher.join();
        close(m_wake[0]);
        close(m_wake[1]);
    }
}

void InterruptCatcher::watch()
{
    // Asleep until a signal; then stop() every RepeatMs, until the quit byte.
    bool signalled = false;
    while (true) {
        pollfd wake{m_wake[0], POLLIN, 0};
        const int ready = poll(&wake, 1, signalled ? RepeatMs : -1);
        if (ready > 0) {
            char byte = 0;
            if (read(m_wake[0], &byte, 1) == 1 && byte == QuitByte)
                return;
            signalled = true;
        }
        if (signalled)
            m_stop();
    }
}

const std::atomic<bool> &InterruptCatcher::requested()
{
    return s_interrupted;
}

} // namespace cli
