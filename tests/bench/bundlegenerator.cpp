// SPDX-License-Identifier: MIT
#include "bundlegenerator.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <system_error>
#include <utility>

namespace bundlegen {
namespace {

// Times are integer microseconds since the epoch throughout: no floating point anywhere, so that
// no libm or printf difference between machines can change a byte.
constexpr std::int64_t kMs = 1000;
constexpr std::int64_t kSecond = 1000 * kMs;
constexpr std::int64_t kStartUs = 1762770600LL * kSecond; // 2025-11-10T10:30:00Z
constexpr int kPoolSize = 10;
constexpr std::int64_t kPoolTimeout = 5 * kSecond;
constexpr int kMaxAttempts = 3;
constexpr int kBatchTasks = 50;
constexpr std::int64_t kTickInterval = 5 * kSecond;
constexpr std::uint64_t kIncidentPercent = 30; ///< the batch arrives after this share of the target
constexpr std::int64_t kStoryLimit = 10 * 60 * kSecond;

// splitmix64: tiny, fast, and the same sequence everywhere (std distributions are not).
class Rng
{
public:
    explicit Rng(std::uint64_t seed)
        : m_state(seed)
    {
    }
    std::uint64_t next()
    {
        m_state += 0x9e3779b97f4a7c15ULL;
        std::uint64_t z = m_state;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    // Inclusive range; the modulo bias is far below anything a log reader could notice.
    std::int64_t between(std::int64_t low, std::int64_t high)
    {
        return low + static_cast<std::int64_t>(next() % static_cast<std::uint64_t>(high - low + 1));
    }
    bool chance(std::uint64_t perTenThousand) { return next() % 10000 < perTenThousand; }
    template<typename T, std::size_t N>
    const T &pick(const std::array<T, N> &items)
    {
        return items[static_cast<std::size_t>(next() % N)];
    }

private:
    std::uint64_t m_state;
};

enum class Level { Debug, Info, Warning, Error, Critical };

std::string_view structlogLevel(Level level)
{
    switch (level) {
    case Level::Debug: return "debug";
    case Level::Info: return "info";
    case Level::Warning: return "warning";
    case Level::Error: return "error";
    case Level::Critical: return "critical";
    }
    return "info";
}

std::string_view slogLevel(Level level)
{
    switch (level) {
    case Level::Debug: return "DEBUG";
    case Level::Info: return "INFO";
    case Level::Warning: return "WARN";
    case Level::Error: return "ERROR";
    case Level::Critical: return "ERROR";
    }
    return "INFO";
}

int pinoLevel(Level level)
{
    switch (level) {
    case Level::Debug: return 20;
    case Level::Info: return 30;
    case Level::Warning: return 40;
    case Level::Error: return 50;
    case Level::Critical: return 60;
    }
    return 30;
}

struct Member;

// A field value with its number text rendered once: JSON, Python repr and logfmt spell numbers alike.
struct Value {
    enum class Kind : std::uint8_t { String, Number, Bool, Object };
    Kind kind = Kind::String;
    std::string text;
    std::vector<Member> members;
};

struct Member {
    std::string_view key;
    Value value;
};

void appendInt(std::string &out, std::int64_t number)
{
    char buffer[24];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, number);
    out.append(buffer, result.ptr);
}

void appendPadded(std::string &out, std::int64_t number, int width)
{
    char buffer[24];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, number);
    for (auto digits = result.ptr - buffer; digits < width; ++digits)
        out.push_back('0');
    out.append(buffer, result.ptr);
}

Value str(std::string_view text)
{
    return Value{Value::Kind::String, std::string(text), {}};
}

Value num(std::int64_t number)
{
    Value value{Value::Kind::Number, {}, {}};
    appendInt(value.text, number);
    return value;
}

// scaled / 10^decimals spelled like Python's float repr for these magnitudes: "12.5", "5.0".
Value decimal(std::int64_t scaled, int decimals)
{
    std::int64_t divisor = 1;
    for (int i = 0; i < decimals; ++i)
        divisor *= 10;
    Value value{Value::Kind::Number, {}, {}};
    if (scaled < 0) {
        value.text.push_back('-');
        scaled = -scaled;
    }
    appendInt(value.text, scaled / divisor);
    value.text.push_back('.');
    std::string fraction;
    appendPadded(fraction, scaled % divisor, decimals);
    while (fraction.size() > 1 && fraction.back() == '0')
        fraction.pop_back();
    value.text += fraction.empty() ? std::string("0") : fraction;
    return value;
}

Value millis(std::int64_t micros)
{
    return decimal(micros, 3);
}

Value seconds(std::int64_t micros)
{
    return decimal(micros / kMs, 3);
}

Value flag(bool on)
{
    return Value{Value::Kind::Bool, on ? "true" : "false", {}};
}

Value object(std::vector<Member> members)
{
    return Value{Value::Kind::Object, {}, std::move(members)};
}

std::string hex(std::uint64_t bits, int digits)
{
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string text(static_cast<std::size_t>(digits), '0');
    for (int i = digits - 1; i >= 0; --i) {
        text[static_cast<std::size_t>(i)] = kDigits[bits & 0xf];
        bits >>= 4;
    }
    return text;
}

struct Event {
    std::int64_t timeUs = 0;
    std::size_t service = 0;
    Level level = Level::Info;
    std::string_view name;
    std::string requestId;
    std::vector<Member> fields;
    std::string errorType;
    std::string errorMessage;
    std::string_view traceback; ///< several lines, no trailing newline
};

// Day numbers to "YYYY-MM-DD", remembered because consecutive events share the day.
class Calendar
{
public:
    void appendIso(std::string &out, std::int64_t us, int fractionDigits)
    {
        const std::int64_t day = us / (86400 * kSecond);
        if (day != m_day) {
            m_day = day;
            m_date = dateOf(day);
        }
        out += m_date;
        std::int64_t rest = us - day * 86400 * kSecond;
        out.push_back('T');
        appendPadded(out, rest / (3600 * kSecond), 2);
        rest %= 3600 * kSecond;
        out.push_back(':');
        appendPadded(out, rest / (60 * kSecond), 2);
        rest %= 60 * kSecond;
        out.push_back(':');
        appendPadded(out, rest / kSecond, 2);
        out.push_back('.');
        if (fractionDigits == 6)
            appendPadded(out, rest % kSecond, 6);
        else
            appendPadded(out, (rest % kSecond) / kMs, 3);
        out.push_back('Z');
    }

private:
    static std::string dateOf(std::int64_t day)
    {
        const auto leap = [](std::int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; };
        std::int64_t year = 1970;
        while (day >= (leap(year) ? 366 : 365)) {
            day -= leap(year) ? 366 : 365;
            ++year;
        }
        static constexpr std::array<int, 12> kMonthDays{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        int month = 0;
        for (; month < 11; ++month) {
            const int length = kMonthDays[static_cast<std::size_t>(month)] + (month == 1 && leap(year) ? 1 : 0);
            if (day < length)
                break;
            day -= length;
        }
        std::string text;
        appendPadded(text, year, 4);
        text.push_back('-');
        appendPadded(text, month + 1, 2);
        text.push_back('-');
        appendPadded(text, day + 1, 2);
        return text;
    }

    std::int64_t m_day = -1;
    std::string m_date;
};

// json.dumps with ensure_ascii: everything we write is ASCII, so escaping controls is enough.
void appendJsonString(std::string &out, std::string_view text)
{
    out.push_back('"');
    for (const char c : text) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) {
                out += "\\u00";
                out += hex(static_cast<unsigned char>(c), 2);
            } else {
                out.push_back(c);
            }
        }
    }
    out.push_back('"');
}

// compact: pino's separators (",", ":"); otherwise Python's (", ", ": ").
void appendJsonValue(std::string &out, const Value &value, bool compact)
{
    switch (value.kind) {
    case Value::Kind::String: appendJsonString(out, value.text); break;
    case Value::Kind::Number:
    case Value::Kind::Bool: out += value.text; break;
    case Value::Kind::Object:
        out.push_back('{');
        for (std::size_t i = 0; i < value.members.size(); ++i) {
            if (i > 0)
                out += compact ? "," : ", ";
            appendJsonString(out, value.members[i].key);
            out += compact ? ":" : ": ";
            appendJsonValue(out, value.members[i].value, compact);
        }
        out.push_back('}');
        break;
    }
}

// Python's repr of a str: single quotes unless the text holds one and no double quote.
void appendPyString(std::string &out, std::string_view text)
{
    const bool hasSingle = text.find('\'') != std::string_view::npos;
    const bool hasDouble = text.find('"') != std::string_view::npos;
    const char quote = hasSingle && !hasDouble ? '"' : '\'';
    out.push_back(quote);
    for (const char c : text) {
        if (c == quote || c == '\\') {
            out.push_back('\\');
            out.push_back(c);
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '\t') {
            out += "\\t";
        } else if (c == '\r') {
            out += "\\r";
        } else if (static_cast<unsigned char>(c) < 0x20) {
            out += "\\x";
            out += hex(static_cast<unsigned char>(c), 2);
        } else {
            out.push_back(c);
        }
    }
    out.push_back(quote);
}

void appendPyRepr(std::string &out, const Value &value)
{
    switch (value.kind) {
    case Value::Kind::String: appendPyString(out, value.text); break;
    case Value::Kind::Number: out += value.text; break;
    case Value::Kind::Bool: out += value.text == "true" ? "True" : "False"; break;
    case Value::Kind::Object:
        out.push_back('{');
        for (std::size_t i = 0; i < value.members.size(); ++i) {
            if (i > 0)
                out += ", ";
            appendPyString(out, value.members[i].key);
            out += ": ";
            appendPyRepr(out, value.members[i].value);
        }
        out.push_back('}');
        break;
    }
}

