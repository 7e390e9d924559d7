// SPDX-License-Identifier: MIT
#include "requestlistmodel.h"

#include "discoverstate.h"
#include "levelpalette.h"
#include "swimlaneview.h"

#include <QGuiApplication>
#include <QLocale>
#include <QPalette>

#include <algorithm>

RequestListModel::RequestListModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

RequestListModel::~RequestListModel() = default;

void RequestListModel::setRequests(std::vector<core::RequestSummary> requests)
{
    beginResetModel();
    m_requests = std::move(requests);
    format();
    endResetModel();
}

void RequestListModel::setUtc(bool utc)
{
    if (utc == m_utc)
        return;
    m_utc = utc;
    format();
    if (!m_rows.empty())
        Q_EMIT dataChanged(index(0, StartColumn), index(rowCount() - 1, StartColumn));
}

int RequestListModel::rowOf(const QString &id) const
{
    for (std::size_t i = 0; i < m_rows.size(); ++i)
        if (m_rows[i].id == id)
            return static_cast<int>(i);
    return -1;
}

void RequestListModel::format()
{
    const QLocale locale;
    // Times of day when every request starts on one day (an incident usually does); else with the date.
    bool oneDay = true;
    QString day;
    for (const core::RequestSummary &request : m_requests) {
        const QString date = DiscoverState::formatTime(request.startNs, m_utc).left(10);
        if (day.isEmpty())
            day = date;
        oneDay = oneDay && date == day;
    }
    m_rows.clear();
    m_rows.reserve(m_requests.size());
    for (const core::RequestSummary &request : m_requests) {
        Row row;
        row.id = QString::fromStdString(request.id);
        // To the millisecond, as the Errors tab shows times; the swimlane has the microseconds.
        const QString start = DiscoverState::formatTime(request.startNs, m_utc).left(23);
        row.start = oneDay ? start.mid(11) : start;
        row.duration = SwimlaneView::formatDuration(request.durationNs());
        QStringList services;
        for (const std::string &service : request.services)
            services << (service.empty() ? tr("(no service)") : QString::fromStdString(service));
        row.services = locale.toString(services.size());
        row.servicesTip = tr("In order of first appearance:\n") + services.join(QLatin1Char('\n'));
        row.events = locale.toString(static_cast<qulonglong>(request.events));
        row.errors = request.errors == 0 ? QString() : locale.toString(static_cast<qulonglong>(request.errors));
        if (request.firstFailure) {
            row.firstFailure = QString::fromStdString(request.firstFailure->service);
            row.firstFailureTip = tr("%1 failed first at %2:\n%3")
                                      .arg(row.firstFailure, DiscoverState::formatTime(request.firstFailure->key.timeNs, m_utc),
                                           QString::fromStdString(request.firstFailure->message));
            if (!request.firstFailure->message.empty())
                row.firstFailure += QStringLiteral(": ") + QString::fromStdString(request.firstFailure->message).section(QLatin1Char('\n'), 0, 0);
        }
        m_rows.push_back(std::move(row));
    }
}

int RequestListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int RequestListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : NUM_COLUMNS;
}

QVariant RequestListModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount())
        return {};
    const Row &row = m_rows[static_cast<std::size_t>(index.row())];
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case IdColumn: return row.id;
        case StartColumn: return row.start;
        case DurationColumn: return row.duration;
        case ServicesColumn: return row.services;
        case EventsColumn: return row.events;
        case ErrorsColumn: return row.errors;
        case FirstFailureColumn: return row.firstFailure;
        }
        break;
    case Qt::ToolTipRole:
        if (index.column() == ServicesColumn)
            return row.servicesTip;
        if (index.column() == FirstFailureColumn && !row.firstFailureTip.isEmpty())
            return row.firstFailureTip;
        if (index.column() == IdColumn)
            return tr("Select to see its swimlane");
        break;
    case Qt::ForegroundRole:
        if (index.column() == ErrorsColumn || index.column() == FirstFailureColumn)
            return LevelPalette::text(core::Level::Error, QGuiApplication::palette());
        break;
    case Qt::TextAlignmentRole:
        if (index.column() == DurationColumn || index.column() == EventsColumn || index.column() == ErrorsColumn)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        break;
    case IdRole:
        return row.id;
    }
    return {};
}

QVariant RequestListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case IdColumn: return tr("Request");
    case StartColumn: return tr("Start");
    case DurationColumn: return tr("Duration");
    case ServicesColumn: return tr("Services");
    case EventsColumn: return tr("Events");
    case ErrorsColumn: return tr("Errors");
    case FirstFailureColumn: return tr("Failed first");
    }
    return {};
}

void RequestListModel::sort(int column, Qt::SortOrder order)
{
    if (column == m_sortColumn && order == m_sortOrder)
        return;
    m_sortColumn = column;
    m_sortOrder = order;
    Q_EMIT sortRequested();
}

core::RequestOrder RequestListModel::coreOrder(int column)
{
    switch (column) {
    case DurationColumn: return core::RequestOrder::Duration;
    case ServicesColumn: return core::RequestOrder::Services;
    case ErrorsColumn: return core::RequestOrder::Errors;
    case FirstFailureColumn: return core::RequestOrder::FirstFailure;
    default: return core::RequestOrder::Start;
    }
}

Qt::SortOrder RequestListModel::naturalOrder(int column)
{
    return column == StartColumn || column == IdColumn ? Qt::AscendingOrder : Qt::DescendingOrder;
}

void RequestListModel::arrange(std::vector<core::RequestSummary> &requests, int column, Qt::SortOrder order)
{
    // core::RequestOrder has no id or event-count order: sorted here, stable over core's start order.
    if (column == IdColumn)
        std::stable_sort(requests.begin(), requests.end(), [](const auto &a, const auto &b) { return a.id < b.id; });
    else if (column == EventsColumn)
        std::stable_sort(requests.begin(), requests.end(), [](const auto &a, const auto &b) { return a.events > b.events; });
    if (order != naturalOrder(column))
        std::reverse(requests.begin(), requests.end());
}
