// SPDX-License-Identifier: MIT
#include "querypattern.h"

namespace core {

std::string asciiLower(std::string_view text)
{
    std::string lower(text);
    for (char &c : lower)
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c + 32);
    return lower;
}

bool globMatch(std::string_view pattern, std::string_view text)
{
    // Iterative with one backtrack point: linear for any number of stars, no recursion to exhaust.
    std::size_t p = 0, t = 0;
    std::size_t starP = std::string_view::npos, starT = 0;
    while (t < text.size()) {
        if (p < pattern.size() && pattern[p] == '*') {
            starP = ++p;
            starT = t;
            continue;
        }
        if (p < pattern.size()) {
            const bool escaped = pattern[p] == '\\' && p + 1 < pattern.size();
            const char expected = escaped ? pattern[p + 1] : pattern[p];
            if ((!escaped && expected == '?') || expected == text[t]) {
                p += escaped ? 2 : 1;
                ++t;
                continue;
            }
        }
        if (starP == std::string_view::npos)
            return false;
        p = starP;
        t = ++starT;
    }
    while (p < pattern.size() && pattern[p] == '*')
        ++p;
    return p == pattern.size();
}

std::string globPrefix(std::string_view pattern)
{
    std::string prefix;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        if (pattern[i] == '*' || pattern[i] == '?')
            break;
        if (pattern[i] == '\\' && i + 1 < pattern.size())
            ++i;
        prefix.push_back(pattern[i]);
    }
    return prefix;
}

} // namespace core
