// SPDX-License-Identifier: MIT
#include "schema.h"

#include "errorterms.h"
#include "postingblocks.h"
#include "rollups.h"
#include "sqlite.h"
#include "timeorder.h"

#include <string>

namespace core::schema {

namespace {

// Version 1. docs/STORE.md explains the current tables; tests/fixtures/stores/vN.sql keeps each
// version's schema so that every migration is tested from a store built with it.
constexpr const char *SchemaV1 = R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value) WITHOUT ROWID;
CREATE TABLE sources(
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    path TEXT NOT NULL DEFAULT '',
    format TEXT NOT NULL DEFAULT '',
    sha256 TEXT,
    size INTEGER NOT NULL DEFAULT 0,
    mtime INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL,
    last_line INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    first_event INTEGER,
    lines INTEGER NOT NULL DEFAULT 0,
    event_lines INTEGER NOT NULL DEFAULT 0,
    continuation_lines INTEGER NOT NULL DEFAULT 0,
    document_lines INTEGER NOT NULL DEFAULT 0,
    blank_lines INTEGER NOT NULL DEFAULT 0,
    events INTEGER NOT NULL DEFAULT 0,
    unparsed INTEGER NOT NULL DEFAULT 0,
    spans INTEGER NOT NULL DEFAULT 0);
CREATE TABLE dict(id INTEGER PRIMARY KEY, value TEXT NOT NULL UNIQUE);
CREATE TABLE events(
    id INTEGER PRIMARY KEY,
    ts INTEGER NOT NULL,
    source INTEGER NOT NULL,
    line INTEGER NOT NULL,
    idx INTEGER NOT NULL,
    nlines INTEGER NOT NULL,
    level INTEGER NOT NULL,
    flags INTEGER NOT NULL,
    service INTEGER,
    level_text INTEGER,
    message TEXT,
    request_id TEXT,
    trace_id TEXT,
    span_id TEXT,
    parent_span_id TEXT,
    duration INTEGER,
    status INTEGER);
CREATE TABLE raw(id INTEGER PRIMARY KEY, line_count INTEGER NOT NULL, data BLOB NOT NULL);
CREATE TABLE postings(term TEXT NOT NULL, segment INTEGER NOT NULL, ids BLOB NOT NULL,
    PRIMARY KEY(term, segment)) WITHOUT ROWID;
CREATE TABLE buckets(start INTEGER NOT NULL, level INTEGER NOT NULL, service INTEGER NOT NULL,
    count INTEGER NOT NULL, PRIMARY KEY(start, level, service)) WITHOUT ROWID;
CREATE TABLE fields(path TEXT PRIMARY KEY, types INTEGER NOT NULL, events INTEGER NOT NULL,
    top_values TEXT NOT NULL) WITHOUT ROWID;
CREATE VIEW event_rows AS
SELECT e.id AS id,
       strftime('%Y-%m-%dT%H:%M:%S', e.ts / 1000000000, 'unixepoch')
           || printf('.%09dZ', e.ts % 1000000000) AS time,
       e.ts AS ts,
       CASE e.level WHEN 1 THEN 'trace' WHEN 2 THEN 'debug' WHEN 3 THEN 'info' WHEN 4 THEN 'warn'
                    WHEN 5 THEN 'error' WHEN 6 THEN 'fatal' ELSE 'unknown' END AS level,
       lt.value AS level_text,
       sv.value AS service,
       e.message AS message,
       e.request_id AS request_id,
       e.trace_id AS trace_id,
       e.span_id AS span_id,
       e.parent_span_id AS parent_span_id,
       e.duration AS duration_ns,
       st.value AS status,
       s.name AS source,
       s.sha256 AS source_sha256,
       e.line AS line,
       e.idx AS idx,
       e.nlines AS nlines,
       e.flags & 1 AS unparsed
FROM events e
JOIN sources s ON s.id = e.source
LEFT JOIN dict sv ON sv.id = e.service
LEFT JOIN dict lt ON lt.id = e.level_text
LEFT JOIN dict st ON st.id = e.status;
)sql";

