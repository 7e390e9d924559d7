// SPDX-License-Identifier: MIT
#include "threadpriority.h"

#include <QThread>

#ifdef Q_OS_LINUX
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace {

// Nice 10 leaves such a thread about a tenth of a core that a normal one also wants (Linux CFS
// weights 1024 against 110): it still runs whenever the GUI is idle, which is most of the time.
constexpr int BackgroundNice = 10;

thread_local bool t_lowered = false;

} // namespace

void lowerCurrentThreadPriority()
{
    if (t_lowered)
        return;
    t_lowered = true;
#ifdef Q_OS_LINUX
    // Per thread on Linux: PRIO_PROCESS with a thread id sets that thread's nice value.
    (void)setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), BackgroundNice);
#else
    QThread::currentThread()->setPriority(QThread::LowPriority);
#endif
}
