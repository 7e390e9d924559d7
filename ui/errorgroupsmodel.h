// SPDX-License-Identifier: MIT
#pragma once

#include "sparklinedelegate.h"

#include <QAbstractTableModel>
#include <QString>
#include <QStringList>

#include <core/analysis/errorgroups.h>

#include <vector>

// The error groups of the current query as a table, largest first (the order core gives): count, the
// signature, the services with their counts, first and last seen, and a sparkline of the group over
// the histogram's buckets. Text is formatted once, when the groups arrive.
class ErrorGroupsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Columns {
        CountColumn = 0,
        SignatureColumn,
        TimelineColumn,
        ServicesColumn,
        FirstSeenColumn,
        LastSeenColumn,
        NUM_COLUMNS
    };
    enum Roles {
        QueryRole = Qt::UserRole, ///< the query text that finds the group's events (ErrorGroups::queryFor)
        CountRole, ///< the group's count as a number
    };

    explicit ErrorGroupsModel(QObject *parent = nullptr);
    ~ErrorGroupsModel() override;

    // Replaces the groups (a reset); times in UTC or the local zone.
    void setGroups(std::vector<core::ErrorGroup> groups);
    const std::vector<core::ErrorGroup> &groups() const { return m_groups; }
    void setUtc(bool utc);
    // The total of every group's count.
    std::uint64_t errorCount() const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Row {
        QString count;
        QString signature;
        QString services;
        QString firstSeen;
        QString lastSeen;
        QString tooltip;
        QString query;
        Sparkline sparkline;
    };
    void format();

    std::vector<core::ErrorGroup> m_groups;
    std::vector<Row> m_rows;
    bool m_utc = true;
};
