// SPDX-License-Identifier: MIT
#pragma once

#include <QAbstractTableModel>
#include <QString>

#include <core/analysis/requests.h>

#include <vector>

// The requests of the current query as a table: id, start, duration, errors, the service that failed
// first, services and events. Sorting is not done here: sort() records the column and direction and
// emits sortRequested, and whoever runs core::Requests::list hands back the sorted rows (core sorts,
// over every request, not only those shown). Text is formatted once, when the rows arrive.
class RequestListModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Columns {
        IdColumn = 0,
        StartColumn,
        DurationColumn,
        ErrorsColumn, ///< before the counts: what someone on call reads first
        FirstFailureColumn,
        ServicesColumn,
        EventsColumn,
        NUM_COLUMNS
    };
    enum Roles {
        IdRole = Qt::UserRole, ///< the request's id, as Requests::detail takes it
    };

    explicit RequestListModel(QObject *parent = nullptr);
    ~RequestListModel() override;

    // Replaces the rows (a reset), already in the order sortColumn() and sortOrder() ask for.
    void setRequests(std::vector<core::RequestSummary> requests);
    const std::vector<core::RequestSummary> &requests() const { return m_requests; }
    // The row of the request `id`, or -1.
    int rowOf(const QString &id) const;
    void setUtc(bool utc);

    int sortColumn() const { return m_sortColumn; }
    Qt::SortOrder sortOrder() const { return m_sortOrder; }
    // The order core::Requests::list sorts by for `column` (Id and Events are sorted after it).
    static core::RequestOrder coreOrder(int column);
    // The direction core's order has: start earliest first, the counts largest first.
    static Qt::SortOrder naturalOrder(int column);
    // Sorts `requests` as `column` and `order` ask, given that list() sorted them by coreOrder(column).
    static void arrange(std::vector<core::RequestSummary> &requests, int column, Qt::SortOrder order);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    // Records the order and emits sortRequested; the rows change when the sorted list arrives.
    void sort(int column, Qt::SortOrder order) override;

Q_SIGNALS:
    void sortRequested();

private:
    struct Row {
        QString id;
        QString start;
        QString duration;
        QString services;
        QString servicesTip;
        QString events;
        QString errors;
        QString firstFailure;
        QString firstFailureTip;
    };

    void format();

    std::vector<core::RequestSummary> m_requests;
    std::vector<Row> m_rows;
    bool m_utc = true;
    int m_sortColumn = StartColumn;
    Qt::SortOrder m_sortOrder = Qt::AscendingOrder;
};
