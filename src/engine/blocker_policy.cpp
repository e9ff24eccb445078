#include "engine/database_types.hpp"

namespace migrate::engine {

bool BlockerPolicy::should_terminate(const Session& session) const {
  // Only sessions that sit idle inside a transaction are ever ended: an
  // active one is doing work someone is waiting for.
  return terminate_idle_after.count() > 0 && session.state == "idle in transaction" &&
         session.seconds_in_state * 1000 >= static_cast<double>(terminate_idle_after.count());
}

}  // namespace migrate::engine
