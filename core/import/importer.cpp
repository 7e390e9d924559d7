// SPDX-License-Identifier: MIT
#include "importer.h"

#include <QFileInfo>

#include <core/backends/storelocation.h>
#include <core/ingest/sha256.h>
#include <core/ingest/sourceparser.h>
#include <core/ingest/sourcereader.h>
#include <core/model/timezone.h>

#include <chrono>
#include <cstring>
#include <functional>
#include <map>
#include <optional>
#include <utility>

namespace core {

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t ReadChunkBytes = 1 << 20;
constexpr std::size_t RawBlockBytes = 128 << 10;
constexpr std::size_t FirstBatchRecords = 256;
constexpr std::size_t BatchRecords = 4096;
constexpr auto ProgressInterval = std::chrono::milliseconds(100);

std::string absolutePath(const std::string &path)
{
    return path.empty() ? path : QFileInfo(QString::fromStdString(path)).absoluteFilePath().toStdString();
}

double secondsSince(Clock::time_point start)
{
    return std::chrono::duration<double>(Clock::now() - start).count();
}

SourceSummary summaryOf(const SourceRow &row)
{
    return SourceSummary{row.name, row.format, row.status, row.error, row.counts};
}

// Sources → lines → records and raw lines, into the sink, on the calling thread; progress, the first
// readable rows and cancellation go through the observer between batches.
class ParseStage
{
public:
    ParseStage(const ImportRequest &request, ImportSink &sink, ImportObserver &observer, ImportSummary &summary,
               std::map<std::string, SourceRow> existingByName, std::map<std::string, std::string> nameBySha,
               NaiveToUtc naiveToUtc, Clock::time_point started)
        : m_request(request)
        , m_sink(sink)
        , m_observer(observer)
        , m_summary(summary)
        , m_nextSourceId(sink.nextSourceId())
        , m_existingByName(std::move(existingByName))
        , m_nameBySha(std::move(nameBySha))
        , m_started(started)
        , m_bytesTotal(totalDiskBytes(request.paths))
        , m_naiveToUtc(std::move(naiveToUtc))
    { }

    std::optional<Error> failure;
    bool cancelled() const { return m_cancel; }
    std::uint64_t events() const { return m_events; }

    void run()
    {
        SourceVisitor visitor;
        visitor.onSource = [this](const SourceInfo &info, ByteStream &stream) { return readSource(info, stream); };
        visitor.onProblem = [this](const SourceProblem &problem) {
            SourceRow source;
            source.id = m_nextSourceId++;
            source.name = problem.name;
            source.path = absolutePath(problem.diskPath);
            source.status = SourceStatus::Failed;
            source.error = problem.reason;
            finishDisk(problem.diskPath, problem.diskSize);
            check(m_sink.addFailedSource(source));
            m_summary.sources.push_back(summaryOf(source));
            m_observer.sourceFinished(m_summary.sources.back());
        };
        (void)visitSources(m_request.paths, visitor);
    }

    // Tells the observer once the first rows are committed (readers see them), however late.
    void noticeCommittedRows()
    {
        if (m_summary.firstRowsSeconds < 0 && m_sink.committedEvents() > 0) {
            m_summary.firstRowsSeconds = secondsSince(m_started);
            m_observer.rowsCommitted();
        }
    }

private:
    // Progress counts bytes on disk; an archive counts once all its members are read.
    void finishDisk(const std::string &diskPath, std::int64_t diskSize)
    {
        if (diskPath != m_currentDisk) {
            m_diskDone += m_currentDiskSize;
            m_currentDisk = diskPath;
            m_currentDiskSize = static_cast<std::uint64_t>(std::max<std::int64_t>(diskSize, 0));
        }
        m_diskBytesDone = m_diskDone;
    }