void appendLogfmtValue(std::string &out, std::string_view text)
{
    const bool quote = text.empty() || text.find_first_of(" =\"\\\n\t") != std::string_view::npos;
    if (!quote) {
        out += text;
        return;
    }
    out.push_back('"');
    for (const char c : text) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\t': out += "\\t"; break;
        default: out.push_back(c);
        }
    }
    out.push_back('"');
}

// slog's text handler flattens groups into dotted keys.
void appendLogfmtField(std::string &out, const std::string &prefix, const Member &member)
{
    const std::string key = prefix.empty() ? std::string(member.key) : prefix + '.' + std::string(member.key);
    if (member.value.kind == Value::Kind::Object) {
        for (const Member &child : member.value.members)
            appendLogfmtField(out, key, child);
        return;
    }
    out.push_back(' ');
    out += key;
    out.push_back('=');
    appendLogfmtValue(out, member.value.text);
}

struct ServiceInfo {
    std::string name;
    LogFormat format = LogFormat::StructlogJson;
    std::string host;
    std::int64_t pid = 0;
};

std::uint32_t countLines(std::string_view text)
{
    return static_cast<std::uint32_t>(std::count(text.begin(), text.end(), '\n'));
}

// Renders one event in one format, trailing newline included.
class Renderer
{
public:
    void render(std::string &out, const Event &event, const ServiceInfo &service, LogFormat format)
    {
        switch (format) {
        case LogFormat::StructlogJson: structlogJson(out, event, service); break;
        case LogFormat::StructlogConsole: structlogConsole(out, event, service); break;
        case LogFormat::PinoJson: pino(out, event, service); break;
        case LogFormat::Logfmt: logfmt(out, event, service); break;
        }
    }

private:
    void structlogJson(std::string &out, const Event &event, const ServiceInfo &service)
    {
        out += "{\"timestamp\": \"";
        m_calendar.appendIso(out, event.timeUs, 6);
        out += "\", \"level\": \"";
        out += structlogLevel(event.level);
        out += "\", \"event\": ";
        appendJsonString(out, event.name);
        out += ", \"service\": ";
        appendJsonString(out, service.name);
        if (!event.requestId.empty()) {
            out += ", \"request_id\": ";
            appendJsonString(out, event.requestId);
        }
        for (const Member &member : event.fields) {
            out += ", ";
            appendJsonString(out, member.key);
            out += ": ";
            appendJsonValue(out, member.value, false);
        }
        if (!event.errorType.empty()) {
            out += ", \"error_type\": ";
            appendJsonString(out, event.errorType);
            out += ", \"error\": ";
            appendJsonString(out, event.errorMessage);
        }
        if (!event.traceback.empty()) {
            out += ", \"exception\": ";
            appendJsonString(out, event.traceback);
        }
        out += "}\n";
    }

    // ConsoleRenderer(colors=False): level padded to the longest name ("exception", 9), the event
    // padded to 30 and a space, then key=value sorted by key, strings bare, the rest as repr().
    void structlogConsole(std::string &out, const Event &event, const ServiceInfo &service)
    {
        m_calendar.appendIso(out, event.timeUs, 6);
        out += " [";
        const std::string_view level = structlogLevel(event.level);
        out += level;
        out.append(9 - level.size(), ' ');
        out += "] ";
        out += event.name;
        if (event.name.size() < 30)
            out.append(30 - event.name.size(), ' ');
        out.push_back(' ');

        m_pairs.clear();
        const auto add = [this](std::string_view key, const Value &value) {
            std::string text;
            if (value.kind == Value::Kind::String)
                text = value.text;
            else
                appendPyRepr(text, value);
            m_pairs.emplace_back(key, std::move(text));
        };
        add("service", str(service.name));
        if (!event.requestId.empty())
            add("request_id", str(event.requestId));
        for (const Member &member : event.fields)
            add(member.key, member.value);
        if (!event.errorType.empty()) {
            add("error_type", str(event.errorType));
            add("error", str(event.errorMessage));
        }
        std::sort(m_pairs.begin(), m_pairs.end(),
                  [](const auto &a, const auto &b) { return a.first < b.first; });
        for (std::size_t i = 0; i < m_pairs.size(); ++i) {
            if (i > 0)
                out.push_back(' ');
            out += m_pairs[i].first;
            out.push_back('=');
            out += m_pairs[i].second;
        }
        if (!event.traceback.empty()) {
            out.push_back('\n');
            out += event.traceback;
        }
        out.push_back('\n');
    }

    void pino(std::string &out, const Event &event, const ServiceInfo &service)
    {
        out += "{\"level\":";
        appendInt(out, pinoLevel(event.level));
        out += ",\"time\":";
        appendInt(out, event.timeUs / kMs);
        out += ",\"pid\":";
        appendInt(out, service.pid);
        out += ",\"hostname\":";
        appendJsonString(out, service.host);
        out += ",\"name\":";
        appendJsonString(out, service.name);
        if (!event.requestId.empty()) {
            out += ",\"reqId\":";
            appendJsonString(out, event.requestId);
        }
        for (const Member &member : event.fields) {
            out.push_back(',');
            appendJsonString(out, member.key);
            out.push_back(':');
            appendJsonValue(out, member.value, true);
        }
        if (!event.errorType.empty()) {
            out += ",\"err\":{\"type\":";
            appendJsonString(out, event.errorType);
            out += ",\"message\":";
            appendJsonString(out, event.errorMessage);
            if (!event.traceback.empty()) {
                out += ",\"stack\":";
                appendJsonString(out, event.traceback);
            }
            out.push_back('}');
        }
        out += ",\"msg\":";
        appendJsonString(out, event.name);
        out += "}\n";
    }

    void logfmt(std::string &out, const Event &event, const ServiceInfo &service)
    {
        out += "time=";
        m_calendar.appendIso(out, event.timeUs, 3);
        out += " level=";
        out += slogLevel(event.level);
        out += " msg=";
        appendLogfmtValue(out, event.name);
        out += " service=";
        appendLogfmtValue(out, service.name);
        if (!event.requestId.empty()) {
            out += " request_id=";
            appendLogfmtValue(out, event.requestId);
        }
        const std::string noPrefix;
        for (const Member &member : event.fields)
            appendLogfmtField(out, noPrefix, member);
        if (!event.errorType.empty()) {
            out += " error_type=";
            appendLogfmtValue(out, event.errorType);
            out += " error=";
            appendLogfmtValue(out, event.errorMessage);
        }
        if (!event.traceback.empty()) {
            out += " exception=";
            appendLogfmtValue(out, event.traceback);
        }
        out.push_back('\n');
    }

    Calendar m_calendar;
    std::vector<std::pair<std::string_view, std::string>> m_pairs;
};

constexpr std::string_view kPoolTimeoutMessage =
    "QueuePool limit of size 10 overflow 0 reached, connection timed out, timeout 5.00";

constexpr std::string_view kPoolTraceback = "Traceback (most recent call last):\n"
                                            "  File \"/srv/worker/tasks.py\", line 142, in run_task\n"
                                            "    async with self.db.session() as session:\n"
                                            "  File \"/srv/worker/db.py\", line 61, in session\n"
                                            "    conn = await self.pool.acquire(timeout=self.timeout)\n"
                                            "  File \"/srv/worker/pool.py\", line 97, in acquire\n"
                                            "    raise PoolTimeout(self.size, self.overflow, self.timeout)\n"
                                            "worker.pool.PoolTimeout: QueuePool limit of size 10 overflow 0 "
                                            "reached, connection timed out, timeout 5.00";

constexpr std::string_view kUpstreamTraceback =
    "Traceback (most recent call last):\n"
    "  File \"/srv/worker/tasks.py\", line 157, in run_task\n"
    "    result = await self.model.complete(prompt, timeout=30.0)\n"
    "  File \"/srv/worker/model.py\", line 88, in complete\n"
    "    response = await self.client.post(self.url, json=payload, timeout=timeout)\n"
    "  File \"/srv/worker/http.py\", line 41, in post\n"
    "    raise UpstreamTimeout(url, timeout)\n"
    "worker.http.UpstreamTimeout: POST http://inference:8080/v1/complete timed out after 30.0s";

constexpr std::string_view kCacheStack = "TimeoutError: GET timed out after 50ms\n"
                                         "    at Timeout._onTimeout (/srv/cache/lib/client.js:212:23)\n"
                                         "    at listOnTimeout (node:internal/timers:569:17)\n"
                                         "    at process.processTimers (node:internal/timers:512:7)";

struct PoolState {
    std::int64_t checkedOut = 0;
    std::int64_t waiting = 0;
};

// The shared pool as a booking sheet: each caller takes the connection that frees first, waits for
// it up to the timeout, and holds it for a known time. First booked, first served.
class Pool
{
public:
    // When the connection is granted, or -1 when the wait would exceed the timeout.
    std::int64_t acquire(std::int64_t at, std::int64_t hold)
    {
        auto slot = std::min_element(m_freeAt.begin(), m_freeAt.end());
        const std::int64_t granted = std::max(at, *slot);
        if (granted - at > kPoolTimeout) {
            m_waits.emplace_back(at, at + kPoolTimeout);
            return -1;
        }
        *slot = granted + hold;
        m_holds.emplace_back(granted, granted + hold);
        if (granted > at)
            m_waits.emplace_back(at, granted);
        return granted;
    }

    PoolState stateAt(std::int64_t at) const
    {
        const auto covers = [at](const std::pair<std::int64_t, std::int64_t> &span) {
            return span.first <= at && at < span.second;
        };
        return {static_cast<std::int64_t>(std::count_if(m_holds.begin(), m_holds.end(), covers)),
                static_cast<std::int64_t>(std::count_if(m_waits.begin(), m_waits.end(), covers))};
    }

