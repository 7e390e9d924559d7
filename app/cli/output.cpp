// SPDX-License-Identifier: MIT
#include "output.h"

#include <cstdio>

namespace cli {

namespace {

void appendCsv(std::string &out, std::string_view field)
{
    if (field.find_first_of(",\"\r\n") == std::string_view::npos) {
        out.append(field);
        return;
    }
    out.push_back('"');
    for (const char c : field) {
        if (c == '"')
            out.push_back('"');
        out.push_back(c);
    }
    out.push_back('"');
}

} // namespace

std::string formatCount(std::uint64_t value)
{
    std::string digits = std::to_string(value);
    for (int at = static_cast<int>(digits.size()) - 3; at > 0; at -= 3)
        digits.insert(static_cast<std::size_t>(at), 1, ',');
    return digits;
}

void printJson(const core::JsonWriter &out)
{
    std::printf("%s\n", out.text().c_str());
}

void writeSourceHead(core::JsonWriter &out, std::string_view name, std::string_view format, core::SourceStatus status,
                     std::string_view error)
{
    out.key("name").value(name);
    out.key("format").value(format);
    out.key("status").value(core::sourceStatusName(status));
    if (!error.empty())
        out.key("error").value(error);
}

void writeCounts(core::JsonWriter &out, const core::LineCounts &counts)
{
    out.key("lines").value(counts.lines);
    out.key("event_lines").value(counts.eventLines);
    out.key("continuation_lines").value(counts.continuationLines);
    out.key("document_lines").value(counts.documentLines);
    out.key("blank_lines").value(counts.blankLines);
    out.key("events").value(counts.events);
    out.key("unparsed").value(counts.unparsed);
    out.key("spans").value(counts.spans);
}

void writeLevels(core::JsonWriter &out, const core::LevelCounts &counts)
{
    out.beginObject();
    for (const core::Level level : LevelsInReadingOrder)
        out.key(core::levelName(level)).value(counts[static_cast<std::size_t>(level)]);
    out.endObject();
}

void writeEventsHeader(Style style)
{
    if (style == Style::Csv)
        std::fputs("time,level,service,message,request_id,source\n", stdout);
}

void writeEvent(std::string &line, const core::EventRow &event, Style style)
{
    line.clear();
    if (style == Style::Json) {
        line = core::format::eventJson(event);
    } else {
        const char separator = style == Style::Csv ? ',' : '\t';
        line = core::format::rfc3339(event.key.timeNs);
        for (std::string_view column : {std::string_view(core::levelName(event.level)), std::string_view(event.service),
                                        std::string_view(event.message), std::string_view(event.requestId)}) {
            line.push_back(separator);
            if (style == Style::Csv)
                appendCsv(line, column);
            else
                line.append(column);
        }
        line.push_back(separator);
        const std::string where = event.sourceName + ':' + std::to_string(event.key.line);
        if (style == Style::Csv)
            appendCsv(line, where);
        else
            line += where;
    }
    line.push_back('\n');
    std::fwrite(line.data(), 1, line.size(), stdout);
}

void writeFailure(core::JsonWriter &out, const std::optional<core::RequestFailure> &failure)
{
    if (!failure) {
        out.null();
        return;
    }
    out.beginObject()
        .key("service")
        .value(failure->service)
        .key("time")
        .value(core::format::rfc3339(failure->key.timeNs))
        .key("message")
        .value(failure->message)
        .key("signature")
        .value(failure->signature)
        .key("source")
        .value(failure->sourceName)
        .key("line")
        .value(static_cast<std::uint64_t>(failure->key.line))
        .endObject();
}

double milliseconds(std::int64_t ns)
{
    return static_cast<double>(ns) / 1e6;
}

} // namespace cli
