// SPDX-License-Identifier: MIT
// The query lexer and parser: token kinds and offsets for highlighting, the tree, errors that point.
#include <core/base/textformat.h>
#include <core/base/timekey.h>
#include <core/query/querylexer.h>
#include <core/query/queryfilter.h>
#include <core/query/queryparser.h>
#include <core/query/queryfilter.h>
#include <core/query/querylimits.h>
#include <core/query/querymatcher.h>
#include <core/query/queryregex.h>
#include <core/query/querytime.h>

#include <QTest>

#include <cmath>

using namespace core;

class TestQueryParser : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void tokensHaveKindsAndOffsets()
    {
        const auto tokens = QueryLexer::tokenize("level:error AND status >= 500 \"a b\" /x+/");
        const std::vector<std::pair<QueryTokenKind, std::int64_t>> expected{
            {QueryTokenKind::Field, 0}, {QueryTokenKind::Colon, 5}, {QueryTokenKind::Word, 6}, {QueryTokenKind::And, 12},
            {QueryTokenKind::Field, 16}, {QueryTokenKind::Comparison, 23}, {QueryTokenKind::Word, 26},
            {QueryTokenKind::Phrase, 30}, {QueryTokenKind::Regex, 36}, {QueryTokenKind::End, 40}};
        QCOMPARE(tokens.size(), expected.size());
        for (std::size_t i = 0; i < expected.size(); ++i) {
            QCOMPARE(int(tokens[i].kind), int(expected[i].first));
            QCOMPARE(tokens[i].offset, expected[i].second);
        }
        QCOMPARE(tokens[7].text, std::string("a b"));
    }

    void trees_data()
    {
        QTest::addColumn<QString>("query");
        QTest::addColumn<QString>("tree");
        QTest::newRow("field") << "level:error" << "(match level \"error\")";
        QTest::newRow("and or precedence") << "a or b and c" << "(or (match *text* \"a\") (and (match *text* \"b\") (match *text* \"c\")))";
        QTest::newRow("implicit and") << "a b" << "(and (match *text* \"a\") (match *text* \"b\"))";
        QTest::newRow("value list") << "level:(error or warn)" << "(or (match level \"error\") (match level \"warn\"))";
        QTest::newRow("not list") << "not level:(debug or info)" << "(not (or (match level \"debug\") (match level \"info\")))";
        QTest::newRow("lucene prefixes") << "+a -b" << "(and (match *text* \"a\") (not (match *text* \"b\")))";
        QTest::newRow("exists") << "_exists_:error_type" << "(exists error_type)";
        QTest::newRow("star exists") << "error_type:*" << "(exists error_type)";
        QTest::newRow("lucene match all") << "*:*" << "(all)";
        QTest::newRow("match all and") << "*:* and a" << "(and (all) (match *text* \"a\"))";
        QTest::newRow("wildcard path") << "http.path:/api/*" << "(match http.path glob:\"/api/*\")";
        QTest::newRow("regex") << "http.path:/api/ x" << "(and (match http.path regex:\"api\") (match *text* \"x\"))";
        QTest::newRow("comparison") << "status >= 500" << "(range status [\"500\" *])";
        QTest::newRow("lucene comparison") << "status:<500" << "(range status [* \"500\"})";
        QTest::newRow("range") << "@timestamp:[now-1h TO now]" << "(range @timestamp [\"now-1h\" \"now\"])";
        QTest::newRow("open range") << "n:{1 TO *]" << "(range n {\"1\" *])";
        QTest::newRow("phrase") << "\"connection refused\"" << "(match *text* phrase:\"connection refused\")";
        QTest::newRow("colon in value") << "key:task:abc" << "(match key \"task:abc\")";
        QTest::newRow("escaped colon") << "a\\:b" << "(match *text* \"a:b\")";
        QTest::newRow("escaped star") << "x:a\\*" << "(match x \"a*\")";
        QTest::newRow("keywords any case") << "a AnD b Or NOT c" << "(or (and (match *text* \"a\") (match *text* \"b\")) (not (match *text* \"c\")))";
        QTest::newRow("symbols") << "a && !b || c" << "(or (and (match *text* \"a\") (not (match *text* \"b\"))) (match *text* \"c\"))";
        QTest::newRow("empty") << "   " << "(all)";
    }

    void trees()
    {
        QFETCH(QString, query);
        QFETCH(QString, tree);
        auto parsed = QueryParser::parse(query.toStdString());
        QVERIFY2(parsed.has_value(), parsed.has_value() ? "" : parsed.error().message.c_str());
        QCOMPARE(QString::fromStdString(parsed->toString()), tree);
    }

    void errors_data()
    {
        QTest::addColumn<QString>("query");
        QTest::addColumn<int>("offset");
        QTest::addColumn<QString>("message");
        QTest::newRow("no value") << "level:" << 6 << "expected a value after ':' at column 7";
        QTest::newRow("no value before paren") << "level: )" << 7 << "expected a value after ':' at column 8";
        QTest::newRow("dangling and") << "a and" << 5 << "expected a term after 'and' at column 6";
        QTest::newRow("dangling not") << "not" << 3 << "expected a term after 'not' at column 4";
        QTest::newRow("open paren") << "(a or b" << 7 << "expected ')' to close the '(' at column 1, at column 8";
        QTest::newRow("close paren") << "a)" << 1 << "unbalanced ')'";
        QTest::newRow("unterminated") << "msg:\"abc" << 8 << "unterminated phrase: expected '\"' at column 9";
        QTest::newRow("range without TO") << "n:[1 2]" << 5 << "expected 'TO' in the range at column 6";
        QTest::newRow("range unclosed") << "n:[1 TO 2" << 9 << "expected ']' or '}' to close the range at column 10";
        QTest::newRow("comparison without value") << "status >=" << 9 << "expected a value after '>=' at column 10";
        QTest::newRow("comparison without field") << ">= 5" << 0 << "expected a term, found '>='";
        QTest::newRow("field in value list") << "level:(a or b:c)" << 12 << "expected a value of 'level', not another field";
        QTest::newRow("utf8 column") << "é:" << 3 << "expected a value after ':' at column 3";
    }

    void errors()
    {
        QFETCH(QString, query);
        QFETCH(int, offset);
        QFETCH(QString, message);
        auto parsed = QueryParser::parse(query.toStdString());
        QVERIFY(!parsed.has_value());
        QCOMPARE(int(parsed.error().code), int(ErrorCode::Query));
        QCOMPARE(int(parsed.error().offset), offset);
        QVERIFY(parsed.error().length >= 1);
        QVERIFY2(QString::fromStdString(parsed.error().message).contains(message), parsed.error().message.c_str());
    }

    // Each QueryLimits limit is a query error at the spot where the query passes it.
    void limitsArePositionedErrors_data()
    {
        QTest::addColumn<QString>("query");
        QTest::addColumn<int>("offset");
        QTest::addColumn<QString>("message");
        QString terms;
        for (std::size_t i = 0; i < QueryLimits::MaxTerms + 1; ++i)
            terms += (i ? QStringLiteral(" or ") : QString()) + QStringLiteral("level:e");
        QTest::newRow("terms") << terms << int(QueryLimits::MaxTerms * 11 + 6) << "the query has more than 4096 terms";
        QString values = QStringLiteral("level:(e");
        for (std::size_t i = 0; i < QueryLimits::MaxTerms; ++i)
            values += QStringLiteral(" or e");
        QTest::newRow("value list") << values + QLatin1Char(')') << int(7 + QueryLimits::MaxTerms * 5) << "the query has more than 4096 terms";
        QString regexes;
        for (std::size_t i = 0; i < QueryLimits::MaxRegexes + 1; ++i)
            regexes += QStringLiteral("/r/ ");
        QTest::newRow("regexes") << regexes << int(QueryLimits::MaxRegexes * 4) << "the query has more than 64 regexes";
        QTest::newRow("bytes") << QString(int(QueryLimits::MaxBytes) + 10, QLatin1Char('a')) << int(QueryLimits::MaxBytes)
                               << "the query is longer than 256 KiB at column 262145";
        QTest::newRow("regex bytes") << QStringLiteral("x:/") + QString(int(QueryLimits::MaxRegexBytes) + 1, QLatin1Char('a')) + QLatin1Char('/')
                                     << 2 << "the regex is longer than 1000 bytes";
    }

    void limitsArePositionedErrors()
    {
        QFETCH(QString, query);
        QFETCH(int, offset);
        QFETCH(QString, message);
        auto filter = QueryFilter::fromText(query.toStdString(), QueryTime(0));
        QVERIFY(!filter.has_value());
        QCOMPARE(int(filter.error().code), int(ErrorCode::Query));
        QCOMPARE(int(filter.error().offset), offset);
        QVERIFY(filter.error().length >= 1);
        QVERIFY2(QString::fromStdString(filter.error().message).contains(message), filter.error().message.c_str());
    }

    // As many terms as the limit allows parse and compile.
    void theLimitItselfIsAllowed()
    {
        std::string terms;
        for (std::size_t i = 0; i < QueryLimits::MaxTerms; ++i)
            terms += (i ? " or " : "") + std::string("level:e");
        QVERIFY(QueryFilter::fromText(terms, QueryTime(0)).has_value());
    }

    // Past double's range is a number too: infinity, or zero; text that is no number stays text.
    void numbersPastDouble()
    {
        QCOMPARE(QueryMatcher::numberOf("1e400"), std::optional<double>(HUGE_VAL));
        QCOMPARE(QueryMatcher::numberOf("-1e400"), std::optional<double>(-HUGE_VAL));
        QCOMPARE(QueryMatcher::numberOf("12345678901234567890e300"), std::optional<double>(HUGE_VAL));
        QCOMPARE(QueryMatcher::numberOf("1e-400"), std::optional<double>(0.0));
        QCOMPARE(QueryMatcher::numberOf("0.000001e-400"), std::optional<double>(0.0));
        QCOMPARE(QueryMatcher::numberOf("1e99999999999999999999999"), std::optional<double>(HUGE_VAL));
        QCOMPARE(QueryMatcher::numberOf("1e-99999999999999999999999"), std::optional<double>(0.0));
        QCOMPARE(QueryMatcher::numberOf("2.5"), std::optional<double>(2.5));
        QVERIFY(!QueryMatcher::numberOf("inf").has_value());
        QVERIFY(!QueryMatcher::numberOf("nan").has_value());
        QVERIFY(!QueryMatcher::numberOf("1e400x").has_value());
    }

    // RE2's syntax: what Perl and ECMAScript share; backreferences and lookaround are bad regexes.
    void regexSyntax()
    {
        for (const char *good : {"x:/a+b/", "x:/\\d{2,3}/", "x:/(?:ab|cd)+?/", "x:/[^a-z]/", "x:/(a+)+$/"})
            QVERIFY2(QueryFilter::fromText(good, QueryTime(0)).has_value(), good);
        for (const char *bad : {"x:/(a/", "x:/a\\1/", "x:/(?=a)/", "x:/a{1001}/"}) {
            auto filter = QueryFilter::fromText(bad, QueryTime(0));
            QVERIFY2(!filter.has_value(), bad);
            QCOMPARE(int(filter.error().offset), 2);
            QVERIFY2(filter.error().message.starts_with("expected a valid regex ("), filter.error().message.c_str());
        }
        auto regex = QueryRegex::make("a+", false);
        QVERIFY(regex.has_value());
        QVERIFY(regex->matches(std::string(300'000, 'a')));
        QVERIFY(!regex->matches("aab"));
        auto nested = QueryRegex::make("(a+)+$", false);
        QVERIFY(nested.has_value());
        QVERIFY(!nested->matches(std::string(64, 'a') + "b"));
    }

    void deepNestingIsAnErrorNotACrash()
    {
        const std::string query = std::string(5000, '(') + "a" + std::string(5000, ')');
        QVERIFY(!QueryParser::parse(query).has_value());
    }

    void dates_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("begin");
        QTest::addColumn<qint64>("end");
        const qint64 day = 1762732800LL * 1'000'000'000; // 2025-11-10T00:00:00Z
        const qint64 s = 1'000'000'000;
        QTest::newRow("day") << "2025-11-10" << day << day + 86400 * s;
        QTest::newRow("month") << "2025-11" << day - 9 * 86400 * s << day + 21 * 86400 * s;
        QTest::newRow("year") << "2025" << qint64(1735689600LL * s) << qint64(1767225600LL * s);
        QTest::newRow("minute") << "2025-11-10T10:30" << day + 37800 * s << day + 37860 * s;
        QTest::newRow("space") << "2025-11-10 10:30:05" << day + 37805 * s << day + 37806 * s;
        QTest::newRow("fraction") << "2025-11-10T10:30:05.25Z" << day + 37805 * s + 250'000'000 << day + 37805 * s + 260'000'000;
        QTest::newRow("offset") << "2025-11-10T11:30+01:00" << day + 37800 * s << day + 37860 * s;
        QTest::newRow("now") << "now" << day << day + 1;
        QTest::newRow("now-15m") << "now-15m" << day - 900 * s << day - 900 * s + 1;
        QTest::newRow("now/d") << "now/d" << day << day + 86400 * s;
        QTest::newRow("now-1d/d") << "now-1d/d" << day - 86400 * s << day;
        QTest::newRow("now+1M") << "now+1M" << day + 30 * 86400 * s << day + 30 * 86400 * s + 1;
    }

    void dates()
    {
        QFETCH(QString, text);
        QFETCH(qint64, begin);
        QFETCH(qint64, end);
        const QueryTime time(1762732800LL * 1'000'000'000);
        const auto interval = time.resolve(text.toStdString());
        QVERIFY(interval.has_value());
        QCOMPARE(qint64(interval->begin), begin);
        QCOMPARE(qint64(interval->end), end);
    }

    void badDates()
    {
        const QueryTime time(0);
        for (const char *text : {"yesterday", "2025-13-01", "now-", "now/q", "2025-11-10T25:00", "2025-11-10Tx",
                                 "2026-02-30", "2025-04-31T10:00", "0000", "now-10000y", "now+9000y"})
            QVERIFY2(!time.resolve(text).has_value(), text);
    }

    // Dates take the years an import keeps, 1 to 9999, as time keys (core/base/timekey.h).
    void datesOfAnyYear()
    {
        const QueryTime time(1762732800LL * 1'000'000'000); // 2025-11-10T00:00:00Z
        const auto first = time.resolve("0001");
        QVERIFY(first.has_value());
        QCOMPARE(first->begin, timekey::firstKey());
        QCOMPARE(format::rfc3339(first->end), std::string("0002-01-01T00:00:00.000000000Z"));
        const auto last = time.resolve("9999");
        QVERIFY(last.has_value());
        QCOMPARE(format::rfc3339(last->begin), std::string("9999-01-01T00:00:00.000000000Z"));
        QCOMPARE(last->end, timekey::lastKey() + 1);
        const auto past = time.resolve("now-1000y");
        QVERIFY(past.has_value());
        QCOMPARE(format::rfc3339(past->begin), std::string("1025-11-10T00:00:00.000000000Z"));
        const auto future = time.resolve("now+1000y/d");
        QVERIFY(future.has_value());
        QCOMPARE(format::rfc3339(future->begin), std::string("3025-11-10T00:00:00.000000000Z"));
        QCOMPARE(format::rfc3339(future->end), std::string("3025-11-11T00:00:00.000000000Z"));
        QCOMPARE(format::rfc3339(time.resolve("1066-10-14T09:00Z")->begin), std::string("1066-10-14T09:00:00.000000000Z"));
    }

    void anOutOfRangeDateSaysTheRange()
    {
        const auto filter = QueryFilter::fromText("@timestamp:[0000 TO 2025]", QueryTime(0));
        QVERIFY(!filter.has_value());
        QVERIFY2(QString::fromStdString(filter.error().message).contains(QStringLiteral("from 0001 to 9999")),
                 filter.error().message.c_str());
    }
};

QTEST_GUILESS_MAIN(TestQueryParser)
#include "tst_queryparser.moc"
