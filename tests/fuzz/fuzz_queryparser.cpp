// SPDX-License-Identifier: MIT
// libFuzzer target: any bytes through the lexer, the parser, the filter compiler and date resolution.
// None may crash, hang or read out of bounds; errors must point inside the text.
#include <core/query/querylexer.h>
#include <core/query/queryfilter.h>
#include <core/query/queryparser.h>
#include <core/query/querytime.h>

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char *>(data), size);
    const auto tokens = core::QueryLexer::tokenize(text);
    std::int64_t previousEnd = 0;
    for (const core::QueryToken &token : tokens) {
        // Tokens are in order, inside the text, and never overlap.
        if (token.offset < previousEnd || token.offset + token.length > static_cast<std::int64_t>(size))
            std::abort();
        previousEnd = token.offset + token.length;
    }
    auto parsed = core::QueryParser::parse(text);
    if (!parsed) {
        const core::Error &error = parsed.error();
        if (error.offset < 0 || error.offset > static_cast<std::int64_t>(size) || error.length < 1)
            std::abort();
        return 0;
    }
    (void)parsed->toString();
    const core::QueryTime time(1762770600LL * 1'000'000'000);
    (void)core::QueryFilter::compile(parsed.value(), time);
    (void)time.resolve(text);
    return 0;
}
