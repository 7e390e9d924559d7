// SPDX-License-Identifier: MIT
#pragma once

#include <core/base/result.h>
#include <core/store/eventstore.h>
#include <core/store/importsink.h>

#include <functional>
#include <memory>
#include <string>

// Where a store lives and which backend holds it: the one place that knows the backends, so views,
// analysis and the command line name only core::EventStore.
namespace core {

// Whether `location` names an existing Timberline store.
bool recognises(const std::string &location);
// Opens (ReadWrite: creates or upgrades) the store at `location`.
Result<std::unique_ptr<EventStore>> openStore(const std::string &location, OpenMode mode);
// The import's writer into the store at `location`, created when missing. While another import
// writes the store: fails with ErrorCode::Busy ("another import is writing LOCATION"), or, given
// `keepWaiting`, waits, asking it about ten times a second whether to go on (false: Cancelled).
Result<std::unique_ptr<ImportSink>> openSink(const std::string &location,
                                             const std::function<bool()> &keepWaiting = {});

} // namespace core
