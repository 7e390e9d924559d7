// SPDX-License-Identifier: MIT
#pragma once

#include <core/base/result.h>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

struct sqlite3;

namespace core {

// Reads the posting lists of the `postings` table (see postingblocks.h) on one connection.
class PostingReader
{
public:
    explicit PostingReader(sqlite3 *db);

    // Calls visit(list) with the term's delta-encoded posting list of each segment that has it, in
    // segment order: segments cover increasing ids, so the lists concatenate.
    Result<void> forEachList(std::string_view term, const std::function<void(std::string_view)> &visit);
    // Calls visit(term, list) for each of `terms` (sorted, distinct) with its list of each segment,
    // segment by segment: one pass over the blocks between the first and the last term, so it suits
    // many terms of one range (`duration=` values) rather than a few far apart.
    Result<void> forEachListIn(const std::vector<std::string> &terms,
                               const std::function<void(std::size_t term, std::string_view list)> &visit);
    // Calls visit(term, list) for every term in [lower, upper) (upper empty: no bound), segment by segment.
    Result<void> forEachListInRange(std::string_view lower, std::string_view upper,
                                    const std::function<void(std::string_view term, std::string_view list)> &visit);
    // The first string after every string that starts with `prefix`: the upper end of its range.
    static std::string prefixEnd(std::string_view prefix);
    // Every distinct term in [lower, upper) (upper empty: no bound), ascending.
    Result<std::vector<std::string>> termsInRange(std::string_view lower, std::string_view upper);
    // Every distinct term starting with `prefix`, ascending.
    Result<std::vector<std::string>> termsWithPrefix(std::string_view prefix);

private:
    Result<std::int64_t> segmentCount();

    sqlite3 *m_db;
};

} // namespace core
