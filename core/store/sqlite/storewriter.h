// SPDX-License-Identifier: MIT
#pragma once

#include "indexbuilder.h"
#include "sqlitestore.h"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

struct sqlite3;

namespace core {

// A block of raw lines of one source, zstd-compressed: lines firstLine .. firstLine + lineCount - 1,
// each followed by '\n' (a final line without one gets none).
struct RawBlock {
    std::uint32_t firstLine = 0;
    std::uint32_t lineCount = 0;
    std::string compressed;
};

// The import's single writer. Everything it writes between two commit() calls becomes visible to
// readers at once; an import that stops keeps what was committed.
class StoreWriter
{
public:
    ~StoreWriter();

    std::int64_t nextEventId() const;
    std::int64_t nextSourceId() const;
    // The sources an interrupted import had left, rolled back when this writer was made (their
    // counts.events says how many events went with them).
    const std::vector<SourceRow> &rolledBack() const;

    Result<void> addSource(const SourceRow &source, std::int64_t mtimeNs);
    Result<void> updateSource(const SourceRow &source);
    // Removes a source's events and raw lines (a duplicate, or a partial source imported again).
    Result<void> removeSourceContent(std::int64_t sourceId);
    Result<void> removeSource(std::int64_t sourceId);

    Result<void> writeEvents(std::int64_t sourceId, const RecordBatch &batch, std::int64_t firstId);
    Result<void> writeRaw(std::int64_t sourceId, const RawBlock &block);
    Result<void> writeSegment(const PostingSegment &segment);
    Result<void> writeBuckets(const std::vector<BucketCount> &counts);
    Result<void> writeFields(const std::map<std::string, FieldSummary> &fields);
    // Readers may use the postings for events up to this id; later ones are scanned.
    Result<void> setIndexedThrough(std::int64_t eventId);

    Result<void> rollBackInterrupted();
    Result<void> commit();
    Result<void> rollback();
    // After the last commit: the time-order index and planner statistics.
    Result<void> finish();

    struct Private;
    explicit StoreWriter(std::unique_ptr<Private> d);

private:
    std::unique_ptr<Private> d;
};

// zstd, for the raw blocks (level 1: the import is the bottleneck, not the disk).
std::string compressRaw(std::string_view bytes);
Result<std::string> decompressRaw(std::string_view compressed);

} // namespace core
