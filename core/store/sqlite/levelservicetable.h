// SPDX-License-Identifier: MIT
#pragma once

#include "timeorder.h"

#include <core/base/result.h>
#include <core/query/queryfilter.h>

#include <cstdint>
#include <optional>
#include <vector>

namespace core {

class QueryContext;

// Conditions on level and service alone, decided once per (level, service) pair: with the order's
// arrays a rank is tested by one lookup, where posting lists would decode millions of ids.
struct LevelServiceTable {
    std::size_t services = 0;
    std::vector<std::uint8_t> holds; ///< [level × services + service]

    // Inline: a page walks up to millions of ranks through it.
    bool at(const TimeOrder &order, std::size_t rank) const
    {
        return holds[order.levelAt(rank) * services + order.serviceAt(rank)] != 0;
    }

    // The table for `conditions` (all of which must hold), or nullopt when the order has no arrays
    // or a condition is not on level and service alone.
    static Result<std::optional<LevelServiceTable>> make(QueryContext &context, const QueryFilter &filter,
                                                         const std::vector<const QueryFilter::Node *> &conditions);
};

} // namespace core
