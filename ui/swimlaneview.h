// SPDX-License-Identifier: MIT
#pragma once

#include "swimlanegeometry.h"

#include <QPixmap>
#include <QPoint>
#include <QWidget>

#include <core/analysis/requests.h>

#include <cstdint>
#include <optional>
#include <utility>

// The swimlane of one request: a lane per service with its events as ticks coloured by level over its
// activity bars (explicit extents solid, inferred ones hatched), waiting time shaded, the first failure
// marked and linked to the later errors, and with spans a waterfall of the span tree under each
// service. Paints a SwimlaneGeometry of the data it was given and never queries. Wheel zooms around
// the cursor, a drag pans, +/-, arrows and Home work from the keyboard, a double-click shows the
// whole request again; hovering shows an event, clicking one emits eventClicked.
class SwimlaneView : public QWidget
{
    Q_OBJECT
public:
    explicit SwimlaneView(QWidget *parent = nullptr);
    ~SwimlaneView() override;

    // Shows `detail` whole (or nothing, with a hint, for nullopt).
    void setDetail(std::optional<core::RequestDetail> detail);
    const std::optional<core::RequestDetail> &detail() const { return m_detail; }
    // The visible time window [fromNs, toNs).
    std::pair<std::int64_t, std::int64_t> window() const { return {m_fromNs, m_toNs}; }
    void setWindow(std::int64_t fromNs, std::int64_t toNs);
    // Back to the whole request.
    void resetZoom();
    // The event drawn as selected (the state's selection), if it is in this request.
    void setSelectedEvent(const std::optional<core::EventKey> &key);
    // Axis labels in UTC or local time.
    void setUtc(bool utc);
    // The layout for the widget's current size and window.
    const SwimlaneGeometry &geometry() const { return m_geometry; }
    // The event of `ref` in the detail shown.
    const core::EventRow &eventRow(const SwimlaneGeometry::EventRef &ref) const;

    // "16.82 s", "4.03 ms", "250 µs": a duration as precise as a reader of a swimlane needs.
    static QString formatDuration(std::int64_t ns);

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

Q_SIGNALS:
    void eventClicked(const core::EventRow &event);
    void windowChanged();

protected:
    bool event(QEvent *event) override;
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void changeEvent(QEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;

private:
    SwimlaneGeometry::Metrics metrics() const;
    void relayout();
    // Everything but the selection; rows outside `exposed` are skipped.
    void paintLayer(QPainter &painter, const QRectF &exposed) const;
    void paintSpans(QPainter &painter, const QRectF &exposed) const;
    void paintAxis(QPainter &painter) const;
    QString toolTipAt(const QPoint &pos) const;

    std::optional<core::RequestDetail> m_detail;
    SwimlaneGeometry m_geometry;
    std::int64_t m_fromNs = 0;
    std::int64_t m_toNs = 1;
    std::optional<core::EventKey> m_selected;
    bool m_utc = true;
    static constexpr double MaximumCachedPixels = 4096.0 * 4096.0;
    QPixmap m_cache; ///< everything but the selection, redrawn when m_dirty; none when the widget is huge
    bool m_dirty = true;
    std::optional<QPoint> m_pressPos;
    SwimlaneGeometry m_pressGeometry; ///< the layout when the drag began: panning is relative to it
    bool m_dragging = false;
};
