// SPDX-License-Identifier: MIT
#pragma once

#include "sqlite.h"
#include "sqlitestore.h"
#include "writerlock.h"

#include <atomic>
#include <memory>
#include <string>
#include <unordered_map>

namespace core {

class TimeOrder;

// Raw block ids pack the source and the block's first line, so the block holding a line is the
// greatest id at or below (source << 32 | line).
inline std::int64_t rawBlockId(std::int64_t sourceId, std::uint32_t line)
{
    return (sourceId << 32) | static_cast<std::int64_t>(line);
}

struct SqliteStore::Private {
    std::string path;
    WriterLock lock; ///< before db: closed after it
    sql::DbHandle db;
    bool writable = false;
    // Dictionary strings (services, level texts, statuses) by id, filled on demand.
    std::unordered_map<std::int64_t, std::string> dict;
    std::unordered_map<std::int64_t, std::pair<std::string, std::string>> sourceNames; ///< id → name, sha256
    std::shared_ptr<const TimeOrder> order; ///< the one order in memory, when the store holds a current one
    // Set by interrupt() from any thread; the loops of a query that run outside SQLite read it (QueryContext).
    std::atomic<bool> interrupted{false};
};

} // namespace core

#include "storewriter.h"

namespace core {
// A query's answer as its user reads it: a failure of SQLite in plain words, naming the store's file
// (sql::readError), never SQLite's own message.
template<typename T>
Result<T> answered(const SqliteStore::Private &d, Result<T> result)
{
    if (!result)
        return sql::readError(result.error(), d.path);
    return result;
}
// The columns readEvents expects, in its order.
extern const char *const EventColumns;
// The `dict` table: service names, level texts and span statuses by id.
Result<std::unordered_map<std::int64_t, std::string>> readDictionary(sqlite3 *db);
// Reads the rows of a statement selecting EventColumns.
Result<std::vector<EventRow>> readEvents(SqliteStore::Private &d, sql::Statement &statement);
// Parses an event's raw lines again; the record it came from (its fields live in `batch`), or null.
const Record *reparseEvent(std::string_view raw, const EventRow &event, RecordBatch &batch);
// The writer on the store's own connection, its statements prepared.
Result<std::unique_ptr<StoreWriter>> makeStoreWriter(sqlite3 *db, const std::string &path);
} // namespace core
