// SPDX-License-Identifier: MIT
#include "sourceparser.h"

#include "documentparser.h"
#include "jsonrecord.h"
#include "sourcereader.h"
#include "textlineparser.h"

#include <core/model/normalize.h>

#include <cstring>

namespace core {

namespace {

constexpr std::int64_t NsPerDay = 86'400LL * 1'000'000'000;

enum class Shape { Complete, Open, Other };

// Whether the brackets of a line that starts like JSON close on it, strings and escapes respected.
Shape jsonShape(std::string_view line)
{
    int depth = 0;
    bool inString = false;
    std::size_t i = 0;
    for (; i < line.size(); ++i) {
        const char c = line[i];
        if (inString) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                inString = false;
            continue;
        }
        if (c == '"') {
            inString = true;
        } else if (c == '{' || c == '[') {
            ++depth;
        } else if (c == '}' || c == ']') {
            if (--depth <= 0) {
                ++i;
                break;
            }
        }
    }
    if (depth > 0 || inString)
        return Shape::Open;
    for (; i < line.size(); ++i) {
        if (line[i] != ' ' && line[i] != '\t')
            return Shape::Other;
    }
    return depth == 0 ? Shape::Complete : Shape::Other;
}

// A pretty-printed document starts with a line ending in an opener or a comma ("{", "[",
// "{\"Records\": [", "[{"); an NDJSON line cut off mid-value does not, and must not swallow the
// lines after it.
bool looksLikeDocumentStart(std::string_view line)
{
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t'))
        line.remove_suffix(1);
    return !line.empty() && (line.back() == '{' || line.back() == '[' || line.back() == ',');
}

// Envelope keys (OTLP, Jaeger, Zipkin, CloudTrail) anywhere on the line: one pass over its quotes,
// so plain NDJSON records pay almost nothing for the check.
bool mayBeEnvelope(std::string_view line)
{
    static constexpr std::string_view markers[] = {"\"resourceLogs\"", "\"resourceSpans\"", "\"Records\"",
                                                   "\"spans\"", "\"localEndpoint\"", "\"data\""};
    const char *p = line.data();
    const char *end = line.data() + line.size();
    while (p < end) {
        const void *hit = std::memchr(p, '"', static_cast<std::size_t>(end - p));
        if (hit == nullptr)
            return false;
        p = static_cast<const char *>(hit);
        const std::string_view tail(p, static_cast<std::size_t>(end - p));
        for (const std::string_view marker : markers) {
            if (tail.size() >= marker.size() && tail[1] == marker[1] && tail.substr(0, marker.size()) == marker)
                return true;
        }
        ++p;
    }
    return false;
}

bool isBlankLine(std::string_view line)
{
    for (const char c : line) {
        if (c != ' ' && c != '\t' && c != '\f' && c != '\v')
            return false;
    }
    return true;
}

} // namespace

struct SourceParser::Private {
    explicit Private(ParseOptions parseOptions, LineCounts &counts)
        : options(std::move(parseOptions))
        , textParser(options)
        , documents(options, counts)
    {
        stem = std::string(normalize::serviceStem(options.sourceName));
        container = std::string(normalize::containerFromPath(options.sourceName));
    }

    enum class Kind { None, Json, Text, Unparsed };

    ParseOptions options;
    TextLineParser textParser;
    DocumentParser documents;
    std::string stem;
    std::string container;

    // The record waiting for its continuation lines, in its own arena until it is complete.
    RecordBatch pending;
    Kind pendingKind = Kind::None;
    bool pendingSyslog = false; ///< syslog records continue only on indented lines
    Kind primaryKind = Kind::None; ///< the kind of the source's first parsed event: its format
    std::string pendingPrefix; ///< compose/kubectl name of the pending record's line
    std::string extra;
    RecordBatch next; ///< a JSON line is parsed here first, so a failure leaves `pending` alone

    std::uint32_t lineNumber = 0;
    bool hasLastTime = false;
    std::int64_t lastTimeNs = 0;

    // Year rollover for yearless (syslog, glog) times.
    bool seenYearless = false;
    int yearOffset = 0;
    int lastYearlessMonth = 0;

    std::string ansiBuffer;
    TextLine text;
    std::string format;
    bool mixed = false;

    void noteFormat(std::string_view name)
    {
        if (format.empty())
            format = name;
        else if (format != name)
            mixed = true;
    }

    // Fills in what the record itself did not say and moves it to `out`.
    void finishRecord(Record &record, RecordBatch &out)
    {
        if (record.service.empty()) {
            if (!pendingPrefix.empty())
                record.service = out.keep(pendingPrefix);
            else if (!record.logger.empty())
                record.service = record.logger;
            else if (!container.empty())
                record.service = out.keep(container);
            else
                record.service = out.keep(stem);
        }
        if (record.hasTime) {
            hasLastTime = true;
            lastTimeNs = record.timeNs;
        } else if (hasLastTime) {
            record.timeNs = lastTimeNs;
            record.hasTime = true;
            record.flags |= RecordTimeInherited;
        }
    }

