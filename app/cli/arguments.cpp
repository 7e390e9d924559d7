// SPDX-License-Identifier: MIT
#include "arguments.h"

namespace cli {

namespace {

// argv cannot hold a NUL, so one in front marks an argument parse() hid from QCommandLineParser.
constexpr QChar Hidden(u'\0');

QString unhidden(const QString &argument)
{
    return argument.startsWith(Hidden) ? argument.mid(1) : argument;
}

struct OptionSpelling {
    Option option;
    const char *name;
    const char *valueName; ///< nullptr for a flag
    QString Arguments::*text = nullptr; ///< where its value goes, unless it needs checking
    bool Arguments::*flag = nullptr;
};

const OptionSpelling Spellings[] = {
    {Option::Store, "store", "FILE", &Arguments::store},
    {Option::TimeZone, "tz", "ZONE", &Arguments::timeZone},
    {Option::Json, "json", nullptr, nullptr, &Arguments::json},
    {Option::Csv, "csv", nullptr, nullptr, &Arguments::csv},
    {Option::Count, "count", nullptr, nullptr, &Arguments::count},
    {Option::ByService, "by-service", nullptr, nullptr, &Arguments::byService},
    {Option::Limit, "limit", "N"},
    {Option::Now, "now", "end|wallclock"},
    {Option::Bucket, "bucket", "auto|N{ms,s,m,h,d,w}", &Arguments::bucket},
    {Option::From, "from", "T", &Arguments::from},
    {Option::To, "to", "T", &Arguments::to},
    {Option::Wait, "wait", nullptr, nullptr, &Arguments::wait},
    {Option::Field, "field", "PATH", &Arguments::field},
    {Option::Sort, "sort", "ORDER", &Arguments::sort},
    {Option::Output, "output", "FILE", &Arguments::output},
    {Option::Title, "title", "TEXT", &Arguments::title},
    {Option::Author, "author", "NAME", &Arguments::author},
    {Option::RootCause, "root-cause", "TEXT", &Arguments::rootCause},
    {Option::Solution, "solution", "TEXT", &Arguments::solution},
    {Option::Prevention, "prevention", "TEXT", &Arguments::prevention},
    {Option::NoRedact, "no-redact", "RULE,...", &Arguments::noRedact},
};

const OptionSpelling &spellingOf(Option option)
{
    for (const OptionSpelling &spelling : Spellings) {
        if (spelling.option == option)
            return spelling;
    }
    Q_UNREACHABLE();
}

} // namespace

CommandLine::CommandLine(const QList<QCommandLineOption> &options)
{
    m_parser.addOptions(options);
    for (const QCommandLineOption &option : options) {
        if (option.valueName().isEmpty())
            m_flags << option.names();
    }
}

QString CommandLine::asWritten(const QStringList &arguments, const QString &name)
{
    const QString option = QStringLiteral("--") + name;
    for (const QString &argument : arguments) {
        if (argument == option || argument.startsWith(option + QLatin1Char('=')))
            return argument;
    }
    return option;
}

QString CommandLine::flagGivenAValue(const QStringList &arguments) const
{
    for (const QString &argument : arguments) {
        const QString name = argument.mid(2).section(QLatin1Char('='), 0, 0);
        if (argument.startsWith(QLatin1String("--")) && argument.contains(QLatin1Char('=')) && m_flags.contains(name))
            return argument;
    }
    return QString();
}

bool CommandLine::parse(const QStringList &arguments)
{
    QStringList shown{QStringLiteral("timberline")}; // QCommandLineParser skips the program name
    for (const QString &argument : arguments) {
        // A single dash starts text here, not short options: `-service:cache` is a query, `-x.log` a path.
        const bool text = argument.startsWith(QLatin1Char('-')) && !argument.startsWith(QLatin1String("--"));
        shown << (text ? QString(Hidden + argument) : argument);
    }
    // A last option without its value takes this one instead, which names the option for the message.
    const QString missing(Hidden);
    shown << missing;
    m_parser.parse(shown);

    if (!m_parser.unknownOptionNames().isEmpty()) {
        m_error = QStringLiteral("unknown option ") + asWritten(arguments, m_parser.unknownOptionNames().constFirst());
        return false;
    }
    for (const QString &name : m_parser.optionNames()) {
        // Flags have no values to look at, and Qt 6.8 warns on stderr when asked for them.
        if (m_flags.contains(name))
            continue;
        if (m_parser.values(name).contains(missing)) {
            m_error = QStringLiteral("--") + name + QStringLiteral(" needs a value");
            return false;
        }
    }
    // What remains is a value given to a flag (`--json=yes`): no option by that name either.
    if (!m_parser.errorText().isEmpty()) {
        m_error = QStringLiteral("unknown option ") + flagGivenAValue(arguments);
        return false;
    }
    return true;
}

bool CommandLine::isSet(const QString &name) const
{
    return m_parser.isSet(name);
}

QString CommandLine::value(const QString &name) const
{
    return unhidden(m_parser.value(name));
}

QStringList CommandLine::values(const QString &name) const
{
    QStringList values = m_parser.values(name);
    for (QString &value : values)
        value = unhidden(value);
    return values;
}

QStringList CommandLine::positional() const
{
    QStringList positional = m_parser.positionalArguments();
    positional.removeLast(); // the stand-in for a missing value, which nothing took
    for (QString &argument : positional)
        argument = unhidden(argument);
    return positional;
}

Arguments parseArguments(const QStringList &arguments, std::initializer_list<Option> accepted)
{
    QList<QCommandLineOption> options;
    for (const Option option : accepted) {
        const OptionSpelling &spelling = spellingOf(option);
        options << (spelling.valueName
                        ? QCommandLineOption(QLatin1String(spelling.name), QString(), QLatin1String(spelling.valueName))
                        : QCommandLineOption(QLatin1String(spelling.name)));
    }
    CommandLine line(options);
    Arguments parsed;
    if (!line.parse(arguments)) {
        parsed.error = line.error();
        return parsed;
    }
    parsed.positional = line.positional();
    for (const Option option : accepted) {
        const OptionSpelling &spelling = spellingOf(option);
        const QString name = QLatin1String(spelling.name);
        if (spelling.text)
            parsed.*spelling.text = line.value(name);
        if (spelling.flag)
            parsed.*spelling.flag = line.isSet(name);
        // Every value given is checked, and the last one counts.
        if (option == Option::Limit) {
            for (const QString &value : line.values(name)) {
                bool ok = false;
                parsed.limit = value.toLongLong(&ok);
                if (!ok || *parsed.limit < 0) {
                    parsed.error = QStringLiteral("--limit takes a whole number");
                    return parsed;
                }
            }
        } else if (option == Option::Now) {
            for (const QString &value : line.values(name)) {
                if (value != QLatin1String("end") && value != QLatin1String("wallclock")) {
                    parsed.error = QStringLiteral("--now takes end or wallclock");
                    return parsed;
                }
            }
            parsed.now = line.value(name);
        }
    }
    return parsed;
}

int usageError(const QString &message)
{
    std::fprintf(stderr, "timberline: %s\n(see timberline --help)\n", qPrintable(message));
    return 2;
}

void printUsage(FILE *stream)
{
    std::fprintf(
        stream,
        "Usage:\n"
        "  timberline [--store FILE] [PATH...]           open the window, importing PATHs\n"
        "  timberline --screenshot OUT.png [--size WxH] [--query Q] [--store FILE] [PATH...]\n"
        "  timberline import --store FILE [--wait] [--json] [--tz ZONE] PATH...\n"
        "  timberline stats --store FILE [--json]\n"
        "  timberline events --store FILE [--limit N] [--json]\n"
        "  timberline query --store FILE [--count] [--json|--csv] [--limit N] [--now end|wallclock]\n"
        "                   [--tz ZONE] QUERY    (docs/QUERY.md)\n"
        "  timberline histogram --store FILE [--bucket auto|N{ms,s,m,h,d,w}] [--from T] [--to T]\n"
        "                   [--now end|wallclock] [--tz ZONE] [--json] [QUERY]\n"
        "  timberline errors --store FILE [--by-service] [--now end|wallclock] [--tz ZONE] [--json] [QUERY]\n"
        "  timberline fields --store FILE [--field PATH] [--limit N] [--now end|wallclock] [--tz ZONE]\n"
        "                   [--json] [QUERY]   (the fields of the result and their top values)\n"
        "  timberline requests --store FILE [--sort start|duration|errors|services|first-failure] [--limit N]\n"
        "                   [--json] [QUERY]   (requests with an event that matches)\n"
        "  timberline trace --store FILE [--json] ID           (one request: lanes, first failure, spans)\n"
        "  timberline first-failures --store FILE [--json] [QUERY]   (who failed first, ranked)\n"
        "  timberline report --store FILE --output REPORT.md [--from T] [--to T] [--title T] [--author A]\n"
        "                   [--root-cause TEXT] [--solution TEXT] [--prevention TEXT] [--no-redact RULE,...]\n"
        "                   [--now end|wallclock] [QUERY]   (docs/REPORT.md)\n"
        "  timberline --version | --help\n"
        "\n"
        "PATH: files, folders, .zip/.tar/.tar.gz archives, .gz/.zst/.bz2/.xz files.\n"
        "import exits 0 when every source imported, 1 when some failed or were binary,\n"
        "2 on usage errors, 130 when interrupted (what was read is kept). One import writes\n"
        "a store at a time: another exits 1, or with --wait waits for the first to end.\n"
        "The other verbs exit 1 when the store cannot answer, 2 on usage errors and bad\n"
        "queries, 130 when interrupted (Ctrl-C).\n");
}

} // namespace cli
