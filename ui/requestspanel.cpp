// SPDX-License-Identifier: MIT
#include "requestspanel.h"

#include "resultcolumn.h"

#include "discoverstate.h"
#include "requestlistmodel.h"
#include "swimlaneview.h"

#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLocale>
#include <QScrollArea>
#include <QSignalBlocker>
#include <QSplitter>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

#include <core/query/queryfilter.h>

#include <utility>

RequestsPanel::RequestsPanel(DiscoverState *state, QWidget *parent)
    : QWidget(parent)
    , m_state(state)
    , m_listJob(new ViewJob<ListResult>(state->backgroundWorker(), this))
    , m_detailJob(new ViewJob<DetailResult>(state->interactiveWorker(), this))
    , m_model(new RequestListModel(this))
{
    // Behind another tab, aggregating every request of a large store is work nobody sees.
    m_listJob->deferWhileHidden(this, [this] { list(); });
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    auto *split = new QSplitter(Qt::Horizontal, this);

    const ResultColumn list = makeResultColumn(m_model, split);
    m_summary = list.summary;
    m_view = list.view;
    QHeaderView *columns = m_view->horizontalHeader();
    // What failed first takes what the counts leave.
    columns->setSectionResizeMode(RequestListModel::FirstFailureColumn, QHeaderView::Stretch);
    // The model sorts nothing itself: a header click asks core for the order (RequestListModel::sort).
    // The indicator first, or enabling sorting would sort by the first column.
    columns->setSortIndicator(m_model->sortColumn(), m_model->sortOrder());
    m_view->setSortingEnabled(true);
    split->addWidget(list.widget);

    auto *lane = new QWidget(split);
    auto *laneLayout = new QVBoxLayout(lane);
    laneLayout->setContentsMargins(0, 0, 0, 0);
    laneLayout->setSpacing(0);
    m_title = new QLabel(lane);
    m_title->setContentsMargins(6, 3, 6, 3);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_title->setToolTip(tr("Wheel or +/\u2212 zooms, a drag or the arrow keys pan, a double-click shows the whole request"));
    laneLayout->addWidget(m_title);
    m_swimlane = new SwimlaneView(lane);
    auto *scroll = new QScrollArea(lane);
    scroll->setWidget(m_swimlane);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    laneLayout->addWidget(scroll, 1);
    split->addWidget(lane);
    // Half each: the list's columns fit, and the swimlane keeps the width its time axis needs.
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 1);
    split->setSizes({600, 600});
    layout->addWidget(split);
    fitColumns();

    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &RequestsPanel::onCurrentChanged);
    connect(m_model, &RequestListModel::sortRequested, this, &RequestsPanel::refresh);
    connect(m_swimlane, &SwimlaneView::eventClicked, this, [this](const core::EventRow &event) {
        m_state->setSelectedEvent(event);
    });
    connect(m_state, &DiscoverState::selectionChanged, this, [this] {
        const auto &selected = m_state->selectedEvent();
        m_swimlane->setSelectedEvent(selected ? std::optional(selected->key) : std::nullopt);
    });
    connect(m_state, &DiscoverState::filterChanged, this, &RequestsPanel::refresh);
    connect(m_state, &DiscoverState::storeChanged, this, [this] {
        m_shownId.clear();
        m_swimlane->setDetail(std::nullopt);
        updateTitle();
        refresh();
    });
    connect(m_state, &DiscoverState::utcChanged, this, [this](bool utc) {
        m_model->setUtc(utc);
        m_swimlane->setUtc(utc);
        updateTitle();
    });
    m_model->setUtc(m_state->utc());
    m_swimlane->setUtc(m_state->utc());
    if (!m_state->storePath().isEmpty())
        refresh();
    updateSummary();
    updateTitle();
}

RequestsPanel::~RequestsPanel() = default;

void RequestsPanel::hideEvent(QHideEvent *event)
{
    QWidget::hideEvent(event);
    // Hidden with a list running (a tab put behind another): stop it, list again when shown.
    if (!m_listJob->isSettled()) {
        m_listJob->cancel();
        m_listAgainWhenShown = true;
    }
}

