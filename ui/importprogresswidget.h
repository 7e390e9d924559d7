// SPDX-License-Identifier: MIT
#pragma once

#include <QWidget>

struct ImportStatus;
class QLabel;
class QProgressBar;
class QPushButton;

// The strip above the table while an import runs: a bar over the bytes read, the rate and time left,
// and Cancel.
class ImportProgressWidget : public QWidget
{
    Q_OBJECT
public:
    explicit ImportProgressWidget(QWidget *parent = nullptr);
    ~ImportProgressWidget() override;

    // Shows the strip for a new import of `sourceCount` paths.
    void begin(int sourceCount);
    void setStatus(const ImportStatus &status);
    // Says the import waits for another one writing the store, until progress arrives.
    void showWaiting();
    // Hides the strip; Cancel is enabled again for the next import.
    void end();

    QString text() const;
    QPushButton *cancelButton() const { return m_cancel; }

    // "12 s", "3 min 20 s", "1 h 05 min".
    static QString formatDuration(double seconds);

Q_SIGNALS:
    void cancelRequested();

private:
    QProgressBar *m_bar = nullptr;
    QLabel *m_label = nullptr;
    QPushButton *m_cancel = nullptr;
    bool m_waiting = false;
};
