// SPDX-License-Identifier: MIT
#pragma once

#include <core/base/result.h>

#include <cstdint>
#include <functional>
#include <string>

namespace core {

// Wall-clock nanoseconds in a zone to UTC nanoseconds: what imports and queries apply to times written
// without an offset.
using NaiveToUtc = std::function<std::int64_t(std::int64_t)>;

// The converter for an IANA zone name; empty for "" and "UTC" (nothing to convert); a Usage error
// "unknown time zone: NAME" for a name the system does not know.
Result<NaiveToUtc> naiveToUtcIn(const std::string &zoneName);

} // namespace core
