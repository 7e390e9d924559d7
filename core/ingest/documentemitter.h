// SPDX-License-Identifier: MIT
#pragma once

#include <core/model/parseoptions.h>
#include <core/model/record.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

namespace core {

// Turns complete JSON texts (a whole document, or one element of a streamed record array) into
// records: OTLP logs and traces, Jaeger traces and spans, Zipkin spans, CloudTrail records and plain
// log records (through parseJsonRecord). Keeps its simdjson parsers between calls.
class DocumentEmitter
{
public:
    // A JSON text and where it sits in the source. At least SIMDJSON_PADDING readable bytes must
    // follow `json` up to `paddedEnd`.
    struct Text {
        std::string_view json;
        const char *paddedEnd = nullptr;
        std::uint32_t firstLine = 0;
        const std::vector<std::size_t> *lineStarts = nullptr; ///< offsets in `json` of lines 2..n; null: one line
    };
    // What the streamed array's wrapper key says its elements are.
    enum class Hint { Auto, ResourceSpans, ResourceLogs, CloudTrailRecord };
    struct Output {
        const ParseOptions &options;
        RecordBatch &batch;
        LineCounts &counts; ///< events, spans and unparsed of every appended record
    };

    DocumentEmitter();
    ~DocumentEmitter();
    DocumentEmitter(const DocumentEmitter &) = delete;
    DocumentEmitter &operator=(const DocumentEmitter &) = delete;

    // A whole JSON text. With `envelopeOnly`, a text that is a single plain record appends nothing and
    // returns false (the caller parses it as a record); otherwise always true.
    bool emitDocument(const Text &text, bool envelopeOnly, const Output &output);
    // One element of a streamed record array.
    void emitElement(const Text &text, Hint hint, const Output &output);
    // Text that cannot be read as JSON: one record flagged RecordUnparsed, message = the text.
    void emitUnparsed(std::string_view text, std::uint32_t firstLine, std::uint32_t lineCount, const Output &output);
    // Several records starting on one line count up indexInLine; a new document starts again at 0.
    void resetLinePosition();
    // "otlp-logs", "otlp-traces", "jaeger", "zipkin", "cloudtrail", "json-document"; empty before any.
    std::string_view format() const;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace core
