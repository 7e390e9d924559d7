// SPDX-License-Identifier: MIT
#include "queryengine.h"

#include <core/model/normalize.h>
#include <core/query/querypattern.h>
#include "postingreader.h"
#include "rollups.h"
#include "storeprivate.h"
#include "timeorder.h"
#include <core/model/tokenizer.h>
#include "varint.h"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

namespace core {

namespace {

using Node = QueryFilter::Node;
using Column = QueryFilter::Column;
using Ids = std::vector<std::int64_t>;

constexpr std::int64_t SecondNs = 1'000'000'000;
// Below this many candidates, rows are fetched by id and sorted; above it the time index is walked.
constexpr std::size_t FetchByIdLimit = 5'000;
// A time/level/service filter matching at least one event in this many is paged by walking the time
// index and testing rows: a page costs about limit × this many rows, instead of decoding posting
// lists of millions of ids first.
constexpr std::uint64_t DenseWalkRatio = 64;

// A set of event ids, or (complement) every indexed live event but those.
struct IdSet {
    Ids ids;
    bool complement = false;
};

Ids unite(const Ids &a, const Ids &b)
{
    Ids out;
    out.reserve(a.size() + b.size());
    std::set_union(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
    return out;
}

Ids intersect(const Ids &a, const Ids &b)
{
    Ids out;
    out.reserve(std::min(a.size(), b.size()));
    std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
    return out;
}

Ids subtract(const Ids &a, const Ids &b)
{
    Ids out;
    out.reserve(a.size());
    std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
    return out;
}

IdSet andSets(IdSet a, IdSet b)
{
    if (!a.complement && !b.complement)
        return {intersect(a.ids, b.ids), false};
    if (a.complement && b.complement)
        return {unite(a.ids, b.ids), true};
    if (a.complement)
        std::swap(a, b);
    return {subtract(a.ids, b.ids), false};
}

IdSet orSets(IdSet a, IdSet b)
{
    if (!a.complement && !b.complement)
        return {unite(a.ids, b.ids), false};
    if (a.complement && b.complement)
        return {intersect(a.ids, b.ids), true};
    if (a.complement)
        std::swap(a, b);
    return {subtract(b.ids, a.ids), true};
}

void sortUnique(Ids &ids)
{
    if (ids.size() < 65536) {
        std::sort(ids.begin(), ids.end());
        ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
        return;
    }
    // Millions of ids (a whole field's values): a bit per id between the least and the greatest
    // sorts them in two linear passes.
    const auto [least, greatest] = std::minmax_element(ids.begin(), ids.end());
    const std::int64_t base = *least;
    std::vector<std::uint64_t> bits(static_cast<std::size_t>((*greatest - base) / 64 + 1), 0);
    for (const std::int64_t id : ids)
        bits[static_cast<std::size_t>((id - base) / 64)] |= std::uint64_t{1} << ((id - base) % 64);
    ids.clear();
    for (std::size_t word = 0; word < bits.size(); ++word)
        for (std::uint64_t w = bits[word]; w != 0; w &= w - 1)
            ids.push_back(base + static_cast<std::int64_t>(word * 64) + std::countr_zero(w));
}

// Steps `statement` (its ?1 the row id) once for each of `ids`; visit(id) sees each row found.
template<typename Visit>
Result<void> forEachRowOf(sql::Statement &statement, const Ids &ids, Visit &&visit)
{
    for (const std::int64_t id : ids) {
        statement.reset();
        sql::ReadTransaction::yieldIfLong(sqlite3_db_handle(statement.handle()));
        statement.bind(1, id);
        auto row = statement.step();
        if (!row)
            return row.error();
        if (*row)
            visit(id);
    }
    return {};
}

std::optional<double> numberOf(std::string_view text)
{
    double value = 0;
    const auto parsed = std::from_chars(text.data(), text.data() + text.size(), value);
    if (parsed.ec != std::errc() || parsed.ptr != text.data() + text.size() || !std::isfinite(value))
        return std::nullopt;
    return value;
}

// Whether a record value lies within a Range node's bounds: as numbers when the bound and the value
// are numbers, else as text.
bool inRange(const Node &node, std::string_view value)
{
    const auto number = numberOf(value);
    for (const auto &[bound, inclusive, isLower] :
         {std::tuple{&node.lower, node.lowerInclusive, true}, std::tuple{&node.upper, node.upperInclusive, false}}) {
        if (!*bound)
            continue;
        const auto limit = numberOf((*bound)->text);
        int order = 0;
        if (limit) {
            if (!number)
                return false;
            order = *number < *limit ? -1 : *number > *limit ? 1 : 0;
        } else {
            const int compared = value.compare((*bound)->text);
            order = compared < 0 ? -1 : compared > 0 ? 1 : 0;
        }
        if (isLower ? (order < 0 || (order == 0 && !inclusive)) : (order > 0 || (order == 0 && !inclusive)))
            return false;
    }
    return true;
}

// One token of a free-text value: exact, or a glob over one token.
struct TokenPattern {
    std::string text;
    bool glob = false;
    bool any = false; ///< only stars: any token
};

// The token sequence a value stands for: `task.failed` is task, failed; `req-abc*` is req, abc*.
std::vector<TokenPattern> tokenPatterns(const QueryValue &value)
{
    std::vector<TokenPattern> patterns;
    std::string scratch;
    if (value.kind != QueryValue::Kind::Wildcard) {
        forEachToken(value.text, scratch, [&](std::string_view token) { patterns.push_back({std::string(token), false, false}); });
        return patterns;
    }
    TokenPattern current;
    const auto close = [&] {
        if (!current.text.empty()) {
            current.any = current.text.find_first_not_of('*') == std::string::npos;
            patterns.push_back(std::move(current));
        }
        current = {};
    };
    const std::string &pattern = value.pattern;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        const char c = pattern[i];
        if (c == '\\' && i + 1 < pattern.size()) {
            const auto literal = static_cast<unsigned char>(pattern[++i]);
            if (!isTokenByte(literal)) {
                close();
                continue;
            }
            current.text.push_back(static_cast<char>(literal >= 'A' && literal <= 'Z' ? literal + 32 : literal));
            continue;
        }
        if (c == '*' || c == '?') {
            current.text.push_back(c);
            current.glob = true;
            continue;
        }
        const auto byte = static_cast<unsigned char>(c);
        if (!isTokenByte(byte)) {
            close();
            continue;
        }
        current.text.push_back(static_cast<char>(byte >= 'A' && byte <= 'Z' ? byte + 32 : byte));
    }
    close();
    return patterns;
}

bool tokenMatches(const TokenPattern &pattern, std::string_view token)
{
    return pattern.any || (pattern.glob ? globMatch(pattern.text, token) : pattern.text == token);
}

// Whether `text`'s tokens hold the sequence (or, with a regex, a token it matches whole).
bool textHas(std::string_view text, const std::vector<TokenPattern> &sequence, const std::regex *regex)
{
    std::vector<std::string> tokens;
    std::string scratch;
    forEachToken(text, scratch, [&](std::string_view token) { tokens.emplace_back(token); });
    if (regex)
        return std::any_of(tokens.begin(), tokens.end(), [&](const std::string &token) { return std::regex_match(token, *regex); });
    if (sequence.empty() || tokens.size() < sequence.size())
        return false;
    for (std::size_t start = 0; start + sequence.size() <= tokens.size(); ++start) {
        std::size_t k = 0;
        while (k < sequence.size() && tokenMatches(sequence[k], tokens[start + k]))
            ++k;
        if (k == sequence.size())
            return true;
    }
    return false;
}

bool valueMatches(const QueryValue &value, const std::regex *regex, std::string_view text)
{
    switch (value.kind) {
    case QueryValue::Kind::Term:
    case QueryValue::Kind::Phrase:
        return text == value.text;
    case QueryValue::Kind::Wildcard:
        return globMatch(value.pattern, text);
    case QueryValue::Kind::Regex:
        return regex && std::regex_match(text.begin(), text.end(), *regex);
    }
    return false;
}

// The `@` term prefix of a first-class column, or "" for record paths.
std::string termPrefix(const Node &node)
{
    switch (node.column) {
    case Column::Service: return "@service=";
    case Column::RequestId: return "@request_id=";
    case Column::TraceId: return "@trace_id=";
    case Column::SpanId: return "@span_id=";
    case Column::Path: return node.path + "=";
    default: return {};
    }
}

struct Bounds {
    std::int64_t begin = INT64_MIN;
    std::int64_t end = INT64_MAX;
    bool any() const { return begin != INT64_MIN || end != INT64_MAX; }
    bool contains(std::int64_t ts) const { return ts >= begin && ts < end; }
};

} // namespace

struct QueryEngine::Private {
    SqliteStore &store;
    SqliteStore::Private &d;
    std::int64_t indexedThrough = 0;
    std::vector<std::pair<std::int64_t, std::int64_t>> live; ///< [first, last] id ranges of the sources kept
    bool hasOrderIndex = false;
    bool orderChecked = false; ///< whether order() looked at the stored order since prepare()

    // The one order in memory (d.order), loaded on first use: counts on time, level and service
    // never need it. Null when the store has none or it is stale; a damaged one is passed over too,
    // since every query has a path without it.
    const TimeOrder *order()
    {
        if (!orderChecked) {
            orderChecked = true;
            auto loaded = TimeOrder::load(d.db.get(), d.path, indexedThrough, universeSize(), d.order);
            d.order = loaded ? std::move(loaded.value()) : nullptr;
        }
        return d.order.get();
    }
    std::unordered_map<const Node *, std::regex> regexes;
    std::vector<std::string> levelPaths; ///< catalogue paths that hold a level (level, levelname, severity, ...)
    // The decompressed raw block last read, for checks on candidates in id order.
    std::int64_t blockId = -1;
    std::string block;
    std::vector<std::size_t> lineStarts;
    std::uint32_t blockFirst = 0;

