// SPDX-License-Identifier: MIT
#include "querymatcher.h"

#include <core/base/textformat.h>
#include <core/model/normalize.h>
#include <core/model/tokenizer.h>
#include "querypattern.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <tuple>

namespace core {

using Node = QueryFilter::Node;
using Column = QueryFilter::Column;

Result<QueryMatcher> QueryMatcher::make(const QueryFilter &filter)
{
    QueryMatcher matcher;
    if (auto compiled = matcher.compile(filter.root()); !compiled)
        return compiled.error();
    return matcher;
}

Result<void> QueryMatcher::compile(const Node &node)
{
    for (const Node &child : node.children)
        if (auto compiled = compile(child); !compiled)
            return compiled;
    if ((node.kind == Node::Kind::Match || node.kind == Node::Kind::Level) && node.hasValue == (node.kind == Node::Kind::Level)
        && node.value.kind == QueryValue::Kind::Regex) {
        // Tokens are lowercase: a regex over them ignores case; values are case-sensitive.
        const bool tokens = node.kind == Node::Kind::Level || node.column == Column::Text || node.column == Column::Message;
        auto regex = QueryRegex::make(node.value.pattern, tokens);
        if (!regex)
            return regex.error();
        m_regexes.emplace(&node, std::move(regex.value()));
    }
    if (node.kind == Node::Kind::Match && (node.column == Column::Text || node.column == Column::Message))
        m_sequences.emplace(&node, tokenPatterns(node.value));
    return {};
}

const QueryRegex *QueryMatcher::regexOf(const Node &node) const
{
    auto found = m_regexes.find(&node);
    return found == m_regexes.end() ? nullptr : &found->second;
}

// The sign and decimal exponent of a number's first significant digit: 1e400 is 400, 0.001 is -3.
static std::pair<bool, std::int64_t> magnitudeOf(std::string_view text)
{
    const bool negative = !text.empty() && text.front() == '-';
    std::int64_t magnitude = -1;
    bool significant = false;
    bool fraction = false;
    std::size_t i = negative ? 1 : 0;
    for (; i < text.size() && text[i] != 'e' && text[i] != 'E'; ++i) {
        if (text[i] == '.') {
            fraction = true;
        } else if (!significant && text[i] == '0') {
            magnitude -= fraction ? 1 : 0;
        } else if (!significant) {
            significant = true;
            magnitude += fraction ? 0 : 1;
        } else if (!fraction) {
            ++magnitude;
        }
    }
    if (!significant)
        return {negative, INT64_MIN};
    std::int64_t exponent = 0;
    if (i < text.size()) {
        const char *begin = text.data() + i + 1 + (text[i + 1] == '+');
        // An exponent past int64 is as good as infinite, either way; halved, the sum cannot overflow.
        if (std::from_chars(begin, text.data() + text.size(), exponent).ec == std::errc::result_out_of_range)
            exponent = *begin == '-' ? INT64_MIN / 2 : INT64_MAX / 2;
    }
    return {negative, magnitude + exponent};
}

const std::vector<QueryMatcher::TokenPattern> &QueryMatcher::sequenceOf(const Node &node) const
{
    static const std::vector<TokenPattern> none;
    auto found = m_sequences.find(&node);
    return found == m_sequences.end() ? none : found->second;
}

std::optional<double> QueryMatcher::numberOf(std::string_view text)
{
    double value = 0;
    const auto parsed = std::from_chars(text.data(), text.data() + text.size(), value);
    if (parsed.ptr != text.data() + text.size())
        return std::nullopt;
    if (parsed.ec == std::errc::result_out_of_range) {
        // A number past double's range is still a number: beyond every finite one, or next to zero.
        const auto [negative, magnitude] = magnitudeOf(text);
        const double limit = magnitude > 0 ? HUGE_VAL : 0.0;
        return negative ? -limit : limit;
    }
    if (parsed.ec != std::errc() || !std::isfinite(value))
        return std::nullopt;
    return value;
}

// As numbers when the bound and the value are numbers, else as text.
bool QueryMatcher::inRange(const Node &node, std::string_view value)
{
    const auto number = numberOf(value);
    for (const auto &[bound, inclusive, isLower] :
         {std::tuple{&node.lower, node.lowerInclusive, true}, std::tuple{&node.upper, node.upperInclusive, false}}) {
        if (!*bound)
            continue;
        const auto limit = numberOf((*bound)->text);
        int order = 0;
        if (limit) {
            if (!number)
                return false;
            order = *number < *limit ? -1 : *number > *limit ? 1 : 0;
        } else {
            const int compared = value.compare((*bound)->text);
            order = compared < 0 ? -1 : compared > 0 ? 1 : 0;
        }
        if (isLower ? (order < 0 || (order == 0 && !inclusive)) : (order > 0 || (order == 0 && !inclusive)))
            return false;
    }
    return true;
}

std::vector<QueryMatcher::TokenPattern> QueryMatcher::tokenPatterns(const QueryValue &value)
{
    std::vector<TokenPattern> patterns;
    std::string scratch;
    if (value.kind != QueryValue::Kind::Wildcard) {
        forEachToken(value.text, scratch, [&](std::string_view token) { patterns.push_back({std::string(token), false, false}); });
        return patterns;
    }
    TokenPattern current;
    const auto close = [&] {
        if (!current.text.empty()) {
            current.any = current.text.find_first_not_of('*') == std::string::npos;
            patterns.push_back(std::move(current));
        }
        current = {};
    };
    const std::string &pattern = value.pattern;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        const char c = pattern[i];
        if (c == '\\' && i + 1 < pattern.size()) {
            const auto literal = static_cast<unsigned char>(pattern[++i]);
            if (!isTokenByte(literal)) {
                close();
                continue;
            }
            current.text.push_back(static_cast<char>(literal >= 'A' && literal <= 'Z' ? literal + 32 : literal));
            continue;
        }
        if (c == '*' || c == '?') {
            current.text.push_back(c);
            current.glob = true;
            continue;
        }
        const auto byte = static_cast<unsigned char>(c);
        if (!isTokenByte(byte)) {
            close();
            continue;
        }
        current.text.push_back(static_cast<char>(byte >= 'A' && byte <= 'Z' ? byte + 32 : byte));
    }
    close();
    return patterns;
}

