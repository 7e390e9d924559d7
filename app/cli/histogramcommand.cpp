// SPDX-License-Identifier: MIT
#include "commandcontext.h"
#include "commands.h"
#include "interruptcatcher.h"
#include "output.h"

#include <core/analysis/histogram.h>
#include <core/analysis/histogrambuckets.h>

#include <cstdio>

namespace cli {

namespace {

std::int64_t bucketStart(const core::LevelHistogram &histogram, std::size_t bucket)
{
    return histogram.fromNs + static_cast<std::int64_t>(bucket) * histogram.bucketNs;
}

void printHistogram(const core::LevelHistogram &histogram, Style style)
{
    if (style == Style::Json) {
        core::JsonWriter out;
        out.beginObject()
            .key("bucket_ms")
            .value(static_cast<std::int64_t>(histogram.bucketNs / 1'000'000))
            .key("buckets")
            .beginArray();
        for (std::size_t i = 0; i < histogram.buckets.size(); ++i) {
            out.beginObject().key("start").value(core::format::rfc3339(bucketStart(histogram, i)));
            out.key("levels");
            writeLevels(out, histogram.buckets[i]);
            out.endObject();
        }
        out.endArray().endObject();
        printJson(out);
        return;
    }
    std::printf("bucket %s\n", core::HistogramBuckets::stepName(histogram.bucketNs).c_str());
    std::printf("%-30s %10s", "start", "total");
    for (const core::Level level : LevelsInReadingOrder)
        std::printf(" %8s", std::string(core::levelName(level)).c_str());
    std::printf("\n");
    for (std::size_t i = 0; i < histogram.buckets.size(); ++i) {
        std::uint64_t total = 0;
        for (const std::uint64_t count : histogram.buckets[i])
            total += count;
        std::printf("%-30s %10llu", core::format::rfc3339(bucketStart(histogram, i)).c_str(),
                    static_cast<unsigned long long>(total));
        for (const core::Level level : LevelsInReadingOrder)
            std::printf(" %8llu",
                        static_cast<unsigned long long>(histogram.buckets[i][static_cast<std::size_t>(level)]));
        std::printf("\n");
    }
}

} // namespace

int histogramCommand(const QStringList &arguments)
{
    CommandContext context(
        QStringLiteral("histogram takes --store FILE [--bucket auto|N{ms,s,m,h,d,w}] [--from T] [--to T] "
                       "[--now end|wallclock] [--tz ZONE] [--json] [QUERY]"));
    if (!context.parse(
            arguments,
            {Option::Store, Option::Json, Option::Bucket, Option::From, Option::To, Option::Now, Option::TimeZone}))
        return context.exitCode();
    core::HistogramOptions options;
    const QString &bucket = context.arguments().bucket;
    // Checked before the store is opened: a bad size is a usage error whatever the store.
    if (!bucket.isEmpty()) {
        const auto step = core::HistogramBuckets::parseStep(bucket.toStdString());
        if (!step)
            return context.usageError(
                QStringLiteral("--bucket takes auto or a number with ms, s, m (minutes), h, d or w: ") + bucket);
        options.stepNs = *step;
    }
    if (!context.openStore() || !context.compileFilter())
        return context.exitCode();
    auto histogram
        = core::Histogram::compute(context.store(), context.filter(), options,
                                   [](const core::LevelHistogram &) { return !InterruptCatcher::requested(); });
    if (!histogram)
        return readFailed(histogram.error());
    printHistogram(histogram.value(), context.style());
    return 0;
}

} // namespace cli
