// SPDX-License-Identifier: MIT
#include "queryfilter.h"

#include "querybounds.h"
#include <core/model/normalize.h>
#include "querypattern.h"
#include "queryregex.h"
#include "queryparser.h"

#include <algorithm>
#include <charconv>
#include <tuple>

namespace core {

namespace {

using Node = QueryFilter::Node;

Error valueError(const QueryValue &value, const std::string &what, std::string_view text)
{
    Error error = makeError(ErrorCode::Query, what + " at column " + std::to_string(QueryParser::columnOf(text, value.offset)));
    error.offset = value.offset;
    error.length = std::max<std::int64_t>(1, value.length);
    return error;
}

// A level word or number as the import reads it: `warning`, `WARN` and pino's `40` are all warn.
Level levelOfValue(std::string_view text)
{
    if (text == "unknown")
        return Level::Unknown;
    const Level level = normalize::levelFromText(text);
    if (level != Level::Unknown)
        return level;
    std::int64_t number = 0;
    const auto parsed = std::from_chars(text.data(), text.data() + text.size(), number);
    if (parsed.ec == std::errc() && parsed.ptr == text.data() + text.size() && number >= 10)
        return normalize::levelFromNumber(number, normalize::NumericLevelScale::PinoBunyan);
    return Level::Unknown;
}

std::uint8_t bitOf(Level level)
{
    return static_cast<std::uint8_t>(1u << static_cast<int>(level));
}

class Compiler
{
public:
    Compiler(const QueryTime &time, std::string_view text)
        : m_time(time)
        , m_text(text)
    {
    }

    Result<Node> compile(const QueryNode &query)
    {
        Node node;
        switch (query.kind) {
        case QueryNode::Kind::All:
            return node;
        case QueryNode::Kind::And:
        case QueryNode::Kind::Or:
        case QueryNode::Kind::Not:
            node.kind = query.kind == QueryNode::Kind::And ? Node::Kind::And : query.kind == QueryNode::Kind::Or ? Node::Kind::Or : Node::Kind::Not;
            for (const QueryNode &child : query.children) {
                auto compiled = compile(child);
                if (!compiled)
                    return compiled.error();
                // `a and (b and c)` is one list, `not not a` is a: the same meaning, less deep.
                if (node.kind != Node::Kind::Not && compiled->kind == node.kind) {
                    for (Node &grandchild : compiled->children)
                        node.children.push_back(std::move(grandchild));
                } else if (node.kind == Node::Kind::Not && compiled->kind == Node::Kind::Not) {
                    return std::move(compiled->children.front());
                } else {
                    node.children.push_back(std::move(compiled.value()));
                }
            }
            return node;
        case QueryNode::Kind::Exists:
            node.kind = Node::Kind::Exists;
            node.column = QueryFilter::columnOf(query.field);
            node.path = query.field;
            return node;
        case QueryNode::Kind::Match:
            return match(query);
        case QueryNode::Kind::Range:
            return range(query);
        }
        return node;
    }

private:
    Result<Node> match(const QueryNode &query)
    {
        Node node;
        node.kind = Node::Kind::Match;
        node.column = query.field.empty() ? QueryFilter::Column::Text : QueryFilter::columnOf(query.field);
        node.path = query.field;
        node.value = query.value;
        if (node.column == QueryFilter::Column::Time) {
            if (query.value.kind != QueryValue::Kind::Term && query.value.kind != QueryValue::Kind::Phrase)
                return valueError(query.value, std::string(QueryTime::ExpectedDate) + " for '" + query.field + "'", m_text);
            const auto interval = m_time.resolve(query.value.text);
            if (!interval)
                return valueError(query.value, std::string(QueryTime::ExpectedDate), m_text);
            node.kind = Node::Kind::Time;
            node.timeBegin = interval->begin;
            node.timeEnd = interval->end;
            return node;
        }
        if (node.column == QueryFilter::Column::Level) {
            node.kind = Node::Kind::Level;
            node.hasValue = true;
            const std::string lower = asciiLower(query.value.text);
            switch (query.value.kind) {
            case QueryValue::Kind::Term:
            case QueryValue::Kind::Phrase:
                if (const Level level = levelOfValue(lower); level != Level::Unknown || lower == "unknown")
                    node.levels = bitOf(level);
                break;
            case QueryValue::Kind::Wildcard:
                for (int level = 0; level < LevelCount; ++level)
                    if (globMatch(asciiLower(query.value.pattern), levelName(static_cast<Level>(level))))
                        node.levels = static_cast<std::uint8_t>(node.levels | bitOf(static_cast<Level>(level)));
                break;
            case QueryValue::Kind::Regex: {
                auto regex = compileRegex(query.value, true);
                if (!regex)
                    return regex.error();
                for (int level = 0; level < LevelCount; ++level)
                    if (regex->matches(levelName(static_cast<Level>(level))))
                        node.levels = static_cast<std::uint8_t>(node.levels | bitOf(static_cast<Level>(level)));
                break;
            }
            }
            return node;
        }
        if (query.value.kind == QueryValue::Kind::Regex) {
            if (auto regex = compileRegex(query.value, false); !regex)
                return regex.error();
        }
        return node;
    }

