// SPDX-License-Identifier: MIT
#include "detailpane.h"

#include "discoverstate.h"
#include "eventtablemodel.h"
#include "jsonhighlighting.h"
#include "levelpalette.h"

#include <QEvent>
#include <QFontDatabase>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QLabel>
#include <QPlainTextEdit>
#include <QSpinBox>
#include <QStackedWidget>
#include <QSyntaxHighlighter>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace {

QString levelText(const core::EventRow &event)
{
    if (event.level != core::Level::Unknown)
        return QString::fromLatin1(core::levelName(event.level).data(),
            static_cast<qsizetype>(core::levelName(event.level).size()));
    return QString::fromStdString(event.levelText);
}

void setupTable(QTableWidget *table)
{
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setWordWrap(false);
    table->setShowGrid(false);
    table->setAlternatingRowColors(true);
    table->verticalHeader()->hide();
    table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    table->verticalHeader()->setDefaultSectionSize(table->fontMetrics().height() + 6);
    table->horizontalHeader()->setStretchLastSection(true);
    table->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
}

} // namespace

DetailPane::DetailPane(DiscoverState *state, QWidget *parent)
    : QWidget(parent)
    , m_state(state)
    , m_job(new ViewJob<EventDetail>(state->interactiveWorker(), this))
    , m_tabs(new QTabWidget(this))
    , m_fields(new QTableWidget(0, 2, this))
    , m_json(new QPlainTextEdit(this))
    , m_surrounding(new QTableWidget(0, 4, this))
    , m_around(new QSpinBox(this))
    , m_placeholder(new QLabel(tr("Select an event to see its fields and raw line"), this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *stack = new QStackedWidget(this);
    m_placeholder->setAlignment(Qt::AlignCenter);
    m_placeholder->setForegroundRole(QPalette::PlaceholderText);
    stack->addWidget(m_placeholder);
    stack->addWidget(m_tabs);
    layout->addWidget(stack);

    m_fields->setHorizontalHeaderLabels({tr("Field"), tr("Value")});
    setupTable(m_fields);
    m_tabs->addTab(m_fields, tr("Fields"));

    m_json->setReadOnly(true);
    m_json->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_json->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_highlighter = JsonHighlighting::create(m_json->document(), palette());
    m_tabs->addTab(m_json, tr("JSON"));

    auto *around = new QWidget(this);
    auto *aroundLayout = new QVBoxLayout(around);
    aroundLayout->setContentsMargins(0, 0, 0, 0);
    auto *aroundBar = new QHBoxLayout;
    aroundBar->setContentsMargins(6, 4, 6, 0);
    aroundBar->addWidget(new QLabel(tr("Events around it in time, every service: \u00b1"), around));
    m_around->setRange(1, 500);
    m_around->setValue(10);
    aroundBar->addWidget(m_around);
    aroundBar->addStretch(1);
    aroundLayout->addLayout(aroundBar);
    m_surrounding->setHorizontalHeaderLabels({tr("Time"), tr("Level"), tr("Service"), tr("Message")});
    setupTable(m_surrounding);
    aroundLayout->addWidget(m_surrounding, 1);
    m_tabs->addTab(around, tr("Surrounding events"));

    connect(m_state, &DiscoverState::selectionChanged, this, [this, stack] {
        stack->setCurrentIndex(m_state->selectedEvent() ? 1 : 0);
        reload();
    });
    connect(m_state, &DiscoverState::utcChanged, this, &DetailPane::reload);
    connect(m_around, qOverload<int>(&QSpinBox::valueChanged), this, &DetailPane::reload);
    connect(m_surrounding, &QTableWidget::cellDoubleClicked, this, [this](int row, int) {
        // Walk the timeline: the neighbour becomes the selected event.
        if (row >= 0 && static_cast<std::size_t>(row) < m_surroundingRows.size())
            m_state->setSelectedEvent(m_surroundingRows[static_cast<std::size_t>(row)]);
    });
}

DetailPane::~DetailPane() = default;

int DetailPane::surroundingCount() const
{
    return m_around->value();
}

void DetailPane::setSurroundingCount(int count)
{
    m_around->setValue(count);
}

void DetailPane::waitForWorker()
{
    m_job->worker()->waitForDone();
}

QString DetailPane::prettyJson(const QString &raw)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(raw.toUtf8(), &error);
    if (error.error != QJsonParseError::NoError || document.isNull())
        return raw;
    return QString::fromUtf8(document.toJson(QJsonDocument::Indented)).trimmed();
}

