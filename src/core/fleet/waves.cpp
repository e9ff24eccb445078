#include "core/fleet/waves.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/error.hpp"

namespace migrate::core {

std::vector<size_t> plan_waves(size_t targets, const WavePlan& plan) {
  if (plan.wave_percent < 1 || plan.wave_percent > 100)
    throw usage_error(fmt::format("--wave {}: a wave is 1 to 100 percent of the targets after "
                                  "the canary",
                                  plan.wave_percent),
                      "use --wave 25 for four waves after the canary, or leave it out for one");
  std::vector<size_t> waves;
  size_t canary = std::min(plan.canary, targets);
  if (canary > 0) waves.push_back(canary);
  size_t rest = targets - canary;
  if (rest == 0) return waves;
  // Rounded up, so that 100/wave_percent waves at most cover the rest.
  size_t per_wave = std::max<size_t>(1, (rest * static_cast<size_t>(plan.wave_percent) + 99) / 100);
  for (size_t left = rest; left > 0;) {
    size_t size = std::min(per_wave, left);
    waves.push_back(size);
    left -= size;
  }
  return waves;
}

}  // namespace migrate::core
