// SPDX-License-Identifier: MIT
// SqliteStore's analysis readers: per-level histograms (histogramreader.h), time extents and error
// events (errorgroupreader.h). Filters on time, level and service alone answer from the bucket counts (bucketcounts.h);
// other filters from the query engine's matching ids, reading only the few columns they need.
#include "bucketcounts.h"
#include "errorgroupreader.h"
#include "histogramreader.h"
#include "querycontext.h"
#include "queryengine.h"
#include "storeprivate.h"

#include <algorithm>

namespace core {

Result<LevelHistogram> SqliteStore::levelHistogram(const QueryFilter &filter, const HistogramSpec &spec,
                                                   const HistogramProgress &progress)
{
    sql::ReadTransaction transaction(d->db.get());
    return answered(*d, HistogramReader(*this, *d, filter, spec, progress).read());
}

Result<std::optional<std::pair<std::int64_t, std::int64_t>>> SqliteStore::timeExtent(const QueryFilter &filter)
{
    sql::ReadTransaction transaction(d->db.get());
    using Extent = std::optional<std::pair<std::int64_t, std::int64_t>>;
    return answered(*d, [&]() -> Result<Extent> {
        if (filter.onlyTimeLevelService() && filter.root().kind != QueryFilter::Node::Kind::All) {
            QueryEngine engine(*this, *d);
            if (auto prepared = engine.context().prepare(filter); !prepared)
                return prepared.error();
            auto counts = BucketCounts::make(engine.context(), filter);
            if (!counts)
                return counts.error();
            auto first = counts->edgeTime(false);
            if (!first)
                return first.error();
            if (!*first)
                return Extent();
            auto last = counts->edgeTime(true);
            if (!last)
                return last.error();
            if (!*last)
                return Extent();
            return Extent(std::pair{**first, **last});
        }
        if (filter.root().kind == QueryFilter::Node::Kind::All) {
            // Two queries: SQLite answers a lone min() or max() from the index's end.
            auto first = sql::queryInteger(d->db.get(), "SELECT min(ts) FROM events WHERE ts > -9223372036854775808",
                                           INT64_MIN);
            auto last = sql::queryInteger(d->db.get(), "SELECT max(ts) FROM events WHERE ts > -9223372036854775808",
                                          INT64_MIN);
            if (!first)
                return first.error();
            if (!last)
                return last.error();
            auto empty = sql::queryInteger(
                d->db.get(), "SELECT count(*) FROM (SELECT 1 FROM events WHERE ts > -9223372036854775808 LIMIT 1)");
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
    }());
}

Result<ErrorEvents> SqliteStore::errorEvents(const QueryFilter &filter, const ErrorEventsRequest &request,
                                             const std::atomic<bool> *cancelled)
{
    sql::ReadTransaction transaction(d->db.get());
    return answered(*d, ErrorGroupReader(*this, *d).read(filter, request, cancelled));
}

namespace {

// Finds the row of each key. With the events_order index the key is looked up directly. Without it
// (the first import into a store is still running) a source's rows are bisected by id: an import
// writes them contiguously, from the source's first_event on, in (line, index) order.
class RowFinder
{
public:
    explicit RowFinder(sqlite3 *db)
        : m_db(db)
    { }

    Result<void> prepare()
    {
        auto index = sql::queryInteger(
            m_db, "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name = 'events_order'");
        if (!index)
            return index.error();
        m_indexed = index.value() > 0;
        auto byKey = sql::Statement::prepare(
            m_db, "SELECT id FROM events WHERE ts = ?1 AND source = ?2 AND line = ?3 AND idx = ?4");
        auto byId = sql::Statement::prepare(m_db, "SELECT ts, source, line, idx FROM events WHERE id = ?1");
        auto range = sql::Statement::prepare(
            m_db,
            "SELECT first_event, CASE WHEN status = 'importing' THEN (SELECT max(id) FROM events) "
            "ELSE first_event + events - 1 END FROM sources WHERE id = ?1 AND first_event IS NOT NULL");
        if (!byKey || !byId || !range)
            return sql::storeError(m_db, "preparing the lookup of events by key");
        m_byKey = std::move(byKey.value());
        m_byId = std::move(byId.value());
        m_range = std::move(range.value());
        return {};
    }

    Result<std::optional<std::int64_t>> find(const EventKey &key)
    {
        if (m_indexed) {
            m_byKey.reset();
            m_byKey.bind(1, key.timeNs)
                .bind(2, key.sourceId)
                .bind(3, std::int64_t{key.line})
                .bind(4, std::int64_t{key.index});
            auto row = m_byKey.step();
            if (!row)
                return row.error();
            return *row ? std::optional(m_byKey.integer(0)) : std::nullopt;
        }
        m_range.reset();
        m_range.bind(1, key.sourceId);
        auto range = m_range.step();
        if (!range)
            return range.error();
        if (!*range || m_range.isNull(1))
            return std::optional<std::int64_t>();
        std::int64_t low = m_range.integer(0);
        std::int64_t high = m_range.integer(1);
        const auto wanted = std::pair{key.line, key.index};
        while (low <= high) {
            const std::int64_t middle = low + (high - low) / 2;
            m_byId.reset();
            m_byId.bind(1, middle);
            auto row = m_byId.step();
            if (!row)
                return row.error();
            if (!*row || m_byId.integer(1) != key.sourceId)
                return std::optional<std::int64_t>();
            const auto here = std::pair{static_cast<std::uint32_t>(m_byId.integer(2)),
                                        static_cast<std::uint32_t>(m_byId.integer(3))};
            if (here == wanted)
                return m_byId.integer(0) == key.timeNs ? std::optional(middle) : std::nullopt;
            if (here < wanted)
                low = middle + 1;
            else
                high = middle - 1;
        }
        return std::optional<std::int64_t>();
    }

private:
    sqlite3 *m_db;
    bool m_indexed = false;
    sql::Statement m_byKey;
    sql::Statement m_byId;
    sql::Statement m_range;
};

} // namespace

Result<std::vector<EventRow>> SqliteStore::eventsByKey(const std::vector<EventKey> &keys)
{
    sql::ReadTransaction transaction(d->db.get());
    RowFinder finder(d->db.get());
    if (auto prepared = finder.prepare(); !prepared)
        return prepared.error();
    auto statement
        = sql::Statement::prepare(d->db.get(), std::string("SELECT ") + EventColumns + " FROM events WHERE id = ?1");
    if (!statement)
        return statement.error();
    std::vector<EventRow> rows;
    for (const EventKey &key : keys) {
        auto id = finder.find(key);
        if (!id)
            return id.error();
        if (!id.value())
            continue;
        statement->reset();
        statement->bind(1, *id.value());
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
