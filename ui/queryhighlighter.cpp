// SPDX-License-Identifier: MIT
#include "queryhighlighter.h"

#include <QFont>

#include <core/query/querylexer.h>

#include <algorithm>
#include <vector>

namespace {

bool isDark(const QPalette &palette)
{
    return palette.color(QPalette::Base).lightness() < 128;
}

} // namespace

QColor QueryHighlighter::colorOf(core::QueryTokenKind kind, const QPalette &palette)
{
    using Kind = core::QueryTokenKind;
    // Two shades per role: each keeps its contrast on light and dark bases alike.
    const bool dark = isDark(palette);
    switch (kind) {
    case Kind::Field:
        return dark ? QColor(0x7c, 0xb7, 0xff) : QColor(0x15, 0x5b, 0xb5);
    case Kind::Phrase:
        return dark ? QColor(0x9c, 0xd6, 0x8a) : QColor(0x2e, 0x7d, 0x32);
    case Kind::Regex:
        return dark ? QColor(0xe0, 0x9a, 0xf0) : QColor(0x8e, 0x24, 0xaa);
    case Kind::And:
    case Kind::Or:
    case Kind::Not:
    case Kind::Plus:
    case Kind::Minus:
    case Kind::To:
        return dark ? QColor(0xff, 0xb7, 0x4d) : QColor(0xa8, 0x4b, 0x00);
    case Kind::Colon:
    case Kind::Comparison:
    case Kind::OpenParen:
    case Kind::CloseParen:
    case Kind::OpenRange:
    case Kind::CloseRange:
        return palette.color(QPalette::PlaceholderText);
    case Kind::Unterminated:
        return dark ? QColor(0xff, 0x6b, 0x6b) : QColor(0xc6, 0x28, 0x28);
    case Kind::Word:
    case Kind::End:
        break;
    }
    return {};
}

QList<QTextLayout::FormatRange> QueryHighlighter::formats(const QString &text, const QPalette &palette)
{
    const QByteArray utf8 = text.toUtf8();
    const auto tokens = core::QueryLexer::tokenize(std::string_view(utf8.constData(), static_cast<std::size_t>(utf8.size())));
    // Byte offsets to character offsets: one pass over the UTF-8, counting UTF-16 units per code point.
    std::vector<int> charAt(static_cast<std::size_t>(utf8.size()) + 1, 0);
    int chars = 0;
    for (qsizetype i = 0; i < utf8.size(); ++i) {
        charAt[static_cast<std::size_t>(i)] = chars;
        const auto byte = static_cast<unsigned char>(utf8[i]);
        if ((byte & 0xC0) != 0x80)
            chars += byte >= 0xF0 ? 2 : 1;
    }
    charAt[static_cast<std::size_t>(utf8.size())] = chars;

    QList<QTextLayout::FormatRange> ranges;
    for (const core::QueryToken &token : tokens) {
        const QColor color = colorOf(token.kind, palette);
        if (!color.isValid() || token.length <= 0)
            continue;
        const auto begin = static_cast<std::size_t>(std::clamp<std::int64_t>(token.offset, 0, utf8.size()));
        const auto end = static_cast<std::size_t>(std::clamp<std::int64_t>(token.offset + token.length, 0, utf8.size()));
        QTextLayout::FormatRange range;
        range.start = charAt[begin];
        range.length = charAt[end] - charAt[begin];
        range.format.setForeground(color);
        if (token.kind == core::QueryTokenKind::And || token.kind == core::QueryTokenKind::Or
            || token.kind == core::QueryTokenKind::Not || token.kind == core::QueryTokenKind::To)
            range.format.setFontWeight(QFont::Bold);
        ranges << range;
    }
    return ranges;
}

QTextLayout::FormatRange QueryHighlighter::errorFormat(int start, int length, const QPalette &palette)
{
    QTextLayout::FormatRange range;
    range.start = start;
    range.length = std::max(1, length);
    range.format.setUnderlineStyle(QTextCharFormat::WaveUnderline);
    range.format.setUnderlineColor(colorOf(core::QueryTokenKind::Unterminated, palette));
    return range;
}
