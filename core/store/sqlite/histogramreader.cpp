// SPDX-License-Identifier: MIT
#include "histogramreader.h"

#include "bucketcounts.h"
#include "querycontext.h"
#include "rollups.h"
#include "storeprivate.h"

#include <algorithm>

namespace core {

namespace {

// Up to this many matches, rows are read by id; beyond it, id ranges or the time index are scanned.
constexpr std::size_t LookupLimit = 250'000;
// Rows per chunk of a scan: progress is reported, and cancellation checked, between chunks.
constexpr std::int64_t ScanChunk = 1 << 20;
constexpr std::size_t LookupChunk = 50'000;

} // namespace

HistogramReader::HistogramReader(SqliteStore &store, SqliteStore::Private &d, const QueryFilter &filter,
                                 const HistogramSpec &spec, const HistogramProgress &progress)
    : m_d(d)
    , m_filter(filter)
    , m_spec(spec)
    , m_progress(progress)
    , m_engine(store, d)
{ }

bool HistogramReader::report()
{
    if (!m_progress)
        return true;
    m_histogram.complete = false;
    const bool go = m_progress(m_histogram);
    m_histogram.complete = true;
    return go;
}

Result<LevelHistogram> HistogramReader::read()
{
    m_histogram.fromNs = m_spec.fromNs;
    m_histogram.bucketNs = m_spec.bucketNs;
    m_histogram.buckets.assign(m_spec.buckets, LevelCounts{});
    if (m_spec.bucketNs <= 0 || m_spec.buckets == 0)
        return std::move(m_histogram);
    if (m_spec.byService) {
        auto values = readDictionary(m_d.db.get());
        if (!values)
            return values.error();
        m_dict = std::move(values.value());
    }
    m_add.emplace(m_histogram, m_spec, m_spec.byService ? &m_dict : nullptr);
    if (m_filter.onlyTimeLevelService()) {
        if (auto added = fromBucketCounts(); !added)
            return added.error();
        return std::move(m_histogram);
    }

    auto matches = m_engine.matches(m_filter);
    if (!matches)
        return matches.error();
    m_matches = std::move(matches.value());
    const std::int64_t from = m_spec.fromNs;
    const std::int64_t to = m_spec.fromNs + static_cast<std::int64_t>(m_spec.buckets) * m_spec.bucketNs;
    m_begin = std::max(m_matches.begin, from);
    m_end = std::min(m_matches.end, to);
    // Events past the index come as rows whose service is a name: the dictionary maps it back.
    std::unordered_map<std::string, std::int64_t> serviceIds;
    if (m_spec.byService)
        for (const auto &[id, value] : m_dict)
            serviceIds.emplace(value, id);
    for (const EventRow &row : m_matches.tail) {
        if (row.key.timeNs < m_begin || row.key.timeNs >= m_end)
            continue;
        auto service = serviceIds.find(row.service);
        m_add->add(row.key.timeNs, static_cast<std::int64_t>(row.level),
                   service == serviceIds.end() ? 0 : service->second);
    }
    if (m_begin >= m_end)
        return std::move(m_histogram);

    auto strategy = choose();
    if (!strategy)
        return strategy.error();
    Result<void> done;
    switch (*strategy) {
    case Strategy::Order: {
        auto binned = fromOrder();
        if (!binned)
            return binned.error();
        if (*binned)
            break;
        // No current order after all: the rows decide.
        auto rows = chooseRows();
        if (!rows)
            return rows.error();
        done = *rows == Strategy::Lookup ? byLookup() : *rows == Strategy::TimeWalk ? byTimeWalk() : byIdScan();
        break;
    }
    case Strategy::Lookup:
        done = byLookup();
        break;
    case Strategy::TimeWalk:
        done = byTimeWalk();
        break;
    case Strategy::IdScan:
        done = byIdScan();
        break;
    case Strategy::BucketCounts:
        done = fromBucketCounts();
        break;
    }
    if (!done)
        return done.error();
    return std::move(m_histogram);
}

Result<HistogramReader::Strategy> HistogramReader::choose()
{
    QueryContext &context = m_engine.context();
    if (m_filter.onlyTimeLevelService())
        return Strategy::BucketCounts;
    if (context.order() && m_matches.indexedThrough == context.indexedThrough())
        return Strategy::Order;
    return chooseRows();
}

Result<HistogramReader::Strategy> HistogramReader::chooseRows()
{
    QueryContext &context = m_engine.context();
    if (!m_matches.complement && m_matches.ids.size() <= LookupLimit)
        return Strategy::Lookup;
    // Many matches: walk the time index when the time bounds hold few events, else scan id ranges.
    auto within = rollups::Reader::prepare(m_d.db.get(), "coalesce(sum(count), 0)", "1", {});
    if (!within)
        return within.error();
    // The seconds that hold [begin, end): whole seconds from the first to the one holding end - 1.
    const std::int64_t withinBegin = m_begin < rollups::DomainBegin ? m_begin : rollups::floorSecond(m_begin);
    const std::int64_t withinEnd = m_end >= rollups::DomainEnd || rollups::floorSecond(m_end) == m_end
        ? m_end
        : rollups::floorSecond(m_end) + rollups::SecondNs;
    std::uint64_t inRange = 0;
    if (auto summed
        = within->run(withinBegin, withinEnd,
                      [&](const sql::Statement &row) { inRange += static_cast<std::uint64_t>(row.integer(0)); });
        !summed)
        return summed.error();
    return inRange * 4 < context.universeSize() ? Strategy::TimeWalk : Strategy::IdScan;
}

Result<void> HistogramReader::fromBucketCounts()
{
    QueryContext &context = m_engine.context();
    if (auto prepared = context.prepare(m_filter); !prepared)
        return prepared.error();
    auto counts = BucketCounts::make(context, m_filter);
    if (!counts)
        return counts.error();
    return counts->addTo(*m_add, m_spec);
}

// With the order in memory the matches come binned with their level and service: no row is read.
Result<bool> HistogramReader::fromOrder()
{
    const std::int64_t from = m_spec.fromNs;
    return m_engine.binMatches(
        m_matches, m_begin, m_end, from, m_spec.bucketNs, m_spec.buckets,
        [&](std::size_t bucket, int level, std::int64_t service) {
            m_add->add(from + static_cast<std::int64_t>(bucket) * m_spec.bucketNs, level, service);
        },
        [&] { return report(); });
}

Result<void> HistogramReader::byLookup()
{
    const QueryEngine::Matches &m = m_matches;
    auto statement
        = sql::Statement::prepare(m_d.db.get(), "SELECT ts, level, coalesce(service, 0) FROM events WHERE id = ?1");
    if (!statement)
        return statement.error();
    for (std::size_t i = 0; i < m.ids.size(); ++i) {
        statement->reset();
        statement->bind(1, m.ids[i]);
        auto row = statement->step();
        if (!row)
            return row.error();
        const std::int64_t ts = *row ? statement->integer(0) : 0;
        if (*row && ts >= m_begin && ts < m_end)
            m_add->add(ts, statement->integer(1), statement->integer(2));
        if ((i + 1) % LookupChunk == 0 && i + 1 < m.ids.size() && !report())
            return cancelledError();
    }
    return {};
}

Result<void> HistogramReader::byTimeWalk()
{
    const QueryEngine::Matches &m = m_matches;
    auto statement = sql::Statement::prepare(
        m_d.db.get(), "SELECT ts, level, coalesce(service, 0), id FROM events WHERE ts >= ?1 AND ts < ?2 ORDER BY ts");
    if (!statement)
        return statement.error();
    statement->bind(1, m_begin).bind(2, m_end);
    std::int64_t seen = 0;
    while (true) {
        auto row = statement->step();
        if (!row)
            return row.error();
        if (!*row)
            break;
        const std::int64_t id = statement->integer(3);
        if (id <= m.indexedThrough && std::binary_search(m.ids.begin(), m.ids.end(), id) != m.complement)
            m_add->add(statement->integer(0), statement->integer(1), statement->integer(2));
        if (++seen % ScanChunk == 0 && !report())
            return cancelledError();
    }
    return {};
}

Result<void> HistogramReader::byIdScan()
{
    const QueryEngine::Matches &m = m_matches;
    auto statement = sql::Statement::prepare(
        m_d.db.get(), "SELECT id, ts, level, coalesce(service, 0) FROM events WHERE id >= ?1 AND id <= ?2");
    if (!statement)
        return statement.error();
    std::size_t next = 0; // the first member id not yet passed (ids ascend, like the scan)
    for (const auto &[first, last] : m.live) {
        std::int64_t lo = first;
        std::int64_t hi = std::min(last, m.indexedThrough);
        if (!m.complement) {
            if (m.ids.empty())
                break;
            lo = std::max(lo, m.ids.front());
            hi = std::min(hi, m.ids.back());
        }
        for (std::int64_t chunk = lo; chunk <= hi; chunk += ScanChunk) {
            statement->reset();
            statement->bind(1, chunk).bind(2, std::min(hi, chunk + ScanChunk - 1));
            while (true) {
                auto row = statement->step();
                if (!row)
                    return row.error();
                if (!*row)
                    break;
                const std::int64_t id = statement->integer(0);
                while (next < m.ids.size() && m.ids[next] < id)
                    ++next;
                const bool listed = next < m.ids.size() && m.ids[next] == id;
                if (listed == m.complement)
                    continue;
                const std::int64_t ts = statement->integer(1);
                if (ts >= m_begin && ts < m_end)
                    m_add->add(ts, statement->integer(2), statement->integer(3));
            }
            if (!report())
                return cancelledError();
        }
    }
    return {};
}

} // namespace core
