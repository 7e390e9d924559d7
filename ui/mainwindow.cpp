// SPDX-License-Identifier: MIT
#include "mainwindow.h"

#include "detailpane.h"
#include "discoverstate.h"
#include "errorspanel.h"
#include "eventtablemodel.h"
#include "fieldsidebar.h"
#include "histogramwidget.h"
#include "importcontroller.h"
#include "importprogresswidget.h"
#include "querybar.h"
#include "requestspanel.h"
#include "storeworker.h"
#include "timerangepicker.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QElapsedTimer>
#include <QHBoxLayout>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QDir>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QImage>
#include <QLabel>
#include <QLocale>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

#include <core/model/eventformat.h>
#include <core/query/queryfilter.h>
#include <core/store/eventstore.h>

#include <algorithm>

namespace {

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

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
    , m_state(new DiscoverState(this))
    , m_model(new EventTableModel(this))
    , m_session(new StoreSession(m_state, m_model, this))
{
    setWindowTitle(tr("Timberline"));
    setAcceptDrops(true);

    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);

    auto *queryRow = new QHBoxLayout;
    queryRow->setContentsMargins(6, 6, 6, 6);
    queryRow->setSpacing(6);
    m_queryBar = new QueryBar(central);
    queryRow->addWidget(m_queryBar, 1);
    m_timeRange = new TimeRangePicker(m_state, central);
    queryRow->addWidget(m_timeRange);
    auto *go = new QPushButton(tr("Go"), central);
    go->setToolTip(tr("Run the query (Enter, F5)"));
    queryRow->addWidget(go);
    layout->addLayout(queryRow);

    m_progress = new ImportProgressWidget(central);
    layout->addWidget(m_progress);

    m_split = new QSplitter(Qt::Horizontal, central);
    m_sidebar = new FieldSidebar(m_state, m_split);
    m_split->addWidget(m_sidebar);
    m_rightSplit = new QSplitter(Qt::Vertical, m_split);
    m_histogram = new HistogramWidget(m_state, m_rightSplit);
    m_rightSplit->addWidget(m_histogram);
    m_stack = new QStackedWidget(m_rightSplit);
    m_rightSplit->addWidget(m_stack);
    m_detail = new DetailPane(m_state, m_rightSplit);
    m_rightSplit->addWidget(m_detail);
    m_rightSplit->setStretchFactor(0, 0);
    m_rightSplit->setStretchFactor(1, 3);
    m_rightSplit->setStretchFactor(2, 2);
    m_split->addWidget(m_rightSplit);
    m_split->setStretchFactor(0, 0);
    m_split->setStretchFactor(1, 1);
    m_split->setSizes({280, 1000});
    layout->addWidget(m_split, 1);

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

    // Errors in a dock below the Discover views, where Swimlanes and Report become its sibling tabs.
    m_errors = new ErrorsPanel(m_state, this);
    m_errorsDock = new QDockWidget(tr("Errors"), this);
    m_errorsDock->setObjectName(QStringLiteral("errorsDock"));
    m_errorsDock->setWidget(m_errors);
    addDockWidget(Qt::BottomDockWidgetArea, m_errorsDock);
    resizeDocks({m_errorsDock}, {240}, Qt::Vertical);
    // Requests and their swimlanes, a tab beside Errors; Errors stays in front.
    m_requests = new RequestsPanel(m_state, this);
    m_requestsDock = new QDockWidget(tr("Requests"), this);
    m_requestsDock->setObjectName(QStringLiteral("requestsDock"));
    m_requestsDock->setWidget(m_requests);
    tabifyDockWidget(m_errorsDock, m_requestsDock);
    m_errorsDock->raise();

    m_orderLabel = new QLabel(this);
    m_countLabel = new QLabel(this);
    // Breathing room between the two, and from the size grip.
    m_orderLabel->setContentsMargins(8, 0, 8, 0);
    m_countLabel->setContentsMargins(8, 0, 8, 0);
    statusBar()->addPermanentWidget(m_orderLabel);
    statusBar()->addPermanentWidget(m_countLabel);

