// SPDX-License-Identifier: MIT
#include "postingplanner.h"

#include "postingreader.h"
#include "querycontext.h"
#include "storeprivate.h"
#include "varint.h"

#include <core/query/querymatcher.h>
#include <core/query/querypattern.h>

#include <algorithm>
#include <optional>
#include <unordered_set>

namespace core {

using Node = QueryFilter::Node;
using Column = QueryFilter::Column;

// The `@` term prefix of a first-class column, or "" for record paths.
static std::string termPrefix(const Node &node)
{
    switch (node.column) {
    case Column::Service:
        return "@service=";
    case Column::RequestId:
        return "@request_id=";
    case Column::TraceId:
        return "@trace_id=";
    case Column::SpanId:
        return "@span_id=";
    case Column::Path:
        return node.path + "=";
    default:
        return {};
    }
}

PostingPlanner::PostingPlanner(QueryContext &context)
    : m_context(context)
{ }

Result<Ids> PostingPlanner::postings(const std::string &term)
{
    Ids ids;
    // Segments hold increasing ids: their lists concatenate in order.
    if (auto read = PostingReader(m_context.db(), m_context.stop())
                        .forEachList(term, [&](std::string_view list) { varint::appendIds(list, ids); });
        !read)
        return read.error();
    return ids;
}

Result<std::vector<std::string>> PostingPlanner::termsWithPrefix(const std::string &prefix)
{
    return PostingReader(m_context.db(), m_context.stop()).termsWithPrefix(prefix);
}

Result<Ids> PostingPlanner::uniteTerms(const std::vector<std::string> &terms)
{
    // A few lists (the levels' terms) merge in linear passes; many come from uniteMatching().
    Ids all;
    for (const std::string &term : terms) {
        auto ids = postings(term);
        if (!ids)
            return ids.error();
        all = all.empty() ? std::move(ids.value()) : IdSet::unite(all, ids.value());
    }
    return all;
}

Result<Ids> PostingPlanner::uniteMatching(const std::string &prefix,
                                          const std::function<bool(std::string_view term)> &wanted)
{
    // Terms share ids (an event holds many tokens): repeats are folded away whenever they have
    // doubled the ids kept, so the ids held stay within about twice the answer.
    constexpr std::size_t FoldAbove = std::size_t{1} << 20;
    Ids all;
    std::size_t folded = 0;
    auto read = PostingReader(m_context.db(), m_context.stop())
                    .forEachListInRange(prefix, PostingReader::prefixEnd(prefix),
                                        [&](std::string_view term, std::string_view list) {
                                            if (!wanted(term))
                                                return;
                                            varint::appendIds(list, all);
                                            if (all.size() > 2 * folded + FoldAbove) {
                                                IdSet::sortUnique(all);
                                                folded = all.size();
                                            }
                                        });
    if (!read)
        return read.error();
    IdSet::sortUnique(all);
    return all;
}

Result<Ids> PostingPlanner::scanIds(const std::string &where, std::int64_t a, std::int64_t b)
{
    auto statement = sql::Statement::prepare(m_context.db(), "SELECT id FROM events WHERE id <= ?3 AND " + where);
    if (!statement)
        return statement.error();
    statement->bind(1, a).bind(2, b).bind(3, m_context.indexedThrough());
    Ids ids;
    while (true) {
        auto row = statement->step();
        if (!row)
            return row.error();
        if (!*row)
            break;
        ids.push_back(statement->integer(0));
    }
    IdSet::sortUnique(ids);
    return ids;
}

// Ids of events whose token postings could hold the value: the intersection over its tokens.
Result<Ids> PostingPlanner::tokenCandidates(const Node &node)
{
    if (node.value.kind == QueryValue::Kind::Regex) {
        // Tokens hold no '=': the terms with one are values of fields.
        const QueryRegex *regex = m_context.matcher().regexOf(node);
        return uniteMatching({}, [&](std::string_view term) {
            return term.find('=') == std::string_view::npos && regex && regex->matches(term);
        });
    }
    const std::vector<QueryMatcher::TokenPattern> &patterns = m_context.matcher().sequenceOf(node);
    // A sequence is checked on the rows anyway: a token whose list dwarfs the rarest one's (`task`
    // beside `failed`) is left to that check instead of decoding millions of ids to intersect.
    // A token the sequence repeats narrows nothing more: each distinct one is read once.
    std::vector<bool> skip(patterns.size(), false);
    std::unordered_set<std::string_view> seen;
    for (std::size_t i = 0; i < patterns.size(); ++i)
        skip[i] = !seen.insert(patterns[i].text).second;
    if (patterns.size() > 1) {
        std::vector<std::size_t> bytes(patterns.size(), SIZE_MAX);
        for (std::size_t i = 0; i < patterns.size(); ++i) {
            if (patterns[i].any || patterns[i].glob || skip[i])
                continue;
            bytes[i] = 0;
            auto read = PostingReader(m_context.db(), m_context.stop())
                            .forEachList(patterns[i].text, [&](std::string_view list) { bytes[i] += list.size(); });
            if (!read)
                return read.error();
            // A token no event holds: no event holds the sequence (a pasted 100 KB phrase stops here).
            if (bytes[i] == 0)
                return Ids{};
        }
        const std::size_t rarest = *std::min_element(bytes.begin(), bytes.end());
        constexpr std::size_t RarestLimitBytes = 16 * 1024;
        constexpr std::size_t DwarfRatio = 32;
        if (rarest <= RarestLimitBytes)
            for (std::size_t i = 0; i < patterns.size(); ++i)
                skip[i] = skip[i] || (bytes[i] != SIZE_MAX && bytes[i] > DwarfRatio * std::max<std::size_t>(rarest, 1));
    }
    std::optional<Ids> result;
    for (std::size_t i = 0; i < patterns.size(); ++i) {
        const QueryMatcher::TokenPattern &pattern = patterns[i];
        if (pattern.any || skip[i])
            continue;
        Result<Ids> ids = Ids{};
        if (!pattern.glob) {
            ids = postings(pattern.text);
        } else {
            ids = uniteMatching(globPrefix(pattern.text), [&](std::string_view term) {
                return term.find('=') == std::string_view::npos && globMatch(pattern.text, term);
            });
        }
        if (!ids)
            return ids.error();
        result = result ? IdSet::intersect(*result, ids.value()) : std::move(ids.value());
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
Result<Ids> PostingPlanner::valueTerms(const Node &node)
{
    const std::string prefix = termPrefix(node);
    if (node.value.kind == QueryValue::Kind::Term || node.value.kind == QueryValue::Kind::Phrase)
        return postings(prefix + node.value.text);
    const bool glob = node.value.kind == QueryValue::Kind::Wildcard;
    const QueryRegex *regex = m_context.matcher().regexOf(node);
    return uniteMatching(prefix + (glob ? globPrefix(node.value.pattern) : std::string()), [&](std::string_view term) {
        return QueryMatcher::valueMatches(node.value, regex, term.substr(prefix.size()));
    });
}

Result<Ids> PostingPlanner::levelIds(const Node &node)
{
    std::vector<std::string> terms;
    for (int level = 0; level < LevelCount; ++level)
        if (node.levels & (1u << level))
            terms.push_back("@level=" + std::to_string(level));
    auto ids = uniteTerms(terms);
    if (!ids || !node.hasValue)
        return ids;
    // The original text, case-insensitively, under every path that held a level.
    Ids all = std::move(ids.value());
    const std::string wanted = asciiLower(node.value.text);
    const std::string pattern = asciiLower(node.value.pattern);
    const QueryRegex *regex = m_context.matcher().regexOf(node);
    for (const std::string &path : m_context.levelPaths()) {
        const std::string prefix = path + "=";
        auto matching = uniteMatching(prefix, [&](std::string_view term) {
            const std::string value = asciiLower(term.substr(prefix.size()));
            return node.value.kind == QueryValue::Kind::Wildcard ? globMatch(pattern, value)
                : node.value.kind == QueryValue::Kind::Regex     ? regex && regex->matches(value)
                                                                 : value == wanted;
        });
        if (!matching)
            return matching.error();
        all = IdSet::unite(all, matching.value());
    }
    return all;
}

Result<Ids> PostingPlanner::evaluateLeaf(const Node &node, const Ids *candidates)
{
    switch (node.kind) {
    case Node::Kind::Time:
        return scanIds("ts >= ?1 AND ts < ?2", node.timeBegin, node.timeEnd);
    case Node::Kind::Level:
        return levelIds(node);
    case Node::Kind::Range: {
        const std::string prefix = node.path + "=";
        return uniteMatching(
            prefix, [&](std::string_view term) { return QueryMatcher::inRange(node, term.substr(prefix.size())); });
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
        auto read = PostingReader(m_context.db(), m_context.stop())
                        .forEachListInRange(prefix, PostingReader::prefixEnd(prefix),
                                            [&](std::string_view term, std::string_view list) {
                                                if (node.column == Column::Path || term != prefix)
                                                    varint::appendIds(list, all);
                                            });
        if (!read)
            return read.error();
        IdSet::sortUnique(all);
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
                found = IdSet::intersect(found, *candidates);
        }
        const std::vector<QueryMatcher::TokenPattern> &patterns = m_context.matcher().sequenceOf(node);
        // One exact token is exact from the postings; sequences, globs over several tokens and the
        // message alone are checked on the rows.
        const bool exact = node.column == Column::Text
            && ((patterns.size() == 1 && !patterns.front().any) || node.value.kind == QueryValue::Kind::Regex);
        if (patterns.empty() && node.value.kind != QueryValue::Kind::Regex)
            return Ids{};
        if (exact)
            return found;
        return verify(node, m_context.restrictLive(std::move(found)));
    }
    return valueTerms(node);
}

Result<IdSet> PostingPlanner::evaluate(const Node &node, const Ids *candidates)
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
            result = result ? IdSet::both(std::move(*result), std::move(set.value())) : std::move(set.value());
        }
        return std::move(*result);
    }
    case Node::Kind::Or: {
        std::optional<IdSet> result;
        for (const Node &child : node.children) {
            auto set = evaluate(child, candidates);
            if (!set)
                return set.error();
            result = result ? IdSet::either(std::move(*result), std::move(set.value())) : std::move(set.value());
        }
        return std::move(*result);
    }
    default: {
        auto ids = evaluateLeaf(node, candidates);
        if (!ids)
            return ids.error();
        return IdSet{m_context.restrictLive(std::move(ids.value())), false};
    }
    }
}

