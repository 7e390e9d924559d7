// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

namespace core {

// The stored time of an event that has none (no usable time and no previous event): sorts first.
inline constexpr std::int64_t NoTimeNs = std::numeric_limits<std::int64_t>::min();

} // namespace core

// How times and strings are written for people and scripts: one format for every command and view.
namespace core::format {

// RFC 3339 UTC with nine fractional digits: 2025-11-10T10:30:00.123456000Z. NoTimeNs gives "".
// `timeNs` is a time key (core/base/timekey.h): nanoseconds inside 1823-2116, years 1 to 9999 in all.
std::string rfc3339(std::int64_t timeNs);
// The table's form: 2025-11-10 10:30:00.123456 (microseconds, UTC).
std::string displayTime(std::int64_t timeNs);
void appendJsonString(std::string &out, std::string_view text);

} // namespace core::format
