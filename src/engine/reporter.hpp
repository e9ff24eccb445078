// The Reporter seam: what the engine tells the user while it works. Text on a
// terminal, plain lines in CI, only warnings with -q; results go elsewhere (stdout).
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "core/step.hpp"
#include "engine/database_types.hpp"

namespace migrate::engine {

class Reporter {
 public:
  virtual ~Reporter() = default;

  virtual void info(const std::string& text) = 0;
  virtual void warning(const std::string& text) = 0;
  // A lint finding (already formatted) met before a run; shown even with -q,
  // like warnings.
  virtual void lint_finding(const std::string& text) = 0;

  virtual void revision_started(const std::string& id, const std::string& message,
                                core::Phase phase) = 0;
  virtual void revision_finished(const std::string& id, core::Phase phase,
                                 std::chrono::milliseconds took) = 0;

  virtual void lock_waiting(const std::optional<LockHolder>& holder,
                            std::chrono::milliseconds waited) = 0;
  // A step could not get its table lock within lock_timeout and will be retried.
  virtual void lock_retry(const core::Step& step, int attempt, const std::vector<Session>& blockers,
                          std::chrono::milliseconds backoff) = 0;
  virtual void blocker_terminated(const Session& session) = 0;

  virtual void backfill_progress(const std::string& table, long long done, long long total,
                                 std::chrono::milliseconds elapsed, bool finished) = 0;
};

// A query on one line, whitespace folded, cut to `max` characters.
std::string query_summary(const std::string& query, size_t max = 120);

// "pid 4242 (app v1 @10.0.0.7, idle in transaction for 12.0s): UPDATE users ..."
std::string describe_session(const Session& session);

}  // namespace migrate::engine
