// SPDX-License-Identifier: MIT
#pragma once

#include "idset.h"
#include "querycontext.h"

#include <core/query/querybounds.h>

#include <optional>
#include <vector>

namespace core {

// Row by row where the posting lists do not reach: the events past meta.indexed_through (an import
// still running), and walks of the time index that test each row.
class TailScan
{
public:
    explicit TailScan(QueryContext &context);

    // The matching events past the index, within `bounds`.
    Result<std::vector<EventRow>> tailMatches(const QueryFilter &filter, const QueryBounds &bounds);
    // Walks the time index from `after`, testing each row, until `limit` match or `maxRows` were read;
    // `walkedAll` says whether the index ran out before that.
    Result<std::vector<EventRow>> walkMatches(const QueryFilter &filter, const QueryBounds &bounds,
                                              std::optional<EventKey> after, std::size_t limit, Direction direction,
                                              std::size_t maxRows, bool &walkedAll);

    // The events inside `bounds` (walked on the time index) whose ids the posting lists cover and `set`
    // matches: visit(ts) for each.
    template<typename Visit>
    Result<void> forEachIndexedMatch(const QueryBounds &bounds, const IdSet &set, Visit &&visit)
    {
        auto statement = sql::Statement::prepare(m_context.db(),
                                                 "SELECT id, ts FROM events WHERE ts >= ?1 AND ts < ?2 AND id <= ?3");
        if (!statement)
            return statement.error();
        statement->bind(1, bounds.begin).bind(2, bounds.end).bind(3, m_context.indexedThrough());
        while (true) {
            auto row = statement->step();
            if (!row)
                return row.error();
            if (!*row)
                return {};
            if (auto checked = m_context.checkInterrupted(); !checked)
                return checked;
            if (set.has(statement->integer(0)))
                visit(statement->integer(1));
        }
    }

private:
    QueryContext &m_context;
};

} // namespace core
