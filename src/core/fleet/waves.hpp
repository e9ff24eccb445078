// How a fleet run is cut into waves, as a canary deploy is: the canary
// targets first, then a share of the rest per wave.
#pragma once

#include <cstddef>
#include <vector>

namespace migrate::core {

struct WavePlan {
  size_t canary = 0;       // targets in the first wave alone (0: no canary wave)
  int wave_percent = 100;  // of the targets after the canary, per wave (1..100)
};

// The size of each wave, in order; they add up to `targets`. With a canary,
// the first wave holds min(canary, targets); each later wave holds
// ceil(rest * wave_percent / 100) targets (at least one), the last one what is
// left. Throws Error(usage) when wave_percent is outside 1..100.
std::vector<size_t> plan_waves(size_t targets, const WavePlan& plan);

}  // namespace migrate::core