    createMenus();

    ImportController *import = m_session->importController();
    connect(import, &ImportController::progressChanged, m_progress, &ImportProgressWidget::setStatus);
    connect(m_progress, &ImportProgressWidget::cancelRequested, import, &ImportController::cancel);
    connect(import, &ImportController::waitingForWriter, m_progress, &ImportProgressWidget::showWaiting);
    connect(m_session, &StoreSession::opened, this, &MainWindow::onStoreOpened);
    connect(m_session, &StoreSession::failed, this, &MainWindow::showError);
    connect(m_session, &StoreSession::importStarted, this, &MainWindow::onImportStarted);
    connect(m_session, &StoreSession::importFinished, this, &MainWindow::onImportFinished);
    connect(m_session, &StoreSession::vocabularyRead, m_queryBar, &QueryBar::setCompletions);
    connect(m_model, &EventTableModel::errorOccurred, this, &MainWindow::showError);
    connect(m_model, &EventTableModel::modelReset, this, &MainWindow::updateStatus);
    connect(m_model, &EventTableModel::rowsInserted, this, &MainWindow::updateStatus);
    connect(m_model, &EventTableModel::rowsRemoved, this, &MainWindow::updateStatus);
    connect(m_model, &EventTableModel::firstPageShown, this, [this] {
        // A new result starts at its top, where its first page is; not wherever the last one was scrolled.
        m_view->scrollToTop();
        Q_EMIT resultShown();
    });
    connect(m_model, &EventTableModel::countArrived, this, [this](std::uint64_t count, double ms) {
        if (m_announceCount && m_model->filter()) {
            statusBar()->showMessage(tr("%1 events match (counted in %2 ms)")
                    .arg(QLocale().toString(static_cast<qulonglong>(count)))
                    .arg(ms, 0, 'f', 1));
        }
        m_announceCount = false;
        updateStatus();
    });

    connect(m_queryBar, &QueryBar::submitted, this, &MainWindow::runQuery);
    connect(go, &QPushButton::clicked, this, [this] { runQuery(m_queryBar->text()); });
    connect(m_state, &DiscoverState::filterChanged, this, &MainWindow::onFilterChanged);
    connect(m_state, &DiscoverState::queryFailed, this, &MainWindow::onQueryFailed);
    connect(m_state, &DiscoverState::queryTextChanged, this, [this](const QString &text) {
        // The sidebar's + and − write the query: the bar shows what runs.
        if (m_queryBar->text() != text)
            m_queryBar->setText(text);
        rememberQuery(text);
    });
    connect(m_state, &DiscoverState::extraColumnsChanged, this, [this] {
        m_model->setExtraColumns(m_state->extraColumns());
        fitColumns();
    });
    connect(m_state, &DiscoverState::utcChanged, m_model, &EventTableModel::setUtc);

    resize(1280, 800);
    updateStatus();
}