    // Nothing asks about the past: keeps the sheet as small as the work in flight.
    void forget(std::int64_t before)
    {
        const auto over = [before](const std::pair<std::int64_t, std::int64_t> &span) { return span.second <= before; };
        m_holds.erase(std::remove_if(m_holds.begin(), m_holds.end(), over), m_holds.end());
        m_waits.erase(std::remove_if(m_waits.begin(), m_waits.end(), over), m_waits.end());
    }

private:
    std::array<std::int64_t, kPoolSize> m_freeAt{};
    std::vector<std::pair<std::int64_t, std::int64_t>> m_holds;
    std::vector<std::pair<std::int64_t, std::int64_t>> m_waits;
};

Value poolObject(const PoolState &state)
{
    return object({{"name", str("primary")},
                   {"size", num(kPoolSize)},
                   {"checked_out", num(state.checkedOut)},
                   {"waiting", num(state.waiting)}});
}

struct Pending {
    std::int64_t timeUs = 0;
    std::uint64_t seq = 0;
    std::size_t output = 0;
    std::uint32_t lines = 0;
    bool error = false;
    std::string text;
    std::optional<GeneratedRecord> record; ///< only when a caller asked for records
};

// Heap order: the earliest event on top, ties in the order they were made.
bool later(const Pending &a, const Pending &b)
{
    return a.timeUs != b.timeUs ? a.timeUs > b.timeUs : a.seq > b.seq;
}

struct Output {
    GeneratedFile info;
    std::FILE *file = nullptr;
};

// A version-4 UUID from two draws.
std::string uuid(Rng &r)
{
    const std::string a = hex(r.next(), 16);
    const std::string b = hex(r.next(), 16);
    return a.substr(0, 8) + "-" + a.substr(8, 4) + "-4" + a.substr(13, 3) + "-a" + b.substr(1, 3) + "-" + b.substr(4, 12);
}

struct TaskKind {
    std::string_view type;
    std::string_view goal;
    std::string_view statement;
};

constexpr std::array<TaskKind, 6> kTaskKinds{{
    {"summarize", "Summarize incident notes", "SELECT id, body FROM notes WHERE tenant_id = $1 ORDER BY created_at DESC LIMIT 50"},
    {"classify", "Classify support ticket", "SELECT id, payload FROM entities WHERE tenant_id = $1 AND status = 'active' LIMIT 200"},
    {"extract", "Extract fields from invoice", "SELECT id, blob_url FROM documents WHERE id = $1"},
    {"embed", "Embed knowledge base article", "UPDATE articles SET embedding = $1, updated_at = now() WHERE id = $2"},
    {"codegen", "Write code", "SELECT id, spec FROM tasks WHERE id = $1 FOR UPDATE"},
    {"translate", "Translate release notes", "INSERT INTO results (task_id, payload) VALUES ($1, $2)"},
}};

constexpr std::string_view kReindexStatement =
    "INSERT INTO search_index (entity_id, terms) SELECT id, to_tsvector(body) FROM entities WHERE tenant_id = $1";

constexpr std::array<std::string_view, 4> kPriorities{"normal", "normal", "high", "low"};


// What extraErrorsPerMillion adds: errors unrelated to the pool story, as a busy system logs them.
// Typed ones group by their type; the untyped ones by their message with the variable parts masked,
// and the upstream family spreads over services × resources, so there are some dozens of groups.
constexpr std::array<std::string_view, 6> kUpstreams{"billing", "search", "auth", "storage", "inference", "notifier"};
constexpr std::array<std::string_view, 8> kResources{"invoices", "tenants", "users", "documents", "tasks", "articles", "results", "tokens"};
constexpr std::array<std::string_view, 4> kS3Operations{"PutObject", "GetObject", "HeadObject", "DeleteObject"};

class Generator
{
public:
    Generator(const GeneratorOptions &options, std::vector<ServiceInfo> services, std::vector<Output> &outputs,
              const std::function<void(const GeneratedRecord &)> *onRecord = nullptr)
        : m_onRecord(onRecord)
        , m_options(options)
        , m_rng(options.seed)
        , m_errorRng(options.seed ^ 0x6578747261ULL)
        , m_services(std::move(services))
        , m_outputs(outputs)
    {
    }

    bool run(GeneratorReport &report)
    {
        m_report = &report;
        startup();
        std::int64_t nextArrival = kStartUs + kSecond;
        std::int64_t nextTick = kStartUs + kTickInterval;
        std::int64_t nextBatch = 0;
        int batchLeft = 0;
        bool batchSent = false;
        std::int64_t batchAt = 0;
        const std::uint64_t incidentAt = m_options.targetBytes / 100 * kIncidentPercent;
        // Small targets still get the whole story: traffic goes on until the pool has recovered (the
        // time limit only guards against a story that never ends).
        const auto storyTold = [&](std::int64_t now) {
            return batchSent && batchLeft == 0
                && (m_report->recoveredUs >= 0 || now > batchAt + kStoryLimit);
        };
        while (!(storyTold(std::min(nextArrival, nextTick)) && m_scheduledBytes >= m_options.targetBytes)) {
            std::int64_t now = nextArrival;
            int kind = 0; // 0 arrival, 1 batch task, 2 tick
            if (batchLeft > 0 && nextBatch < now) {
                now = nextBatch;
                kind = 1;
            }
            if (nextTick <= now) {
                now = nextTick;
                kind = 2;
            }
            if (!flushUntil(now))
                return false;
            m_pool.forget(now);
            std::erase_if(m_inFlight, [now](std::int64_t end) { return end <= now; });

            if (kind == 0) {
                startTask(now, {});
                nextArrival = now + m_rng.between(100 * kMs, 900 * kMs);
            } else if (kind == 1) {
                startTask(now, m_batchId);
                --batchLeft;
                nextBatch = now + m_rng.between(5 * kMs, 40 * kMs);
            } else {
                tick(now);
                nextTick = now + kTickInterval;
            }
            if (!batchSent && m_scheduledBytes >= incidentAt) {
                batchSent = true;
                batchLeft = kBatchTasks;
                m_batchId = "batch-" + hex(m_rng.next(), 6);
                const std::int64_t at = now + m_rng.between(1 * kMs, 20 * kMs);
                batchAt = at;
                emit(makeEvent(at, 0, Level::Info, "batch.submitted", "req-" + hex(m_rng.next(), 8),
                               {{"batch_id", str(m_batchId)},
                                {"tasks", num(kBatchTasks)},
                                {"task_type", str("reindex")},
                                {"user_id", str("user-" + std::to_string(m_rng.between(100, 999)))}}));
                nextBatch = at + m_rng.between(5 * kMs, 40 * kMs);
            }
        }
        return flushUntil(INT64_MAX);
    }

private:
    Event makeEvent(std::int64_t at, std::size_t service, Level level, std::string_view name, std::string requestId,
                    std::vector<Member> fields)
    {
        Event event;
        event.timeUs = at;
        event.service = service;
        event.level = level;
        event.name = name;
        event.requestId = std::move(requestId);
        event.fields = std::move(fields);
        return event;
    }

    std::size_t cacheService() const { return m_services.size() - 1; }
    std::size_t workerCount() const { return m_services.size() - 2; }

    void emit(const Event &event)
    {
        emitOne(event);
        if (m_options.extraErrorsPerMillion > 0 && !m_inExtra
            && m_errorRng.next() % 1'000'000 < m_options.extraErrorsPerMillion) {
            m_inExtra = true;
            emitOne(extraError(event));
            ++m_report->extraErrors;
            m_inExtra = false;
        }
    }

    // One error of the catalogue, logged by the service of `after` just after it. Its name (the
    // message) lives in m_extraName until the event is rendered.
    Event extraError(const Event &after)
    {
        Rng &r = m_errorRng;
        const std::int64_t at = after.timeUs + r.between(0, 3 * kMs);
        const auto ip = [&r] {
            return "10.12." + std::to_string(r.between(0, 15)) + "." + std::to_string(r.between(2, 254));
        };
        Event event = makeEvent(at, after.service, Level::Error, {}, after.requestId, {});
        std::string &name = m_extraName;
        const std::int64_t kind = r.between(0, 14);
        switch (kind) {
        case 0:
            name = "db.connection.lost";
            event.errorType = "ConnectionResetError";
            event.errorMessage = "[Errno 104] Connection reset by peer: " + ip() + ":5432";
            break;
        case 1:
            name = "db.write.failed";
            event.errorType = "IntegrityError";
            event.errorMessage = "duplicate key value violates unique constraint \"results_pkey\": Key (task_id)=(task-"
                + std::to_string(r.between(1, 999999)) + ") already exists";
            break;
        case 2:
            name = "config.lookup.failed";
            event.errorType = "KeyError";
            event.errorMessage = "'tenant-" + hex(r.next(), 6) + "'";
            break;
        case 3:
            name = "payload.decode.failed";
            event.errorType = "JSONDecodeError";
            event.errorMessage = "Expecting value: line 1 column " + std::to_string(r.between(1, 400)) + " (char "
                + std::to_string(r.between(0, 399)) + ")";
            break;
        case 4:
            name = "auth.denied";
            event.errorType = "PermissionDenied";
            event.errorMessage = "user user-" + std::to_string(r.between(100, 999)) + " lacks scope tasks:write";
            break;
        case 5:
            name = "rpc.failed";
            event.errorType = "DeadlineExceeded";
            event.errorMessage = "deadline exceeded after " + std::to_string(r.between(100, 5000)) + "ms calling "
                + std::string(r.pick(kUpstreams));
            break;
        case 6:
            // The type under another key than the renderers' own.
            name = "spool.write.failed";
            event.fields = {{"exc_type", str("OSError")},
                            {"detail", str("[Errno 28] No space left on device: '/var/spool/tl/" + hex(r.next(), 16) + ".tmp'")}};
            break;
        case 7:
            name = "worker.oom";
            event.level = Level::Critical;
            event.errorType = "MemoryError";
            event.errorMessage = "RSS " + std::to_string(r.between(2048, 8192)) + " MB over the limit";
            break;
        case 8:
            name = "artifact.upload.failed";
            event.errorType = "ClientError";
            event.errorMessage = "An error occurred (SlowDown) when calling the " + std::string(r.pick(kS3Operations))
                + " operation";
            break;
        case 9:
        case 10:
        case 11:
            // Untyped: the message is all there is. Service × resource makes 48 signatures.
            name = "upstream " + std::string(r.pick(kUpstreams)) + " returned " + std::to_string(r.between(500, 504))
                + " for GET /api/v1/" + std::string(r.pick(kResources)) + "/" + std::to_string(r.between(1, 99999));
            break;
        case 12:
            name = "failed to send email to user-" + std::to_string(r.between(100, 999)) + ": smtp timeout after "
                + std::to_string(r.between(5, 60)) + "s";
            break;
        case 13:
            name = "lock on " + uuid(r) + " held for " + std::to_string(r.between(1000, 90000)) + "ms by pid "
                + std::to_string(r.between(100, 65000));
            break;
        default:
            event.level = r.chance(2000) ? Level::Critical : Level::Error;
            name = "cache shard 0x" + hex(r.next(), 4) + " unreachable at " + ip() + ":6379";
            break;
        }
        event.name = name;
        return event;
    }

