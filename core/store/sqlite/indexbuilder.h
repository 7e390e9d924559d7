// SPDX-License-Identifier: MIT
#pragma once

#include "postingaccumulator.h"

#include <core/model/record.h>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace core {

// Bucket counts by (second, level, service) added since the last take.
struct BucketCount {
    std::int64_t startNs = 0;
    Level level = Level::Unknown;
    std::string service;
    std::uint64_t count = 0;
};

struct FieldSummary {
    std::uint8_t types = 0; ///< bit per FieldType seen
    std::uint64_t events = 0;
    std::vector<std::pair<std::string, std::uint64_t>> topValues; ///< most frequent first
};

// Everything the store indexes besides the rows, built in memory beside the writer (no SQL here):
// posting lists for full-text tokens (message, continuation text and string values) and for
// field-qualified terms (`path=value`, `@level=N`, `@service=NAME`, `@rid=ID` for the correlation ID),
// the error terms of error and fatal events (`@errsig=`, `@errsvc=`, `@errmin=`: see ErrorTerms),
// bucket counts and the field catalogue.
class IndexBuilder
{
public:
    static constexpr std::int64_t BucketNs = 1'000'000'000;
    static constexpr std::size_t MaxQualifiedValueBytes = 256;
    // The field catalogue keeps at most this many distinct paths (docs/LIMITS.md): a key explosion
    // (a record per user id as a key) took 650 bytes a path, 1.95 GB for 3 million. Paths past it are
    // still indexed and queryable; they are only missing from the catalogue, and counted.
    static constexpr std::size_t MaxCataloguedPaths = 20'000;
    // Values tallied for the top values, over all paths together (at most 1000 per path).
    static constexpr std::size_t MaxTrackedValuesTotal = 250'000;

    // What error grouping reads instead of rows and raw lines, one of each per error or fatal event:
    // its signature (ErrorSignature), its service and the minute of its time. The signature is the
    // rules' of the importing build: when they change, change its prefix too, and events imported
    // before are grouped from their rows again instead of under stale signatures.
    struct ErrorTerms {
        // `@errsig=type:PATH=TYPE` (PATH the first of ErrorSignature::typePaths() the record holds) or
        // `@errsig=message:=MASKED` (the masked message; `message:PATH=MASKED` when PATH held an empty
        // type); left out when longer than MaxSignatureTermBytes, and the event is then grouped from its row.
        static constexpr std::string_view Signature = "@errsig=";
        static constexpr std::string_view TypeKind = "type:";
        static constexpr std::string_view MessageKind = "message:";
        static constexpr std::string_view Service = "@errsvc="; ///< + the service, as `@service=` but of any length
        static constexpr std::string_view Minute
            = "@errmin="; ///< + floor(ts / 60 s) in decimal (events without a time: of −2⁶³)
        static constexpr std::int64_t MinuteNs = 60'000'000'000;
        static constexpr std::size_t MaxSignatureTermBytes = 1024;

        // The terms' text into `out`, for the import and for the migration that adds them to the
        // events of older stores. `path` is the type path that held `type` (null: none did).
        static void signature(std::string &out, const std::string *path, std::string_view type,
                              std::string_view message);
        static void minute(std::string &out, std::int64_t timeNs);
    };

    // Search terms of a batch whose records got the consecutive ids firstId, firstId + 1, ...
    void addTerms(const RecordBatch &batch, std::int64_t firstId);
    // Bucket counts and the field catalogue; independent of ids, so it may run on another thread
    // (with its own IndexBuilder) than addTerms.
    void addStatistics(const RecordBatch &batch);
    // Rough bytes held by posting lists; the caller flushes a segment past its budget.
    std::size_t postingBytes() const { return m_postings.memoryBytes(); }
    std::int64_t lastId() const { return m_lastId; }
    PostingSegment takeSegment();
    std::vector<BucketCount> takeBuckets();
    std::map<std::string, FieldSummary> fieldSummaries() const;
    // About how many distinct paths addStatistics() saw past MaxCataloguedPaths (estimated within a
    // few per cent in a fixed 1 MiB, since counting them exactly would take the memory the cap saves).
    std::uint64_t uncataloguedPaths() const;

private:
    struct StringHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
    };
    struct FieldPolicy {
        bool indexQualified = true; ///< false for the time and message aliases: their columns answer
        bool indexTokens = true;
    };
    struct FieldStats {
        FieldPolicy policy;
        std::uint8_t types = 0;
        std::uint64_t events = 0;
        std::unordered_map<std::string, std::uint64_t, StringHash, std::equal_to<>>
            values; ///< capped: new values stop at MaxTrackedValues
    };

    static FieldPolicy policyFor(std::string_view path);
    // The path's policy, from the catalogue when it holds the path.
    FieldPolicy policyOf(std::string_view path);
    // The path's statistics; null for a new path once the catalogue is full (the path is counted).
    FieldStats *statsOf(std::string_view path);
    std::uint32_t serviceIndexOf(std::string_view service);
    void addTerm(std::string_view term, std::int64_t id);
    void addTokens(std::string_view text, std::int64_t id);
    void addQualified(std::string_view path, std::string_view value, std::int64_t id);
    void addErrorTerms(const RecordBatch &batch, const Record &record, std::int64_t id);

    PostingAccumulator m_postings;
    std::unordered_map<std::string, FieldStats, StringHash, std::equal_to<>> m_fields;
    std::size_t m_trackedValues = 0;
    std::vector<std::uint64_t> m_uncataloguedBits; ///< linear counting of the paths past the cap
    struct BucketKey {
        std::int64_t second = 0;
        std::uint32_t service = 0;
        std::uint8_t level = 0;
        bool operator==(const BucketKey &) const = default;
    };
    struct BucketKeyHash {
        std::size_t operator()(const BucketKey &key) const
        {
            return std::hash<std::int64_t>{}(key.second * 1'000'003 + key.service * 8 + key.level);
        }
    };
    std::unordered_map<BucketKey, std::uint64_t, BucketKeyHash> m_buckets;
    std::unordered_map<std::string, std::uint32_t, StringHash, std::equal_to<>> m_serviceIndex;
    std::vector<std::string> m_serviceNames;
    const std::string *m_lastService = nullptr; ///< a key of m_serviceIndex: node keys never move
    std::uint32_t m_lastServiceIndex = 0;
    std::int64_t m_lastId = 0;
    std::string m_scratch;
    std::string m_term;
};

} // namespace core
