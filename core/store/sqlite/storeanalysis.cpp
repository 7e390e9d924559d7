// SPDX-License-Identifier: MIT
// SqliteStore's analysis readers: per-level histograms, time extents and error events. Filters on time,
// level and service alone answer from the bucket counts; other filters from the query engine's
// matching ids, reading only the few columns they need.
#include "indexbuilder.h"
#include "postingreader.h"
#include "queryengine.h"
#include "rollups.h"
#include "storeprivate.h"
#include "varint.h"

#include <algorithm>
#include <charconv>
#include <functional>
#include <tuple>
#include <unordered_map>

namespace core {

namespace {

using Ids = std::vector<std::int64_t>;

constexpr std::int64_t SecondNs = 1'000'000'000;
// Up to this many matches, rows are read by id; beyond it, id ranges or the time index are scanned.
constexpr std::size_t LookupLimit = 250'000;
// Rows per chunk of a scan: progress is reported, and cancellation checked, between chunks.
constexpr std::int64_t ScanChunk = 1 << 20;
constexpr std::size_t LookupChunk = 50'000;

std::int64_t floorSecond(std::int64_t ns)
{
    const std::int64_t q = ns / SecondNs;
    return (ns % SecondNs != 0 && ns < 0 ? q - 1 : q) * SecondNs;
}

void collectTimeEdges(const QueryFilter::Node &node, std::vector<std::int64_t> &edges)
{
    if (node.kind == QueryFilter::Node::Kind::Time) {
        edges.push_back(node.timeBegin);
        edges.push_back(node.timeEnd);
    }
    for (const QueryFilter::Node &child : node.children)
        collectTimeEdges(child, edges);
}

Error cancelledError()
{
    return makeError(ErrorCode::Cancelled, "cancelled");
}

// Adds events to a LevelHistogram; service ids become names through the dictionary.
class Accumulator
{
public:
    Accumulator(LevelHistogram &histogram, const HistogramSpec &spec, const std::unordered_map<std::int64_t, std::string> *dict)
        : m_histogram(histogram)
        , m_from(spec.fromNs)
        , m_step(spec.bucketNs)
        , m_to(spec.fromNs + static_cast<std::int64_t>(spec.buckets) * spec.bucketNs)
        , m_buckets(spec.buckets)
        , m_dict(dict)
    {
    }

    void add(std::int64_t ts, std::int64_t level, std::int64_t service, std::uint64_t count = 1)
    {
        if (ts < m_from || ts >= m_to)
            return;
        const auto bucket = static_cast<std::size_t>((ts - m_from) / m_step);
        const auto lvl = static_cast<std::size_t>(std::clamp<std::int64_t>(level, 0, LevelCount - 1));
        m_histogram.buckets[bucket][lvl] += count;
        if (m_dict)
            series(service)[bucket][lvl] += count;
    }

private:
    std::vector<LevelCounts> &series(std::int64_t service)
    {
        if (service == m_lastService && m_last)
            return *m_last;
        auto found = m_series.find(service);
        if (found == m_series.end()) {
            auto name = m_dict->find(service);
            auto &counts = m_histogram.services[name == m_dict->end() ? std::string() : name->second];
            counts.resize(m_buckets);
            found = m_series.emplace(service, &counts).first;
        }
        m_lastService = service;
        m_last = found->second;
        return *m_last;
    }

