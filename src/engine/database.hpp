// The Database seam: the mechanics the engine needs from PostgreSQL, named, and
// no policy. pg/ implements it over libpqxx, OfflineDatabase prints what would
// run (`--sql`), and the tests' in-memory twin passes the same contract suite.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/importers/foreign_state.hpp"
#include "core/importers/tool_state.hpp"
#include "core/revisions/applied_revision.hpp"
#include "engine/database_types.hpp"
#include "engine/state_change.hpp"

namespace migrate::engine {

class Database {
 public:
  virtual ~Database() = default;

  // --- migrate's state ---------------------------------------------------------
  // Whether the state schema exists, and its layout version.
  virtual StateLayout state_layout() = 0;
  // Every applied revision, without content (empty when there is no state yet).
  // Reads older layouts too: missing columns read as their defaults.
  virtual std::vector<core::AppliedRevision> read_applied() = 0;
  // What `status` reads: the layout, the applied revisions (refusing a layout
  // newer than this tool's, as engine::read_applied does), the lock holder and
  // the INVALID indexes. PostgreSQL answers it in one round trip when the state
  // is of this tool's layout; the default asks for each in turn. Of each
  // applied revision only the id, parents, checksum, phase, running phase and
  // steps done are sure to be read, in no particular order: read_applied()
  // has the rest (status asks for it when a revision is unknown).
  struct StatusReads {
    StateLayout layout;
    std::vector<core::AppliedRevision> applied;
    std::optional<LockHolder> holder;
    std::vector<InvalidIndex> invalid_indexes;
  };
  virtual StatusReads read_status(const std::string& schema);
  // The recorded file content of one applied revision ("" when unknown).
  virtual std::string read_content(const std::string& id) = 0;
  // Creates the state schema or brings its layout to this tool's version,
  // keeping every row (idempotent).
  virtual void create_state() = 0;
  // Other tools' state tables (with their newest version) and tables outside
  // system schemas and migrate's own: what a database migrate did not build holds.
  virtual core::ForeignState foreign_state() = 0;
  // Another tool's state table (core::state_table_of), read only: its name as
  // people read it and its records; nullopt when it does not exist.
  struct ToolStateTable {
    std::string shown;
    std::vector<core::ToolStateRow> rows;
  };
  virtual std::optional<ToolStateTable> tool_state(core::ImportTool tool) = 0;

  // Forgets what was read of the state schema, so that the next read asks the
  // server again (after another session took the lock and may have changed it).
  virtual void forget_state() = 0;

  // --- the migration lock ------------------------------------------------------
  // Takes the lock if it is free (or already this session's), and in the same
  // statement reads which backend ran it and whether pg_locks shows the lock
  // held by that backend.
  virtual LockAttempt try_lock() = 0;
  // Releases it; false when this session did not hold it (cleared by
  // `lock clear`, or taken on another server connection).
  virtual bool unlock() = 0;
  // The session holding the migration lock, if any (may be this one).
  virtual std::optional<LockHolder> lock_holder() = 0;
  // Records who holds the lock; does nothing while the state does not exist.
  virtual void write_holder(const HolderInfo& info) = 0;
  virtual void heartbeat() = 0;
  // Where the connection leads: the pid the server announced at start-up and
  // the backend that answers now (they differ behind a proxy such as PgBouncer,
  // which announces a pid of its own), and which server and database it is.
  virtual ConnectionRoute route() = 0;
  // Terminates a backend; true when it was signalled.
  virtual bool terminate(int pid) = 0;

  // --- the catalog -------------------------------------------------------------
  virtual bool table_exists(const TableName& table) = 0;
  // The primary key's columns in key order; empty when there is none.
  virtual std::vector<std::string> primary_key(const TableName& table) = 0;
  // True when the index (a schema-qualified, quoted name) exists and is invalid.
  virtual bool index_is_invalid(const std::string& index) = 0;
  // Which of `functions` (as a statement names them: "f" or "schema.f") are
  // VOLATILE functions outside pg_catalog, for lint: a column default that
  // calls one rewrites the table. Names it does not find are left out.
  virtual std::set<std::string> volatile_functions(const std::vector<std::string>& functions) = 0;

  // --- execution ---------------------------------------------------------------
  // Runs the batch: in one transaction that is rolled back on failure, or
  // statement by statement. Throws DatabaseError naming the failing statement.
  virtual void run(const Batch& batch) = 0;
  // Where a backfill of (revision, step) stopped, if it started.
  virtual std::optional<BackfillProgress> backfill_progress(const std::string& revision,
                                                            int step) = 0;
  // The keys a backfill walks: up to the largest key now, after `after`.
  virtual BackfillRange backfill_range(const BackfillTarget& target,
                                       const std::vector<std::string>& after) = 0;
  // One batch in its own transaction: updates the next rows after
  // batch.after and saves the new position with them.
  virtual BackfillBatchResult run_backfill_batch(const BackfillBatch& batch) = 0;

  // --- watching what blocks a batch ---------------------------------------------
  // While a batch waits, its blockers are noted (early enough to see them
  // within lock_timeout) and those the policy picks are terminated.
  virtual void set_blocker_policy(const BlockerPolicy& policy) = 0;
  // The sessions that blocked the last batch, and those terminated since the
  // last call (each list is cleared by the call).
  virtual std::vector<Session> take_blockers() = 0;
  virtual std::vector<Session> take_terminated() = 0;

  // --- the schema ------------------------------------------------------------
  // Every INVALID index outside the system schemas, by name.
  virtual std::vector<InvalidIndex> invalid_indexes() = 0;

  // True on a standby (pg_is_in_recovery()): the database is read-only there.
  virtual bool in_recovery() = 0;

  // The server's version as libpq reports it (150004 for 15.4); 0 when there
  // is no server (`--sql` without a database).
  virtual int server_version() = 0;

  // The host and port this connection reached and its TLS protocol; empty
  // when there is no server (`--sql` without a database).
  virtual Endpoint endpoint() = 0;
};

}  // namespace migrate::engine
