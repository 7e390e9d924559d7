// SPDX-License-Identifier: MIT
#include "bucketcounts.h"

#include "levelaccumulator.h"
#include "querycontext.h"
#include "rollups.h"
#include "secondcuts.h"

#include <core/query/querybounds.h>

#include <algorithm>
#include <functional>
#include <tuple>

namespace core {

using Node = QueryFilter::Node;
using rollups::floorSecond;
using rollups::SecondNs;

BucketCounts::BucketCounts(QueryContext &context, const QueryFilter &filter, QueryMatcher::ServiceIds serviceIds)
    : m_db(context.db())
    , m_filter(filter)
    , m_serviceIds(std::move(serviceIds))
    , m_edges(QueryBounds::edges(filter.root()))
{ }

Result<BucketCounts> BucketCounts::make(QueryContext &context, const QueryFilter &filter)
{
    if (!filter.onlyTimeLevelService())
        return makeError(ErrorCode::Usage, "the filter is not on time, level and service alone");
    auto serviceIds = context.serviceIds(filter);
    if (!serviceIds)
        return serviceIds.error();
    return BucketCounts(context, filter, std::move(serviceIds.value()));
}

void BucketCounts::Condition::bind(sql::Statement &statement) const
{
    for (std::size_t i = 0; i < values.size(); ++i)
        statement.bind(static_cast<int>(i + 3), values[i]);
}

// Every identifier this schema's own: only values come from the filter, and they are bound.
void BucketCounts::render(const Node &node, const char *timeColumn, const QueryMatcher::ServiceIds &serviceIds,
                          Condition &out)
{
    const auto bind = [&](std::int64_t value) {
        out.values.push_back(value);
        out.text.push_back('?');
        out.text += std::to_string(out.values.size() + 2);
    };
    switch (node.kind) {
    case Node::Kind::All:
        out.text += "1";
        return;
    case Node::Kind::None:
        out.text += "0";
        return;
    case Node::Kind::Not:
        out.text += "NOT (";
        render(node.children.front(), timeColumn, serviceIds, out);
        out.text += ")";
        return;
    case Node::Kind::And:
    case Node::Kind::Or: {
        // Halves, each in parentheses: SQLite nests a chain of n ORs n deep and refuses 1000 of them
        // ("Expression tree is too large"), while halves nest only log2(n) deep.
        const char *op = node.kind == Node::Kind::And ? " AND " : " OR ";
        const std::function<void(std::size_t, std::size_t)> halves = [&](std::size_t begin, std::size_t end) {
            if (end - begin == 1)
                return render(node.children[begin], timeColumn, serviceIds, out);
            const std::size_t middle = begin + (end - begin) / 2;
            out.text += "(";
            halves(begin, middle);
            out.text += op;
            halves(middle, end);
            out.text += ")";
        };
        halves(0, node.children.size());
        return;
    }
    case Node::Kind::Time:
        out.text += std::string("(") + timeColumn + " >= ";
        bind(node.timeBegin);
        out.text += std::string(" AND ") + timeColumn + " < ";
        bind(node.timeEnd);
        out.text += ")";
        return;
    case Node::Kind::Level:
        out.text += "((1 << level) & ";
        bind(node.levels);
        out.text += ") != 0";
        return;
    default: {
        // The same meaning as QueryMatcher::levelServiceHolds, asked of SQL.
        auto found = serviceIds.find(QueryMatcher::serviceKey(node.value));
        out.text += "coalesce(service, 0) IN (";
        if (found != serviceIds.end())
            for (std::size_t i = 0; i < found->second.size(); ++i) {
                if (i > 0)
                    out.text += ", ";
                bind(found->second[i]);
            }
        out.text += ")";
        return;
    }
    }
}

BucketCounts::Condition BucketCounts::condition(const char *timeColumn) const
{
    Condition out;
    render(m_filter.root(), timeColumn, m_serviceIds, out);
    return out;
}

Result<std::uint64_t> BucketCounts::count(std::int64_t from, std::int64_t to)
{
    // The filter's own top-level time bounds narrow the range, so the sums never read rows it excludes.
    // (HasTimeNs only says "has a time": the sums below take it from the filter itself.)
    const QueryBounds bounds = QueryBounds::of(m_filter.root());
    if (bounds.begin > HasTimeNs)
        from = std::max(from, bounds.begin);
    to = std::min(to, bounds.end);
    if (from >= to)
        return std::uint64_t{0};
    std::vector<std::int64_t> edges = m_edges;
    edges.push_back(from);
    edges.push_back(to);
    const SecondCuts cuts(edges);

    // Whole seconds: a bucket's start is one, so bounds that are not move to the next one.
    const std::int64_t a = from == INT64_MIN ? INT64_MIN
        : floorSecond(from) == from          ? from
                                             : floorSecond(from) + SecondNs;
    const std::int64_t b = to == INT64_MAX ? INT64_MAX : floorSecond(to) == to ? to : floorSecond(to);
    const Condition buckets = condition("start");
    auto reader = rollups::Reader::prepare(m_db, "coalesce(sum(count), 0)", buckets.text, buckets.values);
    if (!reader)
        return reader.error();
    std::uint64_t total = 0;
    const auto sum
        = [&](const sql::Statement &statement) { total += static_cast<std::uint64_t>(statement.integer(0)); };
    for (const SecondCuts::Span &span : cuts.spans(a, b))
        if (!span.cut)
            if (auto counted = reader->run(span.begin, span.end, sum); !counted)
                return counted.error();

    // `+ts` keeps the filter's own (wide) time conditions off the index, so it seeks to the one second.
    const Condition rows = condition("+ts");
    auto statement
        = sql::Statement::prepare(m_db, "SELECT count(*) FROM events WHERE " + rows.text + " AND ts >= ?1 AND ts < ?2");
    if (!statement)
        return statement.error();
    for (const std::int64_t second : cuts.seconds()) {
        statement->reset();
        statement->bind(1, std::max(second, from)).bind(2, std::min(second + SecondNs, to));
        rows.bind(*statement);
        auto row = statement->step();
        if (!row)
            return row.error();
        total += static_cast<std::uint64_t>(*row ? statement->integer(0) : 0);
    }
    return total;
}

Result<void> BucketCounts::addTo(LevelAccumulator &add, const HistogramSpec &spec)
{
    const std::int64_t from = spec.fromNs;
    const std::int64_t to = spec.fromNs + static_cast<std::int64_t>(spec.buckets) * spec.bucketNs;
    const Condition rows = condition("ts");
    auto rowStatement = sql::Statement::prepare(
        m_db, "SELECT ts, level, coalesce(service, 0) FROM events WHERE (" + rows.text + ") AND ts >= ?1 AND ts < ?2");
    if (!rowStatement)
        return rowStatement.error();
    // Runs the row statement over [a, b), adding every row.
    const auto addRows = [&](std::int64_t a, std::int64_t b) -> Result<void> {
        sql::Statement &statement = *rowStatement;
        statement.reset();
        statement.bind(1, a).bind(2, b);
        rows.bind(statement);
        while (true) {
            auto row = statement.step();
            if (!row)
                return row.error();
            if (!*row)
                return {};
            add.add(statement.integer(0), statement.integer(1), statement.integer(2));
        }
    };
    if (spec.bucketNs % SecondNs != 0 || floorSecond(from) != from) {
        // Buckets finer than the stored seconds: count rows through the time index.
        return addRows(from, to);
    }
    // Whole seconds from the bucket counts, except those a time bound of the query cuts: their rows.
    const SecondCuts cuts(m_edges);
    const Condition buckets = condition("start");
    if (spec.bucketNs < rollups::MinuteNs) {
        // No rollup fits in a bucket: one pass over the seconds, each row to its bucket.
        auto seconds = rollups::Reader::prepare(m_db, "start, level, service, count", buckets.text, buckets.values);
        if (!seconds)
            return seconds.error();
        for (const SecondCuts::Span &span : cuts.spans(from, to)) {
            if (span.cut)
                continue;
            auto added = seconds->run(
                span.begin, span.end,
                [&](const sql::Statement &row) {
                    add.add(row.integer(0), row.integer(1), row.integer(2), static_cast<std::uint64_t>(row.integer(3)));
                },
                SecondNs);
            if (!added)
                return added.error();
        }
    } else {
        auto reader = rollups::Reader::prepare(m_db, "level, service, sum(count)", buckets.text, buckets.values,
                                               " GROUP BY level, service");
        if (!reader)
            return reader.error();
        // Each histogram bucket is cut at every time bound of the filter, so that a rollup row never
        // straddles one.
        for (std::size_t i = 0; i < spec.buckets; ++i) {
            const std::int64_t begin = from + static_cast<std::int64_t>(i) * spec.bucketNs;
            for (const SecondCuts::Span &span : cuts.spans(begin, begin + spec.bucketNs)) {
                if (span.cut)
                    continue;
                auto added = reader->run(span.begin, span.end, [&](const sql::Statement &row) {
                    add.add(begin, row.integer(0), row.integer(1), static_cast<std::uint64_t>(row.integer(2)));
                });
                if (!added)
                    return added.error();
            }
        }
    }
    for (const std::int64_t second : cuts.seconds())
        if (second >= from && second < to)
            if (auto added = addRows(second, second + SecondNs); !added)
                return added.error();
    return {};
}

// The first hour with a matching count, then its first minute, then its first second, then that
// second's rows. As for counts, the range is cut at every time bound of the filter, and a second a
// bound splits is read from its rows.
Result<std::optional<std::int64_t>> BucketCounts::edgeTime(bool last)
{
    using Found = std::optional<std::int64_t>;
    const Condition buckets = condition("start");
    const Condition rows = condition("ts");
    const std::string order = last ? " ORDER BY start DESC LIMIT 1" : " ORDER BY start LIMIT 1";
    const std::string where = " WHERE (" + buckets.text + ") AND start >= ?1 AND start < ?2";
    const int widthIndex = static_cast<int>(buckets.values.size() + 3);
    auto seconds = sql::Statement::prepare(m_db, "SELECT start FROM buckets" + where + order);
    auto coarse = sql::Statement::prepare(
        m_db, "SELECT start FROM rollups" + where + " AND width = ?" + std::to_string(widthIndex) + order);
    auto times = sql::Statement::prepare(m_db,
                                         std::string("SELECT ") + (last ? "max" : "min") + "(ts) FROM events WHERE ("
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
        rows.bind(*times);
        auto row = times->step();
        if (!row)
            return row.error();
        return *row && !times->isNull(0) ? Found(times->integer(0)) : Found();
    };
    const auto firstStart = [&](std::int64_t width, std::int64_t a, std::int64_t b) -> Result<Found> {
        sql::Statement &statement = width == SecondNs ? *seconds : *coarse;
        statement.reset();
        statement.bind(1, a).bind(2, b);
        buckets.bind(statement);
        if (width != SecondNs)
            statement.bind(widthIndex, width);
        auto row = statement.step();
        if (!row)
            return row.error();
        return *row ? Found(statement.integer(0)) : Found();
    };
    std::function<Result<Found>(std::int64_t, std::int64_t, std::int64_t)> search
        = [&](std::int64_t a, std::int64_t b, std::int64_t widest) -> Result<Found> {
        std::vector<std::tuple<std::int64_t, std::int64_t, std::int64_t>> spans;
        rollups::cover(
            a, b, [&](std::int64_t width, std::int64_t x, std::int64_t y) { spans.emplace_back(width, x, y); }, widest);
        if (last)
            std::reverse(spans.begin(), spans.end());
        for (const auto &[width, x, y] : spans) {
            auto start = firstStart(width, x, y);
            if (!start)
                return start.error();
            if (!*start)
                continue;
            auto found = width == SecondNs
                ? timeIn(**start, **start > INT64_MAX - SecondNs ? INT64_MAX : **start + SecondNs)
                : search(**start, **start + width, rollups::finerThan(width));
            if (!found || *found)
                return found;
        }
        return Found();
    };
    std::vector<SecondCuts::Span> spans = SecondCuts(m_edges).spans(HasTimeNs, INT64_MAX);
    if (last)
        std::reverse(spans.begin(), spans.end());
    for (const SecondCuts::Span &span : spans) {
        auto found = span.cut ? timeIn(span.begin, span.end) : search(span.begin, span.end, rollups::HourNs);
        if (!found || *found)
            return found;
    }
    return Found();
}

// The 99.9th percentile second from the bucket counts, then the last event at or before its end:
// one line from the year 2099 does not move the anchor. The rank is found in hours, then in the
// minutes of its hour, then in the seconds of its minute.
Result<std::optional<std::int64_t>> BucketCounts::timeAnchor(sqlite3 *db)
{
    auto totalReader = rollups::Reader::prepare(db, "coalesce(sum(count), 0)", "1", {});
    if (!totalReader)
        return totalReader.error();
    std::int64_t total = 0;
    if (auto summed
        = totalReader->run(HasTimeNs, INT64_MAX, [&](const sql::Statement &row) { total += row.integer(0); });
        !summed)
        return summed.error();
    if (total <= 0)
        return std::optional<std::int64_t>();
    const std::int64_t rank = (total * 999 + 999) / 1000;
    auto seconds = sql::Statement::prepare(
        db, "SELECT start, sum(count) FROM buckets WHERE start >= ?1 AND start < ?2 GROUP BY start ORDER BY start");
    auto coarse = sql::Statement::prepare(db,
                                          "SELECT start, sum(count) FROM rollups WHERE width = ?3 AND start >= ?1 AND "
                                          "start < ?2 GROUP BY start ORDER BY start");
    if (!seconds)
        return seconds.error();
    if (!coarse)
        return coarse.error();
    std::int64_t seen = 0;
    // The first interval of `width` in [a, b) at which the running sum reaches the rank; `seen` then
    // holds the sum before it.
    const auto walk = [&](std::int64_t width, std::int64_t a, std::int64_t b) -> Result<std::optional<std::int64_t>> {
        sql::Statement &statement = width == SecondNs ? *seconds : *coarse;
        statement.reset();
        statement.bind(1, a).bind(2, b);
        if (width != SecondNs)
            statement.bind(3, width);
        while (true) {
            auto row = statement.step();
            if (!row)
                return row.error();
            if (!*row)
                return std::optional<std::int64_t>();
            if (seen + statement.integer(1) >= rank)
                return std::optional<std::int64_t>(statement.integer(0));
            seen += statement.integer(1);
        }
    };
    const auto refine = [&](std::int64_t a, std::int64_t b) -> Result<std::optional<std::int64_t>> {
        for (std::int64_t width = rollups::HourNs;; width = rollups::finerThan(width)) {
            auto found = walk(width, a, b);
            if (!found || !*found || width == SecondNs)
                return found;
            a = **found;
            b = a + width;
        }
    };
    std::optional<std::int64_t> found;
    for (const auto &[a, b, rolled] : {std::tuple{HasTimeNs, rollups::DomainBegin, false},
                                       std::tuple{rollups::DomainBegin, rollups::DomainEnd, true},
                                       std::tuple{rollups::DomainEnd, INT64_MAX, false}}) {
        auto step = rolled ? refine(a, b) : walk(SecondNs, a, b);
        if (!step)
            return step.error();
        if ((found = *step))
            break;
    }
    if (!found)
        return std::optional<std::int64_t>();
    auto last = sql::Statement::prepare(db, "SELECT max(ts) FROM events WHERE ts < ?1");
    if (!last)
        return last.error();
    last->bind(1, *found + SecondNs);
    auto row = last->step();
    if (!row)
        return row.error();
    if (!*row || last->isNull(0))
        return std::optional<std::int64_t>();
    return std::optional<std::int64_t>(last->integer(0));
}

} // namespace core