    LevelHistogram &m_histogram;
    std::int64_t m_from;
    std::int64_t m_step;
    std::int64_t m_to;
    std::size_t m_buckets;
    const std::unordered_map<std::int64_t, std::string> *m_dict;
    std::unordered_map<std::int64_t, std::vector<LevelCounts> *> m_series;
    std::int64_t m_lastService = -1;
    std::vector<LevelCounts> *m_last = nullptr;
};

} // namespace

Result<LevelHistogram> SqliteStore::levelHistogram(const QueryFilter &filter, const HistogramSpec &spec, const HistogramProgress &progress)
{
    sql::ReadTransaction transaction(d->db.get());
    LevelHistogram histogram;
    histogram.fromNs = spec.fromNs;
    histogram.bucketNs = spec.bucketNs;
    histogram.buckets.assign(spec.buckets, LevelCounts{});
    if (spec.bucketNs <= 0 || spec.buckets == 0)
        return histogram;
    sqlite3 *db = d->db.get();
    std::unordered_map<std::int64_t, std::string> dict;
    if (spec.byService) {
        auto values = readDictionary(db);
        if (!values)
            return values.error();
        dict = std::move(values.value());
    }
    Accumulator add(histogram, spec, spec.byService ? &dict : nullptr);
    const std::int64_t from = spec.fromNs;
    const std::int64_t to = spec.fromNs + static_cast<std::int64_t>(spec.buckets) * spec.bucketNs;
    const auto report = [&]() -> bool {
        if (!progress)
            return true;
        histogram.complete = false;
        const bool go = progress(histogram);
        histogram.complete = true;
        return go;
    };
    // Runs `statement` (time in column 0, level 1, service 2) over [a, b), adding every row.
    const auto addRows = [&](sql::Statement &statement, const QueryEngine::Where &where, std::int64_t a, std::int64_t b) -> Result<void> {
        statement.reset();
        statement.bind(1, a).bind(2, b);
        for (std::size_t i = 0; i < where.values.size(); ++i)
            statement.bind(static_cast<int>(i + 3), where.values[i]);
        while (true) {
            auto row = statement.step();
            if (!row)
                return row.error();
            if (!*row)
                return {};
            add.add(statement.integer(0), statement.integer(1), statement.integer(2));
        }
    };

    if (filter.onlyTimeLevelService()) {
        QueryEngine engine(*this, *d);
        auto rowsWhere = engine.timeLevelServiceWhere(filter, true);
        if (!rowsWhere)
            return rowsWhere.error();
        auto rowStatement = sql::Statement::prepare(
            db, "SELECT ts, level, coalesce(service, 0) FROM events WHERE (" + rowsWhere->text + ") AND ts >= ?1 AND ts < ?2");
        if (!rowStatement)
            return rowStatement.error();
        if (spec.bucketNs % SecondNs != 0 || floorSecond(from) != from) {
            // Buckets finer than the stored seconds: count rows through the time index.
            if (auto added = addRows(*rowStatement, *rowsWhere, from, to); !added)
                return added.error();
            return histogram;
        }
        // Whole seconds from the bucket counts, except those a time bound of the query cuts: their rows.
        std::vector<std::int64_t> edges;
        collectTimeEdges(filter.root(), edges);
        std::vector<std::int64_t> cut;
        for (const std::int64_t edge : edges)
            if (edge > INT64_MIN + 1 && edge != INT64_MAX && edge % SecondNs != 0 && edge >= from && edge < to)
                cut.push_back(floorSecond(edge));
        std::sort(cut.begin(), cut.end());
        cut.erase(std::unique(cut.begin(), cut.end()), cut.end());
        auto bucketsWhere = engine.timeLevelServiceWhere(filter, false);
        if (!bucketsWhere)
            return bucketsWhere.error();
        auto reader = rollups::Reader::prepare(db, "level, service, sum(count)", bucketsWhere->text, bucketsWhere->values,
                                               " GROUP BY level, service");
        if (!reader)
            return reader.error();
        // Each histogram bucket is cut at every time bound of the filter, so that a rollup row never
        // straddles one; the seconds a bound splits come from their rows below.
        std::vector<std::int64_t> bounds;
        for (const std::int64_t edge : edges) {
            if (edge <= INT64_MIN + 1 || edge == INT64_MAX || edge < from || edge >= to)
                continue;
            bounds.push_back(floorSecond(edge));
            if (edge % SecondNs != 0)
                bounds.push_back(floorSecond(edge) + SecondNs);
        }
        if (spec.bucketNs < rollups::MinuteNs) {
            // No rollup fits in a bucket: one pass over the seconds, each row to its bucket.
            auto seconds = rollups::Reader::prepare(db, "start, level, service, count", bucketsWhere->text, bucketsWhere->values);
            if (!seconds)
                return seconds.error();
            std::vector<std::int64_t> points{from, to};
            points.insert(points.end(), bounds.begin(), bounds.end());
            std::sort(points.begin(), points.end());
            points.erase(std::unique(points.begin(), points.end()), points.end());
            for (std::size_t j = 0; j + 1 < points.size(); ++j) {
                if (points[j] < from || points[j + 1] > to || std::binary_search(cut.begin(), cut.end(), points[j]))
                    continue;
                auto added = seconds->run(points[j], points[j + 1], [&](const sql::Statement &row) {
                    add.add(row.integer(0), row.integer(1), row.integer(2), static_cast<std::uint64_t>(row.integer(3)));
                }, rollups::SecondNs);
                if (!added)
                    return added.error();
            }
        }
        for (std::size_t i = 0; spec.bucketNs >= rollups::MinuteNs && i < spec.buckets; ++i) {
            const std::int64_t begin = from + static_cast<std::int64_t>(i) * spec.bucketNs;
            std::vector<std::int64_t> points{begin, begin + spec.bucketNs};
            for (const std::int64_t bound : bounds)
                if (bound > begin && bound < begin + spec.bucketNs)
                    points.push_back(bound);
            std::sort(points.begin(), points.end());
            points.erase(std::unique(points.begin(), points.end()), points.end());
            for (std::size_t j = 0; j + 1 < points.size(); ++j) {
                if (std::binary_search(cut.begin(), cut.end(), points[j]))
                    continue;
                auto added = reader->run(points[j], points[j + 1], [&](const sql::Statement &row) {
                    add.add(begin, row.integer(0), row.integer(1), static_cast<std::uint64_t>(row.integer(2)));
                });
                if (!added)
                    return added.error();
            }
        }
        for (const std::int64_t second : cut)
            if (auto added = addRows(*rowStatement, *rowsWhere, second, second + SecondNs); !added)
                return added.error();
        return histogram;
    }

    QueryEngine engine(*this, *d);
    auto matches = engine.matches(filter);
    if (!matches)
        return matches.error();
    const QueryEngine::Matches &m = matches.value();
    const std::int64_t begin = std::max(m.begin, from);
    const std::int64_t end = std::min(m.end, to);
    // Events past the index come as rows whose service is a name: the dictionary maps it back.
    std::unordered_map<std::string, std::int64_t> serviceIds;
    if (spec.byService)
        for (const auto &[id, value] : dict)
            serviceIds.emplace(value, id);
    for (const EventRow &row : m.tail) {
        if (row.key.timeNs < begin || row.key.timeNs >= end)
            continue;
        auto service = serviceIds.find(row.service);
        add.add(row.key.timeNs, static_cast<std::int64_t>(row.level), service == serviceIds.end() ? 0 : service->second);
    }
    if (begin >= end)
        return histogram;
    // With the order in memory the matches come binned with their level and service: no row is read.
    auto binned = engine.binMatches(
        m, begin, end, from, spec.bucketNs, spec.buckets,
        [&](std::size_t bucket, int level, std::int64_t service) {
            add.add(from + static_cast<std::int64_t>(bucket) * spec.bucketNs, level, service);
        },
        report);
    if (!binned)
        return binned.error();
    if (*binned)
        return histogram;
    const auto inBounds = [&](std::int64_t ts) { return ts >= begin && ts < end; };

    if (!m.complement && m.ids.size() <= LookupLimit) {
        auto statement = sql::Statement::prepare(db, "SELECT ts, level, coalesce(service, 0) FROM events WHERE id = ?1");
        if (!statement)
            return statement.error();
        for (std::size_t i = 0; i < m.ids.size(); ++i) {
            statement->reset();
            statement->bind(1, m.ids[i]);
            auto row = statement->step();
            if (!row)
                return row.error();
            if (*row && inBounds(statement->integer(0)))
                add.add(statement->integer(0), statement->integer(1), statement->integer(2));
            if ((i + 1) % LookupChunk == 0 && i + 1 < m.ids.size() && !report())
                return cancelledError();
        }
        return histogram;
    }

    // Many matches: walk the time index when the time bounds hold few events, else scan id ranges.
    std::uint64_t universe = 0;
    for (const auto &[first, last] : m.live)
        if (first <= m.indexedThrough)
            universe += static_cast<std::uint64_t>(std::min(last, m.indexedThrough) - first + 1);
    auto within = rollups::Reader::prepare(db, "coalesce(sum(count), 0)", "1", {});
    if (!within)
        return within.error();
    // The seconds that hold [begin, end): whole seconds from the first to the one holding end - 1.
    const std::int64_t withinBegin = begin < rollups::DomainBegin ? begin : floorSecond(begin);
    const std::int64_t withinEnd = end >= rollups::DomainEnd || floorSecond(end) == end ? end : floorSecond(end) + SecondNs;
    std::uint64_t inRange = 0;
    if (auto summed = within->run(withinBegin, withinEnd, [&](const sql::Statement &row) { inRange += static_cast<std::uint64_t>(row.integer(0)); });
        !summed)
        return summed.error();
    const auto isMember = [&](std::int64_t id) {
        return std::binary_search(m.ids.begin(), m.ids.end(), id) != m.complement;
    };
    if (inRange * 4 < universe) {
        auto statement = sql::Statement::prepare(
            db, "SELECT ts, level, coalesce(service, 0), id FROM events WHERE ts >= ?1 AND ts < ?2 ORDER BY ts");
        if (!statement)
            return statement.error();
        statement->bind(1, begin).bind(2, end);
        std::int64_t seen = 0;
        while (true) {
            auto row = statement->step();
            if (!row)
                return row.error();
            if (!*row)
                break;
            const std::int64_t id = statement->integer(3);
            if (id <= m.indexedThrough && isMember(id))
                add.add(statement->integer(0), statement->integer(1), statement->integer(2));
            if (++seen % ScanChunk == 0 && !report())
                return cancelledError();
        }
        return histogram;
    }
    auto statement = sql::Statement::prepare(db, "SELECT id, ts, level, coalesce(service, 0) FROM events WHERE id >= ?1 AND id <= ?2");
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
                if (inBounds(ts))
                    add.add(ts, statement->integer(2), statement->integer(3));
            }
            if (!report())
                return cancelledError();
        }
    }
    return histogram;
}

