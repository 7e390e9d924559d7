// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace core {

// Full-text tokens: runs of ASCII letters, digits and '_' plus any byte >= 0x80 (so UTF-8 words stay
// whole), ASCII-lowercased, at most MaxTokenBytes long (longer runs are cut there, the same way for the
// import and for queries). `task.failed` is the token sequence `task`, `failed`.
inline constexpr std::size_t MaxTokenBytes = 64;

inline bool isTokenByte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c >= 0x80;
}

// Calls sink(std::string_view token) for every token; `scratch` holds the lowercased copy.
template<typename Sink>
void forEachToken(std::string_view text, std::string &scratch, Sink &&sink)
{
    const auto *bytes = reinterpret_cast<const unsigned char *>(text.data());
    const std::size_t size = text.size();
    std::size_t i = 0;
    while (i < size) {
        while (i < size && !isTokenByte(bytes[i]))
            ++i;
        const std::size_t begin = i;
        while (i < size && isTokenByte(bytes[i]))
            ++i;
        if (i == begin)
            break;
        const std::size_t length = std::min(i - begin, MaxTokenBytes);
        scratch.resize(length);
        for (std::size_t k = 0; k < length; ++k) {
            const unsigned char c = bytes[begin + k];
            scratch[k] = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
        }
        sink(std::string_view(scratch));
    }
}

} // namespace core
