// SPDX-License-Identifier: MIT
#include "mainwindow.h"

#include "eventtablemodel.h"
#include "importcontroller.h"
#include "importprogresswidget.h"

#include <QAction>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QImage>
#include <QLabel>
#include <QLocale>
#include <QMenuBar>
#include <QMimeData>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

#include <core/store/store.h>

#include <algorithm>

namespace {

// How often the row count is read again while an import writes: often enough to look live, rarely
// enough that the read connection stays out of the writer's way.
constexpr int RefreshIntervalMs = 250;

QStringList localPaths(const QMimeData *mime)
{
    QStringList paths;
    if (!mime || !mime->hasUrls())
        return paths;
    for (const QUrl &url : mime->urls()) {
        if (url.isLocalFile())
            paths << url.toLocalFile();
    }
    return paths;
}

} // namespace

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

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
    , m_model(new EventTableModel(this))
    , m_import(new ImportController(this))
    , m_refreshTimer(new QTimer(this))
{
    setWindowTitle(tr("Timberline"));
    setAcceptDrops(true);

    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    m_progress = new ImportProgressWidget(central);
    layout->addWidget(m_progress);
    m_stack = new QStackedWidget(central);
    layout->addWidget(m_stack, 1);

    m_emptyHint
        = new QLabel(tr("Drop log files, folders or archives here\nor use File \u2192 Open files\u2026"), m_stack);
    m_emptyHint->setAlignment(Qt::AlignCenter);
    QFont hintFont = m_emptyHint->font();
    hintFont.setPointSizeF(hintFont.pointSizeF() * 1.3);
    m_emptyHint->setFont(hintFont);
    m_emptyHint->setForegroundRole(QPalette::PlaceholderText);
    m_stack->addWidget(m_emptyHint);

    m_view = new QTableView(m_stack);
    m_stack->addWidget(m_view);
    setupView();
    setCentralWidget(central);

    m_orderLabel = new QLabel(this);
    m_countLabel = new QLabel(this);
    // Breathing room between the two, and from the size grip.
    m_orderLabel->setContentsMargins(8, 0, 8, 0);
    m_countLabel->setContentsMargins(8, 0, 8, 0);
    statusBar()->addPermanentWidget(m_orderLabel);
    statusBar()->addPermanentWidget(m_countLabel);

    createMenus();

    m_refreshTimer->setInterval(RefreshIntervalMs);
    connect(m_refreshTimer, &QTimer::timeout, this, [this] {
        m_model->refresh();
        updateStatus();
    });
    connect(m_import, &ImportController::progressChanged, m_progress, &ImportProgressWidget::setStatus);
    connect(m_import, &ImportController::rowsCommitted, this, &MainWindow::onRowsCommitted);
    connect(m_import, &ImportController::finished, this, &MainWindow::onImportFinished);
    connect(m_progress, &ImportProgressWidget::cancelRequested, m_import, &ImportController::cancel);
    connect(m_model, &EventTableModel::errorOccurred, this, &MainWindow::showError);
    connect(m_model, &EventTableModel::modelReset, this, &MainWindow::updateStatus);
    connect(m_model, &EventTableModel::rowsInserted, this, &MainWindow::updateStatus);

    resize(1280, 800);
    updateStatus();
}

MainWindow::~MainWindow() = default;

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *openFiles = file->addAction(tr("Open &files\u2026"));
    openFiles->setShortcut(QKeySequence::Open);
    connect(openFiles, &QAction::triggered, this, [this] {
        const QStringList paths = QFileDialog::getOpenFileNames(this, tr("Import log files"));
        if (!paths.isEmpty())
            importPaths(paths);
    });
    QAction *openFolder = file->addAction(tr("Open f&older\u2026"));
    openFolder->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    connect(openFolder, &QAction::triggered, this, [this] {
        const QString path = QFileDialog::getExistingDirectory(this, tr("Import a log folder"));
        if (!path.isEmpty())
            importPaths({path});
    });
    m_openStoreAction = file->addAction(tr("Open &store\u2026"));
    connect(m_openStoreAction, &QAction::triggered, this, [this] {
        const QString path = QFileDialog::getOpenFileName(
            this, tr("Open a Timberline store"), QString(), tr("Timberline stores (*.timberline);;All files (*)"));
        if (!path.isEmpty())
            openStore(path);
    });
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"));
    quit->setShortcut(QKeySequence::Quit);
    connect(quit, &QAction::triggered, this, &QWidget::close);
}

