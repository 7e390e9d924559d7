// SPDX-License-Identifier: MIT
#pragma once

#include "sourcereader.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <iterator>
#include <optional>
#include <string>
#include <utility>

// The ByteStreams the source reader wraps a source in: UTF-16 decoded to UTF-8, lines cut at
// MaxLineBytes, and a source read against its file's decompression budget. Only sourcereader.cpp
// uses them; they live here so that file reads as the walk over folders and archives it is.
namespace core::sourcestreams {

// How much a stream reads from its source at a time.
inline constexpr std::size_t kChunkBytes = 1024 * 1024;

// UTF-16 (BOM already skipped) decoded to UTF-8 chunk by chunk, so a large file is never held whole.
class Utf16Stream final : public ByteStream
{
public:
    Utf16Stream(ByteStream &raw, bool bigEndian)
        : m_raw(raw)
        , m_bigEndian(bigEndian)
    { }

    Result<std::size_t> read(char *buffer, std::size_t capacity) override
    {
        std::size_t done = 0;
        while (done < capacity) {
            if (m_outPos < m_out.size()) {
                const std::size_t n = std::min(capacity - done, m_out.size() - m_outPos);
                std::memcpy(buffer + done, m_out.data() + m_outPos, n);
                m_outPos += n;
                done += n;
                continue;
            }
            if (m_end || m_error)
                break;
            refill();
        }
        if (done == 0 && m_error)
            return *m_error;
        return done;
    }

private:
    void refill()
    {
        m_out.clear();
        m_outPos = 0;
        m_in.resize(kChunkBytes);
        auto got = m_raw.read(m_in.data(), m_in.size());
        if (!got) {
            m_error = got.error();
            return;
        }
        if (*got == 0) {
            m_end = true;
            // A dangling half of a code unit or of a surrogate pair cannot be decoded.
            if (m_carry >= 0 || m_highSurrogate != 0)
                appendCodePoint(0xFFFD);
            return;
        }
        m_out.reserve(*got * 3 / 2 + 8);
        for (std::size_t i = 0; i < *got; ++i) {
            const auto byte = static_cast<unsigned char>(m_in[i]);
            if (m_carry < 0) {
                m_carry = byte;
                continue;
            }
            const auto first = static_cast<char32_t>(m_carry);
            m_carry = -1;
            decodeUnit(m_bigEndian ? (first << 8) | byte : (static_cast<char32_t>(byte) << 8) | first);
        }
    }

    void decodeUnit(char32_t unit)
    {
        if (m_highSurrogate != 0) {
            const char32_t high = m_highSurrogate;
            m_highSurrogate = 0;
            if (unit >= 0xDC00 && unit <= 0xDFFF) {
                appendCodePoint(0x10000 + ((high - 0xD800) << 10) + (unit - 0xDC00));
                return;
            }
            appendCodePoint(0xFFFD);
        }
        if (unit >= 0xD800 && unit <= 0xDBFF)
            m_highSurrogate = unit;
        else if (unit >= 0xDC00 && unit <= 0xDFFF)
            appendCodePoint(0xFFFD);
        else
            appendCodePoint(unit);
    }

    void appendCodePoint(char32_t cp)
    {
        if (cp < 0x80) {
            m_out.push_back(static_cast<char>(cp));
        } else if (cp < 0x800) {
            m_out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
            m_out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        } else if (cp < 0x10000) {
            m_out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
            m_out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
            m_out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        } else {
            m_out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
            m_out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
            m_out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
            m_out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        }
    }

    ByteStream &m_raw;
    bool m_bigEndian;
    std::string m_in;
    std::string m_out;
    std::size_t m_outPos = 0;
    int m_carry = -1; // the first byte of a code unit split across chunks
    char32_t m_highSurrogate = 0;
    std::optional<Error> m_error;
    bool m_end = false;
};

// Every line cut at MaxLineBytes: the rest of a longer line, up to its '\n', is read and dropped, so
// a line without a newline costs bounded memory however long it is (a 1 GiB one took 5 GB). The
// bytes are compacted in the caller's buffer, in place.
class LineCapStream final : public ByteStream
{
public:
    explicit LineCapStream(ByteStream &inner)
        : m_inner(inner)
    { }