MainWindow::~MainWindow() = default;

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    const auto importDialog = [this](const QString &title, const QString &filter) {
        const QStringList paths = QFileDialog::getOpenFileNames(this, title, QString(), filter);
        if (!paths.isEmpty())
            importPaths(paths);
    };
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
    QAction *openArchive = file->addAction(tr("Open &archive\u2026"));
    connect(openArchive, &QAction::triggered, this, [importDialog, this] {
        importDialog(tr("Import a log archive"),
            tr("Archives (*.zip *.tar *.tar.gz *.tgz *.gz *.zst *.bz2 *.xz);;All files (*)"));
    });
    m_openStoreAction = file->addAction(tr("Open &store\u2026"));
    connect(m_openStoreAction, &QAction::triggered, this, [this] {
        const QString path = QFileDialog::getOpenFileName(
            this, tr("Open a Timberline store"), QString(), tr("Timberline stores (*.timberline);;All files (*)"));
        if (!path.isEmpty())
            openStore(path);
    });
    m_recentStores = file->addMenu(tr("&Recent stores"));
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"));
    quit->setShortcut(QKeySequence::Quit);
    connect(quit, &QAction::triggered, this, &QWidget::close);

    QMenu *query = menuBar()->addMenu(tr("&Query"));
    QAction *focus = query->addAction(tr("&Focus the query bar"));
    focus->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    connect(focus, &QAction::triggered, this, [this] {
        m_queryBar->setFocus(Qt::ShortcutFocusReason);
        m_queryBar->selectAll();
    });
    QAction *rerun = query->addAction(tr("&Run again"));
    rerun->setShortcut(QKeySequence(Qt::Key_F5));
    connect(rerun, &QAction::triggered, this, [this] { runQuery(m_queryBar->text()); });
    m_recentQueries = query->addMenu(tr("Recent &queries"));

    QMenu *view = menuBar()->addMenu(tr("&View"));
    m_localTime = view->addAction(tr("&Local time"));
    m_localTime->setCheckable(true);
    connect(m_localTime, &QAction::toggled, this, [this](bool local) {
        m_state->setUtc(!local);
        saveSettings();
    });
    m_newestFirst = view->addAction(tr("&Newest first"));
    m_newestFirst->setCheckable(true);
    connect(m_newestFirst, &QAction::toggled, this, [this](bool newest) {
        m_model->setDirection(newest ? core::Direction::Descending : core::Direction::Ascending);
        m_view->horizontalHeader()->setSortIndicator(
            EventTableModel::TimeColumn, newest ? Qt::DescendingOrder : Qt::AscendingOrder);
    });
    view->addSeparator();
    view->addAction(m_errorsDock->toggleViewAction());
    view->addAction(m_requestsDock->toggleViewAction());
    rebuildRecentMenus();
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
    columns->setSortIndicatorShown(true);
    columns->setSortIndicator(EventTableModel::TimeColumn, Qt::AscendingOrder);
    columns->setSectionsClickable(true);
    connect(columns, &QHeaderView::sectionClicked, this, [this](int section) {
        // The one order is by time; its header flips the direction.
        if (section == EventTableModel::TimeColumn)
            m_newestFirst->toggle();
        else
            m_view->horizontalHeader()->setSortIndicator(EventTableModel::TimeColumn,
                m_newestFirst->isChecked() ? Qt::DescendingOrder : Qt::AscendingOrder);
    });
    columns->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(columns, &QHeaderView::customContextMenuRequested, this, &MainWindow::showHeaderMenu);
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_view, &QTableView::customContextMenuRequested, this, &MainWindow::showTableMenu);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
        [this](const QModelIndex &current) {
            m_state->setSelectedEvent(current.isValid() ? m_model->eventAt(current.row()) : std::nullopt);
        });
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
    const int serviceWidth = metrics.horizontalAdvance(QLatin1Char('m')) * 12 + padding;
    const int requestWidth = metrics.horizontalAdvance(QLatin1Char('0')) * 20 + padding;
    const int extraWidth = metrics.horizontalAdvance(QLatin1Char('0')) * 16 + padding;
    int fixed = 0;
    for (const auto &[column, width] : {std::pair{int(EventTableModel::TimeColumn), timeWidth},
             {int(EventTableModel::LevelColumn), levelWidth}, {int(EventTableModel::ServiceColumn), serviceWidth},
             {int(EventTableModel::RequestIdColumn), requestWidth}})
        fixed += m_view->isColumnHidden(column) ? 0 : width;
    const int extras = m_model->columnCount() - EventTableModel::NUM_COLUMNS;
    const int available = m_view->viewport()->width();
    const int messageWidth
        = std::max(metrics.horizontalAdvance(QLatin1Char('m')) * 30, available - fixed - extras * extraWidth);
    m_view->setColumnWidth(EventTableModel::TimeColumn, timeWidth);
    m_view->setColumnWidth(EventTableModel::LevelColumn, levelWidth);
    m_view->setColumnWidth(EventTableModel::ServiceColumn, serviceWidth);
    m_view->setColumnWidth(EventTableModel::MessageColumn, messageWidth);
    m_view->setColumnWidth(EventTableModel::RequestIdColumn, requestWidth);
    for (int column = EventTableModel::NUM_COLUMNS; column < m_model->columnCount(); ++column)
        m_view->setColumnWidth(column, extraWidth);
}

