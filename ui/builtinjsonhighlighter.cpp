// SPDX-License-Identifier: MIT
#include "builtinjsonhighlighter.h"

#include <QFont>

BuiltinJsonHighlighter::BuiltinJsonHighlighter(QTextDocument *document, const QPalette &palette)
    : QSyntaxHighlighter(document)
{
    // Two shades per role, so the text keeps its contrast on light and dark palettes.
    const bool dark = palette.color(QPalette::Base).lightness() < 128;
    m_key.setForeground(dark ? QColor(0x7c, 0xb7, 0xff) : QColor(0x15, 0x5b, 0xb5));
    m_string.setForeground(dark ? QColor(0x9c, 0xd6, 0x8a) : QColor(0x2e, 0x7d, 0x32));
    m_number.setForeground(dark ? QColor(0xff, 0xb7, 0x4d) : QColor(0xa8, 0x4b, 0x00));
    m_literal.setForeground(dark ? QColor(0xe0, 0x9a, 0xf0) : QColor(0x8e, 0x24, 0xaa));
    m_literal.setFontWeight(QFont::Bold);
    m_punctuation.setForeground(palette.color(QPalette::PlaceholderText));
}

BuiltinJsonHighlighter::~BuiltinJsonHighlighter() = default;

void BuiltinJsonHighlighter::highlightBlock(const QString &text)
{
    // A small scanner rather than regular expressions: escapes inside strings are handled exactly.
    const auto size = text.size();
    qsizetype i = 0;
    while (i < size) {
        const QChar c = text[i];
        if (c == QLatin1Char('"')) {
            qsizetype end = i + 1;
            while (end < size && text[end] != QLatin1Char('"'))
                end += text[end] == QLatin1Char('\\') ? 2 : 1;
            end = std::min(end + 1, size);
            // A string followed by ':' is a key.
            qsizetype next = end;
            while (next < size && text[next].isSpace())
                ++next;
            const bool key = next < size && text[next] == QLatin1Char(':');
            setFormat(static_cast<int>(i), static_cast<int>(end - i), key ? m_key : m_string);
            i = end;
        } else if (c.isDigit() || (c == QLatin1Char('-') && i + 1 < size && text[i + 1].isDigit())) {
            qsizetype end = i + 1;
            while (end < size
                && (text[end].isDigit() || text[end] == QLatin1Char('.') || text[end] == QLatin1Char('e')
                    || text[end] == QLatin1Char('E') || text[end] == QLatin1Char('+') || text[end] == QLatin1Char('-')))
                ++end;
            setFormat(static_cast<int>(i), static_cast<int>(end - i), m_number);
            i = end;
        } else if (c.isLetter()) {
            qsizetype end = i;
            while (end < size && text[end].isLetter())
                ++end;
            const QStringView word = QStringView(text).mid(i, end - i);
            if (word == QLatin1String("true") || word == QLatin1String("false") || word == QLatin1String("null"))
                setFormat(static_cast<int>(i), static_cast<int>(end - i), m_literal);
            i = end;
        } else {
            if (c == QLatin1Char('{') || c == QLatin1Char('}') || c == QLatin1Char('[') || c == QLatin1Char(']')
                || c == QLatin1Char(':') || c == QLatin1Char(','))
                setFormat(static_cast<int>(i), 1, m_punctuation);
            ++i;
        }
    }
}
