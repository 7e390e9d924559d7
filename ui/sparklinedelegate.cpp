// SPDX-License-Identifier: MIT
#include "sparklinedelegate.h"

#include "levelpalette.h"

#include <QApplication>
#include <QPainter>
#include <QStyle>

#include <algorithm>
#include <cmath>

namespace {

constexpr int Padding = 3;

std::uint64_t highest(const std::vector<std::uint64_t> &values)
{
    std::uint64_t top = 0;
    for (const std::uint64_t value : values)
        top = std::max(top, value);
    return top;
}

} // namespace

SparklineDelegate::SparklineDelegate(QObject *parent)
    : QStyledItemDelegate(parent)
{
}

SparklineDelegate::~SparklineDelegate() = default;

std::pair<int, int> SparklineDelegate::bucketSpan(const QRect &rect, std::size_t buckets, std::size_t index)
{
    const double step = static_cast<double>(rect.width()) / static_cast<double>(std::max<std::size_t>(buckets, 1));
    const int x0 = rect.left() + static_cast<int>(std::floor(static_cast<double>(index) * step));
    const int x1 = rect.left() + static_cast<int>(std::floor(static_cast<double>(index + 1) * step));
    // A bucket narrower than a pixel still gets one: an error must never vanish.
    return {x0, std::max(x0 + 1, x1)};
}

void SparklineDelegate::paintSparkline(QPainter *painter, const QRect &rect, const Sparkline &sparkline,
                                       const QPalette &palette)
{
    if (rect.width() <= 0 || rect.height() <= 0 || sparkline.counts.empty())
        return;
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing, false);
    const std::size_t buckets = sparkline.counts.size();
    const int bottom = rect.bottom() + 1;
    const auto barHeight = [&](std::uint64_t value, std::uint64_t top) {
        if (value == 0 || top == 0)
            return 0;
        // At least one pixel: a single error in a busy range stays visible.
        return std::max(1, static_cast<int>(std::lround(static_cast<double>(value) * rect.height() / static_cast<double>(top))));
    };
    // The events behind the errors, muted, so a burst reads against the traffic of the time.
    if (sparkline.context.size() == buckets) {
        const std::uint64_t top = highest(sparkline.context);
        QColor muted = palette.color(QPalette::Text);
        muted.setAlpha(40);
        for (std::size_t i = 0; i < buckets; ++i) {
            const int h = barHeight(sparkline.context[i], top);
            if (h == 0)
                continue;
            const auto [x0, x1] = bucketSpan(rect, buckets, i);
            painter->fillRect(QRect(x0, bottom - h, x1 - x0, h), muted);
        }
    }
    const std::uint64_t top = highest(sparkline.counts);
    const QColor red = LevelPalette::bar(core::Level::Error, palette);
    int lastX = -1;
    for (std::size_t i = 0; i < buckets; ++i) {
        const int h = barHeight(sparkline.counts[i], top);
        if (h == 0)
            continue;
        auto [x0, x1] = bucketSpan(rect, buckets, i);
        // Two pixels at least: a lone error in a pixel-wide bucket reads as a hairline otherwise.
        x1 = std::min(std::max(x1, x0 + 2), rect.right() + 1);
        // Many buckets on few pixels: each pixel column is drawn once, by the first bar that reaches it.
        x0 = std::max(x0, lastX);
        if (x1 <= x0)
            continue;
        painter->fillRect(QRect(x0, bottom - h, x1 - x0, h), red);
        lastX = x1;
    }
    painter->setPen(palette.color(QPalette::Mid));
    painter->drawLine(rect.left(), rect.bottom(), rect.right(), rect.bottom());
    if (sparkline.mark && *sparkline.mark < buckets) {
        const int x0 = bucketSpan(rect, buckets, *sparkline.mark).first;
        // The first error: a line in the text colour with a small flag, distinct from the red bars.
        QPen pen(palette.color(QPalette::Text));
        pen.setWidth(1);
        painter->setPen(pen);
        painter->drawLine(x0, rect.top(), x0, rect.bottom());
        painter->fillRect(QRect(x0, rect.top(), 4, 3), palette.color(QPalette::Text));
    }
    painter->restore();
}

void SparklineDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    // The selection and hover background from the style, then the bars over it.
    QStyleOptionViewItem background = option;
    initStyleOption(&background, index);
    QStyle *style = option.widget ? option.widget->style() : QApplication::style();
    style->drawPrimitive(QStyle::PE_PanelItemViewItem, &background, painter, option.widget);
    const QVariant value = index.data(SparklineRole);
    if (!value.canConvert<Sparkline>())
        return;
    const QRect area = option.rect.adjusted(Padding, Padding, -Padding, -Padding);
    paintSparkline(painter, area, value.value<Sparkline>(), option.palette);
}

QSize SparklineDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &) const
{
    return {160, option.fontMetrics.height() + 2 * Padding};
}