    bool readSource(const SourceInfo &info, ByteStream &stream)
    {
        finishDisk(info.diskPath, info.diskSize);
        const std::int64_t sourceId = m_nextSourceId++;
        m_sourceId = sourceId;
        SourceRow begin;
        begin.id = sourceId;
        begin.name = info.name;
        begin.path = absolutePath(info.diskPath);
        begin.size = std::max<std::int64_t>(info.size, 0);
        begin.status = SourceStatus::Importing;
        std::int64_t replaces = 0;
        if (auto existing = m_existingByName.find(info.name);
            existing != m_existingByName.end() && existing->second.status == SourceStatus::Partial)
            replaces = existing->second.id;
        check(m_sink.beginSource(begin, info.mtimeNs, replaces));
        m_sourceEvents = 0;

        ParseOptions options;
        options.sourceName = info.name;
        options.sourceMtimeNs = info.mtimeNs;
        options.naiveToUtc = m_naiveToUtc;
        SourceParser parser(options);

        m_lineNumber = 0;
        m_raw = RawLines{1, 0, {}};
        startBatch();
        std::string buffer;
        std::size_t carried = 0; // bytes of an unfinished line kept at the front of `buffer`
        std::uint64_t bytesRead = 0;
        std::string readError;
        bool cancelled = false;
        while (true) {
            if (m_cancel) {
                cancelled = true;
                break;
            }
            if (buffer.size() < carried + ReadChunkBytes)
                buffer.resize(carried + ReadChunkBytes);
            auto got = stream.read(buffer.data() + carried, ReadChunkBytes);
            if (!got) {
                readError = got.error().message;
                break;
            }
            if (*got == 0)
                break;
            bytesRead += *got;
            if (info.size > 0)
                m_diskBytesDone = m_diskDone
                    + static_cast<std::uint64_t>(static_cast<double>(bytesRead) / static_cast<double>(info.size)
                                                 * static_cast<double>(m_currentDiskSize));
            const std::string_view data(buffer.data(), carried + *got);
            std::size_t start = 0;
            while (true) {
                const void *found = std::memchr(data.data() + start, '\n', data.size() - start);
                if (!found)
                    break;
                const auto end = static_cast<std::size_t>(static_cast<const char *>(found) - data.data());
                addLine(parser, data.substr(start, end - start), true);
                start = end + 1;
            }
            carried = data.size() - start;
            if (carried > 0)
                std::memmove(buffer.data(), data.data() + start, carried);
        }
        if (carried > 0) // a final line without '\n' still counts, as `wc -l` + 1
            addLine(parser, std::string_view(buffer.data(), carried), false);
        parser.finish(*m_batch);
        flushRaw();
        pushBatch();

        SourceRow end = begin;
        end.format = parser.format();
        end.size = static_cast<std::int64_t>(bytesRead);
        end.counts = parser.counts();
        end.lastLine = m_lineNumber;
        end.sha256 = m_sha.finish();
        if (!readError.empty()) {
            end.status = SourceStatus::Partial;
            end.error = readError;
        } else if (cancelled) {
            end.status = SourceStatus::Partial;
            end.error = "import cancelled";
        } else {
            end.status = SourceStatus::Complete;
        }
        if (auto [known, inserted] = m_nameBySha.emplace(end.sha256, info.name); !inserted) {
            check(m_sink.dropSource(sourceId));
            end.error = "duplicate of " + known->second;
            m_events -= m_sourceEvents;
        } else {
            check(m_sink.endSource(end));
            m_summary.lines += end.counts.lines;
        }
        m_summary.sources.push_back(summaryOf(end));
        m_summary.bytes += static_cast<std::uint64_t>(end.size);
        m_observer.sourceFinished(m_summary.sources.back());
        return !cancelled && !failure;
    }

    void addLine(SourceParser &parser, std::string_view line, bool newline)
    {
        ++m_lineNumber;
        // The sink commits the first batch on its own thread: looking for it on every line (an atomic
        // load, until it is seen) tells the observer within a line of it, not a batch later.
        if (m_summary.firstRowsSeconds < 0)
            noticeCommittedRows();
        parser.addLine(line, *m_batch);
        m_raw.bytes.append(line);
        if (newline)
            m_raw.bytes.push_back('\n');
        ++m_raw.lineCount;
        if (m_raw.bytes.size() >= RawBlockBytes)
            flushRaw();
        const std::size_t wanted = m_firstBatch ? FirstBatchRecords : BatchRecords;
        if (m_batch->records.size() >= wanted)
            pushBatch();
    }

    // The raw blocks are the source's decompressed bytes in order: they feed the SHA-256 too.
    void flushRaw()
    {
        if (m_raw.lineCount == 0)
            return;
        m_sha.add(m_raw.bytes);
        m_rawBlocks.push_back(std::move(m_raw));
        m_raw = RawLines{m_lineNumber + 1, 0, {}};
    }

    void startBatch() { m_batch = m_sink.emptyBatch(); }

