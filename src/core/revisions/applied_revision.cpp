#include "core/revisions/applied_revision.hpp"

#include <stdexcept>

namespace migrate::core {

const char* to_string(AppliedPhase phase) {
  switch (phase) {
    case AppliedPhase::in_progress: return "in_progress";
    case AppliedPhase::expanded: return "expanded";
    case AppliedPhase::complete: return "complete";
  }
  return "?";
}

AppliedPhase applied_phase_from(const std::string& name) {
  if (name == "in_progress") return AppliedPhase::in_progress;
  if (name == "expanded") return AppliedPhase::expanded;
  if (name == "complete") return AppliedPhase::complete;
  throw std::invalid_argument("unknown phase '" + name + "' in the state table");
}

}  // namespace migrate::core
