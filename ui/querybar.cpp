// SPDX-License-Identifier: MIT
#include "querybar.h"

#include "queryhighlighter.h"

#include <QAbstractItemView>
#include <QCompleter>
#include <QCoreApplication>
#include <QEvent>
#include <QInputMethodEvent>
#include <QKeyEvent>
#include <QRegularExpression>
#include <QScrollBar>
#include <QStringListModel>
#include <QToolTip>

namespace {

bool isWordChar(QChar c)
{
    return c.isLetterOrNumber() || c == QLatin1Char('_') || c == QLatin1Char('.') || c == QLatin1Char('@')
        || c == QLatin1Char('-') || c == QLatin1Char('*') || c == QLatin1Char('"') || c == QLatin1Char('/');
}

} // namespace

QueryBar::QueryBar(QWidget *parent)
    : QLineEdit(parent)
    , m_completer(new QCompleter(this))
    , m_completionModel(new QStringListModel(this))
{
    setPlaceholderText(tr("Search: level:error and service:api, \"connection refused\", status >= 500 \u2026"));
    setClearButtonEnabled(true);
    m_completer->setModel(m_completionModel);
    m_completer->setWidget(this);
    m_completer->setCaseSensitivity(Qt::CaseInsensitive);
    m_completer->setCompletionMode(QCompleter::PopupCompletion);
    m_completer->setMaxVisibleItems(12);
    connect(m_completer, qOverload<const QString &>(&QCompleter::activated), this, &QueryBar::insertCompletion);
    connect(this, &QLineEdit::textChanged, this, [this] {
        // The underline belongs to the text that failed; any edit makes it stale.
        if (!m_applying)
            clearError();
        rehighlight();
    });
    connect(this, &QLineEdit::textEdited, this, &QueryBar::updateCompletion);
    connect(this, &QLineEdit::cursorPositionChanged, this, [this] {
        // Formats are placed relative to the cursor: moving it means placing them again.
        if (!m_applying)
            applyFormats();
    });
}

QueryBar::~QueryBar() = default;

void QueryBar::setCompletions(const QStringList &fields, const QMap<QString, QStringList> &values)
{
    m_fields = fields;
    m_values = values;
}

void QueryBar::setHistory(const QStringList &queries)
{
    m_history = queries;
    m_historyIndex = -1;
}

void QueryBar::setError(const QString &message, int offset, int length)
{
    const int size = static_cast<int>(text().size());
    // An error at the very end ("expected a value") has no character to underline: take the last one.
    m_errorOffset = std::clamp(offset, 0, std::max(0, size - 1));
    m_errorLength = std::max(1, std::min(length, size - m_errorOffset));
    if (size == 0)
        m_errorLength = 0;
    setToolTip(message);
    rehighlight();
    if (isVisible())
        QToolTip::showText(mapToGlobal(QPoint(0, height())), message, this);
}

void QueryBar::clearError()
{
    if (m_errorLength == 0 && toolTip().isEmpty())
        return;
    m_errorOffset = -1;
    m_errorLength = 0;
    setToolTip(QString());
}

void QueryBar::rehighlight()
{
    m_formats = QueryHighlighter::formats(text(), palette());
    if (m_errorLength > 0)
        m_formats << QueryHighlighter::errorFormat(m_errorOffset, m_errorLength, palette());
    applyFormats();
}

void QueryBar::applyFormats()
{
    // QLineEdit has no syntax highlighting of its own; input-method text formats are the supported way
    // to colour its text (positions are relative to the cursor).
    QList<QInputMethodEvent::Attribute> attributes;
    const int cursor = cursorPosition();
    for (const QTextLayout::FormatRange &range : std::as_const(m_formats))
        attributes << QInputMethodEvent::Attribute(
            QInputMethodEvent::TextFormat, range.start - cursor, range.length, range.format);
    QInputMethodEvent event(QString(), attributes);
    m_applying = true;
    QCoreApplication::sendEvent(this, &event);
    m_applying = false;
}

void QueryBar::changeEvent(QEvent *event)
{
    QLineEdit::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        rehighlight();
}

