// SPDX-License-Identifier: MIT
#include "tracespans.h"

#include <core/base/timekey.h>
#include <core/model/normalize.h>

#include <array>
#include <charconv>
#include <limits>
#include <optional>

namespace core::trace {

namespace od = simdjson::ondemand;
using simdjson::error_code;

namespace {

// Deeper than this, a value is kept as its raw JSON under one path rather than flattened further.
constexpr int MaxFlattenDepth = 32;

class FieldSink
{
public:
    virtual void add(std::string_view path, std::string_view value, FieldType type) = 0;

protected:
    ~FieldSink() = default;
};

class BatchSink final : public FieldSink
{
public:
    explicit BatchSink(RecordBatch &batch)
        : m_batch(batch)
    {
    }
    void add(std::string_view path, std::string_view value, FieldType type) override
    {
        m_batch.addField(path, value, type);
    }

private:
    RecordBatch &m_batch;
};

class StoredSink final : public FieldSink
{
public:
    explicit StoredSink(std::vector<StoredField> &fields)
        : m_fields(fields)
    {
    }
    void add(std::string_view path, std::string_view value, FieldType type) override
    {
        m_fields.push_back(StoredField{std::string(path), std::string(value), type});
    }

private:
    std::vector<StoredField> &m_fields;
};

class NullSink final : public FieldSink
{
public:
    void add(std::string_view, std::string_view, FieldType) override { }
};

// Key/value lists: OTLP `attributes:[{key, value:{AnyValue}}]`, Jaeger `tags:[{key,type,value}]` and
// log `fields:[...]`. They become `attributes.<key>` paths, as a reader of the trace would name them.
enum class Dialect { Plain, Otlp, Jaeger };

std::string_view trimmed(std::string_view token)
{
    while (!token.empty() && (token.back() == ' ' || token.back() == '\t' || token.back() == '\r' || token.back() == '\n'))
        token.remove_suffix(1);
    return token;
}

std::string_view lastComponent(std::string_view path)
{
    const auto dot = path.rfind('.');
    return dot == std::string_view::npos ? path : path.substr(dot + 1);
}

void appendJsonString(std::string &out, std::string_view text)
{
    out.push_back('"');
    for (const char c : text) {
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) {
                static constexpr char hex[] = "0123456789abcdef";
                out += "\\u00";
                out.push_back(hex[(c >> 4) & 0xf]);
                out.push_back(hex[c & 0xf]);
            } else {
                out.push_back(c);
            }
        }
    }
    out.push_back('"');
}

class PathScope
{
public:
    PathScope(std::string &path, std::string_view component)
        : m_path(path)
        , m_mark(path.size())
    {
        if (!path.empty())
            path.push_back('.');
        path.append(component);
    }
    ~PathScope() { m_path.resize(m_mark); }
    PathScope(const PathScope &) = delete;
    PathScope &operator=(const PathScope &) = delete;

private:
    std::string &m_path;
    std::size_t m_mark;
};

error_code flatten(od::value value, std::string &path, Dialect dialect, FieldSink &sink, int depth);

