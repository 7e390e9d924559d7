// SPDX-License-Identifier: MIT
#pragma once

#include <core/model/parseoptions.h>
#include <core/model/record.h>

#include <cstdint>
#include <memory>
#include <string_view>

namespace core {

// Multi-line JSON documents: pretty-printed objects (one or several concatenated), whole-file arrays
// and wrappers such as {"Records":[...]}, OTLP requests, Jaeger exports, Zipkin span arrays. Arrays of
// records stream out element by element, so memory stays bounded whatever the document's size.
class DocumentParser
{
public:
    // `counts` is the source's line accounting, updated for every line this parser consumes and every
    // record it emits (events, spans, unparsed). `counts.lines` stays the caller's, who counts every line
    // it reads; this parser files each line it is given under eventLines, continuationLines,
    // documentLines or blankLines.
    DocumentParser(const ParseOptions &options, LineCounts &counts);
    ~DocumentParser();

    // Offered a line that starts with '{' or '[' (after blanks) and whose brackets do not balance on
    // it. Returns true when it opened a document (the line is consumed and counted).
    bool begin(std::string_view line, std::uint32_t lineNumber, RecordBatch &out);
    bool isOpen() const;
    // The next line of the open document.
    void addLine(std::string_view line, std::uint32_t lineNumber, RecordBatch &out);
    // End of input; a document cut short keeps the records it emitted and its unparsed rest is flagged.
    void finish(RecordBatch &out);
    // "otlp-logs", "otlp-traces", "jaeger", "zipkin", "cloudtrail", "json-document"; empty before any.
    std::string_view format() const;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

// A complete JSON text on one line that is a known envelope (an OTLP logs or traces request, a Jaeger
// export, a Zipkin span array, {"Records":[...]}, an array of records): appends all its records, counts
// them into `counts` (events, spans; not the line itself) and returns true. False when not an envelope.
bool parseEnvelope(std::string_view json, const ParseOptions &options, std::uint32_t lineNumber, RecordBatch &out,
                   LineCounts &counts);

} // namespace core
