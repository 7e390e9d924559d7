// SPDX-License-Identifier: MIT
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace core {

// What groups error events: the error type where the record has one, else its event name, else
// the message with its variable parts masked.
class ErrorSignature
{
public:
    // Record paths that hold an error type, then those that hold an event name, in the order tried.
    static const std::vector<std::string> &typePaths();
    // The message with numbers, IDs, UUIDs, hex, IP addresses and quoted strings replaced by
    // <num>, <id>, <uuid>, <hex>, <ip> and <str>, and runs of spaces made one.
    static std::string mask(std::string_view message);
    // An event's signature: its type (or event name) when it has one, else its masked message.
    static std::string of(std::string_view errorType, std::string_view message);
};

} // namespace core
