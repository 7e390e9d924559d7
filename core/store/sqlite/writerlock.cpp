// SPDX-License-Identifier: MIT
#include "writerlock.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace core {

namespace {

// SQLite's unix locks sit at 1 GiB: the pending byte, the reserved byte and 510 shared bytes after
// them. This byte is past those, so the two kinds of lock never meet.
constexpr off_t WriterByte = 0x40000000 + 1024;

flock writerRange(short type)
{
    flock range = {};
    range.l_type = type;
    range.l_whence = SEEK_SET;
    range.l_start = WriterByte;
    range.l_len = 1;
    range.l_pid = 0; // open-file-description locks require 0
    return range;
}

} // namespace

WriterLock::WriterLock(int fd, std::string path)
    : m_fd(fd)
    , m_path(std::move(path))
{ }

WriterLock::~WriterLock()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

WriterLock::WriterLock(WriterLock &&other) noexcept
    : m_fd(std::exchange(other.m_fd, -1))
    , m_held(std::exchange(other.m_held, false))
    , m_path(std::move(other.m_path))
{ }

WriterLock &WriterLock::operator=(WriterLock &&other) noexcept
{
    if (this != &other) {
        if (m_fd >= 0)
            ::close(m_fd);
        m_fd = std::exchange(other.m_fd, -1);
        m_held = std::exchange(other.m_held, false);
        m_path = std::move(other.m_path);
    }
    return *this;
}

Result<WriterLock> WriterLock::open(const std::string &path, bool writable)
{
    const int fd = ::open(path.c_str(), (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC);
    if (fd < 0)
        return makeError(ErrorCode::Io, path + ": " + std::strerror(errno));
    return WriterLock(fd, path);
}

Result<void> WriterLock::acquire()
{
    if (m_held)
        return {};
    flock range = writerRange(F_WRLCK);
    if (::fcntl(m_fd, F_OFD_SETLK, &range) == 0) {
        m_held = true;
        return {};
    }
    if (errno == EAGAIN || errno == EACCES || errno == EINTR)
        return makeError(ErrorCode::Busy, "another import is writing " + m_path);
    return makeError(ErrorCode::Io, m_path + ": locking the store for writing: " + std::strerror(errno));
}

void WriterLock::release()
{
    if (!m_held)
        return;
    flock range = writerRange(F_UNLCK);
    (void)::fcntl(m_fd, F_OFD_SETLK, &range);
    m_held = false;
}

bool WriterLock::heldElsewhere() const
{
    if (m_held || m_fd < 0)
        return false;
    flock range = writerRange(F_RDLCK);
    if (::fcntl(m_fd, F_OFD_GETLK, &range) != 0)
        return false;
    return range.l_type != F_UNLCK;
}

} // namespace core
