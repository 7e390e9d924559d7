// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

class QPalette;
class QSyntaxHighlighter;
class QTextDocument;

// The raw JSON's highlighter, chosen when Timberline is built: KF6 SyntaxHighlighting's JSON
// definition with a theme matching the palette where the system has it (TL_HAVE_KSYNTAXHIGHLIGHTING),
// BuiltinJsonHighlighter otherwise.
class JsonHighlighting
{
public:
    enum class Backend { Builtin, KSyntaxHighlighting };
    static Backend backend();
    // "KSyntaxHighlighting" or "built-in": what the About box and the tests read.
    static QString backendName();
    // A highlighter on `document`, owned by it, with colours readable on `palette`.
    static QSyntaxHighlighter *create(QTextDocument *document, const QPalette &palette);
};
