// SPDX-License-Identifier: MIT
#include "timerangepicker.h"

#include "discoverstate.h"

#include <QComboBox>
#include <QDateTimeEdit>
#include <QHBoxLayout>
#include <QLabel>

namespace {

constexpr std::int64_t NsPerMinute = 60'000'000'000;
constexpr int AbsoluteIndex = -2; ///< item data of "Absolute…"

QDateTime toDateTime(std::int64_t timeNs, bool utc)
{
    return QDateTime::fromMSecsSinceEpoch(timeNs / 1'000'000, utc ? Qt::UTC : Qt::LocalTime);
}

std::int64_t toNs(const QDateTime &dateTime)
{
    return dateTime.toMSecsSinceEpoch() * 1'000'000;
}

} // namespace

TimeRangePicker::TimeRangePicker(DiscoverState *state, QWidget *parent)
    : QWidget(parent)
    , m_state(state)
    , m_combo(new QComboBox(this))
    , m_from(new QDateTimeEdit(this))
    , m_to(new QDateTimeEdit(this))
    , m_anchor(new QLabel(this))
{
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    // Item data: the span in minutes; 0 the whole bundle.
    m_combo->addItem(tr("Whole bundle"), 0);
    m_combo->addItem(tr("Last 15 minutes"), 15);
    m_combo->addItem(tr("Last hour"), 60);
    m_combo->addItem(tr("Last 4 hours"), 240);
    m_combo->addItem(tr("Last 24 hours"), 1440);
    m_combo->addItem(tr("Last 7 days"), 7 * 1440);
    m_combo->addItem(tr("Absolute\u2026"), AbsoluteIndex);
    m_combo->setToolTip(tr("Relative ranges end at the anchor: the bundle's last event, not the wall clock"));
    layout->addWidget(m_combo);
    for (QDateTimeEdit *edit : {m_from, m_to}) {
        edit->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
        edit->setCalendarPopup(true);
        edit->hide();
        layout->addWidget(edit);
        connect(edit, &QDateTimeEdit::editingFinished, this, &TimeRangePicker::applyAbsolute);
    }
    m_anchor->setForegroundRole(QPalette::PlaceholderText);
    layout->addWidget(m_anchor);

    connect(m_combo, qOverload<int>(&QComboBox::activated), this, &TimeRangePicker::choose);
    connect(m_state, &DiscoverState::timeSpanChanged, this, &TimeRangePicker::syncFromState);
    connect(m_state, &DiscoverState::timeRangeChanged, this, &TimeRangePicker::syncFromState);
    connect(m_state, &DiscoverState::utcChanged, this, &TimeRangePicker::syncFromState);
    syncFromState();
}

TimeRangePicker::~TimeRangePicker() = default;

QString TimeRangePicker::anchorText() const
{
    return m_anchor->text();
}

void TimeRangePicker::choose(int index)
{
    const int minutes = m_combo->itemData(index).toInt();
    TimeRange range;
    if (minutes == AbsoluteIndex) {
        // Start from what is shown now: the current range, or the whole bundle.
        const TimeRange current = m_state->timeRange();
        std::int64_t from = m_state->firstNs().value_or(m_state->anchorNs());
        std::int64_t to = m_state->lastNs().value_or(m_state->anchorNs()) + 1'000'000'000;
        if (current.kind == TimeRange::Kind::Absolute) {
            from = current.fromNs;
            to = current.toNs;
        } else if (current.kind == TimeRange::Kind::Relative) {
            from = m_state->anchorNs() - current.spanNs;
            to = m_state->anchorNs() + 1'000'000'000;
        }
        range.kind = TimeRange::Kind::Absolute;
        range.fromNs = from;
        range.toNs = to;
    } else if (minutes > 0) {
        range.kind = TimeRange::Kind::Relative;
        range.spanNs = minutes * NsPerMinute;
    }
    m_state->setTimeRange(range);
    syncFromState();
}

void TimeRangePicker::applyAbsolute()
{
    if (m_syncing)
        return;
    TimeRange range;
    range.kind = TimeRange::Kind::Absolute;
    range.fromNs = toNs(m_from->dateTime());
    range.toNs = toNs(m_to->dateTime());
    if (range.toNs <= range.fromNs)
        return;
    m_state->setTimeRange(range);
}

void TimeRangePicker::syncFromState()
{
    m_syncing = true;
    const TimeRange range = m_state->timeRange();
    const bool utc = m_state->utc();
    int index = 0;
    if (range.kind == TimeRange::Kind::Relative)
        index = std::max(0, m_combo->findData(static_cast<int>(range.spanNs / NsPerMinute)));
    else if (range.kind == TimeRange::Kind::Absolute)
        index = m_combo->findData(AbsoluteIndex);
    m_combo->setCurrentIndex(index);
    const bool absolute = range.kind == TimeRange::Kind::Absolute;
    for (QDateTimeEdit *edit : {m_from, m_to}) {
        edit->setTimeSpec(utc ? Qt::UTC : Qt::LocalTime);
        edit->setVisible(absolute);
    }
    if (absolute) {
        m_from->setDateTime(toDateTime(range.fromNs, utc));
        m_to->setDateTime(toDateTime(range.toNs, utc));
    }
    if (m_state->lastNs()) {
        const QString anchor = m_state->formatTime(m_state->anchorNs()).left(19);
        m_anchor->setText(tr("now = %1").arg(anchor));
        m_anchor->setToolTip(tr("now = %1 %2, the bundle's end").arg(anchor, utc ? tr("UTC") : tr("local")));
        m_combo->setToolTip(tr("Relative ranges end at the bundle's end: %1").arg(anchor));
    } else {
        m_anchor->clear();
    }
    m_syncing = false;
}
