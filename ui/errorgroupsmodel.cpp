// SPDX-License-Identifier: MIT
#include "errorgroupsmodel.h"

#include "discoverstate.h"
#include "sparklinedelegate.h"

#include <QLocale>

namespace {

// Milliseconds are enough to tell a group's first and last event apart; microseconds widen the column.
QString shortTime(std::int64_t timeNs, bool utc)
{
    return DiscoverState::formatTime(timeNs, utc).left(23);
}

// `2025-11-10 10:30:01.000` → `10:30:01.000`: when every group is on one day, the date says nothing
// and costs the signature column its room.
QString timeOfDay(const QString &time)
{
    return time.mid(11);
}

} // namespace

ErrorGroupsModel::ErrorGroupsModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

ErrorGroupsModel::~ErrorGroupsModel() = default;

void ErrorGroupsModel::setGroups(std::vector<core::ErrorGroup> groups)
{
    beginResetModel();
    m_groups = std::move(groups);
    format();
    endResetModel();
}

void ErrorGroupsModel::setUtc(bool utc)
{
    if (utc == m_utc)
        return;
    m_utc = utc;
    format();
    if (!m_rows.empty())
        Q_EMIT dataChanged(index(0, FirstSeenColumn), index(rowCount() - 1, LastSeenColumn));
}

std::uint64_t ErrorGroupsModel::errorCount() const
{
    std::uint64_t total = 0;
    for (const core::ErrorGroup &group : m_groups)
        total += group.count;
    return total;
}

void ErrorGroupsModel::format()
{
    const QLocale locale;
    bool oneDay = true;
    QString day;
    for (const core::ErrorGroup &group : m_groups) {
        for (const std::int64_t time : {group.firstNs, group.lastNs}) {
            const QString date = shortTime(time, m_utc).left(10);
            if (day.isEmpty())
                day = date;
            oneDay = oneDay && date == day;
        }
    }
    m_rows.clear();
    m_rows.reserve(m_groups.size());
    for (const core::ErrorGroup &group : m_groups) {
        Row row;
        row.count = locale.toString(static_cast<qulonglong>(group.count));
        row.signature = QString::fromStdString(group.signature);
        QStringList services;
        for (const auto &[name, count] : group.services) {
            const QString shown = name.empty() ? tr("(none)") : QString::fromStdString(name);
            services << shown + QLatin1Char(' ') + locale.toString(static_cast<qulonglong>(count));
        }
        row.services = services.join(QStringLiteral(", "));
        const QString first = shortTime(group.firstNs, m_utc);
        const QString last = shortTime(group.lastNs, m_utc);
        row.firstSeen = oneDay ? timeOfDay(first) : first;
        row.lastSeen = oneDay ? timeOfDay(last) : last;
        row.sparkline.counts.assign(group.timeline.begin(), group.timeline.end());
        row.query = QString::fromStdString(core::ErrorGroups::queryFor(group));
        row.tooltip = tr("<b>%1</b><br>%2 events, first %3, last %4<br>e.g. <i>%5</i><br>Click to filter: <tt>%6</tt>")
                          .arg(row.signature.toHtmlEscaped(), row.count, first, last,
                               QString::fromStdString(group.sample.message).left(300).toHtmlEscaped(),
                               row.query.toHtmlEscaped());
        m_rows.push_back(std::move(row));
    }
}

int ErrorGroupsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int ErrorGroupsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : NUM_COLUMNS;
}

QVariant ErrorGroupsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const auto rowIndex = static_cast<std::size_t>(index.row());
    const Row &row = m_rows[rowIndex];
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case CountColumn: return row.count;
        case SignatureColumn: return row.signature;
        case ServicesColumn: return row.services;
        case FirstSeenColumn: return row.firstSeen;
        case LastSeenColumn: return row.lastSeen;
        default: return {};
        }
    case Qt::ToolTipRole: return row.tooltip;
    case Qt::TextAlignmentRole:
        return index.column() == CountColumn ? QVariant(Qt::AlignRight | Qt::AlignVCenter)
                                             : QVariant(Qt::AlignLeft | Qt::AlignVCenter);
    case QueryRole: return row.query;
    case CountRole: return QVariant::fromValue(static_cast<qulonglong>(m_groups[rowIndex].count));
    case SparklineDelegate::SparklineRole:
        if (index.column() != TimelineColumn)
            return {};
        return QVariant::fromValue(row.sparkline);
    default: return {};
    }
}

QVariant ErrorGroupsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case CountColumn: return tr("Count");
    case SignatureColumn: return tr("Error");
    case TimelineColumn: return tr("Over time");
    case ServicesColumn: return tr("Services");
    case FirstSeenColumn: return tr("First seen");
    case LastSeenColumn: return tr("Last seen");
    default: return {};
    }
}
