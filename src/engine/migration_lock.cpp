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

static Error proxied_connection_error(const ConnectionRoute& route) {
  return Error(ExitCode::runtime,
               fmt::format("the connection that would hold the migration lock goes through a proxy "
                           "(the server's backend pid {} is not the pid {} announced at start-up, "
                           "as with PgBouncer): migrate cannot prove that a session lock stays on "
                           "its own server connection, and took no lock",
                           route.backend_pid, route.announced_pid),
               "connect migrate directly to PostgreSQL, or keep this URL for the migration and "
               "name a direct connection for the lock with --lock-url URL; see docs/locks.md");
}

MigrationLock::MigrationLock(Database& database, Reporter& reporter, Clock& clock,
                             const LockOptions& options)
    : m_database(database), m_reporter(reporter) {
  using std::chrono::milliseconds;
  const auto start = clock.now();
  auto next_report = start;
  milliseconds pause = k_first_lock_poll;
  // Behind a proxy consecutive statements of one client session may land on
  // different server connections, so a session lock could be taken on one and
  // "released" on another, and stay held by a pooled connection. Whether the
  // proxy pools sessions or transactions cannot be seen from here: only a
  // connection proven direct (its backend is the one the server announced at
  // start-up) may take the lock. Decided before any lock is taken.
  const ConnectionRoute route = database.route();
  if (!route.direct()) throw proxied_connection_error(route);
  LockAttempt attempt;
  while (!(attempt = database.try_lock())) {
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
  if (!attempt.proven || attempt.pid != route.backend_pid) {
    bool released = database.unlock();
    throw Error(ExitCode::runtime,
                fmt::format("the migration lock was granted to backend {}, but pg_locks {} and the "
                            "connection's backend is {}: it cannot be held safely{}",
                            attempt.pid,
                            attempt.proven ? "shows it held there" : "does not show it held there",
                            route.backend_pid, released ? " (released)" : ""),
                "connect migrate directly to PostgreSQL, or name a direct connection for the lock "
                "with --lock-url URL; check `migrate lock status` directly against PostgreSQL");
  }
  // The holder row is written once the state tables exist (see write_holder).
  database.write_holder(options.holder);
}

MigrationLock::~MigrationLock() {
  try {
    if (!m_database.unlock())
      m_reporter.warning(
          "the migration lock was no longer held by this session when the command ended (cleared "
          "with `migrate lock clear`?); check `migrate status` and `migrate lock status`");
  } catch (...) {
    // Ending the session releases the lock anyway; never throw from here.
  }
}

}  // namespace migrate::engine
