// SPDX-License-Identifier: MIT
#include "rollups.h"

#include <algorithm>
#include <iterator>
#include <map>
#include <tuple>

namespace core::rollups {

namespace {

// Widths coarsest first below `level` (an index into Widths), seconds at the ragged ends.
void coverLevel(int level, std::int64_t a, std::int64_t b,
                const std::function<void(std::int64_t, std::int64_t, std::int64_t)> &span)
{
    if (a >= b)
        return;
    if (level < 0) {
        span(SecondNs, a, b);
        return;
    }
    const std::int64_t width = Widths[level];
    const std::int64_t innerA = floorTo(a, width) == a ? a : floorTo(a, width) + width;
    const std::int64_t innerB = floorTo(b, width);
    if (innerA >= innerB) {
        coverLevel(level - 1, a, b, span);
        return;
    }
    coverLevel(level - 1, a, innerA, span);
    span(width, innerA, innerB);
    coverLevel(level - 1, innerB, b, span);
}

// Negative starts round down too: start - ((start % w + w) % w).
constexpr const char *UpsertFromEvents
    = "INSERT INTO rollups(width, start, level, service, count) "
      "SELECT ?2, ts - (((ts % ?2) + ?2) % ?2), level, coalesce(service, 0), -count(*) FROM events "
      "WHERE source = ?1 AND ts >= ?3 AND ts < ?4 GROUP BY 2, 3, 4 "
      "ON CONFLICT(width, start, level, service) DO UPDATE SET count = count + excluded.count";

} // namespace

void cover(std::int64_t begin, std::int64_t end,
           const std::function<void(std::int64_t, std::int64_t, std::int64_t)> &span, std::int64_t widest)
{
    if (begin >= end)
        return;
    if (begin < DomainBegin)
        span(SecondNs, begin, std::min(end, DomainBegin));
    const std::int64_t a = std::max(begin, DomainBegin);
    const std::int64_t b = std::min(end, DomainEnd);
    int level = static_cast<int>(std::size(Widths)) - 1;
    while (level >= 0 && Widths[level] > widest)
        --level;
    coverLevel(level, a, b, span);
    if (end > DomainEnd)
        span(SecondNs, std::max(begin, DomainEnd), end);
}

Result<Reader> Reader::prepare(sqlite3 *db, std::string_view select, std::string_view where,
                               std::vector<std::int64_t> values, std::string_view tail)
{
    const std::string condition = std::string(" WHERE (") + std::string(where) + ") AND start >= ?1 AND start < ?2";
    auto seconds = sql::Statement::prepare(
        db, "SELECT " + std::string(select) + " FROM buckets" + condition + std::string(tail));
    auto coarse
        = sql::Statement::prepare(db,
                                  "SELECT " + std::string(select) + " FROM rollups" + condition + " AND width = ?"
                                      + std::to_string(values.size() + 3) + std::string(tail));
    if (!seconds)
        return seconds.error();
    if (!coarse)
        return coarse.error();
    Reader reader;
    reader.m_seconds = std::move(seconds.value());
    reader.m_rollups = std::move(coarse.value());
    reader.m_values = std::move(values);
    return reader;
}

Result<void> Reader::run(std::int64_t begin, std::int64_t end, const std::function<void(const sql::Statement &)> &row,
                         std::int64_t widest)
{
    Result<void> result;
    cover(
        begin, end,
        [&](std::int64_t width, std::int64_t a, std::int64_t b) {
            if (!result)
                return;
            sql::Statement &statement = width == SecondNs ? m_seconds : m_rollups;
            statement.reset();
            statement.bind(1, a).bind(2, b);
            for (std::size_t i = 0; i < m_values.size(); ++i)
                statement.bind(static_cast<int>(i + 3), m_values[i]);
            if (width != SecondNs)
                statement.bind(static_cast<int>(m_values.size() + 3), width);
            while (true) {
                auto stepped = statement.step();
                if (!stepped) {
                    result = stepped.error();
                    return;
                }
                if (!*stepped)
                    return;
                row(statement);
            }
        },
        widest);
    return result;
}

Result<void> add(sqlite3 *db, const std::vector<SecondCount> &counts)
{
    std::map<std::tuple<std::int64_t, std::int64_t, std::int64_t, std::int64_t>, std::int64_t> sums;
    for (const SecondCount &count : counts) {
        if (count.start < DomainBegin || count.start >= DomainEnd)
            continue;
        for (const std::int64_t width : Widths)
            sums[{width, floorTo(count.start, width), count.level, count.service}] += count.count;
    }
    if (sums.empty())
        return {};
    auto upsert = sql::Statement::prepare(
        db,
        "INSERT INTO rollups(width, start, level, service, count) VALUES (?1, ?2, ?3, ?4, ?5) "
        "ON CONFLICT(width, start, level, service) DO UPDATE SET count = count + excluded.count");
    if (!upsert)
        return upsert.error();
    for (const auto &[key, count] : sums) {
        const auto &[width, start, level, service] = key;
        upsert->bind(1, width).bind(2, start).bind(3, level).bind(4, service).bind(5, count);
        if (auto added = upsert->run(); !added)
            return added;
    }
    return {};
}

Result<void> subtractSource(sqlite3 *db, std::int64_t sourceId)
{
    auto subtract = sql::Statement::prepare(db, UpsertFromEvents);
    if (!subtract)
        return subtract.error();
    for (const std::int64_t width : Widths) {
        subtract->bind(1, sourceId).bind(2, width).bind(3, DomainBegin).bind(4, DomainEnd);
        if (auto subtracted = subtract->run(); !subtracted)
            return subtracted;
    }
    return sql::exec(db, "DELETE FROM rollups WHERE count = 0");
}

Result<void> buildFromBuckets(sqlite3 *db)
{
    auto build = sql::Statement::prepare(
        db,
        "INSERT INTO rollups(width, start, level, service, count) "
        "SELECT ?1, start - (((start % ?1) + ?1) % ?1), level, service, sum(count) FROM buckets "
        "WHERE start >= ?2 AND start < ?3 GROUP BY 2, 3, 4");
    if (!build)
        return build.error();
    for (const std::int64_t width : Widths) {
        build->bind(1, width).bind(2, DomainBegin).bind(3, DomainEnd);
        if (auto built = build->run(); !built)
            return built;
    }
    return {};
}

} // namespace core::rollups
