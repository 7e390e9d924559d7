// SPDX-License-Identifier: MIT
#include "sqlitestore.h"

#include "postingreader.h"
#include "rawblocks.h"
#include "rollups.h"
#include "schema.h"
#include "storeprivate.h"
#include "storewriter.h"

#include <QFileInfo>

#include <core/ingest/jsonrecord.h>
#include <core/ingest/sourceparser.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <mutex>

namespace core {

namespace {

void configureSqliteOnce()
{
    // Memory statistics take a global mutex on every allocation: measured +55% import time with two threads.
    static std::once_flag once;
    std::call_once(once, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
}

SourceStatus statusFromName(std::string_view name)
{
    if (name == "complete")
        return SourceStatus::Complete;
    if (name == "partial")
        return SourceStatus::Partial;
    if (name == "failed")
        return SourceStatus::Failed;
    return SourceStatus::Importing;
}

} // namespace

const char *const EventColumns
    = "id, ts, source, line, idx, nlines, level, flags, service, level_text, message, request_id, trace_id, span_id, "
      "parent_span_id, duration, status";

std::string_view sourceStatusName(SourceStatus status)
{
    switch (status) {
    case SourceStatus::Importing:
        return "importing";
    case SourceStatus::Complete:
        return "complete";
    case SourceStatus::Partial:
        return "partial";
    case SourceStatus::Failed:
        return "failed";
    case SourceStatus::Interrupted:
        return "interrupted";
    }
    return "importing";
}

SqliteStore::SqliteStore(std::unique_ptr<Private> impl)
    : d(std::move(impl))
{ }

SqliteStore::~SqliteStore() = default;

namespace {

// A store an import was killed in the middle of writing keeps a hot journal, which only a writable
// connection rolls back; a read-only one cannot read the store until then. So when no import is
// writing, a reader rolls it back first, through a connection of its own, if the file allows.
Result<void> recoverJournal(const std::string &path, const WriterLock &lock)
{
    const QFileInfo journal(QString::fromStdString(path + "-journal"));
    if (!journal.exists() || journal.size() == 0 || lock.heldElsewhere())
        return {};
    if (!QFileInfo(QString::fromStdString(path)).isWritable() || !QFileInfo(journal.absolutePath()).isWritable())
        return makeError(ErrorCode::Store,
                         path + ": an interrupted import left the store mid-write (its journal " + path
                             + "-journal); open it once with write access to recover it");
    sqlite3 *raw = nullptr;
    const int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
    sql::DbHandle db(raw);
    if (rc != SQLITE_OK)
        return sql::storeError(db.get(), "recovering " + path);
    sqlite3_busy_timeout(db.get(), 5000);
    if (auto read = sql::queryInteger(db.get(), "SELECT count(*) FROM sqlite_schema"); !read)
        return sql::storeError(db.get(), "recovering " + path);
    return {};
}

} // namespace

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const std::string &path, OpenMode mode)
{
    configureSqliteOnce();
    const QFileInfo file(QString::fromStdString(path));
    if (file.isDir())
        return makeError(ErrorCode::Io, path + " is a folder; a store is a file (such as incident.timberline)");
    if (mode == OpenMode::ReadOnly && !file.exists())
        return makeError(ErrorCode::Io, path + ": no such file");
    sqlite3 *raw = nullptr;
    const int flags = mode == OpenMode::ReadWrite ? (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) : SQLITE_OPEN_READONLY;
    const int rc = sqlite3_open_v2(path.c_str(), &raw, flags | SQLITE_OPEN_NOMUTEX, nullptr);
    sql::DbHandle db(raw);
    if (rc != SQLITE_OK)
        return sql::storeError(db.get(), "opening " + path);
    sqlite3_busy_timeout(db.get(), 5000);
    sqlite3_extended_result_codes(db.get(), 1);
    // SQLite has created the file by now; the lock's descriptor outlives the connection (Private).
    auto lock = WriterLock::open(path, mode == OpenMode::ReadWrite);
    if (!lock)
        return lock.error();
    if (mode == OpenMode::ReadOnly) {
        if (auto recovered = recoverJournal(path, lock.value()); !recovered)
            return recovered.error();
    } else if (lock->heldElsewhere()) {
        // Not even the migration check runs while an import writes: it would wait for the import's
        // locks, and the import for its.
        return makeError(ErrorCode::Busy, "another import is writing " + path);
    }

    if (mode == OpenMode::ReadWrite) {
        if (auto migrated = schema::createOrMigrate(db.get()); !migrated) {
            Error error = migrated.error();
            error.source = path;
            return error;
        }
        // A rollback journal, not WAL: an import appends pages, which need no journal, while WAL
        // writes every page twice (measured: WAL + checkpoint cost 10% of a 200 MB import).
        // Readers still read between the import's commits.
        if (auto journal = sql::exec(db.get(), "PRAGMA journal_mode = TRUNCATE; PRAGMA synchronous = NORMAL;");
            !journal)
            return journal.error();
    } else if (auto checked = schema::check(db.get()); !checked) {
        Error error = checked.error();
        error.source = path;
        return error;
    }
    (void)sql::exec(db.get(), "PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY; PRAGMA mmap_size = 1073741824;");

    auto impl = std::make_unique<Private>();
    impl->path = path;
    impl->lock = std::move(lock.value());
    impl->db = std::move(db);
    impl->writable = mode == OpenMode::ReadWrite;
    return std::unique_ptr<SqliteStore>(new SqliteStore(std::move(impl)));
}

bool SqliteStore::isStore(const std::string &path)
{
    // Cheap and safe on any file: read the header instead of opening it with SQLite.
    QFile file(QString::fromStdString(path));
    if (!file.open(QIODevice::ReadOnly))
        return false;
    const QByteArray header = file.read(100);
    if (header.size() < 100 || !header.startsWith("SQLite format 3"))
        return false;
    const auto byte = [&](int i) { return static_cast<std::uint32_t>(static_cast<unsigned char>(header[i])); };
    const std::uint32_t applicationId = byte(68) << 24 | byte(69) << 16 | byte(70) << 8 | byte(71);
    return applicationId == static_cast<std::uint32_t>(schema::ApplicationId);
}

const std::string &SqliteStore::path() const
{
    return d->path;
}

void SqliteStore::interrupt()
{
    d->interrupted = true;
    sqlite3_interrupt(d->db.get());
}

Result<std::unique_ptr<StoreWriter>> SqliteStore::writer()
{
    if (!d->writable)
        return makeError(ErrorCode::Usage, "the store was opened read-only");
    if (auto locked = d->lock.acquire(); !locked)
        return locked.error();
    return makeStoreWriter(d->db.get(), d->path);
}

Result<std::vector<SourceRow>> SqliteStore::sources()
{
    auto statement = sql::Statement::prepare(
        d->db.get(),
        "SELECT id, name, format, sha256, size, status, last_line, error, lines, event_lines, "
        "continuation_lines, document_lines, blank_lines, events, unparsed, spans, path FROM sources ORDER BY id");
    if (!statement)
        return statement.error();
    std::vector<SourceRow> rows;
    for (;;) {
        auto row = statement->step();
        if (!row)
            return row.error();
        if (!*row)
            break;
        SourceRow source;
        source.id = statement->integer(0);
        source.name = statement->text(1);
        source.format = statement->text(2);
        source.sha256 = statement->text(3);
        source.size = statement->integer(4);
        source.status = statusFromName(statement->view(5));
        source.lastLine = statement->integer(6);
        source.error = statement->text(7);
        source.counts.lines = static_cast<std::uint64_t>(statement->integer(8));
        source.counts.eventLines = static_cast<std::uint64_t>(statement->integer(9));
        source.counts.continuationLines = static_cast<std::uint64_t>(statement->integer(10));
        source.counts.documentLines = static_cast<std::uint64_t>(statement->integer(11));
        source.counts.blankLines = static_cast<std::uint64_t>(statement->integer(12));
        source.counts.events = static_cast<std::uint64_t>(statement->integer(13));
        source.counts.unparsed = static_cast<std::uint64_t>(statement->integer(14));
        source.counts.spans = static_cast<std::uint64_t>(statement->integer(15));
        source.path = statement->text(16);
        if (source.status == SourceStatus::Importing && !d->lock.held() && !d->lock.heldElsewhere()) {
            source.status = SourceStatus::Interrupted;
            source.error = "its import was interrupted; the next import into this store rolls it back";
        }
        d->sourceNames[source.id] = {source.name, source.sha256};
        rows.push_back(std::move(source));
    }
    return rows;
}

Result<StoreStats> SqliteStore::stats()
{
    StoreStats stats;
    auto sources = this->sources();
    if (!sources)
        return sources.error();
    stats.sources = std::move(sources.value());
    for (const SourceRow &source : stats.sources)
        stats.lines += source.counts.lines;

    // Hours from the rollups, seconds only outside their domain (and for events without a time).
    auto levels = rollups::Reader::prepare(d->db.get(), "level, sum(count)", "1", {}, " GROUP BY level");
    if (!levels)
        return levels.error();
    auto levelsRead = levels->run(INT64_MIN, INT64_MAX, [&](const sql::Statement &row) {
        const auto level = std::clamp<std::int64_t>(row.integer(0), 0, LevelCount - 1);
        stats.levels[static_cast<std::size_t>(level)] += static_cast<std::uint64_t>(row.integer(1));
        stats.events += static_cast<std::uint64_t>(row.integer(1));
    });
    if (!levelsRead)
        return levelsRead.error();

    auto services = rollups::Reader::prepare(d->db.get(), "service, sum(count)", "1", {}, " GROUP BY service");
    if (!services)
        return services.error();
    std::map<std::int64_t, std::uint64_t> serviceCounts;
    auto servicesRead = services->run(INT64_MIN, INT64_MAX, [&](const sql::Statement &row) {
        serviceCounts[row.integer(0)] += static_cast<std::uint64_t>(row.integer(1));
    });
    if (!servicesRead)
        return servicesRead.error();
    auto names = sql::Statement::prepare(d->db.get(), "SELECT value FROM dict WHERE id = ?1");
    if (!names)
        return names.error();
    for (const auto &[service, count] : serviceCounts) {
        names->reset();
        names->bind(1, service);
        auto row = names->step();
        if (!row)
            return row.error();
        stats.services[*row ? names->text(0) : std::string()] += count;
    }

    auto requestIds = PostingReader(d->db.get()).termsWithPrefix("@rid=");
    if (!requestIds)
        return requestIds.error();
    stats.requestIds = requestIds->size();

    // Two queries: SQLite answers a lone min() or max() from the time index's end, both together by a scan.
    auto first = sql::Statement::prepare(d->db.get(), "SELECT min(ts) FROM events WHERE ts > ?1");
    auto last = sql::Statement::prepare(d->db.get(), "SELECT max(ts) FROM events WHERE ts > ?1");
    if (!first)
        return first.error();
    if (!last)
        return last.error();
    first->bind(1, NoTimeNs);
    last->bind(1, NoTimeNs);
    auto firstRow = first->step();
    if (!firstRow)
        return firstRow.error();
    auto lastRow = last->step();
    if (!lastRow)
        return lastRow.error();
    if (*firstRow && !first->isNull(0) && *lastRow && !last->isNull(0)) {
        stats.firstNs = first->integer(0);
        stats.lastNs = last->integer(0);
    }
    return stats;
}

Result<std::uint64_t> SqliteStore::eventCount()
{
    // Finished sources know their events; a source being imported owns every row from its first id
    // on (ids are consecutive), committed rows included before the indexer has counted them.
    auto count
        = sql::queryInteger(d->db.get(),
                            "SELECT coalesce(sum(CASE WHEN status = 'importing' THEN "
                            "max(0, (SELECT coalesce(max(id), 0) FROM events) - first_event + 1) ELSE events END), 0) "
                            "FROM sources WHERE first_event IS NOT NULL OR status != 'importing'");
    if (!count)
        return count.error();
    return static_cast<std::uint64_t>(*count);
}

namespace {

Result<std::string> dictValue(sqlite3 *db, std::unordered_map<std::int64_t, std::string> &cache, std::int64_t id)
{
    if (auto found = cache.find(id); found != cache.end())
        return found->second;
    auto statement = sql::Statement::prepare(db, "SELECT id, value FROM dict WHERE id >= ?1 ORDER BY id LIMIT 4096");
    if (!statement)
        return statement.error();
    statement->bind(1, id);
    while (true) {
        auto row = statement->step();
        if (!row)
            return row.error();
        if (!*row)
            break;
        cache[statement->integer(0)] = statement->text(1);
    }
    return cache[id];
}

} // namespace

Result<std::unordered_map<std::int64_t, std::string>> readDictionary(sqlite3 *db)
{
    auto statement = sql::Statement::prepare(db, "SELECT id, value FROM dict");
    if (!statement)
        return statement.error();
    std::unordered_map<std::int64_t, std::string> values;
    while (true) {
        auto row = statement->step();
        if (!row)
            return row.error();
        if (!*row)
            break;
        values.emplace(statement->integer(0), statement->text(1));
    }
    return values;
}

Result<std::vector<EventRow>> readEvents(SqliteStore::Private &d, sql::Statement &statement)
{
    std::vector<EventRow> rows;
    while (true) {
        auto stepped = statement.step();
        if (!stepped)
            return stepped.error();
        if (!*stepped)
            break;
        EventRow row;
        row.arrival = statement.integer(0); // the row id: the SQLite store's arrival order
        row.key = EventKey{statement.integer(1), statement.integer(2), static_cast<std::uint32_t>(statement.integer(3)),
                           static_cast<std::uint32_t>(statement.integer(4))};
        row.lineCount = static_cast<std::uint32_t>(statement.integer(5));
        row.level = static_cast<Level>(std::clamp<std::int64_t>(statement.integer(6), 0, LevelCount - 1));
        row.flags = static_cast<std::uint8_t>(statement.integer(7));
        for (auto [column, target] : {std::pair{8, &row.service}, {9, &row.levelText}, {16, &row.status}}) {
            if (statement.isNull(column))
                continue;
            auto value = dictValue(d.db.get(), d.dict, statement.integer(column));
            if (!value)
                return value.error();
            *target = std::move(value.value());
        }
        row.message = statement.text(10);
        row.requestId = statement.text(11);
        row.traceId = statement.text(12);
        row.spanId = statement.text(13);
        row.parentSpanId = statement.text(14);
        row.durationNs = statement.isNull(15) ? -1 : statement.integer(15);
        rows.push_back(std::move(row));
    }
    for (EventRow &row : rows) {
        auto source = d.sourceNames.find(row.key.sourceId);
        if (source == d.sourceNames.end()) {
            auto statement2
                = sql::Statement::prepare(d.db.get(), "SELECT name, coalesce(sha256, '') FROM sources WHERE id = ?1");
            if (!statement2)
                return statement2.error();
            statement2->bind(1, row.key.sourceId);
            auto found = statement2->step();
            if (!found)
                return found.error();
            source = d.sourceNames
                         .emplace(row.key.sourceId,
                                  std::pair{*found ? statement2->text(0) : std::string(),
                                            *found ? statement2->text(1) : std::string()})
                         .first;
        }
        row.sourceName = source->second.first;
        row.sourceSha256 = source->second.second;
    }
    return rows;
}

Result<std::vector<EventRow>> SqliteStore::events(std::optional<EventKey> after, std::size_t limit, Direction direction)
{
    const bool ascending = direction == Direction::Ascending;
    std::string query = std::string("SELECT ") + EventColumns + " FROM events";
    if (after)
        query += ascending ? " WHERE (ts, source, line, idx) > (?1, ?2, ?3, ?4)"
                           : " WHERE (ts, source, line, idx) < (?1, ?2, ?3, ?4)";
    query += ascending ? " ORDER BY ts, source, line, idx LIMIT ?5"
                       : " ORDER BY ts DESC, source DESC, line DESC, idx DESC LIMIT ?5";
    auto statement = sql::Statement::prepare(d->db.get(), query);
    if (!statement)
        return sql::readError(statement.error(), d->path);
    if (after)
        statement->bind(1, after->timeNs)
            .bind(2, after->sourceId)
            .bind(3, std::int64_t{after->line})
            .bind(4, std::int64_t{after->index});
    statement->bind(5, static_cast<std::int64_t>(limit));
    return answered(*d, readEvents(*d, *statement));
}

Result<std::vector<EventRow>> SqliteStore::eventsByArrival(std::int64_t after, std::size_t limit)
{
    auto statement = sql::Statement::prepare(
        d->db.get(), std::string("SELECT ") + EventColumns + " FROM events WHERE id > ?1 ORDER BY id LIMIT ?2");
    if (!statement)
        return statement.error();
    statement->bind(1, after).bind(2, static_cast<std::int64_t>(limit));
    return readEvents(*d, *statement);
}

Result<std::string> SqliteStore::rawText(const EventRow &event)
{
    return RawBlocks(d->db.get()).lines(event);
}

const Record *reparseEvent(std::string_view raw, const EventRow &event, RecordBatch &batch)
{
    // The record is parsed again from its raw lines: the store keeps values in one place only.
    ParseOptions options;
    options.sourceName = event.sourceName;
    SourceParser parser(options);
    std::string_view rest = raw;
    while (true) {
        const std::size_t end = rest.find('\n');
        parser.addLine(rest.substr(0, end), batch);
        if (end == std::string_view::npos)
            break;
        rest.remove_prefix(end + 1);
    }
    parser.finish(batch);
    const Record *match = nullptr;
    for (const Record &record : batch.records)
        if (record.indexInLine == event.key.index && (!match || record.firstLine == 1))
            match = &record;
    if (!match && !batch.records.empty())
        match = &batch.records.front();
    if (match && !(match->flags & RecordUnparsed))
        return match;
    // An element of a larger document (a span of a Zipkin array, a record of {"Records": [...]}): its
    // lines hold one JSON object, cut out of its surroundings, perhaps followed by a comma.
    const std::size_t open = raw.find('{');
    const std::size_t close = raw.rfind('}');
    if (open == std::string_view::npos || close == std::string_view::npos || close < open)
        return match;
    batch.clear();
    if (!parseJsonRecord(raw.substr(open, close - open + 1), options, event.key.line, event.lineCount, event.key.index,
                         batch))
        return nullptr;
    return &batch.records.back();
}

Result<std::vector<std::pair<std::string, std::string>>> SqliteStore::fields(const EventRow &event)
{
    auto raw = rawText(event);
    if (!raw)
        return raw.error();
    RecordBatch batch;
    const Record *match = reparseEvent(raw.value(), event, batch);
    std::vector<std::pair<std::string, std::string>> fields;
    if (match)
        for (const Field &field : batch.fieldsOf(*match))
            fields.emplace_back(std::string(field.path), std::string(field.value));
    return fields;
}

} // namespace core