    void emitOne(const Event &event)
    {
        Pending pending;
        pending.timeUs = event.timeUs;
        pending.seq = m_seq++;
        pending.output = m_options.singleFile ? 0 : event.service;
        pending.error = event.level >= Level::Error;
        const LogFormat format = m_outputs[pending.output].info.format;
        m_renderer.render(pending.text, event, m_services[event.service], format);
        pending.lines = countLines(pending.text);
        if (m_onRecord && *m_onRecord)
            pending.record = describe(event, m_services[event.service], format, m_outputs[pending.output].info.name);
        m_scheduledBytes += pending.text.size();
        m_heap.push_back(std::move(pending));
        std::push_heap(m_heap.begin(), m_heap.end(), later);
    }

    bool flushUntil(std::int64_t limit)
    {
        while (!m_heap.empty() && m_heap.front().timeUs <= limit) {
            std::pop_heap(m_heap.begin(), m_heap.end(), later);
            Pending pending = std::move(m_heap.back());
            m_heap.pop_back();
            Output &output = m_outputs[pending.output];
            if (std::fwrite(pending.text.data(), 1, pending.text.size(), output.file) != pending.text.size()) {
                m_report->error = "cannot write " + output.info.name;
                return false;
            }
            if (pending.record)
                (*m_onRecord)(*pending.record);
            output.info.bytes += pending.text.size();
            output.info.lines += pending.lines;
            ++output.info.events;
            if (m_report->events == 0)
                m_report->firstUs = pending.timeUs;
            m_report->lastUs = pending.timeUs;
            ++m_report->events;
            m_report->lines += pending.lines;
            m_report->bytes += pending.text.size();
            if (pending.error)
                ++m_report->errorEvents;
        }
        return true;
    }

    void startup()
    {
        for (std::size_t i = 0; i < m_services.size(); ++i) {
            const std::int64_t at = kStartUs + static_cast<std::int64_t>(i) * 37 * kMs;
            emit(makeEvent(at, i, Level::Info, "service.started", {},
                           {{"version", str("2.14.1")}, {"environment", str("production")}}));
            if (i > 0 && i < cacheService()) {
                emit(makeEvent(at + 4 * kMs, i, Level::Info, "db.pool.created", {},
                               {{"pool", str("primary")},
                                {"size", num(kPoolSize)},
                                {"max_overflow", num(0)},
                                {"timeout_s", decimal(5, 0)}}));
            }
        }
    }

    void tick(std::int64_t now)
    {
        const PoolState state = m_pool.stateAt(now);
        const auto inFlight = static_cast<std::int64_t>(m_inFlight.size());
        emit(makeEvent(now, 0, state.waiting > 0 ? Level::Warning : Level::Debug, "health.check", {},
                       {{"in_flight", num(inFlight)},
                        {"workers", num(static_cast<std::int64_t>(workerCount()))},
                        {"db_pool", poolObject(state)}}));
        if (m_exhaustedSince < 0 && state.checkedOut >= kPoolSize && state.waiting >= 5) {
            m_exhaustedSince = now;
            if (m_report->exhaustedUs < 0)
                m_report->exhaustedUs = now;
            emit(makeEvent(now + 1, 0, Level::Error, "db.pool.exhausted", {},
                           {{"db_pool", poolObject(state)}, {"in_flight", num(inFlight)}}));
        } else if (m_exhaustedSince >= 0 && state.waiting == 0 && state.checkedOut < kPoolSize) {
            if (m_report->recoveredUs < 0)
                m_report->recoveredUs = now;
            emit(makeEvent(now + 1, 0, Level::Info, "db.pool.recovered", {},
                           {{"db_pool", poolObject(state)}, {"exhausted_for_s", seconds(now - m_exhaustedSince)}}));
            m_exhaustedSince = -1;
        }
    }

    void startTask(std::int64_t t0, const std::string &batchId)
    {
        const bool batch = !batchId.empty();
        const std::string requestId = "req-" + hex(m_rng.next(), 8);
        const std::string taskId = "task-" + std::to_string(++m_taskCounter);
        const TaskKind &kind = m_rng.pick(kTaskKinds);
        const std::string_view type = batch ? std::string_view("reindex") : kind.type;
        const std::string_view priority = batch ? std::string_view("high") : m_rng.pick(kPriorities);
        const std::string user = "user-" + std::to_string(m_rng.between(100, 999));
        const std::size_t worker = 1 + static_cast<std::size_t>(m_rng.next() % workerCount());
        const std::string workerName = m_services[worker].name;
        const std::string cacheKey = "task:" + hex(m_rng.next(), 12);
        ++m_report->tasks;

        std::int64_t t = t0;
        const std::string path = batch ? "/api/v1/batches/" + batchId + "/tasks" : std::string("/api/v1/tasks");
        emit(makeEvent(t, 0, Level::Info, "request.received", requestId,
                       {{"http",
                         object({{"method", str("POST")},
                                 {"path", str(path)},
                                 {"remote_addr", str("10.12." + std::to_string(m_rng.between(0, 15)) + "."
                                                     + std::to_string(m_rng.between(2, 254)))}})},
                        {"user_id", str(user)}}));

        // The orchestrator asks the cache first; batch work is never cached.
        t += m_rng.between(300, 2500);
        if (!batch && m_rng.chance(30)) {
            Event event = makeEvent(t + 50 * kMs, cacheService(), Level::Warning, "cache.timeout", requestId,
                                    {{"key", str(cacheKey)}, {"timeout_ms", num(50)}});
            event.errorType = "TimeoutError";
            event.errorMessage = "GET timed out after 50ms";
            event.traceback = kCacheStack;
            emit(event);
            t += 50 * kMs;
        } else if (!batch && m_rng.chance(1800)) {
            emit(makeEvent(t, cacheService(), Level::Info, "cache.hit", requestId,
                           {{"key", str(cacheKey)}, {"age_s", num(m_rng.between(1, 3599))}}));
            t += m_rng.between(500, 3000);
            emit(makeEvent(t, 0, Level::Info, "task.cached", requestId,
                           {{"task_id", str(taskId)}, {"task_type", str(type)}, {"cache_key", str(cacheKey)}}));
            t += m_rng.between(100, 800);
            emit(makeEvent(t, 0, Level::Info, "request.completed", requestId,
                           {{"status", num(200)}, {"duration_ms", millis(t - t0)}}));
            m_inFlight.push_back(t);
            return;
        } else {
            emit(makeEvent(t, cacheService(), Level::Debug, "cache.miss", requestId, {{"key", str(cacheKey)}}));
        }

        t += m_rng.between(500, 3000);
        std::vector<Member> dispatched{{"task_id", str(taskId)},
                                       {"task_type", str(type)},
                                       {"priority", str(priority)},
                                       {"worker", str(workerName)}};
        if (batch)
            dispatched.push_back({"batch_id", str(batchId)});
        else
            dispatched.push_back({"goal", str(kind.goal)});
        emit(makeEvent(t, 0, Level::Info, "task.dispatched", requestId, std::move(dispatched)));

        t += m_rng.between(1 * kMs, 6 * kMs);
        const std::int64_t started = t;
        emit(makeEvent(t, worker, Level::Info, "task.started", requestId,
                       {{"task_id", str(taskId)}, {"task_type", str(type)}, {"attempt", num(1)}}));

        const std::int64_t hold = batch ? m_rng.between(5 * kSecond, 10 * kSecond) : m_rng.between(8 * kMs, 90 * kMs);
        bool acquired = false;
        for (int attempt = 1; attempt <= kMaxAttempts && !acquired; ++attempt) {
            t += m_rng.between(100, 2000);
            const std::int64_t granted = m_pool.acquire(t, hold);
            if (granted >= 0) {
                acquired = true;
                const std::int64_t wait = granted - t;
                emit(makeEvent(granted, worker, wait > kSecond ? Level::Warning : Level::Debug, "db.pool.acquired",
                               requestId,
                               {{"task_id", str(taskId)},
                                {"wait_ms", millis(wait)},
                                {"pool", poolObject(m_pool.stateAt(granted))}}));
                // One heavy statement for the batch; one to three short ones otherwise.
                const int queries = batch ? 1 : static_cast<int>(m_rng.between(1, 3));
                std::int64_t at = granted;
                for (int q = 0; q < queries; ++q) {
                    const std::int64_t duration = q + 1 == queries ? granted + hold - at : hold / (queries + 1);
                    at += duration;
                    emit(makeEvent(at, worker, Level::Debug, "db.query", requestId,
                                   {{"statement", str(batch ? kReindexStatement : kind.statement)},
                                    {"duration_ms", millis(duration)},
                                    {"rows", num(batch ? m_rng.between(20000, 90000) : m_rng.between(0, 200))}}));
                }
                t = granted + hold;
                continue;
            }
            t += kPoolTimeout;
            ++m_report->poolTimeouts;
            Event timeout = makeEvent(t, worker, Level::Error, "db.pool.timeout", requestId,
                                      {{"task_id", str(taskId)},
                                       {"attempt", num(attempt)},
                                       {"pool", poolObject(m_pool.stateAt(t))}});
            timeout.errorType = "PoolTimeout";
            timeout.errorMessage = std::string(kPoolTimeoutMessage);
            emit(timeout);
            if (attempt < kMaxAttempts) {
                const std::int64_t backoff = (500 * kMs << (attempt - 1)) + m_rng.between(0, 250 * kMs);
                t += m_rng.between(200, 900);
                ++m_report->retries;
                emit(makeEvent(t, worker, Level::Warning, "task.retry", requestId,
                               {{"task_id", str(taskId)},
                                {"attempt", num(attempt + 1)},
                                {"backoff_ms", num(backoff / kMs)},
                                {"reason", str("PoolTimeout")}}));
                t += backoff;
            }
        }

        if (!acquired) {
            fail(t, t0, started, requestId, taskId, worker, kMaxAttempts, "PoolTimeout",
                 std::string(kPoolTimeoutMessage), kPoolTraceback, 503);
            return;
        }

        if (!batch) {
            // The model call: where the time of a normal task goes, and now and then a timeout.
            if (m_rng.chance(40)) {
                t += 30 * kSecond;
                fail(t, t0, started, requestId, taskId, worker, 1, "UpstreamTimeout",
                     "POST http://inference:8080/v1/complete timed out after 30.0s", kUpstreamTraceback, 504);
                return;
            }
            const std::int64_t latency = m_rng.between(40 * kMs, 900 * kMs);
            t += latency;
            emit(makeEvent(t, worker, Level::Info, "model.call", requestId,
                           {{"task_id", str(taskId)},
                            {"model", str("summarizer-v3")},
                            {"latency_ms", millis(latency)},
                            {"usage",
                             object({{"prompt_tokens", num(m_rng.between(200, 4000))},
                                     {"completion_tokens", num(m_rng.between(20, 800))}})}}));
            t += m_rng.between(300, 2000);
            emit(makeEvent(t, cacheService(), Level::Debug, "cache.set", requestId,
                           {{"key", str(cacheKey)}, {"ttl_s", num(3600)}, {"bytes", num(m_rng.between(200, 40000))}}));
        }
        t += m_rng.between(200, 1500);
        emit(makeEvent(t, worker, Level::Info, "task.completed", requestId,
                       {{"task_id", str(taskId)},
                        {"duration_ms", millis(t - started)},
                        {"result", object({{"ok", flag(true)}, {"items", num(m_rng.between(1, 50))}})}}));
        t += m_rng.between(1 * kMs, 4 * kMs);
        emit(makeEvent(t, 0, Level::Info, "task.complete", requestId,
                       {{"task_id", str(taskId)},
                        {"worker", str(workerName)},
                        {"duration", seconds(t - t0)},
                        {"status", str("success")}}));
        t += m_rng.between(100, 800);
        emit(makeEvent(t, 0, Level::Info, "request.completed", requestId,
                       {{"status", num(200)}, {"duration_ms", millis(t - t0)}}));
        m_inFlight.push_back(t);
    }

