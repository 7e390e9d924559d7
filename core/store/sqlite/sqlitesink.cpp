// SPDX-License-Identifier: MIT
#include "sqlitesink.h"

#include "indexbuilder.h"
#include "sqlitestore.h"
#include "storewriter.h"

#include <core/ingest/boundedqueue.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

namespace core {

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t PostingBudgetBytes = 48u << 20;
constexpr std::size_t QueueDepth = 3;
// Readers see rows this soon after they are written; each commit costs a WAL sync.
constexpr auto CommitInterval = std::chrono::milliseconds(250);

// What flows from the producer through the indexer thread to the writer thread, in call order.
struct Item {
    enum class Kind { SourceBegin, FailedSource, Events, SourceEnd, SourceDrop, Segment, Fields };
    Kind kind = Kind::Events;
    SourceRow source; ///< SourceBegin, FailedSource, SourceEnd; SourceDrop: its id
    std::int64_t mtimeNs = 0;
    std::int64_t replacesSourceId = 0; ///< SourceBegin
    std::unique_ptr<RecordBatch> batch; ///< Events
    std::int64_t firstId = 0;
    std::vector<RawBlock> raw;
    std::vector<BucketCount> buckets;
    PostingSegment segment; ///< Segment
    std::int64_t indexedThrough = 0; ///< Segment
    std::map<std::string, FieldSummary> fields; ///< Fields
};

} // namespace

struct SqliteSink::Private {
    std::string path;
    std::unique_ptr<SqliteStore> store;
    std::unique_ptr<StoreWriter> writer; ///< borrows store's connection: declared after it, destroyed first
    IndexBuilder statistics; ///< the producer's: bucket counts and the field catalogue
    std::int64_t nextEventId = 0; ///< the producer's
    BoundedQueue<Item> toIndex{QueueDepth};
    BoundedQueue<Item> toWrite{QueueDepth * 4};
    BoundedQueue<std::unique_ptr<RecordBatch>> spareBatches{QueueDepth * 8};
    std::thread indexer;
    std::thread writerThread;
    std::atomic<std::uint64_t> committed{0};
    std::atomic<bool> failed{false};
    std::mutex failureMutex;
    std::optional<Error> failure; // guarded by failureMutex
    bool flushed = false;
    bool finished = false;

    void fail(Error error)
    {
        // SQLite's messages ("disk I/O error", "attempt to write a readonly database") do not say
        // which file: the user has to know which store failed.
        if (error.code == ErrorCode::Store && error.message.find(path) == std::string::npos)
            error.message = path + ": " + error.message;
        std::lock_guard lock(failureMutex);
        if (!failure)
            failure = std::move(error);
        failed = true;
    }

    Result<void> status()
    {
        if (!failed.load(std::memory_order_relaxed))
            return {};
        std::lock_guard lock(failureMutex);
        return *failure;
    }

    Result<void> queue(Item item)
    {
        if (auto ok = status(); !ok)
            return ok;
        toIndex.push(std::move(item));
        return {};
    }

    // Posting lists on the second core while the writer inserts rows.
    void index()
    {
        IndexBuilder terms;
        while (auto item = toIndex.pop()) {
            if (item->kind == Item::Kind::Events && !failed.load(std::memory_order_relaxed))
                terms.addTerms(*item->batch, item->firstId);
            const bool flush = terms.postingBytes() > PostingBudgetBytes;
            const std::int64_t through = terms.lastId();
            toWrite.push(std::move(*item));
            if (flush) {
                Item segment;
                segment.kind = Item::Kind::Segment;
                segment.segment = terms.takeSegment();
                segment.indexedThrough = through;
                toWrite.push(std::move(segment));
            }
        }
        Item segment;
        segment.kind = Item::Kind::Segment;
        segment.indexedThrough = terms.lastId();
        segment.segment = terms.takeSegment();
        toWrite.push(std::move(segment));
        toWrite.close();
    }

    void write()
    {
        std::uint64_t written = 0;
        std::map<std::int64_t, std::uint64_t> writtenBySource;
        auto lastCommit = Clock::now();
        bool anyCommitted = false;
        const auto check = [&](Result<void> result) {
            if (!result)
                fail(result.error());
        };
        const auto commit = [&] {
            check(writer->commit());
            committed = written;
            lastCommit = Clock::now();
            anyCommitted = true;
        };
        while (auto item = toWrite.pop()) {
            if (failed.load(std::memory_order_relaxed))
                continue; // drain so the indexer can finish
            switch (item->kind) {
            case Item::Kind::SourceBegin:
                if (item->replacesSourceId)
                    check(writer->removeSource(item->replacesSourceId));
                check(writer->addSource(item->source, item->mtimeNs));
                break;
            case Item::Kind::FailedSource:
                check(writer->addSource(item->source, 0));
                break;
            case Item::Kind::Events: {
                check(writer->writeEvents(item->source.id, *item->batch, item->firstId));
                for (const RawBlock &block : item->raw)
                    check(writer->writeRaw(item->source.id, block));
                check(writer->writeBuckets(item->buckets));
                const std::uint64_t events = item->batch->records.size();
                written += events;
                writtenBySource[item->source.id] += events;
                spareBatches.tryPush(std::move(item->batch));
                if (!anyCommitted || Clock::now() - lastCommit > CommitInterval)
                    commit();
                break;
            }
            case Item::Kind::SourceEnd:
                check(writer->updateSource(item->source));
                commit();
                break;
            case Item::Kind::SourceDrop:
                check(writer->removeSource(item->source.id));
                written -= writtenBySource[item->source.id];
                commit();
                break;
            case Item::Kind::Segment:
                check(writer->writeSegment(item->segment));
                check(writer->setIndexedThrough(item->indexedThrough));
                break;
            case Item::Kind::Fields:
                check(writer->writeFields(item->fields));
                break;
            }
        }
        if (!failed.load())
            commit();
    }

