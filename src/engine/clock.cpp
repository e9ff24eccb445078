#include "engine/clock.hpp"

#include <thread>

namespace migrate::engine {

Clock::time_point SystemClock::now() { return std::chrono::steady_clock::now(); }

void SystemClock::sleep(std::chrono::milliseconds duration) {
  std::this_thread::sleep_for(duration);
}

}  // namespace migrate::engine
