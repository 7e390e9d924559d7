// SPDX-License-Identifier: MIT
#pragma once

#include <core/base/result.h>

struct sqlite3;

namespace core {

// Gives the error and fatal events of a store imported before the import wrote their error terms
// (IndexBuilder::ErrorTerms) those terms, as one more posting segment, computed by the same rules
// from what the store holds: the type from the first type path with a `path=value` term for the
// event (the least value under it), else the masked message; the service and the minute from the
// row. A no-op when the store has them already. Runs in the caller's transaction (a migration).
Result<void> addMissingErrorTerms(sqlite3 *db);

} // namespace core
