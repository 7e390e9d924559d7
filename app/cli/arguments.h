// SPDX-License-Identifier: MIT
#pragma once

#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QStringList>

#include <cstdio>
#include <initializer_list>
#include <optional>

namespace cli {

// QCommandLineParser with this command line's own conventions: only `--name` (or `--name=value`) is
// an option, a single dash starts text, `--` ends the options, and usage errors keep the words
// scripts know ("unknown option --x", "--x needs a value").
class CommandLine
{
public:
    explicit CommandLine(const QList<QCommandLineOption> &options);

    // `arguments` without the program name; false with error() set on a usage error.
    bool parse(const QStringList &arguments);
    const QString &error() const { return m_error; }

    bool isSet(const QString &name) const;
    // The last value given, or every one in the order given.
    QString value(const QString &name) const;
    QStringList values(const QString &name) const;
    QStringList positional() const;

private:
    // `--name` as the user wrote it, `=value` included, to name it in a message.
    static QString asWritten(const QStringList &arguments, const QString &name);
    // The first `--flag=value`, as written.
    QString flagGivenAValue(const QStringList &arguments) const;

    QCommandLineParser m_parser;
    QStringList m_flags; ///< the options that take no value
    QString m_error;
};

// The verbs' options, as README.md's "Command line" names them.
enum class Option {
    Store,
    TimeZone,
    Json,
    Csv,
    Count,
    ByService,
    Limit,
    Now,
    Bucket,
    From,
    To,
    Wait,
    Field,
    Sort,
    Output,
    Title,
    Author,
    RootCause,
    Solution,
    Prevention,
    NoRedact
};

// What a verb was given; an option it does not accept keeps its default.
struct Arguments {
    QString store;
    QString timeZone;
    std::optional<long long> limit;
    bool json = false;
    bool csv = false;
    bool count = false;
    bool byService = false;
    bool wait = false;
    QString now; ///< "end", "wallclock" or empty
    QString bucket;
    QString from;
    QString to;
    QString field; ///< a record path or first-class name
    QString sort; ///< requests: start, duration, errors, services or first-failure
    QString output; ///< report: the .md file
    QString title;
    QString author;
    QString rootCause;
    QString solution;
    QString prevention;
    QString noRedact; ///< report: rules not to apply, comma-separated
    QStringList positional;
    QString error; ///< the usage error; empty when the arguments are fine
};

// A verb's arguments (after the verb), refusing options outside `accepted`.
Arguments parseArguments(const QStringList &arguments, std::initializer_list<Option> accepted);
// Prints `message` as every usage error reads; returns 2, their exit code.
int usageError(const QString &message);
void printUsage(FILE *stream);

} // namespace cli
