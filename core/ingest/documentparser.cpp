// SPDX-License-Identifier: MIT
#include "documentparser.h"

#include "documentemitter.h"
#include "documentscanner.h"
#include "jsonrecord.h"

#include <simdjson.h>

#include <algorithm>
#include <string>
#include <vector>

namespace core {

namespace {

bool isBlank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

std::size_t firstSignificant(std::string_view line)
{
    std::size_t pos = 0;
    while (pos < line.size() && isBlank(line[pos]))
        ++pos;
    return pos;
}

std::string_view withoutCarriageReturn(std::string_view line)
{
    if (!line.empty() && line.back() == '\r')
        line.remove_suffix(1);
    return line;
}

DocumentEmitter::Hint hintFor(const std::string &wrapperKey)
{
    if (wrapperKey == "resourceSpans")
        return DocumentEmitter::Hint::ResourceSpans;
    if (wrapperKey == "resourceLogs")
        return DocumentEmitter::Hint::ResourceLogs;
    if (wrapperKey == "Records")
        return DocumentEmitter::Hint::CloudTrailRecord;
    return DocumentEmitter::Hint::Auto;
}

} // namespace

struct DocumentParser::Private {
    Private(const ParseOptions &parseOptions, LineCounts &lineCounts)
        : options(parseOptions)
        , counts(lineCounts)
    {
    }

    ParseOptions options;
    LineCounts &counts;
    DocumentScanner scanner;
    DocumentEmitter emitter;
    bool open = false;

    // The text being collected: the whole document until its record array is found, then only the
    // element being read, so a streamed array never holds more than one element in memory.
    std::string text;
    std::vector<std::size_t> lineStarts; // offsets in `text` of its lines after the first
    std::uint32_t textFirstLine = 0;
    std::uint32_t textLastLine = 0;
    std::uint32_t documentFirstLine = 0;

    // Lines consumed but not yet known to be document lines: they are, once a record they hold (or
    // one after them) is emitted; if the document breaks first, they become an unparsed event.
    std::uint32_t pendingFirst = 0;
    std::uint32_t pendingLines = 0;

    DocumentEmitter::Output output(RecordBatch &out) { return DocumentEmitter::Output{options, out, counts}; }

    void startText(std::uint32_t lineNumber)
    {
        text.clear();
        lineStarts.clear();
        textFirstLine = lineNumber;
        textLastLine = lineNumber;
        overflow = false;
    }
    void appendText(std::string_view part, std::uint32_t lineNumber)
    {
        if (overflow) {
            textLastLine = lineNumber;
            return;
        }
        if (text.size() + part.size() > MaxWholeBytes) {
            overflow = true;
            text.resize(std::min(text.size(), KeptHeadBytes));
            textLastLine = lineNumber;
            return;
        }
        if (lineNumber != textLastLine) {
            text.push_back('\n');
            lineStarts.push_back(text.size());
            textLastLine = lineNumber;
        }
        text.append(part);
    }
    bool collecting() const { return !overflow && (!scanner.streaming() || scanner.inElement()); }

    // A document that cannot be streamed is read whole; past this size it is given up on and kept as
    // one unparsed event (its head only), so that no input can exhaust memory.
    static constexpr std::size_t MaxWholeBytes = std::size_t(256) << 20;
    static constexpr std::size_t KeptHeadBytes = std::size_t(64) << 10;
    bool overflow = false;

    // counts.lines is the caller's, who counts every line it reads; this parser files the lines it
    // consumes under a category.
    void pendLine(std::uint32_t lineNumber)
    {
        if (pendingLines == 0)
            pendingFirst = lineNumber;
        ++pendingLines;
    }
    void settleAsDocument()
    {
        counts.documentLines += pendingLines;
        pendingLines = 0;
    }
    // The pending lines from `firstLine` on become one unparsed event: its first line starts it and the
    // others continue it; pending lines before it stay document lines.
    void settleAsUnparsed(std::uint32_t firstLine)
    {
        std::uint32_t documentLines = 0;
        if (firstLine > pendingFirst)
            documentLines = std::min(pendingLines, firstLine - pendingFirst);
        counts.documentLines += documentLines;
        const std::uint32_t rest = pendingLines - documentLines;
        if (rest > 0) {
            if (firstLine >= pendingFirst) {
                ++counts.eventLines;
                counts.continuationLines += rest - 1;
            } else {
                counts.continuationLines += rest; // its first line already held an emitted record
            }
        }
        pendingLines = 0;
    }