bool RequestsPanel::event(QEvent *event)
{
    if (event->type() == QEvent::Paint && std::exchange(m_listAgainWhenShown, false))
        QTimer::singleShot(0, this, &RequestsPanel::list);
    return QWidget::event(event);
}

void RequestsPanel::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    if (std::exchange(m_listAgainWhenShown, false))
        list();
}

bool RequestsPanel::isSettled() const
{
    return !m_listQueued && m_listJob->isSettled() && m_detailJob->isSettled();
}

void RequestsPanel::fitColumns()
{
    const QFontMetrics metrics = m_view->fontMetrics();
    const int padding = metrics.horizontalAdvance(QLatin1Char('M')) * 2;
    const int digit = metrics.horizontalAdvance(QLatin1Char('0'));
    // Counts and times are narrow.
    m_view->setColumnWidth(RequestListModel::IdColumn, digit * 12 + padding);
    m_view->setColumnWidth(RequestListModel::StartColumn, metrics.horizontalAdvance(QStringLiteral("10:30:00.000")) + padding);
    m_view->setColumnWidth(RequestListModel::DurationColumn, metrics.horizontalAdvance(QStringLiteral("16.82 ms")) + padding);
    m_view->setColumnWidth(RequestListModel::ServicesColumn, metrics.horizontalAdvance(QStringLiteral("Services")) + padding);
    m_view->setColumnWidth(RequestListModel::ErrorsColumn, metrics.horizontalAdvance(QStringLiteral("Errors")) + padding);
    m_view->setColumnWidth(RequestListModel::EventsColumn, metrics.horizontalAdvance(QStringLiteral("Events")) + padding);
}

void RequestsPanel::refresh()
{
    // From the event loop, so that a store change and the filter change it brings list once.
    if (std::exchange(m_listQueued, true))
        return;
    QTimer::singleShot(0, this, [this] {
        m_listQueued = false;
        list();
    });
}

void RequestsPanel::list()
{
    // A tab behind Errors can count as visible with nothing of it on screen: listing every request
    // of the store would be for nobody. It lists when it is first painted (its tab raised).
    if (isVisible() && visibleRegion().isEmpty()) {
        m_listJob->cancel();
        m_listAgainWhenShown = true;
        return;
    }
    const auto filter = m_state->filter();
    if (m_state->storePath().isEmpty() || !filter)
        return;
    const int column = m_model->sortColumn();
    const Qt::SortOrder order = m_model->sortOrder();
    m_view->horizontalHeader()->setSortIndicator(column, order);
    m_listJob->start(
        [filter, column, order](core::EventStore *store, const ViewJob<ListResult>::Control &control) {
            ListResult result;
            if (!store) {
                result.error = tr("cannot open the store");
                return result;
            }

            auto requests = core::Requests::list(*store, *filter, RequestListModel::coreOrder(column), control.flag());
            if (!requests) {
                result.error = QString::fromStdString(requests.error().message);
                return result;
            }
            result.requests = std::move(requests.value());
            RequestListModel::arrange(result.requests, column, order);
            result.total = result.requests.size();
            if (result.requests.size() > MaximumRows)
                result.requests.resize(MaximumRows);
            return result;
        },
        [this](ListResult result) {
            m_error = result.error;
            m_total = result.total;
            m_model->setRequests(std::move(result.requests));
            updateSummary();
            // The request shown stays shown if the new list has it; else the first one is.
            int row = m_model->rowOf(m_shownId);
            if (row < 0 && !m_askedId.isEmpty() && m_askedId == m_shownId) {
                // Asked for by name: it stays, whether the query lists it or not.
                m_view->clearSelection();
            } else if (row < 0 && m_model->rowCount() > 0) {
                row = 0;
            }
            if (row >= 0) {
                selectRow(row);
            } else if (m_askedId.isEmpty() || m_askedId != m_shownId) {
                m_shownId.clear();
                m_detailJob->cancel();
                m_swimlane->setDetail(std::nullopt);
                updateTitle();
            }
            if (isSettled())
                Q_EMIT settled();
        });
    if (!m_listJob->isStale())
        updateSummary();
}

