// SPDX-License-Identifier: MIT
#pragma once

#include <core/base/result.h>
#include "queryast.h"
#include "querytoken.h"

#include <string_view>
#include <vector>

namespace core {

// KQL and the Lucene forms people paste, into a typed tree. `not` binds tightest, then `and` (also
// implied between terms, and by Lucene's + and -), then `or`. Errors carry the offset and length of
// the spot and say what was expected there ("expected a value after ':' at column 7").
class QueryParser
{
public:
    static Result<QueryNode> parse(std::string_view text);
    // The column (1-based, in characters) of a byte offset: what error messages show.
    static std::int64_t columnOf(std::string_view text, std::int64_t offset);
};

} // namespace core