static bool tokenMatches(const QueryMatcher::TokenPattern &pattern, std::string_view token)
{
    return pattern.any || (pattern.glob ? globMatch(pattern.text, token) : pattern.text == token);
}

bool QueryMatcher::textHas(std::string_view text, const std::vector<TokenPattern> &sequence, const QueryRegex *regex)
{
    std::vector<std::string> tokens;
    std::string scratch;
    forEachToken(text, scratch, [&](std::string_view token) { tokens.emplace_back(token); });
    if (regex)
        return std::any_of(tokens.begin(), tokens.end(), [&](const std::string &token) { return regex->matches(token); });
    if (sequence.empty() || tokens.size() < sequence.size())
        return false;
    for (std::size_t start = 0; start + sequence.size() <= tokens.size(); ++start) {
        std::size_t k = 0;
        while (k < sequence.size() && tokenMatches(sequence[k], tokens[start + k]))
            ++k;
        if (k == sequence.size())
            return true;
    }
    return false;
}

bool QueryMatcher::valueMatches(const QueryValue &value, const QueryRegex *regex, std::string_view text)
{
    switch (value.kind) {
    case QueryValue::Kind::Term:
    case QueryValue::Kind::Phrase:
        return text == value.text;
    case QueryValue::Kind::Wildcard:
        return globMatch(value.pattern, text);
    case QueryValue::Kind::Regex:
        return regex && regex->matches(text);
    }
    return false;
}

std::string QueryMatcher::serviceKey(const QueryValue &value)
{
    return value.pattern + '\n' + value.text;
}

std::optional<bool> QueryMatcher::levelServiceHolds(const Node &node, int level, std::int64_t service, const ServiceIds &serviceIds)
{
    switch (node.kind) {
    case Node::Kind::All:
        return true;
    case Node::Kind::None:
        return false;
    case Node::Kind::Time:
        return std::nullopt;
    case Node::Kind::Not: {
        const auto inner = levelServiceHolds(node.children.front(), level, service, serviceIds);
        return inner ? std::optional<bool>(!*inner) : std::nullopt;
    }
    case Node::Kind::And:
    case Node::Kind::Or: {
        const bool isAnd = node.kind == Node::Kind::And;
        bool result = isAnd;
        for (const Node &child : node.children) {
            const auto holds = levelServiceHolds(child, level, service, serviceIds);
            if (!holds)
                return std::nullopt;
            result = isAnd ? result && *holds : result || *holds;
        }
        return result;
    }
    case Node::Kind::Level:
        return (node.levels & (1u << level)) != 0;
    default: {
        const auto found = serviceIds.find(serviceKey(node.value));
        return found != serviceIds.end() && std::find(found->second.begin(), found->second.end(), service) != found->second.end();
    }
    }
}

