// A signal asks the run to stop: the handler sets the flag, and the engine
// looks at it between steps, batches and lock polls.
#pragma once

#include <atomic>

namespace migrate::engine {

// Set by the signal handler (SIGINT, SIGTERM).
extern std::atomic<bool> g_interrupted;

// Throws Error(interrupted) when a signal arrived.
void stop_if_interrupted();

}  // namespace migrate::engine
