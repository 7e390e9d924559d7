// SPDX-License-Identifier: MIT
#include "commandcontext.h"
#include "commands.h"

namespace cli {

int eventsCommand(const QStringList &arguments)
{
    CommandContext context(QStringLiteral("events takes --store FILE [--limit N] [--json]"),
                           CommandContext::Positional::Refused);
    if (!context.parse(arguments, {Option::Store, Option::Json, Option::Limit}) || !context.openStore())
        return context.exitCode();
    return context.printEvents();
}

} // namespace cli
