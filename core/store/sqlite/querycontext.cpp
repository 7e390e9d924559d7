// SPDX-License-Identifier: MIT
#include "querycontext.h"

#include "storeprivate.h"
#include "timeorder.h"

#include <core/model/normalize.h>

#include <algorithm>

namespace core {

using Node = QueryFilter::Node;

// An event's record, parsed again from its raw lines on the first condition that asks.
class QueryContext::EventFields final : public QueryMatcher::FieldReader
{
public:
    EventFields(QueryContext &context, const EventRow &event)
        : m_context(context)
        , m_event(event)
    { }

    Result<const QueryMatcher::Fields *> fields() override
    {
        if (!m_parsed) {
            m_parsed = true;
            if (m_event.sourceName.empty())
                return nullptr;
            auto raw = m_context.m_raw.lines(m_event);
            if (!raw) {
                // Imports before 2026-12 committed a batch's rows before the block of raw lines that
                // held them filled, and one killed then left such rows behind: such an event of a
                // source still marked importing is matched on its columns alone.
                if (m_context.isImporting(m_event.arrival))
                    return nullptr;
                return raw.error();
            }
            m_record = reparseEvent(raw.value(), m_event, m_batch);
            if (m_record) {
                m_fields.extraText = m_record->extraText;
                m_fields.values = m_batch.fieldsOf(*m_record);
            }
        }
        return m_record ? &m_fields : nullptr;
    }

private:
    QueryContext &m_context;
    const EventRow &m_event;
    bool m_parsed = false;
    RecordBatch m_batch;
    const Record *m_record = nullptr;
    QueryMatcher::Fields m_fields;
};

QueryContext::QueryContext(SqliteStore::Private &store)
    : m_store(store)
    , m_raw(store.db.get())
{ }

sqlite3 *QueryContext::db() const
{
    return m_store.db.get();
}

const TimeOrder *QueryContext::order()
{
    if (!m_orderChecked) {
        m_orderChecked = true;
        auto loaded = TimeOrder::load(db(), m_store.path, m_indexedThrough, universeSize(), m_store.order);
        m_store.order = loaded ? std::move(loaded.value()) : nullptr;
    }
    return m_store.order.get();
}

Result<void> QueryContext::prepare(const QueryFilter &filter)
{
    // An interrupt() before this query began was meant for an earlier one.
    m_store.interrupted = false;
    auto through = sql::queryInteger(db(), "SELECT coalesce(max(value), 0) FROM meta WHERE key = 'indexed_through'");
    if (!through)
        return through.error();
    m_indexedThrough = *through;
    m_live.clear();
    m_levelPaths.clear();
    m_matcher = QueryMatcher();
    auto sources = sql::Statement::prepare(
        db(), "SELECT first_event, events, status FROM sources WHERE first_event IS NOT NULL ORDER BY first_event");
    if (!sources)
        return sources.error();
    while (true) {
        auto row = sources->step();
        if (!row)
            return row.error();
        if (!*row)
            break;
        const std::int64_t first = sources->integer(0);
        // A source still importing owns every id from its first on; a finished one exactly its events.
        const std::int64_t last = sources->view(2) == "importing" ? INT64_MAX : first + sources->integer(1) - 1;
        if (last >= first)
            m_live.emplace_back(first, last);
    }
    auto index
        = sql::queryInteger(db(), "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name = 'events_order'");
    if (!index)
        return index.error();
    m_hasOrderIndex = *index > 0;
    m_orderChecked = false;
    auto paths = sql::Statement::prepare(db(), "SELECT path FROM fields");
    if (!paths)
        return paths.error();
    while (true) {
        auto row = paths->step();
        if (!row)
            return row.error();
        if (!*row)
            break;
        if (normalize::roleOfKey(paths->view(0)) == normalize::Role::Level)
            m_levelPaths.push_back(paths->text(0));
    }
    auto matcher = QueryMatcher::make(filter);
    if (!matcher)
        return matcher.error();
    m_matcher = std::move(matcher.value());
    return {};
}

bool QueryContext::isImporting(std::int64_t id) const
{
    auto it = std::upper_bound(m_live.begin(), m_live.end(), std::pair{id, INT64_MAX});
    return it != m_live.begin() && std::prev(it)->second == INT64_MAX;
}

// One merge pass, or none when one range holds them all (the usual store, where every source is live).
Ids QueryContext::restrictLive(Ids ids) const
{
    if (ids.empty())
        return ids;
    auto range = std::upper_bound(m_live.begin(), m_live.end(), std::pair{ids.front(), INT64_MAX});
    if (range != m_live.begin() && ids.back() <= std::min(std::prev(range)->second, m_indexedThrough)
        && ids.front() >= std::prev(range)->first)
        return ids;
    std::size_t kept = 0;
    auto current = m_live.begin();
    for (const std::int64_t id : ids) {
        if (id > m_indexedThrough)
            break;
        while (current != m_live.end() && current->second < id)
            ++current;
        if (current == m_live.end())
            break;
        if (id >= current->first)
            ids[kept++] = id;
    }
    ids.resize(kept);
    return ids;
}

std::uint64_t QueryContext::universeSize() const
{
    std::uint64_t total = 0;
    for (const auto &[first, last] : m_live)
        if (first <= m_indexedThrough)
            total += static_cast<std::uint64_t>(std::min(last, m_indexedThrough) - first + 1);
    return total;
}

static void collectServices(const Node &node, std::vector<const Node *> &out)
{
    if (node.kind == Node::Kind::Match && node.column == QueryFilter::Column::Service)
        out.push_back(&node);
    for (const Node &child : node.children)
        collectServices(child, out);
}

Result<QueryMatcher::ServiceIds> QueryContext::serviceIds(const QueryFilter &filter) const
{
    QueryMatcher::ServiceIds serviceIds;
    std::vector<const Node *> services;
    collectServices(filter.root(), services);
    if (!services.empty()) {
        auto values = readDictionary(db());
        if (!values)
            return values.error();
        values->emplace(0, std::string()); // events without a service
        for (const Node *node : services) {
            std::vector<std::int64_t> &ids = serviceIds[QueryMatcher::serviceKey(node->value)];
            const QueryRegex *regex = m_matcher.regexOf(*node);
            for (const auto &[id, value] : values.value())
                if (QueryMatcher::valueMatches(node->value, regex, value))
                    ids.push_back(id);
        }
    }
    return serviceIds;
}

const std::atomic<bool> *QueryContext::stop() const
{
    return &m_store.interrupted;
}

Result<void> QueryContext::checkInterrupted() const
{
    if (m_store.interrupted.load(std::memory_order_relaxed))
        return makeError(ErrorCode::Cancelled, "interrupted");
    return {};
}

Result<std::vector<EventRow>> QueryContext::rowsById(const Ids &ids)
{
    auto statement
        = sql::Statement::prepare(db(), std::string("SELECT ") + EventColumns + " FROM events WHERE id = ?1");
    if (!statement)
        return statement.error();
    std::vector<EventRow> rows;
    rows.reserve(ids.size());
    for (const std::int64_t id : ids) {
        if (auto checked = checkInterrupted(); !checked)
            return checked.error();
        statement->reset();
        sql::ReadTransaction::yieldIfLong(db());
        statement->bind(1, id);
        auto read = readEvents(m_store, *statement);
        if (!read)
            return read.error();
        for (EventRow &row : read.value())
            rows.push_back(std::move(row));
    }
    return rows;
}

Result<bool> QueryContext::matches(const Node &node, const EventRow &event)
{
    EventFields fields(*this, event);
    return m_matcher.matches(node, event, fields);
}

} // namespace core