    void fail(std::int64_t t, std::int64_t t0, std::int64_t started, const std::string &requestId,
              const std::string &taskId, std::size_t worker, int attempts, std::string_view errorType,
              const std::string &message, std::string_view traceback, int status)
    {
        ++m_report->failedTasks;
        t += m_rng.between(200, 1500);
        Event failed = makeEvent(t, worker, Level::Error, "task.failed", requestId,
                                 {{"task_id", str(taskId)},
                                  {"attempts", num(attempts)},
                                  {"duration_ms", millis(t - started)}});
        failed.errorType = std::string(errorType);
        failed.errorMessage = message;
        failed.traceback = traceback;
        emit(failed);
        t += m_rng.between(1 * kMs, 4 * kMs);
        Event reported = makeEvent(t, 0, Level::Error, "task.failed", requestId,
                                   {{"task_id", str(taskId)},
                                    {"worker", str(m_services[worker].name)},
                                    {"attempts", num(attempts)},
                                    {"duration", seconds(t - t0)}});
        reported.errorType = std::string(errorType);
        reported.errorMessage = message;
        emit(reported);
        t += m_rng.between(100, 800);
        emit(makeEvent(t, 0, Level::Warning, "request.completed", requestId,
                       {{"status", num(status)}, {"duration_ms", millis(t - t0)}}));
        m_inFlight.push_back(t);
    }

    // What the rendered line holds, key by key, in the shape its format gives it.
    static GeneratedRecord describe(const Event &event, const ServiceInfo &service, LogFormat format, const std::string &file)
    {
        GeneratedRecord record;
        record.file = file;
        record.format = format;
        const bool milliseconds = format == LogFormat::PinoJson || format == LogFormat::Logfmt;
        record.timeUs = milliseconds ? event.timeUs / kMs * kMs : event.timeUs;
        record.service = service.name;
        static constexpr std::string_view kNames[] = {"debug", "info", "warn", "error", "fatal"};
        record.level = std::string(kNames[static_cast<int>(event.level)]);
        record.message = std::string(event.name);
        record.requestId = event.requestId;
        const bool text = format == LogFormat::StructlogConsole || format == LogFormat::Logfmt;
        const auto add = [&](std::string path, std::string value, bool isString) {
            record.fields.push_back({std::move(path), std::move(value), isString || text});
        };
        std::function<void(const std::string &, const Member &)> flatten = [&](const std::string &prefix, const Member &member) {
            const std::string key = prefix.empty() ? std::string(member.key) : prefix + '.' + std::string(member.key);
            if (member.value.kind == Value::Kind::Object && format != LogFormat::StructlogConsole) {
                for (const Member &child : member.value.members)
                    flatten(key, child);
                return;
            }
            std::string value;
            if (format == LogFormat::StructlogConsole && member.value.kind != Value::Kind::String)
                appendPyRepr(value, member.value);
            else
                value = member.value.text;
            add(key, std::move(value), member.value.kind == Value::Kind::String);
        };
        std::string stamp;
        switch (format) {
        case LogFormat::StructlogJson:
        case LogFormat::StructlogConsole:
            record.levelText = std::string(structlogLevel(event.level));
            if (format == LogFormat::StructlogJson) {
                Calendar().appendIso(stamp, event.timeUs, 6);
                add("timestamp", stamp, true);
                add("level", record.levelText, true);
                add("event", record.message, true);
            }
            add("service", service.name, true);
            if (!event.requestId.empty())
                add("request_id", event.requestId, true);
            for (const Member &member : event.fields)
                flatten({}, member);
            if (!event.errorType.empty()) {
                add("error_type", event.errorType, true);
                add("error", event.errorMessage, true);
            }
            if (!event.traceback.empty()) {
                if (format == LogFormat::StructlogJson)
                    add("exception", std::string(event.traceback), true);
                else
                    record.continuation = std::string(event.traceback);
            }
            break;
        case LogFormat::PinoJson:
            record.levelText = std::to_string(pinoLevel(event.level));
            add("level", record.levelText, false);
            add("time", std::to_string(event.timeUs / kMs), false);
            add("pid", std::to_string(service.pid), false);
            add("hostname", service.host, true);
            add("name", service.name, true);
            if (!event.requestId.empty())
                add("reqId", event.requestId, true);
            for (const Member &member : event.fields)
                flatten({}, member);
            if (!event.errorType.empty()) {
                add("err.type", event.errorType, true);
                add("err.message", event.errorMessage, true);
                if (!event.traceback.empty())
                    add("err.stack", std::string(event.traceback), true);
            }
            add("msg", record.message, true);
            break;
        case LogFormat::Logfmt:
            record.levelText = std::string(slogLevel(event.level));
            Calendar().appendIso(stamp, event.timeUs, 3);
            add("time", stamp, true);
            add("level", record.levelText, true);
            add("msg", record.message, true);
            add("service", service.name, true);
            if (!event.requestId.empty())
                add("request_id", event.requestId, true);
            for (const Member &member : event.fields)
                flatten({}, member);
            if (!event.errorType.empty()) {
                add("error_type", event.errorType, true);
                add("error", event.errorMessage, true);
            }
            if (!event.traceback.empty())
                add("exception", std::string(event.traceback), true);
            break;
        }
        return record;
    }

    const std::function<void(const GeneratedRecord &)> *m_onRecord = nullptr;
    const GeneratorOptions &m_options;
    Rng m_rng;
    Rng m_errorRng; ///< extra errors only, so that they leave m_rng's sequence alone
    bool m_inExtra = false;
    std::string m_extraName;
    std::vector<ServiceInfo> m_services;
    std::vector<Output> &m_outputs;
    GeneratorReport *m_report = nullptr;
    Renderer m_renderer;
    Pool m_pool;
    std::vector<Pending> m_heap;
    std::vector<std::int64_t> m_inFlight; ///< end times of started tasks
    std::uint64_t m_seq = 0;
    std::uint64_t m_scheduledBytes = 0;
    std::uint64_t m_taskCounter = 0;
    std::int64_t m_exhaustedSince = -1;
    std::string m_batchId;
};

// ---------------------------------------------------------------------------------------------
// Shapes other than the incident: request traffic, one generator for all of them. Requests are
// drawn and played step by step in one place; each shape only says how its logger writes a step.

