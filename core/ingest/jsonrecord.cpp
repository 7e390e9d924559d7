// SPDX-License-Identifier: MIT
#include "jsonrecord.h"

#include <core/base/timekey.h>
#include <core/base/utf8.h>
#include <core/model/normalize.h>

#include <simdjson.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>
#include <vector>

namespace core {

namespace {

using normalize::Role;
namespace ondemand = simdjson::ondemand;

constexpr std::uint32_t NoField = UINT32_MAX;
constexpr int RoleCount = 10;
// Objects and arrays nest at most this deep; a deeper record is kept unparsed (its raw line and
// message), so a line of 60,000 '[' costs a loop in simdjson, not the walker's stack.
constexpr int MaxDepth = 64;
constexpr int MaxTimeCandidates = 6;

// Where each first-class column may come from, found while walking the record once.
struct Scan {
    struct Best {
        int rank = INT32_MAX;
        std::uint32_t field = NoField;
    };
    std::array<Best, RoleCount> best{};
    std::array<Best, MaxTimeCandidates> times{};
    int timeCount = 0;
    // Shape hints: which family of logger wrote the record.
    bool hasAuditId = false;
    bool hasPinoBunyanMarks = false; ///< v, pid or hostname at the top level
    bool isGelf = false; ///< GELF's required short_message: its numeric level is on the syslog scale
    bool hasMongoDate = false;
    std::uint32_t mongoSeverity = NoField; ///< top-level `s`
    std::uint32_t bunyanName = NoField; ///< top-level `name`
    std::uint32_t instantSeconds = NoField;
    std::uint32_t instantNanos = NoField;
    std::uint32_t verb = NoField;
    std::uint32_t objectResource = NoField;
    std::uint32_t objectNamespace = NoField;
    std::uint32_t objectName = NoField;
    std::uint32_t responseCode = NoField;
    std::uint32_t requestUri = NoField;
};

bool isBlank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

std::string_view trimRight(std::string_view text)
{
    while (!text.empty() && isBlank(text.back()))
        text.remove_suffix(1);
    return text;
}

// JSON's number grammar (RFC 8259 section 6): -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
bool isJsonNumber(std::string_view text)
{
    std::size_t pos = 0;
    const auto digitsFrom = [&](std::size_t start) {
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9')
            ++pos;
        return pos > start;
    };
    if (pos < text.size() && text[pos] == '-')
        ++pos;
    if (pos < text.size() && text[pos] == '0')
        ++pos;
    else if (!digitsFrom(pos))
        return false;
    if (pos < text.size() && text[pos] == '.' && !digitsFrom(++pos))
        return false;
    if (pos < text.size() && (text[pos] == 'e' || text[pos] == 'E')) {
        ++pos;
        if (pos < text.size() && (text[pos] == '+' || text[pos] == '-'))
            ++pos;
        if (!digitsFrom(pos))
            return false;
    }
    return pos == text.size();
}

class Walker
{
public:
    Walker(RecordBatch &batch, Scan &scan)
        : m_batch(batch)
        , m_scan(scan)
    {
    }

    simdjson::error_code walkObject(ondemand::object object, int depth)
    {
        if (depth > MaxDepth)
            return simdjson::DEPTH_ERROR;
        for (auto field : object) {
            std::string_view key;
            if (auto error = field.unescaped_key().get(key))
                return error;
            const std::size_t mark = m_path.size();
            if (!m_path.empty())
                m_path.push_back('.');
            m_path.append(key);
            ondemand::value value;
            if (auto error = field.value().get(value))
                return error;
            if (auto error = walkValue(value, depth))
                return error;
            m_path.resize(mark);
        }
        return simdjson::SUCCESS;
    }

