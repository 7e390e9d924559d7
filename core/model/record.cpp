// SPDX-License-Identifier: MIT
#include "record.h"

#include <algorithm>
#include <cstring>

namespace core {

namespace {
// Chunks double from the first to the largest: a batch of one re-parsed event (a query checking a
// candidate) should not allocate and clear the megabyte an import's batch of thousands fills.
constexpr std::size_t FirstChunkSize = 4096;
constexpr std::size_t ChunkSize = 1 << 20;
}

std::string_view levelName(Level level)
{
    switch (level) {
    case Level::Trace:
        return "trace";
    case Level::Debug:
        return "debug";
    case Level::Info:
        return "info";
    case Level::Warn:
        return "warn";
    case Level::Error:
        return "error";
    case Level::Fatal:
        return "fatal";
    case Level::Unknown:
        break;
    }
    return "unknown";
}

std::string_view RecordBatch::keep(std::string_view text)
{
    if (text.empty())
        return {};
    // A chunk is never reallocated once handed out, so earlier views stay valid.
    if (m_chunks.empty() || m_chunkUsed + text.size() > m_chunks.back().size()) {
        const std::size_t next = m_chunks.empty() ? FirstChunkSize : std::min(ChunkSize, 2 * m_chunks.back().size());
        m_chunks.emplace_back(std::max(next, text.size()), '\0');
        m_chunkUsed = 0;
    }
    char *destination = m_chunks.back().data() + m_chunkUsed;
    std::memcpy(destination, text.data(), text.size());
    m_chunkUsed += text.size();
    m_used += text.size();
    return {destination, text.size()};
}

void RecordBatch::addField(std::string_view path, std::string_view value, FieldType type)
{
    Record &record = records.back();
    if (record.fieldCount == 0)
        record.fieldBegin = static_cast<std::uint32_t>(fields.size());
    fields.push_back(Field{keep(path), keep(value), type});
    ++record.fieldCount;
}

std::vector<Field> RecordBatch::fieldsOf(const Record &record) const
{
    const auto begin = fields.begin() + record.fieldBegin;
    return {begin, begin + record.fieldCount};
}

void RecordBatch::clear()
{
    records.clear();
    fields.clear();
    // Keep the largest chunk to avoid reallocating on every batch.
    if (m_chunks.size() > 1) {
        std::swap(m_chunks.front(), m_chunks.back());
        m_chunks.resize(1);
    }
    m_chunkUsed = 0;
    m_used = 0;
}

} // namespace core
