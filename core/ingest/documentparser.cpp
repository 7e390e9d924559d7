// SPDX-License-Identifier: MIT
// Placeholder so the tree links while the document parser is written; replaced in full by it.
#include "documentparser.h"

namespace core {

struct DocumentParser::Private {
};

DocumentParser::DocumentParser(const ParseOptions &, LineCounts &)
    : d(std::make_unique<Private>())
{
}
DocumentParser::~DocumentParser() = default;
bool DocumentParser::begin(std::string_view, std::uint32_t, RecordBatch &) { return false; }
bool DocumentParser::isOpen() const { return false; }
void DocumentParser::addLine(std::string_view, std::uint32_t, RecordBatch &) { }
void DocumentParser::finish(RecordBatch &) { }
std::string_view DocumentParser::format() const { return {}; }
bool parseEnvelope(std::string_view, const ParseOptions &, std::uint32_t, RecordBatch &, LineCounts &) { return false; }

} // namespace core
