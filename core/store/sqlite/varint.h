// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

// LEB128 varints, as the posting lists and the stored order write them.
namespace core::varint {

inline void append(std::string &out, std::uint64_t value)
{
    while (value >= 0x80) {
        out.push_back(static_cast<char>((value & 0x7F) | 0x80));
        value >>= 7;
    }
    out.push_back(static_cast<char>(value));
}

// Takes one varint off the front of `bytes`; false when they end inside it.
inline bool read(std::string_view &bytes, std::uint64_t &value)
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

// Calls visit(value) for each varint of `bytes`; false when they end inside one.
template<typename Visit>
bool forEach(std::string_view bytes, Visit &&visit)
{
    std::uint64_t value = 0;
    int shift = 0;
    for (const char c : bytes) {
        const auto byte = static_cast<unsigned char>(c);
        value |= static_cast<std::uint64_t>(byte & 0x7F) << shift;
        if (byte & 0x80) {
            shift += 7;
            if (shift > 63)
                return false;
            continue;
        }
        visit(value);
        value = 0;
        shift = 0;
    }
    return shift == 0;
}

// Calls visit(id) for each id of a posting list (deltas from 0); false when it is malformed.
template<typename Visit>
bool forEachId(std::string_view list, Visit &&visit)
{
    std::int64_t id = 0;
    return forEach(list, [&](std::uint64_t delta) {
        id += static_cast<std::int64_t>(delta);
        visit(id);
    });
}

// Appends a posting list's ids to `out`. Queries decode millions of ids this way: room for them all
// at once (every id takes a byte at least; resize grows geometrically across a term's segments),
// then a loop that only stores.
inline void appendIds(std::string_view list, std::vector<std::int64_t> &out)
{
    const auto *bytes = reinterpret_cast<const unsigned char *>(list.data());
    const std::size_t size = list.size();
    const std::size_t start = out.size();
    out.resize(start + size);
    std::int64_t *next = out.data() + start;
    std::int64_t id = 0;
    std::size_t i = 0;
    while (i < size) {
        std::uint64_t delta = bytes[i++];
        if (delta & 0x80) {
            delta &= 0x7F;
            int shift = 7;
            while (i < size && shift < 64) {
                const unsigned char byte = bytes[i++];
                delta |= static_cast<std::uint64_t>(byte & 0x7F) << shift;
                if (!(byte & 0x80))
                    break;
                shift += 7;
            }
        }
        id += static_cast<std::int64_t>(delta);
        *next++ = id;
    }
    out.resize(static_cast<std::size_t>(next - out.data()));
}

} // namespace core::varint
