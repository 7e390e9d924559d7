// SPDX-License-Identifier: MIT
#include "storelocation.h"

#include <core/store/sqlite/sqlitesink.h>
#include <core/store/sqlite/sqlitestore.h>

namespace core {

bool recognises(const std::string &location)
{
    return SqliteStore::isStore(location);
}

Result<std::unique_ptr<EventStore>> openStore(const std::string &location, OpenMode mode)
{
    auto store = SqliteStore::open(location, mode);
    if (!store)
        return store.error();
    return std::unique_ptr<EventStore>(std::move(store.value()));
}

Result<std::unique_ptr<ImportSink>> openSink(const std::string &location, const std::function<bool()> &keepWaiting)
{
    auto sink = SqliteSink::open(location, keepWaiting);
    if (!sink)
        return sink.error();
    return std::unique_ptr<ImportSink>(std::move(sink.value()));
}

} // namespace core
