// `--sql` mode as an implementation of the Database seam: state is read from a
// real database when one is given (else the database is taken to be empty), and
// everything that would change the database is printed instead of run, as a
// script psql runs with the same effect.
#pragma once

#include <ostream>

#include "engine/database.hpp"
#include "engine/state_sql.hpp"

namespace migrate::engine {

class OfflineDatabase : public Database {
 public:
  // `reads` may be null: no database, nothing applied.
  OfflineDatabase(std::ostream& out, Database* reads, const StateSql& state);

  StateLayout state_layout() override;
  std::vector<core::AppliedRevision> read_applied() override;
  std::string read_content(const std::string& id) override;
  void create_state() override;

  core::ForeignState foreign_state() override;
  std::optional<ToolStateTable> tool_state(core::ImportTool tool) override;
  // No server, no lock: nothing of a lock or a route to report.
  void forget_state() override {}
  LockAttempt try_lock() override { return {true, 0, false}; }
  bool unlock() override { return true; }
  std::optional<LockHolder> lock_holder() override { return std::nullopt; }
  void write_holder(const HolderInfo&) override {}
  void heartbeat() override {}
  ConnectionRoute route() override { return {}; }
  bool in_recovery() override { return false; }
  bool terminate(int) override { return false; }

  // Read from the database when there is one. Without one, a table is taken
  // to exist, and its primary key cannot be known: printing a backfill refuses.
  bool table_exists(const TableName& table) override;
  std::vector<std::string> primary_key(const TableName& table) override;
  bool index_is_invalid(const std::string&) override { return false; }
  std::set<std::string> volatile_functions(const std::vector<std::string>& functions) override;

  void run(const Batch& batch) override;
  // The printed loop resumes from the saved position by itself.
  std::optional<BackfillProgress> backfill_progress(const std::string&, int) override {
    return std::nullopt;
  }
  // Unknown in advance: the printed loop finds the end.
  BackfillRange backfill_range(const BackfillTarget&, const std::vector<std::string>&) override {
    return {{}, -1};
  }
  // Prints every batch of the backfill as one loop; reports no rows picked,
  // since nothing ran.
  BackfillBatchResult run_backfill_batch(const BackfillBatch& batch) override;

  void set_blocker_policy(const BlockerPolicy&) override {}
  std::vector<Session> take_blockers() override { return {}; }
  std::vector<Session> take_terminated() override { return {}; }
  std::vector<InvalidIndex> invalid_indexes() override { return {}; }
  int server_version() override { return m_reads ? m_reads->server_version() : 0; }
  Endpoint endpoint() override { return m_reads ? m_reads->endpoint() : Endpoint{}; }

 private:
  std::ostream& m_out;
  Database* m_reads;
  const StateSql& m_state;
};

}  // namespace migrate::engine
