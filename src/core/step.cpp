#include "core/step.hpp"

#include <fmt/format.h>

namespace migrate::core {

const char* to_string(Phase phase) {
  switch (phase) {
    case Phase::expand:
      return "expand";
    case Phase::contract:
      return "contract";
    case Phase::rollback:
      return "rollback";
    case Phase::down:
      return "down";
  }
  return "?";
}

std::optional<Phase> phase_named(std::string_view name) {
  for (Phase phase : {Phase::expand, Phase::contract, Phase::rollback, Phase::down})
    if (name == to_string(phase)) return phase;
  return std::nullopt;
}

std::string Step::origin() const { return line > 0 ? fmt::format("{}:{}", path, line) : path; }

}  // namespace migrate::core
