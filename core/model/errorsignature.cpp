// SPDX-License-Identifier: MIT
#include "errorsignature.h"


#include <algorithm>

namespace core {

namespace {

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

bool isHex(char c)
{
    return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool isAlpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Word bytes: what identifiers, numbers, addresses and dotted names are made of. UTF-8 counts as a
// letter, so accented words stay whole.
bool isWordByte(char c)
{
    return isAlpha(c) || isDigit(c) || c == '_' || c == '-' || c == '.' || c == ':' || static_cast<unsigned char>(c) >= 0x80;
}

bool allOf(std::string_view text, bool (*test)(char))
{
    return !text.empty() && std::all_of(text.begin(), text.end(), test);
}

// 8-4-4-4-12 hex digits at the start of `text`.
bool uuidAt(std::string_view text)
{
    static constexpr std::size_t Groups[] = {8, 4, 4, 4, 12};
    std::size_t at = 0;
    for (std::size_t g = 0; g < 5; ++g) {
        if (g > 0) {
            if (at >= text.size() || text[at] != '-')
                return false;
            ++at;
        }
        for (std::size_t i = 0; i < Groups[g]; ++i, ++at)
            if (at >= text.size() || !isHex(text[at]))
                return false;
    }
    return at == text.size() || !isHex(text[at]);
}

bool isNumber(std::string_view text)
{
    std::size_t i = 0;
    if (i < text.size() && (text[i] == '-' || text[i] == '+'))
        ++i;
    bool digits = false;
    bool dot = false;
    for (; i < text.size(); ++i) {
        if (isDigit(text[i]))
            digits = true;
        else if (text[i] == '.' && !dot)
            dot = true;
        else
            return false;
    }
    return digits;
}

bool isIpv4(std::string_view text)
{
    // a.b.c.d, optionally :port
    const std::size_t colon = text.find(':');
    std::string_view address = text.substr(0, colon);
    if (colon != std::string_view::npos && !allOf(text.substr(colon + 1), isDigit))
        return false;
    int parts = 0;
    std::size_t start = 0;
    while (start <= address.size()) {
        const std::size_t dot = std::min(address.find('.', start), address.size());
        const std::string_view part = address.substr(start, dot - start);
        if (part.empty() || part.size() > 3 || !allOf(part, isDigit))
            return false;
        ++parts;
        start = dot + 1;
    }
    return parts == 4;
}

bool isIpv6(std::string_view text)
{
    if (std::count(text.begin(), text.end(), ':') < 2)
        return false;
    return std::all_of(text.begin(), text.end(), [](char c) { return isHex(c) || c == ':' || c == '.'; })
        && std::any_of(text.begin(), text.end(), isHex);
}

// One part of a word between separators: a number, hex, an id mixing letters and digits, or text.
void maskPart(std::string_view part, std::string &out)
{
    const bool digits = std::any_of(part.begin(), part.end(), isDigit);
    if (!digits) {
        out.append(part);
        return;
    }
    if (allOf(part, isDigit)) {
        out += "<num>";
        return;
    }
    if (part.size() > 2 && part[0] == '0' && (part[1] == 'x' || part[1] == 'X') && allOf(part.substr(2), isHex)) {
        out += "<hex>";
        return;
    }
    if (part.size() >= 6 && allOf(part, isHex)) {
        out += "<hex>";
        return;
    }
    // A number with a unit (250ms, 3.5s, 12MB): the unit says what it measures, so it stays.
    std::size_t numberEnd = 0;
    while (numberEnd < part.size() && isDigit(part[numberEnd]))
        ++numberEnd;
    if (numberEnd > 0 && numberEnd < part.size() && std::all_of(part.begin() + static_cast<std::ptrdiff_t>(numberEnd), part.end(), isAlpha)
        && part.size() - numberEnd <= 3) {
        out += "<num>";
        out.append(part.substr(numberEnd));
        return;
    }
    out += "<id>";
}

void maskWord(std::string_view word, std::string &out)
{
    // Sentence punctuation after a word is not part of it.
    std::size_t trail = word.size();
    while (trail > 0 && (word[trail - 1] == '.' || word[trail - 1] == ':' || word[trail - 1] == '-'))
        --trail;
    const std::string_view tail = word.substr(trail);
    word = word.substr(0, trail);
    if (word.empty()) {
        out.append(tail);
        return;
    }
    if (isNumber(word))
        out += "<num>";
    else if (isIpv4(word) || isIpv6(word))
        out += "<ip>";
    else {
        // Parts between '-', '_', '.', ':', with UUIDs (which hold '-') found first.
        std::size_t i = 0;
        while (i < word.size()) {
            if (uuidAt(word.substr(i))) {
                out += "<uuid>";
                i += 36;
                continue;
            }
            const char c = word[i];
            if (c == '-' || c == '_' || c == '.' || c == ':') {
                out.push_back(c);
                ++i;
                continue;
            }
            std::size_t end = i;
            while (end < word.size() && word[end] != '-' && word[end] != '_' && word[end] != '.' && word[end] != ':')
                ++end;
            maskPart(word.substr(i, end - i), out);
            i = end;
        }
    }
    out.append(tail);
}

} // namespace

const std::vector<std::string> &ErrorSignature::typePaths()
{
    static const std::vector<std::string> paths{
        "error.type", "err.type", "exc_type", "error_type", "errorType", "exception.type", "exception_type",
        "exception.class", "error.class", "error.kind", "error.name", "err.name", "exc_info.type",
        // event names, when there is no type
        "event.name", "event_name", "eventName", "event.action"};
    return paths;
}

std::string ErrorSignature::mask(std::string_view message)
{
    std::string out;
    out.reserve(message.size());
    std::size_t i = 0;
    while (i < message.size()) {
        const char c = message[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            if (!out.empty() && out.back() != ' ')
                out.push_back(' ');
            ++i;
            continue;
        }
        if (c == '"' || c == '\'' || c == '`') {
            // A quote opens a string only after a non-word byte, and closes before one ("can't" is a word).
            const bool opens = i == 0 || !isWordByte(message[i - 1]);
            std::size_t close = opens ? message.find(c, i + 1) : std::string_view::npos;
            while (close != std::string_view::npos && message[close - 1] == '\\')
                close = message.find(c, close + 1);
            if (close != std::string_view::npos && (close + 1 == message.size() || !isWordByte(message[close + 1]) || c == '"')) {
                out.push_back(c);
                out += "<str>";
                out.push_back(c);
                i = close + 1;
                continue;
            }
            out.push_back(c);
            ++i;
            continue;
        }
        if (isWordByte(c)) {
            std::size_t end = i;
            while (end < message.size() && isWordByte(message[end]))
                ++end;
            maskWord(message.substr(i, end - i), out);
            i = end;
            continue;
        }
        out.push_back(c);
        ++i;
    }
    while (!out.empty() && out.back() == ' ')
        out.pop_back();
    return out;
}

std::string ErrorSignature::of(std::string_view errorType, std::string_view message)
{
    if (!errorType.empty())
        return std::string(errorType);
    return mask(message);
}

} // namespace core
