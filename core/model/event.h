// SPDX-License-Identifier: MIT
#pragma once

#include "record.h"

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// What an incident is made of, whatever store holds it: sources with their line accounting, events in
// the one order, and the counts a summary gives.
namespace core {

// Interrupted: left `importing` by an import that died (kill -9, a crash, power loss); the next
// import into the store rolls it back.
enum class SourceStatus { Importing, Complete, Partial, Failed, Interrupted };
std::string_view sourceStatusName(SourceStatus status);

// One row of the sources table: the line accounting proves nothing was lost.
struct SourceRow {
    std::int64_t id = 0;
    std::string name;
    std::string path; ///< the file on disk that holds it (the outermost archive for members)
    std::string format;
    std::string sha256; ///< of the decompressed bytes; empty for failed sources
    std::int64_t size = 0; ///< decompressed bytes
    SourceStatus status = SourceStatus::Importing;
    std::int64_t lastLine = 0; ///< last committed line (partial sources resume after it)
    std::string error; ///< why it failed ("binary", "duplicate of NAME", ...)
    LineCounts counts;
};

// The one order everywhere: time, then source, then line, then index within the line. It is also the
// event's identity in its store: views, analyses and the store interface name events by it (across
// stores, the source's SHA-256 stands for the source).
struct EventKey {
    std::int64_t timeNs = 0;
    std::int64_t sourceId = 0;
    std::uint32_t line = 0;
    std::uint32_t index = 0;
    auto operator<=>(const EventKey &) const = default;
};

struct EventRow {
    // The event's place in the order it was imported: only a cursor for eventsByArrival, which a table
    // pages while an import is still adding events; it names no event (the key does).
    std::int64_t arrival = 0;
    EventKey key;
    Level level = Level::Unknown;
    std::uint8_t flags = 0; ///< RecordFlag bits
    std::string levelText;
    std::string service;
    std::string message;
    std::string requestId;
    std::string traceId;
    std::string spanId;
    std::string parentSpanId;
    std::string status;
    std::int64_t durationNs = -1;
    std::uint32_t lineCount = 1;
    std::string sourceName;
    std::string sourceSha256; ///< with line and index: the event's stable identity
};

struct StoreStats {
    std::uint64_t events = 0;
    std::uint64_t lines = 0;
    std::vector<SourceRow> sources;
    std::array<std::uint64_t, LevelCount> levels{}; ///< indexed by Level
    std::map<std::string, std::uint64_t> services;
    std::uint64_t requestIds = 0; ///< distinct request IDs, else trace IDs
    std::optional<std::int64_t> firstNs;
    std::optional<std::int64_t> lastNs;
};

enum class Direction { Ascending, Descending };

// One field of the catalogue or of a sample: its dotted path, how many events hold it, its most frequent values.
struct FieldInfo {
    std::string path;
    std::uint8_t types = 0; ///< bits: 1 string, 2 number, 4 bool, 8 null (catalogue only)
    std::uint64_t events = 0;
    std::vector<std::pair<std::string, std::uint64_t>> topValues; ///< most frequent first
};

} // namespace core
