// SPDX-License-Identifier: MIT
// tl_generate: writes a synthetic incident bundle (see bundlegenerator.h) for demos, tests and benchmarks.
#include "bundlegenerator.h"

#include <charconv>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

namespace {

void usage(std::FILE *out)
{
    std::fputs("usage: tl_generate [--size SIZE] [--seed N] [--workers N] [--single-file FORMAT] [--error-rate RATE]\n"
               "                   [--shape SHAPE] [--quiet] FOLDER\n"
               "  --size SIZE           approximate total bytes: 600000, 600k, 200M, 2G (decimal; default 600k);\n"
               "                        the whole incident always fits, so never below about 300k\n"
               "  --seed N              PRNG seed (default 1); the same options always write the same bytes\n"
               "  --workers N           worker services, 1 to 64 (default 4)\n"
               "  --single-file FORMAT  one file holding every service, in structlog-json, structlog-console,\n"
               "                        pino or logfmt (default: one file per service, formats mixed)\n"
               "  --error-rate RATE     after each event, with this chance (0.01 or 1%), its service also logs\n"
               "                        an unrelated error: varied types and messages, for error-group benchmarks\n"
               "                        (default 0: none, and the bytes are those without the option)\n"
               "  --shape SHAPE         what the lines look like (default incident: the bundle above). The others\n"
               "                        write one file, SHAPE.log, of request traffic where IDs are nearly unique\n"
               "                        (about 7 lines per request, 12 requests interleaved, 3% failing); --workers,\n"
               "                        --single-file and --error-rate do not apply to them:\n"
               "                        uuid-structlog  structlog JSON, a fresh UUID request_id on every line, task IDs\n"
               "                                        of 100k, user IDs of 5k, float durations\n"
               "                        otel-json       OpenTelemetry SDK log records (LogRecord.to_json on one line):\n"
               "                                        a 32-hex trace_id per request, a fresh 16-hex span_id per line,\n"
               "                                        nested resource and attributes\n"
               "                        k8s-json        app JSON as Fluent Bit's kubernetes filter ships it: 35+ fields,\n"
               "                                        nested kubernetes, labels, http.request, user, cloud objects\n",
               out);
}

bool parseNumber(std::string_view text, std::uint64_t &number)
{
    const auto result = std::from_chars(text.data(), text.data() + text.size(), number);
    return result.ec == std::errc() && result.ptr == text.data() + text.size();
}

} // namespace

int main(int argc, char **argv)
{
    bundlegen::GeneratorOptions options;
    std::string folder;
    bool quiet = false;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        const bool hasValue = i + 1 < argc;
        std::uint64_t number = 0;
        if (arg == "--help" || arg == "-h") {
            usage(stdout);
            return 0;
        } else if (arg == "--quiet") {
            quiet = true;
        } else if (arg == "--size" && hasValue) {
            const auto size = bundlegen::parseSize(argv[++i]);
            if (!size) {
                std::fprintf(stderr, "tl_generate: bad size %s\n", argv[i]);
                return 2;
            }
            options.targetBytes = *size;
        } else if (arg == "--seed" && hasValue && parseNumber(argv[i + 1], number)) {
            options.seed = number;
            ++i;
        } else if (arg == "--workers" && hasValue && parseNumber(argv[i + 1], number) && number >= 1 && number <= 64) {
            options.workers = static_cast<int>(number);
            ++i;
        } else if (arg == "--single-file" && hasValue) {
            options.singleFile = bundlegen::formatFromName(argv[++i]);
            if (!options.singleFile) {
                std::fprintf(stderr, "tl_generate: unknown format %s\n", argv[i]);
                return 2;
            }
        } else if (arg == "--shape" && hasValue) {
            const auto shape = bundlegen::shapeFromName(argv[++i]);
            if (!shape) {
                std::fprintf(stderr, "tl_generate: unknown shape %s\n", argv[i]);
                return 2;
            }
            options.shape = *shape;
        } else if (arg == "--error-rate" && hasValue) {
            const auto rate = bundlegen::parseRate(argv[++i]);
            if (!rate) {
                std::fprintf(stderr, "tl_generate: bad error rate %s (a share from 0 to 1, or a percentage)\n", argv[i]);
                return 2;
            }
            options.extraErrorsPerMillion = *rate;
        } else if (!arg.empty() && arg[0] != '-' && folder.empty()) {
            folder = arg;
        } else {
            usage(stderr);
            return 2;
        }
    }
    if (folder.empty()) {
        usage(stderr);
        return 2;
    }

    const bundlegen::GeneratorReport report = bundlegen::generateBundle(folder, options);
    if (!report.ok) {
        std::fprintf(stderr, "tl_generate: %s\n", report.error.c_str());
        return 1;
    }
    if (!quiet) {
        const bool incident = options.shape == bundlegen::Shape::Incident;
        for (const auto &file : report.files) {
            std::printf("%-32s %-18s %12llu bytes %10llu events %10llu lines\n", file.name.c_str(),
                        std::string(incident ? bundlegen::formatName(file.format) : bundlegen::shapeName(options.shape)).c_str(),
                        static_cast<unsigned long long>(file.bytes), static_cast<unsigned long long>(file.events),
                        static_cast<unsigned long long>(file.lines));
        }
        const auto secondsFromStart = [&report](std::int64_t us) {
            return us < 0 ? -1.0 : static_cast<double>(us - report.firstUs) / 1e6;
        };
        if (!incident) {
            std::printf("total: %llu bytes, %llu events over %.1f s; %llu requests, %llu failed\n",
                        static_cast<unsigned long long>(report.bytes), static_cast<unsigned long long>(report.events),
                        secondsFromStart(report.lastUs), static_cast<unsigned long long>(report.tasks),
                        static_cast<unsigned long long>(report.failedTasks));
            return 0;
        }
        std::printf("total: %llu bytes, %llu events, %llu lines over %.1f s; %llu tasks, %llu failed, "
                    "%llu pool timeouts, %llu retries, %llu error events; pool exhausted at +%.1f s, "
                    "recovered at +%.1f s\n",
                    static_cast<unsigned long long>(report.bytes), static_cast<unsigned long long>(report.events),
                    static_cast<unsigned long long>(report.lines), secondsFromStart(report.lastUs),
                    static_cast<unsigned long long>(report.tasks), static_cast<unsigned long long>(report.failedTasks),
                    static_cast<unsigned long long>(report.poolTimeouts),
                    static_cast<unsigned long long>(report.retries),
                    static_cast<unsigned long long>(report.errorEvents), secondsFromStart(report.exhaustedUs),
                    secondsFromStart(report.recoveredUs));
        if (options.extraErrorsPerMillion > 0)
            std::printf("extra errors (--error-rate): %llu\n", static_cast<unsigned long long>(report.extraErrors));
    }
    return 0;
}