// Version 2: posting lists packed in blocks (postingblocks.h), one row per block instead of one per
// term and segment. The SQL makes room; packOldPostings moves the lists.
constexpr const char *SchemaV2 = R"sql(
ALTER TABLE postings RENAME TO postings_v1;
CREATE TABLE postings(segment INTEGER NOT NULL, first_term TEXT NOT NULL, data BLOB NOT NULL,
    PRIMARY KEY(segment, first_term)) WITHOUT ROWID;
)sql";

Result<void> packOldPostings(sqlite3 *db)
{
    auto rows = sql::Statement::prepare(db, "SELECT segment, term, ids FROM postings_v1 ORDER BY segment, term");
    auto insert = sql::Statement::prepare(db, "INSERT INTO postings(segment, first_term, data) VALUES (?1, ?2, ?3)");
    if (!rows || !insert)
        return sql::storeError(db, "reading version 1 posting lists");
    PostingSegment segment;
    std::int64_t number = 0;
    const auto flush = [&]() -> Result<void> {
        for (const postingblocks::Block &block : postingblocks::pack(segment)) {
            insert->bind(1, number).bind(2, block.firstTerm).bindBlob(3, block.data);
            if (auto inserted = insert->run(); !inserted)
                return inserted;
        }
        segment.terms.clear();
        return {};
    };
    while (true) {
        auto row = rows->step();
        if (!row)
            return row.error();
        if (!*row || rows->integer(0) != number) {
            if (auto flushed = flush(); !flushed)
                return flushed;
            if (!*row)
                break;
            number = rows->integer(0);
        }
        segment.terms.emplace_back(rows->text(1), rows->text(2));
    }
    return sql::exec(db, "DROP TABLE postings_v1");
}

// Version 3: the bucket counts rolled up per minute and per hour (rollups.h), so that sums over long
// ranges read few rows. The SQL makes the table; rollups::buildFromBuckets fills it.
constexpr const char *SchemaV3 = R"sql(
CREATE TABLE rollups(width INTEGER NOT NULL, start INTEGER NOT NULL, level INTEGER NOT NULL,
    service INTEGER NOT NULL, count INTEGER NOT NULL, PRIMARY KEY(width, start, level, service)) WITHOUT ROWID;
)sql";

// Version 4: the one order held as arrays (timeorder.h), written when an import finishes. The time
// index also carries level and service, so that writing the order reads the index alone; an older
// store's index is made again here and its order written from it. The import also writes error
// terms now (IndexBuilder::ErrorTerms): an older store's error events get theirs here.
constexpr const char *SchemaV4 = R"sql(
CREATE TABLE event_order(block INTEGER PRIMARY KEY, ids BLOB NOT NULL, times BLOB NOT NULL, levels BLOB NOT NULL,
    services BLOB NOT NULL);
)sql";

Result<void> writeOrderAndErrorTerms(sqlite3 *db)
{
    auto index
        = sql::queryInteger(db, "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name = 'events_order'");
    if (!index)
        return index.error();
    if (*index > 0)
        if (auto made = sql::exec(db, std::string("DROP INDEX events_order; ") + OrderIndexSql); !made)
            return made;
    if (auto order = TimeOrder::rebuild(db); !order)
        return order;
    return addMissingErrorTerms(db);
}

