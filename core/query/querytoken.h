// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <string>

namespace core {

// What a piece of query text is: the parser's input and the query bar's highlighting.
enum class QueryTokenKind : std::uint8_t {
    Field, ///< a name before ':' or a comparison operator
    Colon,
    Comparison, ///< <, <=, >, >=
    Word, ///< a bare value or free-text term (may hold * and ? wildcards)
    Phrase, ///< "quoted text"
    Regex, ///< /pattern/
    And, ///< and, AND, &&
    Or, ///< or, OR, ||
    Not, ///< not, NOT, !
    Plus, ///< Lucene's required prefix
    Minus, ///< Lucene's prohibited prefix
    OpenParen,
    CloseParen,
    OpenRange, ///< [ (inclusive) or { (exclusive)
    CloseRange, ///< ] or }
    To, ///< TO inside a range
    Unterminated, ///< a phrase or range without its end: the parser reports it
    End,
};

struct QueryToken {
    QueryTokenKind kind = QueryTokenKind::End;
    std::int64_t offset = 0; ///< bytes from the start of the query
    std::int64_t length = 0;
    std::string text; ///< the value with escapes resolved (phrases without their quotes); operators as written
    bool wildcard = false; ///< a Word holding an unescaped * or ?
    std::string pattern; ///< for wildcard Words: the text with literal * ? \ escaped by '\'
};

} // namespace core
