// SPDX-License-Identifier: MIT
#pragma once

#include <core/base/result.h>
#include <core/model/event.h>

#include <cstdint>
#include <string>
#include <vector>

namespace core {

struct ImportRequest {
    std::vector<std::string> paths; ///< files, folders, archives
    std::string storePath; ///< created when missing, appended to otherwise
    std::string timeZone; ///< IANA zone for times without an offset; empty = UTC
    // While another import writes the store: wait for it (the observer's progress() may cancel, and
    // waitingForWriter() is told once) instead of failing with ErrorCode::Busy.
    bool waitForWriter = false;
};

struct ImportProgress {
    std::uint64_t bytesDone = 0; ///< bytes on disk read so far
    std::uint64_t bytesTotal = 0;
    std::uint64_t events = 0;
    double eventsPerSecond = 0;
    double elapsedSeconds = 0;
    std::string currentSource;
};

enum class ProgressAnswer { Continue, Cancel };
enum class Outcome { Finished, Cancelled, Failed };

struct SourceSummary {
    std::string name;
    std::string format;
    SourceStatus status = SourceStatus::Complete;
    std::string error; ///< "binary", "duplicate of NAME", the read error
    LineCounts counts;
};

struct ImportSummary {
    Outcome outcome = Outcome::Finished;
    std::vector<SourceSummary> sources;
    // Sources an interrupted import had left, rolled back before this one began (counts.events: how
    // many events went with each).
    std::vector<SourceSummary> rolledBack;
    std::uint64_t events = 0;
    std::uint64_t lines = 0;
    std::uint64_t bytes = 0;
    double seconds = 0;
    // Seconds from the start to each milestone (negative when not reached).
    double firstRowsSeconds = -1; ///< the first batch committed: readers see rows
    double rowsSeconds = -1; ///< every row written
    double completeSeconds = -1; ///< indexes, bucket counts, search terms: the store is complete
};

// The one cancellation mechanism: progress() answers Continue or Cancel (about 10 times a second).
class ImportObserver
{
public:
    virtual ~ImportObserver() = default;
    virtual ProgressAnswer progress(const ImportProgress &progress) = 0;
    virtual void sourceFinished(const SourceSummary &) { }
    virtual void rowsCommitted() { }
    // Another import is writing the store and this one waits for it (ImportRequest::waitForWriter).
    virtual void waitingForWriter() { }
};

// Synchronous: returns when the import ends. Parses on the calling thread into the store's import sink
// (core/store/importsink.h), which writes on threads of its own; a cancelled import leaves a
// consistent store that says what it holds.
Result<ImportSummary> runImport(const ImportRequest &request, ImportObserver &observer);

} // namespace core
