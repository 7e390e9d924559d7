// SPDX-License-Identifier: MIT
#include "idset.h"

#include <algorithm>
#include <bit>
#include <iterator>

namespace core {

Ids IdSet::unite(const Ids &a, const Ids &b)
{
    Ids out;
    out.reserve(a.size() + b.size());
    std::set_union(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
    return out;
}

Ids IdSet::intersect(const Ids &a, const Ids &b)
{
    Ids out;
    out.reserve(std::min(a.size(), b.size()));
    std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
    return out;
}

Ids IdSet::subtract(const Ids &a, const Ids &b)
{
    Ids out;
    out.reserve(a.size());
    std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
    return out;
}

IdSet IdSet::both(IdSet a, IdSet b)
{
    if (!a.complement && !b.complement)
        return {intersect(a.ids, b.ids), false};
    if (a.complement && b.complement)
        return {unite(a.ids, b.ids), true};
    if (a.complement)
        std::swap(a, b);
    return {subtract(a.ids, b.ids), false};
}

IdSet IdSet::either(IdSet a, IdSet b)
{
    if (!a.complement && !b.complement)
        return {unite(a.ids, b.ids), false};
    if (a.complement && b.complement)
        return {intersect(a.ids, b.ids), true};
    if (a.complement)
        std::swap(a, b);
    return {subtract(b.ids, a.ids), true};
}

void IdSet::sortUnique(Ids &ids)
{
    if (ids.size() < 65536) {
        std::sort(ids.begin(), ids.end());
        ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
        return;
    }
    // Millions of ids (a whole field's values): a bit per id between the least and the greatest
    // sorts them in two linear passes.
    const auto [least, greatest] = std::minmax_element(ids.begin(), ids.end());
    const std::int64_t base = *least;
    std::vector<std::uint64_t> bits(static_cast<std::size_t>((*greatest - base) / 64 + 1), 0);
    for (const std::int64_t id : ids)
        bits[static_cast<std::size_t>((id - base) / 64)] |= std::uint64_t{1} << ((id - base) % 64);
    ids.clear();
    for (std::size_t word = 0; word < bits.size(); ++word)
        for (std::uint64_t w = bits[word]; w != 0; w &= w - 1)
            ids.push_back(base + static_cast<std::int64_t>(word * 64) + std::countr_zero(w));
}

} // namespace core
