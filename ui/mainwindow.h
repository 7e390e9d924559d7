// SPDX-License-Identifier: MIT
#pragma once

#include <QMainWindow>
#include <QStringList>

struct ImportResult;
class EventTableModel;
class ImportController;
class ImportProgressWidget;
class QLabel;
class QStackedWidget;
class QTableView;
class QTimer;

// The first window: imports what is given or dropped, and shows the store's events in a virtual table.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    // Opens (creating if needed) the store and shows its events.
    void openStore(const QString &storePath);
    // Imports `paths` into the open store (or a new one at defaultStorePath); a path that is a store is
    // opened instead. Paths given while an import runs are imported after it.
    void importPaths(const QStringList &paths);
    // Renders the window as it is now into a PNG (used by `timberline --screenshot`).
    bool saveScreenshot(const QString &pngPath);

    QString storePath() const { return m_storePath; }
    EventTableModel *model() const { return m_model; }
    QTableView *view() const { return m_view; }
    ImportController *importController() const { return m_import; }
    ImportProgressWidget *progressWidget() const { return m_progress; }

    // Emitted when the import started by importPaths finished (any outcome).
    Q_SIGNAL void importFinished();

protected:
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dragMoveEvent(QDragMoveEvent *event) override;
    void dropEvent(QDropEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    void createMenus();
    void setupView();
    void startNextImport();
    void onRowsCommitted();
    void onImportFinished(const ImportResult &result);
    bool ensureModelOpen();
    void fitColumns();
    void updateStatus();
    void showError(const QString &message);

    EventTableModel *m_model = nullptr;
    ImportController *m_import = nullptr;
    ImportProgressWidget *m_progress = nullptr;
    QStackedWidget *m_stack = nullptr;
    QLabel *m_emptyHint = nullptr;
    QTableView *m_view = nullptr;
    QLabel *m_countLabel = nullptr;
    QLabel *m_orderLabel = nullptr;
    QTimer *m_refreshTimer = nullptr;
    QAction *m_openStoreAction = nullptr;
    QString m_storePath;
    QList<QStringList> m_queue; ///< paths waiting for the running import
};

// Where a store is created when none is given: $XDG_DATA_HOME/timberline/<first path's base name>.timberline
QString defaultStorePath(const QString &firstPath);
