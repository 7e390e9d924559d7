// SPDX-License-Identifier: MIT
#pragma once

#include <QProcess>
#include <QProcessEnvironment>
#include <QStringList>

#include <sys/resource.h>

// What a command-line test sees of one run of the real binary.
struct Run {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

// Runs timberline without a display, as a script or CI would, with `extra` added to its environment.
inline Run timberline(const QStringList &arguments, const QProcessEnvironment &extra = {})
{
    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(extra);
    environment.remove(QStringLiteral("DISPLAY"));
    environment.remove(QStringLiteral("WAYLAND_DISPLAY"));
    environment.remove(QStringLiteral("QT_QPA_PLATFORM"));
    process.setProcessEnvironment(environment);
    process.start(QStringLiteral(TL_APP_PATH), arguments);
    process.waitForFinished(120000);
    return Run{process.exitCode(), process.readAllStandardOutput(), process.readAllStandardError()};
}

// The largest resident set of any child this test process has waited for, in MiB. A memory bound
// asserted on it after a run holds for that run too, since the figure only grows.
inline double peakChildResidentMiB()
{
    rusage usage{};
    getrusage(RUSAGE_CHILDREN, &usage);
    return double(usage.ru_maxrss) / 1024.0; // Linux reports KiB
}
