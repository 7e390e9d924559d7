// SPDX-License-Identifier: MIT
#pragma once

#include "postingaccumulator.h"

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

// How posting lists sit in the `postings` table: a segment's terms, in ascending order, packed into
// blocks of a few KiB, one row per block keyed by (segment, first term). One row per block instead of
// one per term: an import writes a thousandth of the rows (measured: per-term rows were half of the
// writer's time on 200 MB), and the table shrinks by the per-row overhead.
namespace core::postingblocks {

inline constexpr std::size_t TargetBlockBytes = 8 << 10;

struct Block {
    std::string firstTerm;
    std::string data; ///< per term: varint length, term bytes, varint length, posting list bytes
};

std::vector<Block> pack(const PostingSegment &segment);

// Calls visit(term, postingList) for each term of a block, in order, until it returns false.
// False when the block is malformed.
bool forEach(std::string_view block, const std::function<bool(std::string_view, std::string_view)> &visit);

} // namespace core::postingblocks
