// SPDX-License-Identifier: MIT
#include "postingblocks.h"

#include "varint.h"

namespace core::postingblocks {

namespace {

bool readPiece(std::string_view &bytes, std::string_view &piece)
{
    std::uint64_t length = 0;
    if (!varint::read(bytes, length) || length > bytes.size())
        return false;
    piece = bytes.substr(0, length);
    bytes.remove_prefix(length);
    return true;
}

} // namespace

std::vector<Block> pack(const PostingSegment &segment)
{
    std::vector<Block> blocks;
    for (const auto &[term, ids] : segment.terms) {
        if (blocks.empty() || blocks.back().data.size() >= TargetBlockBytes)
            blocks.push_back(Block{term, {}});
        std::string &data = blocks.back().data;
        varint::append(data, term.size());
        data.append(term);
        varint::append(data, ids.size());
        data.append(ids);
    }
    return blocks;
}

bool forEach(std::string_view block, const std::function<bool(std::string_view, std::string_view)> &visit)
{
    while (!block.empty()) {
        std::string_view term;
        std::string_view ids;
        if (!readPiece(block, term) || !readPiece(block, ids))
            return false;
        if (!visit(term, ids))
            return true;
    }
    return true;
}

} // namespace core::postingblocks
