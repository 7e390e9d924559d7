// SPDX-License-Identifier: MIT
#pragma once

#include "event.h"

#include <core/base/textformat.h>

#include <string>

namespace core::format {

// One event as a JSON object with the keys of `events --json` (time, level, service, message,
// request_id, trace_id, span_id, source, line, index, ...); no trailing newline.
std::string eventJson(const EventRow &event);

} // namespace core::format