// An OTLP AnyValue: leaves go to `sink` (if any) and the value is rendered as plain JSON into `render` (if any).
error_code anyValue(od::value value, std::string &path, FieldSink *sink, std::string *render, int depth)
{
    od::object object;
    if (depth > MaxFlattenDepth || value.get_object().get(object)) {
        std::string_view raw;
        if (auto error = rawValue(value, raw))
            return error;
        if (sink)
            sink->add(path, raw, FieldType::String);
        if (render)
            render->append(raw);
        return simdjson::SUCCESS;
    }
    bool any = false;
    for (auto field : object) {
        std::string_view key;
        od::value inner;
        if (auto error = field.unescaped_key().get(key))
            return error;
        if (auto error = field.value().get(inner))
            return error;
        any = true;
        if (key == "stringValue" || key == "bytesValue") {
            std::string_view text;
            if (auto error = inner.get_string().get(text))
                return error;
            if (sink)
                sink->add(path, text, FieldType::String);
            if (render)
                appendJsonString(*render, text);
        } else if (key == "intValue" || key == "doubleValue") {
            // intValue is a string in OTLP JSON (64-bit); doubleValue may be "NaN" or "Infinity".
            od::json_type type;
            if (auto error = inner.type().get(type))
                return error;
            std::string_view text;
            if (type == od::json_type::string) {
                if (auto error = inner.get_string().get(text))
                    return error;
            } else {
                text = inner.raw_json_token();
            }
            text = trimmed(text);
            if (sink)
                sink->add(path, text, FieldType::Number);
            if (render)
                render->append(text);
        } else if (key == "boolValue") {
            bool flag = false;
            if (auto error = inner.get_bool().get(flag))
                return error;
            if (sink)
                sink->add(path, flag ? "true" : "false", FieldType::Bool);
            if (render)
                render->append(flag ? "true" : "false");
        } else if (key == "arrayValue" || key == "kvlistValue") {
            const bool list = key == "kvlistValue";
            od::object holder;
            if (auto error = inner.get_object().get(holder))
                return error;
            if (render)
                render->push_back(list ? '{' : '[');
            od::array values;
            const auto found = holder.find_field_unordered("values").get_array().get(values);
            if (found == simdjson::SUCCESS) {
                std::size_t index = 0;
                for (auto element : values) {
                    od::value item;
                    if (auto error = element.get(item))
                        return error;
                    if (render && index > 0)
                        render->push_back(',');
                    if (list) {
                        od::object pair;
                        std::string_view itemKey;
                        od::value itemValue;
                        if (auto error = item.get_object().get(pair))
                            return error;
                        if (auto error = pair.find_field_unordered("key").get_string().get(itemKey))
                            return error;
                        // The key is copied: the next string read may reuse the parser's buffer.
                        const std::string keyCopy(itemKey);
                        if (render) {
                            appendJsonString(*render, keyCopy);
                            render->push_back(':');
                        }
                        PathScope scope(path, keyCopy);
                        if (pair.find_field_unordered("value").get(itemValue) == simdjson::SUCCESS) {
                            if (auto error = anyValue(itemValue, path, sink, render, depth + 1))
                                return error;
                        } else if (render) {
                            render->append("null");
                        }
                    } else {
                        PathScope scope(path, std::to_string(index));
                        if (auto error = anyValue(item, path, sink, render, depth + 1))
                            return error;
                    }
                    ++index;
                }
            } else if (found != simdjson::NO_SUCH_FIELD) {
                return found;
            }
            if (render)
                render->push_back(list ? '}' : ']');
        } else {
            PathScope scope(path, key);
            NullSink nothing;
            if (auto error = flatten(inner, path, Dialect::Plain, sink ? *sink : nothing, depth + 1))
                return error;
        }
    }
    if (!any && render)
        render->append("null");
    return simdjson::SUCCESS;
}

error_code keyedList(od::array array, std::string &path, Dialect dialect, FieldSink &sink, int depth)
{
    std::size_t index = 0;
    for (auto element : array) {
        od::value item;
        if (auto error = element.get(item))
            return error;
        od::json_type type;
        if (auto error = item.type().get(type))
            return error;
        if (type != od::json_type::object) {
            PathScope scope(path, std::to_string(index++));
            if (auto error = flatten(item, path, dialect, sink, depth + 1))
                return error;
            continue;
        }
        od::object pair;
        if (auto error = item.get_object().get(pair))
            return error;
        std::string_view key;
        if (auto error = pair.find_field_unordered("key").get_string().get(key))
            return error;
        const std::string keyCopy(key);
        od::value inner;
        const auto found = pair.find_field_unordered("value").get(inner);
        ++index;
        if (found == simdjson::NO_SUCH_FIELD)
            continue;
        if (found)
            return found;
        PathScope scope(path, keyCopy);
        if (dialect == Dialect::Otlp) {
            if (auto error = anyValue(inner, path, &sink, nullptr, depth + 1))
                return error;
        } else if (auto error = flatten(inner, path, dialect, sink, depth + 1)) {
            return error;
        }
    }
    return simdjson::SUCCESS;
}

bool isKeyedList(std::string_view path, Dialect dialect)
{
    const std::string_view last = lastComponent(path);
    if (dialect == Dialect::Otlp)
        return last == "attributes";
    if (dialect == Dialect::Jaeger)
        return last == "tags" || last == "fields";
    return false;
}

