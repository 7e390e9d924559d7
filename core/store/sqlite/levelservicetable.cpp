// SPDX-License-Identifier: MIT
#include "levelservicetable.h"

#include "querycontext.h"
#include "timeorder.h"

#include <core/query/querymatcher.h>

namespace core {

Result<std::optional<LevelServiceTable>>
LevelServiceTable::make(QueryContext &context, const QueryFilter &filter,
                        const std::vector<const QueryFilter::Node *> &conditions)
{
    const TimeOrder *order = context.order();
    if (!order || conditions.empty())
        return std::optional<LevelServiceTable>();
    for (const QueryFilter::Node *node : conditions)
        if (!QueryFilter::isTimeLevelService(*node))
            return std::optional<LevelServiceTable>();
    auto serviceIds = context.serviceIds(filter);
    if (!serviceIds)
        return serviceIds.error();
    LevelServiceTable table;
    table.services = std::size_t{order->maxService()} + 1;
    table.holds.assign(LevelCount * table.services, 0);
    for (int level = 0; level < LevelCount; ++level)
        for (std::size_t service = 0; service < table.services; ++service) {
            bool all = true;
            for (const QueryFilter::Node *node : conditions) {
                const auto holds = QueryMatcher::levelServiceHolds(*node, level, static_cast<std::int64_t>(service),
                                                                   serviceIds.value());
                if (!holds)
                    return std::optional<LevelServiceTable>();
                all = all && *holds;
            }
            table.holds[static_cast<std::size_t>(level) * table.services + service] = all;
        }
    return std::optional<LevelServiceTable>(std::move(table));
}

} // namespace core