    Result<std::size_t> read(char *buffer, std::size_t capacity) override
    {
        while (true) {
            auto got = m_inner.read(buffer, capacity);
            if (!got || *got == 0)
                return got;
            std::size_t kept = 0;
            std::size_t pos = 0;
            while (pos < *got) {
                const void *newline = std::memchr(buffer + pos, '\n', *got - pos);
                const std::size_t end
                    = newline ? static_cast<std::size_t>(static_cast<const char *>(newline) - buffer) : *got;
                const std::size_t content = end - pos;
                const std::size_t room = m_lineBytes < MaxLineBytes ? MaxLineBytes - m_lineBytes : 0;
                const std::size_t keep = std::min(content, room);
                std::memmove(buffer + kept, buffer + pos, keep);
                kept += keep;
                m_lineBytes += content;
                pos = end;
                if (newline) {
                    buffer[kept++] = '\n';
                    m_lineBytes = 0;
                    ++pos;
                }
            }
            if (kept > 0)
                return kept; // a read that was all dropped bytes reads on: 0 would mean the end
        }
    }

private:
    ByteStream &m_inner;
    std::uint64_t m_lineBytes = 0; ///< bytes of the current line so far, dropped ones included
};

inline std::string humanBytes(std::uint64_t bytes)
{
    static constexpr const char *units[] = {"bytes", "KiB", "MiB", "GiB", "TiB"};
    double value = static_cast<double>(bytes);
    std::size_t unit = 0;
    while (value >= 1024 && unit + 1 < std::size(units)) {
        value /= 1024;
        ++unit;
    }
    char text[32];
    std::snprintf(text, sizeof text, unit == 0 ? "%.0f %s" : "%.1f %s", value, units[unit]);
    return text;
}

// What the sources of one file on disk have decompressed to, against DecompressionLimits.
class DecompressionBudget
{
public:
    void start(const DecompressionLimits &limits, const std::string &diskName, std::int64_t diskSize)
    {
        const auto size = static_cast<std::uint64_t>(std::max<std::int64_t>(diskSize, 0));
        const std::uint64_t byRatio = size > UINT64_MAX / limits.ratio ? UINT64_MAX : size * limits.ratio;
        m_limit = std::min(std::max(limits.minimumBytes, byRatio), limits.totalBytes);
        m_used = 0;
        m_exhausted.reset();
        std::string why = byRatio >= limits.totalBytes
            ? "the limit of " + humanBytes(limits.totalBytes) + " from one file"
            : byRatio > limits.minimumBytes
            ? std::to_string(limits.ratio) + " times the " + humanBytes(size) + " of " + diskName
            : "the " + humanBytes(limits.minimumBytes) + " any compressed file may give, more than "
                + std::to_string(limits.ratio) + " times its " + humanBytes(size);
        m_reason = "stopped after " + humanBytes(m_limit) + " decompressed: " + why
            + " (the decompressed-size limit, docs/LIMITS.md)";
    }

    // How many of `wanted` more bytes may still be read.
    std::uint64_t allow(std::uint64_t wanted)
    {
        const std::uint64_t left = m_limit - m_used;
        const std::uint64_t granted = std::min(wanted, left);
        m_used += granted;
        if (granted < wanted)
            m_exhausted = m_reason;
        return granted;
    }

    const std::optional<std::string> &exhausted() const { return m_exhausted; }

private:
    std::uint64_t m_limit = UINT64_MAX;
    std::uint64_t m_used = 0;
    std::string m_reason;
    std::optional<std::string> m_exhausted;
};

// A source from inside a compressed or archived file, read against its file's budget: past it, the
// source ends with an error that names the limit.
class BudgetStream final : public ByteStream
{
public:
    BudgetStream(ByteStream &inner, DecompressionBudget &budget, std::string name)
        : m_inner(inner)
        , m_budget(budget)
        , m_name(std::move(name))
    { }

    Result<std::size_t> read(char *buffer, std::size_t capacity) override
    {
        if (m_budget.exhausted())
            return limitError();
        auto got = m_inner.read(buffer, capacity);
        if (!got || *got == 0)
            return got;
        const auto granted = static_cast<std::size_t>(m_budget.allow(*got));
        if (granted == 0)
            return limitError();
        return granted;
    }

private:
    Error limitError() const
    {
        Error error = makeError(ErrorCode::Archive, m_name + ": " + *m_budget.exhausted());
        error.source = m_name;
        return error;
    }

    ByteStream &m_inner;
    DecompressionBudget &m_budget;
    std::string m_name;
};

} // namespace core::sourcestreams
