// SPDX-License-Identifier: MIT
#pragma once

#include "levelaccumulator.h"
#include "queryengine.h"

#include <core/store/storetypes.h>

#include <optional>
#include <string>
#include <unordered_map>

namespace core {

// SqliteStore::levelHistogram: matching events per bucket × level (× service). Five strategies, the
// cheapest that applies chosen by choose(): the bucket counts for filters on time, level and service
// alone; the order in memory, which bins the matches with no row read; lookups by id for few
// matches; a walk of the time index when the bounds hold few events; else a scan of id ranges.
class HistogramReader
{
public:
    HistogramReader(SqliteStore &store, SqliteStore::Private &d, const QueryFilter &filter, const HistogramSpec &spec,
                    const HistogramProgress &progress);

    Result<LevelHistogram> read();

private:
    enum class Strategy { BucketCounts, Order, Lookup, TimeWalk, IdScan };

    Result<Strategy> choose();
    // Lookup, TimeWalk or IdScan: the strategies that read rows.
    Result<Strategy> chooseRows();
    Result<void> fromBucketCounts();
    Result<bool> fromOrder();
    Result<void> byLookup();
    Result<void> byTimeWalk();
    Result<void> byIdScan();
    // Hands the partial counts to the progress callback: false to stop.
    bool report();

    SqliteStore::Private &m_d;
    const QueryFilter &m_filter;
    const HistogramSpec &m_spec;
    const HistogramProgress &m_progress;
    QueryEngine m_engine;
    LevelHistogram m_histogram;
    std::unordered_map<std::int64_t, std::string> m_dict;
    std::optional<LevelAccumulator> m_add;
    QueryEngine::Matches m_matches;
    std::int64_t m_begin = 0; ///< the matches' time bounds within the histogram's
    std::int64_t m_end = 0;
};

} // namespace core
