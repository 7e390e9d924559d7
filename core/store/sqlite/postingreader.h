// SPDX-License-Identifier: MIT
#pragma once

#include <core/base/result.h>

#include <atomic>
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
    // Reads stop with ErrorCode::Cancelled between blocks once `*stop` is set (QueryContext::stop()).
    explicit PostingReader(sqlite3 *db, const std::atomic<bool> *stop = nullptr);

    // Calls visit(list) with the term's delta-encoded posting list of each segment that has it, in
    // segment order: segments cover increasing ids, so the lists concatenate.
    Result<void> forEachList(std::string_view term, const std::function<void(std::string_view)> &visit);
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
    bool stopped() const { return m_stop && m_stop->load(std::memory_order_relaxed); }

    sqlite3 *m_db;
    const std::atomic<bool> *m_stop;
};

} // namespace core
