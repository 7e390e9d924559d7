#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Checks a report rendered to HTML by cmark-gfm (GitHub's renderer): exactly the report's sections as
# <h2>, no element that log text could have injected (script, comments, links, images, raw HTML
# blocks), and every table row with its header's cells. Exits 1 naming what is wrong.
#   cmark-gfm --extension table report.md | tests/report/check-html.py
import sys
from html.parser import HTMLParser

SECTIONS = ["Provenance", "Summary", "Timeline", "Impact", "Who failed first", "Evidence", "Key requests",
            "Reproduce", "Evidence gaps", "Root cause", "Solution", "Prevention", "Redaction"]
ALLOWED = {"h1", "h2", "h3", "p", "code", "pre", "table", "thead", "tbody", "tr", "th", "td", "ul", "li",
           "em", "br", "strong"}


class Report(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []
        self.h2 = []
        self.in_h2 = False
        self.text = ""
        self.header_cells = None
        self.cells = 0

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED:
            self.problems.append(f"unexpected <{tag}>")
        if tag == "h2":
            self.in_h2, self.text = True, ""
        elif tag == "table":
            self.header_cells = None
        elif tag == "tr":
            self.cells = 0
        elif tag in ("td", "th"):
            self.cells += 1

    def handle_endtag(self, tag):
        if tag == "h2":
            self.in_h2 = False
            self.h2.append(self.text.strip())
        elif tag == "tr":
            if self.header_cells is None:
                self.header_cells = self.cells
            elif self.cells != self.header_cells:
                self.problems.append(f"a table row has {self.cells} cells, its header {self.header_cells}")

    def handle_data(self, data):
        if self.in_h2:
            self.text += data

    def handle_comment(self, data):
        self.problems.append("an HTML comment")


report = Report()
report.feed(sys.stdin.read())
if report.h2 != SECTIONS:
    report.problems.append(f"sections {report.h2}, expected {SECTIONS}")
for problem in report.problems:
    print(f"check-html: {problem}", file=sys.stderr)
sys.exit(1 if report.problems else 0)
