// SPDX-License-Identifier: MIT
#pragma once

#include "viewjob.h"

#include <QList>
#include <QPair>
#include <QString>
#include <QWidget>

#include <cstdint>

class DiscoverState;
class QLabel;
class QTreeWidget;
class QTreeWidgetItem;

// One field of the current result as the sidebar shows it.
struct FieldSummary {
    QString path;
    std::uint64_t events = 0; ///< events of the result (or of the sample) holding it
    bool exact = false; ///< counted over the whole result, not the sample
    QList<QPair<QString, std::uint64_t>> topValues;
};

// What one sidebar job found: the first-class fields counted exactly, the rest from a sample.
struct FieldSidebarData {
    std::uint64_t sampled = 0; ///< events the record paths were tallied from
    QList<FieldSummary> fields;
    QString error;
};

// The fields of the current result with their counts and top values; + and − filter for or out of a
// value, the check box makes a record path a table column, "count all" counts one field over the
// whole result on a worker.
class FieldSidebar : public QWidget
{
    Q_OBJECT
public:
    // Record paths are tallied from this many events of the result.
    static constexpr std::size_t SampleSize = 5000;
    static constexpr std::size_t TopValues = 5;
    enum Columns { NameColumn, CountColumn, ForColumn, OutColumn, NUM_COLUMNS };

    explicit FieldSidebar(DiscoverState *state, QWidget *parent = nullptr);
    ~FieldSidebar() override;

    QTreeWidget *tree() const { return m_tree; }
    QString summaryText() const;
    // The field item for `path`, and the item of one of its values; null when absent.
    QTreeWidgetItem *fieldItem(const QString &path) const;
    QTreeWidgetItem *valueItem(const QString &path, const QString &value) const;
    // Counts `path`'s values over the whole result on the worker.
    void countAll(const QString &path);
    // True until the current result's fields have arrived.
    bool isBusy() const { return !m_job->isSettled(); }
    // Blocks until the (shared) worker is idle (tests).
    void waitForWorker();

Q_SIGNALS:
    // The fields of a new result are shown.
    void updated();

private:
    void reload();
    void showResult(const FieldSidebarData &result);
    void onItemClicked(QTreeWidgetItem *item, int column);
    void onItemChanged(QTreeWidgetItem *item, int column);
    void fillValues(QTreeWidgetItem *fieldItem, const FieldSummary &summary);

    DiscoverState *m_state = nullptr;
    ViewJob<FieldSidebarData> *m_job = nullptr;
    QLabel *m_summary = nullptr;
    QTreeWidget *m_tree = nullptr;
    bool m_filling = false;
};
