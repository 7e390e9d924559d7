// SPDX-License-Identifier: MIT
#pragma once

#include <QWidget>

class DiscoverState;
class QComboBox;
class QDateTimeEdit;
class QLabel;

// Beside the query bar: the whole bundle, a span ending at the anchor (the bundle's end, shown), or
// absolute from/to in the display zone. Reads and writes DiscoverState's time range.
class TimeRangePicker : public QWidget
{
    Q_OBJECT
public:
    explicit TimeRangePicker(DiscoverState *state, QWidget *parent = nullptr);
    ~TimeRangePicker() override;

    QComboBox *combo() const { return m_combo; }
    QString anchorText() const;

private:
    void choose(int index);
    void applyAbsolute();
    void syncFromState();

    DiscoverState *m_state = nullptr;
    QComboBox *m_combo = nullptr;
    QDateTimeEdit *m_from = nullptr;
    QDateTimeEdit *m_to = nullptr;
    QLabel *m_anchor = nullptr;
    bool m_syncing = false;
};
