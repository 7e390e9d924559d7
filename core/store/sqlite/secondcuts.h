// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <vector>

namespace core {

// The one arithmetic of the bucket counts around a filter's time bounds. A row of `buckets` or
// `rollups` stands for all its seconds only where no bound falls inside it, so a range is cut at
// every bound (at the start of its second, and after it when the bound splits that second); the
// seconds a bound splits are answered from their rows.
class SecondCuts
{
public:
    struct Span {
        std::int64_t begin;
        std::int64_t end;
        bool cut; ///< a second a bound splits: read its rows
    };

    // `edges`: the filter's time bounds (and the range's own), open ends included or not.
    explicit SecondCuts(const std::vector<std::int64_t> &edges);

    // The seconds a bound splits, ascending.
    const std::vector<std::int64_t> &seconds() const { return m_seconds; }
    // [a, b) cut at every point inside it, in order; nothing when a >= b.
    std::vector<Span> spans(std::int64_t a, std::int64_t b) const;

private:
    std::vector<std::int64_t> m_seconds;
    std::vector<std::int64_t> m_points; ///< ascending, unique
};

} // namespace core
