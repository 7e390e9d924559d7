// SPDX-License-Identifier: MIT
#pragma once

#include <QStringList>

// The headless verbs, one file each: each returns the process exit code (0 ok, 1 some sources
// failed, 2 usage, 130 cancelled).
namespace cli {

int importCommand(const QStringList &arguments);
int statsCommand(const QStringList &arguments);
int eventsCommand(const QStringList &arguments);
int queryCommand(const QStringList &arguments);
int histogramCommand(const QStringList &arguments);
int errorsCommand(const QStringList &arguments);
int fieldsCommand(const QStringList &arguments);
int requestsCommand(const QStringList &arguments);
int firstFailuresCommand(const QStringList &arguments);
int traceCommand(const QStringList &arguments);
int reportCommand(const QStringList &arguments);
// Imports `paths` into `storePath` and prints the summary: what the window does, without a display.
int importHeadless(const QString &storePath, const QStringList &paths, const QString &timeZone, bool json,
                   bool wait = false);

} // namespace cli
