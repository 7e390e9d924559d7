// SPDX-License-Identifier: MIT
#pragma once

#include <core/base/result.h>

#include <string>

namespace core {

// Who writes a store: one import at a time, recognised by any process. It is an open-file-description
// lock on one byte of the store file that SQLite never locks, so the kernel drops it when its holder
// dies however it dies (kill -9, a crash, power loss): a source still `importing` while nobody holds
// it was interrupted. The descriptor must stay open as long as SQLite's connection to the same file
// (closing any descriptor of a file drops the process's POSIX locks on it, SQLite's included), so a
// store's connection owns one.
class WriterLock
{
public:
    WriterLock() = default;
    ~WriterLock();
    WriterLock(const WriterLock &) = delete;
    WriterLock &operator=(const WriterLock &) = delete;
    WriterLock(WriterLock &&other) noexcept;
    WriterLock &operator=(WriterLock &&other) noexcept;

    // Opens the store file (it must exist) without locking it; only a `writable` one can be acquired
    // (the kernel grants write locks to descriptors open for writing).
    static Result<WriterLock> open(const std::string &path, bool writable);

    // Takes the lock for this connection; ErrorCode::Busy when another open description holds it.
    Result<void> acquire();
    void release();
    bool held() const { return m_held; }
    // Whether some other open description of the file holds the lock: an import is writing now.
    bool heldElsewhere() const;

private:
    explicit WriterLock(int fd, std::string path);
    int m_fd = -1;
    bool m_held = false;
    std::string m_path;
};

} // namespace core
