// SPDX-License-Identifier: MIT
#include "errorspanel.h"

#include "resultcolumn.h"

#include "discoverstate.h"
#include "errorgroupsmodel.h"
#include "serviceerrorsview.h"
#include "sparklinedelegate.h"

#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

#include <core/analysis/errorgroups.h>
#include <core/analysis/histogram.h>
#include <core/query/queryfilter.h>

#include <utility>

ErrorsPanel::ErrorsPanel(DiscoverState *state, QWidget *parent)
    : QWidget(parent)
    , m_state(state)
    , m_job(new ViewJob<Result>(state->backgroundWorker(), this))
    , m_model(new ErrorGroupsModel(this))
{
    // Closed or behind another tab, grouping every error of a large store is work nobody sees.
    m_job->deferWhileHidden(this, [this] { refresh(); });
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    auto *split = new QSplitter(Qt::Horizontal, this);

    const ResultColumn groups = makeResultColumn(m_model, split);
    m_summary = groups.summary;
    m_view = groups.view;
    m_view->setItemDelegateForColumn(ErrorGroupsModel::TimelineColumn, new SparklineDelegate(m_view));
    m_view->setMouseTracking(true);
    QHeaderView *columns = m_view->horizontalHeader();
    // The signature takes what the others leave; it is what a reader scans.
    columns->setSectionResizeMode(ErrorGroupsModel::SignatureColumn, QHeaderView::Stretch);
    split->addWidget(groups.widget);

    m_services = new ServiceErrorsView(m_state, split);
    split->addWidget(m_services);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    layout->addWidget(split);
    fitColumns();

    connect(m_view, &QTableView::clicked, this, &ErrorsPanel::onClicked);
    // Enter on a group does what a click does.
    connect(m_view, &QTableView::activated, this, &ErrorsPanel::onClicked);
    connect(m_services, &ServiceErrorsView::settled, this, [this] {
        if (isSettled())
            Q_EMIT settled();
    });
    connect(m_state, &DiscoverState::filterChanged, this, &ErrorsPanel::refresh);
    connect(m_state, &DiscoverState::storeChanged, this, &ErrorsPanel::refresh);
    connect(m_state, &DiscoverState::utcChanged, this, [this](bool utc) {
        m_model->setUtc(utc);
        fitTimeColumns();
    });
    m_model->setUtc(m_state->utc());
    if (!m_state->storePath().isEmpty())
        refresh();
    updateSummary();
}

ErrorsPanel::~ErrorsPanel() = default;

bool ErrorsPanel::isSettled() const
{
    return m_job->isSettled() && m_services->isSettled();
}

void ErrorsPanel::fitColumns()
{
    const QFontMetrics metrics = m_view->fontMetrics();
    const int padding = metrics.horizontalAdvance(QLatin1Char('M')) * 2;
    m_view->setColumnWidth(ErrorGroupsModel::CountColumn,
                           std::max(metrics.horizontalAdvance(QStringLiteral("000,000")),
                                    metrics.horizontalAdvance(m_model->headerData(ErrorGroupsModel::CountColumn,
                                                                                  Qt::Horizontal).toString()))
                               + padding);
    // The sparkline and the services are summaries (the tooltip has the whole list); the signature is
    // what a reader scans, so it gets the rest.
    m_view->setColumnWidth(ErrorGroupsModel::TimelineColumn, metrics.horizontalAdvance(QLatin1Char('m')) * 10);
    m_view->setColumnWidth(ErrorGroupsModel::ServicesColumn, metrics.horizontalAdvance(QLatin1Char('m')) * 9 + padding);
    fitTimeColumns();
}

void ErrorsPanel::fitTimeColumns()
{
    // Times of day, or with the date when the groups span days (the model decides which).
    const QFontMetrics metrics = m_view->fontMetrics();
    const int padding = metrics.horizontalAdvance(QLatin1Char('M')) * 2;
    const QString shown = m_model->rowCount() > 0
        ? m_model->index(0, ErrorGroupsModel::FirstSeenColumn).data().toString()
        : QStringLiteral("10:30:00.000");
    const int timeWidth = std::max(metrics.horizontalAdvance(shown),
                                   metrics.horizontalAdvance(m_model->headerData(ErrorGroupsModel::FirstSeenColumn,
                                                                                 Qt::Horizontal).toString()))
        + padding;
    m_view->setColumnWidth(ErrorGroupsModel::FirstSeenColumn, timeWidth);
    m_view->setColumnWidth(ErrorGroupsModel::LastSeenColumn, timeWidth);
}

void ErrorsPanel::refresh()
{
    const auto filter = m_state->filter();
    if (m_state->storePath().isEmpty() || !filter)
        return;
    m_job->start(
        [filter](core::EventStore *store, const ViewJob<Result>::Control &control) {
            Result result;
            if (!store) {
                result.error = tr("cannot open the store");
                return result;
            }
            // The histogram's own buckets, so each sparkline lines up with the bars above the table.
            auto spec = core::Histogram::plan(*store, *filter, core::HistogramOptions{});
            if (!spec) {
                result.error = QString::fromStdString(spec.error().message);
                return result;
            }
            auto groups = core::ErrorGroups::compute(*store, *filter, spec.value(), control.flag());
            if (!groups) {
                result.error = QString::fromStdString(groups.error().message);
                return result;
            }
            result.groups = std::move(groups.value());
            return result;
        },
        [this](Result result) {
            m_error = result.error;
            m_model->setGroups(std::move(result.groups));
            fitTimeColumns();
            updateSummary();
            if (isSettled())
                Q_EMIT settled();
        });
    if (!m_job->isStale())
        updateSummary();
}

void ErrorsPanel::updateSummary()
{
    const QLocale locale;
    if (!m_error.isEmpty())
        m_summary->setText(tr("Error groups could not be computed: %1").arg(m_error));
    else if (!m_job->isSettled())
        m_summary->setText(tr("Grouping errors\u2026"));
    else if (m_model->rowCount() == 0)
        m_summary->setText(m_state->storePath().isEmpty() ? tr("No store open") : tr("No errors match"));
    else
        m_summary->setText(tr("<b>%1</b> errors in <b>%2</b> groups \u2014 click a group to show its events")
                               .arg(locale.toString(static_cast<qulonglong>(m_model->errorCount())),
                                    locale.toString(m_model->rowCount())));
}

void ErrorsPanel::onClicked(const QModelIndex &index)
{
    const QString query = index.data(ErrorGroupsModel::QueryRole).toString();
    // A double-click is a click and an activation: the query runs once.
    if (!query.isEmpty() && query != m_state->queryText())
        m_state->setQuery(query);
}
