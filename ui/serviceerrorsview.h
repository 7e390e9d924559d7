// SPDX-License-Identifier: MIT
#pragma once

#include "viewjob.h"

#include <QWidget>

#include <core/analysis/errorgroups.h>

class DiscoverState;
class QLabel;
class QModelIndex;
class QStandardItemModel;
class QTableView;

// Errors per service over the histogram's buckets: one row per service (those that errored first, by
// their first error, then the rest), a sparkline of its errors over its traffic with the first error
// marked. Computed in core on a worker for the state's filter; clicking a service filters for it.
class ServiceErrorsView : public QWidget
{
    Q_OBJECT
public:
    enum Columns { ServiceColumn = 0, ErrorsColumn, FirstErrorColumn, TimelineColumn, NUM_COLUMNS };

    explicit ServiceErrorsView(DiscoverState *state, QWidget *parent = nullptr);
    ~ServiceErrorsView() override;

    // The timelines shown now.
    const core::ServiceTimelines &timelines() const { return m_timelines; }
    QStandardItemModel *model() const { return m_model; }
    QTableView *view() const { return m_view; }
    bool isSettled() const { return m_job->isSettled(); }

public Q_SLOTS:
    // Computes again for the state's current filter.
    void refresh();

Q_SIGNALS:
    void settled();

private:
    // The timelines, or why there are none.
    struct Result {
        core::ServiceTimelines timelines;
        QString error;
    };

    void deliver(Result result);
    void rebuild();
    void onClicked(const QModelIndex &index);

    DiscoverState *m_state;
    ViewJob<Result> *m_job;
    QStandardItemModel *m_model;
    QLabel *m_title;
    QTableView *m_view;
    core::ServiceTimelines m_timelines;
    QString m_error;
};
