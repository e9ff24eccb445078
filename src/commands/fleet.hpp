// Fleet mode (`--targets`): one command over many databases, `parallel` at a
// time, in waves (canary first), each target with its own connection, lock,
// state and captured output; the run stops after a wave with too many
// failures, and starts no new target after SIGINT/SIGTERM.
#pragma once

#include <cstdio>
#include <functional>
#include <vector>

#include "commands/environment.hpp"
#include "core/fleet/targets.hpp"

namespace migrate::commands {

// What each target runs, which decides the columns of the summary: apply
// (upgrade, contract) runs in waves and stops on failures; status and lock
// status read every target.
enum class FleetKind { apply, status, lock_status };

// Whether each target's own output (what it applied, what it waited for) is
// printed as a block on stderr when it finishes, or only when it failed.
enum class FleetBlocks { failures, all };

struct FleetOptions {
  std::vector<core::Target> targets;
  int parallel = 4;
  size_t canary = 0;
  int wave_percent = 100;
  size_t max_failures = 0;
  FleetBlocks blocks = FleetBlocks::failures;
  std::FILE* live = nullptr;  // a terminal to redraw the live line on; null: none
};

// Runs `action` (run_upgrade, run_status, ...) once per target, each in an
// Environment of its own whose results are JSON in a buffer, then prints
// the summary (a table, or with --json one object with every target). The
// revision files are read once, before any connection. Returns 0 when every
// target succeeded, else the worst target's exit code (core/fleet/outcome).
// Throws Error(usage) for bad options and InvalidFilesError for the files.
int run_fleet(Environment& env, const FleetOptions& options, FleetKind kind,
              const std::function<int(Environment&)>& action);

}  // namespace migrate::commands
