// SPDX-License-Identifier: MIT
#include "redaction.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <optional>

namespace core {

namespace {

bool isAlnum(char c)
{
    return std::isalnum(static_cast<unsigned char>(c)) != 0;
}

bool isWordChar(char c)
{
    return isAlnum(c) || c == '_' || c == '-';
}

bool startsWithNoCase(std::string_view text, std::size_t at, std::string_view word)
{
    if (text.size() - at < word.size())
        return false;
    for (std::size_t i = 0; i < word.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(text[at + i])) != word[i])
            return false;
    return true;
}

std::size_t spanOf(std::string_view text, std::size_t at, bool (*accept)(char))
{
    std::size_t end = at;
    while (end < text.size() && accept(text[end]))
        ++end;
    return end - at;
}

// One match: the value to replace is text[valueStart, valueEnd); the rule says what it was.
struct Match {
    const char *rule;
    std::size_t valueStart;
    std::size_t valueEnd;
};

constexpr std::string_view SecretKeys[]
    = {"password", "passwd",  "pwd",        "secret",      "token",        "api_key",
       "apikey",   "api-key", "access_key", "private_key", "client_secret"};

bool valueChar(char c)
{
    return !(c == '"' || c == '\'' || c == ',' || c == ';' || c == '&' || c == '}' || c == ')' || c == ' ' || c == '\t'
             || c == '\n' || c == '\r');
}

// `key` then optional quote, `:` or `=`, spaces and a quote: where the value starts, or npos.
std::size_t valueAfterKey(std::string_view text, std::size_t keyEnd)
{
    std::size_t i = keyEnd;
    if (i < text.size() && (text[i] == '"' || text[i] == '\''))
        ++i;
    if (i >= text.size() || (text[i] != ':' && text[i] != '='))
        return std::string_view::npos;
    ++i;
    while (i < text.size() && (text[i] == ' ' || text[i] == '"' || text[i] == '\''))
        ++i;
    return i;
}

std::optional<Match> privateKey(std::string_view text, std::size_t at)
{
    if (text.compare(at, 11, "-----BEGIN ") != 0)
        return std::nullopt;
    const std::size_t header = text.find("PRIVATE KEY-----", at);
    const std::size_t line = text.find('\n', at);
    if (header == std::string_view::npos || (line != std::string_view::npos && header > line))
        return std::nullopt;
    const std::size_t end = text.find("PRIVATE KEY-----", header + 16);
    return Match{"private-key", at, end == std::string_view::npos ? text.size() : end + 16};
}

std::optional<Match> authorization(std::string_view text, std::size_t at)
{
    if (!startsWithNoCase(text, at, "authorization"))
        return std::nullopt;
    std::size_t value = valueAfterKey(text, at + 13);
    if (value == std::string_view::npos)
        return std::nullopt;
    for (std::string_view scheme : {"bearer ", "basic ", "token "})
        if (startsWithNoCase(text, value, scheme))
            value += scheme.size();
    const std::size_t length = spanOf(text, value, valueChar);
    return length ? std::optional(Match{"authorization", value, value + length}) : std::nullopt;
}

std::optional<Match> secretField(std::string_view text, std::size_t at)
{
    for (std::string_view key : SecretKeys) {
        if (!startsWithNoCase(text, at, key) || (at + key.size() < text.size() && isAlnum(text[at + key.size()])))
            continue;
        const std::size_t value = valueAfterKey(text, at + key.size());
        if (value == std::string_view::npos)
            continue;
        const std::size_t length = spanOf(text, value, valueChar);
        if (length)
            return Match{"secret-field", value, value + length};
    }
    return std::nullopt;
}

bool base64Url(char c)
{
    return isAlnum(c) || c == '_' || c == '-';
}

std::optional<Match> jwt(std::string_view text, std::size_t at)
{
    if (text.compare(at, 3, "eyJ") != 0)
        return std::nullopt;
    std::size_t end = at;
    for (int part = 0; part < 3; ++part) {
        const std::size_t length = spanOf(text, end, base64Url);
        if (length == 0 && part < 2)
            return std::nullopt;
        end += length;
        if (part < 2) {
            if (end >= text.size() || text[end] != '.')
                return std::nullopt;
            ++end;
        }
    }
    return Match{"jwt", at, end};
}

std::optional<Match> prefixedToken(std::string_view text, std::size_t at)
{
    struct Kind {
        const char *rule;
        std::string_view prefix;
        std::size_t minimum; ///< characters after the prefix
        bool upperAndDigitsOnly;
    };
    static constexpr Kind kinds[] = {
        {"aws-key", "AKIA", 16, true},       {"aws-key", "ASIA", 16, true},
        {"github-token", "ghp_", 36, false}, {"github-token", "gho_", 36, false},
        {"github-token", "ghu_", 36, false}, {"github-token", "ghs_", 36, false},
        {"github-token", "ghr_", 36, false}, {"github-token", "github_pat_", 22, false},
        {"slack-token", "xoxb-", 10, false}, {"slack-token", "xoxp-", 10, false},
        {"slack-token", "xoxa-", 10, false}, {"slack-token", "xoxr-", 10, false},
        {"slack-token", "xoxs-", 10, false},
    };
    for (const Kind &kind : kinds) {
        if (text.compare(at, kind.prefix.size(), kind.prefix) != 0)
            continue;
        const std::size_t start = at + kind.prefix.size();
        const std::size_t length
            = spanOf(text, start,
                     kind.upperAndDigitsOnly ? +[](char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }
                                             : base64Url);
        if (length >= kind.minimum && (start + length == text.size() || !isWordChar(text[start + length])))
            return Match{kind.rule, at, start + length};
    }
    return std::nullopt;
}

bool localChar(char c)
{
    return isAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}

bool domainChar(char c)
{
    return isAlnum(c) || c == '.' || c == '-';
}

std::optional<Match> email(std::string_view text, std::size_t at)
{
    const std::size_t local = spanOf(text, at, localChar);
    if (local == 0 || at + local >= text.size() || text[at + local] != '@')
        return std::nullopt;
    const std::size_t domainStart = at + local + 1;
    std::size_t domain = spanOf(text, domainStart, domainChar);
    while (domain > 0 && (text[domainStart + domain - 1] == '.' || text[domainStart + domain - 1] == '-'))
        --domain;
    const std::string_view host = text.substr(domainStart, domain);
    const std::size_t dot = host.rfind('.');
    if (dot == std::string_view::npos || dot == 0 || host.size() - dot - 1 < 2
        || !std::all_of(host.begin() + static_cast<std::ptrdiff_t>(dot) + 1, host.end(),
                        [](char c) { return std::isalpha(static_cast<unsigned char>(c)); }))
        return std::nullopt;
    return Match{"email", at, domainStart + domain};
}

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

std::optional<Match> ipv4(std::string_view text, std::size_t at)
{
    if (at > 1 && text[at - 1] == '.' && isDigit(text[at - 2]))
        return std::nullopt; // inside a longer dotted number
    std::size_t end = at;
    for (int part = 0; part < 4; ++part) {
        const std::size_t digits = spanOf(text, end, isDigit);
        if (digits == 0 || digits > 3 || std::stoi(std::string(text.substr(end, digits))) > 255)
            return std::nullopt;
        end += digits;
        if (part < 3) {
            if (end >= text.size() || text[end] != '.')
                return std::nullopt;
            ++end;
        }
    }
    // Not part of a longer dotted number (a version, an OID).
    if (end < text.size()
        && (isDigit(text[end]) || (text[end] == '.' && end + 1 < text.size() && isDigit(text[end + 1]))))
        return std::nullopt;
    return Match{"ipv4", at, end};
}

bool hexOrColon(char c)
{
    return std::isxdigit(static_cast<unsigned char>(c)) || c == ':';
}

std::optional<Match> ipv6(std::string_view text, std::size_t at)
{
    const std::size_t length = spanOf(text, at, hexOrColon);
    const std::string_view candidate = text.substr(at, length);
    const auto colons = static_cast<std::size_t>(std::count(candidate.begin(), candidate.end(), ':'));
    // Times (10:30:00) have two colons and no `::`: only full or compressed addresses count.
    if (colons < 2 || (colons < 7 && candidate.find("::") == std::string_view::npos) || colons > 7)
        return std::nullopt;
    std::size_t group = 0;
    for (const char c : candidate) {
        group = c == ':' ? 0 : group + 1;
        if (group > 4)
            return std::nullopt;
    }
    if (std::count_if(candidate.begin(), candidate.end(),
                      [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); })
        < 2)
        return std::nullopt;
    return Match{"ipv6", at, at + length};
}

} // namespace

