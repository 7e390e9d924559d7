// SPDX-License-Identifier: MIT
#pragma once

#include <core/base/result.h>

#include <cstdint>

struct sqlite3;

namespace core::schema {

// 'TLNE' — how `file` and Timberline recognise a store.
inline constexpr std::int32_t ApplicationId = 0x544C4E45;
inline constexpr int CurrentVersion = 5; ///< 5: ts holds time keys (core/base/timekey.h)

// The one order's index, made when an import finishes: keyset paging in (ts, source, line, idx), and
// level and service along so that the in-memory order (timeorder.h) is written from the index alone.
inline constexpr const char *OrderIndexSql
    = "CREATE INDEX IF NOT EXISTS events_order ON events(ts, source, line, idx, level, service)";

// Creates the schema in an empty database, or upgrades an older store in place, one migration per
// version, each in its own transaction. Refuses files that are not stores and stores from the future.
Result<void> createOrMigrate(sqlite3 *db);
// Checks a store opened read-only: right application id and a version this build understands.
Result<void> check(sqlite3 *db);

} // namespace core::schema
