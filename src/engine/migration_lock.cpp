#include "engine/migration_lock.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/duration.hpp"
#include "core/identifier.hpp"
#include "engine/interruption.hpp"

namespace migrate::engine {

int32_t lock_key_for(const std::string& schema) {
  return static_cast<int32_t>(core::fnv1a(schema));
}

static std::string holder_text(const std::optional<LockHolder>& holder) {
  if (!holder) return "a session that has just released it";
  std::string text = describe_session(holder->session);
  if (holder->has_row) {
    text += fmt::format("; running `migrate {}` on {} since {}", holder->command, holder->host,
                        holder->started_at);
    if (!holder->ci_job.empty()) text += fmt::format(" (CI job {})", holder->ci_job);
  }
  return text;
}

static Error pooled_connection_error() {
  return Error(ExitCode::runtime,
               "the database connection changes backend between statements (a transaction-pooling "
               "proxy such "
               "as PgBouncer?): the migration lock cannot be held safely",
               "connect migrate directly to PostgreSQL (or through a session-pooling port); see "
               "docs/locks.md");
}

MigrationLock::MigrationLock(Database& database, Reporter& reporter, Clock& clock,
                             const LockOptions& options)
    : m_database(database) {
  using std::chrono::milliseconds;
  const auto start = clock.now();
  auto next_report = start;
  milliseconds pause = k_first_lock_poll;
  // Behind a transaction-pooling proxy (PgBouncer), consecutive statements of
  // one client session land on different backends, so a session lock would be
  // taken on one backend and "released" on another. Look before locking, so
  // that no lock is left behind on a pooled backend, and again after.
  int pid_before = database.backend_pid();
  if (database.backend_pid() != pid_before) throw pooled_connection_error();
  while (!database.try_lock()) {
    if (g_interrupted)
      throw Error(ExitCode::interrupted,
                  "interrupted while waiting for the migration lock; nothing was changed");
    auto waited = std::chrono::duration_cast<milliseconds>(clock.now() - start);
    if (waited >= options.wait) {
      throw Error(
          ExitCode::lock_not_acquired,
          fmt::format("the migration lock was not acquired within {}: it is held by {}",
                      core::format_duration(options.wait), holder_text(database.lock_holder())),
          "wait for that run to finish, raise --lock-wait, or if it is stale (its runner is gone) "
          "check `migrate lock status` and run `migrate lock clear`");
    }
    if (clock.now() >= next_report) {
      reporter.lock_waiting(database.lock_holder(), waited);
      next_report = clock.now() + options.report_every;
    }
    auto left = options.wait - waited;
    clock.sleep(std::min<milliseconds>(pause, left));
    pause = std::min<milliseconds>(pause * 2, k_max_lock_poll);
  }
  int pid_after = database.backend_pid();
  auto holder = database.lock_holder();
  if (pid_before != pid_after || !holder || holder->session.pid != pid_after) {
    database.unlock();
    throw pooled_connection_error();
  }
  if (database.through_proxy())
    reporter.warning(
        "connected through a proxy (the backend is not the one the connection started with): if it "
        "pools "
        "transactions (PgBouncer pool_mode=transaction), the migration lock is not safe; connect "
        "directly or "
        "through session pooling (docs/locks.md)");
  // The holder row is written once the state tables exist (see write_holder).
  database.write_holder(options.holder);
}

MigrationLock::~MigrationLock() {
  try {
    m_database.unlock();
  } catch (...) {
    // Ending the session releases the lock anyway; never throw from here.
  }
}

}  // namespace migrate::engine
