// SPDX-License-Identifier: MIT
// bench_import: how fast a bundle becomes a complete store, what the store costs on disk, table by
// table, and how much memory the import took. Generates the bundle unless given one.
#include "bundlegenerator.h"

#include <core/import/importer.h>

#include <sqlite3.h>

#include <sys/resource.h>

#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace fs = std::filesystem;

namespace {

void usage(std::FILE *out)
{
    std::fputs("usage: bench_import [--size-mb N] [--seed N] [--single-file FORMAT] [--shape SHAPE] [--store FILE] [--keep]\n"
               "                    [--json] [PATH]\n"
               "  PATH                  a file or folder to import; without it a bundle of --size-mb MB\n"
               "                        (default 200) is generated into a temporary folder\n"
               "  --single-file FORMAT  generate one file (structlog-json, structlog-console, pino, logfmt)\n"
               "                        instead of the mixed per-service bundle\n"
               "  --shape SHAPE         generate one file of uuid-structlog, otel-json or k8s-json traffic (see\n"
               "                        tl_generate --help) instead of the incident\n"
               "  --store FILE          write the store there (default: in the temporary folder)\n"
               "  --keep                keep the temporary folder and print where it is\n"
               "  --json                one JSON object on stdout instead of the table\n",
               out);
}

// Answers Continue: the benchmark measures the import, not cancellation.
class QuietObserver : public core::ImportObserver
{
public:
    core::ProgressAnswer progress(const core::ImportProgress &) override { return core::ProgressAnswer::Continue; }
};

std::uint64_t diskBytes(const fs::path &path, std::uint64_t &files)
{
    std::error_code error;
    if (fs::is_regular_file(path, error)) {
        ++files;
        return fs::file_size(path, error);
    }
    std::uint64_t total = 0;
    for (fs::recursive_directory_iterator it(path, error), end; !error && it != end; it.increment(error)) {
        if (it->is_regular_file(error)) {
            ++files;
            total += it->file_size(error);
        }
    }
    return total;
}

std::uint64_t sizeIfExists(const std::string &path)
{
    std::error_code error;
    const auto size = fs::file_size(path, error);
    return error ? 0 : size;
}

long peakRssKb()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss; // kilobytes on Linux
}

struct TableCost {
    std::string name;
    std::uint64_t bytes = 0;
};

struct DbStat {
    bool available = false;
    std::string error;
    std::vector<TableCost> tables;
};

// Opened with sqlite3 directly, read-only: the bench looks at the file as any tool would.
DbStat measureTables(const std::string &storePath)
{
    DbStat result;
    sqlite3 *db = nullptr;
    if (sqlite3_open_v2(storePath.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
        result.error = db ? sqlite3_errmsg(db) : "cannot open the store";
        sqlite3_close(db);
        return result;
    }
    sqlite3_stmt *statement = nullptr;
    const char *sql = "SELECT name, SUM(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC";
    if (sqlite3_prepare_v2(db, sql, -1, &statement, nullptr) != SQLITE_OK) {
        // Without SQLITE_ENABLE_DBSTAT_VTAB the table does not exist; say so rather than guess.
        result.error = std::string(sqlite3_errmsg(db))
            + (sqlite3_compileoption_used("ENABLE_DBSTAT_VTAB") ? "" : " (this SQLite is built without dbstat)");
        sqlite3_close(db);
        return result;
    }
    int rc = SQLITE_ROW;
    while ((rc = sqlite3_step(statement)) == SQLITE_ROW) {
        const auto *name = reinterpret_cast<const char *>(sqlite3_column_text(statement, 0));
        result.tables.push_back({name ? name : "", static_cast<std::uint64_t>(sqlite3_column_int64(statement, 1))});
    }
    if (rc != SQLITE_DONE)
        result.error = sqlite3_errmsg(db);
    else
        result.available = true;
    sqlite3_finalize(statement);
    sqlite3_close(db);
    return result;
}

std::string jsonString(std::string_view text)
{
    std::string out = "\"";
    for (const char c : text) {
        if (c == '"' || c == '\\') {
            out.push_back('\\');
            out.push_back(c);
        } else if (static_cast<unsigned char>(c) < 0x20) {
            char escaped[8];
            std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned>(c));
            out += escaped;
        } else {
            out.push_back(c);
        }
    }
    return out + "\"";
}

double perSecond(double amount, double seconds)
{
    return seconds > 0 ? amount / seconds : 0;
}

