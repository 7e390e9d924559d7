// SPDX-License-Identifier: MIT
#pragma once

#include <QList>
#include <QPalette>
#include <QString>
#include <QTextLayout>

#include <core/query/querytoken.h>

// Colours query text from core::QueryLexer's own tokens, so the bar and the parser read one grammar.
class QueryHighlighter
{
public:
    // Format ranges (in characters of `text`) for every token worth colouring, readable on `palette`.
    static QList<QTextLayout::FormatRange> formats(const QString &text, const QPalette &palette);
    // The colour of a kind of token on `palette`; invalid for plain words.
    static QColor colorOf(core::QueryTokenKind kind, const QPalette &palette);
    // The wavy red underline of a bad query's spot.
    static QTextLayout::FormatRange errorFormat(int start, int length, const QPalette &palette);
};