error_code flatten(od::value value, std::string &path, Dialect dialect, FieldSink &sink, int depth)
{
    od::json_type type;
    if (auto error = value.type().get(type))
        return error;
    if (depth > MaxFlattenDepth && (type == od::json_type::object || type == od::json_type::array)) {
        std::string_view raw;
        if (auto error = rawValue(value, raw))
            return error;
        sink.add(path, raw, FieldType::String);
        return simdjson::SUCCESS;
    }
    switch (type) {
    case od::json_type::object: {
        od::object object;
        if (auto error = value.get_object().get(object))
            return error;
        for (auto field : object) {
            std::string_view key;
            od::value inner;
            if (auto error = field.unescaped_key().get(key))
                return error;
            PathScope scope(path, key);
            if (auto error = field.value().get(inner))
                return error;
            if (auto error = flatten(inner, path, dialect, sink, depth + 1))
                return error;
        }
        return simdjson::SUCCESS;
    }
    case od::json_type::array: {
        od::array array;
        if (auto error = value.get_array().get(array))
            return error;
        if (isKeyedList(path, dialect))
            return keyedList(array, path, dialect, sink, depth);
        std::size_t index = 0;
        for (auto element : array) {
            od::value inner;
            if (auto error = element.get(inner))
                return error;
            PathScope scope(path, std::to_string(index++));
            if (auto error = flatten(inner, path, dialect, sink, depth + 1))
                return error;
        }
        return simdjson::SUCCESS;
    }
    case od::json_type::string: {
        std::string_view text;
        if (auto error = value.get_string().get(text))
            return error;
        sink.add(path, text, FieldType::String);
        return simdjson::SUCCESS;
    }
    case od::json_type::number: {
        sink.add(path, trimmed(value.raw_json_token()), FieldType::Number);
        return simdjson::SUCCESS;
    }
    case od::json_type::boolean: {
        bool flag = false;
        if (auto error = value.get_bool().get(flag))
            return error;
        sink.add(path, flag ? "true" : "false", FieldType::Bool);
        return simdjson::SUCCESS;
    }
    case od::json_type::null:
        sink.add(path, "null", FieldType::Null);
        return simdjson::SUCCESS;
    }
    return simdjson::INCORRECT_TYPE;
}

// Reads `json` as an object and flattens each member; an OTLP log body is also rendered into `body`.
error_code flattenRoot(od::parser &parser, std::string_view json, const char *paddedEnd, Dialect dialect,
                       FieldSink &sink, std::string *body, bool *bodyIsString)
{
    od::document doc;
    if (auto error = parser.iterate(json.data(), json.size(), static_cast<std::size_t>(paddedEnd - json.data())).get(doc))
        return error;
    od::object object;
    if (auto error = doc.get_object().get(object))
        return error;
    std::string path;
    for (auto field : object) {
        std::string_view key;
        od::value value;
        if (auto error = field.unescaped_key().get(key))
            return error;
        PathScope scope(path, key);
        if (auto error = field.value().get(value))
            return error;
        if (body && key == "body") {
            const std::size_t before = body->size();
            if (auto error = anyValue(value, path, &sink, body, 1))
                return error;
            if (bodyIsString)
                *bodyIsString = body->size() > before && (*body)[before] == '"';
            continue;
        }
        if (auto error = flatten(value, path, dialect, sink, 1))
            return error;
    }
    return simdjson::SUCCESS;
}

std::size_t startRecord(RecordBatch &batch, const Place &place, std::uint8_t flags)
{
    Record &record = batch.addRecord();
    record.firstLine = place.firstLine;
    record.lineCount = place.lineCount;
    record.indexInLine = place.indexInLine;
    record.flags = flags;
    return batch.records.size() - 1;
}

// A record that failed half-way loses the fields it got and becomes an unparsed record of its text.
void makeUnparsed(RecordBatch &batch, std::size_t index, const Place &place)
{
    Record &record = batch.records[index];
    if (record.fieldCount > 0)
        batch.fields.resize(record.fieldBegin);
    Record fresh;
    fresh.firstLine = place.firstLine;
    fresh.lineCount = place.lineCount;
    fresh.indexInLine = place.indexInLine;
    fresh.flags = RecordUnparsed;
    fresh.message = batch.keep(place.raw);
    record = fresh;
}

