// SPDX-License-Identifier: MIT
#pragma once

#include "idset.h"

#include <core/query/queryfilter.h>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace core {

class QueryContext;

// Turns a filter's conditions into id sets from the posting lists: equality on the first-class
// columns from their `@` terms, free text from its tokens' lists, globs, regexes and ranges from the
// terms they match. Candidates that the lists cannot decide (phrases, token sequences, the message
// alone) are verified on their rows.
class PostingPlanner
{
public:
    explicit PostingPlanner(QueryContext &context);

    // The ids `node` matches among the live indexed events; `candidates` (if given) may narrow the
    // ones that need row checks.
    Result<IdSet> evaluate(const QueryFilter::Node &node, const Ids *candidates);
    // One term's posting list.
    Result<Ids> postings(const std::string &term);
    Result<std::vector<std::string>> termsWithPrefix(const std::string &prefix);

private:
    // A few terms' lists, united.
    Result<Ids> uniteTerms(const std::vector<std::string> &terms);
    // The ids of every term starting with `prefix` that `wanted` accepts, in one pass over the posting
    // blocks: no list of the terms is held, so a wildcard or regex over millions of distinct tokens
    // takes the memory of the ids it finds alone.
    Result<Ids> uniteMatching(const std::string &prefix, const std::function<bool(std::string_view term)> &wanted);
    Result<Ids> evaluateLeaf(const QueryFilter::Node &node, const Ids *candidates);
    Result<Ids> tokenCandidates(const QueryFilter::Node &node);
    Result<Ids> valueTerms(const QueryFilter::Node &node);
    Result<Ids> levelIds(const QueryFilter::Node &node);
    Result<Ids> scanIds(const std::string &where, std::int64_t a, std::int64_t b);
    Result<Ids> verify(const QueryFilter::Node &node, const Ids &candidates);

    QueryContext &m_context;
};

} // namespace core
