// SPDX-License-Identifier: MIT
#pragma once

#include "viewjob.h"

#include <QString>
#include <QWidget>

#include <core/analysis/errorgroups.h>

#include <vector>

class DiscoverState;
class ErrorGroupsModel;
class QLabel;
class QModelIndex;
class QTableView;
class ServiceErrorsView;

// The Errors tab: the error groups of the current query and time range as a table (count, signature,
// a sparkline over the histogram's buckets, services, first and last seen) beside the per-service
// view. Groups are computed in core on a worker; a newer query stops the older job. Clicking a group
// sets the state's query to the group's own query, so every view shows its events.
class ErrorsPanel : public QWidget
{
    Q_OBJECT
public:
    explicit ErrorsPanel(DiscoverState *state, QWidget *parent = nullptr);
    ~ErrorsPanel() override;

    ErrorGroupsModel *model() const { return m_model; }
    QTableView *view() const { return m_view; }
    ServiceErrorsView *serviceView() const { return m_services; }
    // The groups and the per-service view hold the latest request's results (or wait, hidden, to be shown).
    bool isSettled() const;

public Q_SLOTS:
    // Groups again for the state's current filter.
    void refresh();

Q_SIGNALS:
    void settled();

private:
    // The groups, or why there are none.
    struct Result {
        std::vector<core::ErrorGroup> groups;
        QString error;
    };

    void onClicked(const QModelIndex &index);
    void fitColumns();
    void fitTimeColumns();
    void updateSummary();

    DiscoverState *m_state;
    ViewJob<Result> *m_job;
    ErrorGroupsModel *m_model;
    QLabel *m_summary;
    QTableView *m_view;
    ServiceErrorsView *m_services;
    QString m_error;
};
