// SPDX-License-Identifier: MIT
#pragma once

#include <core/base/result.h>
#include <core/store/eventstore.h>
#include <core/store/importsink.h>

#include <memory>
#include <string>

// Where a store lives and which backend holds it: the one place that knows the backends, so views,
// analysis and the command line name only core::EventStore.
namespace core {

// Whether `location` names an existing Timberline store.
bool recognises(const std::string &location);
// Opens (ReadWrite: creates or upgrades) the store at `location`.
Result<std::unique_ptr<EventStore>> openStore(const std::string &location, OpenMode mode);
// The import's writer into the store at `location`, created when missing.
Result<std::unique_ptr<ImportSink>> openSink(const std::string &location);

} // namespace core
