// SPDX-License-Identifier: MIT
#pragma once

#include "sqlitestore.h"

#include <core/store/storetypes.h>

#include <atomic>

namespace core {

// SqliteStore::errorEvents: the matching error and fatal events, grouped by the signature, service
// and minute terms the import stored for them (only the events whose exact time matters are read),
// and one by one, with their type from `path=` postings, for those without such terms; events still
// being imported by their fields. The merging, sorting and sampling that follow are core/analysis's.
class ErrorGroupReader
{
public:
    ErrorGroupReader(SqliteStore &store, SqliteStore::Private &d);

    Result<ErrorEvents> read(const QueryFilter &filter, const ErrorEventsRequest &request,
                             const std::atomic<bool> *cancelled);

private:
    SqliteStore &m_store;
    SqliteStore::Private &m_d;
};

} // namespace core