void MainWindow::setupView()
{
    m_view->setModel(m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);
    m_view->setShowGrid(false);
    m_view->setTextElideMode(Qt::ElideRight);
    m_view->setHorizontalScrollMode(QAbstractItemView::ScrollPerPixel);
    m_view->setVerticalScrollMode(QAbstractItemView::ScrollPerItem);
    // Fixed row heights: the view never measures rows, so a million-row model costs nothing to lay out.
    QHeaderView *rows = m_view->verticalHeader();
    rows->setSectionResizeMode(QHeaderView::Fixed);
    rows->setDefaultSectionSize(m_view->fontMetrics().height() + 6);
    rows->setMinimumSectionSize(m_view->fontMetrics().height() + 2);
    rows->hide();
    QHeaderView *columns = m_view->horizontalHeader();
    columns->setSectionResizeMode(QHeaderView::Interactive);
    columns->setStretchLastSection(true);
    columns->setHighlightSections(false);
    columns->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    fitColumns();
}

void MainWindow::fitColumns()
{
    const QFontMetrics metrics = m_view->fontMetrics();
    // Room for the cell's margins and the header's sort arrow.
    const int padding = metrics.horizontalAdvance(QLatin1Char('M')) * 2;
    const int timeWidth = metrics.horizontalAdvance(QStringLiteral("2025-11-10 10:30:00.000000")) + padding;
    const int levelWidth
        = std::max(metrics.horizontalAdvance(QStringLiteral("unknown")),
              metrics.horizontalAdvance(m_model->headerData(EventTableModel::LevelColumn, Qt::Horizontal).toString()))
        + padding;
    const int serviceWidth = metrics.horizontalAdvance(QLatin1Char('m')) * 16 + padding;
    const int requestWidth = metrics.horizontalAdvance(QLatin1Char('0')) * 24 + padding;
    const int available = m_view->viewport()->width();
    const int messageWidth = std::max(metrics.horizontalAdvance(QLatin1Char('m')) * 40,
        available - timeWidth - levelWidth - serviceWidth - requestWidth);
    m_view->setColumnWidth(EventTableModel::TimeColumn, timeWidth);
    m_view->setColumnWidth(EventTableModel::LevelColumn, levelWidth);
    m_view->setColumnWidth(EventTableModel::ServiceColumn, serviceWidth);
    m_view->setColumnWidth(EventTableModel::MessageColumn, messageWidth);
    m_view->setColumnWidth(EventTableModel::RequestIdColumn, requestWidth);
}

void MainWindow::resizeEvent(QResizeEvent *event)
{
    QMainWindow::resizeEvent(event);
    // The message column takes what the window gains or loses; the others keep their size.
    fitColumns();
}

void MainWindow::openStore(const QString &storePath)
{
    const QString path = QFileInfo(storePath).absoluteFilePath();
    if (m_import->isRunning() && path != m_import->storePath()) {
        showError(tr("An import into %1 is running; open another store when it ends").arg(m_import->storePath()));
        return;
    }
    if (!QFileInfo::exists(path)) {
        QDir().mkpath(QFileInfo(path).absolutePath());
        // Creating the schema is the writer's job; the table's own connection is read-only.
        auto created = core::Store::open(path.toStdString(), core::OpenMode::ReadWrite);
        if (!created) {
            showError(tr("Cannot create %1: %2").arg(path, QString::fromStdString(created.error().message)));
            return;
        }
    } else if (!core::Store::isStore(path.toStdString())) {
        showError(tr("%1 is not a Timberline store").arg(path));
        return;
    }
    QString error;
    if (!m_model->openStore(path, &error)) {
        showError(tr("Cannot open %1: %2").arg(path, error));
        return;
    }
    m_storePath = path;
    setWindowTitle(tr("%1 \u2014 Timberline").arg(QDir::toNativeSeparators(path)));
    m_model->setOrder(m_import->isRunning() ? EventTableModel::Order::Arrival : EventTableModel::Order::Time);
    updateStatus();
}

