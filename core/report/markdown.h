// SPDX-License-Identifier: MIT
#pragma once

#include <string>
#include <string_view>

// How log text goes into GitHub-flavoured Markdown and Mermaid without changing the document around
// it (docs/REPORT.md, "Nothing in a log can break the document"): every log-derived string sits in a
// code span or a code block, fenced by more backticks than it holds; table cells escape `|`; Mermaid
// labels use Mermaid's own entities.
namespace core::markdown {

// An inline code span: a backtick run longer than any inside, padded when the text starts or ends
// with a backtick; line breaks shown as ␊ (a span cannot hold one).
std::string codeSpan(std::string_view text);
// A table cell: a code span with `|` escaped (GFM splits cells at it even inside code), at most
// `limit` characters (then cut at a character boundary with …).
std::string tableCell(std::string_view text, std::size_t limit = 200);
// Markdown made of code spans and prose, ready for a table cell: every `|` escaped.
std::string inCell(std::string_view markdown);
// A fenced code block whose fence no line of `text` can close: one backtick more than the longest
// run inside, at least three.
std::string codeBlock(std::string_view text, std::string_view info = {});
// Text to read as prose: every ASCII punctuation character backslash-escaped, line breaks as spaces.
std::string prose(std::string_view text);
// A Mermaid gantt task, section or title label: `#` `:` `;` as Mermaid entities (`#` first, so the
// mapping stays one-to-one), line breaks as spaces, and the first character an entity when it is a
// letter or digit, so no label starts with a gantt keyword or a date.
std::string mermaidLabel(std::string_view text);

} // namespace core::markdown
