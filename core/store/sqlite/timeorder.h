// SPDX-License-Identifier: MIT
#pragma once

#include "sqlitestore.h"

#include <core/base/result.h>

#include <bit>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

struct sqlite3;

namespace core {

// The one order (time, source, line, index) held in memory: the row id at each rank and the rank of
// each row id, with the time of every SampleEvery-th rank and each rank's level and service. With it
// a posting list becomes ranks without reading a row: the first page of a sparse query is a
// selection over its ids, a page at any position is an index into an array, a histogram is the ranks
// binned by the ranks of the bucket edges, and conditions on level and service are tested on arrays.
// An import builds it when it finishes (one pass over the covering `events_order` index) and stores
// it in `event_order`; every connection of the process shares one copy of each stored order.
class TimeOrder
{
public:
    static constexpr std::uint32_t NoRank = UINT32_MAX;
    static constexpr std::size_t BlockRanks = 65536;
    static constexpr std::size_t SampleEvery = 64;

    // Replaces the stored order with the order of the events now in the store; a no-op without the
    // events_order index (it is built first), with row ids past 32 bits or service ids past 16 bits.
    // Runs in the caller's transaction.
    static Result<void> rebuild(sqlite3 *db);
    // The stored order, when it holds exactly the events through `indexedThrough` (`events` of them);
    // null when there is none or it is stale (an import is adding events). Loaded once per process:
    // `held` (what this connection had) or another connection's copy is returned when still current.
    static Result<std::shared_ptr<const TimeOrder>> load(sqlite3 *db, const std::string &path,
                                                         std::int64_t indexedThrough, std::uint64_t events,
                                                         std::shared_ptr<const TimeOrder> held);

    std::size_t size() const { return m_ids.size(); }
    std::int64_t idAt(std::size_t rank) const { return m_ids[rank]; }
    std::uint32_t rankOf(std::int64_t id) const
    {
        return id >= 0 && static_cast<std::uint64_t>(id) < m_ranks.size() ? m_ranks[static_cast<std::size_t>(id)]
                                                                          : NoRank;
    }
    std::uint8_t levelAt(std::size_t rank) const { return m_levels[rank]; }
    std::uint16_t serviceAt(std::size_t rank) const { return m_services[rank]; } ///< a `dict` id, 0 for none
    std::uint16_t maxService() const { return m_maxService; }
    // The ranks [first, last] among which the first event at or after `ns` lies (`last` may be
    // size(): no such event); the samples decide it to within SampleEvery ranks.
    std::pair<std::size_t, std::size_t> firstAtOrAfterWithin(std::int64_t ns) const;
    // The first rank whose time is at or after `ns` (size() when none): the samples narrow it, a few
    // rows read from `db` finish it.
    Result<std::size_t> firstAtOrAfter(sqlite3 *db, std::int64_t ns) const;
    // The same for each of `times` (ascending: the edges of histogram buckets), reading through one statement.
    Result<std::vector<std::size_t>> firstAtOrAfter(sqlite3 *db, const std::vector<std::int64_t> &times) const;
    // The first rank whose key comes after `key` (or is `key`, unless `strictly`).
    Result<std::size_t> firstAfter(sqlite3 *db, const EventKey &key, bool strictly) const;

private:
    std::vector<std::uint32_t> m_ids; ///< by rank
    std::vector<std::uint32_t> m_ranks; ///< by row id; NoRank for ids not in the order
    std::vector<std::int64_t> m_samples; ///< the time at rank i × SampleEvery
    std::vector<std::uint8_t> m_levels; ///< by rank
    std::vector<std::uint16_t> m_services; ///< by rank
    std::uint16_t m_maxService = 0;
    std::int64_t m_generation = 0; ///< changes with every rebuild
};

// A set of ranks as one bit each: filled from a query's ids, it answers a page at any position, a
// count within any rank range and a histogram (the counts between the ranks of the bucket edges)
// by counting bits, whatever the number of matches.
class RankBitmap
{
public:
    explicit RankBitmap(std::size_t size)
        : m_words((size + 63) / 64, 0)
        , m_size(size)
    { }
    std::size_t size() const { return m_size; }
    void set(std::size_t rank) { m_words[rank / 64] |= std::uint64_t{1} << (rank % 64); }
    void reset(std::size_t rank) { m_words[rank / 64] &= ~(std::uint64_t{1} << (rank % 64)); }
    void setRange(std::size_t first, std::size_t end);
    // How many ranks in [first, end) are set.
    std::uint64_t count(std::size_t first, std::size_t end) const;
    // Up to `limit` set ranks after skipping `skip` of them, going up from `first` (below `end`) or, when
    // `descending`, down from `end` - 1 (at or above `first`): in the order visited.
    std::vector<std::size_t> pick(std::size_t first, std::size_t end, std::uint64_t skip, std::size_t limit,
                                  bool descending) const;
    // visit(rank) for every set rank in [first, end), ascending.
    template<typename Visit>
    void forEachSet(std::size_t first, std::size_t end, Visit &&visit) const
    {
        for (std::size_t rank = first; rank < end && rank % 64 != 0; ++rank)
            if ((m_words[rank / 64] >> (rank % 64)) & 1)
                visit(rank);
        for (std::size_t word = (first + 63) / 64; word * 64 < end; ++word) {
            std::uint64_t bits = m_words[word];
            if ((word + 1) * 64 > end)
                bits &= (std::uint64_t{1} << (end - word * 64)) - 1;
            for (; bits != 0; bits &= bits - 1)
                visit(word * 64 + static_cast<std::size_t>(std::countr_zero(bits)));
        }
    }

private:
    std::vector<std::uint64_t> m_words;
    std::size_t m_size = 0;
};

} // namespace core
