// SPDX-License-Identifier: MIT
#pragma once

#include "sqlite.h"
#include "store.h"

#include <string>
#include <unordered_map>

namespace core {

// Raw block ids pack the source and the block's first line, so the block holding a line is the
// greatest id at or below (source << 32 | line).
inline std::int64_t rawBlockId(std::int64_t sourceId, std::uint32_t line)
{
    return (sourceId << 32) | static_cast<std::int64_t>(line);
}

struct Store::Private {
    std::string path;
    sql::DbHandle db;
    bool writable = false;
    // Dictionary strings (services, level texts, statuses) by id, filled on demand.
    std::unordered_map<std::int64_t, std::string> dict;
    std::unordered_map<std::int64_t, std::pair<std::string, std::string>> sourceNames; ///< id → name, sha256
};

} // namespace core

#include "storewriter.h"

namespace core {
// The writer on the store's own connection, its statements prepared.
Result<std::unique_ptr<StoreWriter>> makeStoreWriter(sqlite3 *db);
} // namespace core