const std::vector<std::string> &Redactor::rules()
{
    static const std::vector<std::string> names = {"private-key",  "authorization", "secret-field", "jwt",  "aws-key",
                                                   "github-token", "slack-token",   "email",        "ipv4", "ipv6"};
    return names;
}

Redactor::Redactor(std::set<std::string> off)
    : m_off(std::move(off))
{ }

std::string Redactor::pseudonym(const char *rule, std::string_view value)
{
    auto &values = m_values[rule];
    auto [at, added] = values.try_emplace(std::string(value), values.size() + 1);
    Count &count = m_ledger[rule];
    ++count.occurrences;
    if (added)
        ++count.values;
    std::string placeholder = "<";
    placeholder += rule;
    placeholder += '-';
    placeholder += std::to_string(at->second);
    placeholder += '>';
    return placeholder;
}

std::string Redactor::apply(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    std::size_t i = 0;
    while (i < text.size()) {
        // Matches start at a token boundary only: the middle of a word is never a secret's start;
        // a secret's key may end a longer one (db_password, aws.secret).
        const bool boundary = i == 0 || !isWordChar(text[i - 1]);
        const bool joint = i > 0 && (text[i - 1] == '_' || text[i - 1] == '.' || text[i - 1] == '-');
        std::optional<Match> match;
        using Finder = std::optional<Match> (*)(std::string_view, std::size_t);
        static constexpr Finder finders[]
            = {privateKey, authorization, secretField, jwt, prefixedToken, email, ipv4, ipv6};
        for (const Finder find : finders) {
            if (!boundary && !(joint && find == secretField))
                continue;
            if (auto found = find(text, i); found && on(found->rule)) {
                match = found;
                break;
            }
        }
        if (!match) {
            out += text[i++];
            continue;
        }
        out.append(text.substr(i, match->valueStart - i)); // the key a value follows stays
        out += pseudonym(match->rule, text.substr(match->valueStart, match->valueEnd - match->valueStart));
        i = match->valueEnd;
    }
    return out;
}

} // namespace core
