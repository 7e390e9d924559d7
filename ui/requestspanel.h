// SPDX-License-Identifier: MIT
#pragma once

#include "viewjob.h"

#include <QString>
#include <QWidget>

#include <core/analysis/requests.h>

#include <cstddef>
#include <optional>
#include <vector>

class DiscoverState;
class QLabel;
class QModelIndex;
class QTableView;
class RequestListModel;
class SwimlaneView;

// The Requests tab: the requests of the current query and time range (a request is listed when one of
// its events matches) as a table sorted in core, beside the swimlane of the selected one. The list
// runs on the background worker and a newer query stops it; the selected request's lanes are read on
// the interactive worker. Clicking an event in the swimlane selects it in the shared state (the
// detail pane shows it, the histogram marks it).
class RequestsPanel : public QWidget
{
    Q_OBJECT
public:
    explicit RequestsPanel(DiscoverState *state, QWidget *parent = nullptr);
    ~RequestsPanel() override;

    RequestListModel *model() const { return m_model; }
    QTableView *view() const { return m_view; }
    SwimlaneView *swimlane() const { return m_swimlane; }
    // The list and the selected request's swimlane hold the latest results (or wait, hidden, to be shown).
    bool isSettled() const;
    // Shows the swimlane of the request in `row` of the list.
    void selectRow(int row);
    // Shows the swimlane of the request `id` (a request or trace ID), listed or not ("Show swimlane"
    // on an event); it stays shown when the list is read again without it.
    void showRequestById(const QString &id);

    // The most requests the table holds; the summary says how many more matched.
    static constexpr std::size_t MaximumRows = 10'000;

public Q_SLOTS:
    // Lists again for the state's current filter and the model's order, once control returns to the
    // event loop (several changes at once list once).
    void refresh();

Q_SIGNALS:
    void settled();

protected:
    bool event(QEvent *event) override;
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    struct ListResult {
        std::vector<core::RequestSummary> requests;
        std::size_t total = 0; ///< before MaximumRows cut the list
        QString error;
    };
    struct DetailResult {
        std::optional<core::RequestDetail> detail;
        QString error;
    };

    // Starts the list job now.
    void list();
    void onCurrentChanged(const QModelIndex &current);
    void showRequest(const QString &id);
    void fitColumns();
    void updateSummary();
    void updateTitle();

    DiscoverState *m_state;
    ViewJob<ListResult> *m_listJob;
    ViewJob<DetailResult> *m_detailJob;
    RequestListModel *m_model;
    QLabel *m_summary;
    QTableView *m_view;
    QLabel *m_title;
    SwimlaneView *m_swimlane;
    QString m_shownId; ///< the request whose swimlane is shown or on its way
    QString m_askedId; ///< asked for by showRequestById, until a row is chosen
    std::size_t m_total = 0;
    QString m_error;
    QString m_detailError;
    bool m_listAgainWhenShown = false; ///< a list was stopped or skipped: nothing of the panel was on screen
    bool m_listQueued = false; ///< refresh() was called; list() runs from the event loop
};
