// SPDX-License-Identifier: MIT
#pragma once

#include "idset.h"

#include <core/model/event.h>
#include <core/query/querybounds.h>

#include <optional>
#include <vector>

namespace core {

class QueryContext;

// The plan shared by count, events and histogram: the indexed matches as an id set within the
// filter's time bounds, and the matches past the index.
struct QueryPlan {
    QueryBounds bounds;
    IdSet set;
    std::vector<EventRow> tail; ///< the matches past the index (an import still running) within the bounds

    static Result<QueryPlan> make(QueryContext &context, const QueryFilter &filter);
    // A page from the index completed with the matches past it: those after `after`, in the order,
    // cut at `limit`.
    static std::vector<EventRow> withTail(std::vector<EventRow> page, std::vector<EventRow> tail,
                                          std::optional<EventKey> after, std::size_t limit, Direction direction);
};

} // namespace core
