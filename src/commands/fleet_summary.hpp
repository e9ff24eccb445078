// What a fleet run found per target, and how it is shown at the end: a table
// with one line per target (or, with --json, one object) and the totals.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "commands/fleet.hpp"
#include "core/fleet/outcome.hpp"

namespace migrate::commands {

struct TargetResult {
  const core::Target* target = nullptr;
  std::string schema;  // the state schema it used
  core::TargetState state = core::TargetState::skipped;
  int exit_code = 0;
  std::string error;  // the message, passwords hidden; "" when none
  std::string hint;
  nlohmann::json result;  // the command's own JSON for this target, or null
  std::string output;     // what its reporter said
  std::chrono::milliseconds took{0};
  int wave = 0;  // 1-based; 0: never reached
};

struct FleetRun {
  std::string command;
  FleetKind kind = FleetKind::apply;
  std::vector<TargetResult> results;
  std::string stopped;  // why targets were skipped, or ""
  int exit_code = 0;
};

// The result column of one target: "ok", "failed (exit 3)", "interrupted", "skipped".
std::string result_text(const TargetResult& result);

// Its detail: where it is now, or the first line of its error.
std::string detail_text(const TargetResult& result);

void print_fleet_table(std::ostream& out, const FleetRun& run);
nlohmann::json fleet_json(const FleetRun& run);

}  // namespace migrate::commands
