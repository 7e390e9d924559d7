// SPDX-License-Identifier: MIT
#include "eventtablemodel.h"

#include <QElapsedTimer>
#include <QGuiApplication>
#include <QPalette>
#include <QTimer>

#include "discoverstate.h"

#include <core/eventformat.h>
#include <core/query/queryfilter.h>

#include <algorithm>
#include <limits>

namespace {

// A page this close to a known anchor is read on the spot; anything farther is walked to in the
// background, so no data() call reads more than SyncPages pages (well under a 16 ms frame).
constexpr int SyncPages = 4;
// Pages kept formatted; eviction drops those farthest from the page asked for last.
constexpr std::size_t MaxCachedPages = 64;
// Rows the background walker reads per query while it skips towards a far page.
constexpr std::size_t WalkChunk = 16 * EventTableModel::PageSize;
// Time the walker may take per event-loop turn, leaving the rest of the frame to painting.
constexpr qint64 WalkBudgetMs = 8;
// Messages longer than this are cut for the table (the detail pane will show all of it).
constexpr qsizetype MaxMessageChars = 2000;

QString firstLine(const std::string &text)
{
    std::string_view view(text);
    const auto end = view.find_first_of("\r\n");
    if (end != std::string_view::npos)
        view = view.substr(0, end);
    QString line = QString::fromUtf8(view.data(), static_cast<qsizetype>(view.size()));
    if (line.size() > MaxMessageChars) {
        line.truncate(MaxMessageChars);
        line.append(QChar(0x2026));
    }
    return line;
}

core::Direction reverseOf(core::Direction direction)
{
    return direction == core::Direction::Ascending ? core::Direction::Descending : core::Direction::Ascending;
}

int clampedCount(std::uint64_t count)
{
    return static_cast<int>(std::min<std::uint64_t>(count, std::numeric_limits<int>::max()));
}

QString levelTextOf(const core::EventRow &event)
{
    if (event.level != core::Level::Unknown) {
        const std::string_view name = core::levelName(event.level);
        return QString::fromLatin1(name.data(), static_cast<qsizetype>(name.size()));
    }
    return QString::fromStdString(event.levelText);
}

} // namespace

EventTableModel::EventTableModel(QObject *parent)
    : QAbstractTableModel(parent)
    , m_walker(new QTimer(this))
{
    m_walker->setSingleShot(true);
    m_walker->setInterval(0);
    connect(m_walker, &QTimer::timeout, this, &EventTableModel::walkStep);
}

EventTableModel::~EventTableModel() = default;

bool EventTableModel::openStore(const QString &path, QString *error)
{
    auto store = core::Store::open(path.toStdString(), core::OpenMode::ReadOnly);
    if (!store) {
        if (error)
            *error = QString::fromStdString(store.error().message);
        return false;
    }
    auto count = (*store)->eventCount();
    if (!count) {
        if (error)
            *error = QString::fromStdString(count.error().message);
        return false;
    }
    beginResetModel();
    m_store = std::move(store.value());
    m_storePath = path;
    m_rowCount = clampedCount(*count);
    m_filter.reset();
    m_lastError.clear();
    resetCache();
    endResetModel();
    return true;
}

void EventTableModel::closeStore()
{
    beginResetModel();
    m_store.reset();
    m_storePath.clear();
    m_rowCount = 0;
    resetCache();
    endResetModel();
}

void EventTableModel::setOrder(Order order)
{
    if (order == m_order)
        return;
    beginResetModel();
    m_order = order;
    resetCache();
    if (m_store && !m_filter) {
        if (auto count = m_store->eventCount())
            m_rowCount = static_cast<int>(std::min<std::uint64_t>(*count, std::numeric_limits<int>::max()));
    }
    endResetModel();
    Q_EMIT orderChanged(order);
}

void EventTableModel::setFilter(std::shared_ptr<const core::QueryFilter> filter, std::uint64_t count)
{
    m_filter = std::move(filter);
    if (m_filter) {
        m_order = Order::Time;
    } else if (m_store) {
        // Every event: the count is the store's own, read from the bucket totals.
        if (auto total = m_store->eventCount())
            count = *total;
    }
    resetWithCount(count);
}

void EventTableModel::setMatchCount(std::uint64_t count)
{
    if (clampedCount(count) != m_rowCount)
        resetWithCount(count);
}

void EventTableModel::resetWithCount(std::uint64_t count)
{
    beginResetModel();
    m_rowCount = m_store ? clampedCount(count) : 0;
    resetCache();
    endResetModel();
}

void EventTableModel::setDirection(core::Direction direction)
{
    if (direction == m_direction)
        return;
    beginResetModel();
    m_direction = direction;
    resetCache();
    endResetModel();
}

