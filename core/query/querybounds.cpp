// SPDX-License-Identifier: MIT
#include "querybounds.h"

#include <algorithm>

namespace core {

QueryBounds QueryBounds::of(const QueryFilter::Node &root, std::vector<const QueryFilter::Node *> *rest)
{
    using Node = QueryFilter::Node;
    QueryBounds bounds;
    const auto take = [&](const Node &node) {
        if (node.kind == Node::Kind::Time) {
            bounds.begin = std::max(bounds.begin, node.timeBegin);
            bounds.end = std::min(bounds.end, node.timeEnd);
        } else if (node.kind != Node::Kind::All && rest) {
            rest->push_back(&node);
        }
    };
    if (root.kind == Node::Kind::And)
        for (const Node &child : root.children)
            take(child);
    else
        take(root);
    return bounds;
}

static void collectEdges(const QueryFilter::Node &node, std::vector<std::int64_t> &edges)
{
    if (node.kind == QueryFilter::Node::Kind::Time) {
        edges.push_back(node.timeBegin);
        edges.push_back(node.timeEnd);
    }
    for (const QueryFilter::Node &child : node.children)
        collectEdges(child, edges);
}

std::vector<std::int64_t> QueryBounds::edges(const QueryFilter::Node &root)
{
    std::vector<std::int64_t> edges;
    collectEdges(root, edges);
    return edges;
}

std::optional<std::int64_t> QueryBounds::userBegin() const
{
    // The greatest lower bound is HasTimeNs only when no condition set a real one.
    return begin > HasTimeNs ? std::optional<std::int64_t>(begin) : std::nullopt;
}

std::optional<std::int64_t> QueryBounds::userEnd() const
{
    return end != INT64_MAX ? std::optional<std::int64_t>(end) : std::nullopt;
}

} // namespace core
