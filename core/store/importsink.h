// SPDX-License-Identifier: MIT
#pragma once

#include <core/base/result.h>
#include <core/model/event.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace core {

// Consecutive raw lines of one source as read, uncompressed: lines firstLine .. firstLine + lineCount - 1,
// each followed by '\n' (a final line without one gets none).
struct RawLines {
    std::uint32_t firstLine = 0;
    std::uint32_t lineCount = 0;
    std::string bytes;
};

// Where an import writes: the store's single writer, fed by one producer thread in the order the
// sources are read. A backend may write on threads of its own (calls then only queue the work), so a
// failure can surface at a later call; what it has committed is what readers see, and an import that
// stops keeps what was committed. Every source a call names was begun by beginSource or addFailedSource.
//
// One sink writes a store at a time, whatever the process: opening a second one fails with
// ErrorCode::Busy, or waits (see openSink). A source is atomic across crashes: one that an import
// left `importing` when it died is rolled back when the next sink opens, so importing it again
// never counts it twice; readers see a source's events only with their raw lines.
class ImportSink
{
public:
    virtual ~ImportSink() = default;

    // The sources the store already holds: duplicates by SHA-256, partial sources to import again.
    virtual Result<std::vector<SourceRow>> existingSources() = 0;
    // The sources an interrupted import had left, rolled back when this sink opened (counts.events:
    // how many events went with each).
    virtual std::vector<SourceRow> rolledBackSources() const = 0;
    // The id the next new source takes; ids then count up by one per source.
    virtual std::int64_t nextSourceId() = 0;

    // A source starts; `replacesSourceId` (non-zero) is a partial source it is the new import of.
    virtual Result<void> beginSource(const SourceRow &source, std::int64_t mtimeNs, std::int64_t replacesSourceId) = 0;
    // A source that could not be read (binary, unreadable): its row and reason only.
    virtual Result<void> addFailedSource(const SourceRow &source) = 0;
    // An empty batch to fill: a backend may hand back the memory of batches it has written.
    virtual std::unique_ptr<RecordBatch> emptyBatch() = 0;
    // The next records of a source and the raw lines read since the last call.
    virtual Result<void> add(std::int64_t sourceId, std::unique_ptr<RecordBatch> batch, std::vector<RawLines> raw) = 0;
    // The source's final row: status, counts, last line, SHA-256.
    virtual Result<void> endSource(const SourceRow &source) = 0;
    // A source read to its end that the store must not keep (a duplicate): its events and row go.
    virtual Result<void> dropSource(std::int64_t sourceId) = 0;

    // Events committed so far (readers see them); safe from any thread.
    virtual std::uint64_t committedEvents() const = 0;
    // Writes and commits everything queued: every row is readable. The first failure of any earlier
    // call comes back here, and nothing more is written after one.
    virtual Result<void> flush() = 0;
    // After flush(): completes the store (SQLite: the last search terms, the time order, statistics).
    virtual Result<void> finish() = 0;
};

} // namespace core
