// SPDX-License-Identifier: MIT
#include "queryregex.h"

#include "querylimits.h"

#include <re2/re2.h>

#include <string>

namespace core {

Result<QueryRegex> QueryRegex::make(std::string_view pattern, bool ignoreCase)
{
    if (pattern.size() > QueryLimits::MaxRegexBytes)
        return makeError(ErrorCode::Query, "the regex is longer than " + std::to_string(QueryLimits::MaxRegexBytes) + " bytes");
    RE2::Options options;
    options.set_case_sensitive(!ignoreCase);
    options.set_max_mem(QueryLimits::RegexMemoryBytes);
    options.set_log_errors(false);
    // RE2 takes std::string_view as its own string piece (re2::StringPiece, or absl::string_view).
    auto regex = std::make_shared<const RE2>(pattern, options);
    if (!regex->ok())
        return makeError(ErrorCode::Query, regex->error());
    QueryRegex compiled;
    compiled.m_regex = std::move(regex);
    return compiled;
}

bool QueryRegex::matches(std::string_view text) const
{
    return m_regex && RE2::FullMatch(text, *m_regex);
}

} // namespace core
