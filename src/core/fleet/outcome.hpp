// What happened to each target of a fleet run, and the one exit code that
// sums the run up: 0 when every target succeeded, else the worst outcome's.
#pragma once

#include <string>
#include <vector>

namespace migrate::core {

enum class TargetState { succeeded, failed, skipped };

struct TargetOutcome {
  TargetState state = TargetState::skipped;
  int exit_code = 0;  // the target's own code; 0 unless failed
};

// Worst first: interrupted (130), usage or invalid input (2), the refusals a
// person must resolve (8, 3, 6, 4, 7, 10), a runtime failure (1), the lock
// not acquired (5: a rerun may succeed), pending revisions (9). A code not in
// the list ranks below them all.
int exit_code_rank(int exit_code);

// 0 when no target failed; otherwise the worst failed target's code. Skipped
// targets do not count: the failure that stopped the run does.
int summarize_exit_code(const std::vector<TargetOutcome>& outcomes);

// Whether the run stops after a wave: a failure in the canary wave always
// stops it; after that, more than `max_failures` failures in all.
bool stop_after_wave(bool canary_wave, size_t wave_failures, size_t total_failures,
                     size_t max_failures);

}  // namespace migrate::core
