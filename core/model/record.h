// SPDX-License-Identifier: MIT
#pragma once

#include <core/base/textformat.h>

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace core {

// Normalised severity. The numeric values are stored in the `events.level` column: never reorder.
enum class Level : std::uint8_t { Unknown = 0, Trace = 1, Debug = 2, Info = 3, Warn = 4, Error = 5, Fatal = 6 };
inline constexpr int LevelCount = 7;
std::string_view levelName(Level level); // "trace" ... "fatal", "unknown"


enum class FieldType : std::uint8_t { String = 0, Number = 1, Bool = 2, Null = 3 };

// One leaf of a record: its dotted path (nested objects flattened, array items as `path.N`)
// and its original value text (numbers as written, strings unescaped).
struct Field {
    std::string_view path;
    std::string_view value;
    FieldType type = FieldType::String;
};

enum RecordFlag : std::uint8_t {
    RecordUnparsed = 1, ///< the line(s) did not parse; message holds the raw text
    RecordTimeInherited = 2, ///< no usable time: the previous event's time was taken
    RecordSpan = 4, ///< a trace span (duration and status are meaningful)
    RecordLineCut = 8, ///< a line of the record reached the maximum line length: kept as far as it, the rest dropped
};

// A record as the parsers hand it to the store. Every string_view points into the owning
// RecordBatch's arena (or into memory that outlives the batch), never into a read buffer.
struct Record {
    std::int64_t timeNs = 0; ///< the time key (core/base/timekey.h: UTC ns inside 1823-2116); valid when hasTime
    bool hasTime = false;
    std::uint8_t flags = 0; ///< RecordFlag bits
    Level level = Level::Unknown;
    std::string_view levelText; ///< the level as the record wrote it ("WARNING", "40", "Metadata")
    std::string_view message;
    std::string_view service; ///< empty: the importer falls back to container, file stem, logger
    std::string_view logger; ///< the weakest service candidate
    std::string_view requestId;
    std::string_view traceId;
    std::string_view spanId;
    std::string_view parentSpanId;
    std::string_view status; ///< spans: "ok", "error", "unset" or the source's own text
    std::int64_t durationNs = -1; ///< spans only
    std::string_view extraText; ///< continuation lines (tracebacks), searchable, not shown as message
    std::uint32_t firstLine = 0; ///< 1-based line of the source where the record starts
    std::uint32_t lineCount = 1; ///< lines the record covers (continuations, documents)
    std::uint32_t indexInLine = 0; ///< several records on one line (OTLP batches, arrays) count up
    std::uint32_t fieldBegin = 0; ///< index into RecordBatch::fields
    std::uint32_t fieldCount = 0;
};

// What the line accounting promises: lines == eventLines + continuationLines + documentLines + blankLines.
struct LineCounts {
    std::uint64_t lines = 0;
    std::uint64_t eventLines = 0;
    std::uint64_t continuationLines = 0;
    std::uint64_t documentLines = 0;
    std::uint64_t blankLines = 0;
    std::uint64_t events = 0;
    std::uint64_t unparsed = 0;
    std::uint64_t spans = 0;
};

// Records plus the arena their strings live in. Reused batch after batch via clear().
class RecordBatch
{
public:
    // Copies text into the arena; the view stays valid until clear().
    std::string_view keep(std::string_view text);
    Record &addRecord() { return records.emplace_back(); }
    // Appends a field to the last record (copies path and value).
    void addField(std::string_view path, std::string_view value, FieldType type);
    std::vector<Field> fieldsOf(const Record &record) const;
    void clear();
    std::size_t arenaBytes() const { return m_used; }

    std::vector<Record> records;
    std::vector<Field> fields;

private:
    std::deque<std::string> m_chunks;
    std::size_t m_chunkUsed = 0;
    std::size_t m_used = 0;
};

} // namespace core
