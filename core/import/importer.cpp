// SPDX-License-Identifier: MIT
#include "importer.h"

#include <core/store/sqlite/indexbuilder.h>
#include <core/store/sqlite/storewriter.h>
#include <core/ingest/boundedqueue.h>
#include <core/ingest/sha256.h>
#include <core/ingest/sourceparser.h>
#include <core/ingest/sourcereader.h>

#include <QDateTime>
#include <QFileInfo>
#include <QTimeZone>

#include <atomic>
#include <chrono>
#include <cstring>
#include <map>
#include <thread>

namespace core {

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t ReadChunkBytes = 1 << 20;
constexpr std::size_t RawBlockBytes = 128 << 10;
constexpr std::size_t FirstBatchRecords = 256;
constexpr std::size_t BatchRecords = 4096;
constexpr std::size_t PostingBudgetBytes = 48u << 20;
constexpr std::size_t QueueDepth = 3;

struct PendingRaw {
    std::uint32_t firstLine = 0;
    std::uint32_t lineCount = 0;
    std::string bytes;
};

// What flows from the parser thread through the indexer thread to the writer (the calling thread).
struct Item {
    enum class Kind { SourceBegin, Events, SourceEnd, Problem, Segment, Fields };
    Kind kind = Kind::Events;
    SourceRow source; ///< SourceBegin, SourceEnd, Problem
    std::int64_t mtimeNs = 0;
    std::int64_t replacesSourceId = 0; ///< SourceBegin: a partial source imported again
    std::unique_ptr<RecordBatch> batch; ///< Events
    std::int64_t firstId = 0;
    std::vector<RawBlock> raw;
    std::vector<BucketCount> buckets;
    PostingSegment segment; ///< Segment
    std::int64_t indexedThrough = 0; ///< Segment
    std::map<std::string, FieldSummary> fields; ///< Fields
    std::string duplicateOf; ///< SourceEnd: the same SHA-256 is in the store or came earlier
};

std::string absolutePath(const std::string &path)
{
    return path.empty() ? path : QFileInfo(QString::fromStdString(path)).absoluteFilePath().toStdString();
}

std::function<std::int64_t(std::int64_t)> naiveConverter(const std::string &zoneName)
{
    if (zoneName.empty() || zoneName == "UTC")
        return {};
    const QTimeZone zone(QByteArray::fromStdString(zoneName));
    return [zone](std::int64_t naiveNs) {
        // The offset in force at that wall-clock time, looked up as if it were UTC: off by the offset
        // itself only within hours of a transition.
        const auto utc = QDateTime::fromMSecsSinceEpoch(naiveNs / 1'000'000, QTimeZone::utc());
        return naiveNs - static_cast<std::int64_t>(zone.offsetFromUtc(utc)) * 1'000'000'000;
    };
}

// The parser stage: sources → lines → records, raw lines in blocks.
class ParseStage
{
public:
    ParseStage(const ImportRequest &request, BoundedQueue<Item> &out, BoundedQueue<std::unique_ptr<RecordBatch>> &spareBatches,
               std::int64_t firstEventId,
               std::int64_t firstSourceId, std::map<std::string, SourceRow> existingByName,
               std::map<std::string, std::string> nameBySha, const std::atomic<bool> &cancel)
        : m_request(request)
        , m_out(out)
        , m_spareBatches(spareBatches)
        , m_nextEventId(firstEventId)
        , m_nextSourceId(firstSourceId)
        , m_existingByName(std::move(existingByName))
        , m_nameBySha(std::move(nameBySha))
        , m_cancel(cancel)
        , m_naiveToUtc(naiveConverter(request.timeZone))
    {
    }

    std::atomic<std::uint64_t> diskBytesDone{0};
    std::int64_t nextEventId() const { return m_nextEventId; }

