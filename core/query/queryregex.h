// SPDX-License-Identifier: MIT
#pragma once

#include <core/base/result.h>

#include <memory>
#include <string_view>

namespace re2 {
class RE2;
}

namespace core {

// A query's /regex/ (docs/QUERY.md): RE2's syntax, matched against the whole text in time linear in
// the text's length, with no recursion on it and a bounded memory per pattern (QueryLimits). Copies
// share one compiled program, which several threads may match with at once.
class QueryRegex
{
public:
    // A bad or oversized pattern is an error that says what is wrong with it, never an exception.
    static Result<QueryRegex> make(std::string_view pattern, bool ignoreCase);

    // Whether the whole of `text` matches.
    bool matches(std::string_view text) const;

private:
    std::shared_ptr<const re2::RE2> m_regex;
};

} // namespace core
