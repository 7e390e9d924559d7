// SPDX-License-Identifier: MIT
#include "swimlaneview.h"

#include "discoverstate.h"
#include "levelpalette.h"

#include <QDateTime>
#include <QHelpEvent>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QToolTip>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace {

constexpr double WheelStep = 0.85; ///< the window's share kept per wheel notch
constexpr double KeyZoom = 0.8;
constexpr double KeyPan = 0.1; ///< of the plot's width per arrow press
constexpr int DragThreshold = 3;

bool loud(core::Level level)
{
    return level == core::Level::Error || level == core::Level::Fatal;
}

QString serviceLabel(const QString &service)
{
    return service.isEmpty() ? SwimlaneView::tr("(no service)") : service;
}

QColor withAlpha(QColor colour, int alpha)
{
    colour.setAlpha(alpha);
    return colour;
}

} // namespace

SwimlaneView::SwimlaneView(QWidget *parent)
    : QWidget(parent)
{
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
}

SwimlaneView::~SwimlaneView() = default;

void SwimlaneView::setDetail(std::optional<core::RequestDetail> detail)
{
    m_detail = std::move(detail);
    if (m_selected && m_detail) {
        // Keeps the selection only if it is one of this request's events.
        bool found = false;
        for (const core::RequestLane &lane : m_detail->lanes)
            found = found || std::any_of(lane.events.begin(), lane.events.end(), [&](const core::EventRow &e) { return e.key == *m_selected; });
        if (!found)
            m_selected.reset();
    }
    updateGeometry();
    resetZoom();
}

void SwimlaneView::resetZoom()
{
    if (m_detail) {
        const auto [from, to] = SwimlaneGeometry::fullWindow(m_detail->summary);
        setWindow(from, to);
    } else {
        relayout();
    }
}

void SwimlaneView::setWindow(std::int64_t fromNs, std::int64_t toNs)
{
    m_fromNs = fromNs;
    m_toNs = std::max(toNs, fromNs + SwimlaneGeometry::MinimumSpanNs);
    relayout();
    Q_EMIT windowChanged();
}

void SwimlaneView::setSelectedEvent(const std::optional<core::EventKey> &key)
{
    if (key == m_selected)
        return;
    m_selected = key;
    update();
}

void SwimlaneView::setUtc(bool utc)
{
    if (utc == m_utc)
        return;
    m_utc = utc;
    m_dirty = true;
    update();
}

const core::EventRow &SwimlaneView::eventRow(const SwimlaneGeometry::EventRef &ref) const
{
    Q_ASSERT(m_detail && ref.lane < m_detail->lanes.size() && ref.event < m_detail->lanes[ref.lane].events.size());
    return m_detail->lanes[ref.lane].events[ref.event];
}

SwimlaneGeometry::Metrics SwimlaneView::metrics() const
{
    const QFontMetrics fm = fontMetrics();
    SwimlaneGeometry::Metrics m;
    m.axisHeight = fm.height() + 10;
    m.laneHeight = fm.height() * 2 + 4;
    m.spanHeight = fm.height() + 8;
    m.indent = fm.horizontalAdvance(QLatin1Char('m'));
    // The label column fits the longest service name, but never takes more than a quarter of the view.
    int widest = fm.horizontalAdvance(tr("(no service)"));
    if (m_detail)
        for (const core::RequestLane &lane : m_detail->lanes)
            widest = std::max(widest, fm.horizontalAdvance(QString::fromStdString(lane.service)));
    if (m_detail && !m_detail->spans.empty())
        widest = std::max(widest, fm.horizontalAdvance(QLatin1Char('m')) * 18);
    m.labelWidth = std::clamp(widest + 24, fm.horizontalAdvance(QLatin1Char('m')) * 8, std::max(120, width() / 4));
    return m;
}

void SwimlaneView::relayout()
{
    if (m_detail)
        m_geometry = SwimlaneGeometry::layout(*m_detail, m_fromNs, m_toNs, QRectF(rect()), metrics());
    else
        m_geometry = SwimlaneGeometry{};
    m_dirty = true;
    update();
}

