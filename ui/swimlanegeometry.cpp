// SPDX-License-Identifier: MIT
#include "swimlanegeometry.h"

#include <algorithm>
#include <cmath>

namespace {

constexpr double RightMargin = 10;
constexpr double MinimumBarWidth = 3;

bool failed(const core::EventRow &event)
{
    return event.level == core::Level::Error || event.level == core::Level::Fatal;
}

// Depth first, so a span's children follow it as in Jaeger's waterfall.
void flatten(const std::vector<core::SpanNode> &nodes, int depth, std::vector<std::pair<const core::SpanNode *, int>> &out)
{
    for (const core::SpanNode &node : nodes) {
        out.emplace_back(&node, depth);
        flatten(node.children, depth + 1, out);
    }
}

} // namespace

SwimlaneGeometry SwimlaneGeometry::layout(const core::RequestDetail &detail, std::int64_t fromNs, std::int64_t toNs,
                                          const QRectF &rect)
{
    return layout(detail, fromNs, toNs, rect, Metrics{});
}

SwimlaneGeometry SwimlaneGeometry::layout(const core::RequestDetail &detail, std::int64_t fromNs, std::int64_t toNs,
                                          const QRectF &rect, const Metrics &metrics)
{
    SwimlaneGeometry g;
    g.metrics = metrics;
    g.bounds = rect;
    g.scale.fromNs = fromNs;
    g.scale.toNs = std::max(toNs, fromNs + 1);
    g.scale.left = rect.left() + metrics.labelWidth;
    g.scale.width = std::max(1.0, rect.width() - metrics.labelWidth - RightMargin);
    const double plotLeft = g.scale.left;
    const double plotRight = g.scale.left + g.scale.width;
    const auto clampX = [&](double x) { return std::clamp(x, plotLeft, plotRight); };

    std::vector<std::pair<const core::SpanNode *, int>> spans;
    flatten(detail.spans, 0, spans);
    const auto laneOf = [&](const std::string &service) {
        for (std::size_t i = 0; i < detail.lanes.size(); ++i)
            if (detail.lanes[i].service == service)
                return i;
        return std::size_t(0);
    };

    double y = rect.top() + metrics.axisHeight;
    const double labelLeft = rect.left() + 6;
    const double labelWidth = metrics.labelWidth - 12;
    for (std::size_t laneIndex = 0; laneIndex < detail.lanes.size(); ++laneIndex) {
        const core::RequestLane &source = detail.lanes[laneIndex];
        Lane lane;
        lane.service = QString::fromStdString(source.service);
        lane.row = QRectF(rect.left(), y, rect.width(), metrics.laneHeight);
        lane.label = QRectF(labelLeft, y, labelWidth, metrics.laneHeight);
        // The activity bar sits in the middle third of the row, the ticks across it.
        const double barTop = y + metrics.laneHeight * 0.3;
        const double barHeight = metrics.laneHeight * 0.4;
        for (const core::LaneSegment &segment : source.segments) {
            double x1 = g.scale.mapTimeToX(segment.startNs);
            double x2 = g.scale.mapTimeToX(segment.endNs);
            if (x2 < plotLeft || x1 > plotRight)
                continue;
            // A segment of one event has no length: it is drawn MinimumBarWidth wide so it can be seen.
            if (x2 - x1 < MinimumBarWidth) {
                const double centre = (x1 + x2) / 2;
                x1 = centre - MinimumBarWidth / 2;
                x2 = centre + MinimumBarWidth / 2;
            }
            x1 = clampX(x1);
            x2 = clampX(x2);
            lane.bars.push_back(Bar{QRectF(x1, barTop, x2 - x1, barHeight), segment.explicitExtent});
        }
        for (std::size_t i = 0; i < source.events.size(); ++i) {
            const double x = g.scale.mapTimeToX(source.events[i].key.timeNs);
            if (x >= plotLeft && x <= plotRight)
                lane.ticks.push_back(Tick{EventRef{laneIndex, i}, x, source.events[i].level});
        }
        y += metrics.laneHeight;
        g.lanes.push_back(std::move(lane));

        for (const auto &[node, depth] : spans) {
            if (laneOf(node->span.service) != laneIndex)
                continue;
            SpanRow row;
            row.node = node;
            row.lane = laneIndex;
            row.depth = depth;
            row.row = QRectF(rect.left(), y, rect.width(), metrics.spanHeight);
            const double indent = metrics.indent * (depth + 1);
            row.label = QRectF(labelLeft + indent, y, std::max(0.0, labelWidth - indent), metrics.spanHeight);
            const std::int64_t start = node->span.key.timeNs;
            const double x1 = g.scale.mapTimeToX(start);
            const double x2 = std::max(g.scale.mapTimeToX(start + std::max<std::int64_t>(node->span.durationNs, 0)), x1 + 1);
            const double a = clampX(x1);
            const double b = clampX(x2);
            row.bar = b > a ? QRectF(a, y + 3, b - a, metrics.spanHeight - 6) : QRectF();
            row.error = node->span.status == "error" || failed(node->span);
            row.orphan = node->orphan;
            y += metrics.spanHeight;
            g.spans.push_back(row);
        }
    }
    g.contentHeight = y - rect.top();
    g.plot = QRectF(plotLeft, rect.top() + metrics.axisHeight, g.scale.width, g.contentHeight - metrics.axisHeight);

    // Waiting: between the request's stretches of activity (every lane's segments together), gaps
    // as long as the ones that split a lane into segments.
    std::vector<std::pair<std::int64_t, std::int64_t>> busy;
    for (const core::RequestLane &lane : detail.lanes)
        for (const core::LaneSegment &segment : lane.segments)
            busy.emplace_back(segment.startNs, segment.endNs);
    std::sort(busy.begin(), busy.end());
    const std::int64_t gap = std::max(core::Requests::MinimumGapNs,
                                      static_cast<std::int64_t>(static_cast<double>(detail.summary.durationNs()) * core::Requests::GapShare));
    std::int64_t reached = busy.empty() ? 0 : busy.front().second;
    for (std::size_t i = 1; i < busy.size(); ++i) {
        if (busy[i].first - reached > gap) {
            const double x1 = clampX(g.scale.mapTimeToX(reached));
            const double x2 = clampX(g.scale.mapTimeToX(busy[i].first));
            if (x2 > x1)
                g.waiting.emplace_back(x1, x2);
        }
        reached = std::max(reached, busy[i].second);
    }

    if (const auto &failure = detail.summary.firstFailure) {
        for (std::size_t laneIndex = 0; laneIndex < detail.lanes.size() && !g.firstFailure; ++laneIndex) {
            const auto &events = detail.lanes[laneIndex].events;
            for (std::size_t i = 0; i < events.size(); ++i) {
                if (events[i].key == failure->key) {
                    g.firstFailure = Failure{EventRef{laneIndex, i},
                                             QPointF(g.scale.mapTimeToX(failure->key.timeNs), tickCentre(g.lanes[laneIndex].row))};
                    break;
                }
            }
        }
        if (g.firstFailure) {
            for (std::size_t laneIndex = 0; laneIndex < detail.lanes.size(); ++laneIndex)
                for (const core::EventRow &event : detail.lanes[laneIndex].events)
                    if (failed(event) && failure->key < event.key)
                        g.failureLinks.emplace_back(g.firstFailure->at, QPointF(g.scale.mapTimeToX(event.key.timeNs),
                                                                                tickCentre(g.lanes[laneIndex].row)));
        }
    }
    return g;
}

