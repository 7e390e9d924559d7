// SPDX-License-Identifier: MIT
#pragma once

#include <QString>
#include <QStringList>

#include <core/store/eventstore.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

namespace core {
class QueryFilter;
}

// One event as the table shows it: formatted once, when its page is read (on the page worker).
struct EventTableRow {
    QString time;
    QString level;
    QString service;
    QString message;
    QString requestId;
    QStringList extra; ///< values of the table's extra columns
    core::EventRow event;
    core::Level levelValue = core::Level::Unknown;
    std::int64_t timeNs = 0;
};

// Consecutive pages of the table as the page worker read them.
struct EventTablePage {
    int page = -1; ///< the first of them
    int pages = 1; ///< how many were asked for; `rows` holds fewer at the end of the table

    bool utc = true; ///< the zone its times were formatted in
    std::vector<EventTableRow> rows;
    bool countStale = false; ///< the store holds fewer rows than the count said: count again
    bool cancelled = false; ///< a newer request made it stale on the way
    QString error;
};

// Reads pages of the event table for a worker thread. Keeps the keys of rows at known positions (the
// last row of each page it has read or passed), so a page near one is one keyset query, forward from
// it or back from it (or from the end). In time order a page far from all of them is read by position
// (core::EventStore::eventsAt): on 9.5M events a keyset page costs 0.4-4 ms, a positional one 3-20 ms,
// with or without a query. Arrival order has no positions in the store, so there a far page is
// walked to in chunks that leave keys behind for the next request. Thread-safe: the GUI thread
// resets it, one worker reads through it.
class EventPageReader
{
public:
    // What decides which rows are where: a new epoch for every change of it.
    struct Spec {
        quint64 epoch = 0;
        std::shared_ptr<const core::QueryFilter> filter;
        bool arrival = false; ///< arrival order (row ids) instead of the one order
        core::Direction direction = core::Direction::Ascending;
        QStringList extraColumns;
        bool utc = true;
        std::uint64_t rowCount = 0; ///< rows in the table, when countKnown
        bool countKnown = false;
    };
    static constexpr int PageSize = 256;
    // Rows read per query while walking towards a far page in arrival order; the walk checks for
    // cancellation between them.
    static constexpr std::size_t WalkChunk = 16 * PageSize;
    // A page within this many rows of a known row is read by keyset from it; farther ones (time order)
    // by position (core::EventStore::eventsAt).
    static constexpr std::uint64_t NearRows = 4 * PageSize;

    EventPageReader() = default;
    EventPageReader(const EventPageReader &) = delete;
    EventPageReader &operator=(const EventPageReader &) = delete;

    // Forgets every known position: rows moved (new filter, order, direction or count). Reads for
    // other epochs stop and leave nothing behind.
    void reset(quint64 epoch);
    // Reads `pages` pages from page `page` on of the table described by `spec` from `store` (one query
    // when near a known row or by position), polling `cancelled` between queries of a walk.
    EventTablePage read(
        core::EventStore &store, const Spec &spec, int page, int pages, const std::function<bool()> &cancelled);

private:
    struct Anchor {
        core::EventKey key;
        std::int64_t arrival = 0;
    };
    core::Result<std::vector<core::EventRow>> readFrom(
        core::EventStore &store, const Spec &spec, const Anchor *after, std::size_t limit, bool backwards) const;
    // Keeps the keys of page ends among `rows`, read from `position` on (or, backwards, before it).
    void note(const Spec &spec, std::uint64_t position, const std::vector<core::EventRow> &rows, bool backwards);
    std::vector<EventTableRow> format(core::EventStore &store, const Spec &spec, const std::vector<core::EventRow> &rows,
        std::size_t first, std::size_t count) const;

    std::mutex m_mutex;
    quint64 m_epoch = 0; ///< guarded by m_mutex
    std::map<std::uint64_t, Anchor> m_anchors; ///< row position → its key; guarded by m_mutex
};