    void flush(RecordBatch &out)
    {
        if (pendingKind == Kind::None)
            return;
        const Record &source = pending.records.back();
        Record &record = out.addRecord();
        record = source;
        record.fieldCount = 0;
        record.fieldBegin = static_cast<std::uint32_t>(out.fields.size());
        record.levelText = out.keep(source.levelText);
        record.message = out.keep(source.message);
        record.service = out.keep(source.service);
        record.logger = out.keep(source.logger);
        record.requestId = out.keep(source.requestId);
        record.traceId = out.keep(source.traceId);
        record.spanId = out.keep(source.spanId);
        record.parentSpanId = out.keep(source.parentSpanId);
        record.status = out.keep(source.status);
        record.extraText = out.keep(extra);
        for (std::uint32_t i = 0; i < source.fieldCount; ++i) {
            const Field &field = pending.fields[source.fieldBegin + i];
            out.addField(field.path, field.value, field.type);
        }
        finishRecord(out.records.back(), out);
        pending.clear();
        extra.clear();
        pendingPrefix.clear();
        pendingKind = Kind::None;
    }

    // Records a document parser or envelope appended straight to `out` get the same fallbacks.
    void finishAppended(RecordBatch &out, std::size_t from)
    {
        for (std::size_t i = from; i < out.records.size(); ++i)
            finishRecord(out.records[i], out);
    }

    void startUnparsed(std::string_view raw, std::string_view prefix, LineCounts &counts)
    {
        Record &record = pending.addRecord();
        record.flags = RecordUnparsed;
        record.message = pending.keep(raw);
        record.firstLine = lineNumber;
        pendingKind = Kind::Unparsed;
        pendingPrefix = prefix;
        ++counts.events;
        ++counts.unparsed;
        ++counts.eventLines;
    }

    std::int64_t adjustYearless(std::int64_t ns)
    {
        if (!seenYearless) {
            seenYearless = true;
            // The file was last written after its records: a first record later than the mtime
            // belongs to the year before.
            if (options.sourceMtimeNs != 0 && ns > options.sourceMtimeNs + NsPerDay)
                yearOffset = -1;
        }
        std::int64_t adjusted = normalize::addYears(ns, yearOffset);
        const int month = normalize::monthOfNs(adjusted);
        if (lastYearlessMonth != 0 && month < lastYearlessMonth) {
            ++yearOffset;
            adjusted = normalize::addYears(ns, yearOffset);
        }
        lastYearlessMonth = month;
        return adjusted;
    }

    void startText(const TextLine &line, std::string_view prefix, LineCounts &counts)
    {
        Record &record = pending.addRecord();
        record.firstLine = lineNumber;
        if (line.hasTime) {
            record.hasTime = true;
            record.timeNs = line.yearless ? adjustYearless(line.timeNs) : line.timeNs;
        }
        record.level = line.level;
        record.levelText = pending.keep(line.levelText);
        record.message = pending.keep(line.message);
        record.service = pending.keep(line.service);
        record.logger = pending.keep(line.logger);
        record.requestId = pending.keep(line.requestId);
        record.traceId = pending.keep(line.traceId);
        record.spanId = pending.keep(line.spanId);
        for (const auto &[key, value] : line.fields)
            pending.addField(key, value, FieldType::String);
        pendingKind = Kind::Text;
        if (primaryKind == Kind::None)
            primaryKind = Kind::Text;
        pendingSyslog = line.kind == TextLine::Kind::Syslog;
        pendingPrefix = prefix;
        ++counts.events;
        ++counts.eventLines;
        switch (line.kind) {
        case TextLine::Kind::Syslog:
            noteFormat("syslog");
            break;
        case TextLine::Kind::Glog:
            noteFormat("glog");
            break;
        case TextLine::Kind::Logfmt:
            noteFormat("logfmt");
            break;
        case TextLine::Kind::StructlogConsole:
            noteFormat("structlog-console");
            break;
        case TextLine::Kind::AccessLog:
            noteFormat("access-log");
            break;
        case TextLine::Kind::Timestamped:
            noteFormat("text");
            break;
        }
    }

    // A line whose first non-blank byte is '{' or '['. True when consumed.
    bool handleJson(std::string_view body, std::string_view prefix, RecordBatch &out, LineCounts &counts)
    {
        const char first = body.front();
        if (first == '[' || mayBeEnvelope(body)) {
            flush(out);
            const std::size_t from = out.records.size();
            if (parseEnvelope(body, options, lineNumber, out, counts)) {
                ++counts.eventLines;
                finishAppended(out, from);
                return true;
            }
        }
        if (first == '{') {
            next.clear();
            if (parseJsonRecord(body, options, lineNumber, 1, 0, next)) {
                flush(out);
                std::swap(pending, next);
                pendingKind = Kind::Json;
                if (primaryKind == Kind::None)
                    primaryKind = Kind::Json;
                pendingPrefix = prefix;
                ++counts.events;
                ++counts.eventLines;
                noteFormat("ndjson");
                return true;
            }
        }
        const Shape shape = jsonShape(body);
        if (shape == Shape::Open && prefix.empty() && looksLikeDocumentStart(body)) {
            flush(out);
            const std::size_t from = out.records.size();
            if (documents.begin(body, lineNumber, out)) {
                finishAppended(out, from);
                return true;
            }
        }
        if (first == '[')
            return false; // "[2024-05-14 ...]" or "[pod/...]": text gets its turn
        flush(out);
        startUnparsed(body, prefix, counts);
        return true;
    }
};