Result<Ids> PostingPlanner::verify(const Node &node, const Ids &candidates)
{
    Ids kept;
    Ids rest = candidates;
    if (node.kind == Node::Kind::Match && (node.column == Column::Text || node.column == Column::Message)) {
        // The message column decides most candidates of text: read it alone, and whole rows (and
        // their raw lines, for string values) only for free text the message does not hold.
        auto statement = sql::Statement::prepare(m_context.db(), "SELECT message FROM events WHERE id = ?1");
        if (!statement)
            return statement.error();
        const std::vector<QueryMatcher::TokenPattern> &sequence = m_context.matcher().sequenceOf(node);
        const QueryRegex *regex
            = node.value.kind == QueryValue::Kind::Regex ? m_context.matcher().regexOf(node) : nullptr;
        rest.clear();
        auto read = m_context.forEachRowOf(*statement, candidates, [&](std::int64_t id) {
            if (QueryMatcher::textHas(statement->view(0), sequence, regex))
                kept.push_back(id);
            else if (node.column == Column::Text)
                rest.push_back(id);
        });
        if (!read)
            return read.error();
    }
    constexpr std::size_t Chunk = 512;
    for (std::size_t at = 0; at < rest.size(); at += Chunk) {
        if (auto checked = m_context.checkInterrupted(); !checked)
            return checked.error();
        const Ids chunk(rest.begin() + static_cast<std::ptrdiff_t>(at),
                        rest.begin() + static_cast<std::ptrdiff_t>(std::min(rest.size(), at + Chunk)));
        auto rows = m_context.rowsById(chunk);
        if (!rows)
            return rows.error();
        for (const EventRow &event : rows.value()) {
            auto hit = m_context.matches(node, event);
            if (!hit)
                return hit.error();
            if (*hit)
                kept.push_back(event.arrival); // the row id
        }
    }
    std::sort(kept.begin(), kept.end());
    return kept;
}

} // namespace core
