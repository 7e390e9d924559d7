// SPDX-License-Identifier: MIT
#pragma once

#include "queryfilter.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace core {

// The lower bound a time range without one gets (`time < X`, `time exists`): the first time an event
// can have, so that events without a time (NoTimeNs, one below) fall outside every range. As a bound
// it only says "has a time"; it is never an edge a count or a histogram cuts at.
inline constexpr std::int64_t HasTimeNs = INT64_MIN + 1;

// The time bounds of a filter: its top-level time conditions, intersected. Every backend seeks to
// them first (an index range, a partition), then evaluates the rest.
class QueryBounds
{
public:
    // The bounds of `root`'s top-level time conditions; `rest` (if given) receives the other
    // top-level conditions, All left out.
    static QueryBounds of(const QueryFilter::Node &root, std::vector<const QueryFilter::Node *> *rest = nullptr);
    // Every time edge anywhere in the tree (each Time node's begin and end), in tree order.
    static std::vector<std::int64_t> edges(const QueryFilter::Node &root);
    // Whether an edge is a real time, not one of the open ends (INT64_MIN, HasTimeNs, INT64_MAX).
    static bool isTime(std::int64_t edge) { return edge > HasTimeNs && edge != INT64_MAX; }

    bool any() const { return begin != INT64_MIN || end != INT64_MAX; }
    bool contains(std::int64_t ts) const { return ts >= begin && ts < end; }
    // The bounds a user set: the lower one unless it only says "has a time", the upper one unless open.
    std::optional<std::int64_t> userBegin() const;
    std::optional<std::int64_t> userEnd() const;

    std::int64_t begin = INT64_MIN; ///< [begin, end)
    std::int64_t end = INT64_MAX;
};

} // namespace core
