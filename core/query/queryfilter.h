// SPDX-License-Identifier: MIT
#pragma once

#include <core/base/result.h>
#include "queryast.h"
#include "querytime.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace core {

// A query tree with its meaning settled, ready for any store backend: field names sorted into the
// first-class columns and record paths, dates resolved to intervals, level words to level sets.
// The same filter feeds the count, the event pages, the histogram and every other view.
class QueryFilter
{
public:
    // Which column a field name means. Record paths keep their own name (`levelname`, `http.status`).
    enum class Column : std::uint8_t { Text, Message, Time, Level, Service, RequestId, TraceId, SpanId, Path };

    struct Node {
        enum class Kind : std::uint8_t {
            All,
            None,
            And,
            Or,
            Not,
            Time, ///< [timeBegin, timeEnd) on the event time
            Level, ///< a normalised level in `levels`, or (for Match values) the original text matching `value`
            Match, ///< column Text, Message, Service, the IDs or a record path
            Range, ///< a record path between bounds (numbers compare as numbers)
            Exists,
        };
        Kind kind = Kind::All;
        Column column = Column::Text;
        std::vector<Node> children;
        std::string path; ///< Path: the record's dotted key
        QueryValue value;
        bool hasValue = false; ///< Level: also match the original text against `value`
        std::uint8_t levels = 0; ///< Level: bit per core::Level
        std::int64_t timeBegin = 0;
        std::int64_t timeEnd = 0;
        std::optional<QueryValue> lower;
        std::optional<QueryValue> upper;
        bool lowerInclusive = true;
        bool upperInclusive = true;
    };

    // Fails with ErrorCode::Query (and the value's offset) on a date or level it cannot read.
    static Result<QueryFilter> compile(const QueryNode &query, const QueryTime &time);
    // Parses and compiles.
    static Result<QueryFilter> fromText(std::string_view text, const QueryTime &time);

    const Node &root() const { return m_root; }
    // Whether only time, normalised level and service decide, and the tree, its lists split in halves,
    // nests at most MaxConditionDepth deep: then the bucket counts answer, through one SQL condition
    // (SQLite's parser refuses one nested much deeper). Deeper trees take the posting lists' path.
    bool onlyTimeLevelService() const;
    static constexpr int MaxConditionDepth = 24;
    // The same for one node of the tree.
    static bool isTimeLevelService(const Node &node);
    static Column columnOf(std::string_view field);

private:
    static Result<QueryFilter> compileWithText(const QueryNode &query, const QueryTime &time, std::string_view text);

    Node m_root;
};

} // namespace core
