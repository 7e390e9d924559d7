// SPDX-License-Identifier: MIT
#pragma once

#include <core/base/result.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <sqlite3.h>

// Thin RAII over the SQLite C API, for core/store only.
namespace core::sql {

struct CloseDb {
    void operator()(sqlite3 *db) const { sqlite3_close_v2(db); }
};
struct Finalize {
    void operator()(sqlite3_stmt *statement) const { sqlite3_finalize(statement); }
};
using DbHandle = std::unique_ptr<sqlite3, CloseDb>;

// `what` failed on `db`: ErrorCode::Store with SQLite's message, or ErrorCode::Cancelled ("interrupted")
// when sqlite3_interrupt() stopped it.
Error storeError(sqlite3 *db, std::string_view what);
// What a failure of the query path tells its user: the store's file and, in plain words, what SQLite
// could not do (damaged, unreadable, locked, out of memory...), never SQLite's own message. Cancelled
// and query errors pass as they are.
Error readError(const Error &error, const std::string &path);

// A prepared statement with positional binds (1-based) and column reads (0-based).
class Statement
{
public:
    Statement() = default;
    static Result<Statement> prepare(sqlite3 *db, std::string_view sql);

    Statement &bind(int index, std::int64_t value);
    Statement &bind(int index, std::string_view text); // SQLITE_STATIC: the text must outlive step()
    Statement &bindBlob(int index, std::string_view bytes);
    Statement &bindNull(int index);
    Statement &bindTextOrNull(int index, std::string_view text);

    // SQLITE_ROW → true, SQLITE_DONE → false; errors end up in `error` of the Result.
    Result<bool> step();
    Result<void> run(); // step to completion, then reset; the caller binds every parameter before each run
    void reset();

    std::int64_t integer(int column) const { return sqlite3_column_int64(m_statement.get(), column); }
    std::string text(int column) const;
    std::string_view view(int column) const;
    bool isNull(int column) const { return sqlite3_column_type(m_statement.get(), column) == SQLITE_NULL; }
    sqlite3_stmt *handle() const { return m_statement.get(); }
    explicit operator bool() const { return m_statement != nullptr; }

private:
    std::unique_ptr<sqlite3_stmt, Finalize> m_statement;
};

Result<void> exec(sqlite3 *db, std::string_view sql);

// One read transaction around several statements: one file lock and one snapshot instead of one per
// statement (a query reading a few hundred rows by id spends most of its time in fcntl otherwise).
// Does nothing when a transaction is open already (the import's writer shares its connection).
// A long query calls yieldIfLong() between rows: an import's commit waits for readers to let go,
// so the lock is released and taken again every YieldMs (rows only ever arrive, and queries already
// take the rows past the index into account).
class ReadTransaction
{
public:
    static constexpr int YieldMs = 20;

    explicit ReadTransaction(sqlite3 *db);
    ~ReadTransaction();
    ReadTransaction(const ReadTransaction &) = delete;
    ReadTransaction &operator=(const ReadTransaction &) = delete;

    // Ends and begins again the transaction this thread holds on `db`, if held for YieldMs and no
    // statement is in the middle of its rows.
    static void yieldIfLong(sqlite3 *db);

private:
    sqlite3 *m_db = nullptr; ///< null when this did not begin one
    std::int64_t m_sinceMs = 0;
    ReadTransaction *m_outer = nullptr; ///< the one this thread held before
};
// The single integer a query returns (or `fallback` when it returns no row).
Result<std::int64_t> queryInteger(sqlite3 *db, std::string_view sql, std::int64_t fallback = 0);

} // namespace core::sql
