// SPDX-License-Identifier: MIT
// The field catalogue and field tallies over a query's result: what the sidebar and completion show.
#include "storeprivate.h"

#include <simdjson.h>

#include <algorithm>
#include <unordered_map>

namespace core {

namespace {

// Events read per query while tallying a whole result: big enough that the query's own cost fades,
// small enough that a cancel is seen promptly.
constexpr std::size_t TallyChunk = 2048;

class Tally
{
public:
    void add(const std::string &path, const std::string &value)
    {
        Entry &entry = m_paths[path];
        ++entry.events;
        ++entry.values[value];
    }

    // Paths by descending count (then name), each with its `top` most frequent values.
    std::vector<FieldInfo> result(std::size_t top) const
    {
        std::vector<FieldInfo> out;
        out.reserve(m_paths.size());
        for (const auto &[path, entry] : m_paths) {
            FieldInfo info;
            info.path = path;
            info.events = entry.events;
            info.topValues.assign(entry.values.begin(), entry.values.end());
            const std::size_t keep = std::min(top, info.topValues.size());
            std::partial_sort(info.topValues.begin(), info.topValues.begin() + static_cast<std::ptrdiff_t>(keep),
                              info.topValues.end(), [](const auto &a, const auto &b) {
                                  return a.second != b.second ? a.second > b.second : a.first < b.first;
                              });
            info.topValues.resize(keep);
            out.push_back(std::move(info));
        }
        std::sort(out.begin(), out.end(), [](const FieldInfo &a, const FieldInfo &b) {
            return a.events != b.events ? a.events > b.events : a.path < b.path;
        });
        return out;
    }

private:
    struct Entry {
        std::uint64_t events = 0;
        std::unordered_map<std::string, std::uint64_t> values;
    };
    std::unordered_map<std::string, Entry> m_paths;
};

} // namespace

Result<std::vector<FieldInfo>> SqliteStore::fieldCatalogue()
{
    auto statement
        = sql::Statement::prepare(d->db.get(), "SELECT path, types, events, top_values FROM fields ORDER BY path");
    if (!statement)
        return statement.error();
    std::vector<FieldInfo> fields;
    simdjson::dom::parser parser;
    while (true) {
        auto row = statement->step();
        if (!row)
            return row.error();
        if (!*row)
            break;
        FieldInfo info;
        info.path = statement->text(0);
        info.types = static_cast<std::uint8_t>(statement->integer(1));
        info.events = static_cast<std::uint64_t>(statement->integer(2));
        // top_values is the writer's own JSON, [[value, count], ...]; a row it cannot read keeps no values.
        const std::string json = statement->text(3);
        simdjson::dom::array pairs;
        if (parser.parse(json).get_array().get(pairs) == simdjson::SUCCESS) {
            for (simdjson::dom::element pair : pairs) {
                simdjson::dom::array items;
                if (pair.get_array().get(items) != simdjson::SUCCESS || items.size() != 2)
                    continue;
                std::string value;
                std::string_view text;
                if (items.at(0).get_string().get(text) == simdjson::SUCCESS)
                    value = std::string(text);
                else
                    value = simdjson::minify(items.at(0).value_unsafe());
                std::uint64_t count = 0;
                std::int64_t signedCount = 0;
                if (items.at(1).get_uint64().get(count) != simdjson::SUCCESS
                    && items.at(1).get_int64().get(signedCount) == simdjson::SUCCESS)
                    count = static_cast<std::uint64_t>(std::max<std::int64_t>(signedCount, 0));
                info.topValues.emplace_back(std::move(value), count);
            }
        }
        fields.push_back(std::move(info));
    }
    return fields;
}

Result<std::vector<FieldInfo>> SqliteStore::sampleFields(const QueryFilter &filter, std::size_t limit, std::size_t top,
                                                         std::uint64_t *sampled)
{
    auto rows = events(filter, std::nullopt, limit);
    if (!rows)
        return rows.error();
    Tally tally;
    for (const EventRow &event : *rows) {
        auto fieldsOfEvent = fields(event);
        if (!fieldsOfEvent)
            return fieldsOfEvent.error();
        for (const auto &[path, value] : *fieldsOfEvent)
            tally.add(path, value);
    }
    if (sampled)
        *sampled = rows->size();
    return tally.result(top);
}

Result<FieldInfo> SqliteStore::countValues(const QueryFilter &filter, const std::string &path, std::size_t top,
                                           const std::atomic<bool> *cancelled)
{
    Tally tally;
    std::optional<EventKey> after;
    while (true) {
        if (cancelled && cancelled->load(std::memory_order_relaxed))
            return makeError(ErrorCode::Cancelled, "counting " + path + " was cancelled");
        auto rows = events(filter, after, TallyChunk);
        if (!rows)
            return rows.error();
        for (const EventRow &event : *rows) {
            auto fieldsOfEvent = fields(event);
            if (!fieldsOfEvent)
                return fieldsOfEvent.error();
            for (const auto &[fieldPath, value] : *fieldsOfEvent)
                if (fieldPath == path)
                    tally.add(fieldPath, value);
        }
        if (rows->size() < TallyChunk)
            break;
        after = rows->back().key;
    }
    auto result = tally.result(top);
    if (result.empty()) {
        FieldInfo none;
        none.path = path;
        return none;
    }
    return std::move(result.front());
}

} // namespace core