enum class Step : std::uint8_t {
    Received,
    Authenticated,
    CacheHit,
    CacheMiss,
    Started,
    DbQuery,
    Upstream,
    Completed,
    Failed,
    Responded,
};

struct ShapeService {
    std::string_view name;
    std::string_view version;
    std::string_view language; ///< the OpenTelemetry SDK's telemetry.sdk.language
    std::string_view kubeNamespace;
    std::string_view team;
};

// "worker" is a service of its own, so that `not service:worker` means something.
constexpr std::array<ShapeService, 6> kShapeServices{{
    {"api-gateway", "3.2.1", "go", "edge", "platform"},
    {"orchestrator", "2.14.1", "python", "core", "tasks"},
    {"worker", "2.14.1", "python", "core", "tasks"},
    {"billing", "1.9.0", "java", "payments", "payments"},
    {"search", "5.0.3", "rust", "core", "discovery"},
    {"notifier", "0.8.4", "nodejs", "comms", "growth"},
}};
constexpr std::size_t kReplicas = 3; ///< pods per service
constexpr std::array<std::string_view, 6> kNodes{"ip-10-0-1-17.ec2.internal", "ip-10-0-1-52.ec2.internal",
                                                 "ip-10-0-2-8.ec2.internal",  "ip-10-0-2-141.ec2.internal",
                                                 "ip-10-0-3-33.ec2.internal", "ip-10-0-3-90.ec2.internal"};
constexpr std::array<std::string_view, 3> kZones{"us-east-1a", "us-east-1b", "us-east-1c"};

struct Route {
    std::string_view method;
    std::string_view route; ///< the template; "{id}" is replaced by the request's resource ID
    std::string_view table;
    std::string_view handler; ///< code.function / logger suffix
    std::int64_t line; ///< code.lineno
};

constexpr std::array<Route, 8> kRoutes{{
    {"GET", "/api/v1/orders/{id}", "orders", "get_order", 142},
    {"POST", "/api/v1/orders", "orders", "create_order", 88},
    {"GET", "/api/v1/users/{id}", "users", "get_user", 61},
    {"PUT", "/api/v1/users/{id}/settings", "users", "update_settings", 97},
    {"GET", "/api/v1/search", "documents", "search", 33},
    {"POST", "/api/v1/tasks", "tasks", "submit_task", 120},
    {"GET", "/api/v1/tasks/{id}", "tasks", "get_task", 154},
    {"DELETE", "/api/v1/sessions/{id}", "sessions", "end_session", 45},
}};

struct Failure {
    std::string_view type;
    std::string_view message;
    std::int64_t status;
};

constexpr std::array<Failure, 4> kFailures{{
    {"UpstreamTimeout", "inference upstream timeout after 30s", 504},
    {"PoolTimeout", "connection pool exhausted, timeout after 5s", 503},
    {"ConnectionResetError", "connection reset by peer", 502},
    {"ValidationError", "field 'quantity' must be a positive integer", 422},
}};

constexpr std::array<std::string_view, 5> kUserAgents{
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
    "okhttp/4.12.0",
    "python-requests/2.32.3",
    "Go-http-client/2.0",
};
constexpr std::array<std::string_view, 4> kUpstreamNames{"inference", "payments-psp", "geo", "mailer"};

constexpr std::uint64_t kShapeUsers = 5000;
constexpr std::uint64_t kShapeTasks = 100'000;
constexpr std::uint64_t kShapeTenants = 50;
constexpr std::size_t kInFlight = 12; ///< requests interleaved at any time

struct Pod {
    std::string name; ///< "billing-7f9c6d58b4-x2k9p"
    std::string templateHash;
    std::string uid;
    std::string dockerId; ///< 64 hex
    std::string imageDigest;
    std::size_t node = 0;
    std::int64_t pid = 0;
};

struct ShapeRequest {
    std::size_t service = 0;
    std::size_t pod = 0; ///< index into the pods, service * kReplicas + replica
    const Route *route = nullptr;
    std::string path; ///< the route with its ID
    std::string requestId; ///< per request (the K8s shape's http.request.id)
    std::string traceId; ///< 32 hex
    std::string user;
    std::string tenant;
    std::string task;
    std::string clientIp;
    std::size_t agent = 0;
    std::int64_t resourceId = 0;
    std::int64_t startUs = 0;
    const Failure *failure = nullptr;
    std::vector<Step> plan;
    std::size_t next = 0; ///< the step to log next
};

// One step as every shape sees it.
struct StepLine {
    const ShapeRequest *request = nullptr;
    Step step = Step::Received;
    Level level = Level::Info;
    std::int64_t timeUs = 0;
    std::int64_t durationUs = 0; ///< of the step (the request's own for Completed, Failed, Responded)
    std::int64_t rows = 0;
    std::int64_t bytes = 0;
    std::string_view upstream;
    std::string lineId; ///< a fresh UUID, drawn for every line
    std::string spanId; ///< a fresh 16-hex span ID, drawn for every line
};

std::string_view stepEvent(Step step)
{
    switch (step) {
    case Step::Received: return "request.received";
    case Step::Authenticated: return "auth.verified";
    case Step::CacheHit: return "cache.hit";
    case Step::CacheMiss: return "cache.miss";
    case Step::Started: return "task.started";
    case Step::DbQuery: return "db.query";
    case Step::Upstream: return "upstream.call";
    case Step::Completed: return "task.completed";
    case Step::Failed: return "task.failed";
    case Step::Responded: return "request.completed";
    }
    return "request.received";
}

int otelSeverity(Level level)
{
    switch (level) {
    case Level::Debug: return 5;
    case Level::Info: return 9;
    case Level::Warning: return 13;
    case Level::Error: return 17;
    case Level::Critical: return 21;
    }
    return 9;
}

std::string durationText(std::int64_t us)
{
    return millis(us).text + " ms";
}

// The human sentence the OpenTelemetry and Kubernetes shapes log, from a template per step.
std::string stepMessage(const StepLine &line)
{
    const ShapeRequest &request = *line.request;
    const std::string resource = std::string(request.route->table) + ":" + std::to_string(request.resourceId);
    switch (line.step) {
    case Step::Received:
        return "request received: " + std::string(request.route->method) + " " + request.path;
    case Step::Authenticated: return "token verified for " + request.user + " of " + request.tenant;
    case Step::CacheHit: return "cache hit for " + resource;
    case Step::CacheMiss: return "cache miss for " + resource;
    case Step::Started: return "task " + request.task + " started for " + request.user;
    case Step::DbQuery:
        return "query on " + std::string(request.route->table) + " returned " + std::to_string(line.rows) + " rows in "
            + durationText(line.durationUs);
    case Step::Upstream:
        return "call to " + std::string(line.upstream) + " completed in " + durationText(line.durationUs);
    case Step::Completed: return "task " + request.task + " completed in " + durationText(line.durationUs);
    case Step::Failed:
        return "task " + request.task + " failed: " + std::string(request.failure->message);
    case Step::Responded:
        return std::string(request.route->method) + " " + request.path + " "
            + std::to_string(request.failure ? request.failure->status : 200) + " in " + durationText(line.durationUs);
    }
    return {};
}

// The step's own numbers, under each shape's keys: structlog's flat ones, OpenTelemetry's semantic
// conventions, the Kubernetes shape's ECS-like nested objects.
void stepFields(std::vector<Member> &out, const StepLine &line, Shape shape)
{
    const ShapeRequest &request = *line.request;
    const bool otel = shape == Shape::OtelJson;
    const bool flat = shape == Shape::UuidStructlog;
    switch (line.step) {
    case Step::DbQuery:
        if (flat) {
            out.push_back({"table", str(request.route->table)});
            out.push_back({"rows", num(line.rows)});
        } else if (otel) {
            out.push_back({"db.system", str("postgresql")});
            out.push_back({"db.collection.name", str(request.route->table)});
            out.push_back({"db.response.returned_rows", num(line.rows)});
        } else {
            out.push_back({"db",
                           object({{"system", str("postgresql")},
                                   {"table", str(request.route->table)},
                                   {"rows", num(line.rows)},
                                   {"duration_ms", millis(line.durationUs)}})});
        }
        break;
    case Step::Upstream:
        out.push_back({otel ? "peer.service" : "upstream", str(line.upstream)});
        break;
    case Step::CacheHit:
    case Step::CacheMiss:
        out.push_back({otel ? "cache.key" : "cache_key",
                       str(std::string(request.route->table) + ":" + std::to_string(request.resourceId))});
        break;
    case Step::Responded:
        if (flat) {
            out.push_back({"status", num(request.failure ? request.failure->status : 200)});
            out.push_back({"bytes", num(line.bytes)});
        } else if (otel) {
            out.push_back({"http.response.status_code", num(request.failure ? request.failure->status : 200)});
            out.push_back({"http.response.body.size", num(line.bytes)});
        }
        break;
    case Step::Failed:
        if (flat) {
            out.push_back({"error_type", str(request.failure->type)});
            out.push_back({"error", str(request.failure->message)});
        } else if (otel) {
            out.push_back({"exception.type", str(request.failure->type)});
            out.push_back({"exception.message", str(request.failure->message)});
        } else {
            out.push_back({"error",
                           object({{"type", str(request.failure->type)},
                                   {"message", str(request.failure->message)},
                                   {"stack_trace", str(std::string(request.failure->type) + ": "
                                                       + std::string(request.failure->message) + "\n    at "
                                                       + std::string(request.route->handler) + " (handlers/"
                                                       + std::string(request.route->table) + ".js:"
                                                       + std::to_string(request.route->line) + ":17)")}})});
        }
        break;
    default: break;
    }
    if ((flat || otel) && line.durationUs > 0)
        out.push_back({"duration_ms", millis(line.durationUs)});
}

