// Durations as users write them on the command line and in files: 500ms, 2s, 5m, 1h.
#pragma once

#include <chrono>
#include <string>

namespace migrate::core {

using Milliseconds = std::chrono::milliseconds;

// Parses "500ms", "2s", "1.5s", "5m", "1h"; a bare number means seconds.
// Throws a usage Error naming `what` (e.g. "--lock-wait") on bad input.
Milliseconds parse_duration(const std::string& text, const std::string& what);

// "850ms", "2.0s", "3m05s".
std::string format_duration(Milliseconds duration);

}  // namespace migrate::core
