// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace core {

// Follows the structure of a JSON text byte by byte across lines (bracket depth, strings, escapes and
// which token may come next) without building anything, so that a multi-line document can be cut into
// its record elements as they complete and a broken document is noticed on the line where it breaks.
class DocumentScanner
{
public:
    enum class Stop {
        EndOfLine, ///< the line is scanned; the document is still open
        ElementBegin, ///< a record element starts at `pos` (its '{' or '[')
        ElementEnd, ///< a record element ends just before `pos`
        DocumentEnd, ///< the top-level value ends just before `pos`
        Broken, ///< the text at `pos` cannot continue the document (or the line ends inside a string)
    };

    // Starts a new top-level value; `line[pos]` must be '{' or '['.
    void reset();
    // Scans `line` from `pos` and stops at the next event; call again from the returned `pos`.
    Stop next(std::string_view line, std::size_t &pos);
    // The line ends: a string cannot go on over a newline.
    bool endLine();

    int depth() const { return static_cast<int>(m_frames.size()); }
    // True once the document's record array has been found: elements stream out one by one.
    bool streaming() const { return m_streamedOnce; }
    // The wrapper key whose array is streamed ("Records", "resourceSpans"...); empty for a top-level array.
    const std::string &wrapperKey() const { return m_wrapperKey; }
    bool inElement() const { return m_inElement; }
    // The broken spot was the first significant byte of its line: that line does not belong to the document.
    bool brokenAtLineStart() const { return m_brokenAtLineStart; }

private:
    enum class Expect : std::uint8_t { ValueOrClose, Value, KeyOrClose, Key, Colon, CommaOrClose };
    struct Frame {
        char kind; // '{' or '['
        Expect expect;
    };

    Stop openValue(char c, std::size_t &pos, bool columnZero);
    Stop valueDone(std::size_t &pos);
    Stop broken(std::size_t &pos, bool atLineStart);

    std::vector<Frame> m_frames;
    bool m_started = false;
    bool m_inString = false;
    bool m_escape = false;
    bool m_stringIsKey = false;
    bool m_inScalar = false;
    bool m_seenOnLine = false;
    bool m_inElement = false;
    bool m_brokenAtLineStart = false;
    bool m_streamedOnce = false;
    int m_streamDepth = 0; // depth of the streamed array's contents; 0: not streaming
    int m_candidateDepth = 0; // an array that will stream if its first item is an object or array
    int m_keyCount = 0; // keys seen at depth 1
    std::string m_key; // the last key at depth 1 (raw, escapes not resolved)
    std::string m_wrapperKey;
};

} // namespace core
