// SPDX-License-Identifier: MIT
#pragma once

#include <core/base/result.h>
#include <core/model/event.h>
#include "queryfilter.h"
#include "queryregex.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace core {

// What a QueryFilter means on one event: its columns, and (read only when a condition asks) the
// fields of its record as (path, value) pairs. This is the reference meaning of docs/QUERY.md that
// every backend shares: SQLite checks candidates of its posting lists and the rows past its index
// with it, and another backend's translation of a filter is tested against it.
class QueryMatcher
{
public:
    // The event's record, parsed again from its raw lines: continuation text and fields.
    struct Fields {
        std::string_view extraText;
        std::vector<Field> values;
    };
    // Hands the matcher an event's record on first need; null when the event has none.
    class FieldReader
    {
    public:
        virtual ~FieldReader() = default;
        virtual Result<const Fields *> fields() = 0;
    };

    // One token of a free-text value: exact, or a glob over one token.
    struct TokenPattern {
        std::string text;
        bool glob = false;
        bool any = false; ///< only stars: any token
    };

    // The ids (a backend's own, such as dictionary ids) each service condition's value stands for,
    // under serviceKey(value).
    using ServiceIds = std::unordered_map<std::string, std::vector<std::int64_t>>;

    // Compiles the filter's regexes; the filter must outlive the matcher. Fails on a bad pattern.
    static Result<QueryMatcher> make(const QueryFilter &filter);
    QueryMatcher() = default;

    // Whether `node` (of the filter given to make()) holds on the event.
    Result<bool> matches(const QueryFilter::Node &node, const EventRow &event, FieldReader &reader) const;
    // The compiled regex of a Match or Level node with a regex value, or null.
    const QueryRegex *regexOf(const QueryFilter::Node &node) const;
    // tokenPatterns() of a free-text or message Match node, split when the matcher was made; empty
    // for any other node.
    const std::vector<TokenPattern> &sequenceOf(const QueryFilter::Node &node) const;

    static std::optional<double> numberOf(std::string_view text);
    // Whether a record value lies within a Range node's bounds.
    static bool inRange(const QueryFilter::Node &node, std::string_view value);
    // The token sequence a value stands for: `task.failed` is task, failed; `req-abc*` is req, abc*.
    static std::vector<TokenPattern> tokenPatterns(const QueryValue &value);
    // Whether `text`'s tokens hold the sequence (or, with a regex, a token it matches whole).
    static bool textHas(std::string_view text, const std::vector<TokenPattern> &sequence, const QueryRegex *regex);
    // Whether a whole value (a column, a record value, a term's value) matches a Match node's value.
    static bool valueMatches(const QueryValue &value, const QueryRegex *regex, std::string_view text);
    static std::string serviceKey(const QueryValue &value);
    // Whether `node` holds on an event of this level and service id; nullopt when it asks for more.
    static std::optional<bool> levelServiceHolds(const QueryFilter::Node &node, int level, std::int64_t service,
                                                 const ServiceIds &serviceIds);

private:
    Result<void> compile(const QueryFilter::Node &node);

    std::unordered_map<const QueryFilter::Node *, QueryRegex> m_regexes;
    // The token sequence of each free-text and message condition, split once: an event's check
    // must not split a pasted 100 KB phrase again.
    std::unordered_map<const QueryFilter::Node *, std::vector<TokenPattern>> m_sequences;
};

} // namespace core
