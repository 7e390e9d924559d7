// SPDX-License-Identifier: MIT
#pragma once

#include <core/base/result.h>
#include <core/store/eventstore.h>
#include <core/store/storetypes.h>

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace core {

class QueryFilter;

// Error and fatal events that share one signature (ErrorSignature).
struct ErrorGroup {
    std::string signature;
    std::vector<std::string> typePaths; ///< the record paths that hold the signature; none for a masked message
    std::uint64_t count = 0;
    std::int64_t firstNs = 0;
    std::int64_t lastNs = 0;
    std::vector<std::pair<std::string, std::uint64_t>> services; ///< most errors first
    EventRow sample; ///< the group's first event in the one order
    std::vector<std::uint32_t> timeline; ///< counts per bucket of the timeline spec, when one was given
};

// Per service: when it first errored, and its errors and events over time.
struct ServiceErrors {
    std::string name;
    std::optional<std::int64_t> firstErrorNs;
    std::uint64_t errors = 0;
    std::vector<std::uint64_t> errorCounts; ///< per bucket
    std::vector<std::uint64_t> eventCounts; ///< per bucket
};

struct ServiceTimelines {
    HistogramSpec spec; ///< the buckets (none when nothing matched)
    std::vector<ServiceErrors> services; ///< services that errored first, by first error; then the rest by name
};

// Error grouping and per-service error timelines over the store interface; synchronous.
class ErrorGroups
{
public:
    // The groups of the matching error and fatal events, largest first; with `timeline`, each group's
    // counts per bucket of it.
    static Result<std::vector<ErrorGroup>> compute(EventStore &store, const QueryFilter &filter,
                                                   const std::optional<HistogramSpec> &timeline = std::nullopt,
                                                   const std::atomic<bool> *cancelled = nullptr);
    // The same, with `storedSignatures` false: every event's signature computed from its row, as for
    // a store imported before signatures were stored (tests compare the two).
    static Result<std::vector<ErrorGroup>> compute(EventStore &store, const QueryFilter &filter,
                                                   const std::optional<HistogramSpec> &timeline,
                                                   const std::atomic<bool> *cancelled, bool storedSignatures);
    // Per service: its first error and its errors and events per bucket of the histogram that `options`
    // give (see Histogram::plan).
    static Result<ServiceTimelines> byService(EventStore &store, const QueryFilter &filter, std::int64_t stepNs = 0,
                                              const std::atomic<bool> *cancelled = nullptr);
    // Query text that finds a group's events: its type field, or the fixed words of its masked message.
    static std::string queryFor(const ErrorGroup &group);
};

} // namespace core
