// SPDX-License-Identifier: MIT
#pragma once

#include <QObject>
#include <QString>
#include <QStringList>

#include <core/query/queryast.h>
#include <core/query/queryfilter.h>
#include <core/store/eventstore.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

class StoreWorker;

// Which events the time range picker lets through.
struct TimeRange {
    enum class Kind { Whole, Relative, Absolute };
    Kind kind = Kind::Whole;
    std::int64_t spanNs = 0; ///< Relative: this long, ending at the anchor
    std::int64_t fromNs = 0; ///< Absolute: [fromNs, toNs)
    std::int64_t toNs = 0;
    bool operator==(const TimeRange &) const = default;
};

// The one state of the Discover window: the store, the query and its compiled filter, the time range,
// the `now` anchor, the selected event, the table's extra columns and the display zone. Every view
// subscribes to it and writes to it; views never talk to each other. It also holds the workers the
// views share, so that they follow its store.
class DiscoverState : public QObject
{
    Q_OBJECT
public:
    explicit DiscoverState(QObject *parent = nullptr);
    ~DiscoverState() override;

    QString storePath() const { return m_storePath; }
    // Long counts and groupings (histogram, sidebar, errors) queue here, one connection at a lower CPU
    // priority, so that they never take a core from the GUI or the table's own workers.
    StoreWorker *backgroundWorker() const { return m_background; }
    // Short reads a click waits for (the selected event, the store's span, a raw line): never behind
    // a histogram.
    StoreWorker *interactiveWorker() const { return m_interactive; }
    // A new store: the query stays, the time range becomes the whole bundle, the selection goes.
    void setStore(const QString &path);
    // The bundle's first and last event times and `now` (Store::timeAnchor), once a worker has read them.
    void setTimeSpan(std::optional<std::int64_t> firstNs, std::optional<std::int64_t> lastNs,
        std::optional<std::int64_t> anchorNs);
    std::optional<std::int64_t> firstNs() const { return m_firstNs; }
    std::optional<std::int64_t> lastNs() const { return m_lastNs; }
    // What `now` means in queries and relative ranges: the bundle's end, not the wall clock.
    std::int64_t anchorNs() const;

    QString queryText() const { return m_queryText; }
    // Parses and compiles `text` with the time range; on an error emits queryFailed and keeps the
    // previous filter (the previous results stay). Returns whether it compiled.
    bool setQuery(const QString &text);
    // Adds `field:value` (or `not field:value`) to the query and runs it.
    void addFilter(const QString &field, const QString &value, bool exclude);
    // Runs the same query again (F5): listeners see a new generation.
    void rerun();
    // The query and the time range, compiled; never null once a store is set.
    std::shared_ptr<const core::QueryFilter> filter() const { return m_filter; }
    // The filter with `extra` AND-ed in (the sidebar's exact per-value counts); null if it fails to compile.
    std::shared_ptr<const core::QueryFilter> filterWith(const core::QueryNode &extra) const;
    // filterWith as a value that a worker thread may call: it holds copies, not the state.
    std::function<std::shared_ptr<const core::QueryFilter>(const core::QueryNode &)> composer() const;
    // Bumped whenever the filter or the store changes: stale worker results compare it.
    quint64 generation() const { return m_generation; }

    TimeRange timeRange() const { return m_timeRange; }
    void setTimeRange(const TimeRange &range);
    // Zooms into [fromNs, toNs) (a drag across any time axis), remembering the range before.
    void zoomIn(std::int64_t fromNs, std::int64_t toNs);
    // Back to the range before the last zoomIn(); with none left, out to the whole bundle.
    void zoomOut();
    // The ranges zoomOut() goes back through, latest last; a new store forgets them.
    const std::vector<TimeRange> &zoomStack() const { return m_zoomStack; }

    const std::optional<core::EventRow> &selectedEvent() const { return m_selected; }
    void setSelectedEvent(const std::optional<core::EventRow> &event);

    // Record paths shown as table columns after the first-class ones.
    QStringList extraColumns() const { return m_extraColumns; }
    void setExtraColumns(const QStringList &paths);

    bool utc() const { return m_utc; }
    void setUtc(bool utc);
    // `2025-11-10 10:30:00.123456` in the display zone.
    QString formatTime(std::int64_t timeNs) const;
    static QString formatTime(std::int64_t timeNs, bool utc);

    // `field:value` as query text, quoting the value when it needs it.
    static QString filterText(const QString &field, const QString &value);

Q_SIGNALS:
    void storeChanged();
    void timeSpanChanged();
    // A new filter (or the same one again, on F5): views query again.
    void filterChanged();
    // The query did not compile: `offset` and `length` in characters of the query text.
    void queryFailed(const QString &message, int offset, int length);
    void queryTextChanged(const QString &text);
    void timeRangeChanged();
    void selectionChanged();
    void extraColumnsChanged();
    void utcChanged(bool utc);

private:
    core::QueryTime queryTime() const;
    std::optional<core::QueryNode> timeNode() const;
    bool compile(const QString &text);

    QString m_storePath;
    StoreWorker *m_background;
    StoreWorker *m_interactive;
    std::optional<std::int64_t> m_firstNs;
    std::optional<std::int64_t> m_lastNs;
    std::optional<std::int64_t> m_anchorNs;
    QString m_queryText;
    core::QueryNode m_query; ///< the last query that parsed
    std::shared_ptr<const core::QueryFilter> m_filter;
    quint64 m_generation = 0;
    TimeRange m_timeRange;
    std::vector<TimeRange> m_zoomStack;
    std::optional<core::EventRow> m_selected;
    QStringList m_extraColumns;
    bool m_utc = true;
};
