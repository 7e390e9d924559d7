// SPDX-License-Identifier: MIT
#include "timeorder.h"

#include "sqlite.h"
#include "varint.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <map>
#include <mutex>
#include <random>

namespace core {

namespace {

std::uint64_t zigzag(std::int64_t value)
{
    return (static_cast<std::uint64_t>(value) << 1) ^ static_cast<std::uint64_t>(value >> 63);
}

std::int64_t unzigzag(std::uint64_t value)
{
    return static_cast<std::int64_t>(value >> 1) ^ -static_cast<std::int64_t>(value & 1);
}

// One block of ranks: its ids as zigzag varint deltas (time order follows arrival order closely, so
// most take a byte), its samples as little-endian 64-bit times, a level byte and a varint service
// id per rank.
struct BlockWriter {
    std::string ids;
    std::string times;
    std::string levels;
    std::string services;
    std::int64_t previous = 0;
    std::size_t count = 0;

    void add(std::int64_t id, std::int64_t ts, std::int64_t level, std::int64_t service)
    {
        varint::append(ids, zigzag(id - previous));
        previous = id;
        levels.push_back(static_cast<char>(level));
        varint::append(services, static_cast<std::uint64_t>(service));
        if (count % TimeOrder::SampleEvery == 0) {
            char bytes[8];
            std::memcpy(bytes, &ts, sizeof ts);
            times.append(bytes, sizeof bytes);
        }
        ++count;
    }
};

Result<std::int64_t> metaInteger(sqlite3 *db, const char *key)
{
    return sql::queryInteger(db, std::string("SELECT coalesce(max(value), -1) FROM meta WHERE key = '") + key + "'",
                             -1);
}

// Every connection of the process shares the order it loaded; entries live while someone holds them.
std::mutex cacheMutex;
std::map<std::pair<std::string, std::int64_t>, std::weak_ptr<const TimeOrder>> cache;

} // namespace

Result<void> TimeOrder::rebuild(sqlite3 *db)
{
    auto index
        = sql::queryInteger(db, "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name = 'events_order'");
    if (!index)
        return index.error();
    auto maxId = sql::queryInteger(db, "SELECT coalesce(max(id), 0) FROM events");
    auto maxService = sql::queryInteger(db, "SELECT coalesce(max(id), 0) FROM dict");
    auto through = metaInteger(db, "indexed_through");
    if (!maxId || !through || !maxService)
        return !maxId ? maxId.error() : !through ? through.error() : maxService.error();
    if (auto cleared
        = sql::exec(db, "DELETE FROM event_order; DELETE FROM meta WHERE key LIKE 'order\\_%' ESCAPE '\\'");
        !cleared)
        return cleared.error();
    if (*index == 0 || *maxId >= static_cast<std::int64_t>(NoRank) || *maxService >= UINT16_MAX)
        return {};
    auto rows = sql::Statement::prepare(db,
                                        "SELECT id, ts, level, coalesce(service, 0) FROM events INDEXED BY "
                                        "events_order ORDER BY ts, source, line, idx");
    auto insert = sql::Statement::prepare(
        db, "INSERT INTO event_order(block, ids, times, levels, services) VALUES (?1, ?2, ?3, ?4, ?5)");
    if (!rows)
        return rows.error();
    if (!insert)
        return insert.error();
    std::int64_t events = 0;
    std::int64_t block = 0;
    BlockWriter writer;
    const auto flush = [&]() -> Result<void> {
        insert->bind(1, block++)
            .bindBlob(2, writer.ids)
            .bindBlob(3, writer.times)
            .bindBlob(4, writer.levels)
            .bindBlob(5, writer.services);
        auto inserted = insert->run();
        writer = BlockWriter{};
        return inserted;
    };
    while (true) {
        auto row = rows->step();
        if (!row)
            return row.error();
        if (!*row)
            break;
        writer.add(rows->integer(0), rows->integer(1), rows->integer(2), rows->integer(3));
        ++events;
        if (writer.count == BlockRanks)
            if (auto flushed = flush(); !flushed)
                return flushed.error();
    }
    if (writer.count > 0)
        if (auto flushed = flush(); !flushed)
            return flushed.error();
    std::random_device random;
    const std::int64_t generation = (static_cast<std::int64_t>(random()) << 31) ^ static_cast<std::int64_t>(random());
    auto meta = sql::Statement::prepare(db, "INSERT OR REPLACE INTO meta(key, value) VALUES (?1, ?2)");
    if (!meta)
        return meta.error();
    for (const auto &[key, value] :
         {std::pair{"order_through", *through}, {"order_events", events}, {"order_generation", generation}}) {
        meta->bind(1, std::string_view(key)).bind(2, value);
        if (auto written = meta->run(); !written)
            return written.error();
    }
    return {};
}

Result<std::shared_ptr<const TimeOrder>> TimeOrder::load(sqlite3 *db, const std::string &path,
                                                         std::int64_t indexedThrough, std::uint64_t events,
                                                         std::shared_ptr<const TimeOrder> held)
{
    auto through = metaInteger(db, "order_through");
    auto count = metaInteger(db, "order_events");
    auto generation = metaInteger(db, "order_generation");
    if (!through || !count || !generation)
        return !through ? through.error() : !count ? count.error() : generation.error();
    if (*through != indexedThrough || *count < 0 || static_cast<std::uint64_t>(*count) != events)
        return std::shared_ptr<const TimeOrder>();

    if (held && held->m_generation == *generation)
        return held;
    std::lock_guard lock(cacheMutex);
    const auto key = std::pair{path, *generation};
    if (auto cached = cache[key].lock())
        return cached;
    auto order = std::make_shared<TimeOrder>();
    order->m_generation = *generation;
    order->m_ids.reserve(static_cast<std::size_t>(*count));
    order->m_levels.reserve(static_cast<std::size_t>(*count));
    order->m_services.reserve(static_cast<std::size_t>(*count));
    auto blocks = sql::Statement::prepare(db, "SELECT ids, times, levels, services FROM event_order ORDER BY block");
    if (!blocks)
        return blocks.error();
    std::uint32_t maxId = 0;
    while (true) {
        auto row = blocks->step();
        if (!row)
            return row.error();
        if (!*row)
            break;
        varint::forEach(blocks->view(0), [&, id = std::int64_t{0}](std::uint64_t value) mutable {
            id += unzigzag(value);
            order->m_ids.push_back(static_cast<std::uint32_t>(id));
            maxId = std::max(maxId, static_cast<std::uint32_t>(id));
        });
        for (const char level : blocks->view(2))
            order->m_levels.push_back(static_cast<std::uint8_t>(level));
        varint::forEach(blocks->view(3), [&](std::uint64_t service) {
            order->m_services.push_back(static_cast<std::uint16_t>(service));
            order->m_maxService = std::max(order->m_maxService, static_cast<std::uint16_t>(service));
        });
        const std::string_view times = blocks->view(1);
        for (std::size_t at = 0; at + 8 <= times.size(); at += 8) {
            std::int64_t ts = 0;
            std::memcpy(&ts, times.data() + at, sizeof ts);
            order->m_samples.push_back(ts);
        }
    }
    if (order->m_ids.size() != static_cast<std::size_t>(*count) || order->m_levels.size() != order->m_ids.size()
        || order->m_services.size() != order->m_ids.size())
        return makeError(ErrorCode::Store,
                         "the stored time order holds " + std::to_string(order->m_ids.size()) + " events, not "
                             + std::to_string(*count));
    order->m_ranks.assign(order->m_ids.empty() ? 0 : std::size_t{maxId} + 1, NoRank);
    for (std::size_t rank = 0; rank < order->m_ids.size(); ++rank)
        order->m_ranks[order->m_ids[rank]] = static_cast<std::uint32_t>(rank);
    std::erase_if(cache, [](const auto &entry) { return entry.second.expired(); });
    cache[key] = order;
    return std::shared_ptr<const TimeOrder>(order);
}

std::pair<std::size_t, std::size_t> TimeOrder::firstAtOrAfterWithin(std::int64_t ns) const
{
    // Sample j is the time at rank j × SampleEvery: the first sample at or after `ns` bounds the
    // answer above, the one before it bounds it below (exclusive).
    const auto sample = std::lower_bound(m_samples.begin(), m_samples.end(), ns);
    const auto j = static_cast<std::size_t>(sample - m_samples.begin());
    const std::size_t last = sample == m_samples.end() ? size() : j * SampleEvery;
    const std::size_t first = j == 0 ? 0 : (j - 1) * SampleEvery + 1;
    return {first, std::min(last, size())};
}

} // namespace core

