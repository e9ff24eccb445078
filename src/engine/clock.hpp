// The Clock seam: time and waiting, so that the executor's and the lock's
// waits (backoff, polling, heartbeats, batch pauses) run instantly in tests.
#pragma once

#include <chrono>

namespace migrate::engine {

class Clock {
 public:
  using time_point = std::chrono::steady_clock::time_point;
  virtual ~Clock() = default;
  virtual time_point now() = 0;
  virtual void sleep(std::chrono::milliseconds duration) = 0;
};

// The machine's steady clock and real sleeps.
class SystemClock : public Clock {
 public:
  time_point now() override;
  void sleep(std::chrono::milliseconds duration) override;
};

}  // namespace migrate::engine
