// SPDX-License-Identifier: MIT
#pragma once

#include <atomic>
#include <csignal>
#include <initializer_list>
#include <vector>

namespace cli {

// While one lives, the given signals no longer kill the process but ask the running job to stop:
// an import keeps what it read, an analysis ends with exit code 130.
class InterruptCatcher
{
public:
    explicit InterruptCatcher(std::initializer_list<int> signals = {SIGINT});
    // Back to the signals' default action.
    ~InterruptCatcher();
    InterruptCatcher(const InterruptCatcher &) = delete;
    InterruptCatcher &operator=(const InterruptCatcher &) = delete;

    // Set by the first caught signal; what core's cancellation flags and observers read.
    static const std::atomic<bool> &requested();

private:
    std::vector<int> m_signals;
};

} // namespace cli
