// SPDX-License-Identifier: MIT
#pragma once

#include <core/store/storetypes.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace core {

// Adds events to a LevelHistogram; service ids become names through the dictionary. Inline: every
// strategy of the histogram calls add() once per event or per count row.
class LevelAccumulator
{
public:
    LevelAccumulator(LevelHistogram &histogram, const HistogramSpec &spec,
                     const std::unordered_map<std::int64_t, std::string> *dict)
        : m_histogram(histogram)
        , m_from(spec.fromNs)
        , m_step(spec.bucketNs)
        , m_to(spec.fromNs + static_cast<std::int64_t>(spec.buckets) * spec.bucketNs)
        , m_buckets(spec.buckets)
        , m_dict(dict)
    { }

    void add(std::int64_t ts, std::int64_t level, std::int64_t service, std::uint64_t count = 1)
    {
        if (ts < m_from || ts >= m_to)
            return;
        const auto bucket = static_cast<std::size_t>((ts - m_from) / m_step);
        const auto lvl = static_cast<std::size_t>(std::clamp<std::int64_t>(level, 0, LevelCount - 1));
        m_histogram.buckets[bucket][lvl] += count;
        if (m_dict)
            series(service)[bucket][lvl] += count;
    }

private:
    std::vector<LevelCounts> &series(std::int64_t service)
    {
        if (service == m_lastService && m_last)
            return *m_last;
        auto found = m_series.find(service);
        if (found == m_series.end()) {
            auto name = m_dict->find(service);
            auto &counts = m_histogram.services[name == m_dict->end() ? std::string() : name->second];
            counts.resize(m_buckets);
            found = m_series.emplace(service, &counts).first;
        }
        m_lastService = service;
        m_last = found->second;
        return *m_last;
    }

    LevelHistogram &m_histogram;
    std::int64_t m_from;
    std::int64_t m_step;
    std::int64_t m_to;
    std::size_t m_buckets;
    const std::unordered_map<std::int64_t, std::string> *m_dict;
    std::unordered_map<std::int64_t, std::vector<LevelCounts> *> m_series;
    std::int64_t m_lastService = -1;
    std::vector<LevelCounts> *m_last = nullptr;
};

} // namespace core
