// SPDX-License-Identifier: MIT
#pragma once

#include "../query/queryfilter.h"
#include "store.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace core {

// Evaluates a QueryFilter with the store's own indexes. Posting lists become sorted id sets that are
// intersected, united and subtracted; equality on the first-class columns comes from their `@` terms,
// time bounds from the events_order index, and rows are read only to check phrases, wildcard token
// sequences and message-only matches on candidates. Events past meta.indexed_through (an import
// still running) are not in the postings yet: their rows are read and matched one by one. Counts of
// filters on time, level and service alone come from the bucket counts.
class QueryEngine
{
public:
    QueryEngine(Store &store, Store::Private &d);
    ~QueryEngine();

    Result<std::uint64_t> count(const QueryFilter &filter);
    Result<std::vector<EventRow>> events(const QueryFilter &filter, std::optional<EventKey> after, std::size_t limit,
                                         Direction direction);
    Result<std::vector<std::uint64_t>> histogram(const QueryFilter &filter, std::int64_t fromNs, std::int64_t bucketNs,
                                                 std::size_t buckets);
    Result<std::optional<std::int64_t>> timeAnchor();

    struct Private;

private:
    std::unique_ptr<Private> d;
};

} // namespace core
