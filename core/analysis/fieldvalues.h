// SPDX-License-Identifier: MIT
#pragma once

#include <core/base/result.h>
#include <core/model/event.h>
#include <core/query/queryast.h>
#include <core/store/eventstore.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace core {

class QueryFilter;

// The values of a result's fields, as the field sidebar shows them and the command line can ask.
class FieldValues
{
public:
    // A query with one more condition AND-ed in (the result's own query, time range and zone).
    using Composer = std::function<std::shared_ptr<const QueryFilter>(const QueryNode &extra)>;

    // Exact counts of each candidate value of a first-class column (level, service) over the result,
    // one count per value from the indexes, the `top` most frequent first; values with no event left out.
    static Result<FieldInfo> exactCounts(EventStore &store, const std::string &field,
                                         const std::vector<std::string> &candidates, std::size_t top,
                                         const Composer &compose);
};

} // namespace core
