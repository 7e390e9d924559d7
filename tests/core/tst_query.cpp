// SPDX-License-Identifier: MIT
// The query language end to end on a generated incident: every query's count and pages against a
// plain predicate over the generator's own records (never through SQL or the query compiler).
#include "bundlegenerator.h"
#include <core/import/importer.h>
#include <core/query/queryfilter.h>
#include <core/store/sqlite/sqlitestore.h>
#include "generatedstore.h"

#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <functional>
#include <map>

using namespace core;
using Generated = bundlegen::GeneratedRecord;
using Predicate = std::function<bool(const Generated &)>;

namespace {

constexpr std::int64_t kStartNs = 1762770600LL * 1'000'000'000; // 2025-11-10T10:30:00Z, the bundle's first second
constexpr std::int64_t kMinuteNs = 60LL * 1'000'000'000;

std::string lower(std::string_view text)
{
    std::string out(text);
    for (char &c : out)
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c + 32);
    return out;
}

// The language's tokens, written out again here: runs of letters, digits, '_' and UTF-8, lowercased.
std::vector<std::string> tokens(std::string_view text)
{
    std::vector<std::string> out;
    std::string current;
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (std::isalnum(byte) || c == '_' || byte >= 0x80) {
            current.push_back(static_cast<char>(std::tolower(byte)));
        } else if (!current.empty()) {
            out.push_back(std::move(current));
            current.clear();
        }
    }
    if (!current.empty())
        out.push_back(std::move(current));
    return out;
}

bool holds(std::string_view text, const std::vector<std::string> &sequence)
{
    const std::vector<std::string> all = tokens(text);
    for (std::size_t i = 0; i + sequence.size() <= all.size(); ++i)
        if (std::equal(sequence.begin(), sequence.end(), all.begin() + static_cast<std::ptrdiff_t>(i)))
            return true;
    return false;
}

const std::string *field(const Generated &r, std::string_view path)
{
    for (const bundlegen::GeneratedField &f : r.fields)
        if (f.path == path)
            return &f.value;
    return nullptr;
}

bool fieldIs(const Generated &r, std::string_view path, std::string_view value)
{
    const std::string *v = field(r, path);
    return v && *v == value;
}

std::optional<double> number(const Generated &r, std::string_view path)
{
    const std::string *v = field(r, path);
    if (!v)
        return std::nullopt;
    char *end = nullptr;
    const double d = std::strtod(v->c_str(), &end);
    if (end == v->c_str() || *end != '\0')
        return std::nullopt;
    return d;
}

// Free text: the message, continuation lines and string values, not key names; time, level and
// message keys are their columns.
bool text(const Generated &r, const std::vector<std::string> &sequence)
{
    if (holds(r.message, sequence) || holds(r.continuation, sequence))
        return true;
    for (const bundlegen::GeneratedField &f : r.fields) {
        if (!f.string || f.path == "timestamp" || f.path == "time" || f.path == "level" || f.path == "event" || f.path == "msg")
            continue;
        if (holds(f.value, sequence))
            return true;
    }
    return false;
}

bool anyToken(const Generated &r, const std::function<bool(const std::string &)> &test)
{
    std::vector<std::string> all = tokens(r.message);
    for (const auto &t : tokens(r.continuation))
        all.push_back(t);
    for (const bundlegen::GeneratedField &f : r.fields)
        if (f.string && f.path != "timestamp" && f.path != "time" && f.path != "level" && f.path != "event" && f.path != "msg")
            for (const auto &t : tokens(f.value))
                all.push_back(t);
    return std::any_of(all.begin(), all.end(), test);
}

std::int64_t ns(const Generated &r)
{
    return r.timeUs * 1000;
}

bool levelIs(const Generated &r, std::string_view normalised, std::string_view original)
{
    return r.level == normalised || lower(r.levelText) == lower(original);
}

struct Row {
    const char *name;
    std::string query;
    Predicate truth;
};

