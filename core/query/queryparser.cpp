// SPDX-License-Identifier: MIT
#include "queryparser.h"

#include "querylexer.h"
#include "querylimits.h"

#include <algorithm>

namespace core {

namespace {

std::string describe(const QueryToken &token)
{
    switch (token.kind) {
    case QueryTokenKind::End:
        return "the end of the query";
    case QueryTokenKind::Phrase:
    case QueryTokenKind::Unterminated:
        return "a phrase";
    case QueryTokenKind::Regex:
        return "a regex";
    default:
        return "'" + token.text + "'";
    }
}

class Parser
{
public:
    Parser(std::string_view text, std::vector<QueryToken> tokens)
        : m_text(text)
        , m_tokens(std::move(tokens))
    {
    }

    Result<QueryNode> run()
    {
        if (peek().kind == QueryTokenKind::End)
            return QueryNode{};
        QueryNode root = orExpression(std::string_view(), false);
        if (!m_error && peek().kind != QueryTokenKind::End)
            fail(peek(), peek().kind == QueryTokenKind::CloseParen ? "unbalanced ')': expected a term or the end of the query"
                                                                    : "expected 'and', 'or' or the end of the query");
        if (m_error)
            return *m_error;
        return root;
    }

private:
    const QueryToken &peek() const { return m_tokens[m_at]; }
    const QueryToken &take() { return m_tokens[m_at < m_tokens.size() - 1 ? m_at++ : m_at]; }

    void fail(const QueryToken &at, const std::string &what)
    {
        if (m_error)
            return;
        Error error = makeError(ErrorCode::Query, what + " at column " + std::to_string(QueryParser::columnOf(m_text, at.offset)));
        error.offset = at.offset;
        error.length = std::max<std::int64_t>(1, at.length);
        m_error = std::move(error);
    }

    static QueryNode combine(QueryNode::Kind kind, std::vector<QueryNode> children)
    {
        if (children.size() == 1)
            return std::move(children.front());
        QueryNode node;
        node.kind = kind;
        node.offset = children.front().offset;
        node.length = children.back().offset + children.back().length - node.offset;
        node.children = std::move(children);
        return node;
    }

    // `field` is set inside a value group (`level:(error or warn)`): terms are that field's values.
    QueryNode orExpression(std::string_view field, bool group)
    {
        std::vector<QueryNode> children;
        children.push_back(andExpression(field, group));
        while (!m_error && peek().kind == QueryTokenKind::Or) {
            const QueryToken &op = take();
            if (!startsTerm(peek().kind)) {
                fail(peek(), "expected a term after '" + op.text + "'");
                break;
            }
            children.push_back(andExpression(field, group));
        }
        return combine(QueryNode::Kind::Or, std::move(children));
    }

    static bool startsTerm(QueryTokenKind kind)
    {
        switch (kind) {
        case QueryTokenKind::Field:
        case QueryTokenKind::Word:
        case QueryTokenKind::Phrase:
        case QueryTokenKind::Regex:
        case QueryTokenKind::Not:
        case QueryTokenKind::Plus:
        case QueryTokenKind::Minus:
        case QueryTokenKind::OpenParen:
        case QueryTokenKind::Unterminated:
            return true;
        default:
            return false;
        }
    }

    QueryNode andExpression(std::string_view field, bool group)
    {
        std::vector<QueryNode> children;
        children.push_back(unary(field, group));
        while (!m_error) {
            if (peek().kind == QueryTokenKind::And) {
                const QueryToken &op = take();
                if (!startsTerm(peek().kind)) {
                    fail(peek(), "expected a term after '" + op.text + "'");
                    break;
                }
            } else if (!startsTerm(peek().kind)) {
                break;
            }
            children.push_back(unary(field, group));
        }
        return combine(QueryNode::Kind::And, std::move(children));
    }

    QueryNode unary(std::string_view field, bool group)
    {
        // Deep enough for any query a person writes; shallow enough that no input exhausts the stack.
        if (++m_depth > QueryLimits::MaxDepth) {
            fail(peek(), "the query nests too deeply: expected fewer parentheses or operators");
            return {};
        }
        QueryNode node = unaryBody(field, group);
        --m_depth;
        return node;
    }

