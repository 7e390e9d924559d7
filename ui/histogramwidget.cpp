// SPDX-License-Identifier: MIT
#include "histogramwidget.h"

#include "levelpalette.h"

#include <QHelpEvent>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>

#include <core/analysis/histogram.h>
#include <core/analysis/histogrambuckets.h>
#include <core/query/queryfilter.h>

#include <algorithm>

namespace {

constexpr int AxisHeight = 18;
constexpr int SideMargin = 6;
// Bottom to top: what most events are first, errors on top where the eye lands.
constexpr core::Level StackOrder[] = {core::Level::Unknown, core::Level::Trace, core::Level::Debug, core::Level::Info,
                                      core::Level::Warn,    core::Level::Error, core::Level::Fatal};

std::uint64_t total(const core::LevelCounts &counts)
{
    std::uint64_t sum = 0;
    for (const std::uint64_t count : counts)
        sum += count;
    return sum;
}

} // namespace

HistogramWidget::HistogramWidget(DiscoverState *state, QWidget *parent)
    : QWidget(parent)
    , m_state(state)
    , m_job(new ViewJob<Result>(state->backgroundWorker(), this))
{
    setMouseTracking(true);
    setFocusPolicy(Qt::ClickFocus);
    setAttribute(Qt::WA_OpaquePaintEvent);
    connect(m_state, &DiscoverState::filterChanged, this, &HistogramWidget::refresh);
    connect(m_state, &DiscoverState::storeChanged, this, &HistogramWidget::refresh);
    connect(m_state, &DiscoverState::selectionChanged, this, qOverload<>(&QWidget::update));
    connect(m_state, &DiscoverState::utcChanged, this, [this] {
        m_barsDirty = true;
        update();
    });
    if (!m_state->storePath().isEmpty())
        refresh();
}

HistogramWidget::~HistogramWidget() = default;

QSize HistogramWidget::sizeHint() const
{
    return {600, 110};
}

QSize HistogramWidget::minimumSizeHint() const
{
    return {120, 60};
}

void HistogramWidget::refresh()
{
    const auto filter = m_state->filter();
    if (m_state->storePath().isEmpty() || !filter)
        return;
    m_job->start(
        [filter](core::EventStore *store, const ViewJob<Result>::Control &control) -> Result {
            if (!store)
                return {{}, QStringLiteral("cannot open the store")};
            // Counts arrive chunk by chunk; a newer request stops the older one at its next chunk.
            auto histogram = core::Histogram::compute(*store, *filter, core::HistogramOptions{},
                                                      [&](const core::LevelHistogram &partial) {
                                                          if (control.cancelled())
                                                              return false;
                                                          control.partial({partial, QString()});
                                                          return true;
                                                      });
            if (!histogram)
                return {{}, QString::fromStdString(histogram.error().message)};
            return {std::move(histogram.value()), QString()};
        },
        [this](Result result) { deliver(std::move(result)); });
}

void HistogramWidget::deliver(Result result)
{
    m_data = std::move(result.first);
    m_error = result.second;
    m_barsDirty = true;
    if (m_job->isSettled())
        Q_EMIT settled();
    update();
}

void HistogramWidget::setHistogram(const core::LevelHistogram &histogram)
{
    m_job->cancel();
    m_data = histogram;
    m_error.clear();
    m_barsDirty = true;
    update();
}

QFont HistogramWidget::labelFont() const
{
    QFont small = font();
    small.setPointSizeF(small.pointSizeF() * 0.85);
    return small;
}

QRect HistogramWidget::plotRect() const
{
    // The scale label has a strip of its own above the bars: drawn over them, the tallest bar (the
    // one a reader looks at) hid it or it hid the bar.
    const int top = QFontMetrics(labelFont()).height() + 1;
    return QRect(SideMargin, top, std::max(1, width() - 2 * SideMargin), std::max(1, height() - top - AxisHeight));
}

QString HistogramWidget::scaleLabel() const
{
    if (m_data.buckets.empty() || !m_error.isEmpty())
        return {};
    std::uint64_t highest = 1;
    for (const core::LevelCounts &bucket : m_data.buckets)
        highest = std::max(highest, total(bucket));
    return tr("max %1 per %2").arg(QString::number(highest), QString::fromStdString(core::HistogramBuckets::stepName(m_data.bucketNs)));
}

QRect HistogramWidget::scaleLabelRect() const
{
    const QString text = scaleLabel();
    if (text.isEmpty())
        return {};
    const QFontMetrics metrics(labelFont());
    const QRect plot = plotRect();
    const int textWidth = metrics.horizontalAdvance(text);
    return QRect(plot.right() - 1 - textWidth, 0, textWidth, std::min(metrics.height(), plot.top()));
}