    // Fields of a payload nested in a string (Docker `log`) are stored under the payload's key but
    // classified by their own path.
    void setPrefix(std::string_view prefix)
    {
        m_path.assign(prefix);
        m_prefixLength = prefix.empty() ? 0 : prefix.size() + 1;
    }

private:
    simdjson::error_code walkArray(ondemand::array array, int depth)
    {
        if (depth > MaxDepth)
            return simdjson::DEPTH_ERROR;
        const std::size_t mark = m_path.size();
        const auto firstField = static_cast<std::uint32_t>(m_batch.fields.size());
        bool allBytes = true;
        std::size_t index = 0;
        char digits[24];
        for (auto element : array) {
            ondemand::value value;
            if (auto error = element.get(value))
                return error;
            const int length = std::snprintf(digits, sizeof digits, ".%zu", index++);
            m_path.append(digits, static_cast<std::size_t>(length));
            const std::size_t before = m_batch.fields.size();
            if (auto error = walkValue(value, depth))
                return error;
            m_path.resize(mark);
            allBytes = allBytes && m_batch.fields.size() == before + 1
                && m_batch.fields.back().type == FieldType::Number && m_batch.fields.back().value.size() <= 3;
        }
        // journald writes a MESSAGE that is not valid UTF-8 as an array of byte values: decode it.
        const std::size_t count = m_batch.fields.size() - firstField;
        if (allBytes && count > 0 && std::string_view(m_path).substr(std::min(m_prefixLength, m_path.size())) == "MESSAGE") {
            std::string bytes;
            bytes.reserve(count);
            for (std::size_t i = firstField; i < m_batch.fields.size(); ++i) {
                const std::string_view text = m_batch.fields[i].value;
                int byte = 0;
                for (const char c : text)
                    byte = byte * 10 + (c - '0');
                bytes.push_back(static_cast<char>(byte & 0xFF));
            }
            m_text.clear();
            // Byte arrays (journald MESSAGE that was not valid UTF-8) become text; invalid sequences
            // become U+FFFD so that everything downstream may assume UTF-8.
            utf8::appendValid(m_text, bytes);
            m_batch.fields.resize(firstField);
            m_batch.records.back().fieldCount -= static_cast<std::uint32_t>(count);
            addLeaf(m_text, FieldType::String);
        }
        return simdjson::SUCCESS;
    }

    simdjson::error_code walkValue(ondemand::value value, int depth)
    {
        ondemand::json_type type;
        if (auto error = value.type().get(type))
            return error;
        switch (type) {
        case ondemand::json_type::object: {
            ondemand::object object;
            if (auto error = value.get_object().get(object))
                return error;
            return walkObject(object, depth + 1);
        }
        case ondemand::json_type::array: {
            ondemand::array array;
            if (auto error = value.get_array().get(array))
                return error;
            return walkArray(array, depth + 1);
        }
        case ondemand::json_type::string: {
            std::string_view text;
            if (auto error = value.get_string().get(text))
                return error;
            addLeaf(text, FieldType::String);
            return simdjson::SUCCESS;
        }
        case ondemand::json_type::number: {
            // Keep the number as written: "1761019822.3152757" must not become a rounded double.
            std::string_view raw = trimRight(value.raw_json_token());
            double check = 0;
            // 1e400 is valid JSON that no double holds: the text is what is kept anyway.
            if (auto error = value.get_double().get(check); error && !isJsonNumber(raw))
                return error;
            addLeaf(raw, FieldType::Number);
            return simdjson::SUCCESS;
        }
        case ondemand::json_type::boolean: {
            bool flag = false;
            if (auto error = value.get_bool().get(flag))
                return error;
            addLeaf(flag ? "true" : "false", FieldType::Bool);
            return simdjson::SUCCESS;
        }
        case ondemand::json_type::null: {
            bool isNull = false;
            if (auto error = value.is_null().get(isNull))
                return error;
            if (!isNull)
                return simdjson::N_ATOM_ERROR;
            addLeaf("null", FieldType::Null);
            return simdjson::SUCCESS;
        }
        }
        return simdjson::INCORRECT_TYPE;
    }

    void addLeaf(std::string_view value, FieldType type)
    {
        const auto index = static_cast<std::uint32_t>(m_batch.fields.size());
        m_batch.addField(m_path, value, type);
        note(std::string_view(m_path).substr(std::min(m_prefixLength, m_path.size())), index, type);
    }

    void note(std::string_view path, std::uint32_t index, FieldType type)
    {
        const normalize::KeyClass key = normalize::classifyKey(path);
        if (key.role != Role::None) {
            if (key.role == Role::Time) {
                if (m_scan.timeCount < MaxTimeCandidates)
                    m_scan.times[static_cast<std::size_t>(m_scan.timeCount++)] = {key.rank, index};
            } else {
                // Only scalars that say something: `"service": null` must not hide `service.name`.
                const bool usable = type == FieldType::String || type == FieldType::Number;
                auto &best = m_scan.best[static_cast<std::size_t>(key.role)];
                if (usable && !m_batch.fields[index].value.empty() && key.rank < best.rank)
                    best = {key.rank, index};
            }
            if (path == "auditID")
                m_scan.hasAuditId = true;
            else if (path == "t.$date")
                m_scan.hasMongoDate = true;
            else if (path == "short_message")
                m_scan.isGelf = true;
            return;
        }
        // Shape hints and the pieces of synthesised messages.
        switch (path.size()) {
        case 1:
            if (path == "v")
                m_scan.hasPinoBunyanMarks = true;
            else if (path == "s" && type == FieldType::String)
                m_scan.mongoSeverity = index;
            break;
        case 3:
            if (path == "pid")
                m_scan.hasPinoBunyanMarks = true;
            break;
        case 4:
            if (path == "name" && type == FieldType::String)
                m_scan.bunyanName = index;
            else if (path == "verb")
                m_scan.verb = index;
            break;
        case 8:
            if (path == "hostname")
                m_scan.hasPinoBunyanMarks = true;
            break;
        default:
            if (path == "instant.epochSecond")
                m_scan.instantSeconds = index;
            else if (path == "instant.nanoOfSecond")
                m_scan.instantNanos = index;
            else if (path == "objectRef.resource")
                m_scan.objectResource = index;
            else if (path == "objectRef.namespace")
                m_scan.objectNamespace = index;
            else if (path == "objectRef.name")
                m_scan.objectName = index;
            else if (path == "responseStatus.code")
                m_scan.responseCode = index;
            else if (path == "requestURI")
                m_scan.requestUri = index;
            break;
        }
    }

