// SPDX-License-Identifier: MIT
#include "secondcuts.h"

#include "idset.h"
#include "rollups.h"

#include <core/query/querybounds.h>

#include <algorithm>

namespace core {

using rollups::floorSecond;
using rollups::SecondNs;

SecondCuts::SecondCuts(const std::vector<std::int64_t> &edges)
{
    for (const std::int64_t edge : edges) {
        if (!QueryBounds::isTime(edge))
            continue;
        const std::int64_t second = floorSecond(edge);
        m_points.push_back(second);
        if (second != edge) {
            m_seconds.push_back(second);
            if (second <= INT64_MAX - SecondNs)
                m_points.push_back(second + SecondNs);
        }
    }
    IdSet::sortUnique(m_seconds);
    IdSet::sortUnique(m_points);
}

std::vector<SecondCuts::Span> SecondCuts::spans(std::int64_t a, std::int64_t b) const
{
    std::vector<Span> spans;
    if (a >= b)
        return spans;
    std::int64_t from = a;
    for (auto point = std::upper_bound(m_points.begin(), m_points.end(), a); point != m_points.end() && *point < b;
         ++point) {
        spans.push_back({from, *point, std::binary_search(m_seconds.begin(), m_seconds.end(), from)});
        from = *point;
    }
    spans.push_back({from, b, std::binary_search(m_seconds.begin(), m_seconds.end(), from)});
    return spans;
}

} // namespace core