TimeScale HistogramWidget::timeScale() const
{
    TimeScale scale;
    const QRect plot = plotRect();
    scale.left = plot.left();
    scale.width = plot.width();
    if (!m_data.buckets.empty()) {
        scale.fromNs = m_data.fromNs;
        scale.toNs = m_data.fromNs + static_cast<std::int64_t>(m_data.buckets.size()) * m_data.bucketNs;
    }
    return scale;
}

std::optional<std::size_t> HistogramWidget::bucketAt(double x) const
{
    if (m_data.buckets.empty() || m_data.bucketNs <= 0)
        return std::nullopt;
    const std::int64_t time = timeScale().mapXToTime(x);
    if (time < m_data.fromNs)
        return std::nullopt;
    const auto index = static_cast<std::size_t>((time - m_data.fromNs) / m_data.bucketNs);
    if (index >= m_data.buckets.size())
        return std::nullopt;
    return index;
}

void HistogramWidget::renderBars()
{
    const qreal ratio = devicePixelRatioF();
    m_bars = QPixmap(size() * ratio);
    m_bars.setDevicePixelRatio(ratio);
    m_bars.fill(palette().color(QPalette::Base));
    QPainter painter(&m_bars);
    const QRect plot = plotRect();
    const TimeScale scale = timeScale();
    painter.setPen(palette().color(QPalette::Mid));
    painter.drawLine(plot.bottomLeft() + QPoint(0, 1), plot.bottomRight() + QPoint(0, 1));
    if (!m_error.isEmpty()) {
        painter.setPen(palette().color(QPalette::PlaceholderText));
        painter.drawText(plot, Qt::AlignCenter, m_error);
        return;
    }
    if (m_data.buckets.empty()) {
        painter.setPen(palette().color(QPalette::PlaceholderText));
        painter.drawText(plot, Qt::AlignCenter, m_job->isSettled() ? tr("No events") : tr("Counting…"));
        return;
    }
    std::uint64_t highest = 1;
    for (const core::LevelCounts &bucket : m_data.buckets)
        highest = std::max(highest, total(bucket));
    painter.setRenderHint(QPainter::Antialiasing, false);
    const double pixelsPerEvent = static_cast<double>(plot.height()) / static_cast<double>(highest);
    // Bars are whole pixels with a one-pixel gap when there is room for one.
    const double step = scale.width / static_cast<double>(m_data.buckets.size());
    const int gap = step >= 4 ? 1 : 0;
    for (std::size_t i = 0; i < m_data.buckets.size(); ++i) {
        const core::LevelCounts &bucket = m_data.buckets[i];
        if (total(bucket) == 0)
            continue;
        const int x0 = static_cast<int>(std::floor(scale.left + static_cast<double>(i) * step));
        const int x1 = std::max(x0 + 1, static_cast<int>(std::floor(scale.left + static_cast<double>(i + 1) * step)) - gap);
        double base = plot.bottom() + 1;
        std::uint64_t cumulative = 0;
        for (const core::Level level : StackOrder) {
            const std::uint64_t count = bucket[static_cast<std::size_t>(level)];
            if (count == 0)
                continue;
            cumulative += count;
            const double top = plot.bottom() + 1 - static_cast<double>(cumulative) * pixelsPerEvent;
            // Never let a non-empty level vanish: at least one pixel (errors are what people look for).
            const int yTop = std::min(static_cast<int>(std::floor(top)), static_cast<int>(base) - 1);
            painter.fillRect(QRect(QPoint(x0, yTop), QPoint(x1 - 1, static_cast<int>(base) - 1)), LevelPalette::bar(level, palette()));
            base = yTop;
        }
    }
    // The axis: ticks in the display zone.
    const int offset = m_state && !m_state->utc()
        ? QDateTime::fromMSecsSinceEpoch(scale.fromNs / 1'000'000).offsetFromUtc()
        : 0;
    painter.setPen(palette().color(QPalette::Text));
    const QFont font = labelFont();
    painter.setFont(font);
    const QFontMetrics metrics(font);
    for (const TimeScale::Tick &tick : scale.ticks(std::max(90.0, metrics.horizontalAdvance(QStringLiteral("00:00:00.000")) + 16.0), offset)) {
        const int x = static_cast<int>(std::lround(tick.x));
        painter.setPen(palette().color(QPalette::Mid));
        painter.drawLine(x, plot.bottom() + 1, x, plot.bottom() + 4);
        // A label cut by the widget's edge is noise: leave it out, the tick stays.
        const int half = metrics.horizontalAdvance(tick.label) / 2 + 1;
        if (x - half < 0 || x + half > width())
            continue;
        painter.setPen(palette().color(QPalette::Text));
        painter.drawText(QRect(x - 60, plot.bottom() + 3, 120, AxisHeight - 3), Qt::AlignHCenter | Qt::AlignTop, tick.label);
    }
    painter.setPen(palette().color(QPalette::PlaceholderText));
    painter.drawText(scaleLabelRect(), Qt::AlignVCenter | Qt::AlignRight, scaleLabel());
}