class ShapeGenerator
{
public:
    ShapeGenerator(const GeneratorOptions &options, Output &output)
        : m_options(options)
        , m_rng(options.seed ^ (0x7368617065ULL + static_cast<std::uint64_t>(options.shape)))
        , m_output(output)
    {
    }

    bool run(GeneratorReport &report)
    {
        makePods();
        std::vector<ShapeRequest> inFlight;
        std::int64_t now = kStartUs;
        for (std::size_t i = 0; i < kInFlight; ++i)
            inFlight.push_back(newRequest(now));
        std::string text;
        while (report.bytes < m_options.targetBytes) {
            now += m_rng.between(40, 3000);
            ShapeRequest &request = inFlight[static_cast<std::size_t>(m_rng.next() % inFlight.size())];
            const StepLine line = play(request, now);
            text.clear();
            render(text, line);
            if (std::fwrite(text.data(), 1, text.size(), m_output.file) != text.size()) {
                report.error = "cannot write " + m_output.info.name;
                return false;
            }
            if (report.events == 0)
                report.firstUs = now;
            report.lastUs = now;
            ++report.events;
            ++report.lines;
            report.bytes += text.size();
            if (line.level >= Level::Error)
                ++report.errorEvents;
            if (request.next == request.plan.size()) {
                ++report.tasks;
                report.failedTasks += request.failure ? 1 : 0;
                request = newRequest(now);
            }
        }
        m_output.info.bytes = report.bytes;
        m_output.info.events = report.events;
        m_output.info.lines = report.lines;
        return true;
    }

private:
    void makePods()
    {
        for (std::size_t service = 0; service < kShapeServices.size(); ++service) {
            const std::string templateHash = hex(m_rng.next(), 10);
            for (std::size_t replica = 0; replica < kReplicas; ++replica) {
                Pod pod;
                pod.templateHash = templateHash;
                pod.name = std::string(kShapeServices[service].name) + "-" + templateHash + "-" + hex(m_rng.next(), 5);
                pod.uid = uuid(m_rng);
                pod.dockerId = hex(m_rng.next(), 16) + hex(m_rng.next(), 16) + hex(m_rng.next(), 16) + hex(m_rng.next(), 16);
                pod.imageDigest = "sha256:" + hex(m_rng.next(), 16) + hex(m_rng.next(), 16) + hex(m_rng.next(), 16)
                    + hex(m_rng.next(), 16);
                pod.node = static_cast<std::size_t>(m_rng.next() % kNodes.size());
                pod.pid = m_rng.between(7, 60);
                m_pods.push_back(std::move(pod));
            }
        }
    }

    ShapeRequest newRequest(std::int64_t at)
    {
        ShapeRequest request;
        request.service = static_cast<std::size_t>(m_rng.next() % kShapeServices.size());
        request.pod = request.service * kReplicas + static_cast<std::size_t>(m_rng.next() % kReplicas);
        request.route = &m_rng.pick(kRoutes);
        request.resourceId = m_rng.between(1, 999'999);
        request.path = std::string(request.route->route);
        if (const auto id = request.path.find("{id}"); id != std::string::npos)
            request.path.replace(id, 4, std::to_string(request.resourceId));
        request.requestId = uuid(m_rng);
        request.traceId = hex(m_rng.next(), 16) + hex(m_rng.next(), 16);
        request.user = "user-" + std::to_string(1 + m_rng.next() % kShapeUsers);
        request.tenant = "tenant-" + std::to_string(1 + m_rng.next() % kShapeTenants);
        request.task = "task-" + std::to_string(1 + m_rng.next() % kShapeTasks);
        request.clientIp = "10." + std::to_string(m_rng.between(16, 31)) + "." + std::to_string(m_rng.between(0, 255))
            + "." + std::to_string(m_rng.between(1, 254));
        request.agent = static_cast<std::size_t>(m_rng.next() % kUserAgents.size());
        request.startUs = at;
        if (m_rng.chance(300))
            request.failure = &m_rng.pick(kFailures);

        request.plan = {Step::Received, Step::Authenticated};
        if (!request.failure && m_rng.chance(3000)) {
            request.plan.push_back(Step::CacheHit);
        } else {
            request.plan.push_back(Step::CacheMiss);
            request.plan.push_back(Step::Started);
            for (std::int64_t q = m_rng.between(1, 3); q > 0; --q)
                request.plan.push_back(Step::DbQuery);
            if (m_rng.chance(6000))
                request.plan.push_back(Step::Upstream);
        }
        request.plan.push_back(request.failure ? Step::Failed : Step::Completed);
        request.plan.push_back(Step::Responded);
        return request;
    }

    StepLine play(ShapeRequest &request, std::int64_t now)
    {
        StepLine line;
        line.request = &request;
        line.step = request.plan[request.next++];
        line.timeUs = now;
        line.lineId = uuid(m_rng);
        line.spanId = hex(m_rng.next(), 16);
        switch (line.step) {
        case Step::Authenticated:
        case Step::CacheHit:
        case Step::CacheMiss:
            line.level = Level::Debug;
            line.durationUs = m_rng.between(80, 4000);
            break;
        case Step::DbQuery:
            line.level = Level::Debug;
            line.durationUs = m_rng.between(200, 40 * kMs);
            line.rows = m_rng.between(0, 500);
            break;
        case Step::Upstream:
            line.durationUs = m_rng.between(20 * kMs, 1500 * kMs);
            line.level = line.durationUs > kSecond ? Level::Warning : Level::Info;
            line.upstream = m_rng.pick(kUpstreamNames);
            break;
        case Step::Failed:
            line.level = Level::Error;
            line.durationUs = now - request.startUs;
            break;
        case Step::Completed:
        case Step::Responded:
            line.level = request.failure && line.step == Step::Responded ? Level::Warning : Level::Info;
            line.durationUs = now - request.startUs;
            line.bytes = m_rng.between(120, 64'000);
            break;
        case Step::Received:
        case Step::Started: line.level = Level::Info; break;
        }
        return line;
    }

    void render(std::string &out, const StepLine &line)
    {
        std::vector<Member> members;
        switch (m_options.shape) {
        case Shape::UuidStructlog: structlogMembers(members, line); break;
        case Shape::OtelJson: otelMembers(members, line); break;
        case Shape::K8sJson: k8sMembers(members, line); break;
        case Shape::Incident: break;
        }
        // Python's separators for the two shapes Python writes, the compact ones for Fluent Bit.
        appendJsonValue(out, object(std::move(members)), m_options.shape == Shape::K8sJson);
        out.push_back('\n');
    }

    std::string iso(std::int64_t us)
    {
        std::string text;
        m_calendar.appendIso(text, us, 6);
        return text;
    }

    void structlogMembers(std::vector<Member> &out, const StepLine &line)
    {
        const ShapeRequest &request = *line.request;
        out.push_back({"timestamp", str(iso(line.timeUs))});
        out.push_back({"level", str(structlogLevel(line.level))});
        out.push_back({"event", str(stepEvent(line.step))});
        out.push_back({"service", str(kShapeServices[request.service].name)});
        out.push_back({"request_id", str(line.lineId)});
        out.push_back({"task_id", str(request.task)});
        out.push_back({"user_id", str(request.user)});
        if (line.step == Step::Received) {
            out.push_back({"method", str(request.route->method)});
            out.push_back({"path", str(request.path)});
        }
        stepFields(out, line, Shape::UuidStructlog);
    }

    // The Python SDK's LogRecord.to_json(), on one line.
    void otelMembers(std::vector<Member> &out, const StepLine &line)
    {
        const ShapeRequest &request = *line.request;
        const ShapeService &service = kShapeServices[request.service];
        const Pod &pod = m_pods[request.pod];
        out.push_back({"body", str(stepMessage(line))});
        out.push_back({"severity_number", num(otelSeverity(line.level))});
        out.push_back({"severity_text", str(slogLevel(line.level))});
        std::vector<Member> attributes{
            {"code.filepath", str("app/handlers/" + std::string(request.route->table) + ".py")},
            {"code.function", str(request.route->handler)},
            {"code.lineno", num(request.route->line)},
            {"http.request.method", str(request.route->method)},
            {"http.route", str(request.route->route)},
            {"url.path", str(request.path)},
            {"enduser.id", str(request.user)},
            {"task.id", str(request.task)},
        };
        stepFields(attributes, line, Shape::OtelJson);
        out.push_back({"attributes", object(std::move(attributes))});
        out.push_back({"dropped_attributes", num(0)});
        out.push_back({"timestamp", str(iso(line.timeUs))});
        out.push_back({"observed_timestamp", str(iso(line.timeUs + m_rng.between(3, 400)))});
        out.push_back({"trace_id", str(request.traceId)});
        out.push_back({"span_id", str(line.spanId)});
        out.push_back({"trace_flags", num(1)});
        out.push_back({"resource",
                       object({{"attributes",
                                object({{"service.name", str(service.name)},
                                        {"service.version", str(service.version)},
                                        {"service.instance.id", str(pod.uid)},
                                        {"host.name", str(kNodes[pod.node])},
                                        {"k8s.namespace.name", str(service.kubeNamespace)},
                                        {"k8s.pod.name", str(pod.name)},
                                        {"deployment.environment", str("production")},
                                        {"telemetry.sdk.language", str(service.language)},
                                        {"telemetry.sdk.name", str("opentelemetry")},
                                        {"telemetry.sdk.version", str("1.27.0")}})},
                               {"schema_url", str("")}})});
    }

    // An app's JSON line as Fluent Bit's kubernetes filter ships it (Merge_Log on, CRI parser).
    void k8sMembers(std::vector<Member> &out, const StepLine &line)
    {
        const ShapeRequest &request = *line.request;
        const ShapeService &service = kShapeServices[request.service];
        const Pod &pod = m_pods[request.pod];
        out.push_back({"time", str(iso(line.timeUs))});
        out.push_back({"stream", str(line.level >= Level::Error ? "stderr" : "stdout")});
        out.push_back({"logtag", str("F")});
        out.push_back({"level", str(line.level == Level::Warning ? std::string_view("warn") : structlogLevel(line.level))});
        out.push_back({"msg", str(stepMessage(line))});
        out.push_back({"logger", str(std::string(service.name) + "." + std::string(request.route->handler))});
        out.push_back({"caller", str("handlers/" + std::string(request.route->table) + ".js:" + std::to_string(request.route->line))});
        out.push_back({"service", object({{"name", str(service.name)}, {"version", str(service.version)}})});
        out.push_back({"trace", object({{"id", str(request.traceId)}})});
        out.push_back({"span", object({{"id", str(line.spanId)}})});
        std::vector<Member> http{
            {"request",
             object({{"id", str(request.requestId)},
                     {"method", str(request.route->method)},
                     {"path", str(request.path)},
                     {"route", str(request.route->route)},
                     {"headers", object({{"user_agent", str(kUserAgents[request.agent])}})}})}};
        if (line.step == Step::Responded) {
            http.push_back({"response",
                            object({{"status_code", num(request.failure ? request.failure->status : 200)},
                                    {"body_bytes", num(line.bytes)},
                                    {"duration_ms", millis(line.durationUs)}})});
        }
        out.push_back({"http", object(std::move(http))});
        out.push_back({"user", object({{"id", str(request.user)}, {"tenant", str(request.tenant)}})});
        out.push_back({"client", object({{"ip", str(request.clientIp)}})});
        out.push_back({"task_id", str(request.task)});
        stepFields(out, line, Shape::K8sJson);
        out.push_back({"kubernetes",
                       object({{"pod_name", str(pod.name)},
                               {"namespace_name", str(service.kubeNamespace)},
                               {"pod_id", str(pod.uid)},
                               {"labels",
                                object({{"app", str(service.name)},
                                        {"pod-template-hash", str(pod.templateHash)},
                                        {"version", str(service.version)},
                                        {"team", str(service.team)}})},
                               {"host", str(kNodes[pod.node])},
                               {"container_name", str(service.name)},
                               {"docker_id", str(pod.dockerId)},
                               {"container_hash", str("registry.example.com/" + std::string(service.name) + "@" + pod.imageDigest)},
                               {"container_image", str("registry.example.com/" + std::string(service.name) + ":" + std::string(service.version))}})});
        out.push_back({"host", object({{"name", str(kNodes[pod.node])}})});
        out.push_back({"cloud",
                       object({{"provider", str("aws")},
                               {"region", str("us-east-1")},
                               {"availability_zone", str(kZones[pod.node % kZones.size()])}})});
        out.push_back({"process", object({{"pid", num(pod.pid)}})});
    }

    const GeneratorOptions &m_options;
    Rng m_rng;
    Output &m_output;
    Calendar m_calendar;
    std::vector<Pod> m_pods;
};

// One service per file and a mix of formats, as a real bundle has: Python services in structlog
// JSON or console output, a Go worker in logfmt, the Node cache in pino.
LogFormat workerFormat(int index)
{
    static constexpr std::array<LogFormat, 3> kCycle{LogFormat::StructlogConsole, LogFormat::Logfmt,
                                                    LogFormat::StructlogJson};
    return kCycle[static_cast<std::size_t>(index - 1) % kCycle.size()];
}

} // namespace

std::string_view formatName(LogFormat format)
{
    switch (format) {
    case LogFormat::StructlogJson: return "structlog-json";
    case LogFormat::StructlogConsole: return "structlog-console";
    case LogFormat::PinoJson: return "pino";
    case LogFormat::Logfmt: return "logfmt";
    }
    return "structlog-json";
}

std::optional<LogFormat> formatFromName(std::string_view name)
{
    for (const LogFormat format :
         {LogFormat::StructlogJson, LogFormat::StructlogConsole, LogFormat::PinoJson, LogFormat::Logfmt}) {
        if (formatName(format) == name)
            return format;
    }
    return std::nullopt;
}

std::string singleFileName(LogFormat format)
{
    return "incident-" + std::string(formatName(format)) + ".log";
}

std::string_view shapeName(Shape shape)
{
    switch (shape) {
    case Shape::Incident: return "incident";
    case Shape::UuidStructlog: return "uuid-structlog";
    case Shape::OtelJson: return "otel-json";
    case Shape::K8sJson: return "k8s-json";
    }
    return "incident";
}

std::optional<Shape> shapeFromName(std::string_view name)
{
    for (const Shape shape : {Shape::Incident, Shape::UuidStructlog, Shape::OtelJson, Shape::K8sJson}) {
        if (shapeName(shape) == name)
            return shape;
    }
    return std::nullopt;
}

std::string shapeFileName(Shape shape)
{
    return std::string(shapeName(shape)) + ".log";
}

std::optional<std::uint64_t> parseSize(std::string_view text)
{
    std::uint64_t number = 0;
    const auto result = std::from_chars(text.data(), text.data() + text.size(), number);
    if (result.ec != std::errc() || result.ptr == text.data())
        return std::nullopt;
    std::string_view suffix(result.ptr, static_cast<std::size_t>(text.data() + text.size() - result.ptr));
    if (!suffix.empty() && (suffix.back() == 'B' || suffix.back() == 'b'))
        suffix.remove_suffix(1);
    std::uint64_t scale = 1;
    if (suffix == "k" || suffix == "K")
        scale = 1000;
    else if (suffix == "M" || suffix == "m")
        scale = 1000 * 1000;
    else if (suffix == "G" || suffix == "g")
        scale = 1000 * 1000 * 1000;
    else if (!suffix.empty())
        return std::nullopt;
    return number * scale;
}

std::optional<std::uint32_t> parseRate(std::string_view text)
{
    bool percent = false;
    if (!text.empty() && text.back() == '%') {
        percent = true;
        text.remove_suffix(1);
    }
    // Integer and fraction digits, at most six after the point (ppm resolution).
    const std::size_t dot = text.find('.');
    const std::string_view whole = text.substr(0, dot);
    const std::string_view fraction = dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
    if ((whole.empty() && fraction.empty()) || fraction.size() > 6)
        return std::nullopt;
    const auto digits = [](std::string_view part) {
        return std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; });
    };
    if (!digits(whole) || !digits(fraction) || whole.size() > 3)
        return std::nullopt;
    std::uint64_t value = 0;
    for (const char c : whole)
        value = value * 10 + static_cast<std::uint64_t>(c - '0');
    std::string padded(fraction);
    padded.resize(6, '0');
    std::uint64_t parts = 0;
    for (const char c : padded)
        parts = parts * 10 + static_cast<std::uint64_t>(c - '0');
    std::uint64_t ppm = value * 1'000'000 + parts;
    if (percent)
        ppm /= 100;
    if (ppm > 1'000'000)
        return std::nullopt;
    return static_cast<std::uint32_t>(ppm);
}

