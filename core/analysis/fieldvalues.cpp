// SPDX-License-Identifier: MIT
#include "fieldvalues.h"

#include <core/query/queryfilter.h>

#include <algorithm>

namespace core {

namespace {

QueryNode matchNode(const std::string &field, const std::string &value)
{
    QueryNode node;
    node.kind = QueryNode::Kind::Match;
    node.field = field;
    node.value.kind = QueryValue::Kind::Phrase;
    node.value.text = value;
    return node;
}

} // namespace

Result<FieldInfo> FieldValues::exactCounts(EventStore &store, const std::string &field,
                                           const std::vector<std::string> &candidates, std::size_t top,
                                           const Composer &compose)
{
    FieldInfo info;
    info.path = field;
    for (const std::string &value : candidates) {
        auto filter = compose(matchNode(field, value));
        if (!filter)
            continue;
        auto count = store.count(*filter);
        if (!count)
            return count.error();
        if (*count > 0) {
            info.events += *count;
            info.topValues.emplace_back(value, *count);
        }
    }
    std::stable_sort(info.topValues.begin(), info.topValues.end(),
                     [](const auto &a, const auto &b) { return a.second > b.second; });
    if (info.topValues.size() > top)
        info.topValues.resize(top);
    return info;
}

} // namespace core