    // Ends both threads; what they had queued is written unless a call failed.
    void drain()
    {
        if (flushed)
            return;
        flushed = true;
        toIndex.close();
        indexer.join();
        writerThread.join();
    }
};

SqliteSink::SqliteSink(std::unique_ptr<Private> parts)
    : d(std::move(parts))
{ }

SqliteSink::~SqliteSink()
{
    if (!d->flushed) {
        d->fail(makeError(ErrorCode::Cancelled, "import abandoned"));
        d->drain();
    }
    if (!d->finished)
        (void)d->writer->rollback();
}

namespace {

// The store opened for writing with its writer lock held, waiting (as openSink says) while another
// import holds it.
Result<std::pair<std::unique_ptr<SqliteStore>, std::unique_ptr<StoreWriter>>>
openForWriting(const std::string &path, const std::function<bool()> &keepWaiting)
{
    while (true) {
        auto store = SqliteStore::open(path, OpenMode::ReadWrite);
        std::optional<Error> busy;
        if (store) {
            auto writer = (*store)->writer();
            if (writer)
                return std::pair{std::move(store.value()), std::move(writer.value())};
            if (writer.error().code != ErrorCode::Busy)
                return writer.error();
            busy = writer.error();
        } else if (store.error().code != ErrorCode::Busy) {
            return store.error();
        } else {
            busy = store.error();
        }
        if (!keepWaiting)
            return *busy;
        if (!keepWaiting())
            return makeError(ErrorCode::Cancelled, "stopped waiting for the other import writing " + path);
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
}

} // namespace

Result<std::unique_ptr<SqliteSink>> SqliteSink::open(const std::string &path, const std::function<bool()> &keepWaiting)
{
    auto opened = openForWriting(path, keepWaiting);
    if (!opened)
        return opened.error();
    auto d = std::make_unique<Private>();
    d->path = path;
    d->store = std::move(opened->first);
    d->writer = std::move(opened->second);
    d->nextEventId = d->writer->nextEventId();
    Private *p = d.get();
    d->indexer = std::thread([p] { p->index(); });
    d->writerThread = std::thread([p] { p->write(); });
    return std::unique_ptr<SqliteSink>(new SqliteSink(std::move(d)));
}

Result<std::vector<SourceRow>> SqliteSink::existingSources()
{
    // Before the first source: the writer thread has not touched the connection yet.
    return d->store->sources();
}

std::vector<SourceRow> SqliteSink::rolledBackSources() const
{
    return d->writer->rolledBack();
}

std::int64_t SqliteSink::nextSourceId()
{
    return d->writer->nextSourceId();
}

Result<void> SqliteSink::beginSource(const SourceRow &source, std::int64_t mtimeNs, std::int64_t replacesSourceId)
{
    Item item;
    item.kind = Item::Kind::SourceBegin;
    item.source = source;
    item.mtimeNs = mtimeNs;
    item.replacesSourceId = replacesSourceId;
    return d->queue(std::move(item));
}

Result<void> SqliteSink::addFailedSource(const SourceRow &source)
{
    Item item;
    item.kind = Item::Kind::FailedSource;
    item.source = source;
    return d->queue(std::move(item));
}

std::unique_ptr<RecordBatch> SqliteSink::emptyBatch()
{
    // Batches come back from the writer once written: reusing their memory saves page faults.
    if (auto recycled = d->spareBatches.tryPop()) {
        (*recycled)->clear();
        return std::move(*recycled);
    }
    return std::make_unique<RecordBatch>();
}

Result<void> SqliteSink::add(std::int64_t sourceId, std::unique_ptr<RecordBatch> batch, std::vector<RawLines> raw)
{
    Item item;
    item.kind = Item::Kind::Events;
    item.source.id = sourceId;
    item.firstId = d->nextEventId;
    d->nextEventId += static_cast<std::int64_t>(batch->records.size());
    d->statistics.addStatistics(*batch);
    item.buckets = d->statistics.takeBuckets();
    item.raw.reserve(raw.size());
    for (const RawLines &lines : raw)
        item.raw.push_back(RawBlock{lines.firstLine, lines.lineCount, compressRaw(lines.bytes)});
    item.batch = std::move(batch);
    return d->queue(std::move(item));
}

Result<void> SqliteSink::endSource(const SourceRow &source)
{
    Item item;
    item.kind = Item::Kind::SourceEnd;
    item.source = source;
    return d->queue(std::move(item));
}

Result<void> SqliteSink::dropSource(std::int64_t sourceId)
{
    Item item;
    item.kind = Item::Kind::SourceDrop;
    item.source.id = sourceId;
    return d->queue(std::move(item));
}

std::uint64_t SqliteSink::committedEvents() const
{
    return d->committed.load();
}

Result<void> SqliteSink::flush()
{
    if (!d->flushed && !d->failed.load()) {
        Item fields;
        fields.kind = Item::Kind::Fields;
        fields.fields = d->statistics.fieldSummaries();
        d->toIndex.push(std::move(fields));
    }
    d->drain();
    return d->status();
}

Result<void> SqliteSink::finish()
{
    if (auto flushed = flush(); !flushed)
        return flushed;
    if (auto indexed = d->writer->setIndexedThrough(d->nextEventId - 1); !indexed)
        return indexed;
    if (auto done = d->writer->finish(); !done)
        return done;
    d->finished = true;
    return {};
}

} // namespace core