namespace core {

namespace {

// The key of the event at `rank`, read from its row.
struct KeyReader {
    sql::Statement statement;

    static Result<KeyReader> make(sqlite3 *db)
    {
        auto statement = sql::Statement::prepare(db, "SELECT ts, source, line, idx FROM events WHERE id = ?1");
        if (!statement)
            return statement.error();
        return KeyReader{std::move(statement.value())};
    }
    Result<EventKey> keyOf(std::int64_t id)
    {
        statement.reset();
        statement.bind(1, id);
        auto row = statement.step();
        if (!row)
            return row.error();
        if (!*row)
            return makeError(ErrorCode::Store, "event " + std::to_string(id) + " of the time order is missing");
        return EventKey{statement.integer(0), statement.integer(1), static_cast<std::uint32_t>(statement.integer(2)),
                        static_cast<std::uint32_t>(statement.integer(3))};
    }
};

// The first rank in [first, last] whose key satisfies `after` (monotone: false then true), else last.
template<typename After>
Result<std::size_t> searchRanks(const TimeOrder &order, KeyReader &reader, std::size_t first, std::size_t last,
                                After &&after)
{
    while (first < last) {
        const std::size_t middle = first + (last - first) / 2;
        auto key = reader.keyOf(order.idAt(middle));
        if (!key)
            return key.error();
        if (after(*key))
            last = middle;
        else
            first = middle + 1;
    }
    return first;
}

} // namespace

Result<std::size_t> TimeOrder::firstAtOrAfter(sqlite3 *db, std::int64_t ns) const
{
    auto ranks = firstAtOrAfter(db, std::vector<std::int64_t>{ns});
    if (!ranks)
        return ranks.error();
    return ranks->front();
}

Result<std::vector<std::size_t>> TimeOrder::firstAtOrAfter(sqlite3 *db, const std::vector<std::int64_t> &times) const
{
    auto reader = KeyReader::make(db);
    if (!reader)
        return reader.error();
    std::vector<std::size_t> ranks;
    ranks.reserve(times.size());
    for (std::size_t i = 0; i < times.size(); ++i) {
        if (i > 0 && times[i] == times[i - 1]) {
            ranks.push_back(ranks.back());
            continue;
        }
        const auto [first, last] = firstAtOrAfterWithin(times[i]);
        auto rank
            = searchRanks(*this, *reader, first, last, [&](const EventKey &key) { return key.timeNs >= times[i]; });
        if (!rank)
            return rank.error();
        ranks.push_back(*rank);
    }
    return ranks;
}

Result<std::size_t> TimeOrder::firstAfter(sqlite3 *db, const EventKey &target, bool strictly) const
{
    auto reader = KeyReader::make(db);
    if (!reader)
        return reader.error();
    const std::size_t first = firstAtOrAfterWithin(target.timeNs).first;
    const std::size_t last = target.timeNs == INT64_MAX ? size() : firstAtOrAfterWithin(target.timeNs + 1).second;
    return searchRanks(*this, *reader, first, last,
                       [&](const EventKey &key) { return strictly ? key > target : key >= target; });
}

void RankBitmap::setRange(std::size_t first, std::size_t end)
{
    for (std::size_t rank = first; rank < end && rank % 64 != 0; ++rank)
        set(rank);
    std::size_t word = (first + 63) / 64;
    for (; (word + 1) * 64 <= end; ++word)
        m_words[word] = ~std::uint64_t{0};
    for (std::size_t rank = std::max(first, word * 64); rank < end; ++rank)
        set(rank);
}

std::uint64_t RankBitmap::count(std::size_t first, std::size_t end) const
{
    std::uint64_t total = 0;
    while (first < end && first % 64 != 0) {
        total += (m_words[first / 64] >> (first % 64)) & 1;
        ++first;
    }
    for (; first + 64 <= end; first += 64)
        total += static_cast<std::uint64_t>(std::popcount(m_words[first / 64]));
    for (; first < end; ++first)
        total += (m_words[first / 64] >> (first % 64)) & 1;
    return total;
}

std::vector<std::size_t> RankBitmap::pick(std::size_t first, std::size_t end, std::uint64_t skip, std::size_t limit,
                                          bool descending) const
{
    std::vector<std::size_t> ranks;
    end = std::min(end, m_size);
    if (first >= end || limit == 0)
        return ranks;
    // Whole words are skipped by their bit counts; bits are visited one by one only in the words
    // where the page starts and lies.
    const auto bitsOf = [&](std::size_t word) {
        std::uint64_t bits = m_words[word];
        const std::size_t base = word * 64;
        if (base < first)
            bits &= ~std::uint64_t{0} << (first - base);
        if (base + 64 > end)
            bits &= end - base >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << (end - base)) - 1;
        return bits;
    };
    const std::size_t firstWord = first / 64;
    const std::size_t lastWord = (end - 1) / 64;
    for (std::size_t step = 0; step <= lastWord - firstWord && ranks.size() < limit; ++step) {
        const std::size_t word = descending ? lastWord - step : firstWord + step;
        std::uint64_t bits = bitsOf(word);
        const auto present = static_cast<std::uint64_t>(std::popcount(bits));
        if (skip >= present) {
            skip -= present;
            continue;
        }
        while (bits != 0 && ranks.size() < limit) {
            const int bit = descending ? 63 - std::countl_zero(bits) : std::countr_zero(bits);
            bits &= ~(std::uint64_t{1} << bit);
            if (skip > 0)
                --skip;
            else
                ranks.push_back(word * 64 + static_cast<std::size_t>(bit));
        }
    }
    return ranks;
}

} // namespace core
