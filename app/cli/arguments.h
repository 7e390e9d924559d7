// SPDX-License-Identifier: MIT
#pragma once

#include <QStringList>

#include <cstdio>
#include <initializer_list>
#include <optional>

namespace cli {

// The verbs' options, as README.md's "Command line" names them.
enum class Option { Store, TimeZone, Json, Csv, Count, ByService, Limit, Now, Bucket, From, To };

// What a verb was given; an option it does not accept keeps its default.
struct Arguments {
    QString store;
    QString timeZone;
    std::optional<long long> limit;
    bool json = false;
    bool csv = false;
    bool count = false;
    bool byService = false;
    QString now; ///< "end", "wallclock" or empty
    QString bucket;
    QString from;
    QString to;
    QStringList positional;
    QString error; ///< the usage error; empty when the arguments are fine
};

// A verb's arguments (after the verb), refusing options outside `accepted`.
Arguments parseArguments(const QStringList &arguments, std::initializer_list<Option> accepted);
// Prints `message` as every usage error reads; returns 2, their exit code.
int usageError(const QString &message);
void printUsage(FILE *stream);

} // namespace cli
