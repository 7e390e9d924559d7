// SPDX-License-Identifier: MIT
#pragma once

#include "../ingest/record.h"

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace core {

// Events of one bucket by level, indexed by Level (Unknown first).
using LevelCounts = std::array<std::uint64_t, LevelCount>;

// Which buckets a histogram counts: `buckets` intervals of `bucketNs` from `fromNs`.
struct HistogramSpec {
    std::int64_t fromNs = 0;
    std::int64_t bucketNs = 0;
    std::size_t buckets = 0;
    bool byService = false; ///< also count per service
};

// Matching events per bucket and level, and per service when asked.
struct LevelHistogram {
    std::int64_t fromNs = 0;
    std::int64_t bucketNs = 0;
    std::vector<LevelCounts> buckets;
    std::map<std::string, std::vector<LevelCounts>> services; ///< byService only; "" for events without one
    bool complete = true; ///< false in the partial results a progress callback sees
};

// Sees the partial counts between chunks of work; returning false stops it (the call fails with Cancelled).
using HistogramProgress = std::function<bool(const LevelHistogram &partial)>;

// One error or fatal event as error grouping needs it.
struct ErrorEvent {
    std::int64_t id = 0; ///< store-local row id
    std::int64_t timeNs = 0;
    Level level = Level::Error;
    std::uint32_t service = 0; ///< index into ErrorEvents::services
    std::string message;
    std::string errorType; ///< the value of the first type path the event holds; empty when none
    int typePath = -1; ///< which of the requested type paths held it
};

struct ErrorEvents {
    std::vector<std::string> services; ///< names, "" for events without one
    std::vector<ErrorEvent> events; ///< in id order
};

} // namespace core
