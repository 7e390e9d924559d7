// SPDX-License-Identifier: MIT
#include "textlineparser.h"

#include <core/model/normalize.h>

#include <array>
#include <cstdio>
#include <cstring>
#include <optional>

namespace core {

namespace {

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

bool isAlpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool isKeyChar(char c)
{
    return isAlpha(c) || isDigit(c) || c == '_' || c == '.' || c == '-' || c == '@' || c == '/';
}

bool isSpace(char c)
{
    return c == ' ' || c == '\t';
}

std::string_view trim(std::string_view text)
{
    while (!text.empty() && isSpace(text.front()))
        text.remove_prefix(1);
    while (!text.empty() && isSpace(text.back()))
        text.remove_suffix(1);
    return text;
}

// "key=" at `pos`: the length of the key, 0 when there is none.
std::size_t keyAt(std::string_view text, std::size_t pos)
{
    if (pos >= text.size() || !(isAlpha(text[pos]) || text[pos] == '_' || text[pos] == '@'))
        return 0;
    std::size_t end = pos;
    while (end < text.size() && isKeyChar(text[end]))
        ++end;
    return end < text.size() && text[end] == '=' ? end - pos : 0;
}

// Redis "1:C 25 Apr 2024 05:32:35.018": pid, role letter, then a day-first date with the year.
std::optional<std::int64_t> parseRedisTime(std::string_view line, const ParseOptions &options)
{
    std::size_t pos = 0;
    while (pos < line.size() && isDigit(line[pos]))
        ++pos;
    if (pos == 0 || pos + 3 >= line.size() || line[pos] != ':' || !isAlpha(line[pos + 1]) || line[pos + 2] != ' ')
        return std::nullopt;
    pos += 3;
    const std::string_view rest = line.substr(pos);
    // "25 Apr 2024 05:32:35.018" -> "2024-04-25T05:32:35.018"
    if (rest.size() < 20 || !isDigit(rest[0]) || !isDigit(rest[1]) || rest[2] != ' ' || rest[6] != ' ')
        return std::nullopt;
    static constexpr std::array<std::string_view, 12> months = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                                "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    int month = 0;
    for (std::size_t i = 0; i < months.size(); ++i) {
        if (rest.substr(3, 3) == months[i])
            month = static_cast<int>(i) + 1;
    }
    if (month == 0)
        return std::nullopt;
    std::size_t end = 20;
    while (end < rest.size() && (isDigit(rest[end]) || rest[end] == '.'))
        ++end;
    std::array<char, 48> iso{};
    std::string_view clock = rest.substr(12, std::min<std::size_t>(end - 12, 30));
    const int length = std::snprintf(iso.data(), iso.size(), "%.4s-%02d-%.2sT%.*s", rest.data() + 7, month, rest.data(),
                                     static_cast<int>(clock.size()), clock.data());
    if (length <= 0)
        return std::nullopt;
    return normalize::parseTime(std::string_view(iso.data(), static_cast<std::size_t>(length)), options);
}

} // namespace

TextLineParser::TextLineParser(const ParseOptions &options)
    : m_options(options)
{
}

std::string_view TextLineParser::unquote(std::string_view quoted)
{
    // Outer quotes off; backslash escapes resolved for the quote and the backslash only, which is all
    // logfmt writers and Python's repr escape in practice.
    const char quote = quoted.front();
    std::string_view inner = quoted.substr(1, quoted.size() >= 2 && quoted.back() == quote ? quoted.size() - 2 : quoted.size() - 1);
    if (inner.find('\\') == std::string_view::npos)
        return inner;
    const std::size_t start = m_storage.size();
    for (std::size_t i = 0; i < inner.size(); ++i) {
        if (inner[i] == '\\' && i + 1 < inner.size() && (inner[i + 1] == quote || inner[i + 1] == '\\'))
            ++i;
        m_storage.push_back(inner[i]);
    }
    return std::string_view(m_storage).substr(start);
}

void TextLineParser::parsePairs(std::string_view text, TextLine &out, bool pythonRepr)
{
    std::size_t pos = 0;
    while (pos < text.size()) {
        while (pos < text.size() && isSpace(text[pos]))
            ++pos;
        const std::size_t keyLength = keyAt(text, pos);
        if (keyLength == 0) {
            // Not a pair: skip the word.
            while (pos < text.size() && !isSpace(text[pos]))
                ++pos;
            continue;
        }
        const std::string_view key = text.substr(pos, keyLength);
        pos += keyLength + 1;
        std::size_t end = pos;
        std::string_view value;
        if (end < text.size() && (text[end] == '"' || text[end] == '\'')) {
            const char quote = text[end];
            ++end;
            while (end < text.size() && text[end] != quote) {
                if (text[end] == '\\')
                    ++end;
                ++end;
            }
            end = std::min(end + 1, text.size());
            value = unquote(text.substr(pos, end - pos));
        } else if (pythonRepr && end < text.size() && (text[end] == '{' || text[end] == '[' || text[end] == '(')) {
            // A repr'd dict/list/tuple: up to the matching bracket, quotes respected.
            int depth = 0;
            char quote = 0;
            for (; end < text.size(); ++end) {
                const char c = text[end];
                if (quote) {
                    if (c == '\\')
                        ++end;
                    else if (c == quote)
                        quote = 0;
                } else if (c == '\'' || c == '"') {
                    quote = c;
                } else if (c == '{' || c == '[' || c == '(') {
                    ++depth;
                } else if ((c == '}' || c == ']' || c == ')') && --depth == 0) {
                    ++end;
                    break;
                }
            }
            value = text.substr(pos, std::min(end, text.size()) - pos);
        } else if (pythonRepr) {
            // structlog prints str values bare, spaces and all: the value runs to the next " key=".
            while (end < text.size() && !(isSpace(text[end]) && keyAt(text, end + 1) != 0))
                ++end;
            value = trim(text.substr(pos, end - pos));
        } else {
            while (end < text.size() && !isSpace(text[end]))
                ++end;
            value = text.substr(pos, end - pos);
        }
        out.fields.emplace_back(key, value);
        pos = end;
    }
}

void TextLineParser::applyPairRoles(TextLine &out, bool takeTime)
{
    int timeRank = INT32_MAX;
    std::array<int, 10> ranks;
    ranks.fill(INT32_MAX);
    for (const auto &[key, value] : out.fields) {
        const normalize::KeyClass key_class = normalize::classifyKey(key);
        const auto role = key_class.role;
        if (role == normalize::Role::None || value.empty())
            continue;
        int &best = ranks[static_cast<std::size_t>(role)];
        if (role == normalize::Role::Time) {
            if (!takeTime || key_class.rank >= timeRank)
                continue;
            if (const auto ns = normalize::parseTime(value, m_options)) {
                out.timeNs = *ns;
                out.hasTime = true;
                timeRank = key_class.rank;
            }
            continue;
        }
        if (key_class.rank >= best)
            continue;
        best = key_class.rank;
        switch (role) {
        case normalize::Role::Level:
            out.levelText = value;
            out.level = normalize::levelFromText(value);
            break;
        case normalize::Role::Message:
            out.message = value;
            break;
        case normalize::Role::Service:
            out.service = value;
            break;
        case normalize::Role::Logger:
            out.logger = value;
            break;
        case normalize::Role::RequestId:
            out.requestId = value;
            break;
        case normalize::Role::TraceId:
            out.traceId = value;
            break;
        case normalize::Role::SpanId:
            out.spanId = value;
            break;
        default:
            break;
        }
    }
}

bool TextLineParser::parseLogfmt(std::string_view line, TextLine &out)
{
    if (keyAt(line, 0) == 0)
        return false;
    parsePairs(line, out, false);
    // One stray "a=b" in prose is not logfmt; two pairs, or one that names a known column, are.
    bool known = false;
    for (const auto &pair : out.fields) {
        if (normalize::roleOfKey(pair.first) != normalize::Role::None)
            known = true;
    }
    if (out.fields.size() < 2 && !known) {
        out.fields.clear();
        return false;
    }
    out.kind = TextLine::Kind::Logfmt;
    applyPairRoles(out, true);
    return true;
}

bool TextLineParser::parse(std::string_view line, TextLine &out)
{
    out = TextLine{};
    out.fields.clear();
    m_storage.clear();
    m_storage.reserve(line.size() + 1);
    if (line.empty() || isSpace(line.front()))
        return false;

    std::size_t consumed = 0;
    auto time = normalize::parseLeadingTime(line, m_options, consumed);
    if (!time) {
        if (parseLogfmt(line, out))
            return true;
        if (const auto redis = parseRedisTime(line, m_options)) {
            out.hasTime = true;
            out.timeNs = *redis;
            out.message = line;
            return true;
        }
        // Apache/nginx access log: `host ident user [20/Jul/2009:22:59:26 +0000] "GET ..."`.
        const std::size_t bracket = line.substr(0, 128).find(" [");
        if (bracket != std::string_view::npos) {
            std::size_t length = 0;
            if (const auto stamp = normalize::parseLeadingTime(line.substr(bracket + 1), m_options, length)) {
                out.kind = TextLine::Kind::AccessLog;
                out.hasTime = true;
                out.timeNs = *stamp;
                out.message = line;
                return true;
            }
        }
        return false;
    }
    out.hasTime = true;
    out.timeNs = *time;
    std::string_view rest = line.substr(consumed);

    if (isAlpha(line[0]) && consumed > 0 && isDigit(line[1])) {
        // glog: the severity letter leads the timestamp.
        out.kind = TextLine::Kind::Glog;
        out.yearless = true;
        out.levelText = line.substr(0, 1);
        out.level = normalize::levelFromText(out.levelText);
        out.message = trim(rest);
        return true;
    }
    if (!isDigit(line[0]) && line[0] != '[') {
        // BSD syslog: "host prog[pid]: message"; files carry no level.
        out.kind = TextLine::Kind::Syslog;
        out.yearless = true;
        rest = trim(rest);
        const std::size_t hostEnd = rest.find(' ');
        if (hostEnd == std::string_view::npos) {
            out.message = rest;
            return true;
        }
        std::string_view afterHost = rest.substr(hostEnd + 1);
        std::size_t tagEnd = 0;
        while (tagEnd < afterHost.size() && afterHost[tagEnd] != ' ' && afterHost[tagEnd] != '['
               && afterHost[tagEnd] != ':')
            ++tagEnd;
        std::size_t after = tagEnd;
        if (after < afterHost.size() && afterHost[after] == '[') {
            const std::size_t close = afterHost.find(']', after);
            after = close == std::string_view::npos ? afterHost.size() : close + 1;
        }
        if (tagEnd > 0 && after < afterHost.size() && afterHost[after] == ':') {
            out.service = afterHost.substr(0, tagEnd);
            out.message = trim(afterHost.substr(after + 1));
        } else {
            out.message = afterHost;
        }
        return true;
    }

    // Leading ISO/epoch time: the level word must come right after it.
    std::size_t pos = 0;
    while (pos < rest.size() && (isSpace(rest[pos]) || rest[pos] == ':' || rest[pos] == '|'))
        ++pos;
    bool bracketed = false;
    if (pos < rest.size() && rest[pos] == '[') {
        bracketed = true;
        ++pos;
    }
    const std::size_t wordStart = pos;
    while (pos < rest.size() && isAlpha(rest[pos]))
        ++pos;
    while (pos < rest.size() && isDigit(rest[pos]) && pos > wordStart)
        ++pos;
    const std::string_view word = rest.substr(wordStart, pos - wordStart);
    Level level = word.size() >= 2 ? normalize::levelFromText(word) : Level::Unknown;
    std::size_t afterWord = pos;
    std::size_t paddedEnd = pos;
    if (level != Level::Unknown && bracketed) {
        while (paddedEnd < rest.size() && rest[paddedEnd] == ' ')
            ++paddedEnd;
        if (paddedEnd < rest.size() && rest[paddedEnd] == ']')
            afterWord = paddedEnd + 1;
        else
            level = Level::Unknown;
    } else if (level != Level::Unknown && pos < rest.size() && !isSpace(rest[pos]) && rest[pos] != ':'
               && rest[pos] != ']' && rest[pos] != '|' && rest[pos] != '-') {
        level = Level::Unknown; // "Information-free" is a word, not a level
    }
    if (level == Level::Unknown) {
        out.message = trim(rest.substr(bracketed ? wordStart - 1 : wordStart));
        // "t=... level=info" after a timestamp still carries pairs worth keeping.
        return true;
    }
    out.level = level;
    out.levelText = word;
    std::string_view body = rest.substr(afterWord);
    while (!body.empty() && (isSpace(body.front()) || body.front() == ':' || body.front() == '-'))
        body.remove_prefix(1);
    // structlog's console renderer: "[info     ] event-padded-to-30 key=value ...".
    if (bracketed && paddedEnd - wordStart == 9) {
        out.kind = TextLine::Kind::StructlogConsole;
        std::size_t kvStart = std::string_view::npos;
        for (std::size_t i = std::min<std::size_t>(body.size(), 29); i < body.size(); ++i) {
            if (isSpace(body[i]) && keyAt(body, i + 1) != 0) {
                kvStart = i + 1;
                break;
            }
        }
        if (kvStart == std::string_view::npos) {
            out.message = trim(body);
        } else {
            out.message = trim(body.substr(0, kvStart));
            parsePairs(body.substr(kvStart), out, true);
            const std::string_view keepLevel = out.levelText;
            const Level keptLevel = out.level;
            const std::string_view keepMessage = out.message;
            applyPairRoles(out, false);
            // The bracket and the event are the renderer's own columns: pairs never override them.
            out.levelText = keepLevel;
            out.level = keptLevel;
            out.message = keepMessage;
        }
        return true;
    }
    out.message = trim(body);
    return true;
}

std::string_view stripAnsi(std::string_view line, std::string &buffer)
{
    if (std::memchr(line.data(), '\x1b', line.size()) == nullptr)
        return line;
    buffer.clear();
    for (std::size_t i = 0; i < line.size(); ++i) {
        if (line[i] != '\x1b') {
            buffer.push_back(line[i]);
            continue;
        }
        // CSI: ESC '[' parameters, then one final byte in 0x40..0x7E.
        if (i + 1 < line.size() && line[i + 1] == '[') {
            std::size_t end = i + 2;
            while (end < line.size() && !(line[end] >= 0x40 && line[end] <= 0x7E))
                ++end;
            i = end;
        } else {
            ++i; // a two-byte escape
        }
    }
    return buffer;
}

bool splitLinePrefix(std::string_view line, std::string_view &name, std::string_view &rest)
{
    if (line.empty())
        return false;
    if (line.front() == '[') {
        // kubectl logs --prefix: "[pod/NAME/CONTAINER] "
        if (line.substr(0, 5) != "[pod/")
            return false;
        const std::size_t close = line.find("] ");
        if (close == std::string_view::npos)
            return false;
        const std::string_view inside = line.substr(1, close - 1);
        const std::size_t slash = inside.rfind('/');
        if (slash == std::string_view::npos || slash < 4)
            return false;
        name = inside.substr(slash + 1);
        rest = line.substr(close + 2);
        return !name.empty();
    }
    // docker compose: "NAME  | " with the name padded to the widest service.
    std::size_t pos = 0;
    while (pos < line.size() && (isAlpha(line[pos]) || isDigit(line[pos]) || line[pos] == '_' || line[pos] == '-'
                                 || line[pos] == '.'))
        ++pos;
    if (pos == 0 || pos >= line.size() || line[pos] != ' ')
        return false;
    const std::size_t nameEnd = pos;
    while (pos < line.size() && line[pos] == ' ')
        ++pos;
    if (pos >= line.size() || line[pos] != '|')
        return false;
    ++pos;
    if (pos < line.size() && line[pos] == ' ')
        ++pos;
    else if (pos != line.size())
        return false;
    name = line.substr(0, nameEnd);
    rest = line.substr(pos);
    return true;
}

} // namespace core