void HistogramWidget::paintEvent(QPaintEvent *)
{
    if (m_barsDirty || m_bars.size() != size() * devicePixelRatioF()) {
        renderBars();
        m_barsDirty = false;
    }
    QPainter painter(this);
    painter.drawPixmap(0, 0, m_bars);
    const QRect plot = plotRect();
    const TimeScale scale = timeScale();
    // The selected event's bucket.
    if (m_state && m_state->selectedEvent() && !m_data.buckets.empty()) {
        const std::int64_t time = m_state->selectedEvent()->key.timeNs;
        if (time >= scale.fromNs && time < scale.toNs) {
            const std::int64_t start = core::HistogramBuckets::floorTo(time - m_data.fromNs, m_data.bucketNs) + m_data.fromNs;
            const int x0 = static_cast<int>(std::floor(scale.mapTimeToX(start)));
            const int x1 = std::max(x0 + 2, static_cast<int>(std::ceil(scale.mapTimeToX(start + m_data.bucketNs))));
            QColor mark = palette().color(QPalette::Highlight);
            mark.setAlpha(70);
            painter.fillRect(QRect(x0, plot.top(), x1 - x0, plot.height()), mark);
            painter.setPen(palette().color(QPalette::Highlight));
            painter.drawLine(x0, plot.top(), x0, plot.bottom());
        }
    }
    if (m_dragFrom) {
        QColor band = palette().color(QPalette::Highlight);
        band.setAlpha(60);
        const int a = std::min(*m_dragFrom, m_dragTo);
        const int b = std::max(*m_dragFrom, m_dragTo);
        painter.fillRect(QRect(a, plot.top(), b - a, plot.height()), band);
    }
}

void HistogramWidget::resizeEvent(QResizeEvent *event)
{
    m_barsDirty = true;
    QWidget::resizeEvent(event);
}

void HistogramWidget::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::FontChange)
        m_barsDirty = true;
    QWidget::changeEvent(event);
}

void HistogramWidget::mousePressEvent(QMouseEvent *event)
{
    if (event->button() == Qt::BackButton) {
        zoomOut();
        return;
    }
    if (event->button() == Qt::LeftButton && !m_data.buckets.empty()) {
        m_dragFrom = static_cast<int>(event->position().x());
        m_dragTo = *m_dragFrom;
    }
}

void HistogramWidget::mouseMoveEvent(QMouseEvent *event)
{
    if (m_dragFrom) {
        m_dragTo = static_cast<int>(event->position().x());
        update();
    }
}

void HistogramWidget::mouseReleaseEvent(QMouseEvent *event)
{
    if (!m_dragFrom || event->button() != Qt::LeftButton)
        return;
    const int from = *m_dragFrom;
    m_dragFrom.reset();
    update();
    // A click is not a drag: it would zoom into a sliver.
    if (std::abs(m_dragTo - from) < 4)
        return;
    const auto [begin, end] = timeScale().zoom(from, m_dragTo);
    m_state->zoomIn(begin, end);
}

void HistogramWidget::mouseDoubleClickEvent(QMouseEvent *)
{
    m_dragFrom.reset();
    zoomOut();
}

void HistogramWidget::keyPressEvent(QKeyEvent *event)
{
    if (event->key() == Qt::Key_Back || event->key() == Qt::Key_Backspace || event->matches(QKeySequence::Back)) {
        zoomOut();
        return;
    }
    QWidget::keyPressEvent(event);
}

void HistogramWidget::zoomOut()
{
    m_state->zoomOut();
}

bool HistogramWidget::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        const auto bucket = bucketAt(help->pos().x());
        if (!bucket) {
            QToolTip::hideText();
            event->ignore();
            return true;
        }
        const core::LevelCounts &counts = m_data.buckets[*bucket];
        const std::int64_t start = m_data.fromNs + static_cast<std::int64_t>(*bucket) * m_data.bucketNs;
        const bool utc = !m_state || m_state->utc();
        QString text = QStringLiteral("<b>") + DiscoverState::formatTime(start, utc) + QStringLiteral("</b> + ")
            + QString::fromStdString(core::HistogramBuckets::stepName(m_data.bucketNs)) + QStringLiteral("<br>")
            + tr("%1 events").arg(total(counts));
        for (auto it = std::rbegin(StackOrder); it != std::rend(StackOrder); ++it) {
            const std::uint64_t count = counts[static_cast<std::size_t>(*it)];
            const std::string_view name = core::levelName(*it);
            if (count > 0)
                text += QStringLiteral("<br><span style=\"color:%1\">■</span> %2: %3")
                            .arg(LevelPalette::bar(*it, palette()).name(), QString::fromLatin1(name.data(), static_cast<qsizetype>(name.size())),
                                 QString::number(count));
        }
        QToolTip::showText(help->globalPos(), text, this);
        return true;
    }
    return QWidget::event(event);
}