Result<bool> QueryMatcher::matches(const Node &node, const EventRow &event, FieldReader &reader) const
{
    switch (node.kind) {
    case Node::Kind::All:
        return true;
    case Node::Kind::None:
        return false;
    case Node::Kind::Not: {
        auto inner = matches(node.children.front(), event, reader);
        if (!inner)
            return inner;
        return !*inner;
    }
    case Node::Kind::And:
    case Node::Kind::Or: {
        const bool isAnd = node.kind == Node::Kind::And;
        for (const Node &child : node.children) {
            auto hit = matches(child, event, reader);
            if (!hit)
                return hit;
            if (*hit != isAnd)
                return !isAnd;
        }
        return isAnd;
    }
    case Node::Kind::Time:
        return event.key.timeNs >= node.timeBegin && event.key.timeNs < node.timeEnd;
    case Node::Kind::Level: {
        if (node.levels & (1u << static_cast<int>(event.level)))
            return true;
        if (!node.hasValue || event.levelText.empty())
            return false;
        const std::string text = asciiLower(event.levelText);
        switch (node.value.kind) {
        case QueryValue::Kind::Wildcard: return globMatch(asciiLower(node.value.pattern), text);
        case QueryValue::Kind::Regex: return regexOf(node) && regexOf(node)->matches(text);
        default: return text == asciiLower(node.value.text);
        }
    }
    default:
        break;
    }
    const std::string_view column = node.column == Column::Service ? std::string_view(event.service)
        : node.column == Column::RequestId                            ? std::string_view(event.requestId)
        : node.column == Column::TraceId                              ? std::string_view(event.traceId)
        : node.column == Column::SpanId                               ? std::string_view(event.spanId)
                                                                      : std::string_view();
    const bool firstClass = node.column == Column::Service || node.column == Column::RequestId
        || node.column == Column::TraceId || node.column == Column::SpanId;
    if (node.kind == Node::Kind::Exists) {
        if (firstClass)
            return !column.empty();
        if (node.column == Column::Message || node.column == Column::Text)
            return !event.message.empty();
        if (node.column == Column::Level)
            return event.level != Level::Unknown;
        if (node.column == Column::Time)
            return event.key.timeNs != NoTimeNs;
    }
    if (node.kind == Node::Kind::Match && firstClass)
        return !column.empty() && valueMatches(node.value, regexOf(node), column);
    if (node.kind == Node::Kind::Match && (node.column == Column::Text || node.column == Column::Message)) {
        const std::vector<TokenPattern> &sequence = sequenceOf(node);
        const QueryRegex *regex = node.value.kind == QueryValue::Kind::Regex ? regexOf(node) : nullptr;
        if (textHas(event.message, sequence, regex))
            return true;
        if (node.column == Column::Message)
            return false;
        // Free text also matches continuation lines and string values (not key names).
        auto fields = reader.fields();
        if (!fields)
            return fields.error();
        if (!*fields)
            return false;
        if (textHas((*fields)->extraText, sequence, regex))
            return true;
        for (const Field &field : (*fields)->values) {
            if (field.type != FieldType::String)
                continue;
            const normalize::Role role = normalize::roleOfKey(field.path);
            if (role == normalize::Role::Time || role == normalize::Role::Message || role == normalize::Role::Level)
                continue;
            if (textHas(field.value, sequence, regex))
                return true;
        }
        return false;
    }
    // A record path: its values come from the record.
    auto fields = reader.fields();
    if (!fields)
        return fields.error();
    if (!*fields)
        return false;
    for (const Field &field : (*fields)->values) {
        if (field.path != node.path)
            continue;
        if (node.kind == Node::Kind::Exists)
            return true;
        if (node.kind == Node::Kind::Range ? inRange(node, field.value) : valueMatches(node.value, regexOf(node), field.value))
            return true;
    }
    return false;
}

} // namespace core
