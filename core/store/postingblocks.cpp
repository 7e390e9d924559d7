// SPDX-License-Identifier: MIT
#include "postingblocks.h"

namespace core::postingblocks {

namespace {

void appendVarint(std::string &out, std::uint64_t value)
{
    while (value >= 0x80) {
        out.push_back(static_cast<char>((value & 0x7F) | 0x80));
        value >>= 7;
    }
    out.push_back(static_cast<char>(value));
}

bool readVarint(std::string_view &bytes, std::uint64_t &value)
{
    value = 0;
    for (int shift = 0; shift < 64 && !bytes.empty(); shift += 7) {
        const auto byte = static_cast<unsigned char>(bytes.front());
        bytes.remove_prefix(1);
        value |= static_cast<std::uint64_t>(byte & 0x7F) << shift;
        if (!(byte & 0x80))
            return true;
    }
    return false;
}

bool readPiece(std::string_view &bytes, std::string_view &piece)
{
    std::uint64_t length = 0;
    if (!readVarint(bytes, length) || length > bytes.size())
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
        appendVarint(data, term.size());
        data.append(term);
        appendVarint(data, ids.size());
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
