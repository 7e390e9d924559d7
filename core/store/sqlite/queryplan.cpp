// SPDX-License-Identifier: MIT
#include "queryplan.h"

#include "levelservicetable.h"
#include "postingplanner.h"
#include "querycontext.h"
#include "tailscan.h"
#include "timeorder.h"

#include <algorithm>

namespace core {

using Node = QueryFilter::Node;
using Column = QueryFilter::Column;

std::vector<EventRow> QueryPlan::withTail(std::vector<EventRow> page, std::vector<EventRow> tail,
                                          std::optional<EventKey> after, std::size_t limit, Direction direction)
{
    const bool ascending = direction == Direction::Ascending;
    for (EventRow &row : tail)
        if (!after || (ascending ? row.key > *after : row.key < *after))
            page.push_back(std::move(row));
    std::sort(page.begin(), page.end(),
              [&](const EventRow &a, const EventRow &b) { return ascending ? a.key < b.key : b.key < a.key; });
    if (page.size() > limit)
        page.resize(limit);
    return page;
}

Result<QueryPlan> QueryPlan::make(QueryContext &context, const QueryFilter &filter)
{
    QueryPlan plan;
    PostingPlanner planner(context);
    std::vector<const Node *> rest;
    // Top-level time conditions become bounds on the time index; the rest is evaluated as id sets.
    plan.bounds = QueryBounds::of(filter.root(), &rest);
    std::optional<IdSet> set;
    std::stable_partition(rest.begin(), rest.end(), [](const Node *n) {
        return !(n->kind == Node::Kind::Match && (n->column == Column::Text || n->column == Column::Message));
    });
    // With the order's arrays, conditions on level and service test the other conditions' candidates
    // instead of decoding their own posting lists, when the others leave a list to test.
    std::vector<const Node *> levelService;
    if (rest.size() > 1 && context.order()) {
        const auto split = std::stable_partition(rest.begin(), rest.end(),
                                                 [](const Node *n) { return !QueryFilter::isTimeLevelService(*n); });
        levelService.assign(split, rest.end());
        rest.erase(split, rest.end());
    }
    for (const Node *node : rest) {
        auto evaluated = planner.evaluate(*node, set && !set->complement ? &set->ids : nullptr);
        if (!evaluated)
            return evaluated.error();
        set = set ? IdSet::both(std::move(*set), std::move(evaluated.value())) : std::move(evaluated.value());
    }
    if (!levelService.empty()) {
        auto table = set && !set->complement
            ? LevelServiceTable::make(context, filter, levelService)
            : Result<std::optional<LevelServiceTable>>(std::optional<LevelServiceTable>());
        if (!table)
            return table.error();
        if (table->has_value()) {
            const TimeOrder &order = *context.order();
            std::erase_if(set->ids, [&](std::int64_t id) {
                const std::uint32_t rank = order.rankOf(id);
                return rank == TimeOrder::NoRank || !(*table)->at(order, rank);
            });
        } else {
            for (const Node *node : levelService) {
                auto evaluated = planner.evaluate(*node, set && !set->complement ? &set->ids : nullptr);
                if (!evaluated)
                    return evaluated.error();
                set = set ? IdSet::both(std::move(*set), std::move(evaluated.value())) : std::move(evaluated.value());
            }
        }
    }
    plan.set = set ? std::move(*set) : IdSet{{}, true};
    if (!plan.set.complement)
        plan.set.ids = context.restrictLive(std::move(plan.set.ids));
    auto tail = TailScan(context).tailMatches(filter, plan.bounds);
    if (!tail)
        return tail.error();
    plan.tail = std::move(tail.value());
    return plan;
}

} // namespace core
