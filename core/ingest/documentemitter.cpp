// SPDX-License-Identifier: MIT
#include "documentemitter.h"

#include "jsonrecord.h"
#include "tracespans.h"

#include <simdjson.h>

#include <algorithm>
#include <array>

namespace core {

namespace od = simdjson::ondemand;
using simdjson::error_code;

struct DocumentEmitter::Private {
    // Texts are always collected as raw views first and read afterwards, so two parsers are enough:
    // one walks an envelope while the other reads the element it points at.
    std::array<od::parser, 2> parsers;
    std::string_view format;
    std::uint32_t lastLine = 0;
    std::uint32_t nextIndex = 0;

    std::uint32_t lineAt(const Text &text, const char *at) const;
    trace::Place placeOf(const Text &text, std::string_view part);
    void setFormat(std::string_view name)
    {
        if (format.empty())
            format = name;
    }

    bool emitObject(const Text &text, std::string_view json, Hint hint, bool envelopeOnly, const Output &output);
    bool emitArray(const Text &text, std::string_view json, bool envelopeOnly, const Output &output);
    void emitGeneric(const Text &text, std::string_view json, bool cloudTrail, const Output &output);
    void emitUnparsedPart(const Text &text, std::string_view json, const Output &output);
};

namespace {

enum class Kind { Generic, OtlpTraces, OtlpLogs, JaegerTrace, JaegerEnvelope, JaegerSpan, ZipkinSpan, Records };

// Which kind of object a text is, judged by its top-level keys only (values are skipped, not read).
Kind classify(od::parser &parser, std::string_view json, const char *paddedEnd)
{
    od::document doc;
    if (parser.iterate(json.data(), json.size(), static_cast<std::size_t>(paddedEnd - json.data())).get(doc))
        return Kind::Generic;
    od::object object;
    if (doc.get_object().get(object))
        return Kind::Generic;
    bool traceID = false, spanID = false, spans = false, traceId = false, id = false, spanId = false;
    bool zipkinish = false, data = false, records = false;
    for (auto field : object) {
        std::string_view key;
        if (field.unescaped_key().get(key))
            return Kind::Generic;
        if (key == "resourceSpans")
            return Kind::OtlpTraces;
        if (key == "resourceLogs")
            return Kind::OtlpLogs;
        od::json_type type;
        if (field.value().type().get(type))
            return Kind::Generic;
        if (key == "traceID")
            traceID = true;
        else if (key == "spanID")
            spanID = true;
        else if (key == "spans")
            spans = type == od::json_type::array;
        else if (key == "traceId")
            traceId = true;
        else if (key == "id")
            id = true;
        else if (key == "spanId")
            spanId = true;
        else if (key == "timestamp" || key == "localEndpoint" || key == "name" || key == "duration")
            zipkinish = true;
        else if (key == "data")
            data = type == od::json_type::array || type == od::json_type::object;
        else if (key == "Records")
            records = type == od::json_type::array;
    }
    if (traceID && spans)
        return Kind::JaegerTrace;
    if (traceID && spanID)
        return Kind::JaegerSpan;
    if (traceId && id && !spanId && zipkinish)
        return Kind::ZipkinSpan;
    if (records)
        return Kind::Records;
    if (data)
        return Kind::JaegerEnvelope;
    return Kind::Generic;
}


bool isObjectText(std::string_view json)
{
    const auto at = json.find_first_not_of(" \t\r\n");
    return at != std::string_view::npos && json[at] == '{';
}

} // namespace

std::uint32_t DocumentEmitter::Private::lineAt(const Text &text, const char *at) const
{
    if (!text.lineStarts || text.lineStarts->empty())
        return text.firstLine;
    const auto offset = static_cast<std::size_t>(at - text.json.data());
    const auto after = std::upper_bound(text.lineStarts->begin(), text.lineStarts->end(), offset);
    return text.firstLine + static_cast<std::uint32_t>(after - text.lineStarts->begin());
}

trace::Place DocumentEmitter::Private::placeOf(const Text &text, std::string_view part)
{
    trace::Place place;
    place.firstLine = lineAt(text, part.data());
    const std::uint32_t last = part.empty() ? place.firstLine : lineAt(text, part.data() + part.size() - 1);
    place.lineCount = last - place.firstLine + 1;
    if (place.firstLine == lastLine) {
        place.indexInLine = nextIndex++;
    } else {
        lastLine = place.firstLine;
        place.indexInLine = 0;
        nextIndex = 1;
    }
    place.raw = part;
    return place;
}

void DocumentEmitter::Private::emitUnparsedPart(const Text &text, std::string_view json, const Output &output)
{
    const trace::Place place = placeOf(text, json);
    trace::addUnparsed(json, place, output.batch);
}

void DocumentEmitter::Private::emitGeneric(const Text &text, std::string_view json, bool cloudTrail,
                                           const Output &output)
{
    if (!isObjectText(json)) {
        emitUnparsedPart(text, json, output);
        return;
    }
    const trace::Place place = placeOf(text, json);
    if (!parseJsonRecord(json, output.options, place.firstLine, place.lineCount, place.indexInLine, output.batch)) {
        trace::addUnparsed(json, place, output.batch);
        return;
    }
    if (cloudTrail)
        trace::applyCloudTrail(output.batch);
}

bool DocumentEmitter::Private::emitArray(const Text &text, std::string_view json, bool envelopeOnly,
                                         const Output &output)
{
    std::vector<std::string_view> elements;
    if (!trace::collectElements(parsers[0], json, text.paddedEnd, elements)) {
        if (envelopeOnly)
            return false;
        emitUnparsedPart(text, json, output);
        return true;
    }
    // A one-line array is an envelope only when it holds records: ["a","b"] is a value, not records.
    if (envelopeOnly && (elements.empty() || !isObjectText(elements.front())))
        return false;
    for (std::string_view element : elements) {
        if (isObjectText(element))
            emitObject(text, element, Hint::Auto, false, output);
        else
            emitUnparsedPart(text, element, output);
    }
    return true;
}

bool DocumentEmitter::Private::emitObject(const Text &text, std::string_view json, Hint hint, bool envelopeOnly,
                                          const Output &output)
{
    od::parser &outer = parsers[0];
    od::parser &inner = parsers[1];
    trace::SpanContext context{output.options, output.batch, outer, inner, text.paddedEnd};
    auto place = [&](std::string_view part) { return placeOf(text, part); };

    if (hint == Hint::ResourceSpans || hint == Hint::ResourceLogs) {
        const bool logs = hint == Hint::ResourceLogs;
        setFormat(logs ? "otlp-logs" : "otlp-traces");
        if (!trace::emitOtlpResource(context, json, logs, place))
            emitUnparsedPart(text, json, output);
        return true;
    }
    if (hint == Hint::CloudTrailRecord) {
        setFormat("cloudtrail");
        emitGeneric(text, json, true, output);
        return true;
    }

    const Kind kind = classify(outer, json, text.paddedEnd);
    switch (kind) {
    case Kind::OtlpTraces:
    case Kind::OtlpLogs: {
        const bool logs = kind == Kind::OtlpLogs;
        setFormat(logs ? "otlp-logs" : "otlp-traces");
        std::array<std::string_view, 1> raw;
        std::vector<std::string_view> resources;
        if (!trace::collectMembers<1>(outer, json, text.paddedEnd, {logs ? "resourceLogs" : "resourceSpans"}, raw)
            || raw[0].empty() || !trace::collectElements(outer, raw[0], text.paddedEnd, resources)) {
            emitUnparsedPart(text, json, output);
            return true;
        }
        for (std::string_view resource : resources) {
            if (!trace::emitOtlpResource(context, resource, logs, place))
                emitUnparsedPart(text, resource, output);
        }
        return true;
    }
    case Kind::JaegerTrace:
        setFormat("jaeger");
        if (!trace::emitJaegerTrace(context, json, place))
            emitUnparsedPart(text, json, output);
        return true;
    case Kind::JaegerSpan:
        setFormat("jaeger");
        trace::emitJaegerSpan(context, json, nullptr, place(json));
        return true;
    case Kind::ZipkinSpan:
        setFormat("zipkin");
        trace::emitZipkinSpan(context, json, place(json));
        return true;
    case Kind::Records: {
        std::array<std::string_view, 1> raw;
        std::vector<std::string_view> records;
        if (!trace::collectMembers<1>(outer, json, text.paddedEnd, {"Records"}, raw)
            || raw[0].empty() || !trace::collectElements(outer, raw[0], text.paddedEnd, records)) {
            emitUnparsedPart(text, json, output);
            return true;
        }
        setFormat("cloudtrail");
        for (std::string_view record : records)
            emitGeneric(text, record, true, output);
        return true;
    }
    case Kind::JaegerEnvelope: {
        std::array<std::string_view, 1> raw;
        if (!trace::collectMembers<1>(outer, json, text.paddedEnd, {"data"}, raw))
            break;
        if (isObjectText(raw[0])) {
            if (classify(outer, raw[0], text.paddedEnd) != Kind::JaegerTrace)
                break; // {"data":{...}} that is no trace: a plain record
            setFormat("jaeger");
            if (!trace::emitJaegerTrace(context, raw[0], place))
                emitUnparsedPart(text, json, output);
            return true;
        }
        // {"data":[...]}: Jaeger's API answer, or any list of records under "data".
        emitArray(text, raw[0], false, output);
        return true;
    }
    case Kind::Generic:
        break;
    }
    if (envelopeOnly)
        return false;
    setFormat("json-document");
    emitGeneric(text, json, false, output);
    return true;
}

DocumentEmitter::DocumentEmitter()
    : d(std::make_unique<Private>())
{
}

DocumentEmitter::~DocumentEmitter() = default;

namespace {

// Every record appended since `from` is an event; spans and unparsed ones are counted as such too.
void countFrom(const RecordBatch &batch, std::size_t from, LineCounts &counts)
{
    for (std::size_t i = from; i < batch.records.size(); ++i) {
        const Record &record = batch.records[i];
        ++counts.events;
        if (record.flags & RecordSpan)
            ++counts.spans;
        if (record.flags & RecordUnparsed)
            ++counts.unparsed;
    }
}

} // namespace

bool DocumentEmitter::emitDocument(const Text &text, bool envelopeOnly, const Output &output)
{
    const std::size_t before = output.batch.records.size();
    const auto at = text.json.find_first_not_of(" \t\r\n");
    bool emitted = true;
    if (at == std::string_view::npos)
        emitted = false;
    else if (text.json[at] == '[') {
        emitted = d->emitArray(text, text.json, envelopeOnly, output);
        if (emitted)
            d->setFormat("json-document");
    } else if (text.json[at] == '{')
        emitted = d->emitObject(text, text.json, Hint::Auto, envelopeOnly, output);
    else if (envelopeOnly)
        emitted = false;
    else
        d->emitUnparsedPart(text, text.json, output);
    countFrom(output.batch, before, output.counts);
    return emitted;
}

void DocumentEmitter::emitElement(const Text &text, Hint hint, const Output &output)
{
    const std::size_t before = output.batch.records.size();
    if (isObjectText(text.json))
        d->emitObject(text, text.json, hint, false, output);
    else
        d->emitArray(text, text.json, false, output); // an array inside the record array: its items are records
    countFrom(output.batch, before, output.counts);
}

void DocumentEmitter::emitUnparsed(std::string_view text, std::uint32_t firstLine, std::uint32_t lineCount,
                                   const Output &output)
{
    const std::size_t before = output.batch.records.size();
    trace::Place place;
    place.firstLine = firstLine;
    place.lineCount = lineCount;
    if (firstLine == d->lastLine) {
        place.indexInLine = d->nextIndex++;
    } else {
        d->lastLine = firstLine;
        d->nextIndex = 1;
    }
    trace::addUnparsed(text, place, output.batch);
    countFrom(output.batch, before, output.counts);
}

void DocumentEmitter::resetLinePosition()
{
    d->lastLine = 0;
    d->nextIndex = 0;
}

std::string_view DocumentEmitter::format() const
{
    return d->format;
}

} // namespace core
