// SPDX-License-Identifier: MIT
#pragma once

#include "timescale.h"

#include <QLineF>
#include <QPointF>
#include <QRectF>
#include <QString>

#include <core/analysis/requests.h>

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

// Where everything of one request's swimlane goes, for a time window and a pixel rect: a plain value
// computed from a core::RequestDetail, so lanes, ticks, bars, hit-testing and zoom are tested without
// a GUI (STYLE §6). The view paints it and nothing else. Rows from the top: the time axis, then per
// service its lane (event ticks over its segment bars) and, with spans, that service's spans as a
// waterfall (indented by depth in the span tree).
struct SwimlaneGeometry {
    // Sizes the view takes from its font; the defaults keep tests free of one.
    struct Metrics {
        double labelWidth = 140; ///< the label column left of the plot
        double axisHeight = 22;
        double laneHeight = 26;
        double spanHeight = 18;
        double indent = 12; ///< per level of the span tree, in the label column
        double hitRadius = 4; ///< how far from a tick a point still hits it
    };

    // An event of the request: lanes[lane].events[event] of the detail.
    struct EventRef {
        std::size_t lane = 0;
        std::size_t event = 0;
        bool operator==(const EventRef &) const = default;
    };

    struct Tick {
        EventRef ref;
        double x = 0;
        core::Level level = core::Level::Unknown;
    };

    struct Bar {
        QRectF rect;
        bool explicitExtent = false; ///< drawn solid; inferred from log times: hatched
    };

    struct Lane {
        QString service; ///< "" for events without one
        QRectF row; ///< the whole row, label column included
        QRectF label;
        std::vector<Bar> bars;
        std::vector<Tick> ticks; ///< in time order, so in x order
    };

    // One span of the waterfall.
    struct SpanRow {
        const core::SpanNode *node = nullptr; ///< into the detail the geometry was made from
        std::size_t lane = 0; ///< the lane of its service, which it is drawn under
        int depth = 0; ///< in the span tree
        QRectF row;
        QRectF label; ///< indented by depth
        QRectF bar; ///< by start and duration, at least a pixel wide
        bool error = false; ///< its status (or level) says it failed
        bool orphan = false; ///< its parent span is not in the store
    };

    struct Failure {
        EventRef ref;
        QPointF at; ///< the tick's centre
    };

    TimeScale scale; ///< the plot's time axis
    Metrics metrics;
    QRectF bounds; ///< the rect it was laid out in
    QRectF plot; ///< right of the label column, below the axis
    std::vector<Lane> lanes; ///< one per service, in order of first appearance
    std::vector<SpanRow> spans; ///< grouped under their service's lane, depth first within it
    std::vector<std::pair<double, double>> waiting; ///< x ranges where no lane does anything
    std::optional<Failure> firstFailure;
    std::vector<QLineF> failureLinks; ///< from the first failure to each later error of the request
    double contentHeight = 0; ///< what every row needs, axis included

    // Lays out `detail` for the window [fromNs, toNs) in `rect` (with the default metrics).
    static SwimlaneGeometry layout(const core::RequestDetail &detail, std::int64_t fromNs, std::int64_t toNs,
                                   const QRectF &rect, const Metrics &metrics);
    static SwimlaneGeometry layout(const core::RequestDetail &detail, std::int64_t fromNs, std::int64_t toNs,
                                   const QRectF &rect);

    // The ticks' centre height in a lane row.
    static double tickCentre(const QRectF &row) { return row.center().y(); }
    // The event whose tick is nearest to `point` within hitRadius, in the lane row under it.
    std::optional<EventRef> eventAt(const QPointF &point) const;
    // The span whose bar (or label) is under `point`.
    const core::SpanNode *spanAt(const QPointF &point) const;

    // The window after zooming by `factor` (< 1 in, > 1 out) around the time under `x`, which stays under
    // `x`; never narrower than MinimumSpanNs.
    std::pair<std::int64_t, std::int64_t> zoomedAround(double x, double factor) const;
    // The window moved by `dx` pixels (the content follows a drag to the right: earlier times come in).
    std::pair<std::int64_t, std::int64_t> panned(double dx) const;
    // The request's span with a margin either side: what double-click returns to.
    static std::pair<std::int64_t, std::int64_t> fullWindow(const core::RequestSummary &summary);

    static constexpr std::int64_t MinimumSpanNs = 2'000; ///< two microseconds across the plot
};