void RequestsPanel::selectRow(int row)
{
    if (row < 0 || row >= m_model->rowCount())
        return;
    const QModelIndex index = m_model->index(row, RequestListModel::IdColumn);
    const bool current = m_view->currentIndex().row() == row;
    m_view->setCurrentIndex(index);
    m_view->selectRow(row);
    m_view->scrollTo(index);
    // A new current row shows itself (onCurrentChanged); the row already current changes nothing,
    // but the list was read again, and so is its swimlane.
    if (current)
        showRequest(index.data(RequestListModel::IdRole).toString());
}

void RequestsPanel::showRequestById(const QString &id)
{
    m_askedId = id;
    if (const int row = m_model->rowOf(id); row >= 0) {
        selectRow(row);
        return;
    }
    // Not listed (yet, or not by this query): its swimlane all the same.
    const QSignalBlocker blocker(m_view->selectionModel());
    m_view->clearSelection();
    m_view->setCurrentIndex({});
    showRequest(id);
}

void RequestsPanel::onCurrentChanged(const QModelIndex &current)
{
    if (!current.isValid())
        return;
    const QString id = current.data(RequestListModel::IdRole).toString();
    if (id != m_askedId)
        m_askedId.clear();
    showRequest(id);
}

void RequestsPanel::showRequest(const QString &id)
{
    if (id.isEmpty())
        return;
    m_shownId = id;
    m_detailError.clear();
    updateTitle();
    m_detailJob->start(
        [id = id.toStdString()](core::EventStore *store, const ViewJob<DetailResult>::Control &control) {
            DetailResult result;
            if (!store) {
                result.error = tr("cannot open the store");
                return result;
            }
            auto detail = core::Requests::detail(*store, id, control.flag());
            if (!detail)
                result.error = QString::fromStdString(detail.error().message);
            else
                result.detail = std::move(detail.value());
            return result;
        },
        [this](DetailResult result) {
            m_detailError = result.error;
            const auto &selected = m_state->selectedEvent();
            m_swimlane->setSelectedEvent(selected ? std::optional(selected->key) : std::nullopt);
            m_swimlane->setDetail(std::move(result.detail));
            updateTitle();
            if (isSettled())
                Q_EMIT settled();
        });
}

void RequestsPanel::updateSummary()
{
    const QLocale locale;
    if (!m_error.isEmpty())
        m_summary->setText(tr("Requests could not be listed: %1").arg(m_error));
    else if (!m_listJob->isSettled())
        m_summary->setText(tr("Listing requests\u2026"));
    else if (m_model->rowCount() == 0)
        m_summary->setText(m_state->storePath().isEmpty() ? tr("No store open") : tr("No request has an event that matches"));
    else if (m_total > static_cast<std::size_t>(m_model->rowCount()))
        m_summary->setText(tr("<b>%1</b> requests match; the first %2 are listed")
                               .arg(locale.toString(static_cast<qulonglong>(m_total)), locale.toString(m_model->rowCount())));
    else
        m_summary->setText(tr("<b>%1</b> requests have a matching event \u2014 select one to see its swimlane")
                               .arg(locale.toString(m_model->rowCount())));
}

void RequestsPanel::updateTitle()
{
    const auto &detail = m_swimlane->detail();
    if (!m_detailError.isEmpty()) {
        m_title->setText(tr("The request could not be read: %1").arg(m_detailError));
        return;
    }
    if (!detail) {
        m_title->setText(m_shownId.isEmpty() ? tr("No request selected") : tr("Reading %1\u2026").arg(m_shownId));
        return;
    }
    const core::RequestSummary &summary = detail->summary;
    const QLocale locale;
    QString text = tr("<b>%1</b> \u00b7 %2 \u00b7 %3 \u00b7 %n service(s)", nullptr, static_cast<int>(summary.services.size()))
                       .arg(QString::fromStdString(summary.id).toHtmlEscaped(), m_state->formatTime(summary.startNs),
                            SwimlaneView::formatDuration(summary.durationNs()));
    text += tr(" \u00b7 %1 events").arg(locale.toString(static_cast<qulonglong>(summary.events)));
    if (summary.errors > 0)
        text += tr(" \u00b7 %1 errors").arg(locale.toString(static_cast<qulonglong>(summary.errors)));
    if (summary.traceIds.size() > 1)
        text += tr(" \u00b7 %1 traces stitched").arg(summary.traceIds.size());
    m_title->setText(text);
}