std::optional<SwimlaneGeometry::EventRef> SwimlaneGeometry::eventAt(const QPointF &point) const
{
    for (const Lane &lane : lanes) {
        if (point.y() < lane.row.top() || point.y() >= lane.row.bottom())
            continue;
        // Ticks are in x order: those within reach lie either side of where the point would go.
        const auto after = std::lower_bound(lane.ticks.begin(), lane.ticks.end(), point.x(),
                                            [](const Tick &tick, double x) { return tick.x < x; });
        const Tick *best = nullptr;
        double bestDistance = 0;
        const auto consider = [&](const Tick &tick) {
            const double distance = std::abs(tick.x - point.x());
            // Within a pixel of each other the louder event wins: an error drawn over an info line is
            // what one points at.
            const bool tie = std::abs(distance - bestDistance) <= 1;
            if (!best || (!tie && distance < bestDistance) || (tie && tick.level > best->level)
                || (tie && tick.level == best->level && distance < bestDistance)) {
                best = &tick;
                bestDistance = distance;
            }
        };
        for (auto it = after; it != lane.ticks.end() && it->x - point.x() <= metrics.hitRadius; ++it)
            consider(*it);
        for (auto it = after; it != lane.ticks.begin() && point.x() - std::prev(it)->x <= metrics.hitRadius; --it)
            consider(*std::prev(it));
        if (best)
            return best->ref;
        return std::nullopt;
    }
    return std::nullopt;
}

const core::SpanNode *SwimlaneGeometry::spanAt(const QPointF &point) const
{
    for (const SpanRow &row : spans)
        if (row.row.contains(point) && (row.label.contains(point) || row.bar.adjusted(-2, 0, 2, 0).contains(point)))
            return row.node;
    return nullptr;
}

std::pair<std::int64_t, std::int64_t> SwimlaneGeometry::zoomedAround(double x, double factor) const
{
    const double oldSpan = static_cast<double>(scale.toNs - scale.fromNs);
    const double newSpan = std::max(oldSpan * factor, static_cast<double>(MinimumSpanNs));
    const double share = std::clamp((x - scale.left) / scale.width, 0.0, 1.0);
    const std::int64_t anchor = scale.mapXToTime(scale.left + share * scale.width);
    const std::int64_t from = anchor - static_cast<std::int64_t>(std::llround(share * newSpan));
    return {from, from + static_cast<std::int64_t>(std::llround(newSpan))};
}

std::pair<std::int64_t, std::int64_t> SwimlaneGeometry::panned(double dx) const
{
    const double span = static_cast<double>(scale.toNs - scale.fromNs);
    const auto shift = static_cast<std::int64_t>(std::llround(-dx / scale.width * span));
    return {scale.fromNs + shift, scale.toNs + shift};
}

std::pair<std::int64_t, std::int64_t> SwimlaneGeometry::fullWindow(const core::RequestSummary &summary)
{
    // A request of one event (or a few within microseconds) still gets a window a reader can see into.
    constexpr std::int64_t ShortestNs = 1'000'000;
    const std::int64_t duration = std::max<std::int64_t>(summary.durationNs(), 0);
    const std::int64_t span = std::max(duration, ShortestNs);
    const std::int64_t margin = span / 25;
    const std::int64_t from = summary.startNs - (span - duration) / 2 - margin;
    return {from, from + span + 2 * margin};
}
