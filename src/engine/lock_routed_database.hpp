// A Database whose migration lock lives on a connection of its own
// (`--lock-url`): the advisory lock, the holder row, its heartbeat, `lock
// status` and `lock clear` go to the lock connection, which must be direct;
// everything else (reading and writing migrate's state, the revisions' SQL,
// backfills, catalog reads) goes to the main connection, which may go through
// a pooler, so that a revision and its state row still commit together.
#pragma once

#include <memory>

#include "engine/database.hpp"

namespace migrate::engine {

class LockRoutedDatabase : public Database {
 public:
  // Throws Error(runtime) when the two connections reach different databases.
  LockRoutedDatabase(std::unique_ptr<Database> main, std::unique_ptr<Database> lock);

  StateLayout state_layout() override { return m_main->state_layout(); }
  std::vector<core::AppliedRevision> read_applied() override { return m_main->read_applied(); }
  std::string read_content(const std::string& id) override { return m_main->read_content(id); }
  void create_state() override { m_main->create_state(); }
  core::ForeignState foreign_state() override { return m_main->foreign_state(); }
  std::optional<ToolStateTable> tool_state(core::ImportTool tool) override {
    return m_main->tool_state(tool);
  }
  void forget_state() override {
    m_main->forget_state();
    m_lock->forget_state();
  }

  // Taking the lock forgets the main connection's reading of the state: the
  // previous holder may have changed it.
  LockAttempt try_lock() override;
  bool unlock() override { return m_lock->unlock(); }
  std::optional<LockHolder> lock_holder() override { return m_lock->lock_holder(); }
  void write_holder(const HolderInfo& info) override { m_lock->write_holder(info); }
  void heartbeat() override { m_lock->heartbeat(); }
  // The lock connection's: it is the one that must be direct.
  ConnectionRoute route() override { return m_lock->route(); }
  bool terminate(int pid) override { return m_lock->terminate(pid); }

  bool table_exists(const TableName& table) override { return m_main->table_exists(table); }
  std::vector<std::string> primary_key(const TableName& table) override {
    return m_main->primary_key(table);
  }
  bool index_is_invalid(const std::string& index) override {
    return m_main->index_is_invalid(index);
  }

  // A batch outside a transaction sets lock_timeout and statement_timeout for
  // the session; through a proxy that setting can land on a server connection
  // the application uses next, and the statement on another. Refused then
  // (DatabaseError, SQLSTATE 0A000), before anything is sent.
  void run(const Batch& batch) override;
  std::optional<BackfillProgress> backfill_progress(const std::string& revision,
                                                    int step) override {
    return m_main->backfill_progress(revision, step);
  }
  BackfillRange backfill_range(const BackfillTarget& target,
                               const std::vector<std::string>& after) override {
    return m_main->backfill_range(target, after);
  }
  BackfillBatchResult run_backfill_batch(const BackfillBatch& batch) override {
    return m_main->run_backfill_batch(batch);
  }

  void set_blocker_policy(const BlockerPolicy& policy) override {
    m_main->set_blocker_policy(policy);
  }
  std::vector<Session> take_blockers() override { return m_main->take_blockers(); }
  std::vector<Session> take_terminated() override { return m_main->take_terminated(); }
  std::vector<InvalidIndex> invalid_indexes() override { return m_main->invalid_indexes(); }
  std::set<std::string> volatile_functions(const std::vector<std::string>& functions) override {
    return m_main->volatile_functions(functions);
  }
  bool in_recovery() override { return m_main->in_recovery(); }
  int server_version() override { return m_main->server_version(); }
  Endpoint endpoint() override { return m_main->endpoint(); }

 private:
  std::unique_ptr<Database> m_main;
  std::unique_ptr<Database> m_lock;
  bool m_main_direct = false;
};

}  // namespace migrate::engine
