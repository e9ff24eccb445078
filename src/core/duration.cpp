#include "core/duration.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdlib>

#include "core/error.hpp"

namespace migrate::core {

Milliseconds parse_duration(const std::string& text, const std::string& what) {
  const char* begin = text.c_str();
  char* end = nullptr;
  double value = std::strtod(begin, &end);
  std::string unit(end);
  double factor = 0;
  if (unit.empty() || unit == "s")
    factor = 1000;
  else if (unit == "ms")
    factor = 1;
  else if (unit == "m" || unit == "min")
    factor = 60'000;
  else if (unit == "h")
    factor = 3'600'000;
  // A week is far beyond any sensible wait; refusing more also keeps the
  // conversion to milliseconds well inside 64 bits.
  if (end == begin || factor == 0 || value < 0 || !std::isfinite(value) ||
      value * factor > 7 * 86'400'000.0)
    throw usage_error(fmt::format("{}: '{}' is not a duration", what, text),
                      "write durations like 500ms, 2s, 5m or 1h (at most a week)");
  return Milliseconds(static_cast<long long>(std::llround(value * factor)));
}

std::string format_duration(Milliseconds duration) {
  long long ms = duration.count();
  if (ms < 1000) return fmt::format("{}ms", ms);
  if (ms < 60'000) return fmt::format("{}.{}s", ms / 1000, (ms % 1000) / 100);
  return fmt::format("{}m{:02}s", ms / 60'000, (ms % 60'000) / 1000);
}

}  // namespace migrate::core
