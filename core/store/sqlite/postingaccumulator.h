// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace core {

// One flushed run of posting lists: terms in ascending order, each with its event ids (ascending,
// delta-encoded as LEB128 varints, the first delta from 0).
struct PostingSegment {
    std::vector<std::pair<std::string, std::string>> terms;
};

// Collects (term, event id) pairs at the import's pace: an open-addressing term table whose keys live
// in one arena, and the pairs appended to two flat arrays. take() groups them per term with a
// counting sort — no per-term allocation while importing, one linear pass when flushing.
class PostingAccumulator
{
public:
    // Event ids must not decrease from one call to the next; a repeat of the last (term, id) is dropped.
    void add(std::string_view term, std::int64_t id);
    std::size_t memoryBytes() const;
    bool empty() const { return m_termIds.empty(); }
    PostingSegment take();

private:
    struct Term {
        std::uint32_t keyOffset = 0;
        std::uint32_t keyLength = 0;
        std::uint32_t count = 0;
        std::int64_t lastId = -1;
    };

    void grow();
    std::string_view keyOf(const Term &term) const { return {m_keys.data() + term.keyOffset, term.keyLength}; }

    std::vector<std::uint32_t> m_slots; ///< term index + 1, 0 = empty; size is a power of two
    std::vector<std::uint64_t> m_slotHashes;
    std::vector<Term> m_terms;
    std::string m_keys;
    std::vector<std::uint32_t> m_termIds; ///< per posting
    std::vector<std::uint32_t> m_eventOffsets; ///< per posting: event id - m_baseId
    std::int64_t m_baseId = -1;
};

} // namespace core
