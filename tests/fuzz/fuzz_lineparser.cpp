// SPDX-License-Identifier: MIT
// libFuzzer target: any bytes as the lines of one source, through SourceParser (format sniffing, JSON,
// text, syslog, documents, continuations) and the time normaliser. None may crash, hang or read out
// of bounds; the line accounting must balance and every time must be a key of years 1 to 9999.
#include <core/base/textformat.h>
#include <core/base/timekey.h>
#include <core/ingest/sourceparser.h>
#include <core/model/normalize.h>

#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace {

void checkTime(std::int64_t key)
{
    if (key < core::timekey::firstKey() || key > core::timekey::lastKey())
        std::abort();
    // Decoding and encoding again gives the key back (outside the exact window, to the microsecond).
    const core::timekey::CivilTime civil = core::timekey::toCivil(key);
    const auto again = core::timekey::fromCivil(civil);
    if (!again || *again != key)
        std::abort();
    (void)core::format::rfc3339(key);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char *>(data), size);
    core::ParseOptions options;
    options.sourceName = "fuzz.log";
    options.sourceMtimeNs = 1762770600LL * 1'000'000'000;
    core::SourceParser parser(options);
    core::RecordBatch batch;
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string_view::npos)
            end = text.size();
        const std::string_view line = text.substr(start, end - start);
        parser.addLine(line, batch);
        std::size_t consumed = 0;
        if (const auto leading = core::normalize::parseLeadingTime(line, options, consumed)) {
            checkTime(*leading);
            if (consumed > line.size())
                std::abort();
        }
        if (const auto time = core::normalize::parseTime(line, options))
            checkTime(*time);
        start = end + 1;
    }
    parser.finish(batch);
    const core::LineCounts &counts = parser.counts();
    if (counts.lines != counts.eventLines + counts.continuationLines + counts.documentLines + counts.blankLines)
        std::abort();
    if (counts.events != batch.records.size())
        std::abort();
    for (const core::Record &record : batch.records) {
        if (record.hasTime)
            checkTime(record.timeNs);
    }
    return 0;
}
