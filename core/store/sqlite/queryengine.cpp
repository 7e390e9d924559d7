// SPDX-License-Identifier: MIT
#include "queryengine.h"

#include "bucketcounts.h"
#include "levelservicetable.h"
#include "postingplanner.h"
#include "querycontext.h"
#include "queryplan.h"
#include "rankpager.h"
#include "storeprivate.h"
#include "tailscan.h"
#include "timeorder.h"

#include <algorithm>
#include <cmath>

namespace core {

namespace {

using Node = QueryFilter::Node;

// Below this many candidates, rows are fetched by id and sorted; above it the time index is walked.
constexpr std::size_t FetchByIdLimit = 5'000;
// A time/level/service filter matching at least one event in this many is paged by walking the time
// index and testing rows: a page costs about limit × this many rows, instead of decoding posting
// lists of millions of ids first.
constexpr std::uint64_t DenseWalkRatio = 64;

} // namespace

QueryEngine::QueryEngine(SqliteStore &, SqliteStore::Private &store)
    : d(std::make_unique<QueryContext>(store))
{ }

QueryEngine::~QueryEngine() = default;

QueryContext &QueryEngine::context()
{
    return *d;
}

Result<std::uint64_t> QueryEngine::countBuckets(const QueryFilter &filter, std::int64_t from, std::int64_t to)
{
    auto counts = BucketCounts::make(*d, filter);
    if (!counts)
        return counts.error();
    return counts->count(from, to);
}

Result<std::uint64_t> QueryEngine::count(const QueryFilter &filter)
{
    if (auto prepared = d->prepare(filter); !prepared)
        return prepared.error();
    if (filter.onlyTimeLevelService())
        return countBuckets(filter, INT64_MIN, INT64_MAX);
    auto plan = QueryPlan::make(*d, filter);
    if (!plan)
        return plan.error();
    std::uint64_t total = plan->tail.size();
    const IdSet &set = plan->set;
    if (!plan->bounds.any())
        return total + (set.complement ? d->universeSize() - set.ids.size() : set.ids.size());
    if (const TimeOrder *order = d->order()) {
        auto range = RankPager(*d).rankRange(plan->bounds, std::nullopt, Direction::Ascending);
        if (!range)
            return range.error();
        const auto [first, end] = range.value();
        std::uint64_t members = 0;
        for (const std::int64_t id : set.ids) {
            const std::uint32_t rank = order->rankOf(id);
            members += rank != TimeOrder::NoRank && rank >= first && rank < end;
        }
        return total + (set.complement ? (end - first) - members : members);
    }
    if (!set.complement && set.ids.size() <= 200'000) {
        auto statement = sql::Statement::prepare(d->db(), "SELECT ts FROM events WHERE id = ?1");
        if (!statement)
            return statement.error();
        auto read = d->forEachRowOf(*statement, set.ids,
                                    [&](std::int64_t) { total += plan->bounds.contains(statement->integer(0)); });
        if (!read)
            return read.error();
        return total;
    }
    if (auto walked = TailScan(*d).forEachIndexedMatch(plan->bounds, set, [&](std::int64_t) { ++total; }); !walked)
        return walked.error();
    return total;
}

Result<std::vector<EventRow>> QueryEngine::events(const QueryFilter &filter, std::optional<EventKey> after,
                                                  std::size_t limit, Direction direction)
{
    if (auto prepared = d->prepare(filter); !prepared)
        return prepared.error();
    std::vector<const Node *> conditions;
    const QueryBounds bounds = QueryBounds::of(filter.root(), &conditions);
    if (filter.onlyTimeLevelService() && limit > 0) {
        // Level and service tested on the order's arrays, rank after rank: no row read but the page's.
        auto table = LevelServiceTable::make(*d, filter, conditions);
        if (!table)
            return table.error();
        if (table->has_value()) {
            auto range = RankPager(*d).rankRange(bounds, after, direction);
            auto tail = range ? TailScan(*d).tailMatches(filter, bounds) : Result<std::vector<EventRow>>(range.error());
            if (!tail)
                return tail.error();
            auto rows = RankPager(*d).rowsAtRanks(
                RankPager(*d).walkRanks(**table, range->first, range->second, 0, limit, direction));
            if (!rows)
                return rows.error();
            return QueryPlan::withTail(std::move(rows.value()), std::move(tail.value()), after, limit, direction);
        }
    }
    // Time alone, with the order in memory, is a range of ranks: nothing to walk.
    const bool timeAlone = conditions.empty() && d->order();
    if (filter.onlyTimeLevelService() && d->hasOrderIndex() && limit > 0 && !timeAlone) {
        auto matching = countBuckets(filter, INT64_MIN, INT64_MAX);
        if (!matching)
            return matching.error();
        if (*matching * DenseWalkRatio >= d->universeSize()) {
            bool walkedAll = false;
            auto walked = TailScan(*d).walkMatches(filter, bounds, after, limit, direction, limit * DenseWalkRatio * 4,
                                                   walkedAll);
            if (!walked)
                return walked.error();
            // A full page, or the whole rest of the index read: the answer. Otherwise the matches
            // thinned out here; the posting lists finish the page from where the walk stopped.
            if (walked->size() == limit || walkedAll)
                return walked;
            std::vector<EventRow> page = std::move(walked.value());
            const std::optional<EventKey> resume = page.empty() ? after : std::optional<EventKey>(page.back().key);
            auto more = eventsFromPlan(filter, resume, limit - page.size(), direction);
            if (!more)
                return more.error();
            for (EventRow &row : more.value())
                page.push_back(std::move(row));
            return page;
        }
    }
    return eventsFromPlan(filter, after, limit, direction);
}

Result<std::vector<EventRow>> QueryEngine::eventsFromPlan(const QueryFilter &filter, std::optional<EventKey> after,
                                                          std::size_t limit, Direction direction)
{
    auto plan = QueryPlan::make(*d, filter);
    if (!plan)
        return plan.error();
    const bool ascending = direction == Direction::Ascending;
    const auto beyond = [&](const EventKey &key) { return !after || (ascending ? key > *after : key < *after); };
    const auto earlier
        = [&](const EventRow &a, const EventRow &b) { return ascending ? a.key < b.key : b.key < a.key; };
    std::vector<EventRow> found;
    for (EventRow &row : plan->tail)
        if (beyond(row.key))
            found.push_back(std::move(row));
    IdSet &set = plan->set;
    if (d->order()) {
        // Ranks instead of rows: the page is the first `limit` members past the key, whatever their number.
        auto range = RankPager(*d).rankRange(plan->bounds, after, direction);
        if (!range)
            return range.error();
        const RankBitmap bits = RankPager(*d).bitmapOf(set.ids, set.complement, range->first, range->second);
        auto rows = RankPager(*d).rowsAtRanks(bits.pick(range->first, range->second, 0, limit, !ascending));
        if (!rows)
            return rows.error();
        return QueryPlan::withTail(std::move(rows.value()), std::move(found), after, limit, direction);
    }
    if (set.complement && d->universeSize() - set.ids.size() <= FetchByIdLimit) {
        // Everything but nearly everything: the few left are cheaper to fetch than to walk past.
        Ids rest;
        auto excluded = set.ids.begin();
        for (const auto &[first, last] : d->live())
            for (std::int64_t id = first; id <= std::min(last, d->indexedThrough()); ++id) {
                while (excluded != set.ids.end() && *excluded < id)
                    ++excluded;
                if (excluded == set.ids.end() || *excluded != id)
                    rest.push_back(id);
            }
        set = IdSet{std::move(rest), false};
    }
    // Fetching k candidates costs about k lookups; walking the index costs about limit × N / k rows:
    // fetch while k² stays under limit × N.
    const double universe = static_cast<double>(d->universeSize());
    const auto fetchLimit = std::max<std::size_t>(
        FetchByIdLimit, static_cast<std::size_t>(std::sqrt(static_cast<double>(limit) * universe)));
    if (!set.complement && (set.ids.size() <= fetchLimit || !d->hasOrderIndex())) {
        // Keys first, sorted; whole rows only for the page.
        auto statement = sql::Statement::prepare(d->db(), "SELECT ts, source, line, idx FROM events WHERE id = ?1");
        if (!statement)
            return statement.error();
        std::vector<std::pair<EventKey, std::int64_t>> keys;
        auto read = d->forEachRowOf(*statement, set.ids, [&](std::int64_t id) {
            const EventKey key{statement->integer(0), statement->integer(1),
                               static_cast<std::uint32_t>(statement->integer(2)),
                               static_cast<std::uint32_t>(statement->integer(3))};
            if (plan->bounds.contains(key.timeNs) && beyond(key))
                keys.emplace_back(key, id);
        });
        if (!read)
            return read.error();
        const auto keyEarlier
            = [&](const auto &a, const auto &b) { return ascending ? a.first < b.first : b.first < a.first; };
        const std::size_t keep = std::min(limit, keys.size());
        std::partial_sort(keys.begin(), keys.begin() + static_cast<std::ptrdiff_t>(keep), keys.end(), keyEarlier);
        Ids chosen;
        for (std::size_t i = 0; i < keep; ++i)
            chosen.push_back(keys[i].second);
        auto rows = d->rowsById(chosen);
        if (!rows)
            return rows.error();
        for (EventRow &row : rows.value())
            found.push_back(std::move(row));
    } else {
        // Walk the time index and keep members: cheap when matches are common.
        std::string text = "SELECT id FROM events WHERE ts >= ?1 AND ts < ?2";
        if (after)
            text += ascending ? " AND (ts, source, line, idx) > (?3, ?4, ?5, ?6)"
                              : " AND (ts, source, line, idx) < (?3, ?4, ?5, ?6)";
        text += ascending ? " ORDER BY ts, source, line, idx" : " ORDER BY ts DESC, source DESC, line DESC, idx DESC";
        auto statement = sql::Statement::prepare(d->db(), text);
        if (!statement)
            return statement.error();
        statement->bind(1, plan->bounds.begin).bind(2, plan->bounds.end);
        if (after)
            statement->bind(3, after->timeNs)
                .bind(4, after->sourceId)
                .bind(5, std::int64_t{after->line})
                .bind(6, std::int64_t{after->index});
        Ids chosen;
        while (chosen.size() < limit) {
            auto row = statement->step();
            if (!row)
                return row.error();
            if (!*row)
                break;
            const std::int64_t id = statement->integer(0);
            if (id > d->indexedThrough())
                continue; // the tail was matched above
            if (set.has(id))
                chosen.push_back(id);
        }
        auto rows = d->rowsById(chosen);
        if (!rows)
            return rows.error();
        for (EventRow &row : rows.value())
            found.push_back(std::move(row));
    }
    std::sort(found.begin(), found.end(), earlier);
    if (found.size() > limit)
        found.resize(limit);
    return found;
}

Result<std::vector<EventRow>> QueryEngine::eventsAt(const QueryFilter &filter, std::uint64_t position,
                                                    std::size_t limit, Direction direction)
{
    if (auto prepared = d->prepare(filter); !prepared)
        return prepared.error();
    if (filter.onlyTimeLevelService() && d->order()) {
        std::vector<const Node *> conditions;
        const QueryBounds bounds = QueryBounds::of(filter.root(), &conditions);
        auto table = LevelServiceTable::make(*d, filter, conditions);
        if (!table)
            return table.error();
        auto tail = TailScan(*d).tailMatches(filter, bounds);
        if (!tail)
            return tail.error();
        if (table->has_value() && tail->empty()) {
            auto range = RankPager(*d).rankRange(bounds, std::nullopt, direction);
            if (!range)
                return range.error();
            return RankPager(*d).rowsAtRanks(
                RankPager(*d).walkRanks(**table, range->first, range->second, position, limit, direction));
        }
    }
    if (d->order()) {
        auto plan = QueryPlan::make(*d, filter);
        if (!plan)
            return plan.error();
        if (plan->tail.empty()) {
            auto range = RankPager(*d).rankRange(plan->bounds, std::nullopt, direction);
            if (!range)
                return range.error();
            const RankBitmap bits
                = RankPager(*d).bitmapOf(plan->set.ids, plan->set.complement, range->first, range->second);
            return RankPager(*d).rowsAtRanks(
                bits.pick(range->first, range->second, position, limit, direction == Direction::Descending));
        }
    }
    // No order in memory (an import is adding events): page there by key.
    constexpr std::size_t Chunk = 4096;
    std::optional<EventKey> after;
    while (position > 0) {
        auto skipped
            = events(filter, after, static_cast<std::size_t>(std::min<std::uint64_t>(position, Chunk)), direction);
        if (!skipped)
            return skipped.error();
        if (skipped->empty())
            return std::vector<EventRow>{};
        position -= skipped->size();
        after = skipped->back().key;
    }
    return events(filter, after, limit, direction);
}

Result<QueryEngine::Matches> QueryEngine::matches(const QueryFilter &filter)
{
    if (auto prepared = d->prepare(filter); !prepared)
        return prepared.error();
    auto plan = QueryPlan::make(*d, filter);
    if (!plan)
        return plan.error();
    Matches found;
    found.begin = plan->bounds.begin;
    found.end = plan->bounds.end;
    found.ids = std::move(plan->set.ids);
    found.complement = plan->set.complement;
    found.indexedThrough = d->indexedThrough();
    found.live = d->live();
    found.tail = std::move(plan->tail);
    return found;
}

Result<std::optional<QueryEngine::Extent>> QueryEngine::extentOf(const Matches &matches)
{
    const TimeOrder *order = d->order();
    if (!order || matches.indexedThrough != d->indexedThrough())
        return std::optional<Extent>();
    std::int64_t first = INT64_MAX;
    std::int64_t last = INT64_MIN;
    const auto take = [&](std::int64_t ts) {
        first = std::min(first, ts);
        last = std::max(last, ts);
    };
    for (const EventRow &row : matches.tail)
        if (row.key.timeNs != NoTimeNs)
            take(row.key.timeNs);
    // Events without a time sort first: start past them.
    auto range = RankPager(*d).rankRange(QueryBounds{std::max(matches.begin, NoTimeNs + 1), matches.end}, std::nullopt,
                                         Direction::Ascending);
    if (!range)
        return range.error();
    const RankBitmap bits = RankPager(*d).bitmapOf(matches.ids, matches.complement, range->first, range->second);
    for (const bool descending : {false, true}) {
        auto rows = RankPager(*d).rowsAtRanks(bits.pick(range->first, range->second, 0, 1, descending));
        if (!rows)
            return rows.error();
        for (const EventRow &row : rows.value())
            take(row.key.timeNs);
    }
    return std::optional<Extent>(first <= last ? Extent(std::pair{first, last}) : Extent());
}

Result<bool> QueryEngine::binMatches(const Matches &matches, std::int64_t begin, std::int64_t end, std::int64_t fromNs,
                                     std::int64_t bucketNs, std::size_t buckets,
                                     const std::function<void(std::size_t, int, std::int64_t)> &visit,
                                     const std::function<bool()> &progress)
{
    const TimeOrder *order = d->order();
    if (!order || matches.indexedThrough != d->indexedThrough())
        return false;
    if (begin >= end || buckets == 0)
        return true;
    // The ranks of the bucket edges (clamped to [begin, end)) cut one bitmap of the matches.
    auto ranks = RankPager(*d).edgeRanks(fromNs, bucketNs, buckets, QueryBounds{begin, end});
    if (!ranks)
        return ranks.error();
    const std::vector<std::size_t> &edges = ranks.value();
    const RankBitmap bits = RankPager(*d).bitmapOf(matches.ids, matches.complement, edges.front(), edges.back());
    constexpr std::size_t BucketsBetweenReports = 16;
    for (std::size_t i = 0; i < buckets; ++i) {
        bits.forEachSet(edges[i], edges[i + 1],
                        [&](std::size_t rank) { visit(i, order->levelAt(rank), order->serviceAt(rank)); });
        if ((i + 1) % BucketsBetweenReports == 0 && i + 1 < buckets && progress && !progress())
            return makeError(ErrorCode::Cancelled, "cancelled");
    }
    return true;
}

Result<std::vector<std::int64_t>> QueryEngine::termIds(const std::string &term)
{
    if (auto prepared = d->prepare(QueryFilter()); !prepared)
        return prepared.error();
    auto ids = PostingPlanner(*d).postings(term);
    if (!ids)
        return ids.error();
    return d->restrictLive(std::move(ids.value()));
}

Result<std::vector<std::string>> QueryEngine::termsWithPrefix(const std::string &prefix)
{
    return PostingPlanner(*d).termsWithPrefix(prefix);
}

Result<std::optional<std::int64_t>> QueryEngine::timeAnchor()
{
    return BucketCounts::timeAnchor(d->db());
}

} // namespace core
