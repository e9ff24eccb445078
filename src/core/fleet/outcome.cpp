#include "core/fleet/outcome.hpp"

#include <algorithm>

namespace migrate::core {

int exit_code_rank(int exit_code) {
  static const int k_worst_first[] = {130, 2, 8, 3, 6, 4, 7, 10, 1, 5, 9};
  const int count = static_cast<int>(std::size(k_worst_first));
  for (int i = 0; i < count; ++i)
    if (k_worst_first[i] == exit_code) return count - i;
  return 0;
}

int summarize_exit_code(const std::vector<TargetOutcome>& outcomes) {
  int worst = 0;
  for (const auto& outcome : outcomes) {
    if (outcome.state != TargetState::failed) continue;
    if (worst == 0 || exit_code_rank(outcome.exit_code) > exit_code_rank(worst))
      worst = outcome.exit_code;
  }
  return worst;
}

bool stop_after_wave(bool canary_wave, size_t wave_failures, size_t total_failures,
                     size_t max_failures) {
  if (canary_wave && wave_failures > 0) return true;
  return total_failures > max_failures;
}

}  // namespace migrate::core
