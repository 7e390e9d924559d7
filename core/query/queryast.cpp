// SPDX-License-Identifier: MIT
#include "queryast.h"

namespace core {

namespace {

void appendQuoted(std::string &out, const std::string &text)
{
    out.push_back('"');
    for (const char c : text) {
        if (c == '"' || c == '\\')
            out.push_back('\\');
        out.push_back(c);
    }
    out.push_back('"');
}

void appendValue(std::string &out, const QueryValue &value)
{
    switch (value.kind) {
    case QueryValue::Kind::Term:
        appendQuoted(out, value.text);
        break;
    case QueryValue::Kind::Phrase:
        out += "phrase:";
        appendQuoted(out, value.text);
        break;
    case QueryValue::Kind::Wildcard:
        out += "glob:";
        appendQuoted(out, value.pattern);
        break;
    case QueryValue::Kind::Regex:
        out += "regex:";
        appendQuoted(out, value.pattern);
        break;
    }
}

void append(std::string &out, const QueryNode &node)
{
    switch (node.kind) {
    case QueryNode::Kind::All:
        out += "(all)";
        return;
    case QueryNode::Kind::And:
    case QueryNode::Kind::Or:
    case QueryNode::Kind::Not:
        out += node.kind == QueryNode::Kind::And ? "(and" : node.kind == QueryNode::Kind::Or ? "(or" : "(not";
        for (const QueryNode &child : node.children) {
            out.push_back(' ');
            append(out, child);
        }
        out.push_back(')');
        return;
    case QueryNode::Kind::Match:
        out += "(match ";
        out += node.field.empty() ? std::string("*text*") : node.field;
        out.push_back(' ');
        appendValue(out, node.value);
        out.push_back(')');
        return;
    case QueryNode::Kind::Range:
        out += "(range ";
        out += node.field;
        out += node.lowerInclusive ? " [" : " {";
        if (node.lower)
            appendValue(out, *node.lower);
        else
            out += "*";
        out += " ";
        if (node.upper)
            appendValue(out, *node.upper);
        else
            out += "*";
        out += node.upperInclusive ? "])" : "})";
        return;
    case QueryNode::Kind::Exists:
        out += "(exists " + node.field + ")";
        return;
    }
}

} // namespace

QueryNode QueryNode::phrase(std::string field, std::string text)
{
    QueryNode node;
    node.kind = Kind::Match;
    node.field = std::move(field);
    node.value.kind = QueryValue::Kind::Phrase;
    node.value.text = std::move(text);
    return node;
}

namespace {

QueryNode joined(QueryNode::Kind kind, std::vector<QueryNode> children)
{
    if (children.size() == 1)
        return std::move(children.front());
    QueryNode node;
    if (!children.empty()) {
        node.kind = kind;
        node.children = std::move(children);
    }
    return node;
}

} // namespace

QueryNode QueryNode::allOf(std::vector<QueryNode> children)
{
    return joined(Kind::And, std::move(children));
}

QueryNode QueryNode::anyOf(std::vector<QueryNode> children)
{
    return joined(Kind::Or, std::move(children));
}

std::string QueryNode::toString() const
{
    std::string out;
    append(out, *this);
    return out;
}

} // namespace core
