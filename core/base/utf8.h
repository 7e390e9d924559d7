// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

// UTF-8 as RFC 3629 defines it: no overlong forms, no surrogates, nothing past U+10FFFF.
namespace core::utf8 {

inline constexpr std::string_view ReplacementCharacter = "\xEF\xBF\xBD"; ///< U+FFFD

// The length of the well-formed sequence starting at `pos` (1 to 4), 0 when the bytes there are not one.
std::size_t sequenceLength(std::string_view text, std::size_t pos);
// The index of the first byte that does not start a well-formed sequence; text.size() when there is none.
std::size_t firstInvalid(std::string_view text);
// Appends `bytes` with every byte that is not part of a well-formed sequence replaced by U+FFFD.
void appendValid(std::string &out, std::string_view bytes);

} // namespace core::utf8
