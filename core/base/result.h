// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>

namespace core {

enum class ErrorCode {
    Io, ///< a file could not be opened, read or written
    Format, ///< input bytes are not what the format promised
    Binary, ///< the source holds NUL bytes in its first 64 KiB
    Archive, ///< libarchive could not read an archive or one of its members
    Store, ///< SQLite refused an operation (the message says which)
    NotAStore, ///< the file is not a Timberline store
    TooNew, ///< the store was written by a newer Timberline
    Query, ///< the query text is malformed (offset and length say where)
    Usage, ///< the caller asked for something the API does not offer
    Cancelled, ///< the observer asked to stop
    Busy, ///< another import is writing the store
};

// What went wrong and where: a source and line for input, an offset for queries.
struct Error {
    ErrorCode code = ErrorCode::Io;
    std::string message;
    std::string source;
    std::int64_t line = -1;
    std::int64_t offset = -1;
    std::int64_t length = 0;
};

// std::expected's interface, so it can become an alias once the baseline has C++23.
template<typename T>
class [[nodiscard]] Result
{
public:
    Result(T value)
        : m_state(std::in_place_index<0>, std::move(value))
    {
    }
    Result(Error error)
        : m_state(std::in_place_index<1>, std::move(error))
    {
    }

    bool has_value() const { return m_state.index() == 0; }
    explicit operator bool() const { return has_value(); }
    T &value() & { return std::get<0>(m_state); }
    const T &value() const & { return std::get<0>(m_state); }
    T &&value() && { return std::get<0>(std::move(m_state)); }
    T *operator->() { return &value(); }
    const T *operator->() const { return &value(); }
    T &operator*() { return value(); }
    const Error &error() const { return std::get<1>(m_state); }

private:
    std::variant<T, Error> m_state;
};

template<>
class [[nodiscard]] Result<void>
{
public:
    Result() = default;
    Result(Error error)
        : m_error(std::move(error))
        , m_failed(true)
    {
    }
    bool has_value() const { return !m_failed; }
    explicit operator bool() const { return !m_failed; }
    const Error &error() const { return m_error; }

private:
    Error m_error;
    bool m_failed = false;
};

inline Error makeError(ErrorCode code, std::string message)
{
    return Error{code, std::move(message), {}, -1, -1, 0};
}

// What a call stopped by its caller's cancel flag or interrupt returns.
inline Error cancelledError()
{
    return makeError(ErrorCode::Cancelled, "cancelled");
}

} // namespace core