void EventTableModel::setExtraColumns(const QStringList &paths)
{
    if (paths == m_extraColumns)
        return;
    beginResetModel();
    m_extraColumns = paths;
    resetCache();
    endResetModel();
}

void EventTableModel::setUtc(bool utc)
{
    if (utc == m_utc)
        return;
    m_utc = utc;
    for (auto &[page, rows] : m_pages)
        for (Row &r : rows)
            r.time = DiscoverState::formatTime(r.timeNs, m_utc);
    Q_EMIT headerDataChanged(Qt::Horizontal, TimeColumn, TimeColumn);
    if (m_rowCount > 0)
        Q_EMIT dataChanged(index(0, TimeColumn), index(m_rowCount - 1, TimeColumn), {Qt::DisplayRole});
}

std::optional<core::EventRow> EventTableModel::eventAt(int rowIndex) const
{
    if (rowIndex < 0 || rowIndex >= m_rowCount)
        return std::nullopt;
    auto found = m_pages.find(rowIndex / PageSize);
    if (found == m_pages.end())
        return std::nullopt;
    const std::size_t offset = static_cast<std::size_t>(rowIndex % PageSize);
    if (offset >= found->second.size())
        return std::nullopt;
    return found->second[offset].event;
}

QString EventTableModel::columnField(int column) const
{
    switch (column) {
    case TimeColumn:
        return QStringLiteral("@timestamp");
    case LevelColumn:
        return QStringLiteral("level");
    case ServiceColumn:
        return QStringLiteral("service");
    case MessageColumn:
        return QStringLiteral("message");
    case RequestIdColumn:
        return QStringLiteral("request_id");
    default:
        return m_extraColumns.value(column - NUM_COLUMNS);
    }
}

void EventTableModel::refresh()
{
    // A filtered table's count comes from a worker (setMatchCount), never from this thread.
    if (!m_store || m_filter)
        return;
    auto count = m_store->eventCount();
    if (!count) {
        reportError(count.error());
        return;
    }
    const int newCount = static_cast<int>(std::min<std::uint64_t>(*count, std::numeric_limits<int>::max()));
    if (newCount == m_rowCount)
        return;
    if (m_order == Order::Arrival && newCount > m_rowCount) {
        // Arrival order only grows at the end, so every anchor and full page stays right; only the last,
        // partial page must be read again.
        const int lastPage = m_rowCount > 0 ? (m_rowCount - 1) / PageSize : 0;
        if (m_rowCount % PageSize != 0)
            m_pages.erase(lastPage);
        beginInsertRows({}, m_rowCount, newCount - 1);
        m_rowCount = newCount;
        endInsertRows();
        if (m_rowCount > 0)
            Q_EMIT dataChanged(index(lastPage * PageSize, 0),
                index(std::min(m_rowCount, (lastPage + 1) * PageSize) - 1, columnCount() - 1));
        return;
    }
    // New rows land anywhere in time order (and a replaced source removes rows): start over.
    beginResetModel();
    m_rowCount = newCount;
    resetCache();
    endResetModel();
}

bool EventTableModel::isRowLoaded(int rowIndex) const
{
    return m_pages.count(rowIndex / PageSize) != 0;
}

int EventTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : m_rowCount;
}

int EventTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : NUM_COLUMNS + static_cast<int>(m_extraColumns.size());
}

QVariant EventTableModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rowCount || index.column() >= columnCount())
        return {};
    const Row *event = row(index.row());
    if (!event) {
        // Still on its way from the background walker.
        if (role == Qt::DisplayRole && index.column() == TimeColumn)
            return QStringLiteral("…");
        return {};
    }
    switch (role) {
    case Qt::DisplayRole:
        switch (static_cast<Columns>(index.column())) {
        case TimeColumn:
            return event->time;
        case LevelColumn:
            return event->level;
        case ServiceColumn:
            return event->service;
        case MessageColumn:
            return event->message;
        case RequestIdColumn:
            return event->requestId;
        case NUM_COLUMNS:
            break;
        }
        return event->extra.value(index.column() - NUM_COLUMNS);
    case Qt::ForegroundRole:
        if (const QColor color = levelColor(event->levelValue); color.isValid())
            return color;
        return {};
    case Qt::ToolTipRole:
        return index.column() == MessageColumn ? QVariant(event->message) : QVariant();
    case LevelRole:
        return static_cast<int>(event->levelValue);
    case TimeNsRole:
        return QVariant::fromValue<qint64>(event->timeNs);
    case EventIdRole:
        return QVariant::fromValue<qint64>(event->id);
    default:
        return {};
    }
}

