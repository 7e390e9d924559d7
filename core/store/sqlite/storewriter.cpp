// SPDX-License-Identifier: MIT
#include "storewriter.h"

#include "postingblocks.h"
#include "rollups.h"
#include "schema.h"
#include "storeprivate.h"
#include "timeorder.h"

#include <core/base/jsonwriter.h>

#include <zstd.h>

#include <unordered_map>

namespace core {

struct StoreWriter::Private {
    sqlite3 *db = nullptr;
    sql::Statement insertEvent;
    sql::Statement insertRaw;
    sql::Statement insertPosting;
    sql::Statement insertDict;
    sql::Statement addBucket;
    struct StringHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
    };
    std::unordered_map<std::string, std::int64_t, StringHash, std::equal_to<>> dict;
    std::int64_t nextEventId = 1;
    std::int64_t nextSourceId = 1;
    std::int64_t nextSegment = 1;
    bool inTransaction = false;
    std::string path;
    std::vector<SourceRow> rolledBack;

    Result<void> begin()
    {
        if (inTransaction)
            return {};
        if (auto began = sql::exec(db, "BEGIN"); !began)
            return began;
        inTransaction = true;
        return {};
    }

    // Dictionary id of a service, level text or status; 0 for the empty string (stored as NULL).
    Result<std::int64_t> dictId(std::string_view value)
    {
        if (value.empty())
            return std::int64_t{0};
        auto found = dict.find(value);
        if (found != dict.end())
            return found->second;
        insertDict.bind(1, value);
        if (auto inserted = insertDict.run(); !inserted)
            return inserted.error();
        const std::int64_t id = sqlite3_last_insert_rowid(db);
        dict.emplace(std::string(value), id);
        return id;
    }
};

Result<std::unique_ptr<StoreWriter>> makeStoreWriter(sqlite3 *db, const std::string &path)
{
    auto d = std::make_unique<StoreWriter::Private>();
    d->db = db;
    d->path = path;
    struct {
        sql::Statement *target;
        const char *text;
    } statements[] = {
        {&d->insertEvent,
         "INSERT INTO events(id, ts, source, line, idx, nlines, level, flags, service, level_text, message, "
         "request_id, "
         "trace_id, span_id, parent_span_id, duration, status) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
         "?12, ?13, ?14, ?15, ?16, ?17)"},
        {&d->insertRaw, "INSERT OR REPLACE INTO raw(id, line_count, data) VALUES (?1, ?2, ?3)"},
        {&d->insertPosting, "INSERT INTO postings(segment, first_term, data) VALUES (?1, ?2, ?3)"},
        {&d->insertDict, "INSERT INTO dict(value) VALUES (?1)"},
        {&d->addBucket,
         "INSERT INTO buckets(start, level, service, count) VALUES (?1, ?2, ?3, ?4) "
         "ON CONFLICT(start, level, service) DO UPDATE SET count = count + excluded.count"},
    };
    for (auto &[target, text] : statements) {
        auto prepared = sql::Statement::prepare(db, text);
        if (!prepared)
            return prepared.error();
        *target = std::move(prepared.value());
    }
    auto dict = readDictionary(db);
    if (!dict)
        return dict.error();
    for (auto &[id, value] : dict.value())
        d->dict.emplace(std::move(value), id);
    // Ids are never reused: posting lists may still name the events of a removed duplicate.
    auto nextEvent = sql::queryInteger(db,
                                       "SELECT max((SELECT coalesce(max(id), 0) FROM events), "
                                       "(SELECT coalesce(max(value), 0) FROM meta WHERE key = 'indexed_through')) + 1");
    auto nextSource = sql::queryInteger(db, "SELECT coalesce(max(id), 0) + 1 FROM sources");
    auto nextSegment = sql::queryInteger(db, "SELECT coalesce(max(segment), 0) + 1 FROM postings");
    if (!nextEvent || !nextSource || !nextSegment)
        return sql::storeError(db, path + ": reading the store's counters");
    d->nextEventId = *nextEvent;
    d->nextSourceId = *nextSource;
    d->nextSegment = *nextSegment;
    // Every commit is synced (journal, then store) so that power loss mid-import leaves the store as
    // of the last commit, which the next import rolls forward from: about 50 fsyncs for 300k lines,
    // measured 20 ms in a 5 s import. Memory stays bounded whatever the input: no mmap (mapped
    // pages count as resident) and the sorter of CREATE INDEX spills to a temporary file.
    if (auto pragmas = sql::exec(db,
                                 "PRAGMA synchronous = FULL; PRAGMA mmap_size = 0; PRAGMA temp_store = FILE; "
                                 "PRAGMA cache_size = -32768;");
        !pragmas)
        return pragmas.error();
    auto writer = std::make_unique<StoreWriter>(std::move(d));
    if (auto recovered = writer->rollBackInterrupted(); !recovered)
        return recovered.error();
    return writer;
}

