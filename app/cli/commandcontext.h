// SPDX-License-Identifier: MIT
#pragma once

#include "arguments.h"
#include "interruptcatcher.h"
#include "output.h"

#include <core/backends/storelocation.h>
#include <core/query/queryfilter.h>

#include <initializer_list>
#include <memory>
#include <optional>

namespace cli {

// The prologue every verb shares: its arguments, the store opened for reading, the query compiled,
// the output style. Each step prints why it failed and returns false; exitCode() is then what the
// verb returns.
class CommandContext
{
public:
    enum class Positional { Allowed, Refused };

    // `usage` is what a usage error without its own message prints: no --store, --json with --csv,
    // or (when refused) positional arguments.
    explicit CommandContext(QString usage, Positional positional = Positional::Allowed);
    ~CommandContext();

    // The verb's arguments, refusing options outside `accepted`; exit code 2 on a usage error.
    bool parse(const QStringList &arguments, std::initializer_list<Option> accepted);
    // Read-only; exit code 1 when the file is not a store or cannot be read. From then on Ctrl-C
    // interrupts whatever the store is doing, and InterruptCatcher::requested() says so.
    bool openStore();
    // The positional query with --from and --to AND-ed in, its dates read at --now in --tz; exit code
    // 2 on a bad query or zone, 1 when --now end cannot be read from the store.
    bool compileFilter();

    // Prints `message`, or the usage, as a usage error; returns 2.
    int usageError();
    int usageError(const QString &message);

    const Arguments &arguments() const { return m_arguments; }
    core::EventStore &store() { return *m_store; }
    const core::QueryFilter &filter() const { return *m_filter; }
    // After compileFilter(): the query as compiled (--from and --to included) and what `now` was.
    const std::string &queryText() const { return m_queryText; }
    std::int64_t nowNs() const { return m_nowNs; }
    Style style() const;
    int exitCode() const { return m_exitCode; }

    // Prints up to --limit events in the one order, those the filter matches once it is compiled;
    // returns the exit code.
    int printEvents();

private:
    QString m_usage;
    Positional m_positional;
    Arguments m_arguments;
    std::unique_ptr<core::EventStore> m_store;
    std::unique_ptr<InterruptCatcher> m_interrupts; ///< after m_store: gone before it
    std::optional<core::QueryFilter> m_filter;
    std::string m_queryText;
    std::int64_t m_nowNs = 0;
    int m_exitCode = 0;
};

// Prints why reading the store stopped, after `what` ("the query failed: "): "interrupted" and 130
// when Ctrl-C cancelled it, else the message and 1.
int readFailed(const core::Error &error, const char *what = "");

} // namespace cli
