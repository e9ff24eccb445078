#include "engine/interruption.hpp"

#include "core/error.hpp"

namespace migrate::engine {

std::atomic<bool> g_interrupted{false};

void stop_if_interrupted() {
  if (g_interrupted)
    throw Error(ExitCode::interrupted, "interrupted: stopped cleanly between steps",
                "run the same command again to continue; `migrate status` shows where it stopped");
}

}  // namespace migrate::engine
