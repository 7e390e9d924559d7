// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace core {

// Replaces secrets and personal data in log text with pseudonyms: the same value gets the same
// placeholder throughout a document (`<email-2>` is one address everywhere), so a reader can still
// follow it. Hand-written scanners, linear in the text: no regex engine can be made to backtrack on
// a hostile line. Request, trace and span IDs, digests and event identities are never passed in.
class Redactor
{
public:
    // Rule names, as the ledger and --no-redact name them.
    static const std::vector<std::string> &rules();

    // Every rule on except those in `off` (unknown names are ignored by the caller's check, rules()).
    explicit Redactor(std::set<std::string> off = {});

    std::string apply(std::string_view text);
    // Per rule: how many occurrences were replaced, and how many distinct values.
    struct Count {
        std::uint64_t occurrences = 0;
        std::uint64_t values = 0;
    };
    const std::map<std::string, Count> &ledger() const { return m_ledger; }

private:
    bool on(const char *rule) const { return !m_off.count(rule); }
    std::string pseudonym(const char *rule, std::string_view value);

    std::set<std::string> m_off;
    std::map<std::string, std::map<std::string, std::size_t>> m_values; ///< rule → value → its number
    std::map<std::string, Count> m_ledger;
};

} // namespace core
