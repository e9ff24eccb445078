// Whole numbers read from text that another program wrote (the database's
// rows), checked: a value that is not a number is an Error, never a crash.
#pragma once

#include <string_view>

namespace migrate::core {

// Throws Error(runtime) naming `what` when `text` is not a decimal integer
// that fits in a long long.
long long parse_integer(std::string_view text, std::string_view what);

}  // namespace migrate::core