    Private(SqliteStore &s, SqliteStore::Private &sd)
        : store(s)
        , d(sd)
    {
    }

    Result<void> prepare(const QueryFilter &filter);
    Result<void> compileRegexes(const Node &node);
    const std::regex *regexOf(const Node &node) const
    {
        auto found = regexes.find(&node);
        return found == regexes.end() ? nullptr : &found->second;
    }

    bool isImporting(std::int64_t id) const
    {
        auto it = std::upper_bound(live.begin(), live.end(), std::pair{id, INT64_MAX});
        return it != live.begin() && std::prev(it)->second == INT64_MAX;
    }
    bool isLive(std::int64_t id) const
    {
        auto it = std::upper_bound(live.begin(), live.end(), std::pair{id, INT64_MAX});
        return it != live.begin() && id <= std::prev(it)->second;
    }
    // `ids` ascending, like the ranges: one merge pass, or none when one range holds them all (the
    // usual store, where every source is live).
    Ids restrictLive(Ids ids) const
    {
        if (ids.empty())
            return ids;
        auto range = std::upper_bound(live.begin(), live.end(), std::pair{ids.front(), INT64_MAX});
        if (range != live.begin() && ids.back() <= std::min(std::prev(range)->second, indexedThrough) && ids.front() >= std::prev(range)->first)
            return ids;
        std::size_t kept = 0;
        auto current = live.begin();
        for (const std::int64_t id : ids) {
            if (id > indexedThrough)
                break;
            while (current != live.end() && current->second < id)
                ++current;
            if (current == live.end())
                break;
            if (id >= current->first)
                ids[kept++] = id;
        }
        ids.resize(kept);
        return ids;
    }
    std::uint64_t universeSize() const
    {
        std::uint64_t total = 0;
        for (const auto &[first, last] : live)
            if (first <= indexedThrough)
                total += static_cast<std::uint64_t>(std::min(last, indexedThrough) - first + 1);
        return total;
    }

    Result<Ids> postings(const std::string &term);
    Result<std::vector<std::string>> termsWithPrefix(const std::string &prefix);
    Result<Ids> uniteTerms(const std::vector<std::string> &terms);
    Result<IdSet> evaluate(const Node &node, const Ids *candidates);
    Result<Ids> evaluateLeaf(const Node &node, const Ids *candidates);
    Result<Ids> tokenCandidates(const Node &node);
    Result<Ids> valueTerms(const Node &node);
    Result<Ids> levelIds(const Node &node);
    Result<Ids> scanIds(const std::string &where, std::int64_t a, std::int64_t b);
    Result<Ids> verify(const Node &node, const Ids &candidates);
    Result<std::vector<EventRow>> rowsById(const Ids &ids);

    // With the one order in memory (d.order): the ranks [first, end) inside `bounds`, narrowed to
    // those after `after` (before it, descending); the members of `set` among them as a bitmap.
    Result<std::pair<std::size_t, std::size_t>> rankRange(const Bounds &bounds, std::optional<EventKey> after, Direction direction);
    RankBitmap bitmapOf(const Ids &ids, bool complement, std::size_t first, std::size_t end) const;
    // The ranks of the edges of `buckets` intervals of `bucketNs` from `fromNs`, each clamped to `bounds`.
    Result<std::vector<std::size_t>> edgeRanks(std::int64_t fromNs, std::int64_t bucketNs, std::size_t buckets, const Bounds &bounds);
    // The events at `ranks`, in the order given.
    Result<std::vector<EventRow>> rowsAtRanks(const std::vector<std::size_t> &ranks);

    struct Row {
        EventRow event;
        bool parsed = false;
        RecordBatch batch;
        const Record *record = nullptr;
    };
    Result<bool> matches(const Node &node, Row &row);
    Result<void> parse(Row &row);
    Result<std::string> rawLines(const EventRow &event);
    Result<std::vector<EventRow>> tailMatches(const QueryFilter &filter, const Bounds &bounds);
    // Walks the time index from `after`, testing each row, until `limit` match or `maxRows` were read;
    // `walkedAll` says whether the index ran out before that.
    Result<std::vector<EventRow>> walkMatches(const QueryFilter &filter, const Bounds &bounds, std::optional<EventKey> after,
                                              std::size_t limit, Direction direction, std::size_t maxRows, bool &walkedAll);
};

QueryEngine::QueryEngine(SqliteStore &store, SqliteStore::Private &storeD)
    : d(std::make_unique<Private>(store, storeD))
{
}

QueryEngine::~QueryEngine() = default;

Result<void> QueryEngine::Private::compileRegexes(const Node &node)
{
    for (const Node &child : node.children)
        if (auto compiled = compileRegexes(child); !compiled)
            return compiled;
    if ((node.kind == Node::Kind::Match || node.kind == Node::Kind::Level) && node.hasValue == (node.kind == Node::Kind::Level)
        && node.value.kind == QueryValue::Kind::Regex) {
        // Tokens are lowercase: a regex over them ignores case; values are case-sensitive.
        const bool tokens = node.kind == Node::Kind::Level || node.column == Column::Text || node.column == Column::Message;
        auto regex = makeRegex(node.value.pattern, tokens);
        if (!regex)
            return regex.error();
        regexes.emplace(&node, std::move(regex.value()));
    }
    return {};
}

Result<void> QueryEngine::Private::prepare(const QueryFilter &filter)
{
    auto through = sql::queryInteger(d.db.get(), "SELECT coalesce(max(value), 0) FROM meta WHERE key = 'indexed_through'");
    if (!through)
        return through.error();
    indexedThrough = *through;
    live.clear();
    levelPaths.clear();
    regexes.clear();
    auto sources = sql::Statement::prepare(
        d.db.get(), "SELECT first_event, events, status FROM sources WHERE first_event IS NOT NULL ORDER BY first_event");
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
            live.emplace_back(first, last);
    }
    auto index = sql::queryInteger(d.db.get(), "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name = 'events_order'");
    if (!index)
        return index.error();
    hasOrderIndex = *index > 0;
    orderChecked = false;
    auto paths = sql::Statement::prepare(d.db.get(), "SELECT path FROM fields");
    if (!paths)
        return paths.error();
    while (true) {
        auto row = paths->step();
        if (!row)
            return row.error();
        if (!*row)
            break;
        if (normalize::roleOfKey(paths->view(0)) == normalize::Role::Level)
            levelPaths.push_back(paths->text(0));
    }
    return compileRegexes(filter.root());
}

Result<Ids> QueryEngine::Private::postings(const std::string &term)
{
    Ids ids;
    // Segments hold increasing ids: their lists concatenate in order.
    if (auto read = PostingReader(d.db.get()).forEachList(term, [&](std::string_view list) { varint::appendIds(list, ids); });
        !read)
        return read.error();
    return ids;
}

Result<std::vector<std::string>> QueryEngine::Private::termsWithPrefix(const std::string &prefix)
{
    return PostingReader(d.db.get()).termsWithPrefix(prefix);
}

Result<Ids> QueryEngine::Private::uniteTerms(const std::vector<std::string> &terms)
{
    // A few lists merge in linear passes; many (a wildcard over IDs, a range over numbers) are read
    // in one pass over their blocks, gathered and sorted once.
    Ids all;
    if (terms.size() > 8) {
        std::vector<std::string> sorted = terms;
        std::sort(sorted.begin(), sorted.end());
        sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
        auto read = PostingReader(d.db.get()).forEachListIn(sorted, [&](std::size_t, std::string_view list) { varint::appendIds(list, all); });
        if (!read)
            return read.error();
        sortUnique(all);
        return all;
    }
    for (const std::string &term : terms) {
        auto ids = postings(term);
        if (!ids)
            return ids.error();
        all = all.empty() ? std::move(ids.value()) : unite(all, ids.value());
    }
    return all;
}

Result<Ids> QueryEngine::Private::scanIds(const std::string &where, std::int64_t a, std::int64_t b)
{
    auto statement = sql::Statement::prepare(d.db.get(), "SELECT id FROM events WHERE id <= ?3 AND " + where);
    if (!statement)
        return statement.error();
    statement->bind(1, a).bind(2, b).bind(3, indexedThrough);
    Ids ids;
    while (true) {
        auto row = statement->step();
        if (!row)
            return row.error();
        if (!*row)
            break;
        ids.push_back(statement->integer(0));
    }
    sortUnique(ids);
    return ids;
}

