// SPDX-License-Identifier: MIT
#pragma once

#include "idset.h"
#include "rawblocks.h"
#include "sqlite.h"
#include "sqlitestore.h"

#include <core/query/querymatcher.h>

#include <atomic>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace core {

class TimeOrder;

// What one query on the SQLite store knows once prepared: which ids are live and indexed (an import
// may be adding a source), whether the one order is in memory, the catalogue's level paths and the
// filter's compiled regexes. Rows it reads are matched with the shared QueryMatcher, their raw lines
// parsed again only when a condition asks for fields.
class QueryContext
{
public:
    explicit QueryContext(SqliteStore::Private &store);

    Result<void> prepare(const QueryFilter &filter);

    sqlite3 *db() const;
    SqliteStore::Private &store() const { return m_store; }
    // The one order in memory, loaded on first use: counts on time, level and service never need it.
    // Null when the store has none or it is stale; a damaged one is passed over too, since every
    // query has a path without it.
    const TimeOrder *order();
    const QueryMatcher &matcher() const { return m_matcher; }
    std::int64_t indexedThrough() const { return m_indexedThrough; }
    const std::vector<std::pair<std::int64_t, std::int64_t>> &live() const
    {
        return m_live;
    } ///< [first, last] per source kept
    bool hasOrderIndex() const { return m_hasOrderIndex; }
    const std::vector<std::string> &levelPaths() const { return m_levelPaths; }

    bool isImporting(std::int64_t id) const;
    // `ids` ascending: those live and indexed.
    Ids restrictLive(Ids ids) const;
    // The count of live indexed events.
    std::uint64_t universeSize() const;
    // The dict ids each service value of the filter stands for (wildcards and regexes matched here).
    Result<QueryMatcher::ServiceIds> serviceIds(const QueryFilter &filter) const;

    // Set once interrupt() is called during this query: what its loops outside SQLite poll (SQLite's
    // own statements stop by sqlite3_interrupt).
    const std::atomic<bool> *stop() const;
    // ErrorCode::Cancelled once stop() is set.
    Result<void> checkInterrupted() const;

    Result<std::vector<EventRow>> rowsById(const Ids &ids);
    // Whether `node` of the prepared filter holds on a row read from the store.
    Result<bool> matches(const QueryFilter::Node &node, const EventRow &event);

    // Steps `statement` (its ?1 the row id) once for each of `ids`; visit(id) sees each row found.
    template<typename Visit>
    Result<void> forEachRowOf(sql::Statement &statement, const Ids &ids, Visit &&visit) const
    {
        for (const std::int64_t id : ids) {
            if (auto checked = checkInterrupted(); !checked)
                return checked;
            statement.reset();
            sql::ReadTransaction::yieldIfLong(sqlite3_db_handle(statement.handle()));
            statement.bind(1, id);
            auto row = statement.step();
            if (!row)
                return row.error();
            if (*row)
                visit(id);
        }
        return {};
    }

private:
    class EventFields;

    SqliteStore::Private &m_store;
    std::int64_t m_indexedThrough = 0;
    std::vector<std::pair<std::int64_t, std::int64_t>> m_live;
    bool m_hasOrderIndex = false;
    bool m_orderChecked = false; ///< whether order() looked at the stored order since prepare()
    std::vector<std::string> m_levelPaths; ///< catalogue paths that hold a level (level, levelname, severity, ...)
    QueryMatcher m_matcher;
    RawBlocks m_raw;
};

} // namespace core
