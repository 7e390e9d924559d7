// SPDX-License-Identifier: MIT
#include "commandcontext.h"

#include <core/model/timezone.h>
#include <core/query/queryparser.h>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <string>

namespace cli {

namespace {

// A time as a query phrase: --from and --to are written by people, so any quote or backslash in them
// stays text.
std::string phrase(const QString &time)
{
    std::string quoted = "\"";
    for (const QChar c : time) {
        if (c == QLatin1Char('"') || c == QLatin1Char('\\'))
            quoted.push_back('\\');
        quoted += QString(c).toStdString();
    }
    return quoted + "\"";
}

// --from and --to as `@timestamp` bounds AND-ed onto the query, so they narrow it the way a range
// typed into it would, and a bad one is shown in the query it became.
std::string withRange(std::string query, const QString &from, const QString &to)
{
    std::string range;
    if (!from.isEmpty())
        range += "@timestamp >= " + phrase(from);
    if (!to.isEmpty())
        range += (range.empty() ? "" : " and ") + std::string("@timestamp < ") + phrase(to);
    if (range.empty())
        return query;
    return query.find_first_not_of(' ') == std::string::npos ? range : "(" + query + ") and " + range;
}

// The query, a caret under the spot, the message: what a bad query prints before exit code 2. A long
// query (a pasted list of thousands of IDs) shows only the stretch around the spot, cut at characters.
int queryError(std::string query, core::Error error)
{
    constexpr std::int64_t Context = 60;
    const auto size = static_cast<std::int64_t>(query.size());
    if (size > 3 * Context && error.offset >= 0) {
        const auto boundary = [&](std::int64_t at) {
            at = std::clamp<std::int64_t>(at, 0, size);
            while (at < size && (static_cast<unsigned char>(query[static_cast<std::size_t>(at)]) & 0xC0) == 0x80)
                ++at;
            return at;
        };
        const std::int64_t begin = boundary(error.offset - Context);
        const std::int64_t end = boundary(
            error.offset + std::min<std::int64_t>(std::max<std::int64_t>(1, error.length), Context) + Context);
        const std::string before = begin > 0 ? "..." : "";
        query = before + query.substr(static_cast<std::size_t>(begin), static_cast<std::size_t>(end - begin))
            + (end < size ? "..." : "");
        error.length = std::min(error.length, end - error.offset);
        error.offset += static_cast<std::int64_t>(before.size()) - begin;
    }
    std::fprintf(stderr, "timberline: bad query\n  %s\n", query.c_str());
    if (error.offset >= 0) {
        const std::int64_t column = core::QueryParser::columnOf(query, error.offset);
        const std::int64_t end
            = core::QueryParser::columnOf(query, error.offset + std::max<std::int64_t>(1, error.length));
        std::string marks(static_cast<std::size_t>(column - 1), ' ');
        marks.append(static_cast<std::size_t>(std::max<std::int64_t>(1, end - column)), '^');
        std::fprintf(stderr, "  %s\n", marks.c_str());
    }
    std::fprintf(stderr, "%s\n", error.message.c_str());
    return 2;
}

} // namespace

CommandContext::CommandContext(QString usage, Positional positional)
    : m_usage(std::move(usage))
    , m_positional(positional)
{ }

CommandContext::~CommandContext() = default;

bool CommandContext::parse(const QStringList &arguments, std::initializer_list<Option> accepted)
{
    m_arguments = parseArguments(arguments, accepted);
    if (!m_arguments.error.isEmpty()) {
        usageError(m_arguments.error);
        return false;
    }
    // What every usage line asks for: a store, one output style, and text only where a query or paths go.
    const bool refusedPositional = m_positional == Positional::Refused && !m_arguments.positional.isEmpty();
    if (m_arguments.store.isEmpty() || (m_arguments.json && m_arguments.csv) || refusedPositional) {
        usageError();
        return false;
    }
    return true;
}

bool CommandContext::openStore()
{
    auto store = core::openStore(m_arguments.store.toStdString(), core::OpenMode::ReadOnly);
    if (!store) {
        std::fprintf(stderr, "timberline: %s: %s\n", qPrintable(m_arguments.store), store.error().message.c_str());
        m_exitCode = 1;
        return false;
    }
    m_store = std::move(store.value());
    m_interrupts = std::make_unique<InterruptCatcher>(std::initializer_list<int>{SIGINT},
                                                      [store = m_store.get()] { store->interrupt(); });
    return true;
}

bool CommandContext::compileFilter()
{
    // The importer's own conversion, so a query date means what an imported one does.
    auto naiveToUtc = core::naiveToUtcIn(m_arguments.timeZone.toStdString());
    if (!naiveToUtc) {
        usageError(QString::fromStdString(naiveToUtc.error().message));
        return false;
    }
    std::int64_t now = core::QueryTime::wallClockNs();
    if (m_arguments.now == QLatin1String("end")) {
        auto anchor = m_store->timeAnchor();
        if (!anchor) {
            m_exitCode = readFailed(anchor.error());
            return false;
        }
        if (anchor.value())
            now = *anchor.value();
    }
    const std::string query
        = withRange(m_arguments.positional.join(QLatin1Char(' ')).toStdString(), m_arguments.from, m_arguments.to);
    auto filter = core::QueryFilter::fromText(query, core::QueryTime(now, std::move(naiveToUtc.value())));
    if (!filter) {
        m_exitCode = queryError(query, filter.error());
        return false;
    }
    m_filter = std::move(filter.value());
    m_queryText = query;
    m_nowNs = now;
    return true;
}

int CommandContext::usageError()
{
    return usageError(m_usage);
}

int CommandContext::usageError(const QString &message)
{
    m_exitCode = cli::usageError(message);
    return m_exitCode;
}

Style CommandContext::style() const
{
    return m_arguments.json ? Style::Json : m_arguments.csv ? Style::Csv : Style::Text;
}

int CommandContext::printEvents()
{
    const Style eventStyle = style();
    writeEventsHeader(eventStyle);
    std::uint64_t remaining = m_arguments.limit ? static_cast<std::uint64_t>(*m_arguments.limit) : UINT64_MAX;
    std::optional<core::EventKey> after;
    std::string line;
    while (remaining > 0) {
        if (InterruptCatcher::requested())
            return readFailed(core::makeError(core::ErrorCode::Cancelled, "interrupted"));
        const auto size = static_cast<std::size_t>(std::min<std::uint64_t>(remaining, 4096));
        auto page = m_filter ? m_store->events(*m_filter, after, size) : m_store->events(after, size);
        if (!page)
            return readFailed(page.error(), m_filter ? "the query failed: " : "");
        if (page->empty())
            break;
        for (const core::EventRow &event : page.value())
            writeEvent(line, event, eventStyle);
        remaining -= page->size();
        after = page->back().key;
    }
    return 0;
}

int readFailed(const core::Error &error, const char *what)
{
    if (error.code == core::ErrorCode::Cancelled) {
        std::fprintf(stderr, "timberline: interrupted\n");
        return 130;
    }
    std::fprintf(stderr, "timberline: %s%s\n", what, error.message.c_str());
    return 1;
}

} // namespace cli
