// SPDX-License-Identifier: MIT
#pragma once

#include "parseoptions.h"
#include "record.h"

#include <cstdint>
#include <optional>
#include <string_view>

// Field-alias knowledge shared by every parser: times, levels, services, correlation IDs.
namespace core::normalize {

// A timestamp written as text: RFC 3339 / ISO 8601 with `T` or a space, `.` or `,` fractions of any
// length, `Z`, `+hh:mm`, `+hhmm` or no offset (then options.naiveToUtc, else UTC); epoch numbers in
// s/ms/µs/ns as strings (unit by magnitude). Returns UTC nanoseconds.
std::optional<std::int64_t> parseTime(std::string_view text, const ParseOptions &options);

// An epoch number (JSON number text, possibly fractional), unit by magnitude: ~1e9 s, ~1e12 ms, ~1e15 µs, ~1e18 ns.
std::optional<std::int64_t> epochToNs(std::string_view numberText);

// Timestamp at the very start of a text line (ISO variants, syslog `Nov  3 09:23:38` with the year from
// the source mtime, glog `I0517 15:04:22.619632`, bracketed `[...]`, epoch); `consumed` gets its length.
std::optional<std::int64_t> parseLeadingTime(std::string_view line, const ParseOptions &options, std::size_t &consumed);

// Level words in any case (warning→warn, notice→info, err→error, critical/crit/emerg/alert/panic→fatal,
// verbose/silly/http/debugN→debug, single letters T D I W E F); Unknown for anything else.
Level levelFromText(std::string_view text);
enum class NumericLevelScale { PinoBunyan, Syslog, Otlp };
Level levelFromNumber(std::int64_t value, NumericLevelScale scale);

// The file stem as a service: no directories, no archive prefix, no .gz/.zst/.bz2/.xz, no rotation
// suffix (.0, .1, -20250101), no .log/.json/.jsonl/.ndjson/.txt.
std::string_view serviceStem(std::string_view sourceName);
// The container name from Kubernetes (/var/log/containers/POD_NS_CONTAINER-ID.log, /var/log/pods/NS_POD_UID/CONTAINER/N.log)
// and Docker (/var/lib/docker/containers/ID/ID-json.log gives nothing useful) paths; empty when none.
std::string_view containerFromPath(std::string_view sourceName);

// Which first-class column a record key feeds, by its full dotted path.
enum class Role { None, Time, Level, Message, Service, Logger, RequestId, TraceId, SpanId, ParentSpanId };
Role roleOfKey(std::string_view path);
// The role and the alias's preference within that role (lower wins when a record has several).
struct KeyClass {
    Role role = Role::None;
    int rank = 0;
};
KeyClass classifyKey(std::string_view path);

// The same wall-clock date and time `years` later (syslog and glog year rollover).
std::int64_t addYears(std::int64_t ns, int years);
// The month (1-12) of a UTC time.
int monthOfNs(std::int64_t ns);

} // namespace core::normalize
