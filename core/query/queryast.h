// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace core {

// A value as written: its kind decides how it matches.
struct QueryValue {
    enum class Kind : std::uint8_t {
        Term, ///< a bare word: equality on keyword fields, a token (sequence) in text
        Phrase, ///< "quoted": the same, never a wildcard
        Wildcard, ///< * and ? in `pattern`
        Regex, ///< /pattern/ (RE2 syntax, core/query/queryregex.h)
    };
    Kind kind = Kind::Term;
    std::string text; ///< escapes resolved
    std::string pattern; ///< Wildcard: text with literal * ? \ escaped by '\'; Regex: the pattern
    std::int64_t offset = 0;
    std::int64_t length = 0;
};

// One node of the typed query tree. The tree says what matches, not how: each store backend
// evaluates it with its own indexes.
struct QueryNode {
    enum class Kind : std::uint8_t {
        All, ///< the empty query
        And,
        Or,
        Not,
        Match, ///< field:value, or free text when field is empty
        Range, ///< field >= a, field:[a TO b], field:{a TO *}
        Exists, ///< field:*, _exists_:field
    };
    Kind kind = Kind::All;
    std::vector<QueryNode> children; ///< And, Or: two or more; Not: one
    std::string field; ///< Match, Range, Exists; empty for free text
    QueryValue value; ///< Match
    std::optional<QueryValue> lower; ///< Range: absent for an open end
    std::optional<QueryValue> upper;
    bool lowerInclusive = true;
    bool upperInclusive = true;
    std::int64_t offset = 0; ///< the text the node came from
    std::int64_t length = 0;

    // A one-line S-expression for tests and debugging: (and (match level "error") (not (exists x))).
    std::string toString() const;

    // Trees built by code rather than parsed, with no text to point into: `field:"text"` exactly,
    // and the conjunction or disjunction of `children` (one child is itself; none: all events).
    static QueryNode phrase(std::string field, std::string text);
    static QueryNode allOf(std::vector<QueryNode> children);
    static QueryNode anyOf(std::vector<QueryNode> children);
};

} // namespace core