std::vector<Row> rows()
{
    const auto at = [](int minute, int second = 0) { return kStartNs + minute * kMinuteNs + second * 1'000'000'000LL; };
    return {
        // Level: normalised, as written, numbers, lists, negation, ranges.
        {"level error", "level:error", [](const Generated &r) { return r.level == "error"; }},
        {"level ERROR upper", "level:ERROR", [](const Generated &r) { return r.level == "error"; }},
        {"level warning", "level:warning", [](const Generated &r) { return r.level == "warn"; }},
        {"level WARN", "level:WARN", [](const Generated &r) { return r.level == "warn"; }},
        {"level 40", "level:40", [](const Generated &r) { return levelIs(r, "warn", "40"); }},
        {"level 30", "level:30", [](const Generated &r) { return levelIs(r, "info", "30"); }},
        {"level debug", "level:debug", [](const Generated &r) { return r.level == "debug"; }},
        {"level info", "level:info", [](const Generated &r) { return r.level == "info"; }},
        {"level fatal", "level:fatal", [](const Generated &r) { return r.level == "fatal"; }},
        {"level list", "level:(error or warn)", [](const Generated &r) { return r.level == "error" || r.level == "warn"; }},
        {"not level list", "not level:(debug or info)", [](const Generated &r) { return r.level != "debug" && r.level != "info"; }},
        {"level range", "level >= warn", [](const Generated &r) { return r.level == "warn" || r.level == "error" || r.level == "fatal"; }},
        {"level range lucene", "level:[info TO warn]", [](const Generated &r) { return r.level == "info" || r.level == "warn"; }},
        {"level wildcard", "level:warn*", [](const Generated &r) { return r.level == "warn" || lower(r.levelText).starts_with("warn"); }},
        {"level quoted", "level:\"warning\"", [](const Generated &r) { return r.level == "warn"; }},
        {"level unknown word", "level:Metadata", [](const Generated &) { return false; }},
        {"level exists", "_exists_:level", [](const Generated &) { return true; }},
        // Service and request IDs: keyword equality, case-sensitive.
        {"service", "service:orchestrator", [](const Generated &r) { return r.service == "orchestrator"; }},
        {"service case", "service:Orchestrator", [](const Generated &) { return false; }},
        {"service cache", "service:cache", [](const Generated &r) { return r.service == "cache"; }},
        {"service wildcard", "service:worker-*", [](const Generated &r) { return r.service.starts_with("worker-"); }},
        {"service ?", "service:worker-?", [](const Generated &r) { return r.service.starts_with("worker-") && r.service.size() == 8; }},
        {"service regex", "service:/worker-[12]/", [](const Generated &r) { return r.service == "worker-1" || r.service == "worker-2"; }},
        {"service and level", "level:error and service:orchestrator", [](const Generated &r) { return r.level == "error" && r.service == "orchestrator"; }},
        {"service or", "service:cache OR service:worker-1", [](const Generated &r) { return r.service == "cache" || r.service == "worker-1"; }},
        {"service list", "service:(cache or worker-3)", [](const Generated &r) { return r.service == "cache" || r.service == "worker-3"; }},
        {"not service", "NOT service:orchestrator", [](const Generated &r) { return r.service != "orchestrator"; }},
        {"minus service", "-service:orchestrator -service:cache", [](const Generated &r) { return r.service != "orchestrator" && r.service != "cache"; }},
        {"plus minus", "+level:error -service:orchestrator", [](const Generated &r) { return r.level == "error" && r.service != "orchestrator"; }},
        {"request id", "request_id:" + std::string("REQ"), [](const Generated &) { return false; }},
        {"request id exists", "request_id:*", [](const Generated &r) { return !r.requestId.empty(); }},
        {"not request id", "not _exists_:request_id", [](const Generated &r) { return r.requestId.empty(); }},
        {"reqId spelling", "reqId:*", [](const Generated &r) { return !r.requestId.empty(); }},
        {"request id wildcard", "request_id:req-0*", [](const Generated &r) { return r.requestId.starts_with("req-0"); }},
        {"request id regex", "request_id:/req-[0-3].+/", [](const Generated &r) { return r.requestId.size() > 4 && r.requestId.starts_with("req-") && r.requestId[4] >= '0' && r.requestId[4] <= '3'; }},
        // Generated paths with their original values.
        {"priority high", "priority:high", [](const Generated &r) { return fieldIs(r, "priority", "high"); }},
        {"priority quoted", "priority:\"high\"", [](const Generated &r) { return fieldIs(r, "priority", "high"); }},
        {"priority list", "priority:(high or low)", [](const Generated &r) { return fieldIs(r, "priority", "high") || fieldIs(r, "priority", "low"); }},
        {"task type", "task_type:reindex", [](const Generated &r) { return fieldIs(r, "task_type", "reindex"); }},
        {"task type case", "task_type:Reindex", [](const Generated &) { return false; }},
        {"goal phrase", "goal:\"Write code\"", [](const Generated &r) { return fieldIs(r, "goal", "Write code"); }},
        {"goal word is not equality", "goal:Write", [](const Generated &) { return false; }},
        {"goal wildcard", "goal:*notes", [](const Generated &r) { const auto *v = field(r, "goal"); return v && v->ends_with("notes"); }},
        {"error type", "error_type:PoolTimeout", [](const Generated &r) { return fieldIs(r, "error_type", "PoolTimeout"); }},
        {"error type exists", "error_type:*", [](const Generated &r) { return field(r, "error_type") != nullptr; }},
        {"exists lucene", "_exists_:error_type", [](const Generated &r) { return field(r, "error_type") != nullptr; }},
        {"err.type pino", "err.type:TimeoutError", [](const Generated &r) { return fieldIs(r, "err.type", "TimeoutError"); }},
        {"http path wildcard", "http.path:/api/*", [](const Generated &r) { const auto *v = field(r, "http.path"); return v && v->starts_with("/api/"); }},
        {"http path batches", "http.path:/api/v1/batches/*", [](const Generated &r) { const auto *v = field(r, "http.path"); return v && v->starts_with("/api/v1/batches/"); }},
        {"http path exact", "http.path:/api/v1/tasks", [](const Generated &r) { return fieldIs(r, "http.path", "/api/v1/tasks"); }},
        {"http method", "http.method:POST", [](const Generated &r) { return fieldIs(r, "http.method", "POST"); }},
        {"nested pool logfmt", "pool.checked_out:10", [](const Generated &r) { return fieldIs(r, "pool.checked_out", "10"); }},
        {"worker field", "worker:worker-2", [](const Generated &r) { return fieldIs(r, "worker", "worker-2"); }},
        {"levelname absent", "levelname:WARNING", [](const Generated &r) { return fieldIs(r, "levelname", "WARNING"); }},
        {"level as written path", "level:INFO", [](const Generated &r) { return r.level == "info"; }},
        {"pid number", "pid:77", [](const Generated &r) { return fieldIs(r, "pid", "77"); }},
        {"hostname", "hostname:cache-0", [](const Generated &r) { return fieldIs(r, "hostname", "cache-0"); }},
        {"user id", "user_id:user-1*", [](const Generated &r) { const auto *v = field(r, "user_id"); return v && v->starts_with("user-1"); }},
        {"field regex", "task_type:/(em|co).+/", [](const Generated &r) { const auto *v = field(r, "task_type"); return v && (v->starts_with("em") || v->starts_with("co")); }},
        {"unknown field", "no_such_field:x", [](const Generated &) { return false; }},
        {"unknown exists", "_exists_:no_such_field", [](const Generated &) { return false; }},
        // Numbers compare as numbers.
        {"status >= 500", "status >= 500", [](const Generated &r) { auto n = number(r, "status"); return n && *n >= 500; }},
        {"status > 500", "status > 503", [](const Generated &r) { auto n = number(r, "status"); return n && *n > 503; }},
        {"status < 300", "status < 300", [](const Generated &r) { auto n = number(r, "status"); return n && *n < 300; }},
        {"status <= 200", "status <= 200", [](const Generated &r) { auto n = number(r, "status"); return n && *n <= 200; }},
        {"status equality", "status:200", [](const Generated &r) { return fieldIs(r, "status", "200"); }},
        {"status text", "status:success", [](const Generated &r) { return fieldIs(r, "status", "success"); }},
        {"status or duration", "status >= 500 or duration > 10", [](const Generated &r) {
             auto s = number(r, "status");
             auto d = number(r, "duration");
             return (s && *s >= 500) || (d && *d > 10);
         }},
        {"duration range", "duration:[1 TO 5]", [](const Generated &r) { auto d = number(r, "duration"); return d && *d >= 1 && *d <= 5; }},
        {"duration exclusive", "duration:{1 TO 5}", [](const Generated &r) { auto d = number(r, "duration"); return d && *d > 1 && *d < 5; }},
        {"duration open end", "duration:[30 TO *]", [](const Generated &r) { auto d = number(r, "duration"); return d && *d >= 30; }},
        {"duration open start", "duration:[* TO 0.5]", [](const Generated &r) { auto d = number(r, "duration"); return d && *d <= 0.5; }},
        {"duration lucene gt", "duration:>20", [](const Generated &r) { auto d = number(r, "duration"); return d && *d > 20; }},
        {"wait_ms", "wait_ms > 1000", [](const Generated &r) { auto d = number(r, "wait_ms"); return d && *d > 1000; }},
        {"attempt range", "attempt:[2 TO 3]", [](const Generated &r) { auto d = number(r, "attempt"); return d && *d >= 2 && *d <= 3; }},
        {"negative bound", "attempt > -1", [](const Generated &r) { return number(r, "attempt").has_value(); }},
        // Past double's range is still a number, beyond every finite one: never a text comparison.
        {"bound past double", "duration:[1e400 TO *]", [](const Generated &) { return false; }},
        {"negative bound past double", "duration > -1e400", [](const Generated &r) { return number(r, "duration").has_value(); }},
        {"bound below double", "attempt > 1e-400", [](const Generated &r) { auto d = number(r, "attempt"); return d && *d > 0; }},
        // Free text: tokens of messages and string values, case-insensitive.
        {"timeout", "timeout", [](const Generated &r) { return text(r, {"timeout"}); }},
        {"TIMEOUT", "TIMEOUT", [](const Generated &r) { return text(r, {"timeout"}); }},
        {"poolTimeout", "pooltimeout", [](const Generated &r) { return text(r, {"pooltimeout"}); }},
        {"phrase", "\"connection timed out\"", [](const Generated &r) { return text(r, {"connection", "timed", "out"}); }},
        {"phrase absent order", "\"out timed connection\"", [](const Generated &r) { return text(r, {"out", "timed", "connection"}); }},
        {"dotted term", "task.failed", [](const Generated &r) { return text(r, {"task", "failed"}); }},
        {"dashed term", "worker-2", [](const Generated &r) { return text(r, {"worker", "2"}); }},
        {"slashed term", "/api/v1/tasks", [](const Generated &r) { return text(r, {"api", "v1", "tasks"}); }},
        {"colon term", "inference:8080", [](const Generated &r) { return text(r, {"inference", "8080"}); }},
        {"two words", "pool exhausted", [](const Generated &r) { return text(r, {"pool"}) && text(r, {"exhausted"}); }},
        {"word or word", "recovered or exhausted", [](const Generated &r) { return text(r, {"recovered"}) || text(r, {"exhausted"}); }},
        {"not word", "not cache", [](const Generated &r) { return !text(r, {"cache"}); }},
        {"key names are not text", "task_id", [](const Generated &r) { return text(r, {"task_id"}); }},
        {"traceback text", "listOnTimeout", [](const Generated &r) { return text(r, {"listontimeout"}); }},
        {"continuation", "run_task", [](const Generated &r) { return text(r, {"run_task"}); }},
        {"prefix wildcard", "recov*", [](const Generated &r) { return anyToken(r, [](const std::string &t) { return t.starts_with("recov"); }); }},
        {"suffix wildcard", "*ache", [](const Generated &r) { return anyToken(r, [](const std::string &t) { return t.ends_with("ache"); }); }},
        {"question wildcard", "tas?", [](const Generated &r) { return anyToken(r, [](const std::string &t) { return t.size() == 4 && t.starts_with("tas"); }); }},
        {"token regex", "/exhaust(ed|ion)/", [](const Generated &r) { return anyToken(r, [](const std::string &t) { return t == "exhausted" || t == "exhaustion"; }); }},
        {"token regex classes", "/\\d{3}/", [](const Generated &r) { return anyToken(r, [](const std::string &t) { return t.size() == 3 && std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; }); }); }},
        {"token regex backtracking", "/(a+)+$/", [](const Generated &r) { return anyToken(r, [](const std::string &t) { return !t.empty() && t.find_first_not_of('a') == std::string::npos; }); }},
        {"everything", "*", [](const Generated &) { return true; }},
        {"lucene match all", "*:*", [](const Generated &) { return true; }},
        {"match all and level", "*:* and level:error", [](const Generated &r) { return r.level == "error"; }},
        {"empty", "", [](const Generated &) { return true; }},
        // The message column alone.
        {"event phrase", "event:\"task.failed\"", [](const Generated &r) { return holds(r.message, {"task", "failed"}); }},
        {"msg alias", "msg:cache", [](const Generated &r) { return holds(r.message, {"cache"}); }},
        {"message token", "message:pool", [](const Generated &r) { return holds(r.message, {"pool"}); }},
        {"message wildcard", "message:task.*", [](const Generated &r) { return r.message.starts_with("task."); }},
        {"message is not values", "message:reindex", [](const Generated &r) { return holds(r.message, {"reindex"}); }},
        // DESIGN.md's and the examples.
        {"design event priority", "event:\"task.failed\" AND priority:\"high\"", [](const Generated &r) { return holds(r.message, {"task", "failed"}) && fieldIs(r, "priority", "high"); }},
        {"design event priority now", "event:\"task.dispatched\" AND priority:\"high\" AND @timestamp:[now-1h TO now]",
         [=](const Generated &r) {
             return holds(r.message, {"task", "dispatched"}) && fieldIs(r, "priority", "high") && ns(r) >= at(1) - 60 * kMinuteNs
                 && ns(r) <= at(1);
         }},
        {"a regex holds no star: a wildcard", "task_type:/(em|co).*/", [](const Generated &) { return false; }},
        // Time: absolute dates to a precision, comparisons, ranges, date math against a fixed now.
        {"time day", "@timestamp:2025-11-10", [](const Generated &r) { return ns(r) >= kStartNs - 10 * 3600 * 1'000'000'000LL - 30 * kMinuteNs && ns(r) < kStartNs + 13 * 3600 * 1'000'000'000LL + 30 * kMinuteNs; }},
        {"time minute", "@timestamp:\"2025-11-10T10:31\"", [=](const Generated &r) { return ns(r) >= at(1) && ns(r) < at(2); }},
        {"time before minute", "@timestamp < \"2025-11-10T10:31\"", [=](const Generated &r) { return ns(r) < at(1); }},
        {"time through minute", "@timestamp <= \"2025-11-10T10:31\"", [=](const Generated &r) { return ns(r) < at(2); }},
        {"time after minute", "@timestamp > \"2025-11-10T10:31\"", [=](const Generated &r) { return ns(r) >= at(2); }},
        {"time second range", "timestamp:[\"2025-11-10T10:30:45\" TO \"2025-11-10T10:31:05\"]", [=](const Generated &r) { return ns(r) >= at(0, 45) && ns(r) < at(1, 6); }},
        {"time exclusive range", "time:{\"2025-11-10T10:30:45\" TO \"2025-11-10T10:31:05\"}", [=](const Generated &r) { return ns(r) >= at(0, 46) && ns(r) < at(1, 5); }},
        {"time millis", "@timestamp >= \"2025-11-10T10:30:45.5\"", [=](const Generated &r) { return ns(r) >= at(0, 45) + 500'000'000; }},
        {"time with offset", "@timestamp < \"2025-11-10T11:31+01:00\"", [=](const Generated &r) { return ns(r) < at(1); }},
        {"time open range", "@timestamp:[\"2025-11-10T10:31\" TO *]", [=](const Generated &r) { return ns(r) >= at(1); }},
        {"now minus", "@timestamp >= now-30s", [=](const Generated &r) { return ns(r) >= at(1) - 30'000'000'000LL; }},
        {"now range", "@timestamp:[now-1m TO now]", [=](const Generated &r) { return ns(r) >= at(0) && ns(r) <= at(1); }},
        {"now rounded", "@timestamp:[now/m TO now]", [=](const Generated &r) { return ns(r) >= at(1) && ns(r) <= at(1); }},
        {"time and level", "level:error and @timestamp < \"2025-11-10T10:31\"", [=](const Generated &r) { return r.level == "error" && ns(r) < at(1); }},
        {"time or level", "level:error or @timestamp < \"2025-11-10T10:30:10\"", [=](const Generated &r) { return r.level == "error" || ns(r) < at(0, 10); }},
        {"not time", "not @timestamp < \"2025-11-10T10:31\"", [=](const Generated &r) { return ns(r) >= at(1); }},
        {"time service", "service:cache and @timestamp:[\"2025-11-10T10:30:20\" TO \"2025-11-10T10:30:50\"}", [=](const Generated &r) { return r.service == "cache" && ns(r) >= at(0, 20) && ns(r) < at(0, 50); }},
        {"time text", "timeout and @timestamp >= \"2025-11-10T10:31\"", [=](const Generated &r) { return text(r, {"timeout"}) && ns(r) >= at(1); }},
        // Combinations.
        {"and or not", "(level:error or level:warn) and not service:orchestrator and timeout",
         [](const Generated &r) { return (r.level == "error" || r.level == "warn") && r.service != "orchestrator" && text(r, {"timeout"}); }},
        {"nested parens", "((service:cache and level:warn) or (service:orchestrator and level:error))",
         [](const Generated &r) { return (r.service == "cache" && r.level == "warn") || (r.service == "orchestrator" && r.level == "error"); }},
        {"double not", "not not level:error", [](const Generated &r) { return r.level == "error"; }},
        {"not and not", "not level:info and not level:debug", [](const Generated &r) { return r.level != "info" && r.level != "debug"; }},
        {"not or not", "not level:info or not service:cache", [](const Generated &r) { return r.level != "info" || r.service != "cache"; }},
        {"precedence", "service:cache or service:worker-1 and level:error", [](const Generated &r) { return r.service == "cache" || (r.service == "worker-1" && r.level == "error"); }},
        {"implicit and", "service:orchestrator task.failed", [](const Generated &r) { return r.service == "orchestrator" && text(r, {"task", "failed"}); }},
        {"lucene and or", "level:error AND (service:worker-1 OR service:worker-2)", [](const Generated &r) { return r.level == "error" && (r.service == "worker-1" || r.service == "worker-2"); }},
        {"symbols", "level:error && !service:orchestrator || service:cache && level:warn",
         [](const Generated &r) { return (r.level == "error" && r.service != "orchestrator") || (r.service == "cache" && r.level == "warn"); }},
        {"phrase and field", "\"timed out\" and err.type:*", [](const Generated &r) { return text(r, {"timed", "out"}) && field(r, "err.type"); }},
        {"not phrase", "level:error and not \"connection timed out\"", [](const Generated &r) { return r.level == "error" && !text(r, {"connection", "timed", "out"}); }},
        {"exists and range", "_exists_:status and not status >= 500", [](const Generated &r) { auto s = number(r, "status"); return field(r, "status") && !(s && *s >= 500); }},
        {"text and path", "reindex and priority:high", [](const Generated &r) { return text(r, {"reindex"}) && fieldIs(r, "priority", "high"); }},
        {"wildcard and not", "service:worker-* and not level:debug", [](const Generated &r) { return r.service.starts_with("worker-") && r.level != "debug"; }},
        {"request ids of failures", "request_id:* and event:\"task.failed\"", [](const Generated &r) { return !r.requestId.empty() && holds(r.message, {"task", "failed"}); }},
    };
}

} // namespace