namespace {

// The first (or last) time of the events a filter on time, level and service alone matches: the first
// hour with a matching count, then its first minute, then its first second, then that second's rows.
// As for counts, the range is cut at every time bound of the filter, and a second a bound splits is
// read from its rows.
Result<std::optional<std::int64_t>> edgeTime(sqlite3 *db, const QueryEngine::Where &buckets, const QueryEngine::Where &rows,
                                             const std::vector<std::int64_t> &edges, bool last)
{
    using Found = std::optional<std::int64_t>;
    const std::string order = last ? " ORDER BY start DESC LIMIT 1" : " ORDER BY start LIMIT 1";
    const std::string condition = " WHERE (" + buckets.text + ") AND start >= ?1 AND start < ?2";
    auto seconds = sql::Statement::prepare(db, "SELECT start FROM buckets" + condition + order);
    auto coarse = sql::Statement::prepare(
        db, "SELECT start FROM rollups" + condition + " AND width = ?" + std::to_string(buckets.values.size() + 3) + order);
    auto times = sql::Statement::prepare(db, std::string("SELECT ") + (last ? "max" : "min") + "(ts) FROM events WHERE ("
                                                 + rows.text + ") AND ts >= ?1 AND ts < ?2");
    if (!seconds)
        return seconds.error();
    if (!coarse)
        return coarse.error();
    if (!times)
        return times.error();
    const auto timeIn = [&](std::int64_t a, std::int64_t b) -> Result<Found> {
        times->reset();
        times->bind(1, a).bind(2, b);
        for (std::size_t i = 0; i < rows.values.size(); ++i)
            times->bind(static_cast<int>(i + 3), rows.values[i]);
        auto row = times->step();
        if (!row)
            return row.error();
        return *row && !times->isNull(0) ? Found(times->integer(0)) : Found();
    };
    const auto firstStart = [&](std::int64_t width, std::int64_t a, std::int64_t b) -> Result<Found> {
        sql::Statement &statement = width == SecondNs ? *seconds : *coarse;
        statement.reset();
        statement.bind(1, a).bind(2, b);
        for (std::size_t i = 0; i < buckets.values.size(); ++i)
            statement.bind(static_cast<int>(i + 3), buckets.values[i]);
        if (width != SecondNs)
            statement.bind(static_cast<int>(buckets.values.size() + 3), width);
        auto row = statement.step();
        if (!row)
            return row.error();
        return *row ? Found(statement.integer(0)) : Found();
    };
    std::function<Result<Found>(std::int64_t, std::int64_t, std::int64_t)> search = [&](std::int64_t a, std::int64_t b,
                                                                                        std::int64_t widest) -> Result<Found> {
        std::vector<std::tuple<std::int64_t, std::int64_t, std::int64_t>> spans;
        rollups::cover(a, b, [&](std::int64_t width, std::int64_t x, std::int64_t y) { spans.emplace_back(width, x, y); }, widest);
        if (last)
            std::reverse(spans.begin(), spans.end());
        for (const auto &[width, x, y] : spans) {
            auto start = firstStart(width, x, y);
            if (!start)
                return start.error();
            if (!*start)
                continue;
            Result<Found> found = Found();
            if (width == SecondNs) {
                found = timeIn(**start, **start > INT64_MAX - SecondNs ? INT64_MAX : **start + SecondNs);
            } else {
                std::int64_t finer = SecondNs;
                for (const std::int64_t w : rollups::Widths)
                    if (w < width)
                        finer = w;
                found = search(**start, **start + width, finer);
            }
            if (!found || *found)
                return found;
        }
        return Found();
    };

    std::vector<std::int64_t> cut;
    std::vector<std::int64_t> points{INT64_MIN + 1, INT64_MAX};
    for (const std::int64_t edge : edges) {
        if (edge <= INT64_MIN + 1 || edge == INT64_MAX)
            continue;
        points.push_back(floorSecond(edge));
        if (edge % SecondNs != 0) {
            cut.push_back(floorSecond(edge));
            if (floorSecond(edge) <= INT64_MAX - SecondNs)
                points.push_back(floorSecond(edge) + SecondNs);
        }
    }
    std::sort(cut.begin(), cut.end());
    std::sort(points.begin(), points.end());
    points.erase(std::unique(points.begin(), points.end()), points.end());
    for (std::size_t k = 0; k + 1 < points.size(); ++k) {
        const std::size_t j = last ? points.size() - 2 - k : k;
        const std::int64_t p = points[j];
        const std::int64_t q = points[j + 1];
        auto found = std::binary_search(cut.begin(), cut.end(), p) ? timeIn(p, q) : search(p, q, rollups::HourNs);
        if (!found || *found)
            return found;
    }
    return Found();
}

} // namespace

