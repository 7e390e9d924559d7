// SPDX-License-Identifier: MIT
#pragma once

#include "discoverstate.h"
#include "timescale.h"
#include "viewjob.h"

#include <QPixmap>
#include <QWidget>

#include <core/store/storetypes.h>

#include <optional>
#include <utility>
#include <vector>

// Events over time above the table: bars stacked by level (errors and fatals red), a time axis,
// a tooltip with the bucket's counts. Dragging across it zooms the shared time range into that
// span; double-click or Back zooms out again. The selected event's bucket is marked. Counts are
// computed in core on a worker, arrive progressively, and a newer request makes older ones stop;
// painting uses the cached counts only.
class HistogramWidget : public QWidget
{
    Q_OBJECT
public:
    explicit HistogramWidget(DiscoverState *state, QWidget *parent = nullptr);
    ~HistogramWidget() override;

    // The counts shown now (tests, screenshots).
    const core::LevelHistogram &histogram() const { return m_data; }
    // Whether the latest request has delivered its final counts.
    bool isSettled() const { return m_job->isSettled(); }
    // Paints `histogram` as if a worker had delivered it (tests).
    void setHistogram(const core::LevelHistogram &histogram);
    // Where bars and axis go for the current size and counts.
    TimeScale timeScale() const;
    // The bars' area: under the scale label's strip, over the axis.
    QRect plotRectForPaint() const { return plotRect(); }
    // Where the "highest count / step" label goes; empty while there are no bars.
    QRect scaleLabelRect() const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

public Q_SLOTS:
    // Zooms back out to the range before the last drag (DiscoverState::zoomOut).
    void zoomOut();
    // Counts again for the state's current filter.
    void refresh();

Q_SIGNALS:
    void settled();

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    bool event(QEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    // Counts, partial or final, or the reason there are none.
    using Result = std::pair<core::LevelHistogram, QString>;
    void deliver(Result result);
    std::optional<std::size_t> bucketAt(double x) const;
    QRect plotRect() const;
    QFont labelFont() const;
    QString scaleLabel() const;
    void renderBars();

    DiscoverState *m_state;
    ViewJob<Result> *m_job;
    core::LevelHistogram m_data;
    QString m_error;
    std::optional<int> m_dragFrom;
    int m_dragTo = 0;
    QPixmap m_bars; ///< the bars and axis, redrawn only when counts, size or palette change
    bool m_barsDirty = true;
};
