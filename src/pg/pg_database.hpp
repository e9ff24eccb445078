// The Database seam over a real PostgreSQL, through libpqxx. The only place
// that includes <pqxx/pqxx>. Mechanism only: the SQL of migrate's own tables
// comes from engine::StateSql, and every libpqxx failure leaves here as
// migrate's own errors (DatabaseError with its SQLSTATE, ConnectionLostError).
#pragma once

#include <memory>
#include <string>

#include "engine/database.hpp"
#include "engine/state_sql.hpp"

namespace migrate::pg {

class PgDatabase : public engine::Database {
 public:
  // Connects and sets application_name. Throws Error(runtime) with libpq's
  // reason (never the password) when the connection fails.
  PgDatabase(const std::string& connection_string, const std::string& application_name,
             const engine::StateSql& state);
  ~PgDatabase() override;

  engine::StateLayout state_layout() override;
  StatusReads read_status(const std::string& schema) override;
  std::vector<core::AppliedRevision> read_applied() override;
  std::string read_content(const std::string& id) override;
  void create_state() override;
  core::ForeignState foreign_state() override;
  std::optional<ToolStateTable> tool_state(core::ImportTool tool) override;

  void forget_state() override;
  engine::LockAttempt try_lock() override;
  bool unlock() override;
  std::optional<engine::LockHolder> lock_holder() override;
  void write_holder(const engine::HolderInfo& info) override;
  void heartbeat() override;
  engine::ConnectionRoute route() override;
  bool terminate(int pid) override;

  bool table_exists(const engine::TableName& table) override;
  std::vector<std::string> primary_key(const engine::TableName& table) override;
  bool index_is_invalid(const std::string& index) override;
  std::set<std::string> volatile_functions(const std::vector<std::string>& functions) override;

  void run(const engine::Batch& batch) override;
  std::optional<engine::BackfillProgress> backfill_progress(const std::string& revision,
                                                            int step) override;
  engine::BackfillRange backfill_range(const engine::BackfillTarget& target,
                                       const std::vector<std::string>& after) override;
  engine::BackfillBatchResult run_backfill_batch(const engine::BackfillBatch& batch) override;

  void set_blocker_policy(const engine::BlockerPolicy& policy) override;
  std::vector<engine::InvalidIndex> invalid_indexes() override;
  std::vector<engine::Session> take_blockers() override;
  std::vector<engine::Session> take_terminated() override;
  bool in_recovery() override;
  int server_version() override;
  engine::Endpoint endpoint() override;

 private:
  // The holder from the rows of the lock holder query (reading its holder row).
  std::optional<engine::LockHolder> holder_from(const std::vector<engine::Row>& rows);

  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

// The SQL that lists sessions (pid, application, user, client, state,
// backend_start, state_change, seconds in state, query) from pg_stat_activity
// aliased `a`; shared by the lock holder and the blocker watch.
std::string session_columns();

}  // namespace migrate::pg