// Ids of events whose token postings could hold the value: the intersection over its tokens.
Result<Ids> QueryEngine::Private::tokenCandidates(const Node &node)
{
    if (node.value.kind == QueryValue::Kind::Regex) {
        auto terms = termsWithPrefix("");
        if (!terms)
            return terms.error();
        std::vector<std::string> matching;
        const std::regex *regex = regexOf(node);
        for (const std::string &term : terms.value())
            if (term.find('=') == std::string::npos && regex && std::regex_match(term, *regex))
                matching.push_back(term);
        return uniteTerms(matching);
    }
    const std::vector<TokenPattern> patterns = tokenPatterns(node.value);
    // A sequence is checked on the rows anyway: a token whose list dwarfs the rarest one's (`task`
    // beside `failed`) is left to that check instead of decoding millions of ids to intersect.
    std::vector<bool> skip(patterns.size(), false);
    if (patterns.size() > 1) {
        std::vector<std::size_t> bytes(patterns.size(), SIZE_MAX);
        for (std::size_t i = 0; i < patterns.size(); ++i) {
            if (patterns[i].any || patterns[i].glob)
                continue;
            bytes[i] = 0;
            auto read = PostingReader(d.db.get()).forEachList(patterns[i].text, [&](std::string_view list) { bytes[i] += list.size(); });
            if (!read)
                return read.error();
        }
        const std::size_t rarest = *std::min_element(bytes.begin(), bytes.end());
        constexpr std::size_t RarestLimitBytes = 16 * 1024;
        constexpr std::size_t DwarfRatio = 32;
        if (rarest <= RarestLimitBytes)
            for (std::size_t i = 0; i < patterns.size(); ++i)
                skip[i] = bytes[i] != SIZE_MAX && bytes[i] > DwarfRatio * std::max<std::size_t>(rarest, 1);
    }
    std::optional<Ids> result;
    for (std::size_t i = 0; i < patterns.size(); ++i) {
        const TokenPattern &pattern = patterns[i];
        if (pattern.any || skip[i])
            continue;
        Result<Ids> ids = Ids{};
        if (!pattern.glob) {
            ids = postings(pattern.text);
        } else {
            auto terms = termsWithPrefix(globPrefix(pattern.text));
            if (!terms)
                return terms.error();
            std::vector<std::string> matching;
            for (const std::string &term : terms.value())
                if (term.find('=') == std::string::npos && globMatch(pattern.text, term))
                    matching.push_back(term);
            ids = uniteTerms(matching);
        }
        if (!ids)
            return ids.error();
        result = result ? intersect(*result, ids.value()) : std::move(ids.value());
        if (result->empty())
            break;
    }
    if (!result) {
        // Nothing narrower than "some token": every event is a candidate.
        return scanIds("id >= ?1 AND ?2 = ?2", 0, 0);
    }
    return std::move(*result);
}

// Ids whose `@column=` or `path=` term matches the value (exact, glob or regex over the values).
Result<Ids> QueryEngine::Private::valueTerms(const Node &node)
{
    const std::string prefix = termPrefix(node);
    if (node.value.kind == QueryValue::Kind::Term || node.value.kind == QueryValue::Kind::Phrase)
        return postings(prefix + node.value.text);
    const bool glob = node.value.kind == QueryValue::Kind::Wildcard;
    auto terms = termsWithPrefix(prefix + (glob ? globPrefix(node.value.pattern) : std::string()));
    if (!terms)
        return terms.error();
    std::vector<std::string> matching;
    const std::regex *regex = regexOf(node);
    for (const std::string &term : terms.value()) {
        const std::string_view value = std::string_view(term).substr(prefix.size());
        if (valueMatches(node.value, regex, value))
            matching.push_back(term);
    }
    return uniteTerms(matching);
}

Result<Ids> QueryEngine::Private::levelIds(const Node &node)
{
    std::vector<std::string> terms;
    for (int level = 0; level < LevelCount; ++level)
        if (node.levels & (1u << level))
            terms.push_back("@level=" + std::to_string(level));
    if (node.hasValue) {
        // The original text, case-insensitively, under every path that held a level.
        const std::string wanted = asciiLower(node.value.text);
        const std::string pattern = asciiLower(node.value.pattern);
        const std::regex *regex = regexOf(node);
        for (const std::string &path : levelPaths) {
            auto values = termsWithPrefix(path + "=");
            if (!values)
                return values.error();
            for (const std::string &term : values.value()) {
                const std::string value = asciiLower(std::string_view(term).substr(path.size() + 1));
                const bool hit = node.value.kind == QueryValue::Kind::Wildcard ? globMatch(pattern, value)
                    : node.value.kind == QueryValue::Kind::Regex                ? regex && std::regex_match(value, *regex)
                                                                                : value == wanted;
                if (hit)
                    terms.push_back(term);
            }
        }
    }
    return uniteTerms(terms);
}

Result<Ids> QueryEngine::Private::evaluateLeaf(const Node &node, const Ids *candidates)
{
    switch (node.kind) {
    case Node::Kind::Time:
        return scanIds("ts >= ?1 AND ts < ?2", node.timeBegin, node.timeEnd);
    case Node::Kind::Level:
        return levelIds(node);
    case Node::Kind::Range: {
        auto terms = termsWithPrefix(node.path + "=");
        if (!terms)
            return terms.error();
        std::vector<std::string> matching;
        for (const std::string &term : terms.value())
            if (inRange(node, std::string_view(term).substr(node.path.size() + 1)))
                matching.push_back(term);
        return uniteTerms(matching);
    }
    case Node::Kind::Exists: {
        if (node.column == Column::Level)
            return scanIds("level >= ?1 AND ?2 = ?2", 1, 0);
        if (node.column == Column::Time)
            return scanIds("ts > ?1 AND ?2 = ?2", NoTimeNs, 0);
        if (node.column == Column::Message || node.column == Column::Text)
            return scanIds("message != '' AND ?1 = ?2", 0, 0);
        // Every value's list, read in one pass over the prefix's blocks (a request ID per event is
        // millions of terms); a first-class column's bare prefix is not a value.
        const std::string prefix = termPrefix(node);
        Ids all;
        auto read = PostingReader(d.db.get()).forEachListInRange(prefix, PostingReader::prefixEnd(prefix), [&](std::string_view term, std::string_view list) {
            if (node.column == Column::Path || term != prefix)
                varint::appendIds(list, all);
        });
        if (!read)
            return read.error();
        sortUnique(all);
        return all;
    }
    case Node::Kind::Match:
        break;
    default:
        return Ids{};
    }
    if (node.column == Column::Text || node.column == Column::Message) {
        Ids found;
        if (candidates && node.value.kind != QueryValue::Kind::Term) {
            found = *candidates;
        } else {
            auto ids = tokenCandidates(node);
            if (!ids)
                return ids.error();
            found = std::move(ids.value());
            if (candidates)
                found = intersect(found, *candidates);
        }
        const std::vector<TokenPattern> patterns = tokenPatterns(node.value);
        // One exact token is exact from the postings; sequences, globs over several tokens and the
        // message alone are checked on the rows.
        const bool exact = node.column == Column::Text
            && ((patterns.size() == 1 && !patterns.front().any) || node.value.kind == QueryValue::Kind::Regex);
        if (patterns.empty() && node.value.kind != QueryValue::Kind::Regex)
            return Ids{};
        if (exact)
            return found;
        return verify(node, restrictLive(std::move(found)));
    }
    return valueTerms(node);
}

Result<IdSet> QueryEngine::Private::evaluate(const Node &node, const Ids *candidates)
{
    switch (node.kind) {
    case Node::Kind::All:
        return IdSet{{}, true};
    case Node::Kind::None:
        return IdSet{};
    case Node::Kind::Not: {
        auto inner = evaluate(node.children.front(), nullptr);
        if (!inner)
            return inner.error();
        inner->complement = !inner->complement;
        return inner;
    }
    case Node::Kind::And: {
        // Children that need row checks go last, on what the others left.
        std::vector<const Node *> order;
        for (const Node &child : node.children)
            order.push_back(&child);
        const auto costly = [](const Node *n) {
            return n->kind == Node::Kind::Match && (n->column == Column::Text || n->column == Column::Message);
        };
        std::stable_partition(order.begin(), order.end(), [&](const Node *n) { return !costly(n); });
        std::optional<IdSet> result;
        for (const Node *child : order) {
            const Ids *narrow = result && !result->complement ? &result->ids : candidates;
            auto set = evaluate(*child, narrow);
            if (!set)
                return set.error();
            result = result ? andSets(std::move(*result), std::move(set.value())) : std::move(set.value());
        }
        return std::move(*result);
    }
    case Node::Kind::Or: {
        std::optional<IdSet> result;
        for (const Node &child : node.children) {
            auto set = evaluate(child, candidates);
            if (!set)
                return set.error();
            result = result ? orSets(std::move(*result), std::move(set.value())) : std::move(set.value());
        }
        return std::move(*result);
    }
    default: {
        auto ids = evaluateLeaf(node, candidates);
        if (!ids)
            return ids.error();
        return IdSet{restrictLive(std::move(ids.value())), false};
    }
    }
}

Result<std::vector<EventRow>> QueryEngine::Private::rowsById(const Ids &ids)
{
    auto statement = sql::Statement::prepare(d.db.get(), std::string("SELECT ") + EventColumns + " FROM events WHERE id = ?1");
    if (!statement)
        return statement.error();
    std::vector<EventRow> rows;
    rows.reserve(ids.size());
    for (const std::int64_t id : ids) {
        statement->reset();
        sql::ReadTransaction::yieldIfLong(d.db.get());
        statement->bind(1, id);
        auto read = readEvents(d, *statement);
        if (!read)
            return read.error();
        for (EventRow &row : read.value())
            rows.push_back(std::move(row));
    }
    return rows;
}

Result<std::pair<std::size_t, std::size_t>> QueryEngine::Private::rankRange(const Bounds &bounds, std::optional<EventKey> after,
                                                                             Direction direction)
{
    const TimeOrder &order = *d.order;
    std::size_t first = 0;
    std::size_t end = order.size();
    if (bounds.begin != INT64_MIN) {
        auto rank = order.firstAtOrAfter(d.db.get(), bounds.begin);
        if (!rank)
            return rank.error();
        first = *rank;
    }
    if (bounds.end != INT64_MAX) {
        auto rank = order.firstAtOrAfter(d.db.get(), bounds.end);
        if (!rank)
            return rank.error();
        end = *rank;
    }
    if (after) {
        const bool ascending = direction == Direction::Ascending;
        auto rank = order.firstAfter(d.db.get(), *after, ascending);
        if (!rank)
            return rank.error();
        if (ascending)
            first = std::max(first, *rank);
        else
            end = std::min(end, *rank);
    }
    return std::pair{first, std::max(first, end)};
}

