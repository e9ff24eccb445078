// lock status and lock clear: who holds the migration lock, and releasing a
// stale one by terminating its backend — that backend and nothing else.
#include <fmt/format.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <sstream>

#include "commands/commands.hpp"
#include "commands/confirm.hpp"
#include "commands/json_document.hpp"
#include "commands/session_json.hpp"
#include "core/duration.hpp"
#include "engine/migration_lock.hpp"

namespace migrate::commands {

namespace {

constexpr int k_release_checks = 50;
constexpr std::chrono::milliseconds k_release_check_every{100};

void print_holder(std::ostream& out, const engine::LockHolder& holder) {
  const auto& s = holder.session;
  out << fmt::format("{:<12} {}\n", "pid", s.pid);
  out << fmt::format("{:<12} {}\n", "application",
                     s.application_name.empty() ? "-" : s.application_name);
  out << fmt::format("{:<12} {}@{}\n", "client", s.user, s.client);
  out << fmt::format("{:<12} {} (since {}, {:.0f}s)\n", "state", s.state, s.state_since,
                     s.seconds_in_state);
  out << fmt::format("{:<12} {}\n", "connected", s.backend_start);
  out << fmt::format("{:<12} {}\n", "query",
                     s.query.empty() ? "-" : engine::query_summary(s.query, 200));
  if (holder.has_row) {
    out << fmt::format("{:<12} migrate {} on {}\n", "command", holder.command, holder.host);
    out << fmt::format("{:<12} {}\n", "started", holder.started_at);
    out << fmt::format("{:<12} {}\n", "heartbeat", holder.heartbeat);
    if (!holder.ci_job.empty()) out << fmt::format("{:<12} {}\n", "ci job", holder.ci_job);
  }
}

}  // namespace

int run_lock_status(Environment& env) {
  auto database = env.connect();
  auto holder = database->lock_holder();
  // A standby's pg_locks shows its own sessions only, never the primary's.
  const bool standby = database->in_recovery();
  if (standby && !env.json())
    env.out() << "This database is a standby (read-only): the lock below is its own; ask the "
                 "primary who holds the migration lock there.\n";
  if (env.json()) {
    write_json(env,
               nlohmann::json{{"held", holder.has_value()},
                              {"standby", standby},
                              {"holder", holder ? holder_json(*holder) : nlohmann::json(nullptr)}});
    return 0;
  }
  if (!holder) {
    env.out() << "The migration lock is free.\n";
    return 0;
  }
  env.out() << "The migration lock is held by:\n";
  print_holder(env.out(), *holder);
  return 0;
}

int run_lock_clear(Environment& env, const LockClearOptions& options) {
  auto database = env.connect();
  auto holder = database->lock_holder();
  if (!holder) {
    if (env.json())
      write_json(env, {{"cleared", false}, {"held", false}, {"pid", nullptr}});
    else
      env.out() << "The migration lock is free; nothing to clear.\n";
    return 0;
  }
  const auto& session = holder->session;
  // With --json, stdout is the result; the holder is shown on stderr.
  std::ostringstream shown;
  shown << "The migration lock is held by:\n";
  print_holder(shown, *holder);
  if (env.json()) {
    std::string text = shown.str();
    env.reporter().info(text.substr(0, text.size() - 1));
  } else {
    env.out() << shown.str();
  }
  if (session.state == "active" && !options.force)
    throw Error(
        ExitCode::runtime,
        fmt::format("pid {} is running a statement right now; it is not stale", session.pid),
        "wait for it, or add --force if you are sure its run must be stopped");
  // A session that is not migrate's (no holder row, another application
  // name) holds the key: another tool, or someone's pg_advisory_lock by hand.
  const bool migrate_session =
      holder->has_row || session.application_name.rfind("migrate ", 0) == 0;
  if (!migrate_session && !options.force)
    throw Error(ExitCode::runtime,
                fmt::format("pid {} ({}, {}@{}) holds the migration lock's key but is not a "
                            "migrate run (no holder row, application name not migrate's)",
                            session.pid,
                            session.application_name.empty() ? "no application name"
                                                             : session.application_name,
                            session.user, session.client),
                fmt::format("find out what that session is doing with advisory lock ({}, {}) "
                            "before ending it; add --force to terminate it anyway",
                            engine::k_lock_class, engine::lock_key_for(env.schema())));
  // A migrate run between steps, retries or backfill batches is idle but
  // alive: its heartbeat says so.
  auto stale_after = core::parse_duration(options.stale_after, "--stale-after");
  if (holder->has_row && holder->heartbeat_age_seconds >= 0 && !options.force &&
      holder->heartbeat_age_seconds * 1000 < static_cast<double>(stale_after.count()))
    throw Error(
        ExitCode::runtime,
        fmt::format("pid {} is a migrate run whose heartbeat is {:.0f}s old (younger than "
                    "--stale-after {}): it "
                    "is alive, not stale",
                    session.pid, holder->heartbeat_age_seconds, core::format_duration(stale_after)),
        "wait for it, or add --force if you are sure its run must be stopped");
  if (!options.yes &&
      !confirm(env, "lock clear",
               fmt::format("Terminate backend {} to release the lock?", session.pid))) {
    if (env.json())
      write_json(env, {{"cleared", false}, {"held", true}, {"pid", session.pid}});
    else
      env.out() << "Left the lock alone.\n";
    return 0;
  }
  // Terminate only if that very backend still holds the lock.
  auto current = database->lock_holder();
  if (!current || current->session.pid != session.pid) {
    if (env.json())
      write_json(env, {{"cleared", false},
                       {"held", current.has_value()},
                       {"pid", current ? nlohmann::json(current->session.pid) : nullptr}});
    else
      env.out() << "The lock changed hands meanwhile; nothing was terminated. Run `migrate lock "
                   "status`.\n";
    return 0;
  }
  if (!database->terminate(session.pid))
    throw Error(
        ExitCode::runtime, fmt::format("could not terminate backend {}", session.pid),
        "the database user needs pg_signal_backend or superuser, or the same role as the holder");
  // The backend takes a moment to exit and release its locks.
  for (int i = 0; i < k_release_checks; ++i) {
    auto after = database->lock_holder();
    if (!after || after->session.pid != session.pid) break;
    env.clock().sleep(k_release_check_every);
  }
  std::string detail = fmt::format("terminated pid {} ({}; {}@{}; state {}){}", session.pid,
                                   session.application_name, session.user, session.client,
                                   session.state, options.force ? " with --force" : "");
  if (database->state_layout().exists)
    database->run({{engine::state::Event{"lock-clear", "", detail}}, true});
  if (env.json())
    write_json(env, {{"cleared", true}, {"held", false}, {"pid", session.pid}});
  else
    env.out() << fmt::format("Terminated backend {}; the migration lock is released (recorded).\n",
                             session.pid);
  return 0;
}

}  // namespace migrate::commands
