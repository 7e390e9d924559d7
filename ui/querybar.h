// SPDX-License-Identifier: MIT
#pragma once

#include <QLineEdit>
#include <QMap>
#include <QStringList>
#include <QTextLayout>

class QCompleter;
class QStringListModel;

// The query line: coloured from core's query lexer, completes field names and, after `field:`, that
// field's frequent values; Up/Down walk the history; Enter runs, Esc clears. A bad query's spot is
// underlined, with the message as tooltip.
class QueryBar : public QLineEdit
{
    Q_OBJECT
public:
    explicit QueryBar(QWidget *parent = nullptr);
    ~QueryBar() override;

    // Field names to complete, and the values offered after `name:`.
    void setCompletions(const QStringList &fields, const QMap<QString, QStringList> &values);
    // History for Up/Down, most recent last.
    void setHistory(const QStringList &queries);
    QStringList history() const { return m_history; }

    // Underlines [offset, offset + length) and shows `message` as tooltip, until the text changes.
    void setError(const QString &message, int offset, int length);
    void clearError();
    bool hasError() const { return m_errorLength > 0; }
    int errorOffset() const { return m_errorOffset; }
    int errorLength() const { return m_errorLength; }
    // The formats shown now (highlighting and the error underline), for tests.
    QList<QTextLayout::FormatRange> formats() const { return m_formats; }
    QCompleter *completer() const { return m_completer; }
    // What completion offers at the cursor now (field names or one field's values).
    QStringList currentCompletions() const;

Q_SIGNALS:
    // Enter: run this query.
    void submitted(const QString &text);

protected:
    void keyPressEvent(QKeyEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void rehighlight();
    void updateCompletion();
    void insertCompletion(const QString &completion);
    // The word being typed at the cursor and the field it follows (`field:` before it), if any.
    struct Context {
        int start = 0;
        QString prefix;
        QString field;
    };
    Context contextAtCursor() const;
    void applyFormats();

    QCompleter *m_completer = nullptr;
    QStringListModel *m_completionModel = nullptr;
    QStringList m_fields;
    QMap<QString, QStringList> m_values;
    QStringList m_history;
    int m_historyIndex = -1; ///< -1: editing a fresh line
    QString m_draft; ///< what was typed before walking the history
    QList<QTextLayout::FormatRange> m_formats;
    int m_errorOffset = -1;
    int m_errorLength = 0;
    bool m_applying = false;
};