Result<std::optional<std::pair<std::int64_t, std::int64_t>>> SqliteStore::timeExtent(const QueryFilter &filter)
{
    sql::ReadTransaction transaction(d->db.get());
    if (filter.onlyTimeLevelService() && filter.root().kind != QueryFilter::Node::Kind::All) {
        QueryEngine engine(*this, *d);
        auto rowsWhere = engine.timeLevelServiceWhere(filter, true);
        if (!rowsWhere)
            return rowsWhere.error();
        auto bucketsWhere = engine.timeLevelServiceWhere(filter, false);
        if (!bucketsWhere)
            return bucketsWhere.error();
        std::vector<std::int64_t> edges;
        collectTimeEdges(filter.root(), edges);
        auto first = edgeTime(d->db.get(), *bucketsWhere, *rowsWhere, edges, false);
        if (!first)
            return first.error();
        if (!*first)
            return std::optional<std::pair<std::int64_t, std::int64_t>>();
        auto last = edgeTime(d->db.get(), *bucketsWhere, *rowsWhere, edges, true);
        if (!last)
            return last.error();
        if (!*last)
            return std::optional<std::pair<std::int64_t, std::int64_t>>();
        return std::optional<std::pair<std::int64_t, std::int64_t>>(std::pair{**first, **last});
    }
    using Extent = std::optional<std::pair<std::int64_t, std::int64_t>>;
    if (filter.root().kind == QueryFilter::Node::Kind::All) {
        // Two queries: SQLite answers a lone min() or max() from the index's end.
        auto first = sql::queryInteger(d->db.get(), "SELECT min(ts) FROM events WHERE ts > -9223372036854775808", INT64_MIN);
        auto last = sql::queryInteger(d->db.get(), "SELECT max(ts) FROM events WHERE ts > -9223372036854775808", INT64_MIN);
        if (!first)
            return first.error();
        if (!last)
            return last.error();
        auto empty = sql::queryInteger(d->db.get(), "SELECT count(*) FROM (SELECT 1 FROM events WHERE ts > -9223372036854775808 LIMIT 1)");
        if (!empty)
            return empty.error();
        if (*empty == 0)
            return Extent();
        return Extent(std::pair{*first, *last});
    }
    {
        // One evaluation of the filter, its first and last match read off the order.
        QueryEngine engine(*this, *d);
        auto matches = engine.matches(filter);
        if (!matches)
            return matches.error();
        auto extent = engine.extentOf(matches.value());
        if (!extent)
            return extent.error();
        if (extent->has_value())
            return **extent;
    }
    // Past every event without a time, which sorts first.
    const EventKey afterTimeless{NoTimeNs, INT64_MAX, UINT32_MAX, UINT32_MAX};
    auto first = events(filter, afterTimeless, 1, Direction::Ascending);
    if (!first)
        return first.error();
    if (first->empty())
        return Extent();
    auto last = events(filter, std::nullopt, 1, Direction::Descending);
    if (!last)
        return last.error();
    if (last->empty() || last->front().key.timeNs == NoTimeNs)
        return Extent();
    return Extent(std::pair{first->front().key.timeNs, last->front().key.timeNs});
}