    void run()
    {
        SourceVisitor visitor;
        visitor.onSource = [this](const SourceInfo &info, ByteStream &stream) { return readSource(info, stream); };
        visitor.onProblem = [this](const SourceProblem &problem) {
            Item item;
            item.kind = Item::Kind::Problem;
            item.source.id = m_nextSourceId++;
            item.source.name = problem.name;
            item.source.path = absolutePath(problem.diskPath);
            item.source.status = SourceStatus::Failed;
            item.source.error = problem.reason;
            finishDisk(problem.diskPath, problem.diskSize);
            m_out.push(std::move(item));
        };
        (void)visitSources(m_request.paths, visitor);
        Item fields;
        fields.kind = Item::Kind::Fields;
        fields.fields = m_statistics.fieldSummaries();
        m_out.push(std::move(fields));
        m_out.close();
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
        diskBytesDone = m_diskDone;
    }

    bool readSource(const SourceInfo &info, ByteStream &stream)
    {
        finishDisk(info.diskPath, info.diskSize);
        const std::int64_t sourceId = m_nextSourceId++;
        m_sourceId = sourceId;
        Item begin;
        begin.kind = Item::Kind::SourceBegin;
        begin.source.id = sourceId;
        begin.source.name = info.name;
        begin.source.path = absolutePath(info.diskPath);
        begin.source.size = std::max<std::int64_t>(info.size, 0);
        begin.source.status = SourceStatus::Importing;
        begin.mtimeNs = info.mtimeNs;
        if (auto existing = m_existingByName.find(info.name);
            existing != m_existingByName.end() && existing->second.status == SourceStatus::Partial)
            begin.replacesSourceId = existing->second.id;
        m_out.push(std::move(begin));

        ParseOptions options;
        options.sourceName = info.name;
        options.sourceMtimeNs = info.mtimeNs;
        options.naiveToUtc = m_naiveToUtc;
        SourceParser parser(options);

        m_lineNumber = 0;
        m_raw = PendingRaw{1, 0, {}};
        startBatch();
        std::string buffer;
        std::size_t carried = 0; // bytes of an unfinished line kept at the front of `buffer`
        std::uint64_t bytesRead = 0;
        std::string readError;
        bool cancelled = false;
        while (true) {
            if (m_cancel.load(std::memory_order_relaxed)) {
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
                diskBytesDone = m_diskDone
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

        Item end;
        end.kind = Item::Kind::SourceEnd;
        end.source.id = sourceId;
        end.source.name = info.name;
        end.source.format = parser.format();
        end.source.size = static_cast<std::int64_t>(bytesRead);
        end.source.counts = parser.counts();
        end.source.lastLine = m_lineNumber;
        end.source.sha256 = m_sha.finish();
        if (auto [known, inserted] = m_nameBySha.emplace(end.source.sha256, info.name); !inserted)
            end.duplicateOf = known->second;
        if (!readError.empty()) {
            end.source.status = SourceStatus::Partial;
            end.source.error = readError;
        } else if (cancelled) {
            end.source.status = SourceStatus::Partial;
            end.source.error = "import cancelled";
        } else {
            end.source.status = SourceStatus::Complete;
        }
        m_out.push(std::move(end));
        return !cancelled;
    }

    void addLine(SourceParser &parser, std::string_view line, bool newline)
    {
        ++m_lineNumber;
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
        m_rawBlocks.push_back(RawBlock{m_raw.firstLine, m_raw.lineCount, compressRaw(m_raw.bytes)});
        m_raw = PendingRaw{m_lineNumber + 1, 0, {}};
    }

    // Batches come back from the writer once written: reusing their memory saves page faults.
    void startBatch()
    {
        if (auto recycled = m_spareBatches.tryPop()) {
            m_batch = std::move(*recycled);
            m_batch->clear();
        } else {
            m_batch = std::make_unique<RecordBatch>();
        }
    }

    void pushBatch()
    {
        if (m_batch->records.empty() && m_rawBlocks.empty())
            return;
        Item item;
        item.kind = Item::Kind::Events;
        item.source.id = m_sourceId;
        item.firstId = m_nextEventId;
        m_nextEventId += static_cast<std::int64_t>(m_batch->records.size());
        m_statistics.addStatistics(*m_batch);
        item.buckets = m_statistics.takeBuckets();
        item.batch = std::move(m_batch);
        item.raw = std::move(m_rawBlocks);
        m_rawBlocks.clear();
        m_firstBatch = false;
        m_out.push(std::move(item));
        startBatch();
    }

    const ImportRequest &m_request;
    BoundedQueue<Item> &m_out;
    BoundedQueue<std::unique_ptr<RecordBatch>> &m_spareBatches;
    std::int64_t m_nextEventId;
    std::int64_t m_nextSourceId;
    std::map<std::string, SourceRow> m_existingByName;
    std::map<std::string, std::string> m_nameBySha;
    const std::atomic<bool> &m_cancel;
    IndexBuilder m_statistics;
    Sha256 m_sha;
    std::function<std::int64_t(std::int64_t)> m_naiveToUtc;
    std::unique_ptr<RecordBatch> m_batch;
    PendingRaw m_raw;
    std::vector<RawBlock> m_rawBlocks;
    std::uint32_t m_lineNumber = 0;
    std::int64_t m_sourceId = 0;
    bool m_firstBatch = true;
    std::string m_currentDisk;
    std::uint64_t m_currentDiskSize = 0;
    std::uint64_t m_diskDone = 0;
};

// The indexer stage: posting lists, built on the second core while the writer inserts rows.
void indexStage(BoundedQueue<Item> &in, BoundedQueue<Item> &out)
{
    IndexBuilder index;
    while (auto item = in.pop()) {
        if (item->kind == Item::Kind::Events)
            index.addTerms(*item->batch, item->firstId);
        const bool flush = index.postingBytes() > PostingBudgetBytes;
        const std::int64_t through = index.lastId();
        out.push(std::move(*item));
        if (flush) {
            Item segment;
            segment.kind = Item::Kind::Segment;
            segment.segment = index.takeSegment();
            segment.indexedThrough = through;
            out.push(std::move(segment));
        }
    }
    Item segment;
    segment.kind = Item::Kind::Segment;
    segment.indexedThrough = index.lastId();
    segment.segment = index.takeSegment();
    out.push(std::move(segment));
    out.close();
}

double secondsSince(Clock::time_point start)
{
    return std::chrono::duration<double>(Clock::now() - start).count();
}

SourceSummary summaryOf(const SourceRow &row)
{
    return SourceSummary{row.name, row.format, row.status, row.error, row.counts};
}

} // namespace

Result<ImportSummary> runImport(const ImportRequest &request, ImportObserver &observer)
{
    const auto started = Clock::now();
    if (!request.timeZone.empty() && request.timeZone != "UTC"
        && !QTimeZone(QByteArray::fromStdString(request.timeZone)).isValid())
        return makeError(ErrorCode::Usage, "unknown time zone: " + request.timeZone);

    auto store = SqliteStore::open(request.storePath, OpenMode::ReadWrite);
    if (!store)
        return store.error();
    auto existing = (*store)->sources();
    if (!existing)
        return existing.error();
    std::map<std::string, SourceRow> existingByName;
    std::map<std::string, std::string> nameBySha;
    for (const SourceRow &row : existing.value()) {
        existingByName[row.name] = row;
        if (row.status == SourceStatus::Complete && !row.sha256.empty())
            nameBySha.emplace(row.sha256, row.name);
    }
    auto writerResult = (*store)->writer();
    if (!writerResult)
        return writerResult.error();
    StoreWriter &writer = *writerResult.value();

    ImportSummary summary;
    std::atomic<bool> cancel{false};
    BoundedQueue<Item> parsed(QueueDepth);
    BoundedQueue<Item> indexed(QueueDepth * 4);
    BoundedQueue<std::unique_ptr<RecordBatch>> spareBatches(QueueDepth * 8);
    ParseStage parser(request, parsed, spareBatches, writer.nextEventId(), writer.nextSourceId(), existingByName, std::move(nameBySha),
                      cancel);
    const std::uint64_t bytesTotal = totalDiskBytes(request.paths);

    std::thread parseThread([&] { parser.run(); });
    std::thread indexThread([&] { indexStage(parsed, indexed); });

    std::optional<Error> failure;
    auto lastProgress = Clock::now();
    auto lastCommit = Clock::now();
    std::uint64_t events = 0;
    bool anyCommitted = false;
    const auto check = [&](Result<void> result) {
        if (!result && !failure) {
            failure = result.error();
            cancel = true;
        }
    };

    while (auto item = indexed.pop()) {
        if (failure)
            continue; // drain so the other stages can finish
        switch (item->kind) {
        case Item::Kind::SourceBegin:
            if (item->replacesSourceId)
                check(writer.removeSource(item->replacesSourceId));
            check(writer.addSource(item->source, item->mtimeNs));
            break;
        case Item::Kind::Problem:
            check(writer.addSource(item->source, 0));
            summary.sources.push_back(summaryOf(item->source));
            observer.sourceFinished(summary.sources.back());
            break;
        case Item::Kind::Events:
            check(writer.writeEvents(item->source.id, *item->batch, item->firstId));
            for (const RawBlock &block : item->raw)
                check(writer.writeRaw(item->source.id, block));
            check(writer.writeBuckets(item->buckets));
            events += item->batch->records.size();
            spareBatches.tryPush(std::move(item->batch));
            if (!anyCommitted || secondsSince(lastCommit) > 0.25) {
                check(writer.commit());
                lastCommit = Clock::now();
                if (!anyCommitted) {
                    anyCommitted = true;
                    summary.firstRowsSeconds = secondsSince(started);
                    observer.rowsCommitted();
                }
            }
            break;
        case Item::Kind::SourceEnd:
            if (!item->duplicateOf.empty()) {
                check(writer.removeSource(item->source.id));
                item->source.error = "duplicate of " + item->duplicateOf;
                events -= item->source.counts.events;
            } else {
                check(writer.updateSource(item->source));
                summary.lines += item->source.counts.lines;
            }
            check(writer.commit());
            summary.sources.push_back(summaryOf(item->source));
            summary.bytes += static_cast<std::uint64_t>(item->source.size);
            observer.sourceFinished(summary.sources.back());
            break;
        case Item::Kind::Segment:
            check(writer.writeSegment(item->segment));
            check(writer.setIndexedThrough(item->indexedThrough));
            break;
        case Item::Kind::Fields:
            check(writer.writeFields(item->fields));
            break;
        }
        if (secondsSince(lastProgress) > 0.1) {
            lastProgress = Clock::now();
            ImportProgress progress;
            progress.bytesDone = parser.diskBytesDone;
            progress.bytesTotal = bytesTotal;
            progress.events = events;
            progress.elapsedSeconds = secondsSince(started);
            progress.eventsPerSecond = progress.elapsedSeconds > 0 ? static_cast<double>(events) / progress.elapsedSeconds : 0;
            if (observer.progress(progress) == ProgressAnswer::Cancel)
                cancel = true;
        }
    }
    parseThread.join();
    indexThread.join();
    summary.rowsSeconds = secondsSince(started);

    if (failure) {
        (void)writer.rollback();
        summary.outcome = Outcome::Failed;
        return *failure;
    }
    check(writer.setIndexedThrough(parser.nextEventId() - 1));
    check(writer.finish());
    if (failure)
        return *failure;
    summary.completeSeconds = secondsSince(started);
    summary.seconds = summary.completeSeconds;
    summary.events = events;
    summary.outcome = cancel ? Outcome::Cancelled : Outcome::Finished;
    return summary;
}

} // namespace core
