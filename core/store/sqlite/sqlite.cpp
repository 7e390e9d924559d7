// SPDX-License-Identifier: MIT
#include "sqlite.h"

#include <chrono>

namespace core::sql {

namespace {

// The primary result code and the message of the last storeError() on this thread: what readError()
// puts in words when that is the error it is given.
thread_local int t_lastFailure = SQLITE_OK;
thread_local std::string t_lastMessage;

const char *plainReason(int code)
{
    switch (code) {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        return "the store is damaged";
    case SQLITE_IOERR:
        return "the store could not be read from disk";
    case SQLITE_NOMEM:
        return "out of memory";
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return "the store stayed locked by another process";
    case SQLITE_FULL:
        return "the disk is full";
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_READONLY:
        return "a file of the store could not be opened";
    case SQLITE_TOOBIG:
        return "a value is too large";
    default:
        return "the store could not evaluate the query";
    }
}

} // namespace

Error storeError(sqlite3 *db, std::string_view what)
{
    t_lastFailure = db ? sqlite3_errcode(db) & 0xFF : SQLITE_ERROR;
    if (t_lastFailure == SQLITE_INTERRUPT)
        return makeError(ErrorCode::Cancelled, "interrupted");
    std::string message(what);
    if (db) {
        message += ": ";
        message += sqlite3_errmsg(db);
    }
    t_lastMessage = message;
    return makeError(ErrorCode::Store, std::move(message));
}

Error readError(const Error &error, const std::string &path)
{
    if (error.code != ErrorCode::Store || error.message.starts_with(path + ": "))
        return error;
    // The store's own errors ("the store is damaged (a posting block does not decode)") are plain already.
    return makeError(ErrorCode::Store,
                     path + ": " + (error.message == t_lastMessage ? plainReason(t_lastFailure) : error.message));
}

Result<Statement> Statement::prepare(sqlite3 *db, std::string_view sql)
{
    sqlite3_stmt *raw = nullptr;
    if (sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &raw, nullptr)
        != SQLITE_OK)
        return storeError(db, "prepare");
    Statement statement;
    statement.m_statement.reset(raw);
    return statement;
}

Statement &Statement::bind(int index, std::int64_t value)
{
    sqlite3_bind_int64(m_statement.get(), index, value);
    return *this;
}

Statement &Statement::bind(int index, std::string_view text)
{
    sqlite3_bind_text(m_statement.get(), index, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
    return *this;
}

Statement &Statement::bindBlob(int index, std::string_view bytes)
{
    sqlite3_bind_blob(m_statement.get(), index, bytes.data(), static_cast<int>(bytes.size()), SQLITE_STATIC);
    return *this;
}

Statement &Statement::bindNull(int index)
{
    sqlite3_bind_null(m_statement.get(), index);
    return *this;
}

Statement &Statement::bindTextOrNull(int index, std::string_view text)
{
    return text.empty() ? bindNull(index) : bind(index, text);
}

Result<bool> Statement::step()
{
    const int rc = sqlite3_step(m_statement.get());
    if (rc == SQLITE_ROW)
        return true;
    if (rc == SQLITE_DONE)
        return false;
    Error error = storeError(sqlite3_db_handle(m_statement.get()), "step");
    sqlite3_reset(m_statement.get());
    return error;
}

Result<void> Statement::run()
{
    auto stepped = step();
    // Bindings stay (clearing them cost measurable time per inserted row): a statement that is run
    // again gets every parameter bound again first.
    sqlite3_reset(m_statement.get());
    if (!stepped)
        return stepped.error();
    return {};
}

void Statement::reset()
{
    sqlite3_reset(m_statement.get());
    sqlite3_clear_bindings(m_statement.get());
}

std::string Statement::text(int column) const
{
    return std::string(view(column));
}

std::string_view Statement::view(int column) const
{
    const auto *data = reinterpret_cast<const char *>(sqlite3_column_blob(m_statement.get(), column));
    const int size = sqlite3_column_bytes(m_statement.get(), column);
    return data ? std::string_view(data, static_cast<std::size_t>(size)) : std::string_view();
}

Result<void> exec(sqlite3 *db, std::string_view sql)
{
    char *message = nullptr;
    const std::string text(sql);
    if (sqlite3_exec(db, text.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
        Error error = makeError(ErrorCode::Store, message ? message : "exec failed");
        sqlite3_free(message);
        return error;
    }
    return {};
}

Result<std::int64_t> queryInteger(sqlite3 *db, std::string_view sql, std::int64_t fallback)
{
    auto statement = Statement::prepare(db, sql);
    if (!statement)
        return statement.error();
    auto row = statement->step();
    if (!row)
        return row.error();
    return *row ? statement->integer(0) : fallback;
}

namespace {

thread_local ReadTransaction *currentTransaction = nullptr;

std::int64_t nowMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

} // namespace

ReadTransaction::ReadTransaction(sqlite3 *db)
{
    if (sqlite3_get_autocommit(db) && sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr) == SQLITE_OK) {
        m_db = db;
        m_sinceMs = nowMs();
        m_outer = currentTransaction;
        currentTransaction = this;
    }
}

ReadTransaction::~ReadTransaction()
{
    if (!m_db)
        return;
    if (!sqlite3_get_autocommit(m_db))
        sqlite3_exec(m_db, "COMMIT", nullptr, nullptr, nullptr);
    currentTransaction = m_outer;
}

void ReadTransaction::yieldIfLong(sqlite3 *db)
{
    ReadTransaction *held = currentTransaction;
    if (!held || held->m_db != db || nowMs() - held->m_sinceMs < YieldMs)
        return;
    held->m_sinceMs = nowMs();
    // A statement stepping through its rows keeps the lock anyway: then there is nothing to gain.
    for (sqlite3_stmt *statement = sqlite3_next_stmt(db, nullptr); statement;
         statement = sqlite3_next_stmt(db, statement))
        if (sqlite3_stmt_busy(statement))
            return;
    if (sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) == SQLITE_OK)
        sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
}

} // namespace core::sql