std::string_view outcomeName(core::Outcome outcome)
{
    switch (outcome) {
    case core::Outcome::Finished: return "finished";
    case core::Outcome::Cancelled: return "cancelled";
    case core::Outcome::Failed: return "failed";
    }
    return "failed";
}

} // namespace

int main(int argc, char **argv)
{
    std::uint64_t sizeMb = 200;
    std::uint64_t seed = 1;
    std::optional<bundlegen::LogFormat> singleFile;
    bundlegen::Shape shape = bundlegen::Shape::Incident;
    std::string inputPath;
    std::string storePath;
    bool keep = false;
    bool json = false;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        const bool hasValue = i + 1 < argc;
        const auto number = [&](std::uint64_t &target) {
            const std::string_view text = argv[++i];
            const auto result = std::from_chars(text.data(), text.data() + text.size(), target);
            return result.ec == std::errc() && result.ptr == text.data() + text.size();
        };
        if (arg == "--help" || arg == "-h") {
            usage(stdout);
            return 0;
        } else if (arg == "--size-mb" && hasValue) {
            if (!number(sizeMb) || sizeMb == 0) {
                usage(stderr);
                return 2;
            }
        } else if (arg == "--seed" && hasValue) {
            if (!number(seed)) {
                usage(stderr);
                return 2;
            }
        } else if (arg == "--single-file" && hasValue) {
            singleFile = bundlegen::formatFromName(argv[++i]);
            if (!singleFile) {
                std::fprintf(stderr, "bench_import: unknown format %s\n", argv[i]);
                return 2;
            }
        } else if (arg == "--shape" && hasValue) {
            const auto named = bundlegen::shapeFromName(argv[++i]);
            if (!named) {
                std::fprintf(stderr, "bench_import: unknown shape %s\n", argv[i]);
                return 2;
            }
            shape = *named;
        } else if (arg == "--store" && hasValue) {
            storePath = argv[++i];
        } else if (arg == "--keep") {
            keep = true;
        } else if (arg == "--json") {
            json = true;
        } else if (!arg.empty() && arg[0] != '-' && inputPath.empty()) {
            inputPath = arg;
        } else {
            usage(stderr);
            return 2;
        }
    }

    std::string tempTemplate = (fs::temp_directory_path() / "bench_import.XXXXXX").string();
    if (!mkdtemp(tempTemplate.data())) {
        std::perror("bench_import: mkdtemp");
        return 1;
    }
    const fs::path tempDir = tempTemplate;
    const auto cleanup = [&] {
        std::error_code error;
        if (!keep)
            fs::remove_all(tempDir, error);
    };

    std::string generatedWith;
    double generateSeconds = 0;
    if (inputPath.empty()) {
        bundlegen::GeneratorOptions options;
        options.targetBytes = sizeMb * 1000 * 1000;
        options.seed = seed;
        options.singleFile = singleFile;
        options.shape = shape;
        inputPath = (tempDir / "bundle").string();
        const auto started = std::chrono::steady_clock::now();
        const auto report = bundlegen::generateBundle(inputPath, options);
        generateSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        if (!report.ok) {
            std::fprintf(stderr, "bench_import: generating failed: %s\n", report.error.c_str());
            cleanup();
            return 1;
        }
        generatedWith = "seed " + std::to_string(seed) + ", "
            + (shape != bundlegen::Shape::Incident ? std::string(bundlegen::shapeName(shape))
                   : singleFile                    ? std::string(bundlegen::formatName(*singleFile))
                                                   : std::string("mixed formats"));
    }
    if (storePath.empty())
        storePath = (tempDir / "incident.timberline").string();

    std::uint64_t files = 0;
    const std::uint64_t inputBytes = diskBytes(inputPath, files);
    const long rssBeforeKb = peakRssKb();

    core::ImportRequest request;
    request.paths = {inputPath};
    request.storePath = storePath;
    QuietObserver observer;
    const auto result = core::runImport(request, observer);
    const long peakKb = peakRssKb();
    if (!result) {
        std::fprintf(stderr, "bench_import: import failed: %s\n", result.error().message.c_str());
        cleanup();
        return 1;
    }
    const core::ImportSummary &summary = result.value();

    const std::uint64_t storeBytes =
        sizeIfExists(storePath) + sizeIfExists(storePath + "-wal") + sizeIfExists(storePath + "-journal");
    const DbStat dbstat = measureTables(storePath);

    const double inputMb = static_cast<double>(inputBytes) / 1e6;
    const double events = static_cast<double>(summary.events);
    const double ratio = inputBytes ? static_cast<double>(storeBytes) / static_cast<double>(inputBytes) : 0;
    std::uint64_t dbstatTotal = 0;
    for (const TableCost &table : dbstat.tables)
        dbstatTotal += table.bytes;

    if (json) {
        std::string out = "{";
        out += "\"input\": " + jsonString(inputPath);
        out += ", \"generated\": " + (generatedWith.empty() ? std::string("null") : jsonString(generatedWith));
        out += ", \"generate_seconds\": " + std::to_string(generateSeconds);
        out += ", \"input_files\": " + std::to_string(files);
        out += ", \"input_bytes\": " + std::to_string(inputBytes);
        out += ", \"outcome\": " + jsonString(outcomeName(summary.outcome));
        out += ", \"events\": " + std::to_string(summary.events);
        out += ", \"lines\": " + std::to_string(summary.lines);
        out += ", \"first_rows_seconds\": " + std::to_string(summary.firstRowsSeconds);
        out += ", \"rows_seconds\": " + std::to_string(summary.rowsSeconds);
        out += ", \"complete_seconds\": " + std::to_string(summary.completeSeconds);
        out += ", \"mb_per_second\": " + std::to_string(perSecond(inputMb, summary.completeSeconds));
        out += ", \"events_per_second\": " + std::to_string(perSecond(events, summary.completeSeconds));
        out += ", \"store_bytes\": " + std::to_string(storeBytes);
        out += ", \"store_ratio\": " + std::to_string(ratio);
        out += ", \"rss_before_import_kb\": " + std::to_string(rssBeforeKb);
        out += ", \"peak_rss_kb\": " + std::to_string(peakKb);
        out += ", \"dbstat_available\": " + std::string(dbstat.available ? "true" : "false");
        if (!dbstat.error.empty())
            out += ", \"dbstat_error\": " + jsonString(dbstat.error);
        out += ", \"tables\": [";
        for (std::size_t i = 0; i < dbstat.tables.size(); ++i) {
            out += i ? ", " : "";
            out += "{\"name\": " + jsonString(dbstat.tables[i].name)
                + ", \"bytes\": " + std::to_string(dbstat.tables[i].bytes) + "}";
        }
        out += "]}\n";
        std::fputs(out.c_str(), stdout);
    } else {
        std::printf("input        %.1f MB in %llu file(s): %s%s%s\n", inputMb, static_cast<unsigned long long>(files),
                    inputPath.c_str(), generatedWith.empty() ? "" : " (generated: ", generatedWith.empty() ? "" : (generatedWith + ")").c_str());
        std::printf("outcome      %s, %llu events, %llu lines, %zu sources\n",
                    std::string(outcomeName(summary.outcome)).c_str(), static_cast<unsigned long long>(summary.events),
                    static_cast<unsigned long long>(summary.lines), summary.sources.size());
        std::printf("first rows   %8.3f s\n", summary.firstRowsSeconds);
        std::printf("all rows     %8.3f s   %7.1f MB/s   %9.0f events/s\n", summary.rowsSeconds,
                    perSecond(inputMb, summary.rowsSeconds), perSecond(events, summary.rowsSeconds));
        std::printf("complete     %8.3f s   %7.1f MB/s   %9.0f events/s\n", summary.completeSeconds,
                    perSecond(inputMb, summary.completeSeconds), perSecond(events, summary.completeSeconds));
        std::printf("store        %.1f MB = %.2f x input  (%s)\n", static_cast<double>(storeBytes) / 1e6, ratio,
                    storePath.c_str());
        std::printf("peak RSS     %.1f MB (%.1f MB before the import)\n", static_cast<double>(peakKb) / 1024.0,
                    static_cast<double>(rssBeforeKb) / 1024.0);
        if (!dbstat.available) {
            std::printf("dbstat       unavailable: %s\n", dbstat.error.c_str());
        } else {
            std::printf("dbstat       table or index                        MB   share\n");
            for (const TableCost &table : dbstat.tables) {
                std::printf("             %-34s %9.2f  %5.1f%%\n", table.name.c_str(),
                            static_cast<double>(table.bytes) / 1e6,
                            dbstatTotal ? 100.0 * static_cast<double>(table.bytes) / static_cast<double>(dbstatTotal)
                                        : 0.0);
            }
        }
        if (keep)
            std::printf("kept         %s\n", tempDir.c_str());
    }
    cleanup();
    return summary.outcome == core::Outcome::Finished ? 0 : 1;
}
