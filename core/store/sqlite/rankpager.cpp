// SPDX-License-Identifier: MIT
#include "rankpager.h"

#include "levelservicetable.h"
#include "querycontext.h"

#include <algorithm>

namespace core {

RankPager::RankPager(QueryContext &context)
    : m_context(context)
    , m_order(*context.order())
{ }

Result<std::pair<std::size_t, std::size_t>> RankPager::rankRange(const QueryBounds &bounds,
                                                                 std::optional<EventKey> after, Direction direction)
{
    std::size_t first = 0;
    std::size_t end = m_order.size();
    if (bounds.begin != INT64_MIN) {
        auto rank = m_order.firstAtOrAfter(m_context.db(), bounds.begin);
        if (!rank)
            return rank.error();
        first = *rank;
    }
    if (bounds.end != INT64_MAX) {
        auto rank = m_order.firstAtOrAfter(m_context.db(), bounds.end);
        if (!rank)
            return rank.error();
        end = *rank;
    }
    if (after) {
        const bool ascending = direction == Direction::Ascending;
        auto rank = m_order.firstAfter(m_context.db(), *after, ascending);
        if (!rank)
            return rank.error();
        if (ascending)
            first = std::max(first, *rank);
        else
            end = std::min(end, *rank);
    }
    return std::pair{first, std::max(first, end)};
}

Result<std::vector<std::size_t>> RankPager::edgeRanks(std::int64_t fromNs, std::int64_t bucketNs, std::size_t buckets,
                                                      const QueryBounds &bounds)
{
    std::vector<std::int64_t> edges;
    for (std::size_t i = 0; i <= buckets; ++i)
        edges.push_back(std::clamp(fromNs + static_cast<std::int64_t>(i) * bucketNs, bounds.begin, bounds.end));
    return m_order.firstAtOrAfter(m_context.db(), edges);
}

RankBitmap RankPager::bitmapOf(const Ids &ids, bool complement, std::size_t first, std::size_t end) const
{
    RankBitmap bits(m_order.size());
    if (complement)
        bits.setRange(first, end);
    for (const std::int64_t id : ids) {
        const std::uint32_t rank = m_order.rankOf(id);
        if (rank == TimeOrder::NoRank || rank < first || rank >= end)
            continue;
        if (complement)
            bits.reset(rank);
        else
            bits.set(rank);
    }
    return bits;
}

Result<std::vector<EventRow>> RankPager::rowsAtRanks(const std::vector<std::size_t> &ranks)
{
    Ids ids;
    ids.reserve(ranks.size());
    for (const std::size_t rank : ranks)
        ids.push_back(m_order.idAt(rank));
    return m_context.rowsById(ids);
}

std::vector<std::size_t> RankPager::walkRanks(const LevelServiceTable &table, std::size_t first, std::size_t end,
                                              std::uint64_t skip, std::size_t limit, Direction direction) const
{
    std::vector<std::size_t> ranks;
    const bool ascending = direction == Direction::Ascending;
    for (std::size_t step = 0; step < end - first && ranks.size() < limit; ++step) {
        const std::size_t rank = ascending ? first + step : end - 1 - step;
        if (!table.at(m_order, rank))
            continue;
        if (skip > 0)
            --skip;
        else
            ranks.push_back(rank);
    }
    return ranks;
}

} // namespace core