// Version 5: `ts` holds time keys (core/base/timekey.h). Up to version 4 it held UTC nanoseconds,
// which wrap outside 1677-2262; a key is the same number within ±2^62 ns of the epoch (1823-2116)
// and counts microseconds beyond, so that years 1 to 9999 fit. Only events dated 1677-1823 or
// 2116-2262 need a new number: reencodeTimesOutsideTheWindow gives them theirs, moves their second
// buckets along and writes the one order again (rollups cover 1855-2084 only and stay as they are).
// Their error terms keep the minute of their old nanoseconds: those events were outside any minute
// the error timelines draw then, and they still are. The event_rows view decodes keys.
constexpr const char *SchemaV5 = R"sql(
DROP VIEW IF EXISTS event_rows;
CREATE VIEW event_rows AS
SELECT e.id AS id,
       CASE WHEN e.ts = -9223372036854775807 - 1 THEN NULL
            WHEN e.ts BETWEEN -4611686018427387904 AND 4611686018427387904 THEN
                strftime('%Y-%m-%dT%H:%M:%S', (e.ts - ((e.ts % 1000000000) + 1000000000) % 1000000000) / 1000000000, 'unixepoch')
                || printf('.%09dZ', ((e.ts % 1000000000) + 1000000000) % 1000000000)
            ELSE (SELECT strftime('%Y-%m-%dT%H:%M:%S', (us - ((us % 1000000) + 1000000) % 1000000) / 1000000, 'unixepoch')
                         || printf('.%06d000Z', ((us % 1000000) + 1000000) % 1000000)
                  FROM (SELECT CASE WHEN e.ts > 0 THEN e.ts - 4611686018427387904 + 4611686018427387
                                    ELSE -(-e.ts - 4611686018427387904 + 4611686018427387) END AS us))
       END AS time,
       e.ts AS ts,
       CASE e.level WHEN 1 THEN 'trace' WHEN 2 THEN 'debug' WHEN 3 THEN 'info' WHEN 4 THEN 'warn'
                    WHEN 5 THEN 'error' WHEN 6 THEN 'fatal' ELSE 'unknown' END AS level,
       lt.value AS level_text,
       sv.value AS service,
       e.message AS message,
       e.request_id AS request_id,
       e.trace_id AS trace_id,
       e.span_id AS span_id,
       e.parent_span_id AS parent_span_id,
       e.duration AS duration_ns,
       st.value AS status,
       s.name AS source,
       s.sha256 AS source_sha256,
       e.line AS line,
       e.idx AS idx,
       e.nlines AS nlines,
       e.flags & 1 AS unparsed
FROM events e
JOIN sources s ON s.id = e.source
LEFT JOIN dict sv ON sv.id = e.service
LEFT JOIN dict lt ON lt.id = e.level_text
LEFT JOIN dict st ON st.id = e.status;
)sql";

Result<void> reencodeTimesOutsideTheWindow(sqlite3 *db)
{
    // Nanoseconds past ±2^62 (and not NoTimeNs): the window's edge, in SQL's integer literals.
    constexpr const char *Outside
        = "(ts > 4611686018427387904 OR (ts < -4611686018427387904 AND ts != -9223372036854775807 - 1))";
    auto affected = sql::queryInteger(db, std::string("SELECT count(*) FROM events WHERE ") + Outside);
    if (!affected)
        return affected.error();
    if (*affected == 0)
        return {};
    // The second buckets, as removeSourceContent floors them: take the events out under their old
    // times, give them their keys (timekey::fromEpoch: microseconds past the edge, counted from the
    // edge's whole microsecond), and count them in again under the new ones.
    const std::string bucketsOfMoved = std::string(
        "INSERT INTO buckets(start, level, service, count) "
        "SELECT CASE WHEN ts >= 0 THEN ts / 1000000000 * 1000000000 ELSE ((ts + 1) / 1000000000 - 1) * 1000000000 END, "
        "level, coalesce(service, 0), SIGN * count(*) FROM events WHERE id IN (SELECT id FROM moved) GROUP BY 1, 2, 3 "
        "ON CONFLICT(start, level, service) DO UPDATE SET count = count + excluded.count");
    const auto withSign = [&](const char *sign) {
        std::string text = bucketsOfMoved;
        text.replace(text.find("SIGN"), 4, sign);
        return text;
    };
    const std::string steps = std::string("CREATE TEMP TABLE moved AS SELECT id FROM events WHERE ") + Outside + ";\n"
        + withSign("-1") + ";\n"
        + "UPDATE events SET ts = CASE WHEN ts > 0 THEN 4611686018427387904 + ts / 1000 - 4611686018427387 "
          "ELSE -(4611686018427387904 + (-ts) / 1000 - 4611686018427387) END WHERE id IN (SELECT id FROM moved);\n"
        + withSign("1") + ";\n" + "DELETE FROM buckets WHERE count = 0; DROP TABLE moved;";
    if (auto moved = sql::exec(db, steps); !moved)
        return moved;
    return TimeOrder::rebuild(db);
}

