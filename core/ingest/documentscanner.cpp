// SPDX-License-Identifier: MIT
#include "documentscanner.h"

namespace core {

namespace {

bool isBlank(char c)
{
    // '\r' too: CRLF files keep it at the end of every line.
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

bool isScalarByte(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.' || c == '+'
        || c == '-';
}

// Wrapper keys known to hold the records, wherever they appear among the wrapper's keys.
bool isKnownWrapperKey(std::string_view key)
{
    return key == "Records" || key == "resourceSpans" || key == "resourceLogs";
}

constexpr std::size_t MaxKeyBytes = 128;

} // namespace

void DocumentScanner::reset()
{
    *this = DocumentScanner();
}

DocumentScanner::Stop DocumentScanner::broken(std::size_t &pos, bool atLineStart)
{
    (void)pos;
    m_brokenAtLineStart = atLineStart;
    return Stop::Broken;
}

DocumentScanner::Stop DocumentScanner::valueDone(std::size_t &pos)
{
    (void)pos;
    if (!m_frames.empty())
        m_frames.back().expect = Expect::CommaOrClose;
    return Stop::EndOfLine; // means "keep going" to the caller inside next()
}

DocumentScanner::Stop DocumentScanner::openValue(char c, std::size_t &pos, bool columnZero)
{
    Frame &frame = m_frames.back();
    // A member value that starts in column 0 of a new line is not pretty-printing: it is the next
    // record of an NDJSON file after a line that was cut short.
    if (frame.kind == '{' && columnZero)
        return broken(pos, true);
    const int here = depth();
    if (c == '"' || isScalarByte(c)) {
        if (m_candidateDepth == here)
            m_candidateDepth = 0; // an array of scalars is not an array of records
        if (c == '"') {
            m_inString = true;
            m_stringIsKey = false;
        } else {
            m_inScalar = true;
        }
        frame.expect = Expect::CommaOrClose;
        ++pos;
        return Stop::EndOfLine;
    }
    if (c != '{' && c != '[')
        return broken(pos, false);

    bool element = false;
    if (m_streamDepth > 0 && here == m_streamDepth) {
        element = true;
    } else if (m_candidateDepth > 0 && here == m_candidateDepth && !m_streamedOnce) {
        m_streamDepth = m_candidateDepth;
        m_candidateDepth = 0;
        m_streamedOnce = true;
        m_wrapperKey = here == 1 ? std::string() : m_key;
        element = true;
    } else if (c == '[' && here == 1 && frame.kind == '{' && !m_streamedOnce && m_candidateDepth == 0) {
        // The first key of a wrapper holding an array is taken as its record array ({"data":[...]},
        // {"logs":[...]}), except a Jaeger trace's spans, which need the processes after them.
        if ((m_keyCount == 1 && m_key != "spans") || isKnownWrapperKey(m_key))
            m_candidateDepth = 2;
    }
    frame.expect = Expect::CommaOrClose;
    m_frames.push_back(Frame{c, c == '{' ? Expect::KeyOrClose : Expect::ValueOrClose});
    ++pos;
    if (element) {
        m_inElement = true;
        return Stop::ElementBegin;
    }
    return Stop::EndOfLine;
}

DocumentScanner::Stop DocumentScanner::next(std::string_view line, std::size_t &pos)
{
    while (pos < line.size()) {
        const char c = line[pos];
        if (m_inString) {
            if (m_escape) {
                m_escape = false;
            } else if (c == '\\') {
                m_escape = true;
            } else if (c == '"') {
                m_inString = false;
                ++pos;
                if (m_stringIsKey) {
                    m_frames.back().expect = Expect::Colon;
                    if (depth() == 1)
                        ++m_keyCount;
                }
                continue;
            }
            if (m_stringIsKey && depth() == 1 && m_key.size() < MaxKeyBytes)
                m_key.push_back(c);
            ++pos;
            continue;
        }
        if (m_inScalar) {
            if (isScalarByte(c)) {
                ++pos;
                continue;
            }
            m_inScalar = false;
        }
        if (isBlank(c)) {
            ++pos;
            continue;
        }
        const bool atLineStart = !m_seenOnLine;
        m_seenOnLine = true;

        if (m_frames.empty()) {
            if (m_started || (c != '{' && c != '['))
                return broken(pos, atLineStart);
            m_started = true;
            m_frames.push_back(Frame{c, c == '{' ? Expect::KeyOrClose : Expect::ValueOrClose});
            if (c == '[')
                m_candidateDepth = 1;
            ++pos;
            continue;
        }

        Frame &frame = m_frames.back();
        bool closes = false;
        switch (frame.expect) {
        case Expect::KeyOrClose:
        case Expect::Key:
            if (c == '"') {
                m_inString = true;
                m_stringIsKey = true;
                if (depth() == 1)
                    m_key.clear();
                ++pos;
                continue;
            }
            if (c == '}' && frame.expect == Expect::KeyOrClose) {
                closes = true;
                break;
            }
            return broken(pos, atLineStart);
        case Expect::Colon:
            if (c != ':')
                return broken(pos, atLineStart);
            frame.expect = Expect::Value;
            ++pos;
            continue;
        case Expect::ValueOrClose:
        case Expect::Value: {
            if (c == ']' && frame.expect == Expect::ValueOrClose && frame.kind == '[') {
                closes = true;
                break;
            }
            const Stop stop = openValue(c, pos, atLineStart && pos == 0);
            if (stop == Stop::Broken)
                return broken(pos, m_brokenAtLineStart || atLineStart);
            if (stop != Stop::EndOfLine)
                return stop;
            continue;
        }
        case Expect::CommaOrClose:
            if (c == ',') {
                frame.expect = frame.kind == '{' ? Expect::Key : Expect::Value;
                ++pos;
                continue;
            }
            if ((c == '}' && frame.kind == '{') || (c == ']' && frame.kind == '[')) {
                closes = true;
                break;
            }
            return broken(pos, atLineStart);
        }
        if (!closes)
            continue;

        m_frames.pop_back();
        ++pos;
        const int here = depth();
        if (m_candidateDepth > here)
            m_candidateDepth = 0; // the candidate array closed empty
        if (m_inElement && here == m_streamDepth) {
            m_inElement = false;
            return Stop::ElementEnd;
        }
        if (m_streamDepth > 0 && here < m_streamDepth)
            m_streamDepth = 0; // the record array is over; the rest of the wrapper is skipped
        if (here == 0)
            return Stop::DocumentEnd;
        valueDone(pos);
    }
    return Stop::EndOfLine;
}

bool DocumentScanner::endLine()
{
    m_inScalar = false;
    m_seenOnLine = false;
    return !m_inString;
}

} // namespace core