QSize SwimlaneView::sizeHint() const
{
    return {640, minimumSizeHint().height()};
}

QSize SwimlaneView::minimumSizeHint() const
{
    // Every row's height: in a scroll area, lanes that do not fit scroll rather than squeeze.
    const SwimlaneGeometry::Metrics m = metrics();
    double height = m.axisHeight + 3 * m.laneHeight;
    if (m_detail) {
        height = m.axisHeight + static_cast<double>(m_detail->lanes.size()) * m.laneHeight;
        std::size_t spans = 0;
        const auto count = [&](auto &&self, const std::vector<core::SpanNode> &nodes) -> void {
            for (const core::SpanNode &node : nodes) {
                ++spans;
                self(self, node.children);
            }
        };
        count(count, m_detail->spans);
        height += static_cast<double>(spans) * m.spanHeight;
    }
    return {320, static_cast<int>(std::ceil(height)) + 2};
}

void SwimlaneView::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    relayout();
}

void SwimlaneView::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::FontChange) {
        updateGeometry();
        relayout();
    }
}

void SwimlaneView::paintEvent(QPaintEvent *event)
{
    const qreal ratio = devicePixelRatioF();
    QPainter painter(this);
    if (static_cast<double>(width()) * height() * ratio * ratio <= MaximumCachedPixels) {
        if (m_dirty || m_cache.size() != size() * ratio) {
            m_cache = QPixmap(size() * ratio);
            m_cache.setDevicePixelRatio(ratio);
            QPainter layer(&m_cache);
            paintLayer(layer, QRectF(rect()));
            m_dirty = false;
        }
        painter.drawPixmap(0, 0, m_cache);
    } else {
        // A waterfall of thousands of spans is taller than any pixmap should be: in its scroll area
        // only the rows exposed are drawn, straight onto the widget.
        m_cache = QPixmap();
        painter.setClipRect(event->rect());
        paintLayer(painter, QRectF(event->rect()));
    }
    if (!m_detail || !m_selected)
        return;
    // The selection on top: a ring in the highlight colour around its tick.
    for (const SwimlaneGeometry::Lane &lane : m_geometry.lanes) {
        for (const SwimlaneGeometry::Tick &tick : lane.ticks) {
            if (eventRow(tick.ref).key != *m_selected)
                continue;
            painter.setRenderHint(QPainter::Antialiasing);
            painter.setPen(QPen(palette().color(QPalette::Highlight), 2));
            painter.setBrush(Qt::NoBrush);
            const double r = lane.row.height() * 0.32;
            painter.drawEllipse(QPointF(tick.x, SwimlaneGeometry::tickCentre(lane.row)), r, r);
            return;
        }
    }
}

