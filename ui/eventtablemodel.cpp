// SPDX-License-Identifier: MIT
#include "eventtablemodel.h"

#include <QGuiApplication>
#include <QElapsedTimer>
#include <QPalette>
#include <QTimer>

#include "discoverstate.h"
#include "levelpalette.h"
#include "storeworker.h"

#include <core/backends/storelocation.h>
#include <core/model/eventformat.h>
#include <core/query/queryfilter.h>

#include <algorithm>
#include <limits>
#include <utility>

namespace {

// Pages kept formatted; eviction drops those farthest from the page asked for last.
constexpr std::size_t MaxCachedPages = 64;
// Pages on their way that are farther than this from every page the view asks for now are for rows
// no longer on screen (a dragged scroll bar): they are cancelled.
constexpr int SupersedeDistance = 2;
// Pages read at once for a viewport (what it shows and one either side); wider asks go page by page.
constexpr int MaxPagesPerRead = 6;

int clampedCount(std::uint64_t count)
{
    return static_cast<int>(std::min<std::uint64_t>(count, std::numeric_limits<int>::max()));
}

} // namespace

EventTableModel::EventTableModel(QObject *parent)
    : QAbstractTableModel(parent)
    , m_pageWorker(new StoreWorker(this))
    , m_countWorker(new StoreWorker(this))
    , m_reader(std::make_shared<EventPageReader>())
    , m_dispatcher(new QTimer(this))
{
    static_assert(PageSize == EventPageReader::PageSize);
    // data() only notes what it lacks; the requests go out once the view has asked for every row it paints.
    m_dispatcher->setSingleShot(true);
    m_dispatcher->setInterval(0);
    connect(m_dispatcher, &QTimer::timeout, this, &EventTableModel::dispatch);
}

EventTableModel::~EventTableModel() = default;

bool EventTableModel::openStore(const QString &path, QString *error)
{
    // Only the file's header is read here; the workers open their own connections.
    if (!core::recognises(path.toStdString())) {
        if (error)
            *error = tr("%1 is not a Timberline store").arg(path);
        return false;
    }
    beginResetModel();
    m_storePath = path;
    m_filter.reset();
    m_rowCount = 0;
    m_countKnown = false;
    m_lastError.clear();
    m_pages.clear();
    endResetModel();
    m_pageWorker->setStorePath(path);
    m_countWorker->setStorePath(path);
    m_countInFlight = false;
    m_recount = false;
    m_pendingCount.reset();
    restart(true);
    requestCount();
    return true;
}

void EventTableModel::closeStore()
{
    beginResetModel();
    m_storePath.clear();
    m_pageWorker->setStorePath(QString());
    m_countWorker->setStorePath(QString());
    m_rowCount = 0;
    m_countKnown = false;
    m_countInFlight = false;
    m_recount = false;
    m_pendingCount.reset();
    m_firstPagePending = false;
    m_inFlight.clear();
    m_wanted.clear();
    m_pages.clear();
    ++m_epoch;
    m_reader->reset(m_epoch);
    endResetModel();
}

void EventTableModel::setOrder(Order order)
{
    if (order == m_order)
        return;
    m_order = order;
    // Arrival and time order hold the same rows, so the count stays.
    restart(m_firstPagePending);
    Q_EMIT orderChanged(order);
}

void EventTableModel::setFilter(std::shared_ptr<const core::QueryFilter> filter)
{
    m_filter = std::move(filter);
    const Order before = m_order;
    if (m_filter)
        m_order = Order::Time;
    m_countWorker->cancel();
    m_countInFlight = false;
    m_recount = false;
    m_pendingCount.reset();
    if (hasStore()) {
        restart(true);
        requestCount();
    }
    if (m_order != before)
        Q_EMIT orderChanged(m_order);
}

void EventTableModel::setDirection(core::Direction direction)
{
    if (direction == m_direction)
        return;
    m_direction = direction;
    restart(m_firstPagePending);
}

void EventTableModel::setExtraColumns(const QStringList &paths)
{
    if (paths == m_extraColumns)
        return;
    if (m_firstPagePending) {
        // The rows shown have no values for the new columns: show none until the new page comes.
        beginResetModel();
        m_extraColumns = paths;
        m_pages.clear();
        endResetModel();
        restart(true);
        return;
    }
    beginResetModel();
    m_extraColumns = paths;
    m_pages.clear();
    endResetModel();
    restart(false);
}

