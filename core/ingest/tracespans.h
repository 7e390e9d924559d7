// SPDX-License-Identifier: MIT
#pragma once

#include <core/model/parseoptions.h>
#include <core/model/record.h>

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

// The raw JSON of the members of object `json` called `names` (empty views for those absent).
template<std::size_t N>
bool collectMembers(simdjson::ondemand::parser &parser, std::string_view json, const char *paddedEnd,
                    const std::array<std::string_view, N> &names, std::array<std::string_view, N> &out)
{
    simdjson::ondemand::document doc;
    if (parser.iterate(json.data(), json.size(), static_cast<std::size_t>(paddedEnd - json.data())).get(doc))
        return false;
    simdjson::ondemand::object object;
    if (doc.get_object().get(object))
        return false;
    for (auto field : object) {
        std::string_view key;
        if (field.unescaped_key().get(key))
            return false;
        for (std::size_t i = 0; i < N; ++i) {
            if (key == names[i]) {
                if (rawValue(field.value(), out[i]))
                    return false;
                break;
            }
        }
    }
    return true;
}

// The raw JSON of each element of array `json`; an empty text is an empty array.
bool collectElements(simdjson::ondemand::parser &parser, std::string_view json, const char *paddedEnd,
                     std::vector<std::string_view> &out);

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
