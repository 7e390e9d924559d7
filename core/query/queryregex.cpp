// SPDX-License-Identifier: MIT
#include "queryregex.h"

#include "querylimits.h"

#include <re2/re2.h>

#include <string>

namespace core {

namespace {

// RE2's string type: its own re2::StringPiece in Debian 12's re2, absl::string_view in Debian 13's,
// which is not std::string_view there. Both are made from a pointer and a length.
re2::StringPiece piece(std::string_view text)
{
    return re2::StringPiece(text.data(), text.size());
}

} // namespace

Result<QueryRegex> QueryRegex::make(std::string_view pattern, bool ignoreCase)
{
    if (pattern.size() > QueryLimits::MaxRegexBytes)
        return makeError(ErrorCode::Query, "the regex is longer than " + std::to_string(QueryLimits::MaxRegexBytes) + " bytes");
    RE2::Options options;
    options.set_case_sensitive(!ignoreCase);
    options.set_max_mem(QueryLimits::RegexMemoryBytes);
    options.set_log_errors(false);
    auto regex = std::make_shared<const RE2>(piece(pattern), options);
    if (!regex->ok())
        return makeError(ErrorCode::Query, regex->error());
    QueryRegex compiled;
    compiled.m_regex = std::move(regex);
    return compiled;
}

bool QueryRegex::matches(std::string_view text) const
{
    return m_regex && RE2::FullMatch(piece(text), *m_regex);
}

} // namespace core