// Matching events per bucket, whatever their level, through the store interface.
Result<std::vector<std::uint64_t>> bucketTotals(
    EventStore &store, const QueryFilter &filter, std::int64_t fromNs, std::int64_t bucketNs, std::size_t buckets)
{
    auto histogram = store.levelHistogram(filter, HistogramSpec{fromNs, bucketNs, buckets, false});
    if (!histogram)
        return histogram.error();
    std::vector<std::uint64_t> totals;
    for (const LevelCounts &counts : histogram->buckets) {
        std::uint64_t total = 0;
        for (const std::uint64_t count : counts)
            total += count;
        totals.push_back(total);
    }
    return totals;
}

class TestQuery : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    // Every query runs on the store and on its copy without the stored order (as during an import
    // that is adding events), where the engine's other paths answer.
    GeneratedStore m_generated;

private Q_SLOTS:
    void initTestCase()
    {
        bundlegen::GeneratorOptions options;
        options.seed = 7;
        options.targetBytes = 600'000;
        makeGeneratedStore(m_dir, options, m_generated);
    }

    void matchesTheRecords_data()
    {
        QTest::addColumn<QString>("query");
        QTest::addColumn<int>("expected");
        QTest::addColumn<bool>("withOrder");
        const auto table = rows();
        QVERIFY(table.size() >= 100);
        for (const bool withOrder : {true, false})
            for (const Row &row : table) {
                const auto expected = std::count_if(m_generated.records.begin(), m_generated.records.end(), row.truth);
                QTest::addRow("%s%s", row.name, withOrder ? "" : " (no stored order)")
                    << QString::fromStdString(row.query) << int(expected) << withOrder;
            }
    }

    void matchesTheRecords()
    {
        QFETCH(QString, query);
        QFETCH(int, expected);
        QFETCH(bool, withOrder);
        EventStore &store = m_generated.of(withOrder);
        // now is the bundle's minute after the start: 10:31:00.
        const QueryTime time(kStartNs + kMinuteNs);
        auto filter = QueryFilter::fromText(query.toStdString(), time);
        QVERIFY2(filter.has_value(), filter.has_value() ? "" : filter.error().message.c_str());
        auto count = store.count(filter.value());
        QVERIFY2(count.has_value(), count.has_value() ? "" : count.error().message.c_str());
        QCOMPARE(int(*count), expected);

        // Every page in the one order, both ways, adds up to the count.
        std::vector<EventKey> ascending;
        for (const Direction direction : {Direction::Ascending, Direction::Descending}) {
            std::optional<EventKey> after;
            int seen = 0;
            std::optional<EventKey> previous;
            while (true) {
                auto page = store.events(filter.value(), after, 200, direction);
                QVERIFY(page.has_value());
                if (page->empty())
                    break;
                for (const EventRow &row : page.value()) {
                    if (previous)
                        QVERIFY(direction == Direction::Ascending ? *previous < row.key : row.key < *previous);
                    previous = row.key;
                    if (direction == Direction::Ascending)
                        ascending.push_back(row.key);
                }
                seen += int(page->size());
                after = page->back().key;
            }
            QCOMPARE(seen, expected);
        }

        // A page at a position (a dragged scroll bar) starts at that event of the paged order, both ways.
        const auto size = static_cast<std::uint64_t>(ascending.size());
        for (const std::uint64_t position : {std::uint64_t{0}, size / 3, size / 2, size > 0 ? size - 1 : 0, size}) {
            for (const Direction direction : {Direction::Ascending, Direction::Descending}) {
                auto page = store.eventsAt(filter.value(), position, 7, direction);
                QVERIFY2(page.has_value(), page.has_value() ? "" : page.error().message.c_str());
                const std::uint64_t expectedSize = std::min<std::uint64_t>(7, size - std::min(position, size));
                QCOMPARE(std::uint64_t(page->size()), expectedSize);
                for (std::size_t i = 0; i < page->size(); ++i) {
                    const std::uint64_t at = direction == Direction::Ascending ? position + i : size - 1 - position - i;
                    QCOMPARE(page->at(i).key, ascending[static_cast<std::size_t>(at)]);
                }
            }
        }
    }

    // Bucket counts against the records themselves, with and without the stored order, for buckets
    // that cut the bundle's seconds and for a range that starts inside it.
    void histogramCountsTheRecords_data()
    {
        QTest::addColumn<QString>("query");
        QTest::addColumn<bool>("withOrder");
        QTest::addColumn<qint64>("bucketNs");
        for (const bool withOrder : {true, false})
            for (const Row &row : rows()) {
                const std::string name = row.name;
                if (name.find("time") == std::string::npos && name.find("combined") == std::string::npos
                    && name.find("text") == std::string::npos && name.find("level") == std::string::npos)
                    continue;
                for (const qint64 bucketNs : {qint64{1'700'000'000}, qint64{10'000'000'000}})
                    QTest::addRow("%s, %lld ns%s", row.name, static_cast<long long>(bucketNs), withOrder ? "" : " (no stored order)")
                        << QString::fromStdString(row.query) << withOrder << bucketNs;
            }
    }

    void histogramCountsTheRecords()
    {
        QFETCH(QString, query);
        QFETCH(bool, withOrder);
        QFETCH(qint64, bucketNs);
        const auto table = rows();
        const auto row = std::find_if(table.begin(), table.end(), [&](const Row &r) { return r.query == query.toStdString(); });
        QVERIFY(row != table.end());
        const QueryTime time(kStartNs + kMinuteNs);
        auto filter = QueryFilter::fromText(query.toStdString(), time);
        QVERIFY(filter.has_value());
        const std::int64_t fromNs = kStartNs + 3'300'000'000LL;
        constexpr std::size_t Buckets = 40;
        std::vector<std::uint64_t> expected(Buckets, 0);
        for (const Generated &record : m_generated.records) {
            const std::int64_t ns = record.timeUs * 1000;
            if (ns >= fromNs && ns < fromNs + static_cast<std::int64_t>(Buckets) * bucketNs && row->truth(record))
                ++expected[static_cast<std::size_t>((ns - fromNs) / bucketNs)];
        }
        auto buckets = bucketTotals(m_generated.of(withOrder), filter.value(), fromNs, bucketNs, Buckets);
        QVERIFY2(buckets.has_value(), buckets.has_value() ? "" : buckets.error().message.c_str());
        QCOMPARE(buckets.value(), expected);
    }

    void histogramAddsUpToTheCount()
    {
        for (const char *query : {"level:error", "timeout", "service:cache and @timestamp >= \"2025-11-10T10:30:30.5\""}) {
            auto filter = QueryFilter::fromText(query, QueryTime(kStartNs));
            QVERIFY(filter.has_value());
            auto buckets = bucketTotals(*m_generated.store, filter.value(), kStartNs - kMinuteNs, 10'000'000'000LL, 200);
            QVERIFY(buckets.has_value());
            std::uint64_t total = 0;
            for (const std::uint64_t count : buckets.value())
                total += count;
            QCOMPARE(total, m_generated.store->count(filter.value()).value());
        }
    }

    void anchorIsTheEnd()
    {
        auto anchor = m_generated.store->timeAnchor();
        QVERIFY(anchor.has_value() && anchor->has_value());
        std::int64_t last = 0;
        for (const Generated &r : m_generated.records)
            last = std::max(last, ns(r));
        QVERIFY(**anchor <= last);
        QVERIFY(**anchor > last - kMinuteNs);
    }
};

QTEST_GUILESS_MAIN(TestQuery)
#include "tst_query.moc"
