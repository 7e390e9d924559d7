// SPDX-License-Identifier: MIT
#pragma once

#include <string>
#include <string_view>

// Matching helpers shared by every evaluator of a query: globs, as the language defines them (regexes
// are QueryRegex).
namespace core {

std::string asciiLower(std::string_view text);
// `*` any run, `?` one byte, `\x` the byte x; the whole text must match.
bool globMatch(std::string_view pattern, std::string_view text);
// The bytes before the first wildcard, unescaped: what an index can seek to.
std::string globPrefix(std::string_view pattern);

} // namespace core
