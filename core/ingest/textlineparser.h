// SPDX-License-Identifier: MIT
#pragma once

#include <core/model/parseoptions.h>
#include <core/model/record.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace core {

// What one text line says when it starts an event. Views point into the parsed line or into the
// parser's storage, valid until the next parse().
struct TextLine {
    enum class Kind { Timestamped, Syslog, Glog, Logfmt, StructlogConsole, AccessLog };
    Kind kind = Kind::Timestamped;
    bool hasTime = false;
    bool yearless = false; ///< syslog and glog: the year came from the source's mtime
    std::int64_t timeNs = 0;
    Level level = Level::Unknown;
    std::string_view levelText;
    std::string_view message;
    std::string_view service;
    std::string_view logger;
    std::string_view requestId;
    std::string_view traceId;
    std::string_view spanId;
    std::vector<std::pair<std::string_view, std::string_view>> fields; ///< key=value pairs, values unquoted
};

// Reads text log lines: a leading timestamp and the level word right after it, syslog, glog, logfmt,
// structlog's console renderer and access logs. Lines come with ANSI codes already removed.
class TextLineParser
{
public:
    explicit TextLineParser(const ParseOptions &options);

    // True when `line` starts an event; `out` then describes it.
    bool parse(std::string_view line, TextLine &out);

private:
    bool parseLogfmt(std::string_view line, TextLine &out);
    void parsePairs(std::string_view text, TextLine &out, bool pythonRepr);
    void applyPairRoles(TextLine &out, bool takeTime);
    std::string_view unquote(std::string_view quoted);

    const ParseOptions &m_options;
    std::string m_storage; ///< unescaped values; reserved per line so views stay valid
};

// Removes ANSI escape sequences (colours, erase-line) into `buffer` when the line has any.
std::string_view stripAnsi(std::string_view line, std::string &buffer);
// `docker compose logs` "name  | rest" and `kubectl logs --prefix` "[pod/name/container] rest":
// returns the rest and sets `name` (the compose name, or the container); false when no prefix.
bool splitLinePrefix(std::string_view line, std::string_view &name, std::string_view &rest);

} // namespace core