void addStored(RecordBatch &batch, const std::vector<StoredField> &fields)
{
    for (const StoredField &field : fields)
        batch.addField(field.path, field.value, field.type);
}

std::optional<std::int64_t> integerOf(std::string_view text)
{
    text = trimmed(text);
    std::int64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size()) {
        // Some exporters write times as floats ("1.5e15"); take the integral part.
        double number = 0;
        const auto [fend, ferror] = std::from_chars(text.data(), text.data() + text.size(), number);
        if (ferror != std::errc() || fend != text.data() + text.size() || !(number < 9.2e18 && number > -9.2e18))
            return std::nullopt;
        return static_cast<std::int64_t>(number);
    }
    return value;
}

// A time written in epoch nanoseconds or microseconds, as a time key (core/base/timekey.h): the same
// number inside 1823-2116, never a wrapped one outside.
std::int64_t keyOfNanos(std::int64_t ns)
{
    return timekey::fromEpoch(ns / 1'000'000'000, ns % 1'000'000'000).value_or(ns);
}

std::optional<std::int64_t> keyOfMicros(std::string_view text)
{
    const auto micros = integerOf(text);
    if (!micros)
        return std::nullopt;
    return timekey::fromEpoch(*micros / 1'000'000, *micros % 1'000'000 * 1000);
}

std::optional<std::int64_t> microsToNs(std::string_view text)
{
    const auto micros = integerOf(text);
    if (!micros || *micros > std::numeric_limits<std::int64_t>::max() / 1000
        || *micros < std::numeric_limits<std::int64_t>::min() / 1000)
        return std::nullopt;
    return *micros * 1000;
}

struct OtlpScope {
    std::string service;
    std::vector<StoredField> fields;
};

void finishOtlpSpan(RecordBatch &batch, std::size_t index)
{
    Record &record = batch.records[index];
    std::optional<std::int64_t> start, end;
    std::string_view code;
    for (std::uint32_t i = record.fieldBegin; i < record.fieldBegin + record.fieldCount; ++i) {
        const Field &field = batch.fields[i];
        if (field.path == "traceId")
            record.traceId = field.value;
        else if (field.path == "spanId")
            record.spanId = field.value;
        else if (field.path == "parentSpanId")
            record.parentSpanId = field.value;
        else if (field.path == "name")
            record.message = field.value;
        else if (field.path == "startTimeUnixNano")
            start = integerOf(field.value);
        else if (field.path == "endTimeUnixNano")
            end = integerOf(field.value);
        else if (field.path == "status.code")
            code = field.value;
    }
    if (start && *start > 0) {
        record.timeNs = keyOfNanos(*start);
        record.hasTime = true;
        if (end && *end >= *start)
            record.durationNs = *end - *start;
    }
    // OTLP status codes: 0 unset, 1 ok, 2 error, as numbers or as enum names.
    if (code == "2" || code == "STATUS_CODE_ERROR") {
        record.status = "error";
        record.level = Level::Error;
        record.levelText = code;
    } else if (code == "1" || code == "STATUS_CODE_OK") {
        record.status = "ok";
    } else {
        record.status = "unset";
    }
}