    QueryNode unaryBody(std::string_view field, bool group)
    {
        const QueryToken &token = peek();
        if (token.kind == QueryTokenKind::Not || token.kind == QueryTokenKind::Minus) {
            take();
            if (!startsTerm(peek().kind)) {
                fail(peek(), "expected a term after '" + token.text + "'");
                return {};
            }
            QueryNode inner = unary(field, group);
            QueryNode node;
            node.kind = QueryNode::Kind::Not;
            node.offset = token.offset;
            node.length = inner.offset + inner.length - token.offset;
            node.children.push_back(std::move(inner));
            return node;
        }
        if (token.kind == QueryTokenKind::Plus) {
            take();
            if (!startsTerm(peek().kind)) {
                fail(peek(), "expected a term after '+'");
                return {};
            }
            return unary(field, group);
        }
        if (token.kind == QueryTokenKind::OpenParen) {
            take();
            if (!startsTerm(peek().kind)) {
                fail(peek(), "expected a term after '('");
                return {};
            }
            QueryNode inner = orExpression(field, group);
            if (!m_error && peek().kind != QueryTokenKind::CloseParen)
                fail(peek(), "expected ')' to close the '(' at column " + std::to_string(QueryParser::columnOf(m_text, token.offset)) + ",");
            if (!m_error)
                take();
            return inner;
        }
        if (token.kind == QueryTokenKind::Field) {
            if (group) {
                fail(token, "expected a value of '" + std::string(field) + "', not another field,");
                return {};
            }
            return fieldExpression();
        }
        if (token.kind == QueryTokenKind::Unterminated) {
            fail(QueryToken{QueryTokenKind::End, static_cast<std::int64_t>(m_text.size()), 0, {}, false, {}},
                 "unterminated phrase: expected '\"'");
            return {};
        }
        if (token.kind == QueryTokenKind::Word || token.kind == QueryTokenKind::Phrase || token.kind == QueryTokenKind::Regex) {
            take();
            if (!countTerm(token))
                return {};
            return match(std::string(field), token);
        }
        fail(token, "expected a term, found " + describe(token) + ",");
        return {};
    }

    static QueryValue valueOf(const QueryToken &token)
    {
        QueryValue value;
        value.offset = token.offset;
        value.length = token.length;
        value.text = token.text;
        if (token.kind == QueryTokenKind::Phrase) {
            value.kind = QueryValue::Kind::Phrase;
        } else if (token.kind == QueryTokenKind::Regex) {
            value.kind = QueryValue::Kind::Regex;
            value.pattern = token.text;
        } else if (token.wildcard) {
            value.kind = QueryValue::Kind::Wildcard;
            value.pattern = token.pattern;
        }
        return value;
    }

    // Counts one more condition at `token` against QueryLimits; false (with the error set) past them.
    bool countTerm(const QueryToken &token)
    {
        if (++m_terms > QueryLimits::MaxTerms) {
            fail(token, "the query has more than " + std::to_string(QueryLimits::MaxTerms)
                            + " terms: expected fewer (a wildcard, a range or a regex can stand for many values)");
            return false;
        }
        if (token.kind == QueryTokenKind::Regex && ++m_regexes > QueryLimits::MaxRegexes) {
            fail(token, "the query has more than " + std::to_string(QueryLimits::MaxRegexes) + " regexes: expected fewer");
            return false;
        }
        return true;
    }

    static QueryNode match(std::string field, const QueryToken &token)
    {
        QueryNode node;
        node.offset = token.offset;
        node.length = token.length;
        node.value = valueOf(token);
        const bool star = token.kind == QueryTokenKind::Word && token.wildcard && token.pattern == "*";
        if (star) {
            // `field:*` is Kibana's exists; a bare `*`, like Lucene's `*:*`, matches everything.
            node.kind = field.empty() || field == "*" ? QueryNode::Kind::All : QueryNode::Kind::Exists;
            node.field = std::move(field);
            return node;
        }
        node.kind = QueryNode::Kind::Match;
        node.field = std::move(field);
        return node;
    }

    static bool isValueToken(QueryTokenKind kind)
    {
        return kind == QueryTokenKind::Word || kind == QueryTokenKind::Phrase || kind == QueryTokenKind::Regex;
    }

    QueryNode fieldExpression()
    {
        const QueryToken &name = take();
        const QueryToken &op = take();
        if (op.kind == QueryTokenKind::Comparison)
            return comparison(name, op);
        // op is the Colon: the lexer makes a Field only before ':' or an operator.
        const QueryToken &value = peek();
        if (value.kind == QueryTokenKind::Comparison) {
            take();
            return comparison(name, value);
        }
        if (value.kind == QueryTokenKind::OpenRange)
            return range(name);
        if (value.kind == QueryTokenKind::OpenParen) {
            const QueryToken &open = take();
            if (!startsTerm(peek().kind) || peek().kind == QueryTokenKind::Field) {
                fail(peek(), "expected a value of '" + name.text + "' after '('");
                return {};
            }
            QueryNode inner = orExpression(name.text, true);
            if (!m_error && peek().kind != QueryTokenKind::CloseParen)
                fail(peek(), "expected ')' to close the '(' at column " + std::to_string(QueryParser::columnOf(m_text, open.offset)) + ",");
            if (!m_error)
                take();
            return inner;
        }
        if (value.kind == QueryTokenKind::Unterminated) {
            fail(QueryToken{QueryTokenKind::End, static_cast<std::int64_t>(m_text.size()), 0, {}, false, {}},
                 "unterminated phrase: expected '\"'");
            return {};
        }
        if (!isValueToken(value.kind)) {
            fail(value, "expected a value after ':'");
            return {};
        }
        take();
        if (!countTerm(value))
            return {};
        if (name.text == "_exists_") {
            QueryNode node;
            node.kind = QueryNode::Kind::Exists;
            node.field = value.text;
            node.offset = name.offset;
            node.length = value.offset + value.length - name.offset;
            return node;
        }
        QueryNode node = match(name.text, value);
        node.offset = name.offset;
        node.length = value.offset + value.length - name.offset;
        return node;
    }