Result<void> StoreWriter::rollBackInterrupted()
{
    // The caller holds the writer lock: a source still `importing` belongs to an import that died.
    auto statement = sql::Statement::prepare(d->db, "SELECT id, name FROM sources WHERE status = 'importing'");
    if (!statement)
        return statement.error();
    std::vector<SourceRow> interrupted;
    while (true) {
        auto row = statement->step();
        if (!row)
            return row.error();
        if (!*row)
            break;
        SourceRow source;
        source.id = statement->integer(0);
        source.name = statement->text(1);
        interrupted.push_back(std::move(source));
    }
    statement->reset();
    for (SourceRow &source : interrupted) {
        auto events
            = sql::queryInteger(d->db, "SELECT count(*) FROM events WHERE source = " + std::to_string(source.id));
        if (!events)
            return events.error();
        source.counts.events = static_cast<std::uint64_t>(events.value());
        if (auto removed = removeSource(source.id); !removed)
            return removed;
    }
    if (interrupted.empty())
        return {};
    if (auto committed = commit(); !committed)
        return committed;
    d->rolledBack = std::move(interrupted);
    return {};
}

const std::vector<SourceRow> &StoreWriter::rolledBack() const
{
    return d->rolledBack;
}

StoreWriter::StoreWriter(std::unique_ptr<Private> impl)
    : d(std::move(impl))
{ }

StoreWriter::~StoreWriter()
{
    if (d && d->inTransaction)
        (void)sql::exec(d->db, "ROLLBACK");
}

std::int64_t StoreWriter::nextEventId() const
{
    return d->nextEventId;
}

std::int64_t StoreWriter::nextSourceId() const
{
    return d->nextSourceId;
}

