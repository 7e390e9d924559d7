// SPDX-License-Identifier: MIT
#include "indexbuilder.h"

#include <core/model/errorsignature.h>
#include <core/model/normalize.h>
#include <core/model/tokenizer.h>

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>

namespace core {

namespace {

constexpr std::size_t MaxTrackedValues = 1000;
constexpr std::uint64_t ValueSampleAfter = 65536;
constexpr std::uint64_t ValueSampleStride = 16;
constexpr std::size_t TopValues = 10;
constexpr std::int64_t NoTimeSecond = NoTimeNs / IndexBuilder::BucketNs;
// 2^23 bits (1 MiB) count distinct uncatalogued paths to within about 2 % up to ten million.
constexpr std::size_t UncataloguedBits = std::size_t{1} << 23;

std::int64_t floorDiv(std::int64_t value, std::int64_t divisor)
{
    const std::int64_t quotient = value / divisor;
    return (value % divisor != 0 && value < 0) ? quotient - 1 : quotient;
}

} // namespace

void IndexBuilder::addTerm(std::string_view term, std::int64_t id)
{
    m_postings.add(term, id);
}

void IndexBuilder::addTokens(std::string_view text, std::int64_t id)
{
    forEachToken(text, m_scratch, [&](std::string_view token) { addTerm(token, id); });
}

void IndexBuilder::addQualified(std::string_view path, std::string_view value, std::int64_t id)
{
    if (value.size() > MaxQualifiedValueBytes)
        return;
    m_term.assign(path);
    m_term.push_back('=');
    m_term.append(value);
    addTerm(m_term, id);
}

// The signature as grouping event by event finds it (SqliteStore::errorEvents from the `path=value` terms):
// the first type path that has a term for the event, and of several values under it the least; else
// the masked message. So a path's value counts only where its `path=value` term exists.
void IndexBuilder::addErrorTerms(const RecordBatch &batch, const Record &record, std::int64_t id)
{
    const std::vector<std::string> &typePaths = ErrorSignature::typePaths();
    std::size_t bestPath = typePaths.size();
    std::string_view bestValue;
    for (std::uint32_t i = 0; i < record.fieldCount; ++i) {
        const Field &field = batch.fields[record.fieldBegin + i];
        if (field.value.size() > MaxQualifiedValueBytes)
            continue;
        // Only paths up to the best one so far can change it.
        const std::size_t limit = std::min(bestPath + 1, typePaths.size());
        const auto path
            = std::find(typePaths.begin(), typePaths.begin() + static_cast<std::ptrdiff_t>(limit), field.path);
        const auto index = static_cast<std::size_t>(path - typePaths.begin());
        if (index == limit || (index == bestPath && field.value >= bestValue))
            continue;
        if (!policyOf(field.path).indexQualified)
            continue;
        bestPath = index;
        bestValue = field.value;
    }
    ErrorTerms::signature(m_term, bestPath < typePaths.size() ? &typePaths[bestPath] : nullptr, bestValue,
                          record.message);
    if (m_term.size() <= ErrorTerms::MaxSignatureTermBytes)
        addTerm(m_term, id);
    m_term.assign(ErrorTerms::Service);
    m_term.append(record.service);
    addTerm(m_term, id);
    ErrorTerms::minute(m_term, record.hasTime ? record.timeNs : NoTimeNs);
    addTerm(m_term, id);
}

void IndexBuilder::ErrorTerms::signature(std::string &out, const std::string *path, std::string_view type,
                                         std::string_view message)
{
    // An empty type counts as the path's, but the message signs the event (ErrorSignature::of).
    const bool typed = path && !type.empty();
    out.assign(Signature);
    out.append(typed ? TypeKind : MessageKind);
    if (path)
        out.append(*path);
    out.push_back('=');
    if (typed)
        out.append(type);
    else
        out.append(ErrorSignature::mask(message));
}

void IndexBuilder::ErrorTerms::minute(std::string &out, std::int64_t timeNs)
{
    out.assign(Minute);
    char digits[24];
    out.append(digits, std::to_chars(digits, digits + sizeof digits, floorDiv(timeNs, MinuteNs)).ptr);
}

IndexBuilder::FieldPolicy IndexBuilder::policyFor(std::string_view path)
{
    // A record's time is its ts column and its message is tokenized once as the message:
    // indexing those fields again would double the index for nothing a query needs.
    const normalize::Role role = normalize::roleOfKey(path);
    FieldPolicy policy;
    policy.indexQualified = role != normalize::Role::Time && role != normalize::Role::Message;
    policy.indexTokens = policy.indexQualified && role != normalize::Role::Level;
    return policy;
}

IndexBuilder::FieldPolicy IndexBuilder::policyOf(std::string_view path)
{
    if (const auto found = m_fields.find(path); found != m_fields.end())
        return found->second.policy;
    if (m_fields.size() >= MaxCataloguedPaths)
        return policyFor(path);
    return statsOf(path)->policy;
}

IndexBuilder::FieldStats *IndexBuilder::statsOf(std::string_view path)
{
    auto stats = m_fields.find(path);
    if (stats != m_fields.end())
        return &stats->second;
    if (m_fields.size() >= MaxCataloguedPaths) {
        if (m_uncataloguedBits.empty())
            m_uncataloguedBits.assign(UncataloguedBits / 64, 0);
        const std::size_t bit = std::hash<std::string_view>{}(path) % UncataloguedBits;
        m_uncataloguedBits[bit / 64] |= std::uint64_t{1} << (bit % 64);
        return nullptr;
    }
    FieldStats fresh;
    fresh.policy = policyFor(path);
    return &m_fields.emplace(std::string(path), std::move(fresh)).first->second;
}

std::uint64_t IndexBuilder::uncataloguedPaths() const
{
    if (m_uncataloguedBits.empty())
        return 0;
    std::size_t set = 0;
    for (const std::uint64_t word : m_uncataloguedBits)
        set += static_cast<std::size_t>(std::popcount(word));
    // Linear counting (Whang et al. 1990): n is about -m ln(share of bits still clear).
    const auto bits = static_cast<double>(UncataloguedBits);
    const double clear = std::max(1.0, bits - static_cast<double>(set));
    return static_cast<std::uint64_t>(std::llround(-bits * std::log(clear / bits)));
}

void IndexBuilder::addTerms(const RecordBatch &batch, std::int64_t firstId)
{
    std::int64_t id = firstId;
    for (const Record &record : batch.records) {
        addTokens(record.message, id);
        addTokens(record.extraText, id);
        addQualified("@level", std::string_view(&"0123456"[static_cast<int>(record.level)], 1), id);
        addQualified("@service", record.service, id);
        const std::string_view correlation = record.requestId.empty() ? record.traceId : record.requestId;
        if (!correlation.empty())
            addQualified("@rid", correlation, id);
        if (!record.requestId.empty())
            addQualified("@request_id", record.requestId, id);
        if (!record.traceId.empty())
            addQualified("@trace_id", record.traceId, id);
        if (!record.spanId.empty())
            addQualified("@span_id", record.spanId, id);
        for (std::uint32_t i = 0; i < record.fieldCount; ++i) {
            const Field &field = batch.fields[record.fieldBegin + i];
            const FieldPolicy policy = policyOf(field.path);
            if (policy.indexQualified)
                addQualified(field.path, field.value, id);
            if (policy.indexTokens && field.type == FieldType::String)
                addTokens(field.value, id);
        }
        if (record.level == Level::Error || record.level == Level::Fatal)
            addErrorTerms(batch, record, id);
        m_lastId = id;
        ++id;
    }
}

std::uint32_t IndexBuilder::serviceIndexOf(std::string_view service)
{
    // Runs of records from one service are the rule: compare with the last one before hashing.
    if (m_lastService && *m_lastService == service)
        return m_lastServiceIndex;
    auto found = m_serviceIndex.find(service);
    if (found == m_serviceIndex.end()) {
        found = m_serviceIndex.emplace(std::string(service), static_cast<std::uint32_t>(m_serviceNames.size())).first;
        m_serviceNames.emplace_back(service);
    }
    m_lastService = &found->first;
    m_lastServiceIndex = found->second;
    return m_lastServiceIndex;
}

void IndexBuilder::addStatistics(const RecordBatch &batch)
{
    for (const Record &record : batch.records) {
        for (std::uint32_t i = 0; i < record.fieldCount; ++i) {
            const Field &field = batch.fields[record.fieldBegin + i];
            FieldStats *found = statsOf(field.path);
            if (!found)
                continue;
            FieldStats &stats = *found;
            stats.types = static_cast<std::uint8_t>(stats.types | (1u << static_cast<int>(field.type)));
            ++stats.events;
            // Past the first ValueSampleAfter occurrences of a path its values are tallied one in
            // ValueSampleStride, each counting for the stride: the top values stay the top values, their
            // counts become estimates, and the parser thread stops spending a lookup on every field.
            const bool sampled = stats.events > ValueSampleAfter;
            if (sampled && (stats.events & (ValueSampleStride - 1)) != 0)
                continue;
            if (field.value.size() <= MaxQualifiedValueBytes) {
                const std::uint64_t weight = sampled ? ValueSampleStride : 1;
                auto value = stats.values.find(field.value);
                if (value != stats.values.end())
                    value->second += weight;
                else if (stats.values.size() < MaxTrackedValues && m_trackedValues < MaxTrackedValuesTotal) {
                    stats.values.emplace(std::string(field.value), weight);
                    ++m_trackedValues;
                }
            }
        }
        ++m_buckets[BucketKey{record.hasTime ? floorDiv(record.timeNs, BucketNs) : NoTimeSecond,
                              serviceIndexOf(record.service), static_cast<std::uint8_t>(record.level)}];
    }
}

PostingSegment IndexBuilder::takeSegment()
{
    return m_postings.take();
}

std::vector<BucketCount> IndexBuilder::takeBuckets()
{
    std::vector<BucketCount> counts;
    counts.reserve(m_buckets.size());
    for (const auto &[key, count] : m_buckets)
        counts.push_back(BucketCount{key.second == NoTimeSecond ? NoTimeNs : key.second * BucketNs,
                                     static_cast<Level>(key.level), m_serviceNames[key.service], count});
    m_buckets.clear();
    return counts;
}

std::map<std::string, FieldSummary> IndexBuilder::fieldSummaries() const
{
    std::map<std::string, FieldSummary> summaries;
    for (const auto &[path, stats] : m_fields) {
        FieldSummary summary{stats.types, stats.events, {}};
        summary.topValues.assign(stats.values.begin(), stats.values.end());
        const std::size_t keep = std::min(TopValues, summary.topValues.size());
        std::partial_sort(summary.topValues.begin(), summary.topValues.begin() + static_cast<std::ptrdiff_t>(keep),
                          summary.topValues.end(), [](const auto &a, const auto &b) {
                              return a.second != b.second ? a.second > b.second : a.first < b.first;
                          });
        summary.topValues.resize(keep);
        summaries.emplace(path, std::move(summary));
    }
    return summaries;
}

} // namespace core
