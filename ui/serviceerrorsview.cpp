// SPDX-License-Identifier: MIT
#include "serviceerrorsview.h"

#include "discoverstate.h"
#include "sparklinedelegate.h"

#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QStandardItemModel>
#include <QTableView>
#include <QVBoxLayout>

#include <core/query/queryfilter.h>

#include <utility>

ServiceErrorsView::ServiceErrorsView(DiscoverState *state, QWidget *parent)
    : QWidget(parent)
    , m_state(state)
    , m_job(new ViewJob<Result>(state->backgroundWorker(), this))
    , m_model(new QStandardItemModel(0, NUM_COLUMNS, this))
{
    m_job->deferWhileHidden(this, [this] { refresh(); });
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    m_title = new QLabel(this);
    m_title->setContentsMargins(6, 3, 6, 3);
    layout->addWidget(m_title);
    m_model->setHorizontalHeaderLabels({tr("Service"), tr("Errors"), tr("First error"), tr("Errors over time")});
    m_view = new QTableView(this);
    m_view->setModel(m_model);
    m_view->setItemDelegateForColumn(TimelineColumn, new SparklineDelegate(m_view));
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setShowGrid(false);
    m_view->setWordWrap(false);
    m_view->setAlternatingRowColors(true);
    m_view->setTextElideMode(Qt::ElideRight);
    QHeaderView *rows = m_view->verticalHeader();
    rows->setSectionResizeMode(QHeaderView::Fixed);
    rows->setDefaultSectionSize(m_view->fontMetrics().height() + 8);
    rows->hide();
    QHeaderView *columns = m_view->horizontalHeader();
    columns->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    columns->setHighlightSections(false);
    columns->setSectionResizeMode(QHeaderView::Interactive);
    // The sparkline takes the room the text columns leave: its width is its resolution.
    columns->setStretchLastSection(true);
    const QFontMetrics metrics = m_view->fontMetrics();
    const int padding = metrics.horizontalAdvance(QLatin1Char('M')) * 2;
    m_view->setColumnWidth(ServiceColumn, metrics.horizontalAdvance(QLatin1Char('m')) * 9 + padding);
    m_view->setColumnWidth(ErrorsColumn, std::max(metrics.horizontalAdvance(QStringLiteral("00,000")),
                                                  metrics.horizontalAdvance(tr("Errors"))) + padding);
    m_view->setColumnWidth(FirstErrorColumn, metrics.horizontalAdvance(QStringLiteral("10:30:00.000")) + padding);
    layout->addWidget(m_view, 1);

    connect(m_view, &QTableView::clicked, this, &ServiceErrorsView::onClicked);
    connect(m_state, &DiscoverState::filterChanged, this, &ServiceErrorsView::refresh);
    connect(m_state, &DiscoverState::storeChanged, this, &ServiceErrorsView::refresh);
    connect(m_state, &DiscoverState::utcChanged, this, &ServiceErrorsView::rebuild);
    if (!m_state->storePath().isEmpty())
        refresh();
    rebuild();
}

ServiceErrorsView::~ServiceErrorsView() = default;

void ServiceErrorsView::refresh()
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
            // Step 0: the histogram's own nice step, so the marks line up with its bars.
            auto timelines = core::ErrorGroups::byService(*store, *filter, 0, control.flag());
            if (!timelines)
                result.error = QString::fromStdString(timelines.error().message);
            else
                result.timelines = std::move(timelines.value());
            return result;
        },
        [this](Result result) { deliver(std::move(result)); });
}

void ServiceErrorsView::deliver(Result result)
{
    m_timelines = std::move(result.timelines);
    m_error = result.error;
    rebuild();
    Q_EMIT settled();
}

void ServiceErrorsView::rebuild()
{
    const QLocale locale;
    m_model->removeRows(0, m_model->rowCount());
    const core::HistogramSpec &spec = m_timelines.spec;
    std::size_t erroring = 0;
    for (const core::ServiceErrors &service : m_timelines.services) {
        const QString name = service.name.empty() ? tr("(none)") : QString::fromStdString(service.name);
        auto *nameItem = new QStandardItem(name);
        nameItem->setData(QString::fromStdString(service.name), Qt::UserRole);
        auto *errorsItem = new QStandardItem(locale.toString(static_cast<qulonglong>(service.errors)));
        errorsItem->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        auto *firstItem = new QStandardItem;
        Sparkline sparkline;
        sparkline.counts = service.errorCounts;
        sparkline.context = service.eventCounts;
        QString tooltip = tr("<b>%1</b>: %2 errors").arg(name.toHtmlEscaped(), errorsItem->text());
        if (service.firstErrorNs) {
            ++erroring;
            const QString first = m_state->formatTime(*service.firstErrorNs);
            // The day is in the tooltip; the column keeps the time of day, which is what tells services apart.
            firstItem->setText(first.mid(11, 12));
            tooltip += tr("<br>first error at %1").arg(first);
            if (spec.bucketNs > 0 && *service.firstErrorNs >= spec.fromNs) {
                const auto bucket = static_cast<std::size_t>((*service.firstErrorNs - spec.fromNs) / spec.bucketNs);
                if (bucket < spec.buckets)
                    sparkline.mark = bucket;
            }
        } else {
            // No errors: the row stays for its traffic, muted.
            for (QStandardItem *item : {nameItem, errorsItem})
                item->setForeground(palette().brush(QPalette::Disabled, QPalette::Text));
        }
        auto *timelineItem = new QStandardItem;
        timelineItem->setData(QVariant::fromValue(sparkline), SparklineDelegate::SparklineRole);
        const QList<QStandardItem *> row{nameItem, errorsItem, firstItem, timelineItem};
        for (QStandardItem *item : row) {
            item->setToolTip(tooltip);
            item->setEditable(false);
        }
        m_model->appendRow(row);
    }
    if (!m_error.isEmpty())
        m_title->setText(tr("Errors by service could not be computed: %1").arg(m_error));
    else if (m_timelines.services.empty())
        m_title->setText(tr("Errors by service"));
    else
        m_title->setText(tr("<b>%1</b> of %2 services with errors \u2014 a line marks each one's first error")
                             .arg(locale.toString(static_cast<qulonglong>(erroring)),
                                  locale.toString(static_cast<qulonglong>(m_timelines.services.size()))));
}

void ServiceErrorsView::onClicked(const QModelIndex &index)
{
    const QModelIndex name = index.siblingAtColumn(ServiceColumn);
    const QString service = name.data(Qt::UserRole).toString();
    if (!service.isEmpty())
        m_state->addFilter(QStringLiteral("service"), service, false);
}