Result<void> StoreWriter::addSource(const SourceRow &source, std::int64_t mtimeNs)
{
    if (auto began = d->begin(); !began)
        return began;
    auto statement = sql::Statement::prepare(
        d->db,
        "INSERT INTO sources(id, name, format, size, mtime, status, error, first_event, path) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
    if (!statement)
        return statement.error();
    statement->bind(1, source.id).bind(2, source.name).bind(3, source.format).bind(4, source.size).bind(5, mtimeNs);
    statement->bind(6, sourceStatusName(source.status)).bindTextOrNull(7, source.error).bind(8, d->nextEventId);
    statement->bind(9, source.path);
    if (auto inserted = statement->run(); !inserted)
        return inserted;
    d->nextSourceId = std::max(d->nextSourceId, source.id + 1);
    return {};
}

Result<void> StoreWriter::updateSource(const SourceRow &source)
{
    if (auto began = d->begin(); !began)
        return began;
    auto statement = sql::Statement::prepare(
        d->db,
        "UPDATE sources SET name = ?2, format = ?3, sha256 = ?4, size = ?5, status = ?6, last_line = ?7, error = ?8, "
        "lines = ?9, event_lines = ?10, continuation_lines = ?11, document_lines = ?12, blank_lines = ?13, "
        "events = ?14, unparsed = ?15, spans = ?16 WHERE id = ?1");
    if (!statement)
        return statement.error();
    const LineCounts &c = source.counts;
    statement->bind(1, source.id).bind(2, source.name).bind(3, source.format).bindTextOrNull(4, source.sha256);
    statement->bind(5, source.size).bind(6, sourceStatusName(source.status)).bind(7, source.lastLine);
    statement->bindTextOrNull(8, source.error);
    const std::uint64_t counts[]
        = {c.lines, c.eventLines, c.continuationLines, c.documentLines, c.blankLines, c.events, c.unparsed, c.spans};
    for (int i = 0; i < 8; ++i)
        statement->bind(9 + i, static_cast<std::int64_t>(counts[i]));
    return statement->run();
}

Result<void> StoreWriter::removeSourceContent(std::int64_t sourceId)
{
    if (auto began = d->begin(); !began)
        return began;
    // The bucket counts lose what the source added, so they keep matching the rows.
    auto buckets = sql::Statement::prepare(
        d->db,
        "INSERT INTO buckets(start, level, service, count) "
        "SELECT CASE WHEN ts = -9223372036854775807 - 1 THEN ts WHEN ts >= 0 THEN ts / 1000000000 * 1000000000 "
        "ELSE ((ts + 1) / 1000000000 - 1) * 1000000000 END, level, coalesce(service, 0), -count(*) "
        "FROM events WHERE source = ?1 GROUP BY 1, 2, 3 "
        "ON CONFLICT(start, level, service) DO UPDATE SET count = count + excluded.count");
    if (!buckets)
        return buckets.error();
    buckets->bind(1, sourceId);
    if (auto subtracted = buckets->run(); !subtracted)
        return subtracted;
    if (auto emptied = sql::exec(d->db, "DELETE FROM buckets WHERE count = 0"); !emptied)
        return emptied;
    if (auto rolled = rollups::subtractSource(d->db, sourceId); !rolled)
        return rolled;
    auto events = sql::Statement::prepare(d->db, "DELETE FROM events WHERE source = ?1");
    auto raw = sql::Statement::prepare(d->db, "DELETE FROM raw WHERE id >= ?1 AND id < ?2");
    if (!events || !raw)
        return sql::storeError(d->db, "removing a source's events");
    events->bind(1, sourceId);
    raw->bind(1, rawBlockId(sourceId, 0)).bind(2, rawBlockId(sourceId + 1, 0));
    if (auto removed = events->run(); !removed)
        return removed;
    return raw->run();
}

Result<void> StoreWriter::removeSource(std::int64_t sourceId)
{
    if (auto content = removeSourceContent(sourceId); !content)
        return content;
    auto statement = sql::Statement::prepare(d->db, "DELETE FROM sources WHERE id = ?1");
    if (!statement)
        return statement.error();
    statement->bind(1, sourceId);
    return statement->run();
}

Result<void> StoreWriter::writeEvents(std::int64_t sourceId, const RecordBatch &batch, std::int64_t firstId)
{
    if (auto began = d->begin(); !began)
        return began;
    sql::Statement &insert = d->insertEvent;
    std::int64_t id = firstId;
    for (const Record &record : batch.records) {
        auto service = d->dictId(record.service);
        auto levelText = d->dictId(record.levelText);
        auto status = d->dictId(record.status);
        if (!service || !levelText || !status)
            return sql::storeError(d->db, "writing the dictionary");
        insert.bind(1, id).bind(2, record.hasTime ? record.timeNs : NoTimeNs).bind(3, sourceId);
        insert.bind(4, std::int64_t{record.firstLine}).bind(5, std::int64_t{record.indexInLine});
        insert.bind(6, std::int64_t{record.lineCount}).bind(7, static_cast<std::int64_t>(record.level));
        insert.bind(8, std::int64_t{record.flags});
        *service ? insert.bind(9, *service) : insert.bindNull(9);
        *levelText ? insert.bind(10, *levelText) : insert.bindNull(10);
        insert.bind(11, record.message);
        insert.bindTextOrNull(12, record.requestId).bindTextOrNull(13, record.traceId);
        insert.bindTextOrNull(14, record.spanId).bindTextOrNull(15, record.parentSpanId);
        record.durationNs >= 0 ? insert.bind(16, record.durationNs) : insert.bindNull(16);
        *status ? insert.bind(17, *status) : insert.bindNull(17);
        if (auto inserted = insert.run(); !inserted)
            return inserted;
        ++id;
    }
    d->nextEventId = std::max(d->nextEventId, id);
    return {};
}

Result<void> StoreWriter::writeRaw(std::int64_t sourceId, const RawBlock &block)
{
    if (auto began = d->begin(); !began)
        return began;
    d->insertRaw.bind(1, rawBlockId(sourceId, block.firstLine)).bind(2, std::int64_t{block.lineCount});
    d->insertRaw.bindBlob(3, block.compressed);
    return d->insertRaw.run();
}

Result<void> StoreWriter::writeSegment(const PostingSegment &segment)
{
    if (segment.terms.empty())
        return {};
    if (auto began = d->begin(); !began)
        return began;
    const std::int64_t number = d->nextSegment++;
    for (const postingblocks::Block &block : postingblocks::pack(segment)) {
        d->insertPosting.bind(1, number).bind(2, block.firstTerm).bindBlob(3, block.data);
        if (auto inserted = d->insertPosting.run(); !inserted)
            return inserted;
    }
    return {};
}

Result<void> StoreWriter::writeBuckets(const std::vector<BucketCount> &counts)
{
    if (auto began = d->begin(); !began)
        return began;
    // The rollups are written in the same transaction as the seconds, so they always agree.
    std::vector<rollups::SecondCount> seconds;
    seconds.reserve(counts.size());
    for (const BucketCount &count : counts) {
        auto service = d->dictId(count.service);
        if (!service)
            return service.error();
        seconds.push_back(
            {count.startNs, static_cast<std::int64_t>(count.level), *service, static_cast<std::int64_t>(count.count)});
        d->addBucket.bind(1, count.startNs).bind(2, static_cast<std::int64_t>(count.level)).bind(3, *service);
        d->addBucket.bind(4, static_cast<std::int64_t>(count.count));
        if (auto added = d->addBucket.run(); !added)
            return added;
    }
    return rollups::add(d->db, seconds);
}

Result<void> StoreWriter::writeFields(const std::map<std::string, FieldSummary> &fields)
{
    if (auto began = d->begin(); !began)
        return began;
    // A later import adds to the catalogue: counts add up, the top values are the new import's when
    // it saw more of the field than the earlier ones.
    auto upsert = sql::Statement::prepare(
        d->db,
        "INSERT INTO fields(path, types, events, top_values) VALUES (?1, ?2, ?3, ?4) "
        "ON CONFLICT(path) DO UPDATE SET types = types | excluded.types, events = events + excluded.events, "
        "top_values = CASE WHEN excluded.events >= events THEN excluded.top_values ELSE top_values END");
    if (!upsert)
        return upsert.error();
    for (const auto &[path, summary] : fields) {
        JsonWriter top;
        top.beginArray();
        for (const auto &[value, count] : summary.topValues)
            top.beginArray().value(value).value(count).endArray();
        top.endArray();
        const std::string &json = top.text();
        upsert->bind(1, path).bind(2, std::int64_t{summary.types}).bind(3, static_cast<std::int64_t>(summary.events));
        upsert->bind(4, json);
        if (auto written = upsert->run(); !written)
            return written;
    }
    return {};
}

Result<void> StoreWriter::setIndexedThrough(std::int64_t eventId)
{
    if (auto began = d->begin(); !began)
        return began;
    auto statement
        = sql::Statement::prepare(d->db, "INSERT OR REPLACE INTO meta(key, value) VALUES ('indexed_through', ?1)");
    if (!statement)
        return statement.error();
    statement->bind(1, eventId);
    return statement->run();
}

Result<void> StoreWriter::commit()
{
    if (!d->inTransaction)
        return {};
    d->inTransaction = false;
    return sql::exec(d->db, "COMMIT");
}

Result<void> StoreWriter::rollback()
{
    if (!d->inTransaction)
        return {};
    d->inTransaction = false;
    return sql::exec(d->db, "ROLLBACK");
}

Result<void> StoreWriter::finish()
{
    if (auto committed = commit(); !committed)
        return committed;
    if (auto index = sql::exec(d->db, schema::OrderIndexSql); !index)
        return index;
    if (auto began = sql::exec(d->db, "BEGIN IMMEDIATE"); !began)
        return began;
    if (auto order = TimeOrder::rebuild(d->db); !order) {
        (void)sql::exec(d->db, "ROLLBACK");
        return order;
    }
    if (auto committed = sql::exec(d->db, "COMMIT"); !committed)
        return committed;
    // Planner statistics for what was imported, bounded so a 10M-row store does not take seconds.
    if (auto optimized = sql::exec(d->db, "PRAGMA analysis_limit = 1000; PRAGMA optimize = 0x10002;"); !optimized)
        return optimized;
    return sql::exec(d->db, "PRAGMA synchronous = NORMAL;");
}

std::string compressRaw(std::string_view bytes)
{
    std::string out(ZSTD_compressBound(bytes.size()), '\0');
    const std::size_t size = ZSTD_compress(out.data(), out.size(), bytes.data(), bytes.size(), 1);
    out.resize(ZSTD_isError(size) ? 0 : size);
    return out;
}

Result<std::string> decompressRaw(std::string_view compressed)
{
    const unsigned long long size = ZSTD_getFrameContentSize(compressed.data(), compressed.size());
    if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN)
        return makeError(ErrorCode::Store, "a raw block is not a zstd frame");
    std::string out(size, '\0');
    const std::size_t written = ZSTD_decompress(out.data(), out.size(), compressed.data(), compressed.size());
    if (ZSTD_isError(written))
        return makeError(ErrorCode::Store,
                         std::string("a raw block does not decompress: ") + ZSTD_getErrorName(written));
    out.resize(written);
    return out;
}

} // namespace core
