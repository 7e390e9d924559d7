// SPDX-License-Identifier: MIT
#pragma once

#include <atomic>
#include <csignal>
#include <functional>
#include <initializer_list>
#include <thread>
#include <vector>

namespace cli {

// While one lives, the given signals no longer kill the process but ask the running job to stop:
// an import keeps what it read, a query or an analysis ends with exit code 130. One lives at a time.
class InterruptCatcher
{
public:
    explicit InterruptCatcher(std::initializer_list<int> signals = {SIGINT});
    // Also calls `stop` on a thread of its own from the first caught signal on, again every
    // RepeatMs until destroyed: what stops a store's query (EventStore::interrupt), whichever call
    // of it is running by then, since an interrupt only reaches the call running at the time.
    InterruptCatcher(std::initializer_list<int> signals, std::function<void()> stop);
    // Back to the signals' default action.
    ~InterruptCatcher();
    InterruptCatcher(const InterruptCatcher &) = delete;
    InterruptCatcher &operator=(const InterruptCatcher &) = delete;

    // Set by the first caught signal; what core's cancellation flags and observers read.
    static const std::atomic<bool> &requested();

    static constexpr int RepeatMs = 20;

private:
    void watch();

    std::vector<int> m_signals;
    std::function<void()> m_stop;
    int m_wake[2] = {-1, -1}; ///< the signal handler writes to [1], the watcher reads [0]
    std::thread m_watcher;
};

} // namespace cli