void SwimlaneView::paintLayer(QPainter &painter, const QRectF &exposed) const
{
    const QPalette &pal = palette();
    painter.fillRect(rect(), pal.color(QPalette::Base));
    if (!m_detail) {
        painter.setPen(pal.color(QPalette::PlaceholderText));
        painter.drawText(rect(), Qt::AlignCenter, tr("Select a request to see its swimlane"));
        return;
    }
    const SwimlaneGeometry &g = m_geometry;
    const QRectF plot = g.plot;

    // Rows: alternate lanes shaded, each service's spans on its lane's shade, so a lane reads as one band.
    for (std::size_t i = 0; i < g.lanes.size(); ++i) {
        if (i % 2 == 0)
            continue;
        QRectF band = g.lanes[i].row;
        for (const SwimlaneGeometry::SpanRow &span : g.spans)
            if (span.lane == i)
                band = band.united(span.row);
        painter.fillRect(band, pal.color(QPalette::AlternateBase));
    }

    // Waiting: nobody logs anything. Shaded behind everything, with its length where it fits.
    // The text colour, faint: a shade on light and dark palettes alike.
    const QColor waitingShade = withAlpha(pal.color(QPalette::Text), 22);
    painter.setFont(font());
    for (const auto &[x1, x2] : g.waiting) {
        const QRectF area(x1, plot.top(), x2 - x1, plot.height());
        painter.fillRect(area, waitingShade);
        const QString text = tr("waiting %1").arg(formatDuration(g.scale.mapXToTime(x2) - g.scale.mapXToTime(x1)));
        // At the bottom: the top of the plot is where the first failure says its name.
        if (fontMetrics().horizontalAdvance(text) + 8 < area.width()) {
            painter.setPen(pal.color(QPalette::PlaceholderText));
            painter.drawText(area.adjusted(4, 0, -4, -1), Qt::AlignHCenter | Qt::AlignBottom, text);
        }
    }

    paintAxis(painter);

    // Labels and activity bars; boxes without antialiasing, so their edges stay on pixels.
    painter.setRenderHint(QPainter::Antialiasing, false);
    const QColor barLine = pal.color(QPalette::Dark);
    const QColor barFill = pal.color(QPalette::Mid);
    QFont bold = font();
    bold.setBold(true);
    for (const SwimlaneGeometry::Lane &lane : g.lanes) {
        if (!lane.row.intersects(exposed))
            continue;
        painter.setFont(bold);
        painter.setPen(pal.color(QPalette::Text));
        const QString label = QFontMetrics(bold).elidedText(serviceLabel(lane.service), Qt::ElideRight, int(lane.label.width()));
        painter.drawText(lane.label, Qt::AlignLeft | Qt::AlignVCenter, label);
        for (const SwimlaneGeometry::Bar &bar : lane.bars) {
            painter.setPen(barLine);
            painter.setBrush(bar.explicitExtent ? QBrush(barFill) : QBrush(barLine, Qt::BDiagPattern));
            painter.drawRect(bar.rect);
        }
    }
    painter.setFont(font());
    painter.setBrush(Qt::NoBrush);
    // The label column ends in a rule; plots stay right of it.
    painter.setPen(pal.color(QPalette::Midlight));
    painter.drawLine(QPointF(plot.left() - 4, plot.top()), QPointF(plot.left() - 4, plot.bottom()));

    paintSpans(painter, exposed);

    painter.save();
    painter.setClipRect(plot.adjusted(-2, 0, 2, 0));
    // Later errors, linked to the first failure: light curves, so the ticks stay readable.
    const QColor red = LevelPalette::bar(core::Level::Error, pal);
    if (g.firstFailure) {
        painter.setRenderHint(QPainter::Antialiasing, true);
        painter.setPen(QPen(withAlpha(red, 120), 1, Qt::DashLine));
        for (const QLineF &link : g.failureLinks) {
            QPainterPath path(link.p1());
            const double lift = std::min(18.0, std::abs(link.dx()) / 4 + 6);
            path.cubicTo(link.p1() + QPointF(link.dx() / 3, -lift), link.p2() + QPointF(-link.dx() / 3, -lift), link.p2());
            painter.drawPath(path);
        }
        painter.setRenderHint(QPainter::Antialiasing, false);
        // The moment of the first failure, across every lane.
        painter.setPen(QPen(withAlpha(red, 170), 1));
        const double x = std::round(g.firstFailure->at.x()) + 0.5;
        painter.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()));
    }

    // Ticks by level, the quiet ones first so errors land on top; a tick on a pixel already drawn
    // in the same colour is skipped.
    for (const bool errors : {false, true}) {
        for (const SwimlaneGeometry::Lane &lane : g.lanes) {
            if (!lane.row.intersects(exposed))
                continue;
            const double top = lane.row.top() + lane.row.height() * 0.18;
            const double bottom = lane.row.bottom() - lane.row.height() * 0.18;
            int lastX = -1;
            core::Level lastLevel = core::Level::Unknown;
            for (const SwimlaneGeometry::Tick &tick : lane.ticks) {
                if (loud(tick.level) != errors)
                    continue;
                const int x = static_cast<int>(std::floor(tick.x));
                if (x == lastX && tick.level == lastLevel)
                    continue;
                lastX = x;
                lastLevel = tick.level;
                painter.fillRect(QRectF(x - (errors ? 1 : 0), top, errors ? 3 : 2, bottom - top), LevelPalette::bar(tick.level, pal));
            }
        }
    }
    painter.restore();

    if (g.firstFailure && plot.left() - 1 <= g.firstFailure->at.x() && g.firstFailure->at.x() <= plot.right() + 1) {
        // A red triangle under the axis pointing down at the failure, and its name beside it.
        const double x = g.firstFailure->at.x();
        const double size = std::max(5.0, g.metrics.axisHeight * 0.35);
        const double top = plot.top();
        painter.setRenderHint(QPainter::Antialiasing, true);
        painter.setPen(Qt::NoPen);
        painter.setBrush(red);
        painter.drawPolygon(QPolygonF({QPointF(x - size, top), QPointF(x + size, top), QPointF(x, top + size * 1.4)}));
        painter.setBrush(Qt::NoBrush);
        painter.setPen(QPen(red, 1.5));
        const double r = g.metrics.laneHeight * 0.3;
        painter.drawEllipse(g.firstFailure->at, r, r);
        painter.setRenderHint(QPainter::Antialiasing, false);
        const auto &failure = m_detail->summary.firstFailure;
        const QString text = tr("first failure: %1").arg(QString::fromStdString(failure->service));
        const int textWidth = fontMetrics().horizontalAdvance(text);
        // Right of the marker, or left of it near the right edge.
        const bool left = x + size + 4 + textWidth > plot.right();
        const QRectF box = left ? QRectF(x - size - 4 - textWidth, top, textWidth, fontMetrics().height())
                                : QRectF(x + size + 4, top, textWidth, fontMetrics().height());
        painter.fillRect(box.adjusted(-2, 0, 2, 0), withAlpha(pal.color(QPalette::Base), 210));
        painter.setPen(red);
        painter.drawText(box, Qt::AlignLeft | Qt::AlignVCenter, text);
    }
}

