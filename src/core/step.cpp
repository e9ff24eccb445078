#include "core/step.hpp"

#include <fmt/format.h>

namespace migrate::core {

const char* to_string(Phase phase) {
  switch (phase) {
    case Phase::expand: return "expand";
    case Phase::contract: return "contract";
    case Phase::rollback: return "rollback";
    case Phase::down: return "down";
  }
  return "?";
}

std::string Step::origin() const {
  return line > 0 ? fmt::format("{}:{}", path, line) : path;
}

}  // namespace migrate::core
