// SPDX-License-Identifier: MIT
#pragma once

#include <QAbstractTableModel>
#include <QColor>
#include <QString>

#include <core/store/store.h>

#include <cstdint>
#include <map>
#include <optional>
#include <memory>
#include <set>
#include <unordered_map>
#include <vector>

class QTimer;

namespace core {
class QueryFilter;
}

// The events of one store as a virtual table. Reads through its own read-only connection, a page of
// PageSize rows at a time, by keyset (never OFFSET): it remembers the key that starts each page it has
// seen and pages from the nearest one. Rows are formatted once, when their page is fetched. With a
// query's compiled filter it shows the matching events only (their count comes from a worker), in
// either direction of the one order, with record paths as extra columns after the first-class ones.
class EventTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Columns { TimeColumn, LevelColumn, ServiceColumn, MessageColumn, RequestIdColumn, NUM_COLUMNS };
    enum Roles {
        LevelRole = Qt::UserRole, ///< core::Level as int
        TimeNsRole, ///< UTC nanoseconds since the epoch (qint64)
        EventIdRole, ///< store-local row id (qint64)
    };
    enum class Order {
        Time, ///< the one order: time, source, line
        Arrival, ///< the order rows were written, while the time index is being built
    };
    Q_ENUM(Order)
    static constexpr int PageSize = 256;

    explicit EventTableModel(QObject *parent = nullptr);
    ~EventTableModel() override;

    // Opens `path` read-only and shows its events; on failure keeps the previous store and says why.
    bool openStore(const QString &path, QString *error = nullptr);
    void closeStore();
    bool hasStore() const { return m_store != nullptr; }
    QString storePath() const { return m_storePath; }

    Order order() const { return m_order; }
    void setOrder(Order order);
    // Re-reads the event count: rows are appended in arrival order; in time order the table is reset.
    // With a filter the count comes from setFilter/setMatchCount instead.
    void refresh();

    // Shows only events matching `filter` (null: all of them); `count` is how many match, counted on a
    // worker. Time order; a filter replaces the arrival order of a running import.
    void setFilter(std::shared_ptr<const core::QueryFilter> filter, std::uint64_t count);
    std::shared_ptr<const core::QueryFilter> filter() const { return m_filter; }
    // A new count for the same filter (an import added matches): rows are read again.
    void setMatchCount(std::uint64_t count);
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
    // Whether the page holding `row` is in the cache (a jump far away fills it in the background).
    bool isRowLoaded(int row) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // The text colour for a level, readable on the current palette; invalid for info and unknown.
    static QColor levelColor(core::Level level);
    // `2025-11-10 10:30:00.123456` in UTC.
    static QString formatTime(std::int64_t timeNs);

Q_SIGNALS:
    void orderChanged(EventTableModel::Order order);
    void errorOccurred(const QString &message);

private:
    struct Row {
        QString time;
        QString level;
        QString service;
        QString message;
        QString requestId;
        QStringList extra; ///< values of m_extraColumns
        core::EventRow event;
        core::Level levelValue = core::Level::Unknown;
        std::int64_t timeNs = 0;
        std::int64_t id = 0;
    };
    // The last row of the page before: what a keyset query pages "after".
    struct Anchor {
        core::EventKey key;
        std::int64_t id = 0;
    };

    const Row *row(int rowIndex) const;
    bool fetchPage(int page);
    bool fetchNearEnd(int page);
    // Reads up to `limit` rows after the anchor of `page` (page 0 needs none).
    core::Result<std::vector<core::EventRow>> readAfter(int page, std::size_t limit);
    // Reads in the one order from `after` in `direction`, through the filter when there is one.
    core::Result<std::vector<core::EventRow>> read(
        std::optional<core::EventKey> after, std::size_t limit, core::Direction direction);
    void resetWithCount(std::uint64_t count);
    void keepPage(int page, const std::vector<core::EventRow> &rows, std::size_t first);
    void noteAnchors(int firstPage, const std::vector<core::EventRow> &rows, std::size_t first);
    void requestInBackground(int page);
    void walkStep();
    void resetCache();
    void reportError(const core::Error &error);
    int pageCount() const;

    std::unique_ptr<core::Store> m_store;
    QString m_storePath;
    Order m_order = Order::Time;
    std::shared_ptr<const core::QueryFilter> m_filter;
    core::Direction m_direction = core::Direction::Ascending;
    QStringList m_extraColumns;
    bool m_utc = true;
    int m_rowCount = 0;
    QString m_lastError;

    // The cache: formatted pages by page number, and the anchors that start pages (sparse, grows as
    // pages are read). Mutable because data() fills them.
    mutable std::unordered_map<int, std::vector<Row>> m_pages;
    mutable std::map<int, Anchor> m_anchors;
    mutable int m_lastPage = 0; ///< the page asked for last; eviction keeps what is near it
    mutable std::set<int> m_pending; ///< pages shown as placeholders until the walker reaches them
    QTimer *m_walker = nullptr;
};
