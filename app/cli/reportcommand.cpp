// SPDX-License-Identifier: MIT
#include "commandcontext.h"
#include "commands.h"
#include "interruptcatcher.h"

#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

#include <core/report/redaction.h>
#include <core/report/report.h>

#include <algorithm>
#include <cstdio>

namespace cli {

int reportCommand(const QStringList &arguments)
{
    CommandContext context(QStringLiteral(
        "report takes --store FILE --output REPORT.md [--from T] [--to T] [--title T] [--author A] "
        "[--root-cause TEXT] [--solution TEXT] [--prevention TEXT] [--now end|wallclock] [--tz ZONE] [QUERY]"));
    if (!context.parse(arguments,
                       {Option::Store, Option::Output, Option::From, Option::To, Option::Title, Option::Author,
                        Option::RootCause, Option::Solution, Option::Prevention, Option::NoRedact, Option::Now,
                        Option::TimeZone}))
        return context.exitCode();
    const Arguments &parsed = context.arguments();
    if (parsed.output.isEmpty())
        return context.usageError(QStringLiteral("report needs --output REPORT.md"));
    core::ReportOptions options;
    for (const QString &rule : parsed.noRedact.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const auto &rules = core::Redactor::rules();
        if (std::find(rules.begin(), rules.end(), rule.trimmed().toStdString()) == rules.end())
            return context.usageError(
                QStringLiteral("--no-redact takes rules among: %1").arg(QString::fromStdString([&] {
                    std::string all;
                    for (const std::string &name : rules)
                        all += (all.empty() ? "" : ", ") + name;
                    return all;
                }())));
        options.redactionOff.insert(rule.trimmed().toStdString());
    }
    if (!context.openStore() || !context.compileFilter())
        return context.exitCode();
    if (!parsed.title.isEmpty())
        options.title = parsed.title.toStdString();
    options.author = parsed.author.toStdString();
    options.query = context.queryText();
    options.nowNs = context.nowNs();
    options.storeName = QFileInfo(parsed.store).fileName().toStdString();
    options.version = TL_VERSION;
    options.rootCause = parsed.rootCause.toStdString();
    options.solution = parsed.solution.toStdString();
    options.prevention = parsed.prevention.toStdString();
    auto report = core::IncidentReport::build(context.store(), options, &InterruptCatcher::requested());
    if (!report)
        return readFailed(report.error());
    const std::string markdown = core::renderMarkdown(report.value());
    // Written whole or not at all: a report cut short by a full disk must not replace the last one.
    QSaveFile file(parsed.output);
    if (!file.open(QIODevice::WriteOnly)
        || file.write(markdown.data(), static_cast<qint64>(markdown.size())) != static_cast<qint64>(markdown.size())
        || !file.commit()) {
        std::fprintf(stderr, "timberline: cannot write %s: %s\n", qPrintable(parsed.output),
                     qPrintable(file.errorString()));
        return 1;
    }
    std::printf("Wrote %s: %zu characters, %zu error groups, %zu key requests\n", qPrintable(parsed.output),
                markdown.size(), report->groups.size(), report->keyRequests.size());
    return 0;
}

} // namespace cli