void MainWindow::resizeEvent(QResizeEvent *event)
{
    QMainWindow::resizeEvent(event);
    // The message column takes what the window gains or loses; the others keep their size.
    fitColumns();
}

void MainWindow::openStore(const QString &storePath)
{
    m_session->open(storePath);
}

void MainWindow::onStoreOpened(const QString &path)
{
    setWindowTitle(tr("%1 \u2014 Timberline").arg(QDir::toNativeSeparators(path)));
    m_history.setStore(path);
    m_queryBar->setHistory(m_history.queries());
    rebuildRecentMenus();
    updateStatus();
}

void MainWindow::importPaths(const QStringList &paths)
{
    // Nothing started, but whoever waits for the import must not wait forever.
    if (!m_session->import(paths))
        QTimer::singleShot(0, this, &MainWindow::importFinished);
}

void MainWindow::onImportStarted(int sources)
{
    m_progress->begin(sources);
    m_openStoreAction->setEnabled(false);
    updateStatus();
}

void MainWindow::onImportFinished(const ImportResult &result)
{
    // The session has had the table and every view read the store again.
    m_progress->end();
    m_openStoreAction->setEnabled(true);
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
    if (result.storeBusy)
        offerToWait(result.paths);
    Q_EMIT importFinished();
}

void MainWindow::offerToWait(const QStringList &paths)
{
    // Not modal: the window stays usable (and testable) while the question is open.
    auto *question = new QMessageBox(QMessageBox::Question, tr("Another import is writing this store"),
        tr("Another import is writing %1. Import %n path(s) once it ends?", nullptr, static_cast<int>(paths.size()))
            .arg(QDir::toNativeSeparators(m_session->storePath())),
        QMessageBox::NoButton, this);
    question->setObjectName(QStringLiteral("waitForWriterQuestion"));
    QPushButton *wait = question->addButton(tr("Wait"), QMessageBox::AcceptRole);
    question->addButton(QMessageBox::Cancel);
    question->setAttribute(Qt::WA_DeleteOnClose);
    connect(question, &QMessageBox::buttonClicked, this, [this, wait, paths](QAbstractButton *clicked) {
        if (clicked == wait)
            m_session->importAfterOtherWriter(paths);
    });
    question->open();
}

