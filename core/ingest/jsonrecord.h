// SPDX-License-Identifier: MIT
#pragma once

#include <core/model/parseoptions.h>
#include <core/model/record.h>

#include <cstdint>
#include <string_view>

namespace core {

// Normalises one JSON object holding a log record (NDJSON line, array element, Docker json-file line,
// journald, ECS, pino, bunyan, MongoDB, Kubernetes audit, CloudTrail record...) into a new record
// appended to `batch`: first-class columns from the field aliases, every leaf kept as a Field under its
// dotted path. Sets firstLine/lineCount/indexInLine from the arguments. Returns false (appending
// nothing) when `json` is not a JSON object.
bool parseJsonRecord(std::string_view json, const ParseOptions &options, std::uint32_t firstLine,
                     std::uint32_t lineCount, std::uint32_t indexInLine, RecordBatch &batch);

} // namespace core
