// `--sql` mode as an implementation of the Database seam: state is read from a
// real database when one is given (else the database is taken to be empty), and
// everything that would change the database is printed instead of run.
#pragma once

#include <ostream>

#include "engine/database.hpp"

namespace migrate::engine {

class OfflineDatabase : public Database {
 public:
  // `reads` may be null: no database, nothing applied. `layout_sql` creates
  // the state schema; it is printed when the database has no state yet.
  OfflineDatabase(std::ostream& out, Database* reads, std::vector<std::string> layout_sql);

  std::vector<core::AppliedRevision> read_applied() override;
  std::string read_content(const std::string& id) override;
  bool state_needs_layout() override;
  void ensure_state() override;
  bool try_lock() override { return true; }
  void unlock() override {}
  std::optional<LockHolder> lock_holder() override { return std::nullopt; }
  void write_holder(const HolderInfo&) override {}
  void heartbeat() override {}
  int backend_pid() override { return 0; }
  bool terminate(int) override { return false; }
  std::vector<Row> run(const Batch& batch) override;
  std::vector<Row> query(const std::string& sql) override;
  void set_blocker_policy(std::chrono::milliseconds, std::chrono::milliseconds) override {}
  std::vector<Session> take_blockers() override { return {}; }
  std::vector<Session> take_terminated() override { return {}; }
  bool offline() const override { return true; }
  int server_version() override { return m_reads ? m_reads->server_version() : 0; }

 private:
  std::ostream& m_out;
  Database* m_reads;
  std::vector<std::string> m_layout_sql;
};

}  // namespace migrate::engine
