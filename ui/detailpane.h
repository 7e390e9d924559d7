// SPDX-License-Identifier: MIT
#pragma once

#include "viewjob.h"

#include <QList>
#include <QPair>
#include <QString>
#include <QWidget>

#include <core/store/eventstore.h>

#include <vector>

class DiscoverState;
class QLabel;
class QPlainTextEdit;
class QSpinBox;
class QSyntaxHighlighter;
class QTabWidget;
class QTableWidget;

// What the pane shows of one event, read on a worker.
struct EventDetail {
    core::EventRow event;
    QList<QPair<QString, QString>> fields;
    QString raw;
    std::vector<core::EventRow> surrounding; ///< in time order, the event itself among them
    QString error;
};

// The selected event: its fields as a table, its raw line as pretty-printed highlighted JSON, and the
// events ±N around it in time across all services.
class DetailPane : public QWidget
{
    Q_OBJECT
public:
    explicit DetailPane(DiscoverState *state, QWidget *parent = nullptr);
    ~DetailPane() override;

    QTableWidget *fieldsTable() const { return m_fields; }
    QPlainTextEdit *jsonView() const { return m_json; }
    QTableWidget *surroundingTable() const { return m_surrounding; }
    QTabWidget *tabs() const { return m_tabs; }
    // The highlighter on the JSON view (BuiltinJsonHighlighter or KF6's).
    QSyntaxHighlighter *jsonHighlighter() const { return m_highlighter; }
    // Events shown on each side of the selected one.
    int surroundingCount() const;
    void setSurroundingCount(int count);
    void waitForWorker();
    // True while the selected event's detail is being read.
    bool isBusy() const { return !m_job->isSettled(); }

    // The raw text pretty-printed when it is one JSON value; as it is otherwise.
    static QString prettyJson(const QString &raw);

Q_SIGNALS:
    void updated();

protected:
    void changeEvent(QEvent *event) override;

private:
    void reload();
    void showDetail(const EventDetail &detail);
    void clearAll();

    DiscoverState *m_state = nullptr;
    ViewJob<EventDetail> *m_job = nullptr;
    QTabWidget *m_tabs = nullptr;
    QTableWidget *m_fields = nullptr;
    QPlainTextEdit *m_json = nullptr;
    QSyntaxHighlighter *m_highlighter = nullptr;
    QTableWidget *m_surrounding = nullptr;
    QSpinBox *m_around = nullptr;
    QLabel *m_placeholder = nullptr;
    std::vector<core::EventRow> m_surroundingRows;
};
