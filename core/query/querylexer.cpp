// SPDX-License-Identifier: MIT
#include "querylexer.h"

namespace core {

namespace {

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool equalsIgnoringCase(std::string_view text, std::string_view lower)
{
    if (text.size() != lower.size())
        return false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if ((c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c) != lower[i])
            return false;
    }
    return true;
}

class Lexer
{
public:
    explicit Lexer(std::string_view text)
        : m_text(text)
    {
    }

    std::vector<QueryToken> run()
    {
        while (true) {
            while (m_at < m_text.size() && isSpace(m_text[m_at]))
                ++m_at;
            if (m_at >= m_text.size())
                break;
            next();
        }
        push(QueryTokenKind::End, m_text.size(), 0, {});
        return std::move(m_tokens);
    }

private:
    void push(QueryTokenKind kind, std::size_t begin, std::size_t length, std::string text)
    {
        QueryToken token;
        token.kind = kind;
        token.offset = static_cast<std::int64_t>(begin);
        token.length = static_cast<std::int64_t>(length);
        token.text = std::move(text);
        m_tokens.push_back(std::move(token));
    }

    char peek(std::size_t ahead = 0) const { return m_at + ahead < m_text.size() ? m_text[m_at + ahead] : '\0'; }

    void next()
    {
        const std::size_t begin = m_at;
        const char c = m_text[m_at];
        const bool value = m_valueNext;
        m_valueNext = false;
        switch (c) {
        case '(':
            ++m_at;
            return push(QueryTokenKind::OpenParen, begin, 1, "(");
        case ')':
            ++m_at;
            return push(QueryTokenKind::CloseParen, begin, 1, ")");
        case '[':
        case '{':
            ++m_at;
            m_inRange = true;
            m_valueNext = true;
            return push(QueryTokenKind::OpenRange, begin, 1, std::string(1, c));
        case ']':
        case '}':
            ++m_at;
            m_inRange = false;
            return push(QueryTokenKind::CloseRange, begin, 1, std::string(1, c));
        case '"':
            return phrase();
        case '<':
        case '>': {
            m_at += peek(1) == '=' ? 2 : 1;
            // `status >= 500`: the word before an operator names a field.
            if (!m_tokens.empty() && m_tokens.back().kind == QueryTokenKind::Word && !m_tokens.back().wildcard)
                m_tokens.back().kind = QueryTokenKind::Field;
            m_valueNext = true;
            return push(QueryTokenKind::Comparison, begin, m_at - begin, std::string(m_text.substr(begin, m_at - begin)));
        }
        default:
            break;
        }
        if (!value && !m_inRange) {
            if (c == '&' && peek(1) == '&') {
                m_at += 2;
                return push(QueryTokenKind::And, begin, 2, "&&");
            }
            if (c == '|' && peek(1) == '|') {
                m_at += 2;
                return push(QueryTokenKind::Or, begin, 2, "||");
            }
            if (c == '!' && peek(1) != '=') {
                ++m_at;
                return push(QueryTokenKind::Not, begin, 1, "!");
            }
            if ((c == '+' || c == '-') && m_at + 1 < m_text.size() && !isSpace(peek(1))) {
                ++m_at;
                return push(c == '+' ? QueryTokenKind::Plus : QueryTokenKind::Minus, begin, 1, std::string(1, c));
            }
        }
        if (c == '/' && regex())
            return;
        word(value || m_inRange);
    }

    void phrase()
    {
        const std::size_t begin = m_at++;
        std::string text;
        while (m_at < m_text.size() && m_text[m_at] != '"') {
            if (m_text[m_at] == '\\' && m_at + 1 < m_text.size())
                ++m_at;
            text.push_back(m_text[m_at++]);
        }
        if (m_at >= m_text.size())
            return push(QueryTokenKind::Unterminated, begin, m_at - begin, std::move(text));
        ++m_at;
        push(QueryTokenKind::Phrase, begin, m_at - begin, std::move(text));
    }

    // A regex runs to an unescaped '/' followed by a space, ')' or the end, with no unescaped '*'
    // inside: `/api/*` stays a wildcard, `/a.*b/` is not a regex either (write `/a.+b/` or quote it).
    bool regex()
    {
        const std::size_t begin = m_at;
        std::string text;
        for (std::size_t i = begin + 1; i < m_text.size(); ++i) {
            const char c = m_text[i];
            if (c == '\\' && i + 1 < m_text.size()) {
                if (m_text[i + 1] != '/')
                    text.push_back(c);
                text.push_back(m_text[++i]);
                continue;
            }
            if (c == '*')
                return false;
            if (c == '/') {
                const char after = i + 1 < m_text.size() ? m_text[i + 1] : ' ';
                if (!isSpace(after) && after != ')')
                    return false;
                m_at = i + 1;
                push(QueryTokenKind::Regex, begin, m_at - begin, std::move(text));
                return true;
            }
            text.push_back(c);
        }
        return false;
    }

    void word(bool value)
    {
        const std::size_t begin = m_at;
        std::string text;
        std::string pattern;
        bool wildcard = false;
        while (m_at < m_text.size()) {
            const char c = m_text[m_at];
            if (isSpace(c) || c == '(' || c == ')' || c == '"' || c == '[' || c == ']' || c == '{' || c == '}')
                break;
            if (!value && (c == '<' || c == '>'))
                break;
            if (c == ':' && !value && !text.empty()) {
                push(QueryTokenKind::Field, begin, m_at - begin, std::move(text));
                push(QueryTokenKind::Colon, m_at, 1, ":");
                ++m_at;
                m_valueNext = true;
                return;
            }
            if (c == '\\' && m_at + 1 < m_text.size()) {
                const char escaped = m_text[m_at + 1];
                text.push_back(escaped);
                if (escaped == '*' || escaped == '?' || escaped == '\\')
                    pattern.push_back('\\');
                pattern.push_back(escaped);
                m_at += 2;
                continue;
            }
            if (c == '*' || c == '?')
                wildcard = true;
            text.push_back(c);
            pattern.push_back(c);
            ++m_at;
        }
        if (text.empty() && m_at == begin) {
            // A lone character no rule takes (a ':' with nothing before it): one Word, so the parser
            // reports it where it stands.
            ++m_at;
            return push(QueryTokenKind::Word, begin, 1, std::string(1, m_text[begin]));
        }
        QueryTokenKind kind = QueryTokenKind::Word;
        const std::string_view raw = m_text.substr(begin, m_at - begin);
        if (m_inRange && raw == "TO") {
            kind = QueryTokenKind::To;
            m_valueNext = true;
        } else if (!value && !m_inRange) {
            if (equalsIgnoringCase(raw, "and"))
                kind = QueryTokenKind::And;
            else if (equalsIgnoringCase(raw, "or"))
                kind = QueryTokenKind::Or;
            else if (equalsIgnoringCase(raw, "not"))
                kind = QueryTokenKind::Not;
        }
        push(kind, begin, m_at - begin, kind == QueryTokenKind::Word ? std::move(text) : std::string(raw));
        if (kind == QueryTokenKind::Word && wildcard) {
            m_tokens.back().wildcard = true;
            m_tokens.back().pattern = std::move(pattern);
        }
    }

    std::string_view m_text;
    std::size_t m_at = 0;
    bool m_valueNext = false;
    bool m_inRange = false;
    std::vector<QueryToken> m_tokens;
};

} // namespace

std::vector<QueryToken> QueryLexer::tokenize(std::string_view text)
{
    return Lexer(text).run();
}

} // namespace core
