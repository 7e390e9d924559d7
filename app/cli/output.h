// SPDX-License-Identifier: MIT
#pragma once

#include <core/analysis/requests.h>
#include <core/base/jsonwriter.h>
#include <core/model/eventformat.h>
#include <core/store/storetypes.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

// How the verbs write what they found: text for people, JSON and CSV for scripts.
namespace cli {

enum class Style { Text, Json, Csv };

// trace..fatal, then unknown last, as people read them.
inline constexpr core::Level LevelsInReadingOrder[]
    = {core::Level::Trace, core::Level::Debug, core::Level::Info,   core::Level::Warn,
       core::Level::Error, core::Level::Fatal, core::Level::Unknown};

// 1234567 as "1,234,567".
std::string formatCount(std::uint64_t value);
// The document on one line of stdout.
void printJson(const core::JsonWriter &out);

// The keys a source has in both `import --json` and `stats --json`.
void writeSourceHead(core::JsonWriter &out, std::string_view name, std::string_view format, core::SourceStatus status,
                     std::string_view error);
void writeCounts(core::JsonWriter &out, const core::LineCounts &counts);
// An object with the seven level names as keys, in reading order.
void writeLevels(core::JsonWriter &out, const core::LevelCounts &counts);

// A request's first failure as `requests` and `trace` print it: service, time, message, source, line
// (and signature), or null.
void writeFailure(core::JsonWriter &out, const std::optional<core::RequestFailure> &failure);
// Nanoseconds as fractional milliseconds, the unit of every `duration_ms`.
double milliseconds(std::int64_t ns);

// What goes before the events: CSV's column names; nothing for text or JSON.
void writeEventsHeader(Style style);
// One event on stdout as `events` and `query` print it: tab-separated text, a JSON object, or CSV;
// `line` is a buffer kept between calls.
void writeEvent(std::string &line, const core::EventRow &event, Style style);

} // namespace cli
