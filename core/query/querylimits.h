// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <cstdint>

namespace core {

// How large a query may be (docs/QUERY.md, "Limits"). Each is reported as a query error at the spot
// where the query passes it, so the user sees what to shorten; none is ever a crash or a hang.
struct QueryLimits {
    // Bytes of query text: the longest lists people paste (thousands of IDs) fit.
    static constexpr std::size_t MaxBytes = 256 * 1024;
    // Conditions (field:value, free-text words and phrases, ranges, exists): each is one or more
    // posting-list reads, so this bounds a query's cost.
    static constexpr std::size_t MaxTerms = 4096;
    // Parentheses, `not` and operators nested inside each other.
    static constexpr int MaxDepth = 200;
    // Regexes in one query, and the bytes of each.
    static constexpr std::size_t MaxRegexes = 64;
    static constexpr std::size_t MaxRegexBytes = 1000;
    // The memory one compiled regex may take (its program and its DFA cache); past it, matching
    // goes on in RE2's slower, still linear, NFA.
    static constexpr std::int64_t RegexMemoryBytes = 1 << 20;
};

} // namespace core
