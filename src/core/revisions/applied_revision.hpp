// What the database records about one applied revision. Read by the database
// layer, reasoned about by the core (status, plans), so it lives here.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/step.hpp"

namespace migrate::core {

enum class AppliedPhase {
  in_progress,  // a phase started outside a single transaction and has not finished
  expanded,     // upgrade ran; the contract phase has not
  complete,     // nothing left to run
};

const char* to_string(AppliedPhase phase);
// The phase to_string() names; nullopt for any other text.
std::optional<AppliedPhase> applied_phase_named(std::string_view name);

struct AppliedRevision {
  std::string id;
  std::vector<std::string> parents;
  std::string message;
  std::string checksum;
  AppliedPhase phase = AppliedPhase::complete;
  std::string applied_at;  // ISO 8601 text as the database prints it
  std::string applied_by;  // database user @ client host
  long duration_ms = 0;
  std::string tool_version;
  std::string source;   // git describe or --source label; may be empty
  std::string content;  // the file as applied
  std::string path;     // the file name as applied
  // While in_progress: which phase runs and how many of its steps completed.
  std::optional<Phase> running_phase;
  int steps_done = 0;
  std::string note;  // overrides used (--ignore-unknown, checksum updates)
};

}  // namespace migrate::core