void finishOtlpLog(RecordBatch &batch, std::size_t index, const std::string &body, bool bodyIsString)
{
    Record &record = batch.records[index];
    std::optional<std::int64_t> time, observed;
    std::string_view severityNumber, severityText;
    for (std::uint32_t i = record.fieldBegin; i < record.fieldBegin + record.fieldCount; ++i) {
        const Field &field = batch.fields[i];
        if (field.path == "timeUnixNano")
            time = integerOf(field.value);
        else if (field.path == "observedTimeUnixNano")
            observed = integerOf(field.value);
        else if (field.path == "severityNumber")
            severityNumber = field.value;
        else if (field.path == "severityText")
            severityText = field.value;
        else if (field.path == "traceId")
            record.traceId = field.value;
        else if (field.path == "spanId")
            record.spanId = field.value;
        else if (field.path == "body" && bodyIsString)
            record.message = field.value;
    }
    // A zero timeUnixNano means "unknown" in OTLP: the collector's observed time is the best left.
    if (time && *time > 0) {
        record.timeNs = keyOfNanos(*time);
        record.hasTime = true;
    } else if (observed && *observed > 0) {
        record.timeNs = keyOfNanos(*observed);
        record.hasTime = true;
    }
    if (!bodyIsString && !body.empty())
        record.message = batch.keep(body);
    if (const auto number = integerOf(severityNumber); number && *number > 0) {
        record.level = normalize::levelFromNumber(*number, normalize::NumericLevelScale::Otlp);
    } else if (severityNumber.substr(0, 16) == "SEVERITY_NUMBER_") {
        std::string_view name = severityNumber.substr(16);
        while (!name.empty() && name.back() >= '0' && name.back() <= '9')
            name.remove_suffix(1);
        record.level = normalize::levelFromText(name);
    }
    if (record.level == Level::Unknown && !severityText.empty())
        record.level = normalize::levelFromText(severityText);
    record.levelText = !severityText.empty() ? severityText : severityNumber;
}

void emitOtlpItem(SpanContext &context, std::string_view json, bool logs, const OtlpScope &scope, const Place &place)
{
    RecordBatch &batch = context.batch;
    const std::size_t index = startRecord(batch, place, logs ? 0 : RecordSpan);
    BatchSink sink(batch);
    std::string body;
    bool bodyIsString = false;
    if (flattenRoot(context.reader, json, context.paddedEnd, Dialect::Otlp, sink, logs ? &body : nullptr,
                    &bodyIsString)) {
        makeUnparsed(batch, index, place);
        return;
    }
    addStored(batch, scope.fields);
    if (logs)
        finishOtlpLog(batch, index, body, bodyIsString);
    else
        finishOtlpSpan(batch, index);
    if (!scope.service.empty())
        batch.records[index].service = batch.keep(scope.service);
}


// Flattens the object `json` into `fields` under `prefix`.
bool storeObject(od::parser &parser, std::string_view json, const char *paddedEnd, std::string_view prefix,
                 Dialect dialect, std::vector<StoredField> &fields)
{
    if (json.empty())
        return true;
    od::document doc;
    if (parser.iterate(json.data(), json.size(), static_cast<std::size_t>(paddedEnd - json.data())).get(doc))
        return false;
    od::value value;
    if (doc.get_value().get(value))
        return false;
    std::string path(prefix);
    StoredSink sink(fields);
    return flatten(value, path, dialect, sink, 1) == simdjson::SUCCESS;
}

} // namespace

error_code rawValue(simdjson::simdjson_result<od::value> &&result, std::string_view &raw)
{
    od::value value;
    if (auto error = result.get(value))
        return error;
    return rawValue(value, raw);
}

error_code rawValue(od::value &value, std::string_view &raw)
{
    od::json_type type;
    if (auto error = value.type().get(type))
        return error;
    if (type == od::json_type::object) {
        od::object object;
        if (auto error = value.get_object().get(object))
            return error;
        return object.raw_json().get(raw);
    }
    if (type == od::json_type::array) {
        od::array array;
        if (auto error = value.get_array().get(array))
            return error;
        return array.raw_json().get(raw);
    }
    raw = trimmed(value.raw_json_token());
    return simdjson::SUCCESS;
}

void addUnparsed(std::string_view text, const Place &place, RecordBatch &batch)
{
    Record &record = batch.addRecord();
    record.firstLine = place.firstLine;
    record.lineCount = place.lineCount;
    record.indexInLine = place.indexInLine;
    record.flags = RecordUnparsed;
    record.message = batch.keep(text);
}

void applyCloudTrail(RecordBatch &batch)
{
    Record &record = batch.records.back();
    std::string_view eventSource, eventName;
    bool failed = false;
    for (std::uint32_t i = record.fieldBegin; i < record.fieldBegin + record.fieldCount; ++i) {
        const Field &field = batch.fields[i];
        if (field.path == "errorCode" || field.path == "errorMessage")
            failed = true;
        else if (field.path == "eventSource")
            eventSource = field.value;
        else if (field.path == "eventName")
            eventName = field.value;
    }
    // CloudTrail has no severity: a call that failed carries errorCode, one that worked does not.
    if (failed && record.level == Level::Unknown)
        record.level = Level::Error;
    if (record.service.empty())
        record.service = eventSource;
    if (record.message.empty())
        record.message = eventName;
}