void SwimlaneView::paintSpans(QPainter &painter, const QRectF &exposed) const
{
    const QPalette &pal = palette();
    const SwimlaneGeometry &g = m_geometry;
    const QColor ok = LevelPalette::bar(core::Level::Info, pal);
    const QColor red = LevelPalette::bar(core::Level::Error, pal);
    for (const SwimlaneGeometry::SpanRow &span : g.spans) {
        if (!span.row.intersects(exposed))
            continue;
        QString name = QString::fromStdString(span.node->span.message);
        if (span.orphan)
            name = tr("%1 (no parent)").arg(name);
        painter.setPen(span.error ? LevelPalette::text(core::Level::Error, pal) : pal.color(QPalette::Text));
        painter.drawText(span.label, Qt::AlignLeft | Qt::AlignVCenter,
                         fontMetrics().elidedText(name, Qt::ElideRight, int(span.label.width())));
        if (span.bar.isEmpty())
            continue;
        painter.fillRect(span.bar, span.error ? red : ok);
        if (span.orphan) {
            // No parent in the store: a dashed outline says the tree above it is missing.
            painter.setPen(QPen(pal.color(QPalette::Text), 1, Qt::DashLine));
            painter.setBrush(Qt::NoBrush);
            painter.drawRect(span.bar.adjusted(0, 0, -1, -1));
        }
        // The duration right of the bar when the plot has room.
        const QString text = formatDuration(std::max<std::int64_t>(span.node->span.durationNs, 0));
        const int textWidth = fontMetrics().horizontalAdvance(text);
        if (span.bar.right() + 6 + textWidth < g.plot.right()) {
            painter.setPen(pal.color(QPalette::PlaceholderText));
            painter.drawText(QRectF(span.bar.right() + 4, span.row.top(), textWidth + 2, span.row.height()),
                             Qt::AlignLeft | Qt::AlignVCenter, text);
        }
    }
}