namespace {

using ErrorTerms = IndexBuilder::ErrorTerms;

// The first nanosecond of a minute of the `@errmin=` terms, saturated at the ends of the time line.
std::int64_t minuteStart(std::int64_t minute)
{
    if (minute < INT64_MIN / ErrorTerms::MinuteNs)
        return INT64_MIN;
    if (minute > INT64_MAX / ErrorTerms::MinuteNs)
        return INT64_MAX;
    return minute * ErrorTerms::MinuteNs;
}

// Error events grouped by the terms the import stored for them: their signature, service and
// minute come from posting lists; rows are read only for the events whose exact time matters (those
// of a group's first and last minutes, and of minutes a time bound or a timeline bucket cuts).
class StoredGroups
{
public:
    StoredGroups(sqlite3 *db, const Ids &chosen, std::int64_t begin, std::int64_t end, const std::optional<HistogramSpec> &timeline,
                 const std::function<bool()> &stop)
        : m_db(db)
        , m_chosen(chosen)
        , m_begin(begin)
        , m_end(end)
        , m_timeline(timeline)
        , m_stop(stop)
        , m_sig(chosen.size(), -1)
        , m_service(chosen.size(), -1)
        , m_minute(chosen.size(), 0)
        , m_hasMinute(chosen.size(), 0)
    {
    }

