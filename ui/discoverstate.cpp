// SPDX-License-Identifier: MIT
#include "discoverstate.h"

#include "storeworker.h"

#include <QDateTime>
#include <QRegularExpression>

#include <core/model/eventformat.h>
#include <core/query/queryparser.h>

namespace {

constexpr std::int64_t NsPerSecond = 1'000'000'000;

// A byte offset into UTF-8 text as a QString index.
int charOffset(const QByteArray &utf8, std::int64_t byteOffset)
{
    const auto clamped = std::clamp<std::int64_t>(byteOffset, 0, utf8.size());
    return static_cast<int>(QString::fromUtf8(utf8.left(static_cast<qsizetype>(clamped))).size());
}

// A date the query language reads back to the same nanosecond, whatever the display zone.
std::string dateText(std::int64_t timeNs)
{
    return core::format::rfc3339(timeNs);
}

core::QueryValue termValue(std::string text)
{
    core::QueryValue value;
    value.kind = core::QueryValue::Kind::Term;
    value.text = std::move(text);
    return value;
}

} // namespace

DiscoverState::DiscoverState(QObject *parent)
    : QObject(parent)
    , m_background(new StoreWorker(this))
    , m_interactive(new StoreWorker(this))
{
    m_background->setBackground(true);
}

DiscoverState::~DiscoverState() = default;

void DiscoverState::setStore(const QString &path)
{
    m_storePath = path;
    // Before anyone hears of the store: the views' next jobs must read the new one.
    m_background->setStorePath(path);
    m_interactive->setStorePath(path);
    m_firstNs.reset();
    m_lastNs.reset();
    m_anchorNs.reset();
    m_timeRange = TimeRange{};
    m_zoomStack.clear();
    m_selected.reset();
    ++m_generation;
    compile(m_queryText);
    Q_EMIT storeChanged();
    Q_EMIT timeRangeChanged();
    Q_EMIT selectionChanged();
    Q_EMIT filterChanged();
}

void DiscoverState::setTimeSpan(
    std::optional<std::int64_t> firstNs, std::optional<std::int64_t> lastNs, std::optional<std::int64_t> anchorNs)
{
    if (firstNs == m_firstNs && lastNs == m_lastNs && anchorNs == m_anchorNs)
        return;
    m_firstNs = firstNs;
    m_lastNs = lastNs;
    m_anchorNs = anchorNs;
    Q_EMIT timeSpanChanged();
    // `now` moved: a relative range or a query with date math means other events now.
    if (m_timeRange.kind == TimeRange::Kind::Relative || m_queryText.contains(QLatin1String("now"))) {
        if (compile(m_queryText)) {
            ++m_generation;
            Q_EMIT filterChanged();
        }
    }
}

std::int64_t DiscoverState::anchorNs() const
{
    if (m_anchorNs)
        return *m_anchorNs;
    if (m_lastNs)
        return *m_lastNs;
    return core::QueryTime::wallClockNs();
}

core::QueryTime DiscoverState::queryTime() const
{
    if (m_utc)
        return core::QueryTime(anchorNs());
    // A date typed without an offset is the wall clock the user sees: the local zone.
    return core::QueryTime(anchorNs(), [](std::int64_t naiveNs) {
        const qint64 ms = naiveNs / 1'000'000;
        const QDateTime wall = QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC);
        const QDateTime local(wall.date(), wall.time(), Qt::LocalTime);
        return naiveNs + (local.toMSecsSinceEpoch() - ms) * 1'000'000;
    });
}

std::optional<core::QueryNode> DiscoverState::timeNode() const
{
    core::QueryNode node;
    node.kind = core::QueryNode::Kind::Range;
    node.field = "@timestamp";
    switch (m_timeRange.kind) {
    case TimeRange::Kind::Whole:
        return std::nullopt;
    case TimeRange::Kind::Relative:
        node.lower = termValue(dateText(anchorNs() - m_timeRange.spanNs));
        node.upper = termValue(dateText(anchorNs()));
        node.upperInclusive = true;
        break;
    case TimeRange::Kind::Absolute:
        node.lower = termValue(dateText(m_timeRange.fromNs));
        node.upper = termValue(dateText(m_timeRange.toNs));
        node.upperInclusive = false;
        break;
    }
    return node;
}

bool DiscoverState::compile(const QString &text)
{
    const QByteArray utf8 = text.toUtf8();
    auto parsed = core::QueryParser::parse(std::string_view(utf8.constData(), static_cast<std::size_t>(utf8.size())));
    // Parse and compile errors both point into the text; the bar wants characters, not bytes.
    const auto fail = [&](const core::Error &error) {
        const int offset = charOffset(utf8, error.offset);
        const int end = charOffset(utf8, error.offset + std::max<std::int64_t>(error.length, 1));
        Q_EMIT queryFailed(QString::fromStdString(error.message), offset, std::max(1, end - offset));
        return false;
    };
    if (!parsed)
        return fail(parsed.error());
    core::QueryNode query = std::move(parsed.value());
    core::QueryNode combined = query;
    if (auto time = timeNode()) {
        combined = core::QueryNode{};
        combined.kind = core::QueryNode::Kind::And;
        combined.children = {query, *time};
    }
    auto compiled = core::QueryFilter::compile(combined, queryTime());
    if (!compiled)
        return fail(compiled.error());
    m_query = std::move(query);
    m_filter = std::make_shared<const core::QueryFilter>(std::move(compiled.value()));
    return true;
}

