// SPDX-License-Identifier: MIT
#include "storesession.h"

#include "discoverstate.h"
#include "eventtablemodel.h"
#include "importcontroller.h"
#include "viewjob.h"

#include <QDir>
#include <QFileInfo>
#include <QSettings>
#include <QStandardPaths>
#include <QTimer>

#include <core/analysis/storesummary.h>
#include <core/backends/storelocation.h>

#include <limits>

namespace {

// How often the row count is read again while an import writes: often enough to look live, rarely
// enough that the read connection stays out of the writer's way.
constexpr int RefreshIntervalMs = 250;
constexpr qsizetype MaxRecentStores = 10;

} // namespace

// The store's time span and `now`, and its field catalogue, read on a worker when a store opens.
struct StoreSession::StoreInfo {
    std::optional<std::int64_t> firstNs;
    std::optional<std::int64_t> lastNs;
    std::optional<std::int64_t> anchorNs;
    QStringList fields;
    QMap<QString, QStringList> values;
};

QString defaultStorePath(const QString &firstPath)
{
    const QFileInfo info(QDir::cleanPath(firstPath));
    QString name = info.fileName();
    if (!info.isDir()) {
        // "api.log.gz" and "bundle.tar.gz" name their store "api" and "bundle".
        static const QStringList suffixes{QStringLiteral(".gz"), QStringLiteral(".zst"), QStringLiteral(".bz2"),
            QStringLiteral(".xz"), QStringLiteral(".zip"), QStringLiteral(".tgz"), QStringLiteral(".tar"),
            QStringLiteral(".log"), QStringLiteral(".json"), QStringLiteral(".jsonl"), QStringLiteral(".ndjson"),
            QStringLiteral(".txt")};
        bool stripped = true;
        while (stripped) {
            stripped = false;
            for (const QString &suffix : suffixes) {
                if (name.size() > suffix.size() && name.endsWith(suffix, Qt::CaseInsensitive)) {
                    name.chop(suffix.size());
                    stripped = true;
                }
            }
        }
    }
    if (name.isEmpty() || name == QLatin1String(".") || name == QLatin1String("/"))
        name = QStringLiteral("incident");
    // GenericDataLocation is $XDG_DATA_HOME (or ~/.local/share) on Linux, and a test location in test mode.
    const QString dataHome = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation);
    return dataHome + QLatin1String("/timberline/") + name + QLatin1String(".timberline");
}

StoreSession::StoreSession(DiscoverState *state, EventTableModel *model, QObject *parent)
    : QObject(parent)
    , m_state(state)
    , m_model(model)
    , m_import(new ImportController(this))
    , m_infoJob(new ViewJob<StoreInfo>(state->interactiveWorker(), this))
    , m_refreshTimer(new QTimer(this))
{
    m_refreshTimer->setObjectName(QStringLiteral("refreshTimer"));
    m_refreshTimer->setInterval(RefreshIntervalMs);
    connect(m_refreshTimer, &QTimer::timeout, this, [this] {
        // Counted on the model's worker; the rows follow when the count arrives.
        m_model->refresh();
    });
    connect(m_import, &ImportController::rowsCommitted, this, &StoreSession::onRowsCommitted);
    connect(m_import, &ImportController::finished, this, &StoreSession::onImportFinished);
}

StoreSession::~StoreSession() = default;

bool StoreSession::isImporting() const
{
    return m_import->isRunning();
}

bool StoreSession::isSettled() const
{
    return m_infoJob->isSettled();
}

bool StoreSession::open(const QString &storePath)
{
    const QString path = QFileInfo(storePath).absoluteFilePath();
    if (m_import->isRunning() && path != m_import->storePath()) {
        Q_EMIT failed(tr("An import into %1 is running; open another store when it ends").arg(m_import->storePath()));
        return false;
    }
    if (!QFileInfo::exists(path)) {
        QDir().mkpath(QFileInfo(path).absolutePath());
        // Creating the schema is the writer's job; the table's own connection is read-only.
        auto created = core::openStore(path.toStdString(), core::OpenMode::ReadWrite);
        if (!created) {
            Q_EMIT failed(tr("Cannot create %1: %2").arg(path, QString::fromStdString(created.error().message)));
            return false;
        }
    } else if (!core::recognises(path.toStdString())) {
        Q_EMIT failed(tr("%1 is not a Timberline store").arg(path));
        return false;
    }
    QString error;
    if (!m_model->openStore(path, &error)) {
        Q_EMIT failed(tr("Cannot open %1: %2").arg(path, error));
        return false;
    }
    m_storePath = path;
    m_model->setOrder(m_import->isRunning() ? EventTableModel::Order::Arrival : EventTableModel::Order::Time);
    m_state->setStore(path);
    rememberStore(path);
    loadStoreInfo();
    Q_EMIT opened(path);
    return true;
}