    // Fills out.stored and out.services (through serviceIndex); `slow` gets the indexes into chosen
    // of the events without stored terms.
    Result<void> run(ErrorEvents &out, const std::function<std::uint32_t(const std::string &)> &serviceIndex,
                     std::vector<std::size_t> &slow)
    {
        if (auto read = readTerms(); !read)
            return read;
        if (m_stop())
            return cancelledError();
        const std::size_t n = m_chosen.size();
        // 0 out of the bounds, 1 in, 2 in with the exact time read, 3 unknown until the row is read.
        m_state.assign(n, 0);
        m_ts.assign(n, 0);
        std::vector<std::size_t> read;
        for (std::size_t i = 0; i < n; ++i) {
            if (m_sig[i] < 0 || m_service[i] < 0 || !m_hasMinute[i]) {
                slow.push_back(i);
                continue;
            }
            const std::int64_t a = minuteStart(m_minute[i]);
            const std::int64_t b = minuteStart(m_minute[i] + 1);
            if (b <= m_begin || a >= m_end)
                continue;
            m_state[i] = 1;
            if (a < m_begin || b > m_end || cutByTimeline(a, b)) {
                m_state[i] = 3;
                read.push_back(i);
            }
        }
        if (auto times = readTimes(read); !times)
            return times;
        // Each group's first and last minutes, and each service's first in each group.
        const std::size_t groups = m_terms.size();
        std::vector<std::int64_t> firstMinute(groups, INT64_MAX);
        std::vector<std::int64_t> lastMinute(groups, INT64_MIN);
        std::unordered_map<std::uint64_t, std::int64_t> firstServiceMinute;
        const auto key = [&](std::size_t i) {
            return (static_cast<std::uint64_t>(m_sig[i]) << 32) | static_cast<std::uint32_t>(m_service[i]);
        };
        for (std::size_t i = 0; i < n; ++i) {
            if (m_state[i] == 0)
                continue;
            const auto g = static_cast<std::size_t>(m_sig[i]);
            firstMinute[g] = std::min(firstMinute[g], m_minute[i]);
            lastMinute[g] = std::max(lastMinute[g], m_minute[i]);
            auto [at, added] = firstServiceMinute.try_emplace(key(i), m_minute[i]);
            if (!added)
                at->second = std::min(at->second, m_minute[i]);
        }
        read.clear();
        for (std::size_t i = 0; i < n; ++i) {
            if (m_state[i] != 1)
                continue;
            const auto g = static_cast<std::size_t>(m_sig[i]);
            if (m_minute[i] == firstMinute[g] || m_minute[i] == lastMinute[g] || m_minute[i] == firstServiceMinute[key(i)]) {
                m_state[i] = 3;
                read.push_back(i);
            }
        }
        if (auto times = readTimes(read); !times)
            return times;

        // Every event of a first or last minute has its time now, and no other can be earlier or later.
        std::vector<StoredErrorGroup> stored(groups);
        std::vector<std::unordered_map<std::int32_t, std::size_t>> serviceSlots(groups);
        const std::int64_t timelineEnd = m_timeline ? m_timeline->fromNs + static_cast<std::int64_t>(m_timeline->buckets) * m_timeline->bucketNs : 0;
        for (std::size_t i = 0; i < n; ++i) {
            if (m_state[i] == 0)
                continue;
            const auto g = static_cast<std::size_t>(m_sig[i]);
            StoredErrorGroup &group = stored[g];
            const std::int64_t id = m_chosen[i];
            const bool exact = m_state[i] == 2;
            if (group.count == 0) {
                group.firstId = id;
                group.firstNs = INT64_MAX;
                group.lastNs = INT64_MIN;
                if (m_timeline)
                    group.timeline.assign(m_timeline->buckets, 0);
            }
            ++group.count;
            auto [slot, added] = serviceSlots[g].try_emplace(m_service[i], group.services.size());
            if (added)
                group.services.push_back({serviceIndex(m_services[static_cast<std::size_t>(m_service[i])]), 0, INT64_MAX});
            StoredErrorGroup::Service &service = group.services[slot->second];
            ++service.count;
            if (exact) {
                const std::int64_t ts = m_ts[i];
                if (ts < group.firstNs || (ts == group.firstNs && id < group.sampleId)) {
                    group.firstNs = ts;
                    group.sampleId = id;
                }
                group.lastNs = std::max(group.lastNs, ts);
                service.firstNs = std::min(service.firstNs, ts);
            }
            if (m_timeline) {
                // Exact, or a minute wholly inside one bucket (cutByTimeline read the others).
                const std::int64_t ts = exact ? m_ts[i] : minuteStart(m_minute[i]);
                if (ts >= m_timeline->fromNs && ts < timelineEnd)
                    ++group.timeline[static_cast<std::size_t>((ts - m_timeline->fromNs) / m_timeline->bucketNs)];
            }
        }
        for (std::size_t g = 0; g < groups; ++g) {
            if (stored[g].count == 0)
                continue;
            std::string_view term = m_terms[g];
            term.remove_prefix(ErrorTerms::Signature.size());
            const bool typed = term.starts_with(ErrorTerms::TypeKind);
            term.remove_prefix(typed ? ErrorTerms::TypeKind.size() : ErrorTerms::MessageKind.size());
            const std::size_t equals = term.find('=');
            stored[g].typePath = std::string(term.substr(0, equals));
            stored[g].signature = std::string(term.substr(equals + 1));
            out.stored.push_back(std::move(stored[g]));
        }
        return {};
    }

private:
    Result<void> readTerms()
    {
        std::unordered_map<std::string, std::int32_t> sigIndex;
        std::unordered_map<std::string, std::int32_t> serviceIndex;
        bool malformed = false;
        // "@err" up to "@ers": the minute, signature and service terms in one pass over their blocks,
        // where a lookup per term would cost one per term and segment.
        auto read = PostingReader(m_db).forEachListInRange("@err", "@ers", [&](std::string_view term, std::string_view list) {
            enum class Kind { Minute, Signature, Service } kind;
            std::int32_t value = 0;
            std::int64_t minute = 0;
            if (term.starts_with(ErrorTerms::Minute)) {
                kind = Kind::Minute;
                const std::string_view digits = term.substr(ErrorTerms::Minute.size());
                const auto parsed = std::from_chars(digits.data(), digits.data() + digits.size(), minute);
                if (parsed.ec != std::errc() || parsed.ptr != digits.data() + digits.size())
                    return;
            } else if (term.starts_with(ErrorTerms::Signature)) {
                const std::string_view rest = term.substr(ErrorTerms::Signature.size());
                if ((!rest.starts_with(ErrorTerms::TypeKind) && !rest.starts_with(ErrorTerms::MessageKind)) || rest.find('=') == std::string_view::npos)
                    return;
                kind = Kind::Signature;
                auto [at, added] = sigIndex.try_emplace(std::string(term), static_cast<std::int32_t>(m_terms.size()));
                if (added)
                    m_terms.emplace_back(term);
                value = at->second;
            } else if (term.starts_with(ErrorTerms::Service)) {
                kind = Kind::Service;
                const std::string_view name = term.substr(ErrorTerms::Service.size());
                auto [at, added] = serviceIndex.try_emplace(std::string(name), static_cast<std::int32_t>(m_services.size()));
                if (added)
                    m_services.emplace_back(name);
                value = at->second;
            } else {
                return;
            }
            auto position = m_chosen.begin();
            const bool readable = varint::forEachId(list, [&](std::int64_t id) {
                position = std::lower_bound(position, m_chosen.end(), id);
                if (position == m_chosen.end() || *position != id)
                    return;
                const auto i = static_cast<std::size_t>(position - m_chosen.begin());
                // Two values of one kind (a record field that happens to be named like these terms):
                // the event is read one by one instead.
                switch (kind) {
                case Kind::Minute:
                    if (m_hasMinute[i] && m_minute[i] != minute)
                        m_sig[i] = -2;
                    m_minute[i] = minute;
                    m_hasMinute[i] = 1;
                    break;
                case Kind::Signature: m_sig[i] = m_sig[i] == -1 || m_sig[i] == value ? value : -2; break;
                case Kind::Service: m_service[i] = m_service[i] == -1 || m_service[i] == value ? value : -2; break;
                }
            });
            malformed = malformed || !readable;
        });
        if (!read)
            return read;
        if (malformed)
            return makeError(ErrorCode::Store, "a posting list is malformed");
        return {};
    }