QueryBar::Context QueryBar::contextAtCursor() const
{
    const QString line = text();
    const int cursor = cursorPosition();
    int start = cursor;
    while (start > 0 && isWordChar(line[start - 1]))
        --start;
    Context context;
    context.start = start;
    context.prefix = line.mid(start, cursor - start);
    if (start > 0 && line[start - 1] == QLatin1Char(':')) {
        int fieldStart = start - 1;
        while (fieldStart > 0 && isWordChar(line[fieldStart - 1]))
            --fieldStart;
        context.field = line.mid(fieldStart, start - 1 - fieldStart);
    }
    return context;
}

QStringList QueryBar::currentCompletions() const
{
    const Context context = contextAtCursor();
    if (!context.field.isEmpty())
        return m_values.value(context.field);
    return m_fields;
}

void QueryBar::updateCompletion()
{
    const Context context = contextAtCursor();
    const bool afterColon = !context.field.isEmpty();
    if (!afterColon && context.prefix.isEmpty()) {
        m_completer->popup()->hide();
        return;
    }
    QStringList candidates = currentCompletions();
    if (afterColon) {
        // Values are inserted as the filter would write them: quoted when they hold spaces or symbols.
        for (QString &value : candidates) {
            static const QRegularExpression plain(QStringLiteral("^[A-Za-z0-9_.@-]+$"));
            if (!plain.match(value).hasMatch())
                value = QLatin1Char('"') + QString(value).replace(QLatin1Char('"'), QLatin1String("\\\""))
                    + QLatin1Char('"');
        }
    }
    m_completionModel->setStringList(candidates);
    m_completer->setCompletionPrefix(context.prefix);
    if (m_completer->completionCount() == 0
        || (m_completer->completionCount() == 1 && m_completer->currentCompletion() == context.prefix)) {
        m_completer->popup()->hide();
        return;
    }
    m_completer->popup()->setCurrentIndex(m_completer->completionModel()->index(0, 0));
    QRect rect = cursorRect();
    rect.setWidth(m_completer->popup()->sizeHintForColumn(0)
        + m_completer->popup()->verticalScrollBar()->sizeHint().width());
    m_completer->complete(rect);
}

void QueryBar::insertCompletion(const QString &completion)
{
    const Context context = contextAtCursor();
    QString line = text();
    const bool field = context.field.isEmpty();
    // A field name is followed by its colon, ready for a value; a value by a space.
    const QString inserted = completion + (field ? QStringLiteral(":") : QStringLiteral(" "));
    line.replace(context.start, static_cast<int>(context.prefix.size()), inserted);
    setText(line);
    setCursorPosition(context.start + static_cast<int>(inserted.size()));
    if (field)
        updateCompletion();
}

void QueryBar::keyPressEvent(QKeyEvent *event)
{
    if (m_completer->popup()->isVisible()) {
        // The popup handles these itself (QCompleter's event filter); Enter picks an entry.
        switch (event->key()) {
        case Qt::Key_Enter:
        case Qt::Key_Return:
        case Qt::Key_Escape:
        case Qt::Key_Tab:
        case Qt::Key_Backtab:
            event->ignore();
            return;
        default:
            break;
        }
    }
    switch (event->key()) {
    case Qt::Key_Return:
    case Qt::Key_Enter:
        m_historyIndex = -1;
        Q_EMIT submitted(text());
        return;
    case Qt::Key_Escape:
        clear();
        m_historyIndex = -1;
        return;
    case Qt::Key_Up:
        if (m_history.isEmpty())
            break;
        if (m_historyIndex < 0) {
            m_draft = text();
            m_historyIndex = static_cast<int>(m_history.size());
        }
        if (m_historyIndex > 0)
            setText(m_history.at(--m_historyIndex));
        return;
    case Qt::Key_Down:
        if (m_historyIndex < 0)
            break;
        if (++m_historyIndex >= m_history.size()) {
            m_historyIndex = -1;
            setText(m_draft);
        } else {
            setText(m_history.at(m_historyIndex));
        }
        return;
    default:
        break;
    }
    QLineEdit::keyPressEvent(event);
}