void MainWindow::updateStatus()
{
    const bool importing = m_session->isImporting();
    const int rows = m_model->rowCount();
    // An empty table waiting for its first page is not an empty store: no drop hint yet.
    const bool loading = m_model->hasStore() && !m_model->isCountKnown();
    m_stack->setCurrentWidget(rows > 0 || importing || loading ? static_cast<QWidget *>(m_view) : m_emptyHint);
    if (!m_model->hasStore()) {
        m_countLabel->clear();
        m_orderLabel->clear();
        return;
    }
    if (!m_model->isCountKnown())
        m_countLabel->setText(m_model->filter() ? tr("counting matching events\u2026") : tr("counting events\u2026"));
    else
        m_countLabel->setText(m_model->filter() ? tr("%1 matching events").arg(QLocale().toString(rows))
                                                : tr("%1 events").arg(QLocale().toString(rows)));
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

void MainWindow::closeEvent(QCloseEvent *event)
{
    saveSettings();
    QMainWindow::closeEvent(event);
}

void MainWindow::runQuery(const QString &text)
{
    if (m_queryBar->text() != text)
        m_queryBar->setText(text);
    if (m_state->setQuery(text))
        rememberQuery(m_state->queryText());
}

void MainWindow::selectRow(int row)
{
    if (row < 0 || row >= m_model->rowCount())
        return;
    m_view->selectRow(row);
    m_view->setCurrentIndex(m_model->index(row, 0));
}

bool MainWindow::isSettled() const
{
    return m_model->isSettled() && m_session->isSettled() && !m_sidebar->isBusy() && !m_detail->isBusy() && m_histogram->isSettled()
        && m_errors->isSettled() && m_requests->isSettled();
}

void MainWindow::onFilterChanged()
{
    auto filter = m_state->filter();
    if (!m_model->hasStore() || !filter)
        return;
    m_queryBar->clearError();
    const auto order = m_session->isImporting() ? EventTableModel::Order::Arrival : EventTableModel::Order::Time;
    if (filter->root().kind == core::QueryFilter::Node::Kind::All) {
        // No query and the whole bundle: the table pages the store itself, in arrival order while importing.
        m_announceCount = false;
        if (!m_model->filter() && m_model->order() == order) {
            // Already showing every event (a store just opened): nothing to read again.
            Q_EMIT resultShown();
            return;
        }
        m_model->setFilter(nullptr);
        m_model->setOrder(order);
        updateStatus();
        return;
    }
    statusBar()->showMessage(tr("Searching\u2026"));
    // The first page shows as soon as it is read (resultShown); the count follows on another worker.
    m_announceCount = true;
    m_model->setFilter(std::move(filter));
    updateStatus();
}

void MainWindow::onQueryFailed(const QString &message, int offset, int length)
{
    // The previous results stay; the bar says where and the status bar what.
    m_queryBar->setError(message, offset, length);
    statusBar()->showMessage(tr("Query error: %1").arg(message));
}

void MainWindow::showTableMenu(const QPoint &pos)
{
    const QModelIndex index = m_view->indexAt(pos);
    if (!index.isValid())
        return;
    const auto event = m_model->eventAt(index.row());
    if (!event)
        return;
    QMenu menu(this);
    QString field = m_model->columnField(index.column());
    if (index.column() == EventTableModel::RequestIdColumn && event->requestId.empty())
        field = QStringLiteral("trace_id");
    const QString value = index.data().toString();
    if (index.column() != EventTableModel::TimeColumn && !value.isEmpty()) {
        const QString clause = DiscoverState::filterText(field, value);
        const QString shown = QFontMetrics(menu.font()).elidedText(clause, Qt::ElideMiddle, 400);
        connect(menu.addAction(tr("Filter for %1").arg(shown)), &QAction::triggered, this,
            [this, field, value] { m_state->addFilter(field, value, false); });
        connect(menu.addAction(tr("Filter out %1").arg(shown)), &QAction::triggered, this,
            [this, field, value] { m_state->addFilter(field, value, true); });
        menu.addSeparator();
    }
    // The request (or else the trace) the event belongs to, drawn as a swimlane in the Requests dock.
    if (const std::string id = event->requestId.empty() ? event->traceId : event->requestId; !id.empty()) {
        connect(menu.addAction(tr("Show swimlane of %1").arg(QString::fromStdString(id))), &QAction::triggered, this, [this, id] {
            m_requestsDock->show();
            m_requestsDock->raise();
            m_requests->showRequestById(QString::fromStdString(id));
        });
        menu.addSeparator();
    }
    connect(menu.addAction(tr("Copy row as JSON")), &QAction::triggered, this, [event] {
        QApplication::clipboard()->setText(QString::fromStdString(core::format::eventJson(*event)));
    });
    connect(menu.addAction(tr("Copy raw line")), &QAction::triggered, this, [this, event] {
        m_state->interactiveWorker()->run<QString>(
            this,
            [event](core::EventStore *store) {
                if (!store)
                    return QString();
                auto raw = store->rawText(*event);
                return raw ? QString::fromStdString(*raw) : QString();
            },
            [](QString raw) { QApplication::clipboard()->setText(raw); });
    });
    menu.exec(m_view->viewport()->mapToGlobal(pos));
}

void MainWindow::showHeaderMenu(const QPoint &pos)
{
    QMenu menu(this);
    for (int column = EventTableModel::LevelColumn; column < m_model->columnCount(); ++column) {
        QAction *action = menu.addAction(m_model->headerData(column, Qt::Horizontal).toString());
        action->setCheckable(true);
        action->setChecked(!m_view->isColumnHidden(column));
        connect(action, &QAction::toggled, this, [this, column](bool shown) {
            if (column >= EventTableModel::NUM_COLUMNS) {
                QStringList extra = m_state->extraColumns();
                extra.removeAll(m_model->columnField(column));
                m_state->setExtraColumns(extra);
            } else {
                m_view->setColumnHidden(column, !shown);
                fitColumns();
            }
            saveSettings();
        });
    }
    menu.exec(m_view->horizontalHeader()->mapToGlobal(pos));
}

void MainWindow::rememberQuery(const QString &text)
{
    if (!m_history.remember(text))
        return;
    m_queryBar->setHistory(m_history.queries());
    rebuildRecentMenus();
}

void MainWindow::rebuildRecentMenus()
{
    m_recentStores->clear();
    for (const QString &path : StoreSession::recentStores()) {
        connect(m_recentStores->addAction(QDir::toNativeSeparators(path)), &QAction::triggered, this,
            [this, path] { openStore(path); });
    }
    m_recentStores->setEnabled(!m_recentStores->isEmpty());
    m_recentQueries->clear();
    for (const QString &query : QueryHistory::recentQueries()) {
        const QString shown = QFontMetrics(m_recentQueries->font()).elidedText(query, Qt::ElideRight, 500);
        connect(m_recentQueries->addAction(shown), &QAction::triggered, this, [this, query] { runQuery(query); });
    }
    m_recentQueries->setEnabled(!m_recentQueries->isEmpty());
}

void MainWindow::restoreSettings()
{
    m_persistent = true;
    const QSettings settings;
    if (settings.contains(QStringLiteral("window/geometry")))
        restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    else
        resize(1280, 800);
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    if (settings.contains(QStringLiteral("window/split")))
        m_split->restoreState(settings.value(QStringLiteral("window/split")).toByteArray());
    if (settings.contains(QStringLiteral("window/rightSplit")))
        m_rightSplit->restoreState(settings.value(QStringLiteral("window/rightSplit")).toByteArray());
    for (const QVariant &column : settings.value(QStringLiteral("columns/hidden")).toList())
        m_view->setColumnHidden(column.toInt(), true);
    m_state->setExtraColumns(settings.value(QStringLiteral("columns/extra")).toStringList());
    {
        // Restoring is not a change worth saving back.
        const QSignalBlocker blocker(m_localTime);
        m_localTime->setChecked(settings.value(QStringLiteral("view/local"), false).toBool());
    }
    m_state->setUtc(!m_localTime->isChecked());
}

void MainWindow::saveSettings() const
{
    if (!m_persistent)
        return;
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    settings.setValue(QStringLiteral("window/split"), m_split->saveState());
    settings.setValue(QStringLiteral("window/rightSplit"), m_rightSplit->saveState());
    QVariantList hidden;
    for (int column = 0; column < EventTableModel::NUM_COLUMNS; ++column)
        if (m_view->isColumnHidden(column))
            hidden << column;
    settings.setValue(QStringLiteral("columns/hidden"), hidden);
    settings.setValue(QStringLiteral("columns/extra"), m_state->extraColumns());
    settings.setValue(QStringLiteral("view/local"), m_localTime->isChecked());
}
