// SPDX-License-Identifier: MIT
#pragma once

#include <QAbstractTableModel>
#include <QColor>
#include <QString>

#include "eventpagereader.h"

#include <core/store/eventstore.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <memory>
#include <set>
#include <unordered_map>
#include <vector>

class QTimer;
class StoreWorker;

namespace core {
class QueryFilter;
}

// The events of one store as a virtual table. Nothing is read on the GUI thread: pages of PageSize rows
// are read by a page worker (EventPageReader, on a read-only connection of its own) and the count by a
// count worker (another connection), so a page never waits for a count. A row whose page has not
// arrived shows a placeholder and is filled in (dataChanged) when it does; a request for rows far from
// those on their way (a dragged scroll bar) supersedes them. With a query's compiled filter it shows
// the matching events only, in either direction of the one order, with record paths as extra columns.
class EventTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Columns { TimeColumn, LevelColumn, ServiceColumn, MessageColumn, RequestIdColumn, NUM_COLUMNS };
    enum Roles {
        LevelRole = Qt::UserRole, ///< core::Level as int
        TimeNsRole, ///< UTC nanoseconds since the epoch (qint64)
        ArrivalRole, ///< the event's place in arrival order (qint64)
    };
    enum class Order {
        Time, ///< the one order: time, source, line
        Arrival, ///< the order rows were written, while the time index is being built
    };
    Q_ENUM(Order)
    static constexpr int PageSize = 256;

    explicit EventTableModel(QObject *parent = nullptr);
    ~EventTableModel() override;

    // Shows the events of the store at `path`: its first page and its count are read on the workers.
    // False (and why) when `path` is not a Timberline store; the previous store stays then.
    bool openStore(const QString &path, QString *error = nullptr);
    void closeStore();
    bool hasStore() const { return !m_storePath.isEmpty(); }
    QString storePath() const { return m_storePath; }

    Order order() const { return m_order; }
    void setOrder(Order order);
    // Counts again on the worker (an import wrote rows): arrival order appends rows; when rows moved
    // (time order) the rows on screen stay until they are read again.
    void refresh();

    // Shows only events matching `filter` (null: all of them); a filter means time order. The rows shown
    // stay until the first page of the new result is read; the count follows (countKnown()).
    void setFilter(std::shared_ptr<const core::QueryFilter> filter);
    std::shared_ptr<const core::QueryFilter> filter() const { return m_filter; }
    // Whether rowCount() is counted; until then it is the rows of the first page.
    bool isCountKnown() const { return m_countKnown; }
    // No page and no count is on its way.
    bool isSettled() const;
    core::Direction direction() const { return m_direction; }
    void setDirection(core::Direction direction);
    // Record paths shown after the first-class columns (values parsed again from the raw lines).
    QStringList extraColumns() const { return m_extraColumns; }
    void setExtraColumns(const QStringList &paths);
    bool utc() const { return m_utc; }
    void setUtc(bool utc);
    // The event shown in `row`, if its page is loaded.
    std::optional<core::EventRow> eventAt(int row) const;
    // The record path (or first-class name: time, level, service, message, request_id) of a column.
    QString columnField(int column) const;
    // Whether the page holding `row` is in the cache and up to date.
    bool isRowLoaded(int row) const;

    // Tests: the page worker calls `pageGate` and the count worker `countGate` (on their threads) before
    // each read, so a test can hold either back.
    void setWorkerGatesForTesting(std::function<void()> pageGate, std::function<void()> countGate);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // `2025-11-10 10:30:00.123456` in UTC.
    static QString formatTime(std::int64_t timeNs);

Q_SIGNALS:
    void orderChanged(EventTableModel::Order order);
    void errorOccurred(const QString &message);
    // The first page of what openStore() or setFilter() asked for is shown (its count may still come).
    void firstPageShown();
    // The count arrived and rowCount() follows it; `ms` is how long counting took.
    void countArrived(std::uint64_t count, double ms);

private:
    struct CachedPage {
        std::vector<EventTableRow> rows;
        bool stale = false; ///< shown until it is read again (the rows moved)
    };
    struct CountResult {
        std::uint64_t count = 0;
        double ms = 0;
        QString error;
    };

    const EventTableRow *row(int rowIndex) const;
    int pageCount() const;
    // Rows move: page results asked for before are dropped, known positions forgotten. With
    // `keepRows`, what is shown stays until page 0 of the new view arrives; otherwise the model resets
    // now (same row count, placeholders until pages arrive).
    void restart(bool keepRows);
    // Asks the page worker for `pages` pages from `page` on.
    void requestPages(int page, int pages);
    void requestCount();
    void dispatch();
    void onPage(quint64 epoch, EventTablePage page);
    void showFirstPage(EventTablePage page);
    void onCount(const CountResult &result);
    void applyCount(std::uint64_t count);
    void keepPage(int page, std::vector<EventTableRow> rows);
    void reportError(const QString &message);

    StoreWorker *m_pageWorker = nullptr; ///< pages, one at a time, newest request first to go
    StoreWorker *m_countWorker = nullptr; ///< counts, beside the pages
    std::shared_ptr<EventPageReader> m_reader;
    QString m_storePath;
    Order m_order = Order::Time;
    std::shared_ptr<const core::QueryFilter> m_filter;
    core::Direction m_direction = core::Direction::Ascending;
    QStringList m_extraColumns;
    bool m_utc = true;
    int m_rowCount = 0;
    bool m_countKnown = false;
    QString m_lastError;

    quint64 m_epoch = 0; ///< page results carry it; bumped when rows move
    bool m_firstPagePending = false; ///< the rows shown belong to the view before m_epoch's
    std::optional<CountResult> m_pendingCount; ///< a count that came before the first page
    bool m_countInFlight = false;
    bool m_recount = false; ///< count again when the one in flight arrives
    std::set<int> m_inFlight; ///< pages asked of the page worker for m_epoch

    // The cache: formatted pages by page number. Mutable because data() notes what it lacks.
    mutable std::unordered_map<int, CachedPage> m_pages;
    mutable std::set<int> m_wanted; ///< pages data() asked for since the last dispatch
    mutable int m_lastPage = 0; ///< the page asked for last; eviction keeps what is near it
    QTimer *m_dispatcher = nullptr;
    std::function<void()> m_pageGate;
    std::function<void()> m_countGate;
};
