// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

namespace core {

// What a parser knows about the source it reads, beyond its bytes.
struct ParseOptions {
    std::string_view sourceName; ///< "bundle.zip!/logs/api.log" or a file path
    std::int64_t sourceMtimeNs = 0; ///< gives syslog times their year
    // Converts a wall-clock time without an offset (nanoseconds as if it were UTC) to UTC.
    // Empty: such times are UTC (the import was given no --tz).
    std::function<std::int64_t(std::int64_t naiveNs)> naiveToUtc;
};

} // namespace core
