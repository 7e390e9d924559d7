// SPDX-License-Identifier: MIT
// SqliteStore's analysis readers: per-level histograms (histogramreader.h), time extents and error
// events (errorgroupreader.h). Filters on time, level and service alone answer from the bucket counts (bucketcounts.h);
// other filters from the query engine's matching ids, reading only the few columns they need.
#include "bucketcounts.h"
#include "errorgroupreader.h"
#include "histogramreader.h"
#include "queryengine.h"
#include "querycontext.h"
#include "storeprivate.h"

#include <algorithm>

namespace core {

Result<LevelHistogram> SqliteStore::levelHistogram(const QueryFilter &filter, const HistogramSpec &spec, const HistogramProgress &progress)
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
    }());
}

Result<ErrorEvents> SqliteStore::errorEvents(const QueryFilter &filter, const ErrorEventsRequest &request, const std::atomic<bool> *cancelled)
{
    sql::ReadTransaction transaction(d->db.get());
    return answered(*d, ErrorGroupReader(*this, *d).read(filter, request, cancelled));
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