Result<std::vector<std::size_t>> QueryEngine::Private::edgeRanks(std::int64_t fromNs, std::int64_t bucketNs, std::size_t buckets,
                                                                 const Bounds &bounds)
{
    std::vector<std::int64_t> edges;
    for (std::size_t i = 0; i <= buckets; ++i)
        edges.push_back(std::clamp(fromNs + static_cast<std::int64_t>(i) * bucketNs, bounds.begin, bounds.end));
    return d.order->firstAtOrAfter(d.db.get(), edges);
}

RankBitmap QueryEngine::Private::bitmapOf(const Ids &ids, bool complement, std::size_t first, std::size_t end) const
{
    const TimeOrder &order = *d.order;
    RankBitmap bits(order.size());
    if (complement)
        bits.setRange(first, end);
    for (const std::int64_t id : ids) {
        const std::uint32_t rank = order.rankOf(id);
        if (rank == TimeOrder::NoRank || rank < first || rank >= end)
            continue;
        if (complement)
            bits.reset(rank);
        else
            bits.set(rank);
    }
    return bits;
}

Result<std::vector<EventRow>> QueryEngine::Private::rowsAtRanks(const std::vector<std::size_t> &ranks)
{
    Ids ids;
    ids.reserve(ranks.size());
    for (const std::size_t rank : ranks)
        ids.push_back(d.order->idAt(rank));
    return rowsById(ids);
}

Result<Ids> QueryEngine::Private::verify(const Node &node, const Ids &candidates)
{
    Ids kept;
    Ids rest = candidates;
    if (node.kind == Node::Kind::Match && (node.column == Column::Text || node.column == Column::Message)) {
        // The message column decides most candidates of text: read it alone, and whole rows (and
        // their raw lines, for string values) only for free text the message does not hold.
        auto statement = sql::Statement::prepare(d.db.get(), "SELECT message FROM events WHERE id = ?1");
        if (!statement)
            return statement.error();
        const std::vector<TokenPattern> sequence = tokenPatterns(node.value);
        const std::regex *regex = node.value.kind == QueryValue::Kind::Regex ? regexOf(node) : nullptr;
        rest.clear();
        auto read = forEachRowOf(*statement, candidates, [&](std::int64_t id) {
            if (textHas(statement->view(0), sequence, regex))
                kept.push_back(id);
            else if (node.column == Column::Text)
                rest.push_back(id);
        });
        if (!read)
            return read.error();
    }
    constexpr std::size_t Chunk = 512;
    for (std::size_t at = 0; at < rest.size(); at += Chunk) {
        const Ids chunk(rest.begin() + static_cast<std::ptrdiff_t>(at),
                        rest.begin() + static_cast<std::ptrdiff_t>(std::min(rest.size(), at + Chunk)));
        auto rows = rowsById(chunk);
        if (!rows)
            return rows.error();
        for (EventRow &event : rows.value()) {
            Row row{std::move(event), false, {}, nullptr};
            auto hit = matches(node, row);
            if (!hit)
                return hit.error();
            if (*hit)
                kept.push_back(row.event.id);
        }
    }
    std::sort(kept.begin(), kept.end());
    return kept;
}

Result<std::string> QueryEngine::Private::rawLines(const EventRow &event)
{
    std::string text;
    std::uint32_t line = event.key.line;
    const std::uint32_t endLine = event.key.line + std::max<std::uint32_t>(event.lineCount, 1);
    while (line < endLine) {
        const std::int64_t want = rawBlockId(event.key.sourceId, line);
        const bool cached = blockId >= 0 && (blockId >> 32) == event.key.sourceId && line >= blockFirst
            && line - blockFirst < lineStarts.size();
        if (!cached) {
            auto statement = sql::Statement::prepare(
                d.db.get(), "SELECT id, data FROM raw WHERE id <= ?1 AND id >= ?2 ORDER BY id DESC LIMIT 1");
            if (!statement)
                return statement.error();
            statement->bind(1, want).bind(2, rawBlockId(event.key.sourceId, 0));
            auto row = statement->step();
            if (!row)
                return row.error();
            if (!*row)
                return makeError(ErrorCode::Store, "no raw lines stored for line " + std::to_string(line));
            auto decompressed = decompressRaw(statement->view(1));
            if (!decompressed)
                return decompressed.error();
            blockId = statement->integer(0);
            blockFirst = static_cast<std::uint32_t>(blockId & 0xFFFFFFFF);
            block = std::move(decompressed.value());
            lineStarts.clear();
            for (std::size_t start = 0; start < block.size();) {
                lineStarts.push_back(start);
                const std::size_t end = block.find('\n', start);
                start = end == std::string::npos ? block.size() : end + 1;
            }
            if (line < blockFirst || line - blockFirst >= lineStarts.size())
                return makeError(ErrorCode::Store, "no raw lines stored for line " + std::to_string(line));
        }
        while (line < endLine && line - blockFirst < lineStarts.size()) {
            const std::size_t start = lineStarts[line - blockFirst];
            const std::size_t end = std::min(block.find('\n', start), block.size());
            if (!text.empty())
                text.push_back('\n');
            text.append(block, start, end - start);
            ++line;
        }
    }
    return text;
}

Result<void> QueryEngine::Private::parse(Row &row)
{
    if (row.parsed)
        return {};
    row.parsed = true;
    if (row.event.sourceName.empty())
        return {};
    auto raw = rawLines(row.event);
    if (!raw) {
        // A source being imported commits its rows before the block of raw lines that holds them
        // fills: such an event is matched on its columns alone until the block is written.
        if (isImporting(row.event.id))
            return {};
        return raw.error();
    }
    row.record = reparseEvent(raw.value(), row.event, row.batch);
    return {};
}

Result<bool> QueryEngine::Private::matches(const Node &node, Row &row)
{
    const EventRow &event = row.event;
    switch (node.kind) {
    case Node::Kind::All:
        return true;
    case Node::Kind::None:
        return false;
    case Node::Kind::Not: {
        auto inner = matches(node.children.front(), row);
        if (!inner)
            return inner;
        return !*inner;
    }
    case Node::Kind::And:
    case Node::Kind::Or: {
        const bool isAnd = node.kind == Node::Kind::And;
        for (const Node &child : node.children) {
            auto hit = matches(child, row);
            if (!hit)
                return hit;
            if (*hit != isAnd)
                return !isAnd;
        }
        return isAnd;
    }
    case Node::Kind::Time:
        return event.key.timeNs >= node.timeBegin && event.key.timeNs < node.timeEnd;
    case Node::Kind::Level: {
        if (node.levels & (1u << static_cast<int>(event.level)))
            return true;
        if (!node.hasValue || event.levelText.empty())
            return false;
        const std::string text = asciiLower(event.levelText);
        switch (node.value.kind) {
        case QueryValue::Kind::Wildcard: return globMatch(asciiLower(node.value.pattern), text);
        case QueryValue::Kind::Regex: return regexOf(node) && std::regex_match(text, *regexOf(node));
        default: return text == asciiLower(node.value.text);
        }
    }
    default:
        break;
    }
    const std::string_view column = node.column == Column::Service ? std::string_view(event.service)
        : node.column == Column::RequestId                            ? std::string_view(event.requestId)
        : node.column == Column::TraceId                              ? std::string_view(event.traceId)
        : node.column == Column::SpanId                               ? std::string_view(event.spanId)
                                                                      : std::string_view();
    const bool firstClass = node.column == Column::Service || node.column == Column::RequestId
        || node.column == Column::TraceId || node.column == Column::SpanId;
    if (node.kind == Node::Kind::Exists) {
        if (firstClass)
            return !column.empty();
        if (node.column == Column::Message || node.column == Column::Text)
            return !event.message.empty();
        if (node.column == Column::Level)
            return event.level != Level::Unknown;
        if (node.column == Column::Time)
            return event.key.timeNs != NoTimeNs;
    }
    if (node.kind == Node::Kind::Match && firstClass)
        return !column.empty() && valueMatches(node.value, regexOf(node), column);
    if (node.kind == Node::Kind::Match && (node.column == Column::Text || node.column == Column::Message)) {
        const std::vector<TokenPattern> sequence = tokenPatterns(node.value);
        const std::regex *regex = node.value.kind == QueryValue::Kind::Regex ? regexOf(node) : nullptr;
        if (textHas(event.message, sequence, regex))
            return true;
        if (node.column == Column::Message)
            return false;
        // Free text also matches continuation lines and string values (not key names).
        if (auto parsed = parse(row); !parsed)
            return parsed.error();
        if (!row.record)
            return false;
        if (textHas(row.record->extraText, sequence, regex))
            return true;
        for (const Field &field : row.batch.fieldsOf(*row.record)) {
            if (field.type != FieldType::String)
                continue;
            const normalize::Role role = normalize::roleOfKey(field.path);
            if (role == normalize::Role::Time || role == normalize::Role::Message || role == normalize::Role::Level)
                continue;
            if (textHas(field.value, sequence, regex))
                return true;
        }
        return false;
    }
    // A record path: its values come from the raw record.
    if (auto parsed = parse(row); !parsed)
        return parsed.error();
    if (!row.record)
        return false;
    for (const Field &field : row.batch.fieldsOf(*row.record)) {
        if (field.path != node.path)
            continue;
        if (node.kind == Node::Kind::Exists)
            return true;
        if (node.kind == Node::Kind::Range ? inRange(node, field.value) : valueMatches(node.value, regexOf(node), field.value))
            return true;
    }
    return false;
}