    Result<QueryRegex> compileRegex(const QueryValue &value, bool icase)
    {
        auto regex = QueryRegex::make(value.pattern, icase);
        if (!regex)
            return valueError(value, "expected a valid regex (" + regex.error().message + ")", m_text);
        return regex;
    }

    Result<Node> range(const QueryNode &query)
    {
        Node node;
        node.column = QueryFilter::columnOf(query.field);
        node.path = query.field;
        if (node.column == QueryFilter::Column::Time) {
            node.kind = Node::Kind::Time;
            node.timeBegin = HasTimeNs; // events without a time (NoTimeNs) are in no range
            node.timeEnd = INT64_MAX;
            for (const auto &[bound, inclusive, isLower] :
                 {std::tuple{&query.lower, query.lowerInclusive, true}, std::tuple{&query.upper, query.upperInclusive, false}}) {
                if (!*bound)
                    continue;
                const auto interval = m_time.resolve((*bound)->text);
                if (!interval)
                    return valueError(**bound, std::string(QueryTime::ExpectedDate), m_text);
                if (isLower)
                    node.timeBegin = inclusive ? interval->begin : interval->end;
                else
                    node.timeEnd = inclusive ? interval->end : interval->begin;
            }
            return node;
        }
        if (node.column == QueryFilter::Column::Level) {
            node.kind = Node::Kind::Level;
            int from = 1;
            int to = LevelCount - 1;
            for (const auto &[bound, inclusive, isLower] :
                 {std::tuple{&query.lower, query.lowerInclusive, true}, std::tuple{&query.upper, query.upperInclusive, false}}) {
                if (!*bound)
                    continue;
                const Level level = levelOfValue(asciiLower((*bound)->text));
                if (level == Level::Unknown)
                    return valueError(**bound, "expected a level (trace, debug, info, warn, error, fatal)", m_text);
                const int value = static_cast<int>(level);
                if (isLower)
                    from = inclusive ? value : value + 1;
                else
                    to = inclusive ? value : value - 1;
            }
            for (int level = from; level <= to; ++level)
                node.levels = static_cast<std::uint8_t>(node.levels | bitOf(static_cast<Level>(level)));
            return node;
        }
        node.kind = Node::Kind::Range;
        node.lower = query.lower;
        node.upper = query.upper;
        node.lowerInclusive = query.lowerInclusive;
        node.upperInclusive = query.upperInclusive;
        return node;
    }

    const QueryTime &m_time;
    std::string_view m_text;
};

bool timeLevelService(const Node &node)
{
    switch (node.kind) {
    case Node::Kind::All:
    case Node::Kind::None:
    case Node::Kind::Time:
        return true;
    case Node::Kind::Level:
        // The original text is in no bucket: only values that are level words answer from them.
        return !node.hasValue || (node.levels != 0 && node.value.kind != QueryValue::Kind::Regex
                                  && node.value.kind != QueryValue::Kind::Wildcard && levelOfValue(asciiLower(node.value.text)) != Level::Unknown);
    case Node::Kind::Match:
        return node.column == QueryFilter::Column::Service;
    case Node::Kind::And:
    case Node::Kind::Or:
    case Node::Kind::Not:
        for (const Node &child : node.children)
            if (!timeLevelService(child))
                return false;
        return true;
    default:
        return false;
    }
}

} // namespace

QueryFilter::Column QueryFilter::columnOf(std::string_view field)
{
    if (field.empty())
        return Column::Text;
    if (field == "@timestamp" || field == "timestamp" || field == "time")
        return Column::Time;
    if (field == "level")
        return Column::Level;
    if (field == "message" || field == "msg" || field == "event")
        return Column::Message;
    if (field == "service")
        return Column::Service;
    switch (normalize::roleOfKey(field)) {
    case normalize::Role::RequestId:
        return Column::RequestId;
    case normalize::Role::TraceId:
        return Column::TraceId;
    case normalize::Role::SpanId:
        return Column::SpanId;
    default:
        return Column::Path;
    }
}

Result<QueryFilter> QueryFilter::compile(const QueryNode &query, const QueryTime &time)
{
    return compileWithText(query, time, {});
}

Result<QueryFilter> QueryFilter::fromText(std::string_view text, const QueryTime &time)
{
    auto parsed = QueryParser::parse(text);
    if (!parsed)
        return parsed.error();
    return compileWithText(parsed.value(), time, text);
}

Result<QueryFilter> QueryFilter::compileWithText(const QueryNode &query, const QueryTime &time, std::string_view text)
{
    auto root = Compiler(time, text).compile(query);
    if (!root)
        return root.error();
    QueryFilter filter;
    filter.m_root = std::move(root.value());
    return filter;
}

// How deep the tree nests once each list of n children is split in halves (log2 n levels).
static int splitDepth(const Node &node)
{
    int deepest = 0;
    for (const Node &child : node.children)
        deepest = std::max(deepest, splitDepth(child));
    int halves = 0;
    for (std::size_t n = node.children.size(); n > 1; n = (n + 1) / 2)
        ++halves;
    return deepest + std::max(halves, node.kind == Node::Kind::Not ? 1 : 0);
}

bool QueryFilter::onlyTimeLevelService() const
{
    return timeLevelService(m_root) && splitDepth(m_root) <= MaxConditionDepth;
}

bool QueryFilter::isTimeLevelService(const Node &node)
{
    return timeLevelService(node);
}

} // namespace core