SourceParser::SourceParser(ParseOptions options)
    : d(std::make_unique<Private>(std::move(options), m_counts))
{
}

SourceParser::~SourceParser() = default;

void SourceParser::addLine(std::string_view line, RecordBatch &out)
{
    if (line.size() < MaxLineBytes) {
        parseLine(line, out);
        return;
    }
    // The reader cut this line at the limit: whatever record holds it says so.
    const std::size_t from = out.records.size();
    parseLine(line, out);
    const auto holdsLine = [&](const Record &record) {
        return record.firstLine <= d->lineNumber && d->lineNumber < record.firstLine + record.lineCount;
    };
    for (std::size_t i = from; i < out.records.size(); ++i) {
        if (holdsLine(out.records[i]))
            out.records[i].flags |= RecordLineCut;
    }
    if (d->pendingKind != Private::Kind::None && holdsLine(d->pending.records.back()))
        d->pending.records.back().flags |= RecordLineCut;
}

void SourceParser::parseLine(std::string_view line, RecordBatch &out)
{
    ++d->lineNumber;
    ++m_counts.lines;
    if (!line.empty() && line.back() == '\r')
        line.remove_suffix(1);
    if (d->lineNumber == 1 && line.substr(0, 3) == "\xEF\xBB\xBF")
        line.remove_prefix(3);

    if (d->documents.isOpen()) {
        const std::size_t from = out.records.size();
        d->documents.addLine(line, d->lineNumber, out);
        d->finishAppended(out, from);
        return;
    }
    if (isBlankLine(line)) {
        ++m_counts.blankLines;
        return;
    }

    const std::string_view clean = stripAnsi(line, d->ansiBuffer);
    std::string_view prefix;
    std::string_view body = clean;
    if (!splitLinePrefix(clean, prefix, body)) {
        prefix = {};
        body = clean;
        dispatchLine(line, prefix, body, out);
        return;
    }
    // A compose/kubectl prefix decides the format, whatever the container printed after it.
    const std::string savedFormat = d->format;
    const bool savedMixed = d->mixed;
    dispatchLine(line, prefix, body, out);
    d->format = savedFormat;
    d->mixed = savedMixed;
    d->noteFormat("docker-compose");
}

void SourceParser::dispatchLine(std::string_view line, std::string_view prefix, std::string_view body, RecordBatch &out)
{
    std::size_t firstNonBlank = 0;
    while (firstNonBlank < body.size() && (body[firstNonBlank] == ' ' || body[firstNonBlank] == '\t'))
        ++firstNonBlank;
    if (firstNonBlank < body.size() && (body[firstNonBlank] == '{' || body[firstNonBlank] == '[')) {
        if (d->handleJson(body.substr(firstNonBlank), prefix, out, m_counts))
            return;
    }

    if (d->textParser.parse(body, d->text)) {
        d->flush(out);
        d->startText(d->text, prefix, m_counts);
        return;
    }
    if (!prefix.empty()) {
        // Every compose/kubectl line is one container's event, timestamped or not.
        d->flush(out);
        TextLine plain;
        plain.message = body;
        d->startText(plain, prefix, m_counts);
        return;
    }
    const bool indented = line.front() == ' ' || line.front() == '\t';
    // In a text log any line without the format's timestamp carries the event before it on
    // (tracebacks, stack traces); after JSON, syslog or an unparsed line, and anywhere in a JSON log,
    // only an indented line does.
    const bool textContinues = d->pendingKind == Private::Kind::Text && !d->pendingSyslog
        && d->primaryKind == Private::Kind::Text;
    if (d->pendingKind != Private::Kind::None && (indented || textContinues)) {
        if (!d->extra.empty())
            d->extra.push_back('\n');
        d->extra.append(line);
        ++d->pending.records.back().lineCount;
        ++m_counts.continuationLines;
        return;
    }
    d->flush(out);
    d->startUnparsed(line, {}, m_counts);
}

void SourceParser::finish(RecordBatch &out)
{
    if (d->documents.isOpen()) {
        const std::size_t from = out.records.size();
        d->documents.finish(out);
        d->finishAppended(out, from);
    }
    d->flush(out);
}

std::string SourceParser::format() const
{
    if (d->mixed)
        return "mixed";
    if (!d->format.empty())
        return d->format;
    const std::string_view documentFormat = d->documents.format();
    return documentFormat.empty() ? std::string() : std::string(documentFormat);
}

} // namespace core
