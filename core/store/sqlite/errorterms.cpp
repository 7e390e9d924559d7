// SPDX-License-Identifier: MIT
#include "errorterms.h"

#include "indexbuilder.h"
#include "postingblocks.h"
#include "postingreader.h"
#include "sqlite.h"
#include "storeprivate.h"
#include "varint.h"

#include <core/model/errorsignature.h>

#include <algorithm>
#include <map>
#include <unordered_map>

namespace core {

namespace {

using Ids = std::vector<std::int64_t>;

Result<Ids> idsOf(PostingReader &reader, const std::string &term)
{
    Ids ids;
    if (auto read = reader.forEachList(term, [&](std::string_view list) { varint::appendIds(list, ids); }); !read)
        return read.error();
    return ids;
}

} // namespace

Result<void> addMissingErrorTerms(sqlite3 *db)
{
    using Terms = IndexBuilder::ErrorTerms;
    PostingReader reader(db);
    auto stored = reader.termsWithPrefix(Terms::Service);
    if (!stored)
        return stored.error();
    if (!stored->empty())
        return {};

    Ids errors;
    for (const Level level : {Level::Error, Level::Fatal}) {
        auto ids = idsOf(reader, "@level=" + std::to_string(static_cast<int>(level)));
        if (!ids)
            return ids.error();
        errors.insert(errors.end(), ids->begin(), ids->end());
    }
    std::sort(errors.begin(), errors.end());
    errors.erase(std::unique(errors.begin(), errors.end()), errors.end());
    if (errors.empty())
        return {};

    // The first type path with a term for the event wins; under it, the least value (terms ascend).
    const std::vector<std::string> &typePaths = ErrorSignature::typePaths();
    std::vector<int> pathOf(errors.size(), -1);
    std::vector<std::string> typeOf(errors.size());
    for (std::size_t p = 0; p < typePaths.size(); ++p) {
        auto terms = reader.termsWithPrefix(typePaths[p] + "=");
        if (!terms)
            return terms.error();
        for (const std::string &term : terms.value()) {
            if (term.size() - typePaths[p].size() - 1 > IndexBuilder::MaxQualifiedValueBytes)
                continue;
            auto ids = idsOf(reader, term);
            if (!ids)
                return ids.error();
            for (const std::int64_t id : ids.value()) {
                const auto at = std::lower_bound(errors.begin(), errors.end(), id);
                if (at == errors.end() || *at != id)
                    continue;
                const auto i = static_cast<std::size_t>(at - errors.begin());
                if (pathOf[i] < 0) {
                    pathOf[i] = static_cast<int>(p);
                    typeOf[i] = term.substr(typePaths[p].size() + 1);
                }
            }
        }
    }

    auto services = readDictionary(db);
    if (!services)
        return services.error();
    auto rows = sql::Statement::prepare(
        db, "SELECT ts, coalesce(service, 0), coalesce(message, '') FROM events WHERE id = ?1");
    if (!rows)
        return rows.error();
    std::map<std::string, Ids> lists;
    std::string term;
    for (std::size_t i = 0; i < errors.size(); ++i) {
        rows->reset();
        rows->bind(1, errors[i]);
        auto row = rows->step();
        if (!row)
            return row.error();
        if (!*row)
            continue;
        Terms::signature(term, pathOf[i] < 0 ? nullptr : &typePaths[static_cast<std::size_t>(pathOf[i])], typeOf[i],
                         rows->view(2));
        if (term.size() <= Terms::MaxSignatureTermBytes)
            lists[term].push_back(errors[i]);
        const auto service = services->find(rows->integer(1));
        lists[std::string(Terms::Service) + (service == services->end() ? std::string() : service->second)].push_back(
            errors[i]);
        Terms::minute(term, rows->integer(0));
        lists[term].push_back(errors[i]);
    }

    PostingSegment segment;
    for (const auto &[text, ids] : lists) {
        std::string encoded;
        std::int64_t previous = 0;
        for (const std::int64_t id : ids) {
            varint::append(encoded, static_cast<std::uint64_t>(id - previous));
            previous = id;
        }
        segment.terms.emplace_back(text, std::move(encoded));
    }
    auto number = sql::queryInteger(db, "SELECT coalesce(max(segment), 0) + 1 FROM postings");
    auto insert = sql::Statement::prepare(db, "INSERT INTO postings(segment, first_term, data) VALUES (?1, ?2, ?3)");
    if (!number)
        return number.error();
    if (!insert)
        return insert.error();
    for (const postingblocks::Block &block : postingblocks::pack(segment)) {
        insert->bind(1, *number).bind(2, block.firstTerm).bindBlob(3, block.data);
        if (auto inserted = insert->run(); !inserted)
            return inserted;
    }
    return {};
}

} // namespace core
