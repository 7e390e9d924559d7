// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Writes synthetic incident bundles: an orchestrator handing tasks to workers and a cache, request
// IDs crossing all of them, and a database pool of 10 connections exhausted by a batch of 50 tasks
// (waits, timeouts, retries, failed tasks), then recovery. Output depends only on the options:
// integer arithmetic and an own PRNG, so every run on every machine writes the same bytes.
namespace bundlegen {

enum class LogFormat {
    StructlogJson, ///< structlog's JSONRenderer: ISO timestamp, level name, event, nested objects, traceback string
    StructlogConsole, ///< structlog's ConsoleRenderer without colours; tracebacks as following lines
    PinoJson, ///< pino: numeric level, epoch milliseconds, msg last, reqId
    Logfmt, ///< Go slog text handler: time=… level=INFO msg=… key=value
};

std::string_view formatName(LogFormat format); // "structlog-json", "structlog-console", "pino", "logfmt"
std::optional<LogFormat> formatFromName(std::string_view name);

// What the lines look like. The incident is the story above; the others are request traffic as
// production services log it, one file each, where IDs occur once or a few times (issue "The store
// at real cardinality"): a dozen requests in flight, about seven lines each, interleaved in time.
enum class Shape {
    Incident, ///< the incident bundle (GeneratorOptions::workers, singleFile, extraErrorsPerMillion apply)
    UuidStructlog, ///< structlog JSON: a fresh UUID request_id per line, task IDs of 100k, users of 5k, float durations
    OtelJson, ///< OpenTelemetry SDK LogRecord JSON: trace_id per request, fresh span_id per line, nested resource
    K8sJson, ///< app JSON merged by Fluent Bit's kubernetes filter: 35+ fields, nested kubernetes/http/user objects
};

std::string_view shapeName(Shape shape); // "incident", "uuid-structlog", "otel-json", "k8s-json"
std::optional<Shape> shapeFromName(std::string_view name);

struct GeneratorOptions {
    // Approximate total. The incident is always written whole, through the pool's recovery, so a
    // bundle is never smaller than about 300 KB, whatever the target.
    std::uint64_t targetBytes = 600'000;
    std::uint64_t seed = 1;
    int workers = 4; ///< worker-1 … worker-N (1 to 64)
    std::optional<LogFormat> singleFile; ///< one file of one format holding every service's events
    // Extra error events, per million events: after each event, with this chance, its service logs
    // one of a catalogue of unrelated errors (typed or not, messages with variable parts). They draw
    // from their own PRNG, and 0 (the default) draws nothing, so the default bytes never change.
    std::uint32_t extraErrorsPerMillion = 0;
    // Any shape but the incident writes one file, shapeFileName(shape), from a PRNG seeded by `seed`
    // and the shape, and hands no records to onRecord.
    Shape shape = Shape::Incident;
};

struct GeneratedFile {
    std::string name; ///< relative to the output folder
    LogFormat format = LogFormat::StructlogJson; ///< for a shape, the nearest: structlog-json or pino (one JSON object a line)
    std::uint64_t bytes = 0;
    std::uint64_t events = 0;
    std::uint64_t lines = 0;
};

struct GeneratorReport {
    bool ok = false;
    std::string error;
    std::vector<GeneratedFile> files;
    std::uint64_t bytes = 0;
    std::uint64_t events = 0;
    std::uint64_t lines = 0;
    // The story, for checks and for the command line's summary.
    std::uint64_t tasks = 0;
    std::uint64_t failedTasks = 0;
    std::uint64_t poolTimeouts = 0;
    std::uint64_t retries = 0;
    std::uint64_t errorEvents = 0;
    std::uint64_t extraErrors = 0; ///< of errorEvents, those extraErrorsPerMillion added
    std::int64_t firstUs = 0; ///< UTC microseconds of the first event
    std::int64_t lastUs = 0;
    std::int64_t exhaustedUs = -1; ///< when the orchestrator reported the pool exhausted
    std::int64_t recoveredUs = -1; ///< when it reported the pool recovered
};

// The file a single-file bundle writes, e.g. "incident-structlog-json.log".
std::string singleFileName(LogFormat format);
// The file a shape other than the incident writes, e.g. "uuid-structlog.log".
std::string shapeFileName(Shape shape);

// One key of a record as its format writes it: nested objects dotted where the format flattens them
// (JSON, logfmt), one Python repr where it does not (structlog's console renderer).
struct GeneratedField {
    std::string path;
    std::string value; ///< as written, unescaped
    bool string = true; ///< false for JSON numbers and booleans
};

// One event as written, in file order, for tests that compute what a query must find without the
// importer: the same record the bytes say, in the shape of its format.
struct GeneratedRecord {
    std::string file; ///< the file it went to, relative to the bundle folder
    LogFormat format = LogFormat::StructlogJson;
    std::int64_t timeUs = 0; ///< at the precision the format writes (milliseconds for pino and logfmt)
    std::string service;
    std::string level; ///< normalised: "debug", "info", "warn", "error" or "fatal"
    std::string levelText; ///< as written: "warning", "WARN", "40"
    std::string message;
    std::string requestId;
    std::vector<GeneratedField> fields; ///< every key the line holds, time, level and message keys included
    std::string continuation; ///< lines after the first (console tracebacks), '\n' between them
};

// Creates `folder` if needed and writes the bundle into it, streaming (memory stays bounded by the
// tasks in flight, whatever the size). Existing files of the same names are replaced.
GeneratorReport generateBundle(const std::string &folder, const GeneratorOptions &options);
// The same bundle, byte for byte, and every record handed to `onRecord` in the order it is written.
GeneratorReport generateBundle(const std::string &folder, const GeneratorOptions &options,
                               const std::function<void(const GeneratedRecord &)> &onRecord);

// "600000", "600k", "200M", "2G" (decimal: k = 1000); nullopt when malformed.
std::optional<std::uint64_t> parseSize(std::string_view text);
// A share as parts per million: "0.01" or "1%" → 10000; nullopt when malformed or above 1.
std::optional<std::uint32_t> parseRate(std::string_view text);

} // namespace bundlegen
