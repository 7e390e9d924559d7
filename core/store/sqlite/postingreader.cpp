// SPDX-License-Identifier: MIT
#include "postingreader.h"

#include "postingblocks.h"
#include "sqlite.h"

#include <algorithm>

namespace core {

PostingReader::PostingReader(sqlite3 *db, const std::atomic<bool> *stop)
    : m_db(db)
    , m_stop(stop)
{ }

Result<std::int64_t> PostingReader::segmentCount()
{
    return sql::queryInteger(m_db, "SELECT coalesce(max(segment), 0) FROM postings");
}

Result<void> PostingReader::forEachList(std::string_view term, const std::function<void(std::string_view)> &visit)
{
    auto segments = segmentCount();
    if (!segments)
        return segments.error();
    // The block that may hold the term is the last one of its segment starting at or before it.
    auto statement = sql::Statement::prepare(
        m_db, "SELECT data FROM postings WHERE segment = ?1 AND first_term <= ?2 ORDER BY first_term DESC LIMIT 1");
    if (!statement)
        return statement.error();
    for (std::int64_t segment = 1; segment <= *segments; ++segment) {
        if (stopped())
            return makeError(ErrorCode::Cancelled, "interrupted");
        statement->reset();
        statement->bind(1, segment).bind(2, term);
        auto row = statement->step();
        if (!row)
            return row.error();
        if (!*row)
            continue;
        const bool readable
            = postingblocks::forEach(statement->view(0), [&](std::string_view blockTerm, std::string_view ids) {
                  if (blockTerm < term)
                      return true;
                  if (blockTerm == term)
                      visit(ids);
                  return false;
              });
        if (!readable)
            return makeError(ErrorCode::Store, "the store is damaged (a posting block does not decode)");
    }
    return {};
}

Result<void>
PostingReader::forEachListInRange(std::string_view lower, std::string_view upper,
                                  const std::function<void(std::string_view term, std::string_view list)> &visit)
{
    auto segments = segmentCount();
    if (!segments)
        return segments.error();
    auto first = sql::Statement::prepare(
        m_db,
        "SELECT first_term FROM postings WHERE segment = ?1 AND first_term <= ?2 ORDER BY first_term DESC LIMIT 1");
    auto blocks = sql::Statement::prepare(
        m_db, "SELECT first_term, data FROM postings WHERE segment = ?1 AND first_term >= ?2 ORDER BY first_term");
    if (!first || !blocks)
        return sql::storeError(m_db, "reading posting blocks");
    for (std::int64_t segment = 1; segment <= *segments; ++segment) {
        // The block that may hold `lower` is the last one starting at or before it.
        first->reset();
        first->bind(1, segment).bind(2, lower);
        auto row = first->step();
        if (!row)
            return row.error();
        const std::string start = *row ? first->text(0) : std::string(lower);
        blocks->reset();
        blocks->bind(1, segment).bind(2, start);
        while (true) {
            auto block = blocks->step();
            if (!block)
                return block.error();
            if (!*block || (!upper.empty() && blocks->view(0) >= upper))
                break;
            if (stopped())
                return makeError(ErrorCode::Cancelled, "interrupted");
            bool pastUpper = false;
            const bool readable
                = postingblocks::forEach(blocks->view(1), [&](std::string_view term, std::string_view list) {
                      if (!upper.empty() && term >= upper) {
                          pastUpper = true;
                          return false;
                      }
                      if (term >= lower)
                          visit(term, list);
                      return true;
                  });
            if (!readable)
                return makeError(ErrorCode::Store, "the store is damaged (a posting block does not decode)");
            if (pastUpper)
                break;
        }
    }
    return {};
}

Result<std::vector<std::string>> PostingReader::termsInRange(std::string_view lower, std::string_view upper)
{
    std::vector<std::string> terms;
    if (auto read
        = forEachListInRange(lower, upper, [&](std::string_view term, std::string_view) { terms.emplace_back(term); });
        !read)
        return read.error();
    std::sort(terms.begin(), terms.end());
    terms.erase(std::unique(terms.begin(), terms.end()), terms.end());
    return terms;
}

std::string PostingReader::prefixEnd(std::string_view prefix)
{
    // The first string after every string with this prefix: the prefix with its last byte raised.
    std::string upper(prefix);
    while (!upper.empty() && static_cast<unsigned char>(upper.back()) == 0xFF)
        upper.pop_back();
    if (!upper.empty())
        upper.back() = static_cast<char>(static_cast<unsigned char>(upper.back()) + 1);
    return upper;
}

Result<std::vector<std::string>> PostingReader::termsWithPrefix(std::string_view prefix)
{
    return termsInRange(prefix, prefixEnd(prefix));
}

} // namespace core
