// SPDX-License-Identifier: MIT
#include "errorgroupreader.h"

#include "indexbuilder.h"
#include "postingreader.h"
#include "queryengine.h"
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
    StoredGroups(sqlite3 *db, const Ids &chosen, std::int64_t begin, std::int64_t end,
                 const std::optional<HistogramSpec> &timeline, const std::function<bool()> &stop)
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
    { }

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
            if (m_minute[i] == firstMinute[g] || m_minute[i] == lastMinute[g]
                || m_minute[i] == firstServiceMinute[key(i)]) {
                m_state[i] = 3;
                read.push_back(i);
            }
        }
        if (auto times = readTimes(read); !times)
            return times;

        // Every event of a first or last minute has its time now, and no other can be earlier or later.
        std::vector<StoredErrorGroup> stored(groups);
        // Of the events at a group's least time, the least id is its first in the one order: an import
        // writes sources one after another and each in line order.
        std::vector<std::int64_t> firstIds(groups, 0);
        std::vector<std::unordered_map<std::int32_t, std::size_t>> serviceSlots(groups);
        const std::int64_t timelineEnd = m_timeline
            ? m_timeline->fromNs + static_cast<std::int64_t>(m_timeline->buckets) * m_timeline->bucketNs
            : 0;
        for (std::size_t i = 0; i < n; ++i) {
            if (m_state[i] == 0)
                continue;
            const auto g = static_cast<std::size_t>(m_sig[i]);
            StoredErrorGroup &group = stored[g];
            const std::int64_t id = m_chosen[i];
            const bool exact = m_state[i] == 2;
            if (group.count == 0) {
                group.first.timeNs = INT64_MAX;
                group.lastNs = INT64_MIN;
                if (m_timeline)
                    group.timeline.assign(m_timeline->buckets, 0);
            }
            ++group.count;
            auto [slot, added] = serviceSlots[g].try_emplace(m_service[i], group.services.size());
            if (added)
                group.services.push_back(
                    {serviceIndex(m_services[static_cast<std::size_t>(m_service[i])]), 0, INT64_MAX});
            StoredErrorGroup::Service &service = group.services[slot->second];
            ++service.count;
            if (exact) {
                const std::int64_t ts = m_ts[i];
                if (ts < group.first.timeNs || (ts == group.first.timeNs && id < firstIds[g])) {
                    group.first.timeNs = ts;
                    firstIds[g] = id;
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
            if (auto placed = placeFirst(stored[g].first, firstIds[g]); !placed)
                return placed;
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
        auto read
            = PostingReader(m_db).forEachListInRange("@err", "@ers", [&](std::string_view term, std::string_view list) {
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
                      if ((!rest.starts_with(ErrorTerms::TypeKind) && !rest.starts_with(ErrorTerms::MessageKind))
                          || rest.find('=') == std::string_view::npos)
                          return;
                      kind = Kind::Signature;
                      auto [at, added]
                          = sigIndex.try_emplace(std::string(term), static_cast<std::int32_t>(m_terms.size()));
                      if (added)
                          m_terms.emplace_back(term);
                      value = at->second;
                  } else if (term.starts_with(ErrorTerms::Service)) {
                      kind = Kind::Service;
                      const std::string_view name = term.substr(ErrorTerms::Service.size());
                      auto [at, added]
                          = serviceIndex.try_emplace(std::string(name), static_cast<std::int32_t>(m_services.size()));
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
                      case Kind::Signature:
                          m_sig[i] = m_sig[i] == -1 || m_sig[i] == value ? value : -2;
                          break;
                      case Kind::Service:
                          m_service[i] = m_service[i] == -1 || m_service[i] == value ? value : -2;
                          break;
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

    // The source, line and index of the row `id` into `key`.
    Result<void> placeFirst(EventKey &key, std::int64_t id)
    {
        if (!m_place) {
            auto statement = sql::Statement::prepare(m_db, "SELECT source, line, idx FROM events WHERE id = ?1");
            if (!statement)
                return statement.error();
            m_place.emplace(std::move(statement.value()));
        }
        m_place->reset();
        m_place->bind(1, id);
        auto row = m_place->step();
        if (!row)
            return row.error();
        if (*row) {
            key.sourceId = m_place->integer(0);
            key.line = static_cast<std::uint32_t>(m_place->integer(1));
            key.index = static_cast<std::uint32_t>(m_place->integer(2));
        }
        return {};
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
    std::optional<sql::Statement> m_place;
};

} // namespace

ErrorGroupReader::ErrorGroupReader(SqliteStore &store, SqliteStore::Private &d)
    : m_store(store)
    , m_d(d)
{ }

Result<ErrorEvents> ErrorGroupReader::read(const QueryFilter &filter, const ErrorEventsRequest &request,
                                           const std::atomic<bool> *cancelled)
{
    const std::function<bool()> stop = [&] { return cancelled && cancelled->load(std::memory_order_relaxed); };
    const std::vector<std::string> &typePaths = request.typePaths;
    sqlite3 *db = m_d.db.get();
    auto matches = QueryEngine(m_store, m_d).matches(filter);
    if (!matches)
        return matches.error();
    const QueryEngine::Matches &m = matches.value();
    // Error and fatal events from their level posting lists, then those the filter keeps.
    Ids errors;
    for (const char *term : {"@level=5", "@level=6"}) {
        auto ids = QueryEngine(m_store, m_d).termIds(term);
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
        QueryEngine engine(m_store, m_d);
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
            const auto at
                = static_cast<std::size_t>(std::lower_bound(slowIds.begin(), slowIds.end(), id) - slowIds.begin());
            if (!types[at].first)
                types[at] = {&typeValues[index], path};
        }

    auto statement = sql::Statement::prepare(
        db, "SELECT ts, level, coalesce(service, 0), message, source, line, idx FROM events WHERE id = ?1");
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
        event.key = EventKey{ts, statement->integer(4), static_cast<std::uint32_t>(statement->integer(5)),
                             static_cast<std::uint32_t>(statement->integer(6))};
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
        event.key = row.key;
        event.level = row.level;
        auto dictId = dictIds.find(row.service);
        event.service = serviceOf(dictId == dictIds.end() ? 0 : dictId->second);
        event.message = row.message;
        auto fieldList = m_store.fields(row);
        if (fieldList) {
            for (std::size_t p = 0; p < typePaths.size(); ++p) {
                auto found = std::find_if(fieldList->begin(), fieldList->end(),
                                          [&](const auto &field) { return field.first == typePaths[p]; });
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

} // namespace core
