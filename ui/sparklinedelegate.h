// SPDX-License-Identifier: MIT
#pragma once

#include <QMetaType>
#include <QStyledItemDelegate>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

// What one sparkline cell shows: counts per bucket of the shared time range (red bars), optionally
// the events behind them (a muted area), and one bucket marked (a service's first error).
struct Sparkline {
    std::vector<std::uint64_t> counts;
    std::vector<std::uint64_t> context; ///< empty, or as many buckets as counts
    std::optional<std::size_t> mark;
};
Q_DECLARE_METATYPE(Sparkline)

// Paints the Sparkline that a model gives under SparklineDelegate::SparklineRole: one bar per bucket,
// scaled to the row's own highest count (the count column gives the totals), so the shape of each
// row is readable however small it is next to the others.
class SparklineDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    static constexpr int SparklineRole = Qt::UserRole + 100;

    explicit SparklineDelegate(QObject *parent = nullptr);
    ~SparklineDelegate() override;

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;

    // Draws `sparkline` into `rect` (the delegate's paint, and tests).
    static void paintSparkline(QPainter *painter, const QRect &rect, const Sparkline &sparkline, const QPalette &palette);
    // The x range [first, second) of bucket `index` of `buckets` across `rect`.
    static std::pair<int, int> bucketSpan(const QRect &rect, std::size_t buckets, std::size_t index);
};