bool DiscoverState::setQuery(const QString &text)
{
    const QString trimmed = text.trimmed();
    if (!compile(trimmed))
        return false;
    const bool textChanged = trimmed != m_queryText;
    m_queryText = trimmed;
    ++m_generation;
    if (textChanged)
        Q_EMIT queryTextChanged(m_queryText);
    Q_EMIT filterChanged();
    return true;
}

void DiscoverState::addFilter(const QString &field, const QString &value, bool exclude)
{
    QString clause = filterText(field, value);
    if (exclude)
        clause = QLatin1String("not ") + clause;
    QString text = m_queryText;
    if (text.isEmpty()) {
        text = clause;
    } else {
        // `a or b and c` reads as `a or (b and c)`: the new clause must narrow the whole query.
        if (m_query.kind == core::QueryNode::Kind::Or)
            text = QLatin1Char('(') + text + QLatin1Char(')');
        text += QLatin1String(" and ") + clause;
    }
    setQuery(text);
}

void DiscoverState::rerun()
{
    ++m_generation;
    Q_EMIT filterChanged();
}

std::shared_ptr<const core::QueryFilter> DiscoverState::filterWith(const core::QueryNode &extra) const
{
    return composer()(extra);
}

std::function<std::shared_ptr<const core::QueryFilter>(const core::QueryNode &)> DiscoverState::composer() const
{
    return [query = m_query, time = timeNode(), queryTime = queryTime()](
               const core::QueryNode &extra) -> std::shared_ptr<const core::QueryFilter> {
        // One flat conjunction, as the parser itself would build it from `a and b and c`.
        core::QueryNode combined;
        combined.kind = core::QueryNode::Kind::And;
        if (query.kind == core::QueryNode::Kind::And)
            combined.children = query.children;
        else if (query.kind != core::QueryNode::Kind::All)
            combined.children = {query};
        combined.children.push_back(extra);
        if (time)
            combined.children.push_back(*time);
        if (combined.children.size() == 1) {
            core::QueryNode only = std::move(combined.children.front());
            combined = std::move(only);
        }
        auto compiled = core::QueryFilter::compile(combined, queryTime);
        if (!compiled)
            return nullptr;
        return std::make_shared<const core::QueryFilter>(std::move(compiled.value()));
    };
}

void DiscoverState::setTimeRange(const TimeRange &range)
{
    if (range == m_timeRange)
        return;
    const TimeRange previous = m_timeRange;
    m_timeRange = range;
    if (!compile(m_queryText)) {
        m_timeRange = previous;
        return;
    }
    ++m_generation;
    Q_EMIT timeRangeChanged();
    Q_EMIT filterChanged();
}

void DiscoverState::zoomIn(std::int64_t fromNs, std::int64_t toNs)
{
    TimeRange range;
    range.kind = TimeRange::Kind::Absolute;
    range.fromNs = fromNs;
    range.toNs = toNs;
    m_zoomStack.push_back(m_timeRange);
    setTimeRange(range);
}

void DiscoverState::zoomOut()
{
    if (m_zoomStack.empty()) {
        // Nothing zoomed into: out to the whole bundle.
        if (m_timeRange.kind != TimeRange::Kind::Whole)
            setTimeRange(TimeRange{});
        return;
    }
    const TimeRange previous = m_zoomStack.back();
    m_zoomStack.pop_back();
    setTimeRange(previous);
}

void DiscoverState::setSelectedEvent(const std::optional<core::EventRow> &event)
{
    const bool same = event.has_value() == m_selected.has_value() && (!event || event->key == m_selected->key);
    if (same)
        return;
    m_selected = event;
    Q_EMIT selectionChanged();
}

void DiscoverState::setExtraColumns(const QStringList &paths)
{
    if (paths == m_extraColumns)
        return;
    m_extraColumns = paths;
    Q_EMIT extraColumnsChanged();
}

void DiscoverState::setUtc(bool utc)
{
    if (utc == m_utc)
        return;
    m_utc = utc;
    // Dates typed without an offset change meaning with the zone.
    if (compile(m_queryText)) {
        ++m_generation;
        Q_EMIT filterChanged();
    }
    Q_EMIT utcChanged(utc);
}

QString DiscoverState::formatTime(std::int64_t timeNs) const
{
    return formatTime(timeNs, m_utc);
}

QString DiscoverState::formatTime(std::int64_t timeNs, bool utc)
{
    if (utc)
        return QString::fromStdString(core::format::displayTime(timeNs));
    // Shift by the zone's offset at that instant and print with core's own form, microseconds kept.
    const QDateTime instant = QDateTime::fromMSecsSinceEpoch(timeNs / 1'000'000, Qt::LocalTime);
    const std::int64_t shifted = timeNs + static_cast<std::int64_t>(instant.offsetFromUtc()) * NsPerSecond;
    return QString::fromStdString(core::format::displayTime(shifted));
}

QString DiscoverState::filterText(const QString &field, const QString &value)
{
    static const QRegularExpression plain(QStringLiteral("^[A-Za-z0-9_.]+$"));
    static const QStringList keywords{QStringLiteral("and"), QStringLiteral("or"), QStringLiteral("not"),
        QStringLiteral("to")};
    QString written = value;
    if (!plain.match(value).hasMatch() || keywords.contains(value.toLower())) {
        written.replace(QLatin1Char('\\'), QLatin1String("\\\\"));
        written.replace(QLatin1Char('"'), QLatin1String("\\\""));
        written = QLatin1Char('"') + written + QLatin1Char('"');
    }
    return field + QLatin1Char(':') + written;
}
