// An in-memory twin of the Database seam, for fast tests of the engine and
// the commands: migrate's state in maps, the migration lock shared by the
// sessions of one MemoryServer, tables known by name and row count, and the
// revisions' SQL recorded rather than run. A test makes a statement fail with
// a SQLSTATE of its choosing. The twin passes the same contract suite as
// PgDatabase (tests/support/database_contract.hpp), so it cannot drift.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "engine/database.hpp"

namespace migrate::testing {

// One database server: what every MemoryDatabase session on it sees.
struct MemoryServer {
  struct Table {
    std::vector<std::string> key;  // primary key columns; empty: none
    long long rows = 0;            // keys 1..rows
  };
  // A statement containing `text` fails with `sqlstate`, `times` times (-1:
  // always), after `pass` such statements went through.
  struct Failure {
    std::string text;
    std::string sqlstate;
    int times = -1;
    int pass = 0;
  };
  struct State {
    engine::StateLayout layout;
    std::vector<core::AppliedRevision> revisions;  // in the order they were first recorded
    std::vector<engine::state::Event> events;
    std::map<std::pair<std::string, int>, engine::BackfillProgress> backfills;
    std::map<int, engine::HolderInfo> holders;  // by pid
  };

  State state;
  std::map<std::string, Table> tables;  // "schema.name"
  std::set<std::string> invalid_indexes;
  // VOLATILE user functions, as "schema.name".
  std::set<std::string> volatile_functions;
  // What the database holds besides migrate's state (other tools' tables, plain tables).
  core::ForeignState foreign;
  std::vector<Failure> failures;
  // Every statement of the revisions that took effect (committed), in order.
  std::vector<std::string> executed;
  int lock_pid = 0;  // the session holding the migration lock; 0: free
  int lock_depth = 0;
  // Each session's application_name (migrate's own form unless a test says otherwise).
  std::map<int, std::string>
      application_names;  // how many times it took it (each unlock undoes one, as in PostgreSQL)
  int next_pid = 1000;
  // Simulates a proxy (PgBouncer): the pid announced at start-up is not the backend's.
  bool pooled = false;
  // Which server and database this is, as ConnectionRoute::server says it.
  std::string name = "memory";
  // A standby: pg_is_in_recovery() is true.
  bool standby = false;
  // Where a connection to it arrives, as endpoint() says it.
  engine::Endpoint endpoint{"memory", "5432", ""};

  const core::AppliedRevision* find(const std::string& id) const;
};

class MemoryDatabase : public engine::Database {
 public:
  explicit MemoryDatabase(MemoryServer& server);
  // Ending the session releases the lock, as in PostgreSQL.
  ~MemoryDatabase() override;

  int pid() const { return m_pid; }
  // This one connection goes through a proxy (the server's other sessions may not).
  bool proxied = false;

  engine::StateLayout state_layout() override;
  std::vector<core::AppliedRevision> read_applied() override;
  std::string read_content(const std::string& id) override;
  void create_state() override;

  void forget_state() override {}
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
  std::vector<engine::InvalidIndex> invalid_indexes() override;
  core::ForeignState foreign_state() override;
  bool in_recovery() override { return m_server.standby; }
  int server_version() override { return 150000; }
  engine::Endpoint endpoint() override { return m_server.endpoint; }
  std::optional<ToolStateTable> tool_state(core::ImportTool) override { return std::nullopt; }

  void run(const engine::Batch& batch) override;
  std::optional<engine::BackfillProgress> backfill_progress(const std::string& revision,
                                                            int step) override;
  engine::BackfillRange backfill_range(const engine::BackfillTarget& target,
                                       const std::vector<std::string>& after) override;
  engine::BackfillBatchResult run_backfill_batch(const engine::BackfillBatch& batch) override;

  void set_blocker_policy(const engine::BlockerPolicy& policy) override { m_policy = policy; }
  std::vector<engine::Session> take_blockers() override { return {}; }
  std::vector<engine::Session> take_terminated() override { return {}; }

 private:
  // Applies one statement to `state`; throws DatabaseError(index) when a failure rule matches.
  void apply(const engine::Statement& statement, MemoryServer::State& state,
             std::vector<std::string>& executed, int index);
  void check_failure(const std::string& text, int index);

  MemoryServer& m_server;
  int m_pid;
  engine::BlockerPolicy m_policy;
};

}  // namespace migrate::testing
