#include "core/revisions/applied_revision.hpp"

namespace migrate::core {

const char* to_string(AppliedPhase phase) {
  switch (phase) {
    case AppliedPhase::in_progress:
      return "in_progress";
    case AppliedPhase::expanded:
      return "expanded";
    case AppliedPhase::complete:
      return "complete";
  }
  return "?";
}

std::optional<AppliedPhase> applied_phase_named(std::string_view name) {
  if (name == "in_progress") return AppliedPhase::in_progress;
  if (name == "expanded") return AppliedPhase::expanded;
  if (name == "complete") return AppliedPhase::complete;
  return std::nullopt;
}

}  // namespace migrate::core