    void pushBatch()
    {
        // The raw lines of every record in the batch go with it, so readers never see an event whose
        // lines are not stored yet: a short block at the end of each batch.
        flushRaw();
        if (m_batch->records.empty() && m_rawBlocks.empty())
            return;
        const std::uint64_t events = m_batch->records.size();
        m_events += events;
        m_sourceEvents += events;
        check(m_sink.add(m_sourceId, std::move(m_batch), std::move(m_rawBlocks)));
        m_rawBlocks.clear();
        m_firstBatch = false;
        startBatch();
        report();
    }

    void check(Result<void> result)
    {
        if (!result && !failure) {
            failure = result.error();
            m_cancel = true;
        }
    }

    void report()
    {
        noticeCommittedRows();
        if (Clock::now() - m_lastProgress < ProgressInterval)
            return;
        m_lastProgress = Clock::now();
        ImportProgress progress;
        progress.bytesDone = m_diskBytesDone;
        progress.bytesTotal = m_bytesTotal;
        progress.events = m_sink.committedEvents();
        progress.elapsedSeconds = secondsSince(m_started);
        progress.eventsPerSecond
            = progress.elapsedSeconds > 0 ? static_cast<double>(progress.events) / progress.elapsedSeconds : 0;
        if (m_observer.progress(progress) == ProgressAnswer::Cancel)
            m_cancel = true;
    }

    const ImportRequest &m_request;
    ImportSink &m_sink;
    ImportObserver &m_observer;
    ImportSummary &m_summary;
    std::int64_t m_nextSourceId;
    std::map<std::string, SourceRow> m_existingByName;
    std::map<std::string, std::string> m_nameBySha;
    Clock::time_point m_started;
    std::uint64_t m_bytesTotal;
    Clock::time_point m_lastProgress = Clock::now();
    bool m_cancel = false;
    Sha256 m_sha;
    NaiveToUtc m_naiveToUtc;
    std::unique_ptr<RecordBatch> m_batch;
    RawLines m_raw;
    std::vector<RawLines> m_rawBlocks;
    std::uint32_t m_lineNumber = 0;
    std::int64_t m_sourceId = 0;
    std::uint64_t m_events = 0;
    std::uint64_t m_sourceEvents = 0;
    std::uint64_t m_diskBytesDone = 0;
    bool m_firstBatch = true;
    std::string m_currentDisk;
    std::uint64_t m_currentDiskSize = 0;
    std::uint64_t m_diskDone = 0;
};

} // namespace

Result<ImportSummary> runImport(const ImportRequest &request, ImportObserver &observer)
{
    const auto started = Clock::now();
    auto naiveToUtc = naiveToUtcIn(request.timeZone);
    if (!naiveToUtc)
        return naiveToUtc.error();

    std::function<bool()> keepWaiting;
    bool toldWaiting = false;
    if (request.waitForWriter)
        keepWaiting = [&] {
            if (!std::exchange(toldWaiting, true))
                observer.waitingForWriter();
            return observer.progress(ImportProgress{}) == ProgressAnswer::Continue;
        };
    auto sink = openSink(request.storePath, keepWaiting);
    if (!sink)
        return sink.error();
    auto existing = (*sink)->existingSources();
    if (!existing)
        return existing.error();
    std::map<std::string, SourceRow> existingByName;
    std::map<std::string, std::string> nameBySha;
    for (const SourceRow &row : existing.value()) {
        existingByName[row.name] = row;
        if (row.status == SourceStatus::Complete && !row.sha256.empty())
            nameBySha.emplace(row.sha256, row.name);
    }

    ImportSummary summary;
    for (const SourceRow &row : (*sink)->rolledBackSources())
        summary.rolledBack.push_back(
            SourceSummary{row.name, row.format, SourceStatus::Interrupted, "rolled back", row.counts});
    ParseStage parser(request, **sink, observer, summary, std::move(existingByName), std::move(nameBySha),
                      std::move(naiveToUtc.value()), started);
    parser.run();
    if (parser.failure)
        return *parser.failure; // the sink rolls back what it had not committed
    if (auto flushed = (*sink)->flush(); !flushed)
        return flushed.error();
    parser.noticeCommittedRows();
    summary.rowsSeconds = secondsSince(started);
    if (auto finished = (*sink)->finish(); !finished)
        return finished.error();
    summary.completeSeconds = secondsSince(started);
    summary.seconds = summary.completeSeconds;
    summary.events = parser.events();
    summary.outcome = parser.cancelled() ? Outcome::Cancelled : Outcome::Finished;
    return summary;
}

} // namespace core
