// SPDX-License-Identifier: MIT
#include "arguments.h"

namespace cli {

namespace {

const char *nameOf(Option option)
{
    switch (option) {
    case Option::Store:
        return "--store";
    case Option::TimeZone:
        return "--tz";
    case Option::Json:
        return "--json";
    case Option::Csv:
        return "--csv";
    case Option::Count:
        return "--count";
    case Option::ByService:
        return "--by-service";
    case Option::Limit:
        return "--limit";
    case Option::Now:
        return "--now";
    case Option::Bucket:
        return "--bucket";
    case Option::From:
        return "--from";
    case Option::To:
        return "--to";
    }
    Q_UNREACHABLE();
}

// The hand-written parser, moved here unchanged; the next commit puts QCommandLineParser in its place.
Arguments parse(const QStringList &arguments, const QStringList &allowed)
{
    Arguments parsed;
    for (qsizetype i = 0; i < arguments.size(); ++i) {
        const QString &argument = arguments[i];
        const auto value = [&]() -> QString {
            if (i + 1 >= arguments.size()) {
                parsed.error = argument + QStringLiteral(" needs a value");
                return {};
            }
            return arguments[++i];
        };
        if (!argument.startsWith(QLatin1String("--")) || argument == QLatin1String("--")) {
            parsed.positional << argument;
            continue;
        }
        if (!allowed.contains(argument)) {
            parsed.error = QStringLiteral("unknown option ") + argument;
            return parsed;
        }
        if (argument == QLatin1String("--store"))
            parsed.store = value();
        else if (argument == QLatin1String("--tz"))
            parsed.timeZone = value();
        else if (argument == QLatin1String("--json"))
            parsed.json = true;
        else if (argument == QLatin1String("--csv"))
            parsed.csv = true;
        else if (argument == QLatin1String("--count"))
            parsed.count = true;
        else if (argument == QLatin1String("--by-service"))
            parsed.byService = true;
        else if (argument == QLatin1String("--bucket"))
            parsed.bucket = value();
        else if (argument == QLatin1String("--from"))
            parsed.from = value();
        else if (argument == QLatin1String("--to"))
            parsed.to = value();
        else if (argument == QLatin1String("--now")) {
            parsed.now = value();
            if (parsed.error.isEmpty() && parsed.now != QLatin1String("end") && parsed.now != QLatin1String("wallclock"))
                parsed.error = QStringLiteral("--now takes end or wallclock");
        }
        else if (argument == QLatin1String("--limit")) {
            bool ok = false;
            parsed.limit = value().toLongLong(&ok);
            if (!ok || *parsed.limit < 0)
                parsed.error = QStringLiteral("--limit takes a whole number");
        }
        if (!parsed.error.isEmpty())
            return parsed;
    }
    return parsed;
}

} // namespace

Arguments parseArguments(const QStringList &arguments, std::initializer_list<Option> accepted)
{
    QStringList allowed;
    for (const Option option : accepted)
        allowed << QLatin1String(nameOf(option));
    return parse(arguments, allowed);
}

int usageError(const QString &message)
{
    std::fprintf(stderr, "timberline: %s\n(see timberline --help)\n", qPrintable(message));
    return 2;
}

void printUsage(FILE *stream)
{
    std::fprintf(stream,
                 "Usage:\n"
                 "  timberline [--store FILE] [PATH...]           open the window, importing PATHs\n"
                 "  timberline --screenshot OUT.png [--size WxH] [--query Q] [--store FILE] [PATH...]\n"
                 "  timberline import --store FILE [--json] [--tz ZONE] PATH...\n"
                 "  timberline stats --store FILE [--json]\n"
                 "  timberline events --store FILE [--limit N] [--json]\n"
                 "  timberline query --store FILE [--count] [--json|--csv] [--limit N] [--now end|wallclock]\n"
                 "                   [--tz ZONE] QUERY    (docs/QUERY.md)\n"
                 "  timberline histogram --store FILE [--bucket auto|N{ms,s,m,h,d,w}] [--from T] [--to T]\n"
                 "                   [--now end|wallclock] [--tz ZONE] [--json] [QUERY]\n"
                 "  timberline errors --store FILE [--by-service] [--now end|wallclock] [--tz ZONE] [--json] [QUERY]\n"
                 "  timberline --version | --help\n"
                 "\n"
                 "PATH: files, folders, .zip/.tar/.tar.gz archives, .gz/.zst/.bz2/.xz files.\n"
                 "import exits 0 when every source imported, 1 when some failed or were binary,\n"
                 "2 on usage errors, 130 when interrupted (what was read is kept).\n");
}

} // namespace cli