QVariant EventTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    if (section >= NUM_COLUMNS)
        return m_extraColumns.value(section - NUM_COLUMNS);
    switch (static_cast<Columns>(section)) {
    case TimeColumn:
        return m_utc ? tr("Time (UTC)") : tr("Time (local)");
    case LevelColumn:
        return tr("Level");
    case ServiceColumn:
        return tr("Service");
    case MessageColumn:
        return tr("Message");
    case RequestIdColumn:
        return tr("Request ID");
    case NUM_COLUMNS:
        break;
    }
    return {};
}

QColor EventTableModel::levelColor(core::Level level)
{
    // Two shades per level so the text keeps its contrast on light and on dark palettes alike.
    const bool dark = QGuiApplication::palette().color(QPalette::Base).lightness() < 128;
    switch (level) {
    case core::Level::Error:
    case core::Level::Fatal:
        return dark ? QColor(0xff, 0x6b, 0x6b) : QColor(0xc6, 0x28, 0x28);
    case core::Level::Warn:
        return dark ? QColor(0xff, 0xb7, 0x4d) : QColor(0x8d, 0x63, 0x00);
    case core::Level::Debug:
    case core::Level::Trace:
        return dark ? QColor(0x9e, 0x9e, 0x9e) : QColor(0x75, 0x75, 0x75);
    case core::Level::Info:
    case core::Level::Unknown:
        break;
    }
    return {};
}

QString EventTableModel::formatTime(std::int64_t timeNs)
{
    // core's form, so the table and `timberline events` print a time the same way.
    return QString::fromStdString(core::format::displayTime(timeNs));
}

const EventTableModel::Row *EventTableModel::row(int rowIndex) const
{
    const int page = rowIndex / PageSize;
    m_lastPage = page;
    auto found = m_pages.find(page);
    if (found == m_pages.end()) {
        // Filling the cache is not a change anyone can observe, so data() stays const to its callers.
        auto *self = const_cast<EventTableModel *>(this);
        if (!self->fetchPage(page))
            return nullptr;
        found = m_pages.find(page);
        if (found == m_pages.end())
            return nullptr;
    }
    const std::size_t offset = static_cast<std::size_t>(rowIndex - page * PageSize);
    return offset < found->second.size() ? &found->second[offset] : nullptr;
}

int EventTableModel::pageCount() const
{
    return (m_rowCount + PageSize - 1) / PageSize;
}

core::Result<std::vector<core::EventRow>> EventTableModel::readAfter(int page, std::size_t limit)
{
    std::optional<Anchor> anchor;
    if (page > 0) {
        auto found = m_anchors.find(page);
        Q_ASSERT(found != m_anchors.end());
        anchor = found->second;
    }
    if (m_order == Order::Arrival && !m_filter)
        return m_store->eventsByArrival(anchor ? anchor->id : std::numeric_limits<std::int64_t>::min(), limit);
    return read(anchor ? std::optional(anchor->key) : std::nullopt, limit, m_direction);
}

core::Result<std::vector<core::EventRow>> EventTableModel::read(
    std::optional<core::EventKey> after, std::size_t limit, core::Direction direction)
{
    if (m_filter)
        return m_store->events(*m_filter, after, limit, direction);
    return m_store->events(after, limit, direction);
}

bool EventTableModel::fetchPage(int page)
{
    if (!m_store || page < 0 || page >= pageCount())
        return false;
    // Time order is stable and can also be read backwards: pages near the end (Ctrl+End, a dragged
    // scroll bar) are read from there instead of walking from the start.
    if ((m_order == Order::Time || m_filter) && !m_anchors.count(page) && pageCount() - page <= SyncPages)
        return fetchNearEnd(page);

    auto nearest = m_anchors.upper_bound(page);
    const int from = nearest == m_anchors.begin() ? 0 : std::prev(nearest)->first;
    if (page - from > SyncPages) {
        requestInBackground(page);
        return false;
    }
    auto rows = readAfter(from, static_cast<std::size_t>((page - from + 1) * PageSize));
    if (!rows) {
        reportError(rows.error());
        return false;
    }
    noteAnchors(from, *rows, 0);
    for (int p = from; p <= page; ++p)
        keepPage(p, *rows, static_cast<std::size_t>((p - from) * PageSize));
    return m_pages.count(page) != 0;
}

bool EventTableModel::fetchNearEnd(int page)
{
    // One row more than the pages hold: the row before the first page is that page's anchor.
    const std::size_t tail = static_cast<std::size_t>(m_rowCount - page * PageSize);
    auto rows = read(std::nullopt, tail + (page > 0 ? 1 : 0), reverseOf(m_direction));
    if (!rows) {
        reportError(rows.error());
        return false;
    }
    std::reverse(rows->begin(), rows->end());
    const std::size_t first = page > 0 ? 1 : 0;
    if (rows->size() != tail + first) {
        // The store holds another number of rows than we think: read the count again.
        QTimer::singleShot(0, this, &EventTableModel::refresh);
        return false;
    }
    if (page > 0)
        m_anchors[page] = Anchor{rows->front().key, rows->front().id};
    noteAnchors(page, *rows, first);
    for (int p = page; p < pageCount(); ++p)
        keepPage(p, *rows, first + static_cast<std::size_t>((p - page) * PageSize));
    return m_pages.count(page) != 0;
}

