// SPDX-License-Identifier: MIT
// The incident report: its escaping contract on hostile text, and a report over a store whose log
// lines try to break it — every heading stays a heading, every fence closes where it should, every
// table row keeps its cells.
#include <QTemporaryDir>
#include <QTest>

#include <core/backends/storelocation.h>
#include <core/import/importer.h>
#include <core/report/markdown.h>
#include <core/report/redaction.h>
#include <core/report/report.h>

#include <sstream>

using namespace core;

namespace {

// The document's lines outside fenced code blocks, as a CommonMark reader sees them: a fence closes
// only on a line of the same character at least as long as its opener.
std::vector<std::string> linesOutsideFences(const std::string &markdown, int *openFences = nullptr)
{
    std::vector<std::string> outside;
    std::istringstream in(markdown);
    std::string line;
    std::size_t fence = 0;
    char fenceChar = 0;
    int open = 0;
    while (std::getline(in, line)) {
        std::size_t indent = line.find_first_not_of(' ');
        const std::string_view body
            = indent == std::string::npos || indent > 3 ? std::string_view() : std::string_view(line).substr(indent);
        const char c = body.empty() ? 0 : body.front();
        std::size_t run = 0;
        while ((c == '`' || c == '~') && run < body.size() && body[run] == c)
            ++run;
        if (fence == 0) {
            if (run >= 3) {
                fence = run;
                fenceChar = c;
                ++open;
                continue;
            }
            outside.push_back(line);
        } else if (c == fenceChar && run >= fence
                   && body.find_first_not_of(std::string(1, c) + " ") == std::string_view::npos) {
            fence = 0;
            --open;
        }
    }
    if (openFences)
        *openFences = open;
    return outside;
}

// Cells of a table row: `|` not escaped by a backslash.
int cellsOf(const std::string &row)
{
    int pipes = 0;
    for (std::size_t i = 0; i < row.size(); ++i)
        if (row[i] == '|' && (i == 0 || row[i - 1] != '\\'))
            ++pipes;
    return pipes - 1;
}

} // namespace