void SwimlaneView::paintAxis(QPainter &painter) const
{
    const QPalette &pal = palette();
    const SwimlaneGeometry &g = m_geometry;
    const QRectF axis(0, 0, width(), g.metrics.axisHeight);
    painter.fillRect(axis, pal.color(QPalette::Window));
    painter.setPen(pal.color(QPalette::Mid));
    // The axis' last pixel row, above the first lane's.
    painter.drawLine(QPointF(0, axis.bottom() - 1), QPointF(width(), axis.bottom() - 1));
    const QFontMetrics fm = fontMetrics();
    painter.setPen(pal.color(QPalette::PlaceholderText));
    painter.drawText(QRectF(6, 0, g.metrics.labelWidth - 12, axis.height()), Qt::AlignLeft | Qt::AlignVCenter,
                     m_utc ? tr("UTC") : tr("local time"));
    const int offset = m_utc ? 0 : QDateTime::fromMSecsSinceEpoch(g.scale.fromNs / 1'000'000).offsetFromUtc();
    const double spacing = fm.horizontalAdvance(QStringLiteral("00:00:00.000000")) + 24.0;
    const QColor grid = withAlpha(pal.color(QPalette::Mid), 90);
    for (const TimeScale::Tick &tick : g.scale.ticks(spacing, offset)) {
        const double x = std::round(tick.x) + 0.5;
        painter.setPen(grid);
        painter.drawLine(QPointF(x, axis.bottom() - 4), QPointF(x, g.plot.bottom()));
        const int half = fm.horizontalAdvance(tick.label) / 2 + 1;
        // A label cut by the edge (or running into the label column) is noise: the tick stays.
        if (x - half < g.plot.left() - 4 || x + half > width())
            continue;
        painter.setPen(pal.color(QPalette::Text));
        painter.drawText(QRectF(x - half - 40, 0, 2 * half + 80, axis.height() - 3), Qt::AlignHCenter | Qt::AlignVCenter, tick.label);
    }
}

QString SwimlaneView::formatDuration(std::int64_t ns)
{
    const double v = static_cast<double>(ns);
    if (ns < 1'000)
        return tr("%1 ns").arg(ns);
    if (ns < 1'000'000)
        return tr("%1 µs").arg(v / 1e3, 0, 'f', v < 1e4 ? 2 : v < 1e5 ? 1 : 0);
    if (ns < 1'000'000'000)
        return tr("%1 ms").arg(v / 1e6, 0, 'f', v < 1e7 ? 2 : v < 1e8 ? 1 : 0);
    if (ns < 60'000'000'000)
        return tr("%1 s").arg(v / 1e9, 0, 'f', v < 1e10 ? 2 : 1);
    return tr("%1 min").arg(v / 6e10, 0, 'f', 1);
}

QString SwimlaneView::toolTipAt(const QPoint &pos) const
{
    if (!m_detail)
        return {};
    if (const auto ref = m_geometry.eventAt(pos)) {
        const core::EventRow &row = eventRow(*ref);
        QString message = QString::fromStdString(row.message);
        if (message.size() > 300)
            message = message.left(300) + QChar(0x2026);
        QString text = tr("<b>%1</b> %2 <b>%3</b><br>%4")
                           .arg(DiscoverState::formatTime(row.key.timeNs, m_utc).toHtmlEscaped(),
                                serviceLabel(QString::fromStdString(row.service)).toHtmlEscaped(),
                                QString::fromLatin1(core::levelName(row.level)), message.toHtmlEscaped());
        if (m_detail->summary.firstFailure && m_detail->summary.firstFailure->key == row.key)
            text += tr("<br><i>the request's first failure</i>");
        else if (loud(row.level) && m_detail->summary.firstFailure && m_detail->summary.firstFailure->key < row.key)
            text += tr("<br><i>after the first failure (%1, %2 earlier)</i>")
                        .arg(QString::fromStdString(m_detail->summary.firstFailure->service).toHtmlEscaped(),
                             formatDuration(row.key.timeNs - m_detail->summary.firstFailure->key.timeNs));
        return text;
    }
    if (const core::SpanNode *node = m_geometry.spanAt(pos)) {
        QString text = tr("<b>%1</b> %2<br>span %3, %4, status %5")
                           .arg(QString::fromStdString(node->span.message).toHtmlEscaped(),
                                serviceLabel(QString::fromStdString(node->span.service)).toHtmlEscaped(),
                                QString::fromStdString(node->span.spanId).toHtmlEscaped(),
                                formatDuration(std::max<std::int64_t>(node->span.durationNs, 0)),
                                QString::fromStdString(node->span.status.empty() ? "unset" : node->span.status).toHtmlEscaped());
        if (node->orphan)
            text += tr("<br><i>its parent span %1 is not in the store</i>").arg(QString::fromStdString(node->span.parentSpanId).toHtmlEscaped());
        return text;
    }
    for (const auto &[x1, x2] : m_geometry.waiting)
        if (pos.x() >= x1 && pos.x() <= x2 && m_geometry.plot.contains(pos))
            return tr("No service logs anything for %1").arg(formatDuration(m_geometry.scale.mapXToTime(x2) - m_geometry.scale.mapXToTime(x1)));
    return {};
}

bool SwimlaneView::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        const QString text = toolTipAt(help->pos());
        if (text.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(help->globalPos(), text, this);
        return true;
    }
    return QWidget::event(event);
}

void SwimlaneView::wheelEvent(QWheelEvent *event)
{
    if (!m_detail || event->angleDelta().y() == 0) {
        event->ignore();
        return;
    }
    const double notches = event->angleDelta().y() / 120.0;
    const auto [from, to] = m_geometry.zoomedAround(event->position().x(), std::pow(WheelStep, notches));
    setWindow(from, to);
    event->accept();
}

void SwimlaneView::mousePressEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton || !m_detail)
        return QWidget::mousePressEvent(event);
    m_pressPos = event->position().toPoint();
    m_pressGeometry = m_geometry;
    m_dragging = false;
}

