// SPDX-License-Identifier: MIT
#pragma once

#include <core/base/result.h>
#include <core/store/eventstore.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace core {

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
