// SPDX-License-Identifier: MIT
#pragma once

#include "parseoptions.h"
#include "record.h"

#include <simdjson.h>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

// Spans and OTLP log records as records: OTLP JSON, Jaeger (API, UI and Elasticsearch shapes) and Zipkin v2.
// Internal to DocumentEmitter.
namespace core::trace {

// Where a record sits in the source, and its raw JSON text.
struct Place {
    std::uint32_t firstLine = 0;
    std::uint32_t lineCount = 1;
    std::uint32_t indexInLine = 0;
    std::string_view raw;
};
using PlaceOf = std::function<Place(std::string_view part)>;

// Texts handed in are views into one padded buffer that ends at `paddedEnd`. `collector` walks
// envelopes into raw views; `reader` then reads one span or log record at a time.
struct SpanContext {
    const ParseOptions &options;
    RecordBatch &batch;
    simdjson::ondemand::parser &collector;
    simdjson::ondemand::parser &reader;
    const char *paddedEnd;
};

// A field kept outside a batch (resource, scope, Jaeger process), copied into every record it applies to.
struct StoredField {
    std::string path;
    std::string value;
    FieldType type = FieldType::String;
};

struct JaegerProcess {
    std::string id;
    std::string serviceName;
    std::vector<StoredField> fields; ///< "process.tags.<key>"...
};

// The raw JSON text of a value: an object or array whole, a scalar's token.
simdjson::error_code rawValue(simdjson::ondemand::value &value, std::string_view &raw);
simdjson::error_code rawValue(simdjson::simdjson_result<simdjson::ondemand::value> &&result, std::string_view &raw);

// One record flagged RecordUnparsed whose message is `text`.
void addUnparsed(std::string_view text, const Place &place, RecordBatch &batch);
// The batch's last record came from a CloudTrail file: errorCode marks a failed call.
void applyCloudTrail(RecordBatch &batch);

// One ResourceSpans or ResourceLogs object: every span or log record in its scopes. False: unreadable.
bool emitOtlpResource(SpanContext &context, std::string_view json, bool logs, const PlaceOf &placeOf);
// A Jaeger trace {traceID, spans, processes}. False: unreadable.
bool emitJaegerTrace(SpanContext &context, std::string_view json, const PlaceOf &placeOf);
// One Jaeger span; `processes` resolves its processID when it has no embedded process.
void emitJaegerSpan(SpanContext &context, std::string_view json, const std::vector<JaegerProcess> *processes,
                    const Place &place);
void emitZipkinSpan(SpanContext &context, std::string_view json, const Place &place);

} // namespace core::trace
