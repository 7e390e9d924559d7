// SPDX-License-Identifier: MIT
#include "fieldsidebar.h"

#include "discoverstate.h"

#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <core/analysis/fieldvalues.h>
#include <core/query/queryfilter.h>

#include <algorithm>

namespace {

// Data roles on tree items.
constexpr int PathRole = Qt::UserRole; ///< the field's path, on field and value items
constexpr int ValueRole = Qt::UserRole + 1; ///< the value, on value items
constexpr int CountAllRole = Qt::UserRole + 2; ///< true on the "count all" item

// Services counted exactly at most; beyond that the sample decides which are shown.
constexpr std::size_t MaxServices = 64;

FieldSummary summaryOf(const core::FieldInfo &info, bool exact)
{
    FieldSummary summary;
    summary.path = QString::fromStdString(info.path);
    summary.events = info.events;
    summary.exact = exact;
    for (const auto &[value, count] : info.topValues)
        summary.topValues.append({QString::fromStdString(value), count});
    return summary;
}

} // namespace

FieldSidebar::FieldSidebar(DiscoverState *state, QWidget *parent)
    : QWidget(parent)
    , m_state(state)
    , m_job(new ViewJob<FieldSidebarData>(state->backgroundWorker(), this))
    , m_summary(new QLabel(this))
    , m_tree(new QTreeWidget(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    m_summary->setWordWrap(true);
    m_summary->setContentsMargins(6, 4, 6, 2);
    m_summary->setForegroundRole(QPalette::PlaceholderText);
    layout->addWidget(m_summary);
    m_tree->setColumnCount(NUM_COLUMNS);
    m_tree->setHeaderLabels({tr("Field"), tr("Count"), QString(), QString()});
    m_tree->setRootIsDecorated(true);
    m_tree->setUniformRowHeights(true);
    m_tree->setAllColumnsShowFocus(true);
    QHeaderView *header = m_tree->header();
    header->setStretchLastSection(false);
    header->setSectionResizeMode(NameColumn, QHeaderView::Stretch);
    header->setSectionResizeMode(CountColumn, QHeaderView::ResizeToContents);
    header->setSectionResizeMode(ForColumn, QHeaderView::Fixed);
    header->setSectionResizeMode(OutColumn, QHeaderView::Fixed);
    const int buttonWidth = fontMetrics().horizontalAdvance(QStringLiteral("\u2295")) + 12;
    header->resizeSection(ForColumn, buttonWidth);
    header->resizeSection(OutColumn, buttonWidth);
    layout->addWidget(m_tree, 1);

    connect(m_tree, &QTreeWidget::itemClicked, this, &FieldSidebar::onItemClicked);
    connect(m_tree, &QTreeWidget::itemChanged, this, &FieldSidebar::onItemChanged);
    connect(m_state, &DiscoverState::filterChanged, this, &FieldSidebar::reload);
    connect(m_state, &DiscoverState::extraColumnsChanged, this, [this] {
        m_filling = true;
        const QStringList columns = m_state->extraColumns();
        for (int i = 0; i < m_tree->topLevelItemCount(); ++i) {
            QTreeWidgetItem *item = m_tree->topLevelItem(i);
            if (item->flags() & Qt::ItemIsUserCheckable)
                item->setCheckState(NameColumn,
                    columns.contains(item->data(NameColumn, PathRole).toString()) ? Qt::Checked : Qt::Unchecked);
        }
        m_filling = false;
    });
}

FieldSidebar::~FieldSidebar() = default;

QString FieldSidebar::summaryText() const
{
    return m_summary->text();
}

void FieldSidebar::waitForWorker()
{
    m_job->worker()->waitForDone();
}

void FieldSidebar::reload()
{
    auto filter = m_state->filter();
    if (!filter || m_state->storePath().isEmpty()) {
        m_job->cancel();
        m_tree->clear();
        m_summary->clear();
        return;
    }
    m_summary->setText(tr("Reading fields\u2026"));
    auto compose = m_state->composer();
    m_job->start(
        [filter, compose](core::EventStore *store, const ViewJob<FieldSidebarData>::Control &) {
            FieldSidebarData result;
            if (!store) {
                result.error = tr("the store cannot be opened");
                return result;
            }
            // Level and service are columns of every row: their counts are exact, from the indexes.
            std::vector<std::string> levels;
            for (int level = static_cast<int>(core::Level::Trace); level <= static_cast<int>(core::Level::Fatal); ++level)
                levels.emplace_back(core::levelName(static_cast<core::Level>(level)));
            std::vector<std::string> services;
            if (auto stats = store->stats()) {
                for (const auto &[service, count] : stats->services) {
                    if (services.size() >= MaxServices)
                        break;
                    services.push_back(service);
                }
            }
            for (const auto &[field, candidates] :
                {std::pair{std::string("level"), levels}, std::pair{std::string("service"), services}}) {
                auto counted = core::FieldValues::exactCounts(*store, field, candidates, TopValues, compose);
                if (!counted) {
                    result.error = tr("counting %1 failed").arg(QString::fromStdString(field));
                    return result;
                }
                if (counted->events > 0)
                    result.fields << summaryOf(*counted, true);
            }
            // Every other path is tallied from the first events of the result.
            auto sample = store->sampleFields(*filter, SampleSize, TopValues, &result.sampled);
            if (!sample) {
                result.error = QString::fromStdString(sample.error().message);
                return result;
            }
            for (const core::FieldInfo &info : *sample) {
                // Aliases of time, level and service are shown as those columns already.
                const auto column = core::QueryFilter::columnOf(info.path);
                if (column == core::QueryFilter::Column::Time || column == core::QueryFilter::Column::Level
                    || column == core::QueryFilter::Column::Service)
                    continue;
                result.fields << summaryOf(info, false);
            }
            return result;
        },
        [this](FieldSidebarData result) { showResult(result); });
}

void FieldSidebar::showResult(const FieldSidebarData &result)
{
    const QLocale locale;
    if (!result.error.isEmpty())
        m_summary->setText(tr("Fields unavailable: %1").arg(result.error));
    else if (result.sampled < SampleSize)
        m_summary->setText(tr("Counted over the whole result (%1 events).")
                .arg(locale.toString(static_cast<qulonglong>(result.sampled))));
    else
        m_summary->setText(tr("Level and service counted over the whole result; other fields from its first "
                              "%1 events (\u201ccount all\u201d counts one exactly).")
                .arg(locale.toString(static_cast<qulonglong>(result.sampled))));
    // Keep which fields were open across results: people follow the same fields while refining.
    QStringList expanded;
    for (int i = 0; i < m_tree->topLevelItemCount(); ++i)
        if (m_tree->topLevelItem(i)->isExpanded())
            expanded << m_tree->topLevelItem(i)->data(NameColumn, PathRole).toString();
    if (m_tree->topLevelItemCount() == 0)
        expanded = {QStringLiteral("level"), QStringLiteral("service")};

    m_filling = true;
    m_tree->clear();
    const QStringList columns = m_state->extraColumns();
    for (const FieldSummary &summary : result.fields) {
        auto *item = new QTreeWidgetItem(m_tree);
        item->setText(NameColumn, summary.path);
        item->setData(NameColumn, PathRole, summary.path);
        item->setText(CountColumn, locale.toString(static_cast<qulonglong>(summary.events)));
        item->setTextAlignment(CountColumn, Qt::AlignRight | Qt::AlignVCenter);
        QFont bold = item->font(NameColumn);
        bold.setBold(true);
        item->setFont(NameColumn, bold);
        if (!summary.exact) {
            // Checked: shown as a table column.
            item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
            item->setCheckState(NameColumn, columns.contains(summary.path) ? Qt::Checked : Qt::Unchecked);
            item->setToolTip(NameColumn, tr("Check to show %1 as a table column").arg(summary.path));
        }
        fillValues(item, summary);
        item->setExpanded(expanded.contains(summary.path));
    }
    m_filling = false;
    Q_EMIT updated();
}

void FieldSidebar::fillValues(QTreeWidgetItem *fieldItem, const FieldSummary &summary)
{
    qDeleteAll(fieldItem->takeChildren());
    const QLocale locale;
    for (const auto &[value, count] : summary.topValues) {
        auto *item = new QTreeWidgetItem(fieldItem);
        item->setText(NameColumn, value.isEmpty() ? tr("(empty)") : value);
        item->setToolTip(NameColumn, value);
        item->setData(NameColumn, PathRole, summary.path);
        item->setData(NameColumn, ValueRole, value);
        item->setText(CountColumn, locale.toString(static_cast<qulonglong>(count)));
        item->setTextAlignment(CountColumn, Qt::AlignRight | Qt::AlignVCenter);
        item->setText(ForColumn, QStringLiteral("\u2295"));
        item->setToolTip(ForColumn, tr("Filter for %1").arg(DiscoverState::filterText(summary.path, value)));
        item->setText(OutColumn, QStringLiteral("\u2296"));
        item->setToolTip(OutColumn, tr("Filter out %1").arg(DiscoverState::filterText(summary.path, value)));
        item->setTextAlignment(ForColumn, Qt::AlignCenter);
        item->setTextAlignment(OutColumn, Qt::AlignCenter);
    }
    if (!summary.exact) {
        auto *countAllItem = new QTreeWidgetItem(fieldItem);
        countAllItem->setText(NameColumn, tr("count all\u2026"));
        countAllItem->setData(NameColumn, PathRole, summary.path);
        countAllItem->setData(NameColumn, CountAllRole, true);
        countAllItem->setForeground(NameColumn, palette().brush(QPalette::Link));
        countAllItem->setToolTip(NameColumn, tr("Count the values of %1 over the whole result").arg(summary.path));
    }
}

QTreeWidgetItem *FieldSidebar::fieldItem(const QString &path) const
{
    for (int i = 0; i < m_tree->topLevelItemCount(); ++i)
        if (m_tree->topLevelItem(i)->data(NameColumn, PathRole).toString() == path)
            return m_tree->topLevelItem(i);
    return nullptr;
}

QTreeWidgetItem *FieldSidebar::valueItem(const QString &path, const QString &value) const
{
    QTreeWidgetItem *field = fieldItem(path);
    if (!field)
        return nullptr;
    for (int i = 0; i < field->childCount(); ++i) {
        QTreeWidgetItem *child = field->child(i);
        if (child->data(NameColumn, ValueRole).isValid() && child->data(NameColumn, ValueRole).toString() == value)
            return child;
    }
    return nullptr;
}

void FieldSidebar::onItemClicked(QTreeWidgetItem *item, int column)
{
    if (item->data(NameColumn, CountAllRole).toBool()) {
        countAll(item->data(NameColumn, PathRole).toString());
        return;
    }
    const QVariant value = item->data(NameColumn, ValueRole);
    if (!value.isValid() || (column != ForColumn && column != OutColumn))
        return;
    m_state->addFilter(item->data(NameColumn, PathRole).toString(), value.toString(), column == OutColumn);
}

void FieldSidebar::onItemChanged(QTreeWidgetItem *item, int column)
{
    if (m_filling || column != NameColumn || !(item->flags() & Qt::ItemIsUserCheckable))
        return;
    const QString path = item->data(NameColumn, PathRole).toString();
    QStringList columns = m_state->extraColumns();
    columns.removeAll(path);
    if (item->checkState(NameColumn) == Qt::Checked)
        columns << path;
    m_state->setExtraColumns(columns);
}

void FieldSidebar::countAll(const QString &path)
{
    auto filter = m_state->filter();
    QTreeWidgetItem *field = fieldItem(path);
    if (!filter || !field)
        return;
    field->setText(CountColumn, tr("counting\u2026"));
    const std::string fieldPath = path.toStdString();
    // Its counts belong to the result shown: the next one drops them.
    m_job->runAlongside<std::optional<FieldSummary>>(
        [filter, fieldPath](core::EventStore *store) -> std::optional<FieldSummary> {
            if (!store)
                return std::nullopt;
            auto counted = store->countValues(*filter, fieldPath, TopValues);
            if (!counted)
                return std::nullopt;
            return summaryOf(*counted, true);
        },
        [this, path](std::optional<FieldSummary> summary) {
            QTreeWidgetItem *item = fieldItem(path);
            if (!item)
                return;
            if (!summary) {
                item->setText(CountColumn, tr("failed"));
                return;
            }
            summary->path = path;
            m_filling = true;
            item->setText(CountColumn, QLocale().toString(static_cast<qulonglong>(summary->events)));
            item->setToolTip(CountColumn, tr("Counted over the whole result"));
            fillValues(item, *summary);
            item->setExpanded(true);
            m_filling = false;
        });
}
