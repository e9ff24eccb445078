#include "engine/connect_wait.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/connection_string.hpp"
#include "core/duration.hpp"

namespace migrate::engine {

using std::chrono::milliseconds;

std::unique_ptr<Database> connect_waiting(const std::function<std::unique_ptr<Database>()>& connect,
                                          Clock& clock, Reporter& reporter, milliseconds wait) {
  const auto deadline = clock.now() + wait;
  bool said = false;
  for (;;) {
    try {
      return connect();
    } catch (const Error& error) {
      if (wait.count() == 0 || !core::may_answer_later(error.what())) throw;
      const auto now = clock.now();
      if (now >= deadline)
        throw Error(error.code(),
                    fmt::format("no answer after waiting {}: {}", core::format_duration(wait),
                                error.what()),
                    fmt::format("the database did not answer within --wait {}; {}",
                                core::format_duration(wait), error.hint()));
      if (!said)
        reporter.info(fmt::format("waiting up to {} for the database to answer ({})",
                                  core::format_duration(wait), error.what()));
      said = true;
      clock.sleep(std::min<milliseconds>(k_connect_retry_every,
                                         std::chrono::duration_cast<milliseconds>(deadline - now)));
    }
  }
}

}  // namespace migrate::engine
