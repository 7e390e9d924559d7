// SPDX-License-Identifier: MIT
#include "eventpagereader.h"

#include "discoverstate.h"

#include <core/query/queryfilter.h>

#include <algorithm>
#include <limits>
#include <optional>

namespace {

// Messages longer than this are cut for the table (the detail pane shows all of it).
constexpr qsizetype MaxMessageChars = 2000;

QString firstLine(const std::string &text)
{
    std::string_view view(text);
    const auto end = view.find_first_of("\r\n");
    if (end != std::string_view::npos)
        view = view.substr(0, end);
    QString line = QString::fromUtf8(view.data(), static_cast<qsizetype>(view.size()));
    if (line.size() > MaxMessageChars) {
        line.truncate(MaxMessageChars);
        line.append(QChar(0x2026));
    }
    return line;
}

QString levelTextOf(const core::EventRow &event)
{
    if (event.level != core::Level::Unknown) {
        const std::string_view name = core::levelName(event.level);
        return QString::fromLatin1(name.data(), static_cast<qsizetype>(name.size()));
    }
    return QString::fromStdString(event.levelText);
}

core::Direction reverseOf(core::Direction direction)
{
    return direction == core::Direction::Ascending ? core::Direction::Descending : core::Direction::Ascending;
}

} // namespace

void EventPageReader::reset(quint64 epoch)
{
    std::lock_guard lock(m_mutex);
    m_epoch = epoch;
    m_anchors.clear();
}

EventTablePage EventPageReader::read(
    core::EventStore &store, const Spec &spec, int page, int pages, const std::function<bool()> &cancelled)
{
    EventTablePage out;
    out.page = page;
    out.pages = pages;
    out.utc = spec.utc;
    const auto fail = [&out](const core::Error &error) {
        out.error = QString::fromStdString(error.message);
        return out;
    };
    const std::uint64_t first = static_cast<std::uint64_t>(page) * PageSize;
    if (spec.countKnown && first >= spec.rowCount)
        return out;
    const std::uint64_t span = static_cast<std::uint64_t>(pages) * PageSize;
    const std::uint64_t want = spec.countKnown ? std::min<std::uint64_t>(span, spec.rowCount - first) : span;

    // The nearest known positions before the page and, when the end is known, after it.
    std::optional<std::pair<std::uint64_t, Anchor>> below;
    std::optional<std::pair<std::uint64_t, Anchor>> above;
    {
        std::lock_guard lock(m_mutex);
        if (m_epoch != spec.epoch) {
            out.cancelled = true;
            return out;
        }
        auto next = m_anchors.lower_bound(first);
        if (next != m_anchors.begin())
            below = *std::prev(next);
        if (!spec.arrival && spec.countKnown) {
            if (auto after = m_anchors.lower_bound(first + want); after != m_anchors.end())
                above = *after;
        }
    }
    const std::uint64_t forward = below ? first - (below->first + 1) : first;
    // Arrival order has no reverse reading, and without the count the end's position is unknown.
    const bool canGoBack = !spec.arrival && spec.countKnown;
    const std::uint64_t backward = canGoBack ? (above ? above->first : spec.rowCount) - (first + want)
                                             : std::numeric_limits<std::uint64_t>::max();

    std::vector<core::EventRow> rows;
    std::size_t offset = 0; // where the page starts in `rows`
    if (!spec.arrival && std::min(forward, backward) > NearRows) {
        // Far from every known row: the store answers a position directly (from its time order in
        // memory; by walking, in core, while an import is adding events).
        if (cancelled()) {
            out.cancelled = true;
            return out;
        }
        auto read = spec.filter ? store.eventsAt(*spec.filter, first, static_cast<std::size_t>(want), spec.direction)
                                : store.eventsAt(first, static_cast<std::size_t>(want), spec.direction);
        if (!read)
            return fail(read.error());
        note(spec, first, *read, false);
        rows = std::move(*read);
        if (spec.countKnown && rows.size() < want)
            out.countStale = true;
    } else if (forward <= backward) {
        std::optional<Anchor> cursor = below ? std::optional(below->second) : std::nullopt;
        std::uint64_t position = below ? below->first + 1 : 0; // of the next row read
        // Only arrival order walks far: it has no positions in the store.
        while (first - position > WalkChunk) {
            if (cancelled()) {
                out.cancelled = true;
                return out;
            }
            auto chunk = readFrom(store, spec, cursor ? &*cursor : nullptr, WalkChunk, false);
            if (!chunk)
                return fail(chunk.error());
            if (chunk->size() < WalkChunk) {
                out.countStale = true;
                return out;
            }
            note(spec, position, *chunk, false);
            cursor = Anchor{chunk->back().key, chunk->back().arrival};
            position += chunk->size();
        }
        if (cancelled()) {
            out.cancelled = true;
            return out;
        }
        const std::size_t skip = static_cast<std::size_t>(first - position);
        auto read = readFrom(store, spec, cursor ? &*cursor : nullptr, skip + want, false);
        if (!read)
            return fail(read.error());
        note(spec, position, *read, false);
        rows = std::move(*read);
        offset = skip;
        if (spec.countKnown && rows.size() < skip + want)
            out.countStale = true;
    } else {
        // Near a known row after the page (or the end): read back from it.
        std::optional<Anchor> cursor = above ? std::optional(above->second) : std::nullopt;
        const std::uint64_t position = above ? above->first : spec.rowCount; // rows read come before this one
        if (cancelled()) {
            out.cancelled = true;
            return out;
        }
        const std::size_t back = static_cast<std::size_t>(position - first);
        auto read = readFrom(store, spec, cursor ? &*cursor : nullptr, back, true);
        if (!read)
            return fail(read.error());
        note(spec, position, *read, true);
        if (read->size() < back) {
            // Rows are missing before the end: positions counted from the end are off.
            out.countStale = true;
            return out;
        }
        rows = std::move(*read);
        std::reverse(rows.begin(), rows.end());
    }
    if (offset < rows.size())
        out.rows = format(store, spec, rows, offset, std::min<std::size_t>(rows.size() - offset, want));
    return out;
}

