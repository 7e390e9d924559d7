// SPDX-License-Identifier: MIT
#pragma once

#include <core/model/event.h>
#include <core/model/record.h>

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace core {

enum class OpenMode { ReadOnly, ReadWrite };

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
    EventKey key; ///< its identity and time
    Level level = Level::Error;
    std::uint32_t service = 0; ///< index into ErrorEvents::services
    std::string message;
    std::string errorType; ///< the value of the first type path the event holds; empty when none
    int typePath = -1; ///< which of the requested type paths held it
};

// What Store::errorEvents reads and how.
struct ErrorEventsRequest {
    std::vector<std::string>
        typePaths; ///< an event read one by one takes the value of the first of these it holds as its type
    // Events whose signature the import stored (the `@errsig=` terms, IndexBuilder::ErrorTerms) come
    // counted per signature in ErrorEvents::stored, without reading their rows. False: every event
    // one by one, as for a store imported before signatures were stored.
    bool storedSignatures = true;
    std::optional<HistogramSpec> timeline; ///< stored groups are also counted per bucket of this
};

// The matching error and fatal events of one stored signature term, counted by the store.
struct StoredErrorGroup {
    std::string signature; ///< ErrorSignature::of the events
    std::string typePath; ///< the record path that held the type; empty for a masked message
    std::uint64_t count = 0;
    EventKey first; ///< the group's first event in the one order
    std::int64_t lastNs = 0;
    struct Service {
        std::uint32_t service = 0; ///< index into ErrorEvents::services
        std::uint64_t count = 0;
        std::int64_t firstNs = 0;
    };
    std::vector<Service> services;
    std::vector<std::uint32_t> timeline; ///< per bucket of the request's timeline, when it has one
};

struct ErrorEvents {
    std::vector<std::string> services; ///< names, "" for events without one
    std::vector<ErrorEvent> events; ///< the events read one by one (no stored signature), in no particular order
    std::vector<StoredErrorGroup> stored; ///< the others, per signature term
};

} // namespace core