    QueryNode comparison(const QueryToken &name, const QueryToken &op)
    {
        const QueryToken &value = peek();
        if (value.kind != QueryTokenKind::Word && value.kind != QueryTokenKind::Phrase) {
            fail(value, "expected a value after '" + op.text + "'");
            return {};
        }
        take();
        if (!countTerm(value))
            return {};
        QueryNode node;
        node.kind = QueryNode::Kind::Range;
        node.field = name.text;
        node.offset = name.offset;
        node.length = value.offset + value.length - name.offset;
        QueryValue bound = valueOf(value);
        bound.kind = value.kind == QueryTokenKind::Phrase ? QueryValue::Kind::Phrase : QueryValue::Kind::Term;
        if (op.text[0] == '>') {
            node.lower = std::move(bound);
            node.lowerInclusive = op.text.size() == 2;
        } else {
            node.upper = std::move(bound);
            node.upperInclusive = op.text.size() == 2;
        }
        return node;
    }

    std::optional<QueryValue> bound(bool &ok)
    {
        const QueryToken &token = peek();
        if (token.kind != QueryTokenKind::Word && token.kind != QueryTokenKind::Phrase) {
            fail(token, "expected a range bound or '*'");
            ok = false;
            return std::nullopt;
        }
        take();
        if (token.kind == QueryTokenKind::Word && token.wildcard && token.pattern == "*")
            return std::nullopt;
        QueryValue value = valueOf(token);
        value.kind = token.kind == QueryTokenKind::Phrase ? QueryValue::Kind::Phrase : QueryValue::Kind::Term;
        return value;
    }

    QueryNode range(const QueryToken &name)
    {
        const QueryToken &open = take();
        if (!countTerm(open))
            return {};
        QueryNode node;
        node.kind = QueryNode::Kind::Range;
        node.field = name.text;
        node.lowerInclusive = open.text == "[";
        bool ok = true;
        node.lower = bound(ok);
        if (!ok)
            return {};
        if (peek().kind != QueryTokenKind::To) {
            fail(peek(), "expected 'TO' in the range");
            return {};
        }
        take();
        node.upper = bound(ok);
        if (!ok)
            return {};
        const QueryToken &close = peek();
        if (close.kind != QueryTokenKind::CloseRange) {
            fail(close, "expected ']' or '}' to close the range");
            return {};
        }
        take();
        node.upperInclusive = close.text == "]";
        node.offset = name.offset;
        node.length = close.offset + 1 - name.offset;
        return node;
    }

    std::string_view m_text;
    std::vector<QueryToken> m_tokens;
    std::size_t m_at = 0;
    int m_depth = 0;
    std::size_t m_terms = 0;
    std::size_t m_regexes = 0;
    std::optional<Error> m_error;
};

} // namespace

Result<QueryNode> QueryParser::parse(std::string_view text)
{
    if (text.size() > QueryLimits::MaxBytes) {
        // Pointed at where the allowed text ends: what is past the caret is too much.
        Error error = makeError(ErrorCode::Query, "the query is longer than " + std::to_string(QueryLimits::MaxBytes / 1024)
                                                      + " KiB at column " + std::to_string(columnOf(text, QueryLimits::MaxBytes))
                                                      + ": expected a shorter query (a wildcard, a range or a regex can stand for many values)");
        error.offset = static_cast<std::int64_t>(QueryLimits::MaxBytes);
        error.length = static_cast<std::int64_t>(text.size() - QueryLimits::MaxBytes);
        return error;
    }
    return Parser(text, QueryLexer::tokenize(text)).run();
}

std::int64_t QueryParser::columnOf(std::string_view text, std::int64_t offset)
{
    std::int64_t column = 1;
    const auto end = static_cast<std::size_t>(std::clamp<std::int64_t>(offset, 0, static_cast<std::int64_t>(text.size())));
    for (std::size_t i = 0; i < end; ++i)
        if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80)
            ++column;
    return column;
}

} // namespace core
