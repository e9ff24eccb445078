// The values that cross the Database seam: sessions and lock holders, batches
// of statements, backfill batches, the blocker policy, and DatabaseError.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "engine/state_change.hpp"

namespace migrate::engine {

// The lock_timeout of every DDL step unless --lock-timeout says otherwise: the
// longest the application's queries queue behind a step that waits for its
// table lock. Chosen from bench/lock_outage.sh (docs/benchmarks.md): the
// application's worst request is about one lock_timeout, and 500 ms keeps it
// under 1 s with room for a loaded machine.
inline constexpr std::chrono::milliseconds k_default_lock_timeout{500};

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
  std::string query;  // current or last query
};

// Who holds the migration lock: the session, plus what the holder row says.
struct LockHolder {
  Session session;
  bool has_row = false;  // the holder row matches the session
  std::string host;
  std::string command;
  std::string ci_job;
  std::string started_at;
  std::string heartbeat;
  double heartbeat_age_seconds = -1;  // -1: no holder row
};

// One pg_try_advisory_lock: whether it was granted, the backend that ran it,
// and whether pg_locks showed the lock held by that backend in that statement.
struct LockAttempt {
  bool taken = false;
  int pid = 0;
  bool proven = false;
  explicit operator bool() const { return taken; }
};

// Where a connection leads. A direct connection's backend is the one the
// server announced at start-up (BackendKeyData); a proxy (PgBouncer, pgcat,
// Odyssey, RDS Proxy...) announces a pid of its own and hands statements to
// server connections of its choosing.
struct ConnectionRoute {
  int announced_pid = 0;
  int backend_pid = 0;
  std::string server;  // the database and the server's start time: which database this is
  bool direct() const { return announced_pid != 0 && announced_pid == backend_pid; }
};

// Which server a connection reached: with several hosts in the connection
// string (failover), the one that answered; and whether the connection is
// encrypted.
struct Endpoint {
  std::string host;  // a host name, an address, or a socket directory
  std::string port;
  std::string tls;  // the TLS protocol (e.g. "TLSv1.3"); empty: not encrypted
};

// What a runner writes into the holder row when it takes the lock.
struct HolderInfo {
  std::string host;
  std::string command;
  std::string ci_job;
};

// One statement of a batch: SQL of a revision, or a change of migrate's state
// that each Database renders its own way.
struct Statement {
  Statement(std::string text) : sql(std::move(text)) {}  // NOLINT: implicit on purpose
  Statement(const char* text) : sql(text) {}             // NOLINT
  // Any state change: state::Record{...}, state::Forget{...}, ...
  template <class Change, class = std::enable_if_t<std::is_constructible_v<state::Change, Change>>>
  Statement(Change what) : change(state::Change(std::move(what))) {}  // NOLINT

  std::string sql;  // when there is no change
  std::optional<state::Change> change;
  std::optional<std::string> copy_data;  // the data of a COPY ... FROM stdin, up to its `\.` line
};

// Statements run in one round trip where possible.
struct Batch {
  std::vector<Statement> statements;
  bool transactional = true;  // one transaction, rolled back on failure; else one by one
};

// A statement failed. `statement` is the index of the failing statement in
// the batch when known, else -1. `detail` and `server_hint` are the server's
// DETAIL and HINT lines ("" when it sent none); `hint` is migrate's own.
class DatabaseError : public Error {
 public:
  DatabaseError(std::string message, std::string sqlstate, int statement, std::string hint = {},
                std::string detail = {}, std::string server_hint = {})
      : Error(ExitCode::runtime, std::move(message), std::move(hint)),
        m_sqlstate(std::move(sqlstate)),
        m_statement(statement),
        m_detail(std::move(detail)),
        m_server_hint(std::move(server_hint)) {}
  const std::string& sqlstate() const { return m_sqlstate; }
  int statement() const { return m_statement; }
  const std::string& detail() const { return m_detail; }
  const std::string& server_hint() const { return m_server_hint; }
  bool is_lock_timeout() const { return m_sqlstate == k_lock_not_available; }
  // The same error, blamed on statement `statement` of an enclosing batch.
  DatabaseError at(int statement) const {
    return {what(), m_sqlstate, statement, hint(), m_detail, m_server_hint};
  }

  static constexpr const char* k_lock_not_available = "55P03";
  static constexpr const char* k_insufficient_privilege = "42501";
  static constexpr const char* k_feature_not_supported = "0A000";

 private:
  std::string m_sqlstate;
  int m_statement;
  std::string m_detail;
  std::string m_server_hint;
};

// The connection to the database was lost: nothing more can be sent on it.
class ConnectionLostError : public Error {
 public:
  explicit ConnectionLostError(std::string message, std::string hint = {})
      : Error(ExitCode::runtime, std::move(message), std::move(hint)) {}
};

// What the database holds of migrate's state schema.
struct StateLayout {
  bool exists = false;  // the revisions table exists
  int version = 0;      // the layout version; 0 for the first layout, which had no layout table
};

// An index PostgreSQL does not use: a concurrent build (CREATE INDEX or
// REINDEX CONCURRENTLY) failed or was interrupted, or is running right now.
struct InvalidIndex {
  std::string index;  // schema-qualified, quoted where needed: public.users_email_key
  std::string table;  // likewise: public.users
};

struct TableName {
  std::string schema;  // unquoted
  std::string name;    // unquoted
  std::string display() const { return schema + "." + name; }
};

// What a backfill fills: the table, its key and the SET clause.
struct BackfillTarget {
  TableName table;
  std::vector<std::string> key;  // primary key columns, in key order
  std::string set_clause;
  std::string where_clause;  // "" = every row
};

// Where a backfill stopped: the key of the last row done and how many rows.
struct BackfillProgress {
  std::vector<std::string> last_key;
  long long rows_done = 0;
  bool finished = false;
};

// The keys left to walk. rows < 0: the database cannot tell in advance
// (`--sql`); the batches find the end themselves.
struct BackfillRange {
  std::vector<std::string> upper;  // the largest key at the start
  long long rows = 0;
};

struct BackfillBatch {
  std::string revision;
  int step = 0;
  BackfillTarget target;
  std::vector<std::string> after;  // last key done; empty: from the start
  std::vector<std::string> upper;
  long long rows_done = 0;  // before this batch
  int limit = 1000;
  std::chrono::milliseconds lock_timeout = k_default_lock_timeout;
  std::chrono::milliseconds statement_timeout{0};
};

struct BackfillBatchResult {
  long long picked = 0;
  std::vector<std::string> last_key;
};

// Which sessions that block a batch are terminated: those idle in a
// transaction for longer than `terminate_idle_after` (zero: none). Active
// sessions are never terminated.
struct BlockerPolicy {
  std::chrono::milliseconds lock_timeout = k_default_lock_timeout;
  std::chrono::milliseconds terminate_idle_after{0};

  bool should_terminate(const Session& session) const;
};

}  // namespace migrate::engine
