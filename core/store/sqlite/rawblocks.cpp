// SPDX-License-Identifier: MIT
#include "rawblocks.h"

#include "storeprivate.h"

#include <algorithm>

namespace core {

RawBlocks::RawBlocks(sqlite3 *db)
    : m_db(db)
{ }

static Error noRawLines(std::uint32_t line)
{
    return makeError(ErrorCode::Store, "no raw lines stored for line " + std::to_string(line));
}

Result<void> RawBlocks::load(std::int64_t sourceId, std::uint32_t line)
{
    if (!m_find) {
        auto statement = sql::Statement::prepare(
            m_db, "SELECT id, line_count, data FROM raw WHERE id <= ?1 AND id >= ?2 ORDER BY id DESC LIMIT 1");
        if (!statement)
            return statement.error();
        m_find.emplace(std::move(statement.value()));
    }
    m_find->reset();
    m_find->bind(1, rawBlockId(sourceId, line)).bind(2, rawBlockId(sourceId, 0));
    auto row = m_find->step();
    if (!row)
        return row.error();
    if (!*row)
        return noRawLines(line);
    auto decompressed = decompressRaw(m_find->view(2));
    if (!decompressed)
        return decompressed.error();
    m_blockId = m_find->integer(0);
    m_blockFirst = static_cast<std::uint32_t>(m_blockId & 0xFFFFFFFF);
    m_block = std::move(decompressed.value());
    // The stored line count decides, so that a last line without '\n' (or an empty one) still counts.
    const auto count = static_cast<std::size_t>(std::max<std::int64_t>(m_find->integer(1), 0));
    m_lineStarts.clear();
    for (std::size_t start = 0; m_lineStarts.size() < count;) {
        m_lineStarts.push_back(start);
        const std::size_t end = m_block.find('\n', start);
        start = end == std::string::npos ? m_block.size() : end + 1;
    }
    if (line < m_blockFirst || line - m_blockFirst >= m_lineStarts.size())
        return noRawLines(line);
    return {};
}

Result<std::string> RawBlocks::lines(const EventRow &event)
{
    std::string text;
    std::uint32_t line = event.key.line;
    const std::uint32_t endLine = event.key.line + std::max<std::uint32_t>(event.lineCount, 1);
    while (line < endLine) {
        const bool cached = m_blockId >= 0 && (m_blockId >> 32) == event.key.sourceId && line >= m_blockFirst
            && line - m_blockFirst < m_lineStarts.size();
        if (!cached)
            if (auto loaded = load(event.key.sourceId, line); !loaded)
                return loaded.error();
        while (line < endLine && line - m_blockFirst < m_lineStarts.size()) {
            const std::size_t start = m_lineStarts[line - m_blockFirst];
            const std::size_t end = std::min(m_block.find('\n', start), m_block.size());
            if (!text.empty())
                text.push_back('\n');
            text.append(m_block, start, end - start);
            ++line;
        }
    }
    return text;
}

} // namespace core
