// SPDX-License-Identifier: MIT
#include "commandcontext.h"
#include "commands.h"

#include <cstdio>

namespace cli {

int queryCommand(const QStringList &arguments)
{
    CommandContext context(QStringLiteral(
        "query takes --store FILE [--count] [--json|--csv] [--limit N] [--now end|wallclock] [--tz ZONE] QUERY"));
    if (!context.parse(
            arguments,
            {Option::Store, Option::Json, Option::Csv, Option::Count, Option::Limit, Option::Now, Option::TimeZone})
        || !context.openStore() || !context.compileFilter())
        return context.exitCode();
    if (!context.arguments().count)
        return context.printEvents();
    auto count = context.store().count(context.filter());
    if (!count)
        return readFailed(count.error(), "the query failed: ");
    if (context.style() == Style::Json)
        std::printf("{\"count\":%llu}\n", static_cast<unsigned long long>(*count));
    else
        std::printf("%llu\n", static_cast<unsigned long long>(*count));
    return 0;
}

} // namespace cli
