// SPDX-License-Identifier: MIT
#pragma once

#include "deferredjob.h"

#include <QWidget>

#include <core/analysis/errorgroups.h>

#include <atomic>
#include <memory>

class DiscoverState;
class QLabel;
class QModelIndex;
class QStandardItemModel;
class QTableView;
class StoreWorker;

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
    bool isSettled() const { return m_job.settled(); }

public Q_SLOTS:
    // Computes again for the state's current filter.
    void refresh();

Q_SIGNALS:
    void settled();

protected:
    void showEvent(QShowEvent *event) override;

private:
    void deliver(core::ServiceTimelines timelines, const QString &error);
    void rebuild();
    void onClicked(const QModelIndex &index);

    DiscoverState *m_state;
    StoreWorker *m_worker;
    QStandardItemModel *m_model;
    QLabel *m_title;
    QTableView *m_view;
    core::ServiceTimelines m_timelines;
    QString m_error;
    DeferredJob m_job;
};
