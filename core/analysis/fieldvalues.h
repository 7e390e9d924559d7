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
        const std::vector<std::string> &candidates, std::size_t top, const Composer &compose);
};

// What a window reads of a store when it opens and after every import.
struct StoreSummary {
    std::optional<std::int64_t> firstNs; ///< the first event with a time
    std::optional<std::int64_t> lastNs;
    std::optional<std::int64_t> anchorNs; ///< what `now` means (EventStore::timeAnchor)
    // Field paths a query can name, first-class ones first, each with values to complete.
    std::vector<std::pair<std::string, std::vector<std::string>>> vocabulary;

    static Result<StoreSummary> of(EventStore &store);
};

} // namespace core
