// SPDX-License-Identifier: MIT
#include "indexbuilder.h"

#include "tokenizer.h"

#include <algorithm>

namespace core {

namespace {

constexpr std::size_t MaxTrackedValues = 1000;
constexpr std::size_t TopValues = 10;
// What a term costs besides its posting bytes: the node, the key and the string headers.
constexpr std::size_t TermOverheadBytes = 96;
constexpr std::int64_t NoTimeSecond = NoTimeNs / IndexBuilder::BucketNs;

void appendVarint(std::string &out, std::uint64_t value)
{
    while (value >= 0x80) {
        out.push_back(static_cast<char>((value & 0x7F) | 0x80));
        value >>= 7;
    }
    out.push_back(static_cast<char>(value));
}

std::int64_t floorDiv(std::int64_t value, std::int64_t divisor)
{
    const std::int64_t quotient = value / divisor;
    return (value % divisor != 0 && value < 0) ? quotient - 1 : quotient;
}

} // namespace

void IndexBuilder::addTerm(std::string_view term, std::int64_t id)
{
    auto found = m_postings.find(term);
    if (found == m_postings.end()) {
        found = m_postings.emplace(std::string(term), Posting{}).first;
        m_postingBytes += TermOverheadBytes + term.size();
    }
    Posting &posting = found->second;
    if (posting.lastId == id)
        return;
    const std::size_t before = posting.bytes.size();
    appendVarint(posting.bytes, static_cast<std::uint64_t>(id - posting.lastId));
    posting.lastId = id;
    m_postingBytes += posting.bytes.size() - before;
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

void IndexBuilder::add(const RecordBatch &batch, std::int64_t firstId)
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
            addQualified(field.path, field.value, id);
            if (field.type == FieldType::String && field.value.data() != record.message.data())
                addTokens(field.value, id);
            auto stats = m_fields.find(field.path);
            if (stats == m_fields.end())
                stats = m_fields.emplace(std::string(field.path), FieldStats{}).first;
            stats->second.types = static_cast<std::uint8_t>(stats->second.types | (1u << static_cast<int>(field.type)));
            ++stats->second.events;
            if (field.value.size() <= MaxQualifiedValueBytes) {
                auto value = stats->second.values.find(field.value);
                if (value != stats->second.values.end())
                    ++value->second;
                else if (stats->second.values.size() < MaxTrackedValues)
                    stats->second.values.emplace(std::string(field.value), 1);
            }
        }

        auto service = m_serviceIndex.find(record.service);
        if (service == m_serviceIndex.end()) {
            service = m_serviceIndex.emplace(std::string(record.service), static_cast<std::uint32_t>(m_serviceNames.size()))
                          .first;
            m_serviceNames.emplace_back(record.service);
        }
        ++m_buckets[BucketKey{record.hasTime ? floorDiv(record.timeNs, BucketNs) : NoTimeSecond, service->second, static_cast<std::uint8_t>(record.level)}];
        m_lastId = id;
        ++id;
    }
}

PostingSegment IndexBuilder::takeSegment()
{
    PostingSegment segment;
    segment.terms.reserve(m_postings.size());
    for (auto &[term, posting] : m_postings)
        segment.terms.emplace_back(term, std::move(posting.bytes));
    std::sort(segment.terms.begin(), segment.terms.end(),
              [](const auto &a, const auto &b) { return a.first < b.first; });
    m_postings.clear();
    m_postingBytes = 0;
    return segment;
}

std::vector<BucketCount> IndexBuilder::takeBuckets()
{
    std::vector<BucketCount> counts;
    counts.reserve(m_buckets.size());
    for (const auto &[key, count] : m_buckets)
        counts.push_back(BucketCount{key.second == NoTimeSecond ? NoTimeNs : key.second * BucketNs, static_cast<Level>(key.level), m_serviceNames[key.service], count});
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
