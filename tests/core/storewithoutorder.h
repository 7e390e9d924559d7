// SPDX-License-Identifier: MIT
#pragma once

#include <QFile>
#include <QString>

#include <sqlite3.h>

// A copy of the store at `path` without its stored time order, as during an import that is adding
// events: queries there take the engine's other paths (posting lists and the time index), so a
// suite can check both against the same truth. False when the copy could not be made.
inline bool copyStoreWithoutOrder(const QString &path, const QString &copy)
{
    if (!QFile::copy(path, copy))
        return false;
    sqlite3 *db = nullptr;
    const bool ok = sqlite3_open(copy.toUtf8().constData(), &db) == SQLITE_OK
        && sqlite3_exec(db, "DELETE FROM event_order; DELETE FROM meta WHERE key LIKE 'order_%'", nullptr, nullptr, nullptr) == SQLITE_OK;
    sqlite3_close(db);
    return ok;
}