    // False when nothing but unparsed records came out (the JSON was balanced yet invalid).
    bool emitCollected(RecordBatch &out, bool whole)
    {
        if (overflow) {
            emitter.emitUnparsed(text, textFirstLine, textLastLine - textFirstLine + 1, output(out));
            overflow = false;
            text.clear();
            lineStarts.clear();
            return false;
        }
        const std::size_t before = out.records.size();
        const std::size_t size = text.size();
        text.append(simdjson::SIMDJSON_PADDING, ' ');
        const DocumentEmitter::Text view{std::string_view(text.data(), size), text.data() + text.size(), textFirstLine,
                                         &lineStarts};
        if (whole)
            emitter.emitDocument(view, false, output(out));
        else
            emitter.emitElement(view, hintFor(scanner.wrapperKey()), output(out));
        text.clear();
        lineStarts.clear();
        for (std::size_t i = before; i < out.records.size(); ++i) {
            if (!(out.records[i].flags & RecordUnparsed))
                return true;
        }
        return out.records.size() == before;
    }

    void consume(std::string_view line, std::uint32_t lineNumber, std::size_t pos, RecordBatch &out);
    void breakDocument(std::string_view line, std::uint32_t lineNumber, std::size_t segmentStart, RecordBatch &out);
    void freshLine(std::string_view line, std::uint32_t lineNumber, RecordBatch &out);
    bool tryBegin(std::string_view line, std::uint32_t lineNumber, RecordBatch &out);
};

void DocumentParser::Private::consume(std::string_view line, std::uint32_t lineNumber, std::size_t pos, RecordBatch &out)
{
    std::size_t segmentStart = pos;
    for (;;) {
        const DocumentScanner::Stop stop = scanner.next(line, pos);
        switch (stop) {
        case DocumentScanner::Stop::EndOfLine:
            if (!scanner.endLine()) {
                // A JSON string never spans lines: this line was cut short, so was the document.
                breakDocument(line, lineNumber, segmentStart, out);
                return;
            }
            if (collecting())
                appendText(line.substr(segmentStart), lineNumber);
            return;
        case DocumentScanner::Stop::ElementBegin:
            // Whatever was collected before (the wrapper's opening) is not needed any more.
            startText(lineNumber);
            segmentStart = pos - 1;
            continue;
        case DocumentScanner::Stop::ElementEnd:
            appendText(line.substr(segmentStart, pos - segmentStart), lineNumber);
            (void)emitCollected(out, false); // an unreadable element is an unparsed record among the others
            settleAsDocument();
            segmentStart = pos;
            continue;
        case DocumentScanner::Stop::DocumentEnd: {
            bool parsed = true;
            const std::uint32_t first = textFirstLine;
            if (!scanner.streaming()) {
                appendText(line.substr(segmentStart, pos - segmentStart), lineNumber);
                parsed = emitCollected(out, true);
            }
            if (parsed)
                settleAsDocument();
            else
                settleAsUnparsed(first); // not a document whose records became events
            open = false;
            const std::size_t next = pos + firstSignificant(line.substr(pos));
            if (next >= line.size())
                return;
            if (line[next] == '{' || line[next] == '[') {
                // Concatenated documents: the next one starts on the same line.
                scanner.reset();
                open = true;
                documentFirstLine = lineNumber;
                startText(lineNumber);
                pos = next;
                segmentStart = next;
                continue;
            }
            const std::string_view rest = withoutCarriageReturn(line.substr(next));
            if (rest == "," || rest.empty())
                return;
            emitter.emitUnparsed(rest, lineNumber, 1, output(out));
            return;
        }
        case DocumentScanner::Stop::Broken:
            breakDocument(line, lineNumber, segmentStart, out);
            return;
        }
    }
}

void DocumentParser::Private::breakDocument(std::string_view line, std::uint32_t lineNumber, std::size_t segmentStart,
                                            RecordBatch &out)
{
    // When the offending byte opens its line, that line is something else (typically the next NDJSON
    // record after a truncated one): it is read on its own below.
    const bool lineIsFresh = scanner.brokenAtLineStart() && lineNumber != documentFirstLine;
    if (lineIsFresh)
        --pendingLines;
    else if (collecting())
        appendText(line.substr(segmentStart), lineNumber);

    if (scanner.streaming() && !scanner.inElement()) {
        // Broken between two records: the records stand; a garbage line is kept as it is.
        const bool linePending = pendingLines > 0 && pendingFirst + pendingLines - 1 == lineNumber;
        if (lineIsFresh) {
            settleAsDocument();
        } else {
            if (linePending)
                --pendingLines;
            settleAsDocument();
            if (linePending)
                ++counts.eventLines;
            emitter.emitUnparsed(withoutCarriageReturn(line), lineNumber, 1, output(out));
        }
    } else {
        const std::uint32_t first = textFirstLine;
        const std::uint32_t last = lineIsFresh ? lineNumber - 1 : lineNumber;
        settleAsUnparsed(first);
        emitter.emitUnparsed(text, first, last >= first ? last - first + 1 : 1, output(out));
    }
    text.clear();
    lineStarts.clear();
    overflow = false;
    open = false;
    if (lineIsFresh)
        freshLine(line, lineNumber, out);
}

void DocumentParser::Private::freshLine(std::string_view line, std::uint32_t lineNumber, RecordBatch &out)
{
    if (tryBegin(line, lineNumber, out))
        return;
    const std::string_view content = withoutCarriageReturn(line.substr(firstSignificant(line)));
    if (content.empty()) {
        ++counts.blankLines;
        return;
    }
    ++counts.eventLines;
    if (content.front() == '{' || content.front() == '[') {
        if (parseEnvelope(content, options, lineNumber, out, counts))
            return;
        if (parseJsonRecord(content, options, lineNumber, 1, 0, out)) {
            ++counts.events;
            return;
        }
    }
    emitter.emitUnparsed(withoutCarriageReturn(line), lineNumber, 1, output(out));
}

bool DocumentParser::Private::tryBegin(std::string_view line, std::uint32_t lineNumber, RecordBatch &out)
{
    const std::size_t start = firstSignificant(line);
    if (start >= line.size() || (line[start] != '{' && line[start] != '['))
        return false;
    // A dry run first, so that a line that is complete, or broken already, is left to the caller
    // before anything is emitted from it.
    DocumentScanner probe;
    std::size_t pos = start;
    for (bool scanning = true; scanning;) {
        switch (probe.next(line, pos)) {
        case DocumentScanner::Stop::EndOfLine:
            if (!probe.endLine())
                return false;
            scanning = false;
            break;
        case DocumentScanner::Stop::Broken:
        case DocumentScanner::Stop::DocumentEnd:
            return false;
        case DocumentScanner::Stop::ElementBegin:
        case DocumentScanner::Stop::ElementEnd:
            break;
        }
    }
    scanner.reset();
    open = true;
    documentFirstLine = lineNumber;
    startText(lineNumber);
    pendLine(lineNumber);
    consume(line, lineNumber, start, out);
    return true;
}

DocumentParser::DocumentParser(const ParseOptions &options, LineCounts &counts)
    : d(std::make_unique<Private>(options, counts))
{
}

DocumentParser::~DocumentParser() = default;

bool DocumentParser::begin(std::string_view line, std::uint32_t lineNumber, RecordBatch &out)
{
    if (d->open)
        finish(out);
    return d->tryBegin(line, lineNumber, out);
}

bool DocumentParser::isOpen() const
{
    return d->open;
}

void DocumentParser::addLine(std::string_view line, std::uint32_t lineNumber, RecordBatch &out)
{
    if (!d->open) {
        d->freshLine(line, lineNumber, out);
        return;
    }
    d->pendLine(lineNumber);
    d->consume(line, lineNumber, 0, out);
}

void DocumentParser::finish(RecordBatch &out)
{
    if (!d->open)
        return;
    d->open = false;
    if (d->scanner.streaming() && !d->scanner.inElement()) {
        // Only closing brackets are missing: every record was read.
        d->settleAsDocument();
    } else {
        const std::uint32_t first = d->textFirstLine;
        d->settleAsUnparsed(first);
        d->emitter.emitUnparsed(d->text, first, d->textLastLine - first + 1, d->output(out));
    }
    d->text.clear();
    d->lineStarts.clear();
    d->overflow = false;
}

std::string_view DocumentParser::format() const
{
    return d->emitter.format();
}

bool parseEnvelope(std::string_view json, const ParseOptions &options, std::uint32_t lineNumber, RecordBatch &out,
                   LineCounts &counts)
{
    // One emitter and padded buffer per thread: parsers keep their allocations from line to line.
    struct Scratch {
        DocumentEmitter emitter;
        std::string buffer;
    };
    thread_local Scratch scratch;
    scratch.buffer.assign(json);
    scratch.buffer.append(simdjson::SIMDJSON_PADDING, ' ');
    const DocumentEmitter::Text text{std::string_view(scratch.buffer.data(), json.size()),
                                     scratch.buffer.data() + scratch.buffer.size(), lineNumber, nullptr};
    scratch.emitter.resetLinePosition();
    return scratch.emitter.emitDocument(text, true, DocumentEmitter::Output{options, out, counts});
}

} // namespace core
