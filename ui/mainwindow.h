// SPDX-License-Identifier: MIT
#pragma once

#include "queryhistory.h"
#include "storesession.h"

#include <QMainWindow>
#include <QStringList>

struct ImportResult;
class DetailPane;
class DiscoverState;
class ErrorsPanel;
class EventTableModel;
class FieldSidebar;
class HistogramWidget;
class QueryBar;
class RequestsPanel;
class QSplitter;
class TimeRangePicker;
class ImportController;
class ImportProgressWidget;
class QDockWidget;
class QLabel;
class QStackedWidget;
class QTableView;

// The Discover window: query bar and time range over a field sidebar, the virtual event table and the
// selected event's detail. Imports what is given or dropped through its StoreSession, which owns the
// store's lifecycle and import queue. Every view reads and writes one DiscoverState; the table's pages
// and counts are read on workers, never on the GUI thread.
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
    // Window state, splitters, columns and the time zone as the user left them (the interactive window
    // only: screenshots and tests start from the defaults).
    void restoreSettings();
    // Types `text` into the query bar and runs it.
    void runQuery(const QString &text);
    // Selects the event in `row` (its detail is read on a worker).
    void selectRow(int row);
    // No query, count, sidebar or detail job is pending: what a screenshot waits for.
    bool isSettled() const;

    DiscoverState *state() const { return m_state; }
    QueryBar *queryBar() const { return m_queryBar; }
    TimeRangePicker *timeRangePicker() const { return m_timeRange; }
    FieldSidebar *sidebar() const { return m_sidebar; }
    DetailPane *detailPane() const { return m_detail; }
    HistogramWidget *histogram() const { return m_histogram; }
    ErrorsPanel *errorsPanel() const { return m_errors; }
    RequestsPanel *requestsPanel() const { return m_requests; }
    QDockWidget *requestsDock() const { return m_requestsDock; }

    QString storePath() const { return m_session->storePath(); }
    EventTableModel *model() const { return m_model; }
    QTableView *view() const { return m_view; }
    StoreSession *session() const { return m_session; }
    ImportController *importController() const { return m_session->importController(); }
    ImportProgressWidget *progressWidget() const { return m_progress; }

    // Emitted when the import started by importPaths finished (any outcome).
    Q_SIGNAL void importFinished();
    // The table shows the first page of the current query (its count may still be on its way).
    Q_SIGNAL void resultShown();

protected:
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dragMoveEvent(QDragMoveEvent *event) override;
    void dropEvent(QDropEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void closeEvent(QCloseEvent *event) override;

private:
    void createMenus();
    void setupView();
    void onStoreOpened(const QString &path);
    void onImportStarted(int sources);
    void onImportFinished(const ImportResult &result);
    // Another process is writing the store: asks whether to import `paths` once it ends.
    void offerToWait(const QStringList &paths);
    void fitColumns();
    void updateStatus();
    void showError(const QString &message);
    void onFilterChanged();
    void onQueryFailed(const QString &message, int offset, int length);
    void showTableMenu(const QPoint &pos);
    void showHeaderMenu(const QPoint &pos);
    void rememberQuery(const QString &text);
    void rebuildRecentMenus();
    void saveSettings() const;

    DiscoverState *m_state = nullptr;
    QueryBar *m_queryBar = nullptr;
    TimeRangePicker *m_timeRange = nullptr;
    FieldSidebar *m_sidebar = nullptr;
    DetailPane *m_detail = nullptr;
    HistogramWidget *m_histogram = nullptr;
    ErrorsPanel *m_errors = nullptr;
    QDockWidget *m_errorsDock = nullptr;
    RequestsPanel *m_requests = nullptr;
    QDockWidget *m_requestsDock = nullptr;
    QSplitter *m_split = nullptr;
    QSplitter *m_rightSplit = nullptr;
    QMenu *m_recentStores = nullptr;
    QMenu *m_recentQueries = nullptr;
    QAction *m_localTime = nullptr;
    QAction *m_newestFirst = nullptr;
    bool m_announceCount = false; ///< the next count is a new query's: say it in the status bar
    bool m_persistent = false; ///< window state is saved only when it was restored

    EventTableModel *m_model = nullptr;
    StoreSession *m_session = nullptr;
    QueryHistory m_history;
    ImportProgressWidget *m_progress = nullptr;
    QStackedWidget *m_stack = nullptr;
    QLabel *m_emptyHint = nullptr;
    QTableView *m_view = nullptr;
    QLabel *m_countLabel = nullptr;
    QLabel *m_orderLabel = nullptr;
    QAction *m_openStoreAction = nullptr;
};
