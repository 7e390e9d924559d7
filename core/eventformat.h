// SPDX-License-Identifier: MIT
#pragma once

#include "store/store.h"

#include <cstdint>
#include <string>
#include <string_view>

// How events and times are written for people and scripts: one format for every command and view.
namespace core::format {

// RFC 3339 UTC with nine fractional digits: 2025-11-10T10:30:00.123456000Z. NoTimeNs gives "".
std::string rfc3339(std::int64_t timeNs);
// The table's form: 2025-11-10 10:30:00.123456 (microseconds, UTC).
std::string displayTime(std::int64_t timeNs);
void appendJsonString(std::string &out, std::string_view text);
// One event as a JSON object with the keys of `events --json` (time, level, service, message,
// request_id, trace_id, span_id, source, line, index, ...); no trailing newline.
std::string eventJson(const EventRow &event);

} // namespace core::format