    RecordBatch &m_batch;
    Scan &m_scan;
    std::string m_path;
    std::string m_text;
    std::size_t m_prefixLength = 0;
};

// One parser and padded buffer per thread: parsers are reused line after line (simdjson allocates
// its internal buffers once), and the padding lets simdjson read past the end of the line safely.
struct ThreadState {
    ondemand::parser parser;
    ondemand::parser innerParser; // the Docker `log` payload, parsed while the outer record is resolved
    std::vector<char> buffer;
    std::vector<char> innerBuffer;
    std::string repaired; ///< a record's text with invalid UTF-8 replaced, when it had any
    std::string scratch;
};

ThreadState &threadState()
{
    thread_local ThreadState state;
    return state;
}

// The record's text in `buffer`, padded. simdjson refuses a document with one invalid UTF-8 byte; a
// log written partly in Latin-1 is still a record, so such bytes become U+FFFD here (in the values
// only: the raw line is stored as read).
std::string_view padded(std::vector<char> &buffer, std::string &repaired, std::string_view json)
{
    if (utf8::firstInvalid(json) != json.size()) {
        repaired.clear();
        utf8::appendValid(repaired, json);
        json = repaired;
    }
    const std::size_t needed = json.size() + simdjson::SIMDJSON_PADDING;
    if (buffer.size() < needed)
        buffer.resize(std::max(needed, std::size_t(4096)));
    std::memcpy(buffer.data(), json.data(), json.size());
    std::memset(buffer.data() + json.size(), 0, simdjson::SIMDJSON_PADDING);
    return {buffer.data(), json.size()};
}

// Walks one JSON object into fields of the last record of `batch`. False when the text is not a
// complete JSON object; the caller rolls back what was added.
bool walkDocument(ondemand::parser &parser, std::vector<char> &buffer, std::string &repaired, std::string_view json,
                  RecordBatch &batch, Scan &scan, std::string_view prefix)
{
    const std::string_view text = padded(buffer, repaired, json);
    const char *data = text.data();
    ondemand::document document;
    if (parser.iterate(data, text.size(), buffer.size()).get(document))
        return false;
    ondemand::object object;
    if (document.get_object().get(object))
        return false;
    Walker walker(batch, scan);
    walker.setPrefix(prefix);
    if (walker.walkObject(object, 0))
        return false;
    // Anything but blanks after the object ("{...} trailing") is not one JSON text.
    const char *location = nullptr;
    if (!document.current_location().get(location)) {
        for (const char *p = location; p < data + text.size(); ++p) {
            if (!isBlank(*p))
                return false;
        }
    }
    return true;
}

bool parseInteger(std::string_view text, std::int64_t &value)
{
    if (text.empty() || text.size() > 18)
        return false;
    std::size_t pos = 0;
    bool negative = false;
    if (text[0] == '-') {
        negative = true;
        pos = 1;
    }
    if (pos == text.size())
        return false;
    std::int64_t result = 0;
    for (; pos < text.size(); ++pos) {
        if (text[pos] < '0' || text[pos] > '9')
            return false;
        result = result * 10 + (text[pos] - '0');
    }
    value = negative ? -result : result;
    return true;
}

struct Columns {
    Level level = Level::Unknown;
    std::string_view levelText;
    std::string_view message;
    std::string_view service;
    std::string_view logger;
    std::string_view requestId;
    std::string_view traceId;
    std::string_view spanId;
    std::string_view parentSpanId;
    bool hasLevel = false;
};

std::string_view bestValue(const Scan &scan, const RecordBatch &batch, Role role)
{
    const std::uint32_t index = scan.best[static_cast<std::size_t>(role)].field;
    return index == NoField ? std::string_view() : batch.fields[index].value;
}

Columns resolveColumns(const Scan &scan, const RecordBatch &batch)
{
    Columns columns;
    const auto levelIndex = scan.best[static_cast<std::size_t>(Role::Level)].field;
    if (levelIndex != NoField) {
        const Field &field = batch.fields[levelIndex];
        columns.levelText = field.value;
        columns.hasLevel = true;
        std::int64_t number = 0;
        const bool numeric = parseInteger(field.value, number);
        if (field.path == "PRIORITY") {
            columns.level = numeric ? normalize::levelFromNumber(number, normalize::NumericLevelScale::Syslog)
                                    : Level::Unknown;
        } else if (scan.hasAuditId && field.path == "level") {
            // Kubernetes audit: Metadata/Request/RequestResponse is how much was recorded, not a severity.
            columns.level = Level::Unknown;
        } else if (numeric) {
            if (field.type == FieldType::Number && scan.isGelf && field.path == "level")
                columns.level = normalize::levelFromNumber(number, normalize::NumericLevelScale::Syslog);
            else if (scan.hasPinoBunyanMarks && field.path == "level")
                columns.level = normalize::levelFromNumber(number, normalize::NumericLevelScale::PinoBunyan);
        } else {
            columns.level = normalize::levelFromText(field.value);
        }
    } else if (scan.mongoSeverity != NoField && scan.hasMongoDate) {
        columns.levelText = batch.fields[scan.mongoSeverity].value;
        columns.level = normalize::levelFromText(columns.levelText);
        columns.hasLevel = true;
    }
    columns.message = bestValue(scan, batch, Role::Message);
    columns.service = bestValue(scan, batch, Role::Service);
    if (scan.bunyanName != NoField && scan.hasPinoBunyanMarks) {
        // bunyan's required `name` ranks just below service/service.name and above the journald keys.
        const auto serviceIndex = scan.best[static_cast<std::size_t>(Role::Service)].field;
        if (serviceIndex == NoField || (batch.fields[serviceIndex].path != "service"
                                        && batch.fields[serviceIndex].path != "service.name"))
            columns.service = batch.fields[scan.bunyanName].value;
    }
    columns.logger = bestValue(scan, batch, Role::Logger);
    columns.requestId = bestValue(scan, batch, Role::RequestId);
    columns.traceId = bestValue(scan, batch, Role::TraceId);
    columns.spanId = bestValue(scan, batch, Role::SpanId);
    columns.parentSpanId = bestValue(scan, batch, Role::ParentSpanId);
    return columns;
}

bool resolveTime(const Scan &scan, const RecordBatch &batch, const ParseOptions &options, std::int64_t &ns)
{
    // Candidates in alias order; `date` is the vaguest name, so log4j2's instant goes before it.
    std::array<Scan::Best, MaxTimeCandidates> order = scan.times;
    const auto count = static_cast<std::size_t>(scan.timeCount);
    for (std::size_t i = 1; i < count; ++i) {
        for (std::size_t j = i; j > 0 && order[j].rank < order[j - 1].rank; --j)
            std::swap(order[j], order[j - 1]);
    }
    const auto tryField = [&](std::uint32_t index) {
        const Field &field = batch.fields[index];
        const auto value = field.type == FieldType::Number ? normalize::epochToNs(field.value)
                                                           : normalize::parseTime(field.value, options);
        if (value)
            ns = *value;
        return value.has_value();
    };
    for (std::size_t i = 0; i < count; ++i) {
        if (batch.fields[order[i].field].path == "date")
            continue;
        if (tryField(order[i].field))
            return true;
    }
    if (scan.instantSeconds != NoField) {
        std::int64_t seconds = 0;
        std::int64_t nanos = 0;
        if (parseInteger(batch.fields[scan.instantSeconds].value, seconds)) {
            if (scan.instantNanos != NoField)
                parseInteger(batch.fields[scan.instantNanos].value, nanos);
            if (const auto key = timekey::fromEpoch(seconds, nanos)) {
                ns = *key;
                return true;
            }
        }
    }
    for (std::size_t i = 0; i < count; ++i) {
        if (batch.fields[order[i].field].path == "date" && tryField(order[i].field))
            return true;
    }
    return false;
}

// "get pods default/nginx -> 200": what a Kubernetes audit event did, since it has no message.
std::string_view auditMessage(const Scan &scan, RecordBatch &batch, std::string &scratch)
{
    if (scan.verb == NoField)
        return {};
    const auto value = [&](std::uint32_t index) {
        return index == NoField ? std::string_view() : batch.fields[index].value;
    };
    scratch.assign(value(scan.verb));
    if (scan.objectResource != NoField) {
        scratch.append(" ").append(value(scan.objectResource));
        if (scan.objectNamespace != NoField || scan.objectName != NoField) {
            scratch.append(" ");
            if (scan.objectNamespace != NoField)
                scratch.append(value(scan.objectNamespace)).append("/");
            scratch.append(value(scan.objectName));
        }
    } else if (scan.requestUri != NoField) {
        scratch.append(" ").append(value(scan.requestUri));
    }
    if (scan.responseCode != NoField)
        scratch.append(" -> ").append(value(scan.responseCode));
    return batch.keep(scratch);
}

void rollback(RecordBatch &batch, std::size_t fieldMark, std::uint32_t countMark)
{
    batch.fields.resize(fieldMark);
    batch.records.back().fieldCount = countMark;
}

} // namespace

bool parseJsonRecord(std::string_view json, const ParseOptions &options, std::uint32_t firstLine,
                     std::uint32_t lineCount, std::uint32_t indexInLine, RecordBatch &batch)
{
    while (!json.empty() && isBlank(json.front()))
        json.remove_prefix(1);
    if (json.empty() || json.front() != '{')
        return false;
    ThreadState &state = threadState();
    const std::size_t recordMark = batch.records.size();
    const std::size_t fieldMark = batch.fields.size();
    Record &created = batch.addRecord();
    created.fieldBegin = static_cast<std::uint32_t>(fieldMark);
    Scan scan;
    if (!walkDocument(state.parser, state.buffer, state.repaired, json, batch, scan, {})) {
        batch.fields.resize(fieldMark);
        batch.records.resize(recordMark);
        return false;
    }
    Record &record = batch.records.back();
    record.firstLine = firstLine;
    record.lineCount = lineCount;
    record.indexInLine = indexInLine;
    std::int64_t ns = 0;
    if (resolveTime(scan, batch, options, ns)) {
        record.timeNs = ns;
        record.hasTime = true;
    }
    Columns columns = resolveColumns(scan, batch);

    // Docker json-file: `log` is the payload line with its '\n'. When it is itself a JSON object, its
    // own level, message, service and IDs describe the event better; Docker's `time` stays the time.
    const auto messageIndex = scan.best[static_cast<std::size_t>(Role::Message)].field;
    if (messageIndex != NoField && batch.fields[messageIndex].path == "log") {
        std::string_view payload = trimRight(columns.message);
        columns.message = payload;
        std::string_view inner = payload;
        while (!inner.empty() && isBlank(inner.front()))
            inner.remove_prefix(1);
        if (!inner.empty() && inner.front() == '{' && inner.back() == '}') {
            const std::size_t innerMark = batch.fields.size();
            const std::uint32_t countMark = record.fieldCount;
            Scan innerScan;
            if (walkDocument(state.innerParser, state.innerBuffer, state.repaired, inner, batch, innerScan, "log")) {
                const Columns innerColumns = resolveColumns(innerScan, batch);
                if (innerColumns.hasLevel) {
                    columns.level = innerColumns.level;
                    columns.levelText = innerColumns.levelText;
                }
                columns.message = innerColumns.message.empty() ? columns.message : innerColumns.message;
                const auto pick = [](std::string_view &target, std::string_view candidate) {
                    if (!candidate.empty())
                        target = candidate;
                };
                pick(columns.service, innerColumns.service);
                pick(columns.logger, innerColumns.logger);
                pick(columns.requestId, innerColumns.requestId);
                pick(columns.traceId, innerColumns.traceId);
                pick(columns.spanId, innerColumns.spanId);
                pick(columns.parentSpanId, innerColumns.parentSpanId);
                if (!record.hasTime && resolveTime(innerScan, batch, options, ns)) {
                    record.timeNs = ns;
                    record.hasTime = true;
                }
            } else {
                rollback(batch, innerMark, countMark);
            }
        }
    }
    if (columns.message.empty() && scan.hasAuditId)
        columns.message = auditMessage(scan, batch, state.scratch);

    Record &final = batch.records.back();
    final.level = columns.level;
    final.levelText = columns.levelText;
    final.message = columns.message;
    final.service = columns.service;
    final.logger = columns.logger;
    final.requestId = columns.requestId;
    final.traceId = columns.traceId;
    final.spanId = columns.spanId;
    final.parentSpanId = columns.parentSpanId;
    return true;
}

} // namespace core