Result<std::vector<EventRow>> QueryEngine::Private::tailMatches(const QueryFilter &filter, const Bounds &bounds)
{
    auto statement = sql::Statement::prepare(d.db.get(), std::string("SELECT ") + EventColumns + " FROM events WHERE id > ?1 ORDER BY id");
    if (!statement)
        return statement.error();
    statement->bind(1, indexedThrough);
    auto rows = readEvents(d, *statement);
    if (!rows)
        return rows.error();
    std::vector<EventRow> kept;
    for (EventRow &event : rows.value()) {
        if (!bounds.contains(event.key.timeNs))
            continue;
        Row row{std::move(event), false, {}, nullptr};
        auto hit = matches(filter.root(), row);
        if (!hit)
            return hit.error();
        if (*hit)
            kept.push_back(std::move(row.event));
    }
    return kept;
}

Result<std::vector<EventRow>> QueryEngine::Private::walkMatches(const QueryFilter &filter, const Bounds &bounds,
                                                                std::optional<EventKey> after, std::size_t limit,
                                                                Direction direction, std::size_t maxRows, bool &walkedAll)
{
    constexpr std::size_t Chunk = 1024;
    const bool ascending = direction == Direction::Ascending;
    std::string text = std::string("SELECT ") + EventColumns + " FROM events WHERE ts >= ?1 AND ts < ?2";
    text += ascending ? " AND (ts, source, line, idx) > (?3, ?4, ?5, ?6) ORDER BY ts, source, line, idx LIMIT ?7"
                      : " AND (ts, source, line, idx) < (?3, ?4, ?5, ?6) ORDER BY ts DESC, source DESC, line DESC, idx DESC LIMIT ?7";
    auto statement = sql::Statement::prepare(d.db.get(), text);
    if (!statement)
        return statement.error();
    // Without a key to start from, start before the first (or after the last) possible key.
    EventKey from = after ? *after
                          : (ascending ? EventKey{INT64_MIN, INT64_MIN, 0, 0}
                                       : EventKey{INT64_MAX, INT64_MAX, UINT32_MAX, UINT32_MAX});
    std::vector<EventRow> kept;
    std::size_t read = 0;
    walkedAll = false;
    while (kept.size() < limit && read < maxRows) {
        statement->reset();
        statement->bind(1, bounds.begin).bind(2, bounds.end);
        statement->bind(3, from.timeNs).bind(4, from.sourceId).bind(5, std::int64_t{from.line}).bind(6, std::int64_t{from.index});
        statement->bind(7, static_cast<std::int64_t>(Chunk));
        auto rows = readEvents(d, *statement);
        if (!rows)
            return rows.error();
        for (EventRow &event : rows.value()) {
            ++read;
            from = event.key;
            Row row{std::move(event), false, {}, nullptr};
            auto hit = matches(filter.root(), row);
            if (!hit)
                return hit.error();
            if (*hit) {
                kept.push_back(std::move(row.event));
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

namespace {

// Top-level time conditions become bounds on the time index; the rest is evaluated as id sets.
Bounds splitBounds(const Node &root, std::vector<const Node *> &rest)
{
    Bounds bounds;
    const auto take = [&](const Node &node) {
        if (node.kind == Node::Kind::Time) {
            bounds.begin = std::max(bounds.begin, node.timeBegin);
            bounds.end = std::min(bounds.end, node.timeEnd);
        } else if (node.kind != Node::Kind::All) {
            rest.push_back(&node);
        }
    };
    if (root.kind == Node::Kind::And)
        for (const Node &child : root.children)
            take(child);
    else
        take(root);
    return bounds;
}

} // namespace

using ServiceIds = std::unordered_map<std::string, std::vector<std::int64_t>>;
static Result<ServiceIds> serviceIdsOf(QueryEngine::Private &e, const QueryFilter &filter);

namespace {

// Whether `node` holds on an event of this level and service; nullopt when it asks for a time.
// The same semantics as renderTls, which asks SQL the same question.
std::optional<bool> levelServiceHolds(const Node &node, int level, std::int64_t service, const ServiceIds &serviceIds)
{
    switch (node.kind) {
    case Node::Kind::All:
        return true;
    case Node::Kind::None:
        return false;
    case Node::Kind::Time:
        return std::nullopt;
    case Node::Kind::Not: {
        const auto inner = levelServiceHolds(node.children.front(), level, service, serviceIds);
        return inner ? std::optional<bool>(!*inner) : std::nullopt;
    }
    case Node::Kind::And:
    case Node::Kind::Or: {
        const bool isAnd = node.kind == Node::Kind::And;
        bool result = isAnd;
        for (const Node &child : node.children) {
            const auto holds = levelServiceHolds(child, level, service, serviceIds);
            if (!holds)
                return std::nullopt;
            result = isAnd ? result && *holds : result || *holds;
        }
        return result;
    }
    case Node::Kind::Level:
        return (node.levels & (1u << level)) != 0;
    default: {
        const auto found = serviceIds.find(node.value.pattern + '\n' + node.value.text);
        return found != serviceIds.end() && std::find(found->second.begin(), found->second.end(), service) != found->second.end();
    }
    }
}

} // namespace

// Conditions on level and service alone, decided once per (level, service) pair: with the order's
// arrays a rank is tested by one lookup, where posting lists would decode millions of ids.
struct LevelServiceTable {
    std::size_t services = 0;
    std::vector<std::uint8_t> holds; ///< [level × services + service]

    bool at(const TimeOrder &order, std::size_t rank) const
    {
        return holds[order.levelAt(rank) * services + order.serviceAt(rank)] != 0;
    }
};

// The table for `conditions` (all of which must hold), or nullopt when the order has no arrays or a
// condition is not on level and service alone.
static Result<std::optional<LevelServiceTable>> levelServiceTable(QueryEngine::Private &e, const QueryFilter &filter,
                                                                  const std::vector<const Node *> &conditions)
{
    const TimeOrder *order = e.order();
    if (!order || conditions.empty())
        return std::optional<LevelServiceTable>();
    for (const Node *node : conditions)
        if (!QueryFilter::isTimeLevelService(*node))
            return std::optional<LevelServiceTable>();
    auto serviceIds = serviceIdsOf(e, filter);
    if (!serviceIds)
        return serviceIds.error();
    LevelServiceTable table;
    table.services = std::size_t{order->maxService()} + 1;
    table.holds.assign(LevelCount * table.services, 0);
    for (int level = 0; level < LevelCount; ++level)
        for (std::size_t service = 0; service < table.services; ++service) {
            bool all = true;
            for (const Node *node : conditions) {
                const auto holds = levelServiceHolds(*node, level, static_cast<std::int64_t>(service), serviceIds.value());
                if (!holds)
                    return std::optional<LevelServiceTable>();
                all = all && *holds;
            }
            table.holds[static_cast<std::size_t>(level) * table.services + service] = all;
        }
    return std::optional<LevelServiceTable>(std::move(table));
}

// The ranks in [first, end) the table accepts: `skip` of them passed over, then up to `limit`, going
// up from `first` (or down from `end`).
static std::vector<std::size_t> walkRanks(const TimeOrder &order, const LevelServiceTable &table, std::size_t first, std::size_t end,
                                          std::uint64_t skip, std::size_t limit, Direction direction)
{
    std::vector<std::size_t> ranks;
    const bool ascending = direction == Direction::Ascending;
    for (std::size_t step = 0; step < end - first && ranks.size() < limit; ++step) {
        const std::size_t rank = ascending ? first + step : end - 1 - step;
        if (!table.at(order, rank))
            continue;
        if (skip > 0)
            --skip;
        else
            ranks.push_back(rank);
    }
    return ranks;
}

// A page from the index completed with the matches past it (an import still running): those after
// `after`, in the order, cut at `limit`.
static std::vector<EventRow> withTail(std::vector<EventRow> page, std::vector<EventRow> tail, std::optional<EventKey> after,
                                      std::size_t limit, Direction direction)
{
    const bool ascending = direction == Direction::Ascending;
    for (EventRow &row : tail)
        if (!after || (ascending ? row.key > *after : row.key < *after))
            page.push_back(std::move(row));
    std::sort(page.begin(), page.end(), [&](const EventRow &a, const EventRow &b) { return ascending ? a.key < b.key : b.key < a.key; });
    if (page.size() > limit)
        page.resize(limit);
    return page;
}

// The plan shared by count, events and histogram: the indexed events as an id set within time bounds.
struct Plan {
    Bounds bounds;
    IdSet set;
    std::vector<EventRow> tail; ///< the matches past the index (an import still running) within the bounds
};

static Result<Plan> makePlan(QueryEngine::Private &e, const QueryFilter &filter)
{
    Plan plan;
    std::vector<const Node *> rest;
    plan.bounds = splitBounds(filter.root(), rest);
    std::optional<IdSet> set;
    std::stable_partition(rest.begin(), rest.end(), [](const Node *n) {
        return !(n->kind == Node::Kind::Match && (n->column == Column::Text || n->column == Column::Message));
    });
    // With the order's arrays, conditions on level and service test the other conditions' candidates
    // instead of decoding their own posting lists, when the others leave a list to test.
    std::vector<const Node *> levelService;
    if (rest.size() > 1 && e.order()) {
        const auto split = std::stable_partition(rest.begin(), rest.end(), [](const Node *n) { return !QueryFilter::isTimeLevelService(*n); });
        levelService.assign(split, rest.end());
        rest.erase(split, rest.end());
    }
    for (const Node *node : rest) {
        auto evaluated = e.evaluate(*node, set && !set->complement ? &set->ids : nullptr);
        if (!evaluated)
            return evaluated.error();
        set = set ? andSets(std::move(*set), std::move(evaluated.value())) : std::move(evaluated.value());
    }
    if (!levelService.empty()) {
        auto table = set && !set->complement ? levelServiceTable(e, filter, levelService)
                                             : Result<std::optional<LevelServiceTable>>(std::optional<LevelServiceTable>());
        if (!table)
            return table.error();
        if (table->has_value()) {
            const TimeOrder &order = *e.d.order;
            std::erase_if(set->ids, [&](std::int64_t id) {
                const std::uint32_t rank = order.rankOf(id);
                return rank == TimeOrder::NoRank || !(*table)->at(order, rank);
            });
        } else {
            for (const Node *node : levelService) {
                auto evaluated = e.evaluate(*node, set && !set->complement ? &set->ids : nullptr);
                if (!evaluated)
                    return evaluated.error();
                set = set ? andSets(std::move(*set), std::move(evaluated.value())) : std::move(evaluated.value());
            }
        }
    }
    plan.set = set ? std::move(*set) : IdSet{{}, true};
    if (!plan.set.complement)
        plan.set.ids = e.restrictLive(std::move(plan.set.ids));
    auto tail = e.tailMatches(filter, plan.bounds);
    if (!tail)
        return tail.error();
    plan.tail = std::move(tail.value());
    return plan;
}

namespace {

// Renders a filter on time, level and service alone as SQL over `buckets` or `events`: every value
// a bound parameter, every identifier this schema's own.
struct SqlFilter {
    std::string text;
    std::vector<std::int64_t> values;
};

void renderTls(const Node &node, const char *timeColumn, const std::unordered_map<std::string, std::vector<std::int64_t>> &serviceIds,
               SqlFilter &out)
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
        renderTls(node.children.front(), timeColumn, serviceIds, out);
        out.text += ")";
        return;
    case Node::Kind::And:
    case Node::Kind::Or:
        out.text += "(";
        for (std::size_t i = 0; i < node.children.size(); ++i) {
            if (i > 0)
                out.text += node.kind == Node::Kind::And ? " AND " : " OR ";
            renderTls(node.children[i], timeColumn, serviceIds, out);
        }
        out.text += ")";
        return;
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
        auto found = serviceIds.find(node.value.pattern + '\n' + node.value.text);
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

void collectTimes(const Node &node, std::vector<std::int64_t> &edges)
{
    if (node.kind == Node::Kind::Time) {
        edges.push_back(node.timeBegin);
        edges.push_back(node.timeEnd);
    }
    for (const Node &child : node.children)
        collectTimes(child, edges);
}

void collectServices(const Node &node, std::vector<const Node *> &out)
{
    if (node.kind == Node::Kind::Match && node.column == Column::Service)
        out.push_back(&node);
    for (const Node &child : node.children)
        collectServices(child, out);
}

std::int64_t floorSecond(std::int64_t ns)
{
    const std::int64_t q = ns / SecondNs;
    return (ns % SecondNs != 0 && ns < 0 ? q - 1 : q) * SecondNs;
}

} // namespace

// Counts of a time/level/service filter from the bucket counts: whole seconds from `buckets`, the
// seconds a time bound cuts from the rows of that second.

// The dict ids each service value of the filter stands for (wildcards and regexes matched here).
static Result<ServiceIds> serviceIdsOf(QueryEngine::Private &e, const QueryFilter &filter)
{
    sqlite3 *db = e.d.db.get();
    ServiceIds serviceIds;
    std::vector<const Node *> services;
    collectServices(filter.root(), services);
    if (!services.empty()) {
        auto values = readDictionary(db);
        if (!values)
            return values.error();
        values->emplace(0, std::string()); // events without a service
        for (const Node *node : services) {
            std::vector<std::int64_t> &ids = serviceIds[node->value.pattern + '\n' + node->value.text];
            const std::regex *regex = e.regexOf(*node);
            for (const auto &[id, value] : values.value())
                if (valueMatches(node->value, regex, value))
                    ids.push_back(id);
        }
    }
    return serviceIds;
}

// The events inside `bounds` (walked on the time index) whose ids the posting lists cover and `set`
// matches: visit(ts) for each.
template<typename Visit>
static Result<void> forEachIndexedMatch(QueryEngine::Private &e, const Bounds &bounds, const IdSet &set, Visit &&visit)
{
    auto statement = sql::Statement::prepare(e.d.db.get(), "SELECT id, ts FROM events WHERE ts >= ?1 AND ts < ?2 AND id <= ?3");
    if (!statement)
        return statement.error();
    statement->bind(1, bounds.begin).bind(2, bounds.end).bind(3, e.indexedThrough);
    while (true) {
        auto row = statement->step();
        if (!row)
            return row.error();
        if (!*row)
            return {};
        if (std::binary_search(set.ids.begin(), set.ids.end(), statement->integer(0)) != set.complement)
            visit(statement->integer(1));
    }
}

static Result<std::uint64_t> bucketCount(QueryEngine::Private &e, const QueryFilter &filter, std::int64_t from, std::int64_t to)
{
    sqlite3 *db = e.d.db.get();
    // The filter's own top-level time bounds narrow the range, so the sums never read rows it excludes.
    std::vector<const Node *> rest;
    const Bounds bounds = splitBounds(filter.root(), rest);
    // (INT64_MIN + 1 only says "has a time": the sums below take it from the filter itself.)
    if (bounds.begin > INT64_MIN + 1)
        from = std::max(from, bounds.begin);
    to = std::min(to, bounds.end);
    if (from >= to)
        return std::uint64_t{0};
    auto serviceIdsOr = serviceIdsOf(e, filter);
    if (!serviceIdsOr)
        return serviceIdsOr.error();
    const ServiceIds &serviceIds = serviceIdsOr.value();
    std::vector<std::int64_t> edges;
    collectTimes(filter.root(), edges);
    edges.push_back(from);
    edges.push_back(to);
    std::vector<std::int64_t> cut; // seconds that a bound splits
    for (const std::int64_t edge : edges)
        if (edge != INT64_MIN && edge != INT64_MAX && edge != INT64_MIN + 1 && edge % SecondNs != 0)
            cut.push_back(floorSecond(edge));
    sortUnique(cut);

    // Whole seconds: a bucket's start is one, so bounds that are not move to the next one.
    const std::int64_t a = from == INT64_MIN ? INT64_MIN : floorSecond(from) == from ? from : floorSecond(from) + SecondNs;
    const std::int64_t b = to == INT64_MAX ? INT64_MAX : floorSecond(to) == to ? to : floorSecond(to);
    SqlFilter bucketsWhere;
    renderTls(filter.root(), "start", serviceIds, bucketsWhere);
    auto reader = rollups::Reader::prepare(db, "coalesce(sum(count), 0)", bucketsWhere.text, bucketsWhere.values);
    if (!reader)
        return reader.error();
    std::uint64_t total = 0;
    const auto sum = [&](const sql::Statement &statement) { total += static_cast<std::uint64_t>(statement.integer(0)); };
    // A rollup row stands for all its seconds only where no time bound of the filter falls inside it:
    // the range is cut at every bound, and the seconds a bound splits are counted from rows below.
    std::vector<std::int64_t> points{a, b};
    for (const std::int64_t edge : edges) {
        if (edge == INT64_MIN || edge == INT64_MAX || edge == INT64_MIN + 1)
            continue;
        const std::int64_t second = floorSecond(edge);
        points.push_back(second);
        if (second != edge && second <= INT64_MAX - SecondNs)
            points.push_back(second + SecondNs);
    }
    sortUnique(points);
    for (std::size_t i = 0; i + 1 < points.size(); ++i) {
        const std::int64_t p = points[i];
        const std::int64_t q = points[i + 1];
        if (p < a || q > b || std::binary_search(cut.begin(), cut.end(), p))
            continue;
        if (auto counted = reader->run(p, q, sum); !counted)
            return counted.error();
    }

    // `+ts` keeps the filter's own (wide) time conditions off the index, so it seeks to the one second.
    SqlFilter rowsWhere;
    renderTls(filter.root(), "+ts", serviceIds, rowsWhere);
    auto statement = sql::Statement::prepare(db, "SELECT count(*) FROM events WHERE " + rowsWhere.text + " AND ts >= ?1 AND ts < ?2");
    if (!statement)
        return statement.error();
    for (const std::int64_t second : cut) {
        statement->reset();
        statement->bind(1, std::max(second, from)).bind(2, std::min(second + SecondNs, to));
        for (std::size_t i = 0; i < rowsWhere.values.size(); ++i)
            statement->bind(static_cast<int>(i + 3), rowsWhere.values[i]);
        auto row = statement->step();
        if (!row)
            return row.error();
        total += static_cast<std::uint64_t>(*row ? statement->integer(0) : 0);
    }
    return total;
}

Result<std::uint64_t> QueryEngine::count(const QueryFilter &filter)
{
    if (auto prepared = d->prepare(filter); !prepared)
        return prepared.error();
    if (filter.onlyTimeLevelService())
        return bucketCount(*d, filter, INT64_MIN, INT64_MAX);
    auto plan = makePlan(*d, filter);
    if (!plan)
        return plan.error();
    std::uint64_t total = plan->tail.size();
    const IdSet &set = plan->set;
    if (!plan->bounds.any())
        return total + (set.complement ? d->universeSize() - set.ids.size() : set.ids.size());
    if (d->order()) {
        auto range = d->rankRange(plan->bounds, std::nullopt, Direction::Ascending);
        if (!range)
            return range.error();
        const auto [first, end] = range.value();
        std::uint64_t members = 0;
        for (const std::int64_t id : set.ids) {
            const std::uint32_t rank = d->d.order->rankOf(id);
            members += rank != TimeOrder::NoRank && rank >= first && rank < end;
        }
        return total + (set.complement ? (end - first) - members : members);
    }
    if (!set.complement && set.ids.size() <= 200'000) {
        auto statement = sql::Statement::prepare(d->d.db.get(), "SELECT ts FROM events WHERE id = ?1");
        if (!statement)
            return statement.error();
        auto read = forEachRowOf(*statement, set.ids, [&](std::int64_t) { total += plan->bounds.contains(statement->integer(0)); });
        if (!read)
            return read.error();
        return total;
    }
    if (auto walked = forEachIndexedMatch(*d, plan->bounds, set, [&](std::int64_t) { ++total; }); !walked)
        return walked.error();
    return total;
}

Result<std::vector<EventRow>> QueryEngine::events(const QueryFilter &filter, std::optional<EventKey> after, std::size_t limit,
                                                  Direction direction)
{
    if (auto prepared = d->prepare(filter); !prepared)
        return prepared.error();
    std::vector<const Node *> conditions;
    const Bounds bounds = splitBounds(filter.root(), conditions);
    if (filter.onlyTimeLevelService() && limit > 0) {
        // Level and service tested on the order's arrays, rank after rank: no row read but the page's.
        auto table = levelServiceTable(*d, filter, conditions);
        if (!table)
            return table.error();
        if (table->has_value()) {
            auto range = d->rankRange(bounds, after, direction);
            auto tail = range ? d->tailMatches(filter, bounds) : Result<std::vector<EventRow>>(range.error());
            if (!tail)
                return tail.error();
            auto rows = d->rowsAtRanks(walkRanks(*d->d.order, **table, range->first, range->second, 0, limit, direction));
            if (!rows)
                return rows.error();
            return withTail(std::move(rows.value()), std::move(tail.value()), after, limit, direction);
        }
    }
    // Time alone, with the order in memory, is a range of ranks: nothing to walk.
    const bool timeAlone = conditions.empty() && d->order();
    if (filter.onlyTimeLevelService() && d->hasOrderIndex && limit > 0 && !timeAlone) {
        auto matching = bucketCount(*d, filter, INT64_MIN, INT64_MAX);
        if (!matching)
            return matching.error();
        if (*matching * DenseWalkRatio >= d->universeSize()) {
            bool walkedAll = false;
            auto walked = d->walkMatches(filter, bounds, after, limit, direction, limit * DenseWalkRatio * 4, walkedAll);
            if (!walked)
                return walked.error();
            // A full page, or the whole rest of the index read: the answer. Otherwise the matches
            // thinned out here; the posting lists finish the page from where the walk stopped.
            if (walked->size() == limit || walkedAll)
                return walked;
            std::vector<EventRow> page = std::move(walked.value());
            const std::optional<EventKey> resume = page.empty() ? after : std::optional<EventKey>(page.back().key);
            auto more = eventsFromPlan(filter, resume, limit - page.size(), direction);
            if (!more)
                return more.error();
            for (EventRow &row : more.value())
                page.push_back(std::move(row));
            return page;
        }
    }
    return eventsFromPlan(filter, after, limit, direction);
}

Result<std::vector<EventRow>> QueryEngine::eventsFromPlan(const QueryFilter &filter, std::optional<EventKey> after, std::size_t limit,
                                                          Direction direction)
{
    auto plan = makePlan(*d, filter);
    if (!plan)
        return plan.error();
    const bool ascending = direction == Direction::Ascending;
    const auto beyond = [&](const EventKey &key) { return !after || (ascending ? key > *after : key < *after); };
    const auto earlier = [&](const EventRow &a, const EventRow &b) { return ascending ? a.key < b.key : b.key < a.key; };
    std::vector<EventRow> found;
    for (EventRow &row : plan->tail)
        if (beyond(row.key))
            found.push_back(std::move(row));
    IdSet &set = plan->set;
    if (d->order()) {
        // Ranks instead of rows: the page is the first `limit` members past the key, whatever their number.
        auto range = d->rankRange(plan->bounds, after, direction);
        if (!range)
            return range.error();
        const RankBitmap bits = d->bitmapOf(set.ids, set.complement, range->first, range->second);
        auto rows = d->rowsAtRanks(bits.pick(range->first, range->second, 0, limit, !ascending));
        if (!rows)
            return rows.error();
        return withTail(std::move(rows.value()), std::move(found), after, limit, direction);
    }
    if (set.complement && d->universeSize() - set.ids.size() <= FetchByIdLimit) {
        // Everything but nearly everything: the few left are cheaper to fetch than to walk past.
        Ids rest;
        auto excluded = set.ids.begin();
        for (const auto &[first, last] : d->live)
            for (std::int64_t id = first; id <= std::min(last, d->indexedThrough); ++id) {
                while (excluded != set.ids.end() && *excluded < id)
                    ++excluded;
                if (excluded == set.ids.end() || *excluded != id)
                    rest.push_back(id);
            }
        set = IdSet{std::move(rest), false};
    }
    // Fetching k candidates costs about k lookups; walking the index costs about limit × N / k rows:
    // fetch while k² stays under limit × N.
    const double universe = static_cast<double>(d->universeSize());
    const auto fetchLimit = std::max<std::size_t>(FetchByIdLimit, static_cast<std::size_t>(std::sqrt(static_cast<double>(limit) * universe)));
    if (!set.complement && (set.ids.size() <= fetchLimit || !d->hasOrderIndex)) {
        // Keys first, sorted; whole rows only for the page.
        auto statement = sql::Statement::prepare(d->d.db.get(), "SELECT ts, source, line, idx FROM events WHERE id = ?1");
        if (!statement)
            return statement.error();
        std::vector<std::pair<EventKey, std::int64_t>> keys;
        auto read = forEachRowOf(*statement, set.ids, [&](std::int64_t id) {
            const EventKey key{statement->integer(0), statement->integer(1), static_cast<std::uint32_t>(statement->integer(2)),
                               static_cast<std::uint32_t>(statement->integer(3))};
            if (plan->bounds.contains(key.timeNs) && beyond(key))
                keys.emplace_back(key, id);
        });
        if (!read)
            return read.error();
        const auto keyEarlier = [&](const auto &a, const auto &b) { return ascending ? a.first < b.first : b.first < a.first; };
        const std::size_t keep = std::min(limit, keys.size());
        std::partial_sort(keys.begin(), keys.begin() + static_cast<std::ptrdiff_t>(keep), keys.end(), keyEarlier);
        Ids chosen;
        for (std::size_t i = 0; i < keep; ++i)
            chosen.push_back(keys[i].second);
        auto rows = d->rowsById(chosen);
        if (!rows)
            return rows.error();
        for (EventRow &row : rows.value())
            found.push_back(std::move(row));
    } else {
        // Walk the time index and keep members: cheap when matches are common.
        std::string text = "SELECT id FROM events WHERE ts >= ?1 AND ts < ?2";
        if (after)
            text += ascending ? " AND (ts, source, line, idx) > (?3, ?4, ?5, ?6)" : " AND (ts, source, line, idx) < (?3, ?4, ?5, ?6)";
        text += ascending ? " ORDER BY ts, source, line, idx" : " ORDER BY ts DESC, source DESC, line DESC, idx DESC";
        auto statement = sql::Statement::prepare(d->d.db.get(), text);
        if (!statement)
            return statement.error();
        statement->bind(1, plan->bounds.begin).bind(2, plan->bounds.end);
        if (after)
            statement->bind(3, after->timeNs).bind(4, after->sourceId).bind(5, std::int64_t{after->line}).bind(6, std::int64_t{after->index});
        Ids chosen;
        while (chosen.size() < limit) {
            auto row = statement->step();
            if (!row)
                return row.error();
            if (!*row)
                break;
            const std::int64_t id = statement->integer(0);
            if (id > d->indexedThrough)
                continue; // the tail was matched above
            if (std::binary_search(set.ids.begin(), set.ids.end(), id) != set.complement)
                chosen.push_back(id);
        }
        auto rows = d->rowsById(chosen);
        if (!rows)
            return rows.error();
        for (EventRow &row : rows.value())
            found.push_back(std::move(row));
    }
    std::sort(found.begin(), found.end(), earlier);
    if (found.size() > limit)
        found.resize(limit);
    return found;
}

Result<std::vector<EventRow>> QueryEngine::eventsAt(const QueryFilter &filter, std::uint64_t position, std::size_t limit,
                                                    Direction direction)
{
    if (auto prepared = d->prepare(filter); !prepared)
        return prepared.error();
    if (filter.onlyTimeLevelService() && d->order()) {
        std::vector<const Node *> conditions;
        const Bounds bounds = splitBounds(filter.root(), conditions);
        auto table = levelServiceTable(*d, filter, conditions);
        if (!table)
            return table.error();
        auto tail = d->tailMatches(filter, bounds);
        if (!tail)
            return tail.error();
        if (table->has_value() && tail->empty()) {
            auto range = d->rankRange(bounds, std::nullopt, direction);
            if (!range)
                return range.error();
            return d->rowsAtRanks(walkRanks(*d->d.order, **table, range->first, range->second, position, limit, direction));
        }
    }
    if (d->order()) {
        auto plan = makePlan(*d, filter);
        if (!plan)
            return plan.error();
        if (plan->tail.empty()) {
            auto range = d->rankRange(plan->bounds, std::nullopt, direction);
            if (!range)
                return range.error();
            const RankBitmap bits = d->bitmapOf(plan->set.ids, plan->set.complement, range->first, range->second);
            return d->rowsAtRanks(bits.pick(range->first, range->second, position, limit, direction == Direction::Descending));
        }
    }
    // No order in memory (an import is adding events): page there by key.
    constexpr std::size_t Chunk = 4096;
    std::optional<EventKey> after;
    while (position > 0) {
        auto skipped = events(filter, after, static_cast<std::size_t>(std::min<std::uint64_t>(position, Chunk)), direction);
        if (!skipped)
            return skipped.error();
        if (skipped->empty())
            return std::vector<EventRow>{};
        position -= skipped->size();
        after = skipped->back().key;
    }
    return events(filter, after, limit, direction);
}

Result<std::vector<std::uint64_t>> QueryEngine::histogram(const QueryFilter &filter, std::int64_t fromNs, std::int64_t bucketNs,
                                                          std::size_t buckets)
{
    std::vector<std::uint64_t> counts(buckets, 0);
    if (bucketNs <= 0 || buckets == 0)
        return counts;
    if (auto prepared = d->prepare(filter); !prepared)
        return prepared.error();
    if (filter.onlyTimeLevelService()) {
        for (std::size_t i = 0; i < buckets; ++i) {
            const std::int64_t begin = fromNs + static_cast<std::int64_t>(i) * bucketNs;
            auto count = bucketCount(*d, filter, begin, begin + bucketNs);
            if (!count)
                return count.error();
            counts[i] = *count;
        }
        return counts;
    }
    const std::int64_t toNs = fromNs + static_cast<std::int64_t>(buckets) * bucketNs;
    auto plan = makePlan(*d, filter);
    if (!plan)
        return plan.error();
    plan->bounds.begin = std::max(plan->bounds.begin, fromNs);
    plan->bounds.end = std::min(plan->bounds.end, toNs);
    const auto add = [&](std::int64_t ts) {
        if (plan->bounds.contains(ts))
            ++counts[static_cast<std::size_t>((ts - fromNs) / bucketNs)];
    };
    for (const EventRow &row : plan->tail)
        add(row.key.timeNs);
    if (d->order()) {
        // The ranks of the bucket edges split the members' bitmap: a bucket's count is the bits between.
        if (plan->bounds.begin >= plan->bounds.end)
            return counts;
        auto ranks = d->edgeRanks(fromNs, bucketNs, buckets, plan->bounds);
        if (!ranks)
            return ranks.error();
        const std::vector<std::size_t> &edges = ranks.value();
        const RankBitmap bits = d->bitmapOf(plan->set.ids, plan->set.complement, edges.front(), edges.back());
        for (std::size_t i = 0; i < buckets; ++i)
            counts[i] += bits.count(edges[i], edges[i + 1]);
        return counts;
    }
    if (auto walked = forEachIndexedMatch(*d, plan->bounds, plan->set, add); !walked)
        return walked.error();
    return counts;
}

Result<QueryEngine::Matches> QueryEngine::matches(const QueryFilter &filter)
{
    if (auto prepared = d->prepare(filter); !prepared)
        return prepared.error();
    auto plan = makePlan(*d, filter);
    if (!plan)
        return plan.error();
    Matches found;
    found.begin = plan->bounds.begin;
    found.end = plan->bounds.end;
    found.ids = std::move(plan->set.ids);
    found.complement = plan->set.complement;
    found.indexedThrough = d->indexedThrough;
    found.live = d->live;
    found.tail = std::move(plan->tail);
    return found;
}

Result<std::optional<QueryEngine::Extent>> QueryEngine::extentOf(const Matches &matches)
{
    const TimeOrder *order = d->order();
    if (!order || matches.indexedThrough != d->indexedThrough)
        return std::optional<Extent>();
    std::int64_t first = INT64_MAX;
    std::int64_t last = INT64_MIN;
    const auto take = [&](std::int64_t ts) {
        first = std::min(first, ts);
        last = std::max(last, ts);
    };
    for (const EventRow &row : matches.tail)
        if (row.key.timeNs != NoTimeNs)
            take(row.key.timeNs);
    // Events without a time sort first: start past them.
    auto range = d->rankRange(Bounds{std::max(matches.begin, NoTimeNs + 1), matches.end}, std::nullopt, Direction::Ascending);
    if (!range)
        return range.error();
    const RankBitmap bits = d->bitmapOf(matches.ids, matches.complement, range->first, range->second);
    for (const bool descending : {false, true}) {
        auto rows = d->rowsAtRanks(bits.pick(range->first, range->second, 0, 1, descending));
        if (!rows)
            return rows.error();
        for (const EventRow &row : rows.value())
            take(row.key.timeNs);
    }
    return std::optional<Extent>(first <= last ? Extent(std::pair{first, last}) : Extent());
}

Result<bool> QueryEngine::binMatches(const Matches &matches, std::int64_t begin, std::int64_t end, std::int64_t fromNs,
                                     std::int64_t bucketNs, std::size_t buckets,
                                     const std::function<void(std::size_t, int, std::int64_t)> &visit,
                                     const std::function<bool()> &progress)
{
    const TimeOrder *order = d->order();
    if (!order || matches.indexedThrough != d->indexedThrough)
        return false;
    if (begin >= end || buckets == 0)
        return true;
    // The ranks of the bucket edges (clamped to [begin, end)) cut one bitmap of the matches.
    auto ranks = d->edgeRanks(fromNs, bucketNs, buckets, Bounds{begin, end});
    if (!ranks)
        return ranks.error();
    const std::vector<std::size_t> &edges = ranks.value();
    const RankBitmap bits = d->bitmapOf(matches.ids, matches.complement, edges.front(), edges.back());
    constexpr std::size_t BucketsBetweenReports = 16;
    for (std::size_t i = 0; i < buckets; ++i) {
        bits.forEachSet(edges[i], edges[i + 1], [&](std::size_t rank) { visit(i, order->levelAt(rank), order->serviceAt(rank)); });
        if ((i + 1) % BucketsBetweenReports == 0 && i + 1 < buckets && progress && !progress())
            return makeError(ErrorCode::Cancelled, "cancelled");
    }
    return true;
}

Result<QueryEngine::Where> QueryEngine::timeLevelServiceWhere(const QueryFilter &filter, bool rows)
{
    if (!filter.onlyTimeLevelService())
        return makeError(ErrorCode::Usage, "the filter is not on time, level and service alone");
    if (auto prepared = d->prepare(filter); !prepared)
        return prepared.error();
    auto serviceIds = serviceIdsOf(*d, filter);
    if (!serviceIds)
        return serviceIds.error();
    SqlFilter where;
    renderTls(filter.root(), rows ? "ts" : "start", serviceIds.value(), where);
    return Where{std::move(where.text), std::move(where.values)};
}

Result<std::vector<std::int64_t>> QueryEngine::termIds(const std::string &term)
{
    if (auto prepared = d->prepare(QueryFilter()); !prepared)
        return prepared.error();
    auto ids = d->postings(term);
    if (!ids)
        return ids.error();
    return d->restrictLive(std::move(ids.value()));
}

Result<std::vector<std::string>> QueryEngine::termsWithPrefix(const std::string &prefix)
{
    return d->termsWithPrefix(prefix);
}

Result<std::optional<std::int64_t>> QueryEngine::timeAnchor()
{
    // The 99.9th percentile second from the bucket counts, then the last event at or before its end:
    // one line from the year 2099 does not move the anchor.
    // The rank is found in hours, then in the minutes of its hour, then in the seconds of its minute.
    sqlite3 *db = d->d.db.get();
    auto totalReader = rollups::Reader::prepare(db, "coalesce(sum(count), 0)", "1", {});
    if (!totalReader)
        return totalReader.error();
    std::int64_t total = 0;
    if (auto summed = totalReader->run(INT64_MIN + 1, INT64_MAX, [&](const sql::Statement &row) { total += row.integer(0); }); !summed)
        return summed.error();
    if (total <= 0)
        return std::optional<std::int64_t>();
    const std::int64_t rank = (total * 999 + 999) / 1000;
    auto seconds = sql::Statement::prepare(db, "SELECT start, sum(count) FROM buckets WHERE start >= ?1 AND start < ?2 GROUP BY start ORDER BY start");
    auto coarse = sql::Statement::prepare(
        db, "SELECT start, sum(count) FROM rollups WHERE width = ?3 AND start >= ?1 AND start < ?2 GROUP BY start ORDER BY start");
    if (!seconds)
        return seconds.error();
    if (!coarse)
        return coarse.error();
    std::int64_t seen = 0;
    std::int64_t second = 0;
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
        std::int64_t width = rollups::HourNs;
        for (std::size_t level = std::size(rollups::Widths); level-- > 0;) {
            width = rollups::Widths[level];
            auto found = walk(width, a, b);
            if (!found)
                return found.error();
            if (!*found)
                return found;
            a = **found;
            b = a + width;
        }
        return walk(SecondNs, a, b);
    };
    std::optional<std::int64_t> found;
    for (const auto &[a, b, rolled] : {std::tuple{INT64_MIN + 1, rollups::DomainBegin, false},
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
    second = *found;
    auto last = sql::Statement::prepare(db, "SELECT max(ts) FROM events WHERE ts < ?1");
    if (!last)
        return last.error();
    last->bind(1, second + SecondNs);
    auto row = last->step();
    if (!row)
        return row.error();
    if (!*row || last->isNull(0))
        return std::optional<std::int64_t>();
    return std::optional<std::int64_t>(last->integer(0));
}

} // namespace core
