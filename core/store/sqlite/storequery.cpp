// SPDX-License-Identifier: MIT
// SqliteStore's query methods: thin doors onto the QueryEngine, which owns the evaluation.
#include "queryengine.h"
#include "storeprivate.h"

#include <core/query/queryfilter.h>

namespace core {

Result<std::uint64_t> SqliteStore::count(const QueryFilter &filter)
{
    sql::ReadTransaction transaction(d->db.get());
    return answered(*d, QueryEngine(*this, *d).count(filter));
}

Result<std::vector<EventRow>> SqliteStore::events(const QueryFilter &filter, std::optional<EventKey> after,
                                                  std::size_t limit, Direction direction)
{
    sql::ReadTransaction transaction(d->db.get());
    return answered(*d, QueryEngine(*this, *d).events(filter, after, limit, direction));
}

Result<std::vector<EventRow>> SqliteStore::eventsAt(std::uint64_t position, std::size_t limit, Direction direction)
{
    return eventsAt(QueryFilter{}, position, limit, direction);
}

Result<std::vector<EventRow>> SqliteStore::eventsAt(const QueryFilter &filter, std::uint64_t position,
                                                    std::size_t limit, Direction direction)
{
    sql::ReadTransaction transaction(d->db.get());
    return answered(*d, QueryEngine(*this, *d).eventsAt(filter, position, limit, direction));
}

Result<std::optional<std::int64_t>> SqliteStore::timeAnchor()
{
    sql::ReadTransaction transaction(d->db.get());
    return answered(*d, QueryEngine(*this, *d).timeAnchor());
}

} // namespace core