bool emitOtlpResource(SpanContext &context, std::string_view json, bool logs, const PlaceOf &placeOf)
{
    std::array<std::string_view, 2> raw;
    if (!collectMembers<2>(context.collector, json, context.paddedEnd, {"resource", logs ? "scopeLogs" : "scopeSpans"},
                           raw))
        return false;
    OtlpScope resource;
    if (!storeObject(context.collector, raw[0], context.paddedEnd, "resource", Dialect::Otlp, resource.fields))
        return false;
    for (const StoredField &field : resource.fields) {
        if (field.path == "resource.attributes.service.name")
            resource.service = field.value;
    }
    std::vector<std::string_view> scopes;
    if (!collectElements(context.collector, raw[1], context.paddedEnd, scopes))
        return false;
    for (std::string_view scopeJson : scopes) {
        std::array<std::string_view, 2> members;
        std::vector<std::string_view> items;
        OtlpScope scope = resource;
        if (!collectMembers<2>(context.collector, scopeJson, context.paddedEnd, {"scope", logs ? "logRecords" : "spans"},
                               members)
            || !storeObject(context.collector, members[0], context.paddedEnd, "scope", Dialect::Otlp, scope.fields)
            || !collectElements(context.collector, members[1], context.paddedEnd, items))
            return false;
        for (std::string_view item : items)
            emitOtlpItem(context, item, logs, scope, placeOf(item));
    }
    return true;
}

bool emitJaegerTrace(SpanContext &context, std::string_view json, const PlaceOf &placeOf)
{
    std::array<std::string_view, 2> raw;
    if (!collectMembers<2>(context.collector, json, context.paddedEnd, {"spans", "processes"}, raw))
        return false;
    std::vector<JaegerProcess> processes;
    if (!raw[1].empty()) {
        std::vector<StoredField> all;
        // Each process is stored under its id first, then split: "p1.serviceName", "p1.tags.hostname"...
        if (!storeObject(context.collector, raw[1], context.paddedEnd, "", Dialect::Jaeger, all))
            return false;
        for (const StoredField &field : all) {
            const auto dot = field.path.find('.');
            if (dot == std::string::npos)
                continue;
            const std::string id = field.path.substr(0, dot);
            if (processes.empty() || processes.back().id != id)
                processes.push_back(JaegerProcess{id, {}, {}});
            const std::string rest = field.path.substr(dot + 1);
            if (rest == "serviceName")
                processes.back().serviceName = field.value;
            processes.back().fields.push_back(StoredField{"process." + rest, field.value, field.type});
        }
    }
    std::vector<std::string_view> spans;
    if (!collectElements(context.collector, raw[0], context.paddedEnd, spans))
        return false;
    for (std::string_view span : spans)
        emitJaegerSpan(context, span, &processes, placeOf(span));
    return true;
}

