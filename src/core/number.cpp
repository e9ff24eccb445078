#include "core/number.hpp"

#include <fmt/format.h>

#include <charconv>

#include "core/error.hpp"

namespace migrate::core {

long long parse_integer(std::string_view text, std::string_view what) {
  long long value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty())
    throw Error(ExitCode::runtime,
                fmt::format("{}: expected a whole number, read '{}'", what, text),
                "the state tables may have been edited by hand; check them with `migrate status`");
  return value;
}

}  // namespace migrate::core
