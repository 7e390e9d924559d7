// SPDX-License-Identifier: MIT
#include "cli/arguments.h"
#include "cli/commands.h"
#include <core/backends/storelocation.h>
#include "ui/mainwindow.h"

#include <QApplication>
#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QTimer>

#include <cstdio>
#include <cstdlib>

namespace {

bool hasDisplay()
{
    return qEnvironmentVariableIsSet("DISPLAY") || qEnvironmentVariableIsSet("WAYLAND_DISPLAY")
        || qEnvironmentVariableIsSet("QT_QPA_PLATFORM");
}

struct WindowOptions {
    QString store;
    QString screenshot;
    QString query;
    QSize size{1280, 800};
    QStringList paths;
    QString error;
};

WindowOptions parseWindowOptions(const QStringList &arguments)
{
    WindowOptions options;
    cli::CommandLine line({
        QCommandLineOption(QStringLiteral("store"), QString(), QStringLiteral("FILE")),
        QCommandLineOption(QStringLiteral("query"), QString(), QStringLiteral("Q")),
        QCommandLineOption(QStringLiteral("screenshot"), QString(), QStringLiteral("OUT.png")),
        QCommandLineOption(QStringLiteral("size"), QString(), QStringLiteral("WxH")),
    });
    if (!line.parse(arguments)) {
        options.error = line.error();
        return options;
    }
    options.store = line.value(QStringLiteral("store"));
    options.query = line.value(QStringLiteral("query"));
    options.screenshot = line.value(QStringLiteral("screenshot"));
    for (const QString &size : line.values(QStringLiteral("size"))) {
        const QStringList parts = size.split(QLatin1Char('x'));
        bool okWidth = false;
        bool okHeight = false;
        if (parts.size() == 2)
            options.size = QSize(parts[0].toInt(&okWidth), parts[1].toInt(&okHeight));
        if (!okWidth || !okHeight || options.size.isEmpty()) {
            options.error = QStringLiteral("--size takes WIDTHxHEIGHT, e.g. 1280x800");
            return options;
        }
    }
    options.paths = line.positional();
    // A path that is a store is opened, not imported.
    for (qsizetype i = 0; i < options.paths.size(); ++i) {
        if (options.store.isEmpty() && core::recognises(options.paths[i].toStdString()))
            options.store = options.paths.takeAt(i--);
    }
    if (options.store.isEmpty() && !options.paths.isEmpty())
        options.store = defaultStorePath(options.paths.first());
    return options;
}

int runWindow(int argc, char **argv, const WindowOptions &options)
{
    if (!options.screenshot.isEmpty())
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("Timberline"));
    QApplication::setOrganizationName(QStringLiteral("Timberline"));
    QApplication::setApplicationVersion(QStringLiteral(TL_VERSION));
    MainWindow window;
    window.resize(options.size);
    if (!options.store.isEmpty())
        window.openStore(options.store);
    if (options.screenshot.isEmpty()) {
        window.restoreSettings();
        window.show();
        if (!options.paths.isEmpty())
            window.importPaths(options.paths);
        return QApplication::exec();
    }
    window.show();
    int exitCode = 0;
    const auto save = [&] {
        if (!window.saveScreenshot(options.screenshot)) {
            std::fprintf(stderr, "timberline: could not write %s\n", qPrintable(options.screenshot));
            exitCode = 1;
        }
        QApplication::quit();
    };
    // After the import: run the query, wait for its result, select the first event so the detail pane
    // shows something, wait for the workers again, then take the picture.
    const auto capture = [&] {
        if (!options.query.isEmpty())
            window.runQuery(options.query);
        auto *poll = new QTimer(&window);
        int step = 0;
        QObject::connect(poll, &QTimer::timeout, &window, [&, poll, step]() mutable {
            if (!window.isSettled())
                return;
            if (step++ == 0) {
                window.selectRow(0);
                return;
            }
            poll->stop();
            QTimer::singleShot(100, &window, save);
        });
        poll->start(50);
    };
    if (options.paths.isEmpty()) {
        QTimer::singleShot(200, &window, capture);
    } else {
        QObject::connect(&window, &MainWindow::importFinished, &window, [&] { QTimer::singleShot(300, &window, capture); });
        window.importPaths(options.paths);
    }
    QApplication::exec();
    return exitCode;
}

} // namespace

int main(int argc, char **argv)
{
    QStringList arguments;
    for (int i = 1; i < argc; ++i)
        arguments << QString::fromLocal8Bit(argv[i]);
    const QString verb = arguments.value(0);
    if (verb == QLatin1String("--version")) {
        std::printf("timberline %s\n", TL_VERSION);
        return 0;
    }
    if (verb == QLatin1String("--help") || verb == QLatin1String("-h") || verb == QLatin1String("help")) {
        cli::printUsage(stdout);
        return 0;
    }
    using Command = int (*)(const QStringList &);
    const std::pair<const char *, Command> verbs[] = {
        {"import", cli::importCommand},
        {"stats", cli::statsCommand},
        {"events", cli::eventsCommand},
        {"query", cli::queryCommand},
        {"histogram", cli::histogramCommand},
        {"errors", cli::errorsCommand},
        {"fields", cli::fieldsCommand},
        {"requests", cli::requestsCommand},
        {"first-failures", cli::firstFailuresCommand},
        {"trace", cli::traceCommand},
        {"report", cli::reportCommand},
    };
    for (const auto &[name, command] : verbs) {
        if (verb == QLatin1String(name)) {
            QCoreApplication app(argc, argv);
            return command(arguments.mid(1));
        }
    }

    const WindowOptions options = parseWindowOptions(arguments);
    if (!options.error.isEmpty())
        return cli::usageError(options.error);
    // The default store lives under $XDG_DATA_HOME/timberline/, which may not exist yet.
    if (!options.store.isEmpty())
        QDir().mkpath(QFileInfo(options.store).absolutePath());
    if (!hasDisplay() && options.screenshot.isEmpty()) {
        std::fprintf(stderr, "timberline: no display (DISPLAY and WAYLAND_DISPLAY are unset): importing headless\n");
        if (options.paths.isEmpty()) {
            std::fprintf(stderr, "timberline: nothing to import\n");
            return options.store.isEmpty() ? 2 : cli::statsCommand({QStringLiteral("--store"), options.store});
        }
        QCoreApplication app(argc, argv);
        return cli::importHeadless(options.store, options.paths, QString(), false);
    }
    return runWindow(argc, argv, options);
}