class TestReport : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void codeSpansOutlastTheirBackticks()
    {
        QCOMPARE(markdown::codeSpan("plain"), std::string("`plain`"));
        QCOMPARE(markdown::codeSpan("a `b` c"), std::string("``a `b` c``"));
        QCOMPARE(markdown::codeSpan("`edge`"), std::string("`` `edge` ``"));
        QCOMPARE(markdown::codeSpan("two\nlines"), std::string("`two\u240Alines`"));
    }

    void tableCellsEscapeEveryPipe()
    {
        QCOMPARE(markdown::tableCell("a|b"), std::string("`a\\|b`"));
        const std::string longCell = markdown::tableCell(std::string(300, 'x'), 200);
        QVERIFY(longCell.ends_with("\u2026"));
        QVERIFY(longCell.size() < 220);
        // Cut on a character boundary: é is two bytes.
        const std::string accents = markdown::tableCell("\xc3\xa9\xc3\xa9\xc3\xa9", 3);
        QCOMPARE(accents, std::string("`\xc3\xa9` \u2026"));
    }

    void codeBlocksCannotBeClosedFromInside()
    {
        const std::string hostile = "```\n## Injected\n````\n~~~\n";
        const std::string block = markdown::codeBlock(hostile, "text");
        QVERIFY(block.starts_with("`````text\n"));
        int open = 0;
        const auto outside = linesOutsideFences("# Title\n" + block + "## After\n", &open);
        QCOMPARE(open, 0);
        QCOMPARE(outside, (std::vector<std::string>{"# Title", "## After"}));
    }

    void proseEscapesPunctuation()
    {
        QCOMPARE(markdown::prose("<script>[x]: a_b"), std::string("\\<script\\>\\[x\\]\\: a\\_b"));
    }

    void mermaidLabelsUseMermaidEntities()
    {
        QCOMPARE(markdown::mermaidLabel("GET http://x: #2; done"),
                 std::string("#71;ET http#58;//x#58; #35;2#59; done"));
        // No label starts with a letter, so none starts with a gantt keyword.
        QCOMPARE(markdown::mermaidLabel("Section 3 broke"), std::string("#83;ection 3 broke"));
        QCOMPARE(markdown::mermaidLabel("inclusiveEndDates"), std::string("#105;nclusiveEndDates"));
        QCOMPARE(markdown::mermaidLabel("2026-11-20 failed"), std::string("#50;026-11-20 failed"));
        QCOMPARE(markdown::mermaidLabel("#58;"), std::string("#35;58#59;")); // `#` first: one-to-one
    }

    // Planted secrets and personal data: each found, none left, the same value the same placeholder.
    void redactionFindsPlantedSecrets()
    {
        Redactor redact;
        const std::string planted[] = {
            "login failed for alice@example.com from 10.0.0.5 (alice@example.com again)",
            "Authorization: Bearer abc.def-123 and authorization=Basic dXNlcjpwYXNz",
            R"({"db_password":"hunter2","api_key": "k-123","token":"t0k"})",
            "jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl here",
            "keys AKIAABCDEFGHIJKLMNOP ghp_abcdefghijklmnopqrstuvwxyz0123456789 xoxb-1234567890-abcdef",
            "v6 2001:db8::1 and fe80:0:0:0:0:0:0:1 but not 10:30:00 or 1.2.3.4.5",
            "-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY----- done",
        };
        std::string all;
        for (const std::string &line : planted)
            all += redact.apply(line) + "\n";
        for (const char *secret :
             {"alice@example.com", "10.0.0.5", "abc.def-123", "dXNlcjpwYXNz", "hunter2", "k-123", "t0k",
              "eyJhbGciOiJIUzI1NiJ9", "AKIAABCDEFGHIJKLMNOP", "ghp_abcdefghijklmnopqrstuvwxyz0123456789",
              "xoxb-1234567890-abcdef", "2001:db8::1", "fe80:0:0:0:0:0:0:1", "MIIEow"})
            QVERIFY2(all.find(secret) == std::string::npos, secret);
        QVERIFY(all.find("login failed for <email-1> from <ipv4-1> (<email-1> again)") != std::string::npos);
        QVERIFY(all.find("Authorization: Bearer <authorization-1>") != std::string::npos);
        QVERIFY(all.find(R"("db_password":"<secret-field-1>")") != std::string::npos);
        QVERIFY(all.find("not 10:30:00 or 1.2.3.4.5") != std::string::npos); // a time and a dotted version stay
        QCOMPARE(redact.ledger().at("email").occurrences, 2u);
        QCOMPARE(redact.ledger().at("email").values, 1u);
        QCOMPARE(redact.ledger().at("secret-field").occurrences, 3u);
        QCOMPARE(redact.ledger().at("ipv6").occurrences, 2u);
        // A rule turned off leaves its values.
        Redactor noEmail({"email"});
        QCOMPARE(noEmail.apply("to bob@example.org"), std::string("to bob@example.org"));
    }

    // A store whose log lines and service names try every trick: the report keeps its shape.
    void hostileLogsCannotBreakTheReport()
    {
        QTemporaryDir dir;
        // Backticks and tildes, pipes, <script>, <!--, a link reference, a 5,000-character line, and
        // Mermaid's keywords and `:#;` in service names and messages (the CI's renderer stage reads it too).
        const QString log = QStringLiteral(TL_FIXTURES_DIR "/report/hostile.log");
        struct Quiet : ImportObserver {
            ProgressAnswer progress(const ImportProgress &) override { return ProgressAnswer::Continue; }
        } quiet;
        ImportRequest request;
        request.storePath = dir.filePath(QStringLiteral("hostile.timberline")).toStdString();
        request.paths = {log.toStdString()};
        QVERIFY(runImport(request, quiet).has_value());
        auto store = openStore(request.storePath, OpenMode::ReadOnly);
        QVERIFY(store.has_value());
        ReportOptions options;
        options.title = "Hostile <b>input</b>";
        options.storeName = "hostile.timberline";
        options.version = "test";
        options.rootCause = "The gateway retried into a full pool.";
        auto report = IncidentReport::build(**store, options);
        QVERIFY2(report.has_value(), report.has_value() ? "" : report.error().message.c_str());
        QCOMPARE(report->errors, 7u);
        QCOMPARE(report->failedRequests.size(), 4u);
        const std::string markdown = renderMarkdown(report.value());

        int open = 0;
        const std::vector<std::string> outside = linesOutsideFences(markdown, &open);
        QCOMPARE(open, 0);
        std::vector<std::string> headings;
        for (const std::string &line : outside) {
            if (line.starts_with("## "))
                headings.push_back(line.substr(3));
            QVERIFY2(!line.starts_with("<"), line.c_str()); // no HTML block opens
            QVERIFY2(!line.starts_with("["), line.c_str()); // no link reference definition
        }
        QCOMPARE(headings,
                 (std::vector<std::string>{"Provenance", "Summary", "Timeline", "Impact", "Who failed first",
                                           "Evidence", "Key requests", "Reproduce", "Evidence gaps", "Root cause",
                                           "Solution", "Prevention", "Redaction"}));
        // Every row of every table has its header's cells.
        int headerCells = -1;
        for (const std::string &line : outside) {
            if (!line.starts_with("|")) {
                headerCells = -1;
                continue;
            }
            if (headerCells < 0)
                headerCells = cellsOf(line);
            QVERIFY2(cellsOf(line) == headerCells, line.c_str());
        }
        // The evidence keeps the raw line byte for byte, inside its block.
        QVERIFY(markdown.find("[x]: https://evil.example <script>alert(1)</script>") != std::string::npos);
        QVERIFY(markdown.find("The gateway retried into a full pool.") != std::string::npos);
        QVERIFY(markdown.find("_To be written: what stopped the incident._") != std::string::npos);
        // Full digests, and Mermaid labels escaped.
        QVERIFY(markdown.find(report->stats.sources.front().sha256) != std::string::npos);
        QCOMPARE(report->stats.sources.front().sha256.size(), 64u);
        QVERIFY(markdown.find("section #97;pi#58; #35;1#59; gw") != std::string::npos);
        QVERIFY(markdown.find("section inclusiveEndDates") == std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestReport)
#include "tst_report.moc"