GeneratorReport generateBundle(const std::string &folder, const GeneratorOptions &options)
{
    return generateBundle(folder, options, {});
}

GeneratorReport generateBundle(const std::string &folder, const GeneratorOptions &options,
                               const std::function<void(const GeneratedRecord &)> &onRecord)
{
    GeneratorReport report;
    if (options.workers < 1 || options.workers > 64) {
        report.error = "workers must be between 1 and 64";
        return report;
    }
    std::error_code error;
    std::filesystem::create_directories(folder, error);
    if (error) {
        report.error = "cannot create " + folder + ": " + error.message();
        return report;
    }

    // Service 0 is the orchestrator, 1..N the workers, the last the cache.
    std::vector<ServiceInfo> services;
    services.push_back({"orchestrator", LogFormat::StructlogJson, "orchestrator-0", 101});
    for (int i = 1; i <= options.workers; ++i)
        services.push_back({"worker-" + std::to_string(i), workerFormat(i), "worker-" + std::to_string(i), 200 + i});
    services.push_back({"cache", LogFormat::PinoJson, "cache-0", 77});

    std::vector<Output> outputs;
    const bool incident = options.shape == Shape::Incident;
    if (!incident) {
        const LogFormat format = options.shape == Shape::UuidStructlog ? LogFormat::StructlogJson : LogFormat::PinoJson;
        outputs.push_back({{shapeFileName(options.shape), format, 0, 0, 0}, nullptr});
    } else if (options.singleFile) {
        outputs.push_back({{singleFileName(*options.singleFile), *options.singleFile, 0, 0, 0}, nullptr});
    } else {
        for (const ServiceInfo &service : services)
            outputs.push_back({{service.name + ".log", service.format, 0, 0, 0}, nullptr});
    }

    // Large stdio buffers keep the writes few; memory stays a few MB whatever the bundle's size.
    std::vector<std::unique_ptr<char[]>> buffers;
    constexpr std::size_t kBufferSize = 1 << 20;
    bool opened = true;
    for (Output &output : outputs) {
        const std::string path = (std::filesystem::path(folder) / output.info.name).string();
        output.file = std::fopen(path.c_str(), "wb");
        if (!output.file) {
            report.error = "cannot create " + path;
            opened = false;
            break;
        }
        buffers.push_back(std::make_unique<char[]>(kBufferSize));
        std::setvbuf(output.file, buffers.back().get(), _IOFBF, kBufferSize);
    }

    bool written = false;
    if (opened && incident) {
        Generator generator(options, std::move(services), outputs, &onRecord);
        written = generator.run(report);
    } else if (opened) {
        ShapeGenerator generator(options, outputs.front());
        written = generator.run(report);
    }
    for (Output &output : outputs) {
        if (output.file && std::fclose(output.file) != 0 && report.error.empty())
            report.error = "cannot write " + output.info.name;
        report.files.push_back(output.info);
    }
    report.ok = opened && written && report.error.empty();
    return report;
}

} // namespace bundlegen
