// SPDX-License-Identifier: MIT
#include "storesummary.h"

#include <algorithm>
#include <limits>

namespace core {

Result<StoreSummary> StoreSummary::of(EventStore &store)
{
    StoreSummary summary;
    // Strictly after every event without a time: those sort first, at the smallest time.
    const EventKey noTime{std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max(),
                          std::numeric_limits<std::uint32_t>::max(), std::numeric_limits<std::uint32_t>::max()};
    if (auto first = store.events(noTime, 1); first && !first->empty())
        summary.firstNs = first->front().key.timeNs;
    if (auto last = store.events(std::nullopt, 1, Direction::Descending);
        last && !last->empty() && last->front().key.timeNs != NoTimeNs)
        summary.lastNs = last->front().key.timeNs;
    if (auto anchor = store.timeAnchor(); anchor && *anchor)
        summary.anchorNs = **anchor;

    auto &vocabulary = summary.vocabulary;
    for (const char *field : {"level", "service", "message", "request_id", "trace_id", "@timestamp"})
        vocabulary.emplace_back(field, std::vector<std::string>{});
    for (int level = static_cast<int>(Level::Trace); level <= static_cast<int>(Level::Fatal); ++level)
        vocabulary.front().second.emplace_back(levelName(static_cast<Level>(level)));
    // Without its catalogue a store still has its first-class fields to complete: a summary is worth
    // more than an error here.
    auto catalogue = store.fieldCatalogue();
    if (!catalogue)
        return summary;
    for (const FieldInfo &field : *catalogue) {
        auto entry = std::find_if(vocabulary.begin(), vocabulary.end(),
                                  [&](const auto &known) { return known.first == field.path; });
        if (entry == vocabulary.end()) {
            vocabulary.emplace_back(field.path, std::vector<std::string>{});
            entry = vocabulary.end() - 1;
        }
        for (const auto &[value, count] : field.topValues)
            if (std::find(entry->second.begin(), entry->second.end(), value) == entry->second.end())
                entry->second.push_back(value);
    }
    return summary;
}

} // namespace core
