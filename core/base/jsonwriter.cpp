// SPDX-License-Identifier: MIT
#include "jsonwriter.h"

#include "textformat.h"

#include <cstdio>

namespace core {

void JsonWriter::separate()
{
    if (m_afterKey) {
        m_afterKey = false;
        return;
    }
    if (!m_first.empty()) {
        if (!m_first.back())
            m_out.push_back(',');
        m_first.back() = false;
    }
}

JsonWriter &JsonWriter::open(char bracket)
{
    separate();
    m_out.push_back(bracket);
    m_first.push_back(true);
    return *this;
}

JsonWriter &JsonWriter::close(char bracket)
{
    m_out.push_back(bracket);
    m_first.pop_back();
    return *this;
}

JsonWriter &JsonWriter::key(std::string_view name)
{
    separate();
    format::appendJsonString(m_out, name);
    m_out.push_back(':');
    m_afterKey = true;
    return *this;
}

JsonWriter &JsonWriter::value(std::string_view text)
{
    separate();
    format::appendJsonString(m_out, text);
    return *this;
}

JsonWriter &JsonWriter::value(std::uint64_t number)
{
    separate();
    m_out.append(std::to_string(number));
    return *this;
}

JsonWriter &JsonWriter::value(std::int64_t number)
{
    separate();
    m_out.append(std::to_string(number));
    return *this;
}

JsonWriter &JsonWriter::value(double number)
{
    separate();
    char text[32];
    std::snprintf(text, sizeof text, "%.6g", number);
    m_out.append(text);
    return *this;
}

JsonWriter &JsonWriter::value(bool flag)
{
    separate();
    m_out.append(flag ? "true" : "false");
    return *this;
}

JsonWriter &JsonWriter::null()
{
    separate();
    m_out.append("null");
    return *this;
}

JsonWriter &JsonWriter::raw(std::string_view json)
{
    separate();
    m_out.append(json);
    return *this;
}

} // namespace core