void SwimlaneView::mouseMoveEvent(QMouseEvent *event)
{
    if (!m_pressPos || !(event->buttons() & Qt::LeftButton))
        return;
    const QPoint delta = event->position().toPoint() - *m_pressPos;
    if (!m_dragging && delta.manhattanLength() < DragThreshold)
        return;
    if (!m_dragging) {
        m_dragging = true;
        setCursor(Qt::ClosedHandCursor);
    }
    const auto [from, to] = m_pressGeometry.panned(delta.x());
    setWindow(from, to);
}

void SwimlaneView::mouseReleaseEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton || !m_pressPos)
        return QWidget::mouseReleaseEvent(event);
    const bool clicked = !m_dragging;
    m_pressPos.reset();
    m_dragging = false;
    unsetCursor();
    if (!clicked)
        return;
    if (const auto ref = m_geometry.eventAt(event->position())) {
        m_selected = eventRow(*ref).key;
        update();
        Q_EMIT eventClicked(eventRow(*ref));
    }
}

void SwimlaneView::mouseDoubleClickEvent(QMouseEvent *event)
{
    if (event->button() == Qt::LeftButton)
        resetZoom();
}

void SwimlaneView::keyPressEvent(QKeyEvent *event)
{
    if (!m_detail)
        return QWidget::keyPressEvent(event);
    const double centre = m_geometry.scale.left + m_geometry.scale.width / 2;
    std::optional<std::pair<std::int64_t, std::int64_t>> next;
    switch (event->key()) {
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        next = m_geometry.zoomedAround(centre, KeyZoom);
        break;
    case Qt::Key_Minus:
        next = m_geometry.zoomedAround(centre, 1 / KeyZoom);
        break;
    case Qt::Key_Left:
        next = m_geometry.panned(m_geometry.scale.width * KeyPan);
        break;
    case Qt::Key_Right:
        next = m_geometry.panned(-m_geometry.scale.width * KeyPan);
        break;
    case Qt::Key_Home:
    case Qt::Key_0:
        resetZoom();
        return;
    default:
        return QWidget::keyPressEvent(event);
    }
    setWindow(next->first, next->second);
}
