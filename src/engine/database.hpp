// The Database seam: the mechanics the engine needs from PostgreSQL, and no
// policy. The real implementation lives in pg/; `--sql` mode uses
// OfflineDatabase, which prints instead of executing.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/revisions/applied_revision.hpp"
#include "core/error.hpp"

namespace migrate::engine {

// A backend session as pg_stat_activity shows it.
struct Session {
  int pid = 0;
  std::string application_name;
  std::string user;
  std::string client;         // address or "local"
  std::string state;          // "active", "idle in transaction", ...
  std::string backend_start;  // timestamps as text
  std::string state_since;
  double seconds_in_state = 0;
  std::string query;          // current or last query
};

// Who holds the migration lock: the session, plus what the holder row says.
struct LockHolder {
  Session session;
  bool has_row = false;       // the holder row matches the session
  std::string host;
  std::string command;
  std::string ci_job;
  std::string started_at;
  std::string heartbeat;
  double heartbeat_age_seconds = -1;  // -1: no holder row
};

// What a runner writes into the holder row when it takes the lock.
struct HolderInfo {
  std::string host;
  std::string command;
  std::string ci_job;
};

// A batch of SQL statements run in one round trip where possible.
struct Batch {
  std::vector<std::string> statements;
  bool transactional = true;  // wrap in BEGIN/COMMIT; on failure, roll back
  int result_of = -1;         // index of the statement whose rows run() returns (-1: none)
  // Data for COPY ... FROM stdin statements, by index in `statements`.
  std::map<size_t, std::string> copy_data = {};
};

// A statement failed. `statement` is the index of the failing statement in
// the batch when known, else -1. `detail` and `server_hint` are the server's
// DETAIL and HINT lines ("" when it sent none).
class DatabaseError : public Error {
 public:
  DatabaseError(std::string message, std::string sqlstate, int statement, std::string detail = {},
                std::string server_hint = {})
      : Error(ExitCode::runtime, std::move(message)),
        m_sqlstate(std::move(sqlstate)),
        m_statement(statement),
        m_detail(std::move(detail)),
        m_server_hint(std::move(server_hint)) {}
  const std::string& sqlstate() const { return m_sqlstate; }
  int statement() const { return m_statement; }
  const std::string& detail() const { return m_detail; }
  const std::string& server_hint() const { return m_server_hint; }
  bool is_lock_timeout() const { return m_sqlstate == "55P03"; }
  // The same error, blamed on statement `statement` of an enclosing batch.
  DatabaseError at(int statement) const { return {what(), m_sqlstate, statement, m_detail, m_server_hint}; }

 private:
  std::string m_sqlstate;
  int m_statement;
  std::string m_detail;
  std::string m_server_hint;
};

// A row of a backfill: the key of the last row done, and how many rows so far.
struct BackfillProgress {
  std::vector<std::string> last_key;  // empty: not started
  long long rows_done = 0;
  bool finished = false;
};

class Database {
 public:
  virtual ~Database() = default;

  // --- state -------------------------------------------------------------
  // Every applied revision, without content (empty when the state schema does not exist yet).
  virtual std::vector<core::AppliedRevision> read_applied() = 0;
  // The recorded file content of one applied revision ("" when unknown).
  virtual std::string read_content(const std::string& id) = 0;
  // True when the state schema is missing or has an older layout.
  virtual bool state_needs_layout() = 0;
  // Creates the state schema or brings its layout up to date.
  virtual void ensure_state() = 0;

  // --- the migration lock ---------------------------------------------------
  virtual bool try_lock() = 0;
  virtual void unlock() = 0;
  // The session holding the migration lock, if any (may be this one).
  virtual std::optional<LockHolder> lock_holder() = 0;
  // Records who holds the lock; does nothing while the state tables do not exist.
  virtual void write_holder(const HolderInfo& info) = 0;
  virtual void heartbeat() = 0;
  // This session's backend pid (changes under a transaction-pooling proxy).
  virtual int backend_pid() = 0;
  // True when the pid the connection was given at start-up is not the
  // backend's: a proxy such as PgBouncer sits in between.
  virtual bool through_proxy() { return false; }
  // Terminates a backend; true when it was signalled.
  virtual bool terminate(int pid) = 0;

  // --- execution -------------------------------------------------------------
  // Rows as text (NULL as nullopt).
  using Row = std::vector<std::optional<std::string>>;
  // Runs the batch and returns the rows of statement `batch.result_of`.
  // Throws DatabaseError on failure (the transaction, if any, rolled back).
  virtual std::vector<Row> run(const Batch& batch) = 0;
  // Runs one query outside any transaction and returns its rows.
  virtual std::vector<Row> query(const std::string& sql) = 0;
  // While a batch waits, a second connection watches which sessions block it
  // (looking early enough to see them within `lock_timeout`) and terminates
  // those idle in transaction for longer than `terminate_idle_after` (zero:
  // never). Active sessions are never terminated.
  virtual void set_blocker_policy(std::chrono::milliseconds lock_timeout,
                                  std::chrono::milliseconds terminate_idle_after) = 0;
  // The sessions that blocked the last batch, and those terminated since the
  // last call (each list is cleared by the call).
  virtual std::vector<Session> take_blockers() = 0;
  virtual std::vector<Session> take_terminated() = 0;

  // The server's version as libpq reports it (150004 for 15.4); 0 when
  // there is no server (`--sql` without a database).
  virtual int server_version() { return 0; }

  // True when statements print rather than run (`--sql`).
  virtual bool offline() const { return false; }
};

}  // namespace migrate::engine
