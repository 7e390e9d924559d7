// SPDX-License-Identifier: MIT
#pragma once

#include <core/model/parseoptions.h>
#include <core/model/record.h>

#include <memory>
#include <string>
#include <string_view>

namespace core {

class DocumentParser;

// Turns the lines of one source into records: sniffs the format from the first lines, falls back per
// line (a JSON line in a text file is parsed as JSON, and the reverse), joins continuation lines to the
// record before them, hands multi-line JSON documents to DocumentParser, and keeps the line accounting
// (lines == eventLines + continuationLines + documentLines + blankLines). Fills each record's service
// with the fallbacks (container from the path, logger, file stem) and gives a record without a time the
// previous record's, flagged.
class SourceParser
{
public:
    explicit SourceParser(ParseOptions options);
    ~SourceParser();
    SourceParser(const SourceParser &) = delete;
    SourceParser &operator=(const SourceParser &) = delete;

    // One line without its '\n' (a trailing '\r' stays and is ignored), in order from line 1.
    // Complete records are appended to `out`; a record may wait for its continuation lines. A line of
    // MaxLineBytes (sourcereader.h) is one the reader cut there: its record is flagged RecordLineCut.
    void addLine(std::string_view line, RecordBatch &out);
    // End of the source: flushes the pending record and any open document.
    void finish(RecordBatch &out);

    const LineCounts &counts() const { return m_counts; }
    // The sniffed format: "ndjson", "logfmt", "structlog-console", "text", "syslog", "docker-json",
    // "journald-json", "otlp-logs", "otlp-traces", "jaeger", "zipkin", "json-document", "mixed"...
    std::string format() const;

private:
    void parseLine(std::string_view line, RecordBatch &out);
    // One line after BOM, '\r', blank and prefix handling: JSON, text, continuation or unparsed.
    void dispatchLine(std::string_view line, std::string_view prefix, std::string_view body, RecordBatch &out);

    struct Private;
    std::unique_ptr<Private> d;
    LineCounts m_counts;
};

} // namespace core
