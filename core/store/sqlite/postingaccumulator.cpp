// SPDX-License-Identifier: MIT
#include "postingaccumulator.h"

#include "varint.h"

#include <algorithm>
#include <cstring>
#include <numeric>

namespace core {

namespace {

// A fast 64-bit hash over 8-byte words (multiply-xorshift); terms are short.
std::uint64_t hashOf(std::string_view text)
{
    constexpr std::uint64_t Multiplier = 0x9E3779B97F4A7C15ull;
    std::uint64_t hash = text.size() * Multiplier;
    std::size_t i = 0;
    for (; i + 8 <= text.size(); i += 8) {
        std::uint64_t word;
        std::memcpy(&word, text.data() + i, 8);
        hash = (hash ^ word) * Multiplier;
        hash ^= hash >> 29;
    }
    std::uint64_t tail = 0;
    std::memcpy(&tail, text.data() + i, text.size() - i);
    hash = (hash ^ tail) * Multiplier;
    hash ^= hash >> 32;
    return hash;
}

} // namespace

void PostingAccumulator::add(std::string_view term, std::int64_t id)
{
    if (m_slots.empty() || (m_terms.size() + 1) * 2 > m_slots.size())
        grow();
    const std::uint64_t hash = hashOf(term);
    const std::size_t mask = m_slots.size() - 1;
    std::size_t slot = hash & mask;
    while (true) {
        const std::uint32_t index = m_slots[slot];
        if (index == 0) {
            m_slots[slot] = static_cast<std::uint32_t>(m_terms.size() + 1);
            m_slotHashes[slot] = hash;
            m_terms.push_back(
                Term{static_cast<std::uint32_t>(m_keys.size()), static_cast<std::uint32_t>(term.size()), 0, -1});
            m_keys.append(term);
            break;
        }
        if (m_slotHashes[slot] == hash && keyOf(m_terms[index - 1]) == term)
            break;
        slot = (slot + 1) & mask;
    }
    const std::uint32_t termIndex = m_slots[slot] - 1;
    Term &entry = m_terms[termIndex];
    if (entry.lastId == id)
        return;
    entry.lastId = id;
    ++entry.count;
    if (m_baseId < 0)
        m_baseId = id;
    m_termIds.push_back(termIndex);
    m_eventOffsets.push_back(static_cast<std::uint32_t>(id - m_baseId));
}

void PostingAccumulator::grow()
{
    const std::size_t capacity = m_slots.empty() ? 1 << 16 : m_slots.size() * 2;
    std::vector<std::uint32_t> slots(capacity, 0);
    std::vector<std::uint64_t> hashes(capacity, 0);
    const std::size_t mask = capacity - 1;
    for (std::size_t old = 0; old < m_slots.size(); ++old) {
        if (m_slots[old] == 0)
            continue;
        std::size_t slot = m_slotHashes[old] & mask;
        while (slots[slot] != 0)
            slot = (slot + 1) & mask;
        slots[slot] = m_slots[old];
        hashes[slot] = m_slotHashes[old];
    }
    m_slots = std::move(slots);
    m_slotHashes = std::move(hashes);
}

std::size_t PostingAccumulator::memoryBytes() const
{
    return m_termIds.capacity() * sizeof(std::uint32_t) + m_eventOffsets.capacity() * sizeof(std::uint32_t)
        + m_slots.capacity() * (sizeof(std::uint32_t) + sizeof(std::uint64_t)) + m_terms.capacity() * sizeof(Term)
        + m_keys.capacity();
}

PostingSegment PostingAccumulator::take()
{
    PostingSegment segment;
    // The ids of one segment span less than 2^32 events: the caller flushes far earlier.
    // Counting sort: each term's postings land in one run, in the order they arrived (ascending ids).
    std::vector<std::uint32_t> start(m_terms.size() + 1, 0);
    for (std::size_t term = 0; term < m_terms.size(); ++term)
        start[term + 1] = start[term] + m_terms[term].count;
    std::vector<std::uint32_t> grouped(m_eventOffsets.size());
    std::vector<std::uint32_t> fill(start.begin(), start.end() - 1);
    for (std::size_t i = 0; i < m_termIds.size(); ++i)
        grouped[fill[m_termIds[i]]++] = m_eventOffsets[i];

    std::vector<std::uint32_t> order(m_terms.size());
    std::iota(order.begin(), order.end(), 0u);
    std::sort(order.begin(), order.end(),
              [&](std::uint32_t a, std::uint32_t b) { return keyOf(m_terms[a]) < keyOf(m_terms[b]); });
    segment.terms.reserve(order.size());
    for (const std::uint32_t term : order) {
        std::string ids;
        std::int64_t previous = 0;
        for (std::uint32_t i = start[term]; i < start[term + 1]; ++i) {
            const std::int64_t id = m_baseId + grouped[i];
            varint::append(ids, static_cast<std::uint64_t>(id - previous));
            previous = id;
        }
        segment.terms.emplace_back(std::string(keyOf(m_terms[term])), std::move(ids));
    }
    *this = PostingAccumulator();
    return segment;
}

} // namespace core
