// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace core {

// Writes compact JSON into a string, commas placed by the writer: every command's --json output.
class JsonWriter
{
public:
    JsonWriter &beginObject() { return open('{'); }
    JsonWriter &endObject() { return close('}'); }
    JsonWriter &beginArray() { return open('['); }
    JsonWriter &endArray() { return close(']'); }
    JsonWriter &key(std::string_view name);
    JsonWriter &value(std::string_view text);
    JsonWriter &value(const char *text) { return value(std::string_view(text)); }
    JsonWriter &value(std::uint64_t number);
    JsonWriter &value(std::int64_t number);
    JsonWriter &value(double number);
    JsonWriter &value(bool flag);
    JsonWriter &null();
    // Already-encoded JSON (an event object from format::eventJson).
    JsonWriter &raw(std::string_view json);
    // A string value, or null when empty.
    JsonWriter &textOrNull(std::string_view text) { return text.empty() ? null() : value(text); }

    const std::string &text() const { return m_out; }

private:
    JsonWriter &open(char bracket);
    JsonWriter &close(char bracket);
    void separate();

    std::string m_out;
    std::vector<bool> m_first; ///< per open container: nothing written in it yet
    bool m_afterKey = false;
};

} // namespace core
