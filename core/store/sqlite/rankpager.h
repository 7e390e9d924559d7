// SPDX-License-Identifier: MIT
#pragma once

#include "idset.h"
#include "timeorder.h"

#include <core/query/querybounds.h>

#include <optional>
#include <utility>
#include <vector>

namespace core {

class QueryContext;
struct LevelServiceTable;

// Pages, counts and bins over the one order in memory: id sets become bitmaps over its ranks, so a
// page reads no row but the ones it returns. The context's order() must be loaded.
class RankPager
{
public:
    explicit RankPager(QueryContext &context);

    // The ranks [first, end) inside `bounds`, narrowed to those after `after` (before it, descending).
    Result<std::pair<std::size_t, std::size_t>> rankRange(const QueryBounds &bounds, std::optional<EventKey> after,
                                                          Direction direction);
    // The members of `ids` (or, complement, every rank but those) among [first, end).
    RankBitmap bitmapOf(const Ids &ids, bool complement, std::size_t first, std::size_t end) const;
    // The ranks of the edges of `buckets` intervals of `bucketNs` from `fromNs`, each clamped to `bounds`.
    Result<std::vector<std::size_t>> edgeRanks(std::int64_t fromNs, std::int64_t bucketNs, std::size_t buckets,
                                               const QueryBounds &bounds);
    // The events at `ranks`, in the order given.
    Result<std::vector<EventRow>> rowsAtRanks(const std::vector<std::size_t> &ranks);
    // The ranks in [first, end) the table accepts: `skip` of them passed over, then up to `limit`,
    // going up from `first` (or down from `end`).
    std::vector<std::size_t> walkRanks(const LevelServiceTable &table, std::size_t first, std::size_t end,
                                       std::uint64_t skip, std::size_t limit, Direction direction) const;

private:
    QueryContext &m_context;
    const TimeOrder &m_order;
};

} // namespace core