struct Migration {
    int toVersion;
    const char *sql;
    Result<void> (*moveData)(sqlite3 *db); ///< runs after the SQL, in the same transaction; may be null
};

// Each entry upgrades from toVersion - 1. Version 1 creates everything.
constexpr Migration Migrations[] = {{1, SchemaV1, nullptr},
                                    {2, SchemaV2, packOldPostings},
                                    {3, SchemaV3, rollups::buildFromBuckets},
                                    {4, SchemaV4, writeOrderAndErrorTerms},
                                    {5, SchemaV5, reencodeTimesOutsideTheWindow}};

Result<std::int64_t> pragmaInteger(sqlite3 *db, const char *name)
{
    return sql::queryInteger(db, std::string("PRAGMA ") + name);
}

// Why the store's header could not be read, in words a user can act on (SQLite's own say neither
// which file nor what to do).
Error unreadable(sqlite3 *db)
{
    const int code = sqlite3_extended_errcode(db);
    const std::string detail = sqlite3_errmsg(db);
    switch (code & 0xff) {
    case SQLITE_NOTADB:
        return makeError(ErrorCode::NotAStore, "not a Timberline store (not an SQLite database)");
    case SQLITE_CORRUPT:
        return makeError(ErrorCode::Store, "the store is damaged or truncated (" + detail + ")");
    case SQLITE_READONLY:
        return makeError(
            ErrorCode::Store,
            "an interrupted import left the store mid-write; open it once with write access to recover it");
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return makeError(ErrorCode::Store, "the store stayed locked by another process for 5 s (" + detail + ")");
    default:
        return makeError(ErrorCode::Store, "cannot read the store (" + detail + ")");
    }
}

Result<void> checkIdentity(std::int64_t applicationId, std::int64_t version)
{
    if (applicationId != ApplicationId)
        return makeError(ErrorCode::NotAStore, "not a Timberline store (application_id differs)");
    if (version > CurrentVersion)
        return makeError(ErrorCode::TooNew,
                         "the store has schema version " + std::to_string(version) + "; this Timberline reads up to "
                             + std::to_string(CurrentVersion));
    return {};
}

} // namespace

Result<void> createOrMigrate(sqlite3 *db)
{
    auto applicationId = pragmaInteger(db, "application_id");
    auto version = pragmaInteger(db, "user_version");
    if (!applicationId || !version)
        return unreadable(db);
    if (*applicationId == 0 && *version == 0) {
        auto tables = sql::queryInteger(db, "SELECT count(*) FROM sqlite_schema");
        if (!tables)
            return tables.error();
        if (*tables != 0)
            return makeError(ErrorCode::NotAStore, "not a Timberline store (an SQLite database of something else)");
    } else if (auto identity = checkIdentity(*applicationId, *version); !identity) {
        return identity.error();
    }
    for (const Migration &migration : Migrations) {
        if (migration.toVersion <= *version)
            continue;
        if (auto began = sql::exec(db, "BEGIN IMMEDIATE"); !began)
            return began.error();
        auto applied = sql::exec(db, migration.sql);
        if (applied && migration.moveData)
            applied = migration.moveData(db);
        if (applied)
            applied = sql::exec(db,
                                "PRAGMA application_id = " + std::to_string(ApplicationId)
                                    + "; PRAGMA user_version = " + std::to_string(migration.toVersion));
        if (!applied) {
            (void)sql::exec(db, "ROLLBACK");
            Error error = applied.error();
            error.message
                = "migrating the store to version " + std::to_string(migration.toVersion) + ": " + error.message;
            return error;
        }
        if (auto committed = sql::exec(db, "COMMIT"); !committed)
            return committed.error();
    }
    return {};
}

Result<void> check(sqlite3 *db)
{
    auto applicationId = pragmaInteger(db, "application_id");
    auto version = pragmaInteger(db, "user_version");
    if (!applicationId || !version)
        return unreadable(db);
    if (auto identity = checkIdentity(*applicationId, *version); !identity)
        return identity.error();
    if (*version < CurrentVersion)
        return makeError(ErrorCode::Store,
                         "the store has schema version " + std::to_string(*version)
                             + "; open it once for writing to upgrade it");
    return {};
}

} // namespace core::schema
