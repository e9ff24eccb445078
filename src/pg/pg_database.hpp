// The Database seam over a real PostgreSQL, through libpqxx. The only place
// that includes <pqxx/pqxx>.
#pragma once

#include <memory>
#include <string>

#include "engine/database.hpp"
#include "engine/state_sql.hpp"

namespace migrate::pg {

class BlockerWatch;

class PgDatabase : public engine::Database {
 public:
  // Connects and sets application_name. Throws Error(runtime) with libpq's
  // reason (never the password) when the connection fails.
  PgDatabase(const std::string& connection_string, const std::string& application_name,
             const engine::StateSql& state);
  ~PgDatabase() override;

  std::vector<core::AppliedRevision> read_applied() override;
  std::string read_content(const std::string& id) override;
  bool state_needs_layout() override;
  void ensure_state() override;

  bool try_lock() override;
  void unlock() override;
  std::optional<engine::LockHolder> lock_holder() override;
  void write_holder(const engine::HolderInfo& info) override;
  void heartbeat() override;
  int backend_pid() override;
  bool through_proxy() override;
  bool terminate(int pid) override;

  std::vector<Row> run(const engine::Batch& batch) override;
  std::vector<Row> query(const std::string& sql) override;
  void set_blocker_policy(std::chrono::milliseconds lock_timeout,
                          std::chrono::milliseconds terminate_idle_after) override;
  std::vector<engine::Session> take_blockers() override;
  std::vector<engine::Session> take_terminated() override;
  int server_version() override;

  // True when the state schema's tables exist.
  bool state_exists();

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

// The SQL that lists sessions (pid, application, user, client, state,
// backend_start, state_change, seconds in state, query) from pg_stat_activity
// aliased `a`; shared by the lock holder, blocker and lock commands.
std::string session_columns();

}  // namespace migrate::pg
