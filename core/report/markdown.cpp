// SPDX-License-Identifier: MIT
#include "markdown.h"

#include <algorithm>
#include <cstring>

namespace core::markdown {

namespace {

std::size_t longestRun(std::string_view text, char c)
{
    std::size_t longest = 0;
    std::size_t run = 0;
    for (const char ch : text) {
        run = ch == c ? run + 1 : 0;
        longest = std::max(longest, run);
    }
    return longest;
}

// `text` cut to at most `limit` bytes, never inside a UTF-8 sequence.
std::string_view cut(std::string_view text, std::size_t limit, bool &cutShort)
{
    cutShort = text.size() > limit;
    if (!cutShort)
        return text;
    std::size_t end = limit;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80)
        --end;
    return text.substr(0, end);
}

std::string oneLine(std::string_view text, std::string_view lineBreak)
{
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n')
            continue;
        if (text[i] == '\n' || text[i] == '\r')
            out += lineBreak;
        else
            out += text[i];
    }
    return out;
}

} // namespace

std::string codeSpan(std::string_view text)
{
    const std::string line = oneLine(text, "\u240A");
    if (line.empty())
        return "` `";
    const std::string fence(longestRun(line, '`') + 1, '`');
    const bool pad = line.front() == '`' || line.back() == '`' || (line.front() == ' ' && line.back() == ' ');
    return fence + (pad ? " " : "") + line + (pad ? " " : "") + fence;
}

std::string inCell(std::string_view markdown)
{
    std::string out;
    out.reserve(markdown.size() + 8);
    for (const char c : markdown) {
        if (c == '|')
            out += '\\';
        out += c;
    }
    return out;
}

std::string tableCell(std::string_view text, std::size_t limit)
{
    bool cutShort = false;
    std::string out = inCell(codeSpan(cut(text, limit, cutShort)));
    if (cutShort)
        out += " \u2026";
    return out;
}

std::string codeBlock(std::string_view text, std::string_view info)
{
    const std::string fence(std::max<std::size_t>(3, longestRun(text, '`') + 1), '`');
    std::string out = fence;
    out += info;
    out += '\n';
    out += text;
    if (!text.empty() && text.back() != '\n')
        out += '\n';
    out += fence;
    out += '\n';
    return out;
}

std::string prose(std::string_view text)
{
    std::string out;
    for (const char c : oneLine(text, " ")) {
        if (std::strchr("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", c) && c != '\0')
            out += '\\';
        out += c;
    }
    return out;
}

std::string mermaidLabel(std::string_view text)
{
    std::string out;
    bool first = true;
    for (const char c : oneLine(text, " ")) {
        const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (c == '#' || c == ':' || c == ';' || (first && alnum)) {
            out += '#';
            out += std::to_string(static_cast<unsigned char>(c));
            out += ';';
        } else
            out += c;
        first = false;
    }
    return out.empty() ? std::string("#32;") : out;
}

} // namespace core::markdown