    // Whether a minute [a, b) overlaps the timeline without lying inside one of its buckets.
    bool cutByTimeline(std::int64_t a, std::int64_t b) const
    {
        if (!m_timeline || m_timeline->bucketNs <= 0)
            return false;
        const std::int64_t from = m_timeline->fromNs;
        const std::int64_t to = from + static_cast<std::int64_t>(m_timeline->buckets) * m_timeline->bucketNs;
        if (b <= from || a >= to)
            return false;
        if (a < from || b > to)
            return true;
        return (a - from) / m_timeline->bucketNs != (b - 1 - from) / m_timeline->bucketNs;
    }

    // Reads the times of these events (indexes into chosen, ascending); those out of the bounds, or
    // whose row is gone, drop out.
    Result<void> readTimes(const std::vector<std::size_t> &indexes)
    {
        if (indexes.empty())
            return {};
        if (!m_lookup) {
            auto statement = sql::Statement::prepare(m_db, "SELECT ts FROM events WHERE id = ?1");
            if (!statement)
                return statement.error();
            m_lookup.emplace(std::move(statement.value()));
        }
        std::size_t done = 0;
        for (const std::size_t i : indexes) {
            if (++done % 4096 == 0 && m_stop())
                return cancelledError();
            m_lookup->reset();
            m_lookup->bind(1, m_chosen[i]);
            auto row = m_lookup->step();
            if (!row)
                return row.error();
            if (!*row) {
                m_state[i] = 0;
                continue;
            }
            m_ts[i] = m_lookup->integer(0);
            m_state[i] = m_ts[i] >= m_begin && m_ts[i] < m_end ? 2 : 0;
        }
        return {};
    }

    sqlite3 *m_db;
    const Ids &m_chosen;
    std::int64_t m_begin;
    std::int64_t m_end;
    const std::optional<HistogramSpec> &m_timeline;
    const std::function<bool()> &m_stop;
    std::vector<std::string> m_terms; ///< signature terms, whole
    std::vector<std::string> m_services; ///< service names of the `@errsvc=` terms
    // Per event of chosen: signature term and service (-1 none, -2 ambiguous), minute.
    std::vector<std::int32_t> m_sig;
    std::vector<std::int32_t> m_service;
    std::vector<std::int64_t> m_minute;
    std::vector<std::uint8_t> m_hasMinute;
    std::vector<std::uint8_t> m_state;
    std::vector<std::int64_t> m_ts;
    std::optional<sql::Statement> m_lookup;
};

} // namespace

