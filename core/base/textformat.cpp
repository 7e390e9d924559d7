// SPDX-License-Identifier: MIT
#include "textformat.h"

#include "timekey.h"
#include "utf8.h"

#include <cstdio>

namespace core::format {

std::string rfc3339(std::int64_t timeNs)
{
    if (timeNs == NoTimeNs)
        return {};
    const timekey::CivilTime c = timekey::toCivil(timeNs);
    char text[48];
    std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%09lldZ", c.year, c.month, c.day, c.hour, c.minute,
                  c.second, static_cast<long long>(c.nanos));
    return text;
}

std::string displayTime(std::int64_t timeNs)
{
    if (timeNs == NoTimeNs)
        return {};
    const timekey::CivilTime c = timekey::toCivil(timeNs);
    char text[48];
    std::snprintf(text, sizeof text, "%04d-%02d-%02d %02d:%02d:%02d.%06lld", c.year, c.month, c.day, c.hour, c.minute,
                  c.second, static_cast<long long>(c.nanos / 1000));
    return text;
}

void appendJsonString(std::string &out, std::string_view text)
{
    out.push_back('"');
    // JSON text is UTF-8: a byte that is not part of a well-formed sequence (a log written in
    // Latin-1, a cut multi-byte character) is written as U+FFFD, so every output parses.
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        const auto byte = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out.push_back('\\');
            out.push_back(c);
        } else if (c == '\n') {
            out.append("\\n");
        } else if (c == '\r') {
            out.append("\\r");
        } else if (c == '\t') {
            out.append("\\t");
        } else if (byte < 0x20) {
            char escaped[8];
            std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned>(byte));
            out.append(escaped);
        } else if (byte < 0x80) {
            out.push_back(c);
        } else if (const std::size_t length = utf8::sequenceLength(text, i); length != 0) {
            out.append(text.substr(i, length));
            i += length - 1;
        } else {
            out.append(utf8::ReplacementCharacter);
        }
    }
    out.push_back('"');
}

} // namespace core::format