void EventTableModel::setUtc(bool utc)
{
    if (utc == m_utc)
        return;
    m_utc = utc;
    for (auto &[page, cached] : m_pages)
        for (EventTableRow &r : cached.rows)
            r.time = DiscoverState::formatTime(r.timeNs, m_utc);
    Q_EMIT headerDataChanged(Qt::Horizontal, TimeColumn, TimeColumn);
    if (m_rowCount > 0)
        Q_EMIT dataChanged(index(0, TimeColumn), index(m_rowCount - 1, TimeColumn), {Qt::DisplayRole});
}

void EventTableModel::setWorkerGatesForTesting(std::function<void()> pageGate, std::function<void()> countGate)
{
    m_pageGate = std::move(pageGate);
    m_countGate = std::move(countGate);
}

bool EventTableModel::isSettled() const
{
    return !m_firstPagePending && !m_countInFlight && m_inFlight.empty() && m_wanted.empty();
}

std::optional<core::EventRow> EventTableModel::eventAt(int rowIndex) const
{
    if (rowIndex < 0 || rowIndex >= m_rowCount)
        return std::nullopt;
    auto found = m_pages.find(rowIndex / PageSize);
    if (found == m_pages.end())
        return std::nullopt;
    const std::size_t offset = static_cast<std::size_t>(rowIndex % PageSize);
    if (offset >= found->second.rows.size())
        return std::nullopt;
    return found->second.rows[offset].event;
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
    if (hasStore())
        requestCount();
}

