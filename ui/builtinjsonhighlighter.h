// SPDX-License-Identifier: MIT
#pragma once

#include <QPalette>
#include <QSyntaxHighlighter>
#include <QTextCharFormat>

// JSON colours without KF6: keys, strings, numbers, true/false/null and punctuation, one line at a
// time (pretty-printed JSON keeps strings on one line).
class BuiltinJsonHighlighter : public QSyntaxHighlighter
{
    Q_OBJECT
public:
    BuiltinJsonHighlighter(QTextDocument *document, const QPalette &palette);
    ~BuiltinJsonHighlighter() override;

protected:
    void highlightBlock(const QString &text) override;

private:
    QTextCharFormat m_key;
    QTextCharFormat m_string;
    QTextCharFormat m_number;
    QTextCharFormat m_literal;
    QTextCharFormat m_punctuation;
};
