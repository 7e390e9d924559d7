// SPDX-License-Identifier: MIT
#pragma once

#include <QList>
#include <QMap>
#include <QObject>
#include <QString>
#include <QStringList>

struct ImportResult;
class DiscoverState;
class EventTableModel;
class ImportController;
class QTimer;
template<typename T>
class ViewJob;

// The open store and what happens to it: opening it (creating it when new), the queue of imports into
// it, the table's order and live row count while one runs, and the store's span and vocabulary read
// into the state when it opens and after every import. The window only shows what it reports.
class StoreSession : public QObject
{
    Q_OBJECT
public:
    StoreSession(DiscoverState *state, EventTableModel *model, QObject *parent = nullptr);
    ~StoreSession() override;

    QString storePath() const { return m_storePath; }
    ImportController *importController() const { return m_import; }
    bool isImporting() const;
    // Opens (creating if needed) the store: the table and every view show it. On failure the store
    // shown stays and failed() says why.
    bool open(const QString &storePath);
    // Imports `paths` into the open store (or a new one at defaultStorePath); a path that is a store is
    // opened instead. Paths given while an import runs are imported after it. False when nothing was queued.
    bool import(const QStringList &paths);
    // Imports `paths` once the other import writing the store ends (an ImportResult::storeBusy retried).
    void importAfterOtherWriter(const QStringList &paths);
    // The store's span and vocabulary have been read.
    bool isSettled() const;

    // Stores opened lately, latest first (kept in QSettings).
    static QStringList recentStores();

Q_SIGNALS:
    void opened(const QString &storePath);
    void failed(const QString &message);
    void importStarted(int sources);
    // An import ended (any outcome); the table and every view have been asked to read the store again.
    void importFinished(const ImportResult &result);
    // Field names and the values known for them, for the query bar's completion.
    void vocabularyRead(const QStringList &fields, const QMap<QString, QStringList> &values);

private:
    struct StoreInfo;

    void startNextImport();
    void onRowsCommitted();
    void onImportFinished(const ImportResult &result);
    bool ensureModelOpen();
    void loadStoreInfo();
    static void rememberStore(const QString &path);

    DiscoverState *m_state;
    EventTableModel *m_model;
    ImportController *m_import;
    ViewJob<StoreInfo> *m_infoJob;
    QTimer *m_refreshTimer;
    QString m_storePath;
    QList<QStringList> m_queue; ///< paths waiting for the running import
    bool m_waitForWriter = false; ///< the next import waits for another process's
};

// Where a store is created when none is given: $XDG_DATA_HOME/timberline/<first path's base name>.timberline
QString defaultStorePath(const QString &firstPath);