Result<ErrorEvents> SqliteStore::errorEvents(const QueryFilter &filter, const ErrorEventsRequest &request, const std::atomic<bool> *cancelled)
{
    sql::ReadTransaction transaction(d->db.get());
    const std::function<bool()> stop = [&] { return cancelled && cancelled->load(std::memory_order_relaxed); };
    const std::vector<std::string> &typePaths = request.typePaths;
    sqlite3 *db = d->db.get();
    auto matches = QueryEngine(*this, *d).matches(filter);
    if (!matches)
        return matches.error();
    const QueryEngine::Matches &m = matches.value();
    // Error and fatal events from their level posting lists, then those the filter keeps.
    Ids errors;
    for (const char *term : {"@level=5", "@level=6"}) {
        auto ids = QueryEngine(*this, *d).termIds(term);
        if (!ids)
            return ids.error();
        Ids both;
        both.reserve(errors.size() + ids->size());
        std::merge(errors.begin(), errors.end(), ids->begin(), ids->end(), std::back_inserter(both));
        errors = std::move(both);
    }
    Ids chosen;
    chosen.reserve(m.complement ? errors.size() : std::min(errors.size(), m.ids.size()));
    if (m.complement)
        std::set_difference(errors.begin(), errors.end(), m.ids.begin(), m.ids.end(), std::back_inserter(chosen));
    else
        std::set_intersection(errors.begin(), errors.end(), m.ids.begin(), m.ids.end(), std::back_inserter(chosen));
    if (stop())
        return cancelledError();

    ErrorEvents out;
    auto dict = readDictionary(db);
    if (!dict)
        return dict.error();
    std::unordered_map<std::string, std::uint32_t> serviceByName;
    const auto serviceIndex = [&](const std::string &name) {
        auto [at, added] = serviceByName.try_emplace(name, static_cast<std::uint32_t>(out.services.size()));
        if (added)
            out.services.push_back(name);
        return at->second;
    };
    std::unordered_map<std::int64_t, std::uint32_t> serviceByDictId;
    const auto serviceOf = [&](std::int64_t dictId) {
        auto found = serviceByDictId.find(dictId);
        if (found != serviceByDictId.end())
            return found->second;
        auto name = dict->find(dictId);
        const std::uint32_t index = serviceIndex(name == dict->end() ? std::string() : name->second);
        serviceByDictId.emplace(dictId, index);
        return index;
    };

    // The events to read one by one, as indexes into chosen.
    std::vector<std::size_t> slow;
    if (request.storedSignatures) {
        StoredGroups stored(db, chosen, m.begin, m.end, request.timeline, stop);
        if (auto grouped = stored.run(out, serviceIndex, slow); !grouped)
            return grouped.error();
    } else {
        slow.resize(chosen.size());
        for (std::size_t i = 0; i < slow.size(); ++i)
            slow[i] = i;
    }
    Ids slowIds;
    slowIds.reserve(slow.size());
    for (const std::size_t i : slow)
        slowIds.push_back(chosen[i]);

    // The error type from the `path=value` terms: one posting list per distinct value.
    std::vector<std::pair<const std::string *, int>> types(slowIds.size(), {nullptr, -1});
    std::vector<std::string> typeValues;
    std::vector<std::tuple<std::size_t, int, Ids>> typed; // index into typeValues, path, ids
    for (std::size_t p = 0; p < typePaths.size() && !slowIds.empty(); ++p) {
        const std::string &path = typePaths[p];
        QueryEngine engine(*this, *d);
        auto terms = engine.termsWithPrefix(path + "=");
        if (!terms)
            return terms.error();
        for (const std::string &term : terms.value()) {
            auto ids = engine.termIds(term);
            if (!ids)
                return ids.error();
            Ids hits;
            std::set_intersection(slowIds.begin(), slowIds.end(), ids->begin(), ids->end(), std::back_inserter(hits));
            if (hits.empty())
                continue;
            typeValues.push_back(term.substr(path.size() + 1));
            typed.emplace_back(typeValues.size() - 1, static_cast<int>(p), std::move(hits));
        }
    }
    // Typed in path order: the first path an event holds wins.
    for (const auto &[index, path, ids] : typed)
        for (const std::int64_t id : ids) {
            const auto at = static_cast<std::size_t>(std::lower_bound(slowIds.begin(), slowIds.end(), id) - slowIds.begin());
            if (!types[at].first)
                types[at] = {&typeValues[index], path};
        }

    auto statement = sql::Statement::prepare(db, "SELECT ts, level, coalesce(service, 0), message FROM events WHERE id = ?1");
    if (!statement)
        return statement.error();
    out.events.reserve(slowIds.size());
    for (std::size_t i = 0; i < slowIds.size(); ++i) {
        if (i % 4096 == 0 && stop())
            return cancelledError();
        statement->reset();
        statement->bind(1, slowIds[i]);
        auto row = statement->step();
        if (!row)
            return row.error();
        if (!*row)
            continue;
        const std::int64_t ts = statement->integer(0);
        if (ts < m.begin || ts >= m.end)
            continue;
        ErrorEvent event;
        event.id = slowIds[i];
        event.timeNs = ts;
        event.level = static_cast<Level>(std::clamp<std::int64_t>(statement->integer(1), 0, LevelCount - 1));
        event.service = serviceOf(statement->integer(2));
        event.message = statement->text(3);
        if (types[i].first) {
            event.errorType = *types[i].first;
            event.typePath = types[i].second;
        }
        out.events.push_back(std::move(event));
    }
    // Events still being imported have no postings: their types come from their fields.
    std::unordered_map<std::string, std::int64_t> dictIds;
    for (const auto &[id, value] : dict.value())
        dictIds.emplace(value, id);
    for (const EventRow &row : m.tail) {
        if (row.level != Level::Error && row.level != Level::Fatal)
            continue;
        ErrorEvent event;
        event.id = row.id;
        event.timeNs = row.key.timeNs;
        event.level = row.level;
        auto dictId = dictIds.find(row.service);
        event.service = serviceOf(dictId == dictIds.end() ? 0 : dictId->second);
        event.message = row.message;
        auto fieldList = fields(row);
        if (fieldList) {
            for (std::size_t p = 0; p < typePaths.size(); ++p) {
                auto found = std::find_if(fieldList->begin(), fieldList->end(), [&](const auto &field) { return field.first == typePaths[p]; });
                if (found != fieldList->end()) {
                    event.errorType = found->second;
                    event.typePath = static_cast<int>(p);
                    break;
                }
            }
        }
        out.events.push_back(std::move(event));
    }
    return out;
}

Result<std::vector<EventRow>> SqliteStore::eventsById(const std::vector<std::int64_t> &ids)
{
    sql::ReadTransaction transaction(d->db.get());
    auto statement = sql::Statement::prepare(d->db.get(), std::string("SELECT ") + EventColumns + " FROM events WHERE id = ?1");
    if (!statement)
        return statement.error();
    std::vector<EventRow> rows;
    for (const std::int64_t id : ids) {
        statement->reset();
        statement->bind(1, id);
        auto read = readEvents(*d, *statement);
        if (!read)
            return read.error();
        for (EventRow &row : read.value())
            rows.push_back(std::move(row));
    }
    std::sort(rows.begin(), rows.end(), [](const EventRow &a, const EventRow &b) { return a.key < b.key; });
    return rows;
}

} // namespace core