void DetailPane::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange && m_highlighter) {
        // Colours follow the desktop's light or dark palette.
        delete m_highlighter;
        m_highlighter = JsonHighlighting::create(m_json->document(), palette());
    }
}

void DetailPane::clearAll()
{
    m_fields->setRowCount(0);
    m_json->clear();
    m_surrounding->setRowCount(0);
    m_surroundingRows.clear();
}

void DetailPane::reload()
{
    const auto &selected = m_state->selectedEvent();
    if (!selected) {
        m_job->cancel();
        clearAll();
        return;
    }
    const core::EventRow event = *selected;
    const auto around = static_cast<std::size_t>(m_around->value());
    m_job->start(
        [event, around](core::EventStore *store, const ViewJob<EventDetail>::Control &) {
            EventDetail detail;
            detail.event = event;
            if (!store) {
                detail.error = tr("the store cannot be opened");
                return detail;
            }
            if (auto fields = store->fields(event)) {
                for (const auto &[path, value] : *fields)
                    detail.fields.append({QString::fromStdString(path), QString::fromStdString(value)});
            }
            if (auto raw = store->rawText(event))
                detail.raw = QString::fromStdString(*raw);
            else
                detail.error = QString::fromStdString(raw.error().message);
            // Neighbours in the one order on both sides, whatever the query: what happened around it.
            auto before = store->events(event.key, around, core::Direction::Descending);
            auto after = store->events(event.key, around, core::Direction::Ascending);
            if (before)
                detail.surrounding.assign(before->rbegin(), before->rend());
            detail.surrounding.push_back(event);
            if (after)
                detail.surrounding.insert(detail.surrounding.end(), after->begin(), after->end());
            return detail;
        },
        [this](EventDetail detail) { showDetail(detail); });
}

void DetailPane::showDetail(const EventDetail &detail)
{
    const core::EventRow &event = detail.event;
    QList<QPair<QString, QString>> rows{
        {tr("time"), m_state->formatTime(event.key.timeNs)},
        {tr("level"), levelText(event)},
        {tr("service"), QString::fromStdString(event.service)},
        {tr("message"), QString::fromStdString(event.message)},
    };
    if (!event.requestId.empty())
        rows.append({tr("request_id"), QString::fromStdString(event.requestId)});
    if (!event.traceId.empty())
        rows.append({tr("trace_id"), QString::fromStdString(event.traceId)});
    rows.append({tr("source"), QStringLiteral("%1:%2").arg(QString::fromStdString(event.sourceName)).arg(event.key.line)});
    const qsizetype firstClass = rows.size();
    rows.append(detail.fields);

    m_fields->setRowCount(static_cast<int>(rows.size()));
    for (qsizetype i = 0; i < rows.size(); ++i) {
        auto *name = new QTableWidgetItem(rows[i].first);
        if (i < firstClass) {
            QFont bold = name->font();
            bold.setBold(true);
            name->setFont(bold);
        }
        m_fields->setItem(static_cast<int>(i), 0, name);
        // The table shows the first line; the tooltip has all of it.
        auto *value = new QTableWidgetItem(rows[i].second.section(QLatin1Char('\n'), 0, 0));
        value->setToolTip(rows[i].second);
        m_fields->setItem(static_cast<int>(i), 1, value);
    }
    m_fields->resizeColumnToContents(0);

    m_json->setPlainText(detail.raw.isEmpty() ? detail.error : prettyJson(detail.raw));

    m_surroundingRows = detail.surrounding;
    m_surrounding->setRowCount(static_cast<int>(m_surroundingRows.size()));
    for (std::size_t i = 0; i < m_surroundingRows.size(); ++i) {
        const core::EventRow &row = m_surroundingRows[i];
        const QStringList cells{m_state->formatTime(row.key.timeNs), levelText(row),
            QString::fromStdString(row.service),
            QString::fromStdString(row.message).section(QLatin1Char('\n'), 0, 0)};
        const bool self = row.key == event.key;
        const QColor color = LevelPalette::text(row.level, QGuiApplication::palette());
        for (int column = 0; column < cells.size(); ++column) {
            auto *item = new QTableWidgetItem(cells[column]);
            if (color.isValid())
                item->setForeground(color);
            if (self) {
                QFont bold = item->font();
                bold.setBold(true);
                item->setFont(bold);
            }
            m_surrounding->setItem(static_cast<int>(i), column, item);
        }
    }
    m_surrounding->resizeColumnsToContents();
    Q_EMIT updated();
}
