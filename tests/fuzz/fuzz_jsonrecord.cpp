// SPDX-License-Identifier: MIT
// libFuzzer target: any bytes as one JSON record through the walker (simdjson On-Demand, field
// aliases, nested paths, Docker's nested `log`). None may crash or read out of bounds; a record that
// parses has only UTF-8 in its values, fields inside the batch, and a time that is a key of years 1-9999.
#include <core/base/timekey.h>
#include <core/base/utf8.h>
#include <core/ingest/jsonrecord.h>

#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace {

void checkUtf8(std::string_view text)
{
    if (core::utf8::firstInvalid(text) != text.size())
        std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const std::string_view json(reinterpret_cast<const char *>(data), size);
    core::ParseOptions options;
    options.sourceName = "fuzz.json";
    core::RecordBatch batch;
    if (!core::parseJsonRecord(json, options, 1, 1, 0, batch)) {
        if (!batch.records.empty() || !batch.fields.empty())
            std::abort(); // a failure appends nothing
        return 0;
    }
    if (batch.records.size() != 1)
        std::abort();
    const core::Record &record = batch.records.front();
    if (std::size_t(record.fieldBegin) + record.fieldCount > batch.fields.size())
        std::abort();
    if (record.hasTime && (record.timeNs < core::timekey::firstKey() || record.timeNs > core::timekey::lastKey()))
        std::abort();
    checkUtf8(record.message);
    checkUtf8(record.service);
    checkUtf8(record.levelText);
    for (const core::Field &field : batch.fieldsOf(record)) {
        checkUtf8(field.path);
        if (field.type == core::FieldType::String)
            checkUtf8(field.value);
    }
    return 0;
}