void EventTableModel::noteAnchors(int firstPage, const std::vector<core::EventRow> &rows, std::size_t first)
{
    // The last row of each full page starts the next one.
    for (std::size_t i = first + PageSize - 1; i < rows.size(); i += PageSize) {
        const int page = firstPage + static_cast<int>((i - first) / PageSize) + 1;
        m_anchors[page] = Anchor{rows[i].key, rows[i].id};
    }
}

void EventTableModel::keepPage(int page, const std::vector<core::EventRow> &rows, std::size_t first)
{
    if (first >= rows.size())
        return;
    const std::size_t last = std::min(rows.size(), first + PageSize);
    std::vector<Row> formatted;
    formatted.reserve(last - first);
    for (std::size_t i = first; i < last; ++i) {
        const core::EventRow &event = rows[i];
        Row out;
        out.time = DiscoverState::formatTime(event.key.timeNs, m_utc);
        out.level = levelTextOf(event);
        out.service = QString::fromStdString(event.service);
        out.message = firstLine(event.message);
        out.requestId = QString::fromStdString(event.requestId.empty() ? event.traceId : event.requestId);
        out.levelValue = event.level;
        out.timeNs = event.key.timeNs;
        out.id = event.id;
        if (!m_extraColumns.isEmpty()) {
            // Record paths live in the raw line only: parsed again here, once per fetched page.
            out.extra.resize(m_extraColumns.size());
            if (auto fields = m_store->fields(event)) {
                for (const auto &[path, value] : *fields) {
                    const qsizetype column = m_extraColumns.indexOf(QString::fromStdString(path));
                    if (column >= 0)
                        out.extra[column] = QString::fromStdString(value);
                }
            }
        }
        out.event = event;
        formatted.push_back(std::move(out));
    }
    m_pages[page] = std::move(formatted);

    while (m_pages.size() > MaxCachedPages) {
        auto farthest = std::max_element(m_pages.begin(), m_pages.end(), [this](const auto &a, const auto &b) {
            return std::abs(a.first - m_lastPage) < std::abs(b.first - m_lastPage);
        });
        m_pages.erase(farthest);
    }
}

void EventTableModel::requestInBackground(int page)
{
    // A scroll bar dragged across the table asks for pages it has already left; follow only the latest.
    if (!m_pending.empty() && std::abs(*m_pending.begin() - page) > SyncPages)
        m_pending.clear();
    m_pending.insert(page);
    if (!m_walker->isActive())
        m_walker->start();
}

void EventTableModel::walkStep()
{
    if (!m_store || m_pending.empty())
        return;
    QElapsedTimer budget;
    budget.start();
    while (!m_pending.empty() && !budget.hasExpired(WalkBudgetMs)) {
        const int target = *m_pending.begin();
        if (target >= pageCount()) {
            m_pending.erase(m_pending.begin());
            continue;
        }
        auto nearest = m_anchors.upper_bound(target);
        const int from = nearest == m_anchors.begin() ? 0 : std::prev(nearest)->first;
        if (target - from <= SyncPages) {
            m_pending.erase(m_pending.begin());
            if (fetchPage(target)) {
                const int firstRow = target * PageSize;
                const int lastRow = std::min(m_rowCount, firstRow + PageSize) - 1;
                Q_EMIT dataChanged(index(firstRow, 0), index(lastRow, columnCount() - 1));
            }
            continue;
        }
        // Skip ahead: only the keys matter here, the rows are not kept.
        const std::size_t wanted = std::min(WalkChunk, static_cast<std::size_t>(target - from) * PageSize);
        auto rows = readAfter(from, wanted);
        if (!rows) {
            reportError(rows.error());
            m_pending.clear();
            return;
        }
        if (rows->size() < wanted) {
            // Fewer rows than the count promised: the count is stale.
            m_pending.clear();
            QTimer::singleShot(0, this, &EventTableModel::refresh);
            return;
        }
        noteAnchors(from, *rows, 0);
    }
    if (!m_pending.empty())
        m_walker->start();
}

void EventTableModel::resetCache()
{
    m_pages.clear();
    m_anchors.clear();
    m_pending.clear();
    m_lastPage = 0;
    if (m_walker)
        m_walker->stop();
}

void EventTableModel::reportError(const core::Error &error)
{
    const QString message = QString::fromStdString(error.message);
    // A failing page is asked for again on every repaint; say it once.
    if (message == m_lastError)
        return;
    m_lastError = message;
    Q_EMIT errorOccurred(message);
}