core::Result<std::vector<core::EventRow>> EventPageReader::readFrom(
    core::EventStore &store, const Spec &spec, const Anchor *after, std::size_t limit, bool backwards) const
{
    if (spec.arrival)
        return store.eventsByArrival(after ? after->arrival : std::numeric_limits<std::int64_t>::min(), limit);
    const core::Direction direction = backwards ? reverseOf(spec.direction) : spec.direction;
    const std::optional<core::EventKey> key = after ? std::optional(after->key) : std::nullopt;
    if (spec.filter)
        return store.events(*spec.filter, key, limit, direction);
    return store.events(key, limit, direction);
}

void EventPageReader::note(
    const Spec &spec, std::uint64_t position, const std::vector<core::EventRow> &rows, bool backwards)
{
    std::lock_guard lock(m_mutex);
    if (m_epoch != spec.epoch)
        return;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const std::uint64_t at = backwards ? position - 1 - i : position + i;
        // The last row of a page: the next page is read after it.
        if (at % PageSize == PageSize - 1)
            m_anchors[at] = Anchor{rows[i].key, rows[i].arrival};
    }
}

std::vector<EventTableRow> EventPageReader::format(core::EventStore &store, const Spec &spec,
    const std::vector<core::EventRow> &rows, std::size_t first, std::size_t count) const
{
    std::vector<EventTableRow> formatted;
    formatted.reserve(count);
    for (std::size_t i = first; i < first + count; ++i) {
        const core::EventRow &event = rows[i];
        EventTableRow out;
        out.time = DiscoverState::formatTime(event.key.timeNs, spec.utc);
        out.level = levelTextOf(event);
        out.service = QString::fromStdString(event.service);
        out.message = firstLine(event.message);
        out.requestId = QString::fromStdString(event.requestId.empty() ? event.traceId : event.requestId);
        out.levelValue = event.level;
        out.timeNs = event.key.timeNs;
        if (!spec.extraColumns.isEmpty()) {
            // Record paths live in the raw line only: parsed again here, once per page read.
            out.extra.resize(spec.extraColumns.size());
            if (auto fields = store.fields(event)) {
                for (const auto &[path, value] : *fields) {
                    const qsizetype column = spec.extraColumns.indexOf(QString::fromStdString(path));
                    if (column >= 0)
                        out.extra[column] = QString::fromStdString(value);
                }
            }
        }
        out.event = event;
        formatted.push_back(std::move(out));
    }
    return formatted;
}
