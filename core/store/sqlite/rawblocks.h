// SPDX-License-Identifier: MIT
#pragma once

#include "sqlite.h"

#include <core/base/result.h>
#include <core/model/event.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace core {

// Reads events' raw lines from the `raw` table's zstd blocks. The block last read stays decompressed:
// candidates checked in id order mostly share one, so a block is decompressed once, not per event.
class RawBlocks
{
public:
    explicit RawBlocks(sqlite3 *db);
    // The event's lines exactly as read, '\n' between them.
    Result<std::string> lines(const EventRow &event);

private:
    Result<void> load(std::int64_t sourceId, std::uint32_t line);

    sqlite3 *m_db;
    std::optional<sql::Statement> m_find;
    std::int64_t m_blockId = -1;
    std::uint32_t m_blockFirst = 0;
    std::string m_block;
    std::vector<std::size_t> m_lineStarts;
};

} // namespace core
