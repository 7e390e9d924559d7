// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

namespace core {

using Ids = std::vector<std::int64_t>;

// A set of event ids, or (complement) every indexed live event but those: what a posting list, or a
// condition evaluated over several, stands for. Ids are sorted and unique.
struct IdSet {
    Ids ids;
    bool complement = false;

    bool has(std::int64_t id) const { return std::binary_search(ids.begin(), ids.end(), id) != complement; }

    static Ids unite(const Ids &a, const Ids &b);
    static Ids intersect(const Ids &a, const Ids &b);
    static Ids subtract(const Ids &a, const Ids &b);
    static IdSet both(IdSet a, IdSet b);
    static IdSet either(IdSet a, IdSet b);
    // Sorts and removes repeats.
    static void sortUnique(Ids &ids);
};

} // namespace core
