// SPDX-License-Identifier: MIT
#include "tailscan.h"

#include "storeprivate.h"

namespace core {

TailScan::TailScan(QueryContext &context)
    : m_context(context)
{ }

Result<std::vector<EventRow>> TailScan::tailMatches(const QueryFilter &filter, const QueryBounds &bounds)
{
    // In chunks of rows: only the matches are kept, however many rows an import has added.
    constexpr std::int64_t Chunk = 1024;
    auto statement = sql::Statement::prepare(
        m_context.db(), std::string("SELECT ") + EventColumns + " FROM events WHERE id > ?1 ORDER BY id LIMIT ?2");
    if (!statement)
        return statement.error();
    std::vector<EventRow> kept;
    std::int64_t after = m_context.indexedThrough();
    while (true) {
        if (auto checked = m_context.checkInterrupted(); !checked)
            return checked.error();
        statement->reset();
        statement->bind(1, after).bind(2, Chunk);
        auto rows = readEvents(m_context.store(), *statement);
        if (!rows)
            return rows.error();
        for (EventRow &event : rows.value()) {
            after = event.arrival; // the row id
            if (!bounds.contains(event.key.timeNs))
                continue;
            auto hit = m_context.matches(filter.root(), event);
            if (!hit)
                return hit.error();
            if (*hit)
                kept.push_back(std::move(event));
        }
        if (static_cast<std::int64_t>(rows->size()) < Chunk)
            return kept;
    }
}

Result<std::vector<EventRow>> TailScan::walkMatches(const QueryFilter &filter, const QueryBounds &bounds,
                                                    std::optional<EventKey> after, std::size_t limit,
                                                    Direction direction, std::size_t maxRows, bool &walkedAll)
{
    constexpr std::size_t Chunk = 1024;
    const bool ascending = direction == Direction::Ascending;
    std::string text = std::string("SELECT ") + EventColumns + " FROM events WHERE ts >= ?1 AND ts < ?2";
    text += ascending
        ? " AND (ts, source, line, idx) > (?3, ?4, ?5, ?6) ORDER BY ts, source, line, idx LIMIT ?7"
        : " AND (ts, source, line, idx) < (?3, ?4, ?5, ?6) ORDER BY ts DESC, source DESC, line DESC, idx DESC LIMIT ?7";
    auto statement = sql::Statement::prepare(m_context.db(), text);
    if (!statement)
        return statement.error();
    // Without a key to start from, start before the first (or after the last) possible key.
    EventKey from = after
        ? *after
        : (ascending ? EventKey{INT64_MIN, INT64_MIN, 0, 0} : EventKey{INT64_MAX, INT64_MAX, UINT32_MAX, UINT32_MAX});
    std::vector<EventRow> kept;
    std::size_t read = 0;
    walkedAll = false;
    while (kept.size() < limit && read < maxRows) {
        if (auto checked = m_context.checkInterrupted(); !checked)
            return checked.error();
        statement->reset();
        statement->bind(1, bounds.begin).bind(2, bounds.end);
        statement->bind(3, from.timeNs)
            .bind(4, from.sourceId)
            .bind(5, std::int64_t{from.line})
            .bind(6, std::int64_t{from.index});
        statement->bind(7, static_cast<std::int64_t>(Chunk));
        auto rows = readEvents(m_context.store(), *statement);
        if (!rows)
            return rows.error();
        for (EventRow &event : rows.value()) {
            ++read;
            from = event.key;
            auto hit = m_context.matches(filter.root(), event);
            if (!hit)
                return hit.error();
            if (*hit) {
                kept.push_back(std::move(event));
                if (kept.size() == limit)
                    break;
            }
        }
        if (rows->size() < Chunk) {
            walkedAll = kept.size() < limit;
            break;
        }
    }
    return kept;
}

} // namespace core