void MainWindow::importPaths(const QStringList &paths)
{
    QStringList toImport;
    for (const QString &path : paths) {
        // A store among the paths is opened, not imported; when several are, the first wins.
        if (core::Store::isStore(path.toStdString())) {
            if (!m_import->isRunning())
                openStore(path);
        } else {
            toImport << path;
        }
    }
    if (toImport.isEmpty()) {
        // Nothing started, but whoever waits for the import must not wait forever.
        QTimer::singleShot(0, this, &MainWindow::importFinished);
        return;
    }
    if (m_storePath.isEmpty())
        openStore(defaultStorePath(toImport.first()));
    if (m_storePath.isEmpty()) {
        QTimer::singleShot(0, this, &MainWindow::importFinished);
        return;
    }
    m_queue << toImport;
    startNextImport();
}

void MainWindow::startNextImport()
{
    if (m_import->isRunning() || m_queue.isEmpty())
        return;
    const QStringList paths = m_queue.takeFirst();
    if (!m_import->start(m_storePath, paths))
        return;
    m_progress->begin(static_cast<int>(paths.size()));
    // Until the importer builds the time index, reading in time order would sort the whole table on
    // every page; arrival order is what the writer's row ids give for free.
    m_model->setOrder(EventTableModel::Order::Arrival);
    m_openStoreAction->setEnabled(false);
    m_refreshTimer->start();
    updateStatus();
}

void MainWindow::onRowsCommitted()
{
    ensureModelOpen();
    m_model->refresh();
    updateStatus();
}

bool MainWindow::ensureModelOpen()
{
    if (m_model->hasStore() || m_storePath.isEmpty())
        return m_model->hasStore();
    QString error;
    if (!m_model->openStore(m_storePath, &error)) {
        showError(error);
        return false;
    }
    return true;
}

void MainWindow::onImportFinished(const ImportResult &result)
{
    m_refreshTimer->stop();
    m_progress->end();
    m_openStoreAction->setEnabled(true);
    ensureModelOpen();
    // The importer has built the time index by now, whatever the outcome.
    m_model->setOrder(EventTableModel::Order::Time);
    m_model->refresh();

    const QLocale locale;
    QString message;
    switch (result.outcome) {
    case core::Outcome::Finished:
        message = tr("Imported %1 events in %2")
                      .arg(locale.toString(static_cast<qulonglong>(result.events)),
                          ImportProgressWidget::formatDuration(result.seconds));
        break;
    case core::Outcome::Cancelled:
        message = tr("Import cancelled; the %1 events read so far are kept")
                      .arg(locale.toString(static_cast<qulonglong>(result.events)));
        break;
    case core::Outcome::Failed:
        message = tr("Import failed: %1").arg(result.error);
        break;
    }
    if (!result.problems.isEmpty()) {
        message += tr(" (%n source(s) skipped: ", nullptr, static_cast<int>(result.problems.size()))
            + result.problems.join(QStringLiteral("; ")) + QLatin1Char(')');
    }
    statusBar()->showMessage(message);
    updateStatus();
    Q_EMIT importFinished();
    startNextImport();
}

void MainWindow::updateStatus()
{
    const bool importing = m_import->isRunning();
    const int rows = m_model->rowCount();
    m_stack->setCurrentWidget(rows > 0 || importing ? static_cast<QWidget *>(m_view) : m_emptyHint);
    if (!m_model->hasStore()) {
        m_countLabel->clear();
        m_orderLabel->clear();
        return;
    }
    m_countLabel->setText(tr("%1 events").arg(QLocale().toString(rows)));
    m_orderLabel->setText(m_model->order() == EventTableModel::Order::Arrival
            ? tr("arrival order \u2014 time order when the import completes")
            : tr("time order"));
}

void MainWindow::showError(const QString &message)
{
    statusBar()->showMessage(message);
    qWarning("timberline: %s", qPrintable(message));
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    if (!localPaths(event->mimeData()).isEmpty())
        event->acceptProposedAction();
}

void MainWindow::dragMoveEvent(QDragMoveEvent *event)
{
    if (!localPaths(event->mimeData()).isEmpty())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent *event)
{
    const QStringList paths = localPaths(event->mimeData());
    if (paths.isEmpty())
        return;
    event->acceptProposedAction();
    importPaths(paths);
}

bool MainWindow::saveScreenshot(const QString &pngPath)
{
    QDir().mkpath(QFileInfo(pngPath).absolutePath());
    const QImage image = grab().toImage();
    return !image.isNull() && image.save(pngPath, "PNG");
}