void emitJaegerSpan(SpanContext &context, std::string_view json, const std::vector<JaegerProcess> *processes,
                    const Place &place)
{
    RecordBatch &batch = context.batch;
    const std::size_t index = startRecord(batch, place, RecordSpan);
    BatchSink sink(batch);
    if (flattenRoot(context.reader, json, context.paddedEnd, Dialect::Jaeger, sink, nullptr, nullptr)) {
        makeUnparsed(batch, index, place);
        return;
    }
    std::string_view processId, serviceName, errorTag;
    bool error = false;
    // references.N.refType / references.N.spanID: the parent is the CHILD_OF one, else the first.
    std::string_view firstRef, childOf, pendingIndex, pendingType, pendingSpan;
    auto settle = [&] {
        if (!pendingSpan.empty()) {
            if (firstRef.empty())
                firstRef = pendingSpan;
            if (childOf.empty() && pendingType == "CHILD_OF")
                childOf = pendingSpan;
        }
        pendingType = {};
        pendingSpan = {};
    };
    {
        Record &record = batch.records[index];
        for (std::uint32_t i = record.fieldBegin; i < record.fieldBegin + record.fieldCount; ++i) {
            const Field &field = batch.fields[i];
            const std::string_view path = field.path;
            if (path == "traceID")
                record.traceId = field.value;
            else if (path == "spanID")
                record.spanId = field.value;
            else if (path == "operationName")
                record.message = field.value;
            else if (path == "startTime") {
                if (const auto key = keyOfMicros(field.value)) {
                    record.timeNs = *key;
                    record.hasTime = true;
                }
            } else if (path == "duration") {
                if (const auto ns = microsToNs(field.value))
                    record.durationNs = *ns;
            } else if (path == "processID")
                processId = field.value;
            else if (path == "process.serviceName")
                serviceName = field.value;
            else if (path == "tags.error") {
                // Jaeger marks a failed span with the tag error=true (a bool, or the string "true").
                error = field.value == "true";
                errorTag = field.value;
            } else if (path.substr(0, 11) == "references.") {
                const std::string_view rest = path.substr(11);
                const auto dot = rest.find('.');
                if (dot == std::string_view::npos)
                    continue;
                if (rest.substr(0, dot) != pendingIndex) {
                    settle();
                    pendingIndex = rest.substr(0, dot);
                }
                if (rest.substr(dot + 1) == "refType")
                    pendingType = field.value;
                else if (rest.substr(dot + 1) == "spanID")
                    pendingSpan = field.value;
            } else if (path == "parentSpanID" && childOf.empty()) {
                childOf = field.value;
            }
        }
        settle();
        record.parentSpanId = !childOf.empty() ? childOf : firstRef;
        if (error) {
            record.level = Level::Error;
            record.levelText = errorTag;
            record.status = "error";
        }
    }
    if (serviceName.empty() && !processId.empty() && processes) {
        for (const JaegerProcess &process : *processes) {
            if (process.id == processId) {
                addStored(batch, process.fields);
                batch.records[index].service = batch.keep(process.serviceName);
                break;
            }
        }
    } else {
        batch.records[index].service = serviceName;
    }
}

void emitZipkinSpan(SpanContext &context, std::string_view json, const Place &place)
{
    RecordBatch &batch = context.batch;
    const std::size_t index = startRecord(batch, place, RecordSpan);
    BatchSink sink(batch);
    if (flattenRoot(context.reader, json, context.paddedEnd, Dialect::Plain, sink, nullptr, nullptr)) {
        makeUnparsed(batch, index, place);
        return;
    }
    Record &record = batch.records[index];
    for (std::uint32_t i = record.fieldBegin; i < record.fieldBegin + record.fieldCount; ++i) {
        const Field &field = batch.fields[i];
        const std::string_view path = field.path;
        if (path == "traceId")
            record.traceId = field.value;
        else if (path == "id")
            record.spanId = field.value;
        else if (path == "parentId")
            record.parentSpanId = field.value;
        else if (path == "name")
            record.message = field.value;
        else if (path == "timestamp") {
            if (const auto key = keyOfMicros(field.value); key && *key > 0) {
                record.timeNs = *key;
                record.hasTime = true;
            }
        } else if (path == "duration") {
            if (const auto ns = microsToNs(field.value))
                record.durationNs = *ns;
        } else if (path == "localEndpoint.serviceName")
            record.service = field.value;
        else if (path == "tags.error") {
            // Zipkin keeps the error's message in the tag's value, so any value (even "") is a failure.
            record.level = Level::Error;
            record.levelText = field.value;
            record.status = "error";
        }
    }
}

bool collectElements(od::parser &parser, std::string_view json, const char *paddedEnd, std::vector<std::string_view> &out)
{
    if (json.empty())
        return true;
    od::document doc;
    if (parser.iterate(json.data(), json.size(), static_cast<std::size_t>(paddedEnd - json.data())).get(doc))
        return false;
    od::array array;
    if (doc.get_array().get(array))
        return false;
    for (auto element : array) {
        std::string_view raw;
        if (rawValue(std::move(element), raw))
            return false;
        out.push_back(raw);
    }
    return true;
}

} // namespace core::trace
