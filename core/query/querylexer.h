// SPDX-License-Identifier: MIT
#pragma once

#include "querytoken.h"

#include <string_view>
#include <vector>

namespace core {

// Splits query text into tokens with their byte offsets. Never fails: text it cannot close becomes an
// Unterminated token, so the query bar can highlight half-typed queries as they are typed.
class QueryLexer
{
public:
    // Every token of `text`, ending with one End token at text.size().
    static std::vector<QueryToken> tokenize(std::string_view text);
};

} // namespace core