bool EventTableModel::isRowLoaded(int rowIndex) const
{
    auto found = m_pages.find(rowIndex / PageSize);
    return found != m_pages.end() && !found->second.stale && !m_firstPagePending;
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
    const EventTableRow *event = row(index.row());
    if (!event) {
        // Its page is on its way from the page worker.
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
        if (const QColor color = LevelPalette::text(event->levelValue, QGuiApplication::palette()); color.isValid())
            return color;
        return {};
    case Qt::ToolTipRole:
        return index.column() == MessageColumn ? QVariant(event->message) : QVariant();
    case LevelRole:
        return static_cast<int>(event->levelValue);
    case TimeNsRole:
        return QVariant::fromValue<qint64>(event->timeNs);
    case ArrivalRole:
        return QVariant::fromValue<qint64>(event->event.arrival);
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

QString EventTableModel::formatTime(std::int64_t timeNs)
{
    // core's form, so the table and `timberline events` print a time the same way.
    return QString::fromStdString(core::format::displayTime(timeNs));
}

const EventTableRow *EventTableModel::row(int rowIndex) const
{
    const int page = rowIndex / PageSize;
    m_lastPage = page;
    auto found = m_pages.find(page);
    if (found == m_pages.end() || found->second.stale) {
        // Asking is not a change anyone can observe, so data() stays const to its callers.
        if (!m_firstPagePending && m_wanted.insert(page).second && !m_dispatcher->isActive())
            m_dispatcher->start();
        if (found == m_pages.end())
            return nullptr;
    }
    const std::size_t offset = static_cast<std::size_t>(rowIndex - page * PageSize);
    return offset < found->second.rows.size() ? &found->second.rows[offset] : nullptr;
}

int EventTableModel::pageCount() const
{
    return (m_rowCount + PageSize - 1) / PageSize;
}

void EventTableModel::restart(bool keepRows)
{
    ++m_epoch;
    m_reader->reset(m_epoch);
    m_pageWorker->cancel();
    m_inFlight.clear();
    m_wanted.clear();
    if (!hasStore())
        return;
    if (keepRows) {
        // The rows shown stay (no flash of placeholders or of an empty table) until page 0 replaces them.
        m_firstPagePending = true;
        requestPages(0, 1);
        return;
    }
    if (m_pages.empty())
        return; // the view shows placeholders already
    beginResetModel();
    m_pages.clear();
    endResetModel();
}

void EventTableModel::requestPages(int page, int pages)
{
    EventPageReader::Spec spec;
    spec.epoch = m_epoch;
    spec.filter = m_filter;
    spec.arrival = m_order == Order::Arrival && !m_filter;
    spec.direction = m_direction;
    spec.extraColumns = m_extraColumns;
    spec.utc = m_utc;
    spec.countKnown = m_countKnown && !m_firstPagePending;
    spec.rowCount = spec.countKnown ? static_cast<std::uint64_t>(m_rowCount) : 0;
    for (int p = page; p < page + pages; ++p)
        m_inFlight.insert(p);
    auto reader = m_reader;
    auto stale = m_pageWorker->staleness();
    m_pageWorker->run<EventTablePage>(
        this,
        [reader, spec, page, pages, stale, gate = m_pageGate](core::EventStore *store) {
            if (gate)
                gate();
            if (!store) {
                EventTablePage failed;
                failed.page = page;
                failed.pages = pages;
                failed.error = tr("the store cannot be opened");
                return failed;
            }
            return reader->read(*store, spec, page, pages, stale);
        },
        [this, epoch = spec.epoch](EventTablePage result) { onPage(epoch, std::move(result)); });
}

void EventTableModel::dispatch()
{
    std::set<int> wanted;
    wanted.swap(m_wanted);
    if (!hasStore() || m_firstPagePending)
        return;
    for (auto it = wanted.begin(); it != wanted.end();) {
        auto cached = m_pages.find(*it);
        if (*it >= pageCount() || (cached != m_pages.end() && !cached->second.stale))
            it = wanted.erase(it);
        else
            ++it;
    }
    if (wanted.empty())
        return;
    const int low = *wanted.begin();
    const int high = *wanted.rbegin();
    // A scroll bar dragged far away: what is on its way is for rows no longer shown.
    const bool superseded = std::any_of(m_inFlight.begin(), m_inFlight.end(),
        [&](int page) { return page < low - SupersedeDistance || page > high + SupersedeDistance; });
    if (superseded) {
        m_pageWorker->cancel();
        m_inFlight.clear();
    }
    const auto settled = [this](int page) {
        auto cached = m_pages.find(page);
        return m_inFlight.count(page) || (cached != m_pages.end() && !cached->second.stale);
    };
    if (high - low >= MaxPagesPerRead) {
        // Rows asked for all over the table (not a view's viewport): page by page.
        for (const int page : wanted) {
            if (!m_inFlight.count(page))
                requestPages(page, 1);
        }
        return;
    }
    // What is on screen and a page either side, so that scrolling on finds it read, in one read: the
    // cost of a read by position (or of a keyset query) hardly depends on how many rows it returns.
    int first = std::max(0, low - 1);
    int last = std::min(pageCount() - 1, high + 1);
    while (first < low && settled(first))
        ++first;
    while (last > high && settled(last))
        --last;
    requestPages(first, last - first + 1);
}

void EventTableModel::onPage(quint64 epoch, EventTablePage page)
{
    if (epoch != m_epoch || page.cancelled)
        return;
    for (int p = page.page; p < page.page + page.pages; ++p)
        m_inFlight.erase(p);
    if (!page.error.isEmpty()) {
        reportError(page.error);
        if (m_firstPagePending && page.page == 0) {
            // Nothing to show for the new view, and the rows shown are another view's: empty it.
            m_firstPagePending = false;
            beginResetModel();
            m_pages.clear();
            m_rowCount = 0;
            endResetModel();
        }
        return;
    }
    if (page.utc != m_utc) {
        for (EventTableRow &r : page.rows)
            r.time = DiscoverState::formatTime(r.timeNs, m_utc);
    }
    if (m_firstPagePending) {
        if (page.page == 0)
            showFirstPage(std::move(page));
        return;
    }
    if (page.countStale)
        refresh();
    const int end = std::min(page.page + page.pages, pageCount());
    if (page.page >= end)
        return;
    for (int p = page.page; p < end; ++p) {
        const std::size_t from = static_cast<std::size_t>(p - page.page) * PageSize;
        const std::size_t to = std::min(page.rows.size(), from + PageSize);
        std::vector<EventTableRow> rows;
        if (from < to)
            rows.assign(std::make_move_iterator(page.rows.begin() + static_cast<std::ptrdiff_t>(from)),
                std::make_move_iterator(page.rows.begin() + static_cast<std::ptrdiff_t>(to)));
        // A page past the rows read is kept empty: the count was stale and is read again.
        keepPage(p, std::move(rows));
    }
    const int firstRow = page.page * PageSize;
    const int lastRow = std::min(m_rowCount, end * PageSize) - 1;
    if (lastRow >= firstRow)
        Q_EMIT dataChanged(index(firstRow, 0), index(lastRow, columnCount() - 1));
}

void EventTableModel::showFirstPage(EventTablePage page)
{
    beginResetModel();
    m_firstPagePending = false;
    m_pages.clear();
    const int rows = static_cast<int>(page.rows.size());
    m_pages[0] = CachedPage{std::move(page.rows), false};
    const std::optional<CountResult> counted = std::exchange(m_pendingCount, std::nullopt);
    if (counted) {
        m_rowCount = clampedCount(counted->count);
        m_countKnown = true;
    } else {
        // Provisional: what was read; the count inserts the rest (or confirms a short page).
        m_rowCount = rows;
        m_countKnown = false;
    }
    endResetModel();
    Q_EMIT firstPageShown();
    if (counted)
        Q_EMIT countArrived(counted->count, counted->ms);
}

void EventTableModel::requestCount()
{
    if (m_countInFlight) {
        m_recount = true;
        return;
    }
    m_countInFlight = true;
    m_recount = false;
    auto filter = m_filter;
    m_countWorker->run<CountResult>(
        this,
        [filter, gate = m_countGate](core::EventStore *store) {
            if (gate)
                gate();
            CountResult result;
            if (!store) {
                result.error = tr("the store cannot be opened");
                return result;
            }
            QElapsedTimer timer;
            timer.start();
            // Every event: the store's own count, summed from the bucket totals.
            auto count = filter ? store->count(*filter) : store->eventCount();
            result.ms = static_cast<double>(timer.nsecsElapsed()) / 1e6;
            if (count)
                result.count = *count;
            else
                result.error = QString::fromStdString(count.error().message);
            return result;
        },
        [this](CountResult result) { onCount(result); });
}

void EventTableModel::onCount(const CountResult &result)
{
    m_countInFlight = false;
    if (!result.error.isEmpty()) {
        reportError(tr("Counting failed: %1").arg(result.error));
    } else if (m_firstPagePending) {
        m_pendingCount = result;
    } else {
        applyCount(result.count);
        Q_EMIT countArrived(result.count, result.ms);
    }
    if (m_recount)
        requestCount();
}

void EventTableModel::applyCount(std::uint64_t count)
{
    const int rows = clampedCount(count);
    const bool wasKnown = m_countKnown;
    m_countKnown = true;
    if (rows == m_rowCount)
        return;
    // Arrival order only grows at the end, and a provisional count only lacks the rows after the first
    // page; anything else (time order while importing, a replaced source) moves rows around.
    const bool appended = rows > m_rowCount && (!wasKnown || (m_order == Order::Arrival && !m_filter));
    int changedFrom = 0; // rows from here on show something else now
    if (!appended) {
        ++m_epoch;
        m_reader->reset(m_epoch);
        m_pageWorker->cancel();
        m_inFlight.clear();
        m_wanted.clear();
        // The rows on screen stay until they are read again: no flash of placeholders on every recount.
        for (auto &[page, cached] : m_pages)
            cached.stale = true;
    } else {
        // The last, partial page gains rows, and a page read past the old end (empty: the first page of
        // an empty store, a read ahead of the count) has some now.
        const int lastPage = m_rowCount / PageSize;
        for (auto &[page, cached] : m_pages) {
            if (page >= lastPage)
                cached.stale = true;
        }
        changedFrom = lastPage * PageSize;
    }
    if (!wasKnown) {
        // The provisional count becomes the real one. A reset, though only rows were added: a view takes
        // hundreds of milliseconds to insert millions of rows (QHeaderView), and an instant to reset.
        // The first page stays cached, so nothing flashes.
        beginResetModel();
        m_rowCount = rows;
        for (auto it = m_pages.begin(); it != m_pages.end();) {
            if (it->first >= pageCount())
                it = m_pages.erase(it);
            else
                ++it;
        }
        endResetModel();
        return;
    }
    if (rows > m_rowCount) {
        beginInsertRows({}, m_rowCount, rows - 1);
        m_rowCount = rows;
        endInsertRows();
    } else {
        beginRemoveRows({}, rows, m_rowCount - 1);
        m_rowCount = rows;
        for (auto it = m_pages.begin(); it != m_pages.end();) {
            if (it->first >= pageCount())
                it = m_pages.erase(it);
            else
                ++it;
        }
        endRemoveRows();
    }
    if (changedFrom < m_rowCount)
        Q_EMIT dataChanged(index(changedFrom, 0), index(m_rowCount - 1, columnCount() - 1));
}

void EventTableModel::keepPage(int page, std::vector<EventTableRow> rows)
{
    m_pages[page] = CachedPage{std::move(rows), false};
    while (m_pages.size() > MaxCachedPages) {
        auto farthest = std::max_element(m_pages.begin(), m_pages.end(), [this](const auto &a, const auto &b) {
            return std::abs(a.first - m_lastPage) < std::abs(b.first - m_lastPage);
        });
        m_pages.erase(farthest);
    }
}

void EventTableModel::reportError(const QString &message)
{
    // A failing page may be asked for again on every repaint; say it once.
    if (message == m_lastError)
        return;
    m_lastError = message;
    Q_EMIT errorOccurred(message);
}