bool StoreSession::import(const QStringList &paths)
{
    QStringList toImport;
    for (const QString &path : paths) {
        // A store among the paths is opened, not imported; when several are, the first wins.
        if (core::recognises(path.toStdString())) {
            if (!m_import->isRunning())
                open(path);
        } else {
            toImport << path;
        }
    }
    if (toImport.isEmpty())
        return false;
    if (m_storePath.isEmpty() && !open(defaultStorePath(toImport.first())))
        return false;
    m_queue << toImport;
    startNextImport();
    return true;
}

void StoreSession::importAfterOtherWriter(const QStringList &paths)
{
    m_queue.prepend(paths);
    m_waitForWriter = true;
    startNextImport();
}

void StoreSession::startNextImport()
{
    if (m_import->isRunning() || m_queue.isEmpty())
        return;
    const QStringList paths = m_queue.takeFirst();
    if (!m_import->start(m_storePath, paths, std::exchange(m_waitForWriter, false)))
        return;
    // Until the importer builds the time index, reading in time order would sort the whole table on
    // every page; arrival order is what the writer's row ids give for free.
    m_model->setOrder(EventTableModel::Order::Arrival);
    m_refreshTimer->start();
    Q_EMIT importStarted(static_cast<int>(paths.size()));
}

void StoreSession::onRowsCommitted()
{
    ensureModelOpen();
    m_model->refresh();
}

bool StoreSession::ensureModelOpen()
{
    if (m_model->hasStore() || m_storePath.isEmpty())
        return m_model->hasStore();
    QString error;
    if (!m_model->openStore(m_storePath, &error)) {
        Q_EMIT failed(error);
        return false;
    }
    return true;
}

void StoreSession::onImportFinished(const ImportResult &result)
{
    m_refreshTimer->stop();
    ensureModelOpen();
    // The importer has built the time index by now, whatever the outcome.
    m_model->setOrder(EventTableModel::Order::Time);
    m_model->refresh();
    // The span, `now`, the catalogue and every view's result grew: the histogram, the sidebar and the
    // error groups last read the store when it was opened, often before the first row was committed.
    loadStoreInfo();
    m_state->rerun();
    Q_EMIT importFinished(result);
    startNextImport();
}

void StoreSession::loadStoreInfo()
{
    m_infoJob->start(
        [](core::EventStore *store, const ViewJob<StoreInfo>::Control &) {
            StoreInfo info;
            if (!store)
                return info;
            auto summary = core::StoreSummary::of(*store);
            if (!summary)
                return info;
            info.firstNs = summary->firstNs;
            info.lastNs = summary->lastNs;
            info.anchorNs = summary->anchorNs;
            for (const auto &[path, values] : summary->vocabulary) {
                const QString field = QString::fromStdString(path);
                info.fields << field;
                QStringList &texts = info.values[field];
                for (const std::string &value : values)
                    texts << QString::fromStdString(value);
            }
            return info;
        },
        [this](StoreInfo info) {
            m_state->setTimeSpan(info.firstNs, info.lastNs, info.anchorNs);
            Q_EMIT vocabularyRead(info.fields, info.values);
        });
}

QStringList StoreSession::recentStores()
{
    return QSettings().value(QStringLiteral("recent/stores")).toStringList();
}

void StoreSession::rememberStore(const QString &path)
{
    QSettings settings;
    QStringList recent = settings.value(QStringLiteral("recent/stores")).toStringList();
    recent.removeAll(path);
    recent.prepend(path);
    settings.setValue(QStringLiteral("recent/stores"), recent.mid(0, MaxRecentStores));
}
