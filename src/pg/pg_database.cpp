#include "pg/pg_database.hpp"

#include <pqxx/pqxx>

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "core/connection_string.hpp"
#include "core/sql/sql_text.hpp"
#include "engine/migration_lock.hpp"
#include "pg/blocker_watch.hpp"
#include "pg/simple_query.hpp"

namespace migrate::pg {

using core::quote_literal;
using engine::Session;

std::string session_columns() {
  return "a.pid, coalesce(a.application_name, ''), coalesce(a.usename::text, ''), "
         "coalesce(host(a.client_addr), 'local'), coalesce(a.state, ''), "
         "coalesce(to_char(a.backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), ''), "
         "coalesce(to_char(a.state_change AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), ''), "
         "coalesce(extract(epoch from clock_timestamp() - a.state_change), 0), coalesce(a.query, '')";
}

namespace {

std::string clean_message(const std::string& what) {
  std::string text = what;
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

std::vector<engine::Database::Row> to_rows(const pqxx::result& result) {
  std::vector<engine::Database::Row> rows;
  rows.reserve(result.size());
  for (const auto& row : result) {
    engine::Database::Row values;
    values.reserve(row.size());
    for (const auto& field : row)
      values.push_back(field.is_null() ? std::nullopt : std::optional<std::string>(field.c_str()));
    rows.push_back(std::move(values));
  }
  return rows;
}

}  // namespace

struct PgDatabase::Impl {
  Impl(const std::string& connection_string, const std::string& application_name, const engine::StateSql& state)
      : state(state), watch(connection_string, application_name) {}

  pqxx::result exec(const std::string& sql) {
    pqxx::nontransaction work(*connection);
    return work.exec(sql);
  }

  std::unique_ptr<pqxx::connection> connection;
  const engine::StateSql& state;
  BlockerWatch watch;
  int32_t key = 0;
};

PgDatabase::PgDatabase(const std::string& connection_string, const std::string& application_name,
                       const engine::StateSql& state)
    : m_impl(std::make_unique<Impl>(connection_string, application_name, state)) {
  try {
    m_impl->connection = std::make_unique<pqxx::connection>(connection_string);
    // Literals are written standard-conforming (quotes doubled, backslashes plain).
    // One round trip. The name's literal is read before the first setting
    // applies; it holds no backslash (command and host name), so it reads the same.
    m_impl->exec("SELECT set_config('standard_conforming_strings', 'on', false), set_config('application_name', " +
                 quote_literal(application_name) + ", false)");
  } catch (const pqxx::broken_connection& error) {
    throw Error(ExitCode::runtime,
                "cannot connect to the database: " + core::redact_in_message(clean_message(error.what()), connection_string),
                "check --database-url, DATABASE_URL or migrate.yaml, and that the server is running");
  } catch (const pqxx::sql_error& error) {
    throw Error(ExitCode::runtime, "cannot set up the database session: " + clean_message(error.what()));
  }
  m_impl->key = engine::lock_key_for(state.schema());
}

PgDatabase::~PgDatabase() = default;

bool PgDatabase::state_exists() {
  auto result = m_impl->exec(fmt::format("SELECT to_regclass({}) IS NOT NULL",
                                         quote_literal(m_impl->state.table("revisions"))));
  return result[0][0].as<bool>();
}

std::vector<core::AppliedRevision> PgDatabase::read_applied() {
  const auto& state = m_impl->state;
  // One round trip: does the state exist, which columns it has (a table
  // written by an older layout lacks newer ones until the next command that
  // changes the database adds them), and is there a layout table.
  auto check = m_impl->exec(fmt::format(
      "SELECT to_regclass({0}) IS NOT NULL, to_regclass({1}) IS NOT NULL, (SELECT string_agg(attname, ',') FROM "
      "pg_attribute WHERE attrelid = to_regclass({0}) AND attnum > 0 AND NOT attisdropped)",
      quote_literal(state.table("revisions")), quote_literal(state.table("layout"))));
  if (!check[0][0].as<bool>()) return {};
  if (check[0][1].as<bool>()) {
    auto layout = m_impl->exec(fmt::format("SELECT coalesce(max(version), 0) FROM {}", state.table("layout")));
    int version = layout[0][0].as<int>();
    if (version > engine::k_state_layout_version)
      throw Error(ExitCode::runtime,
                  fmt::format("the state schema \"{}\" has layout version {}, newer than this migrate understands ({})",
                              state.schema(), version, engine::k_state_layout_version),
                  "upgrade migrate to the version that last wrote this database");
  }
  std::set<std::string> present;
  std::string columns = check[0][2].c_str();
  for (size_t pos = 0; pos <= columns.size();) {
    size_t end = std::min(columns.find(',', pos), columns.size());
    present.insert(columns.substr(pos, end - pos));
    pos = end + 1;
  }
  auto column = [&](const char* name, const char* expression, const char* missing) {
    return present.count(name) ? std::string(expression) : std::string(missing);
  };
  auto result = m_impl->exec(fmt::format(
      "SELECT id, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {} FROM {} ORDER BY {}, id",
      column("parents", "array_to_string(parents, ' ')", "''"), column("message", "message", "''"),
      column("checksum", "checksum", "''"), column("phase", "phase", "'complete'"),
      column("applied_at", "to_char(applied_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')", "''"),
      column("applied_by", "applied_by", "''"), column("duration_ms", "duration_ms", "0"),
      column("tool_version", "tool_version", "''"), column("source", "source", "''"), column("path", "path", "''"),
      column("running_phase", "coalesce(running_phase, '')", "''"), column("steps_done", "steps_done", "0"),
      column("note", "note", "''"), state.table("revisions"), present.count("applied_at") ? "applied_at" : "1"));
  std::vector<core::AppliedRevision> applied;
  applied.reserve(result.size());
  for (const auto& row : result) {
    core::AppliedRevision record;
    record.id = row[0].c_str();
    std::string parents = row[1].c_str();
    size_t pos = 0;
    while (pos < parents.size()) {
      size_t end = parents.find(' ', pos);
      if (end == std::string::npos) end = parents.size();
      if (end > pos) record.parents.push_back(parents.substr(pos, end - pos));
      pos = end + 1;
    }
    record.message = row[2].c_str();
    record.checksum = row[3].c_str();
    record.phase = core::applied_phase_from(row[4].c_str());
    record.applied_at = row[5].c_str();
    record.applied_by = row[6].c_str();
    record.duration_ms = row[7].as<long>();
    record.tool_version = row[8].c_str();
    record.source = row[9].c_str();
    record.path = row[10].c_str();
    record.running_phase = row[11].c_str();
    record.steps_done = row[12].as<int>();
    record.note = row[13].c_str();
    applied.push_back(std::move(record));
  }
  return applied;
}

std::string PgDatabase::read_content(const std::string& id) {
  if (!state_exists()) return {};
  auto result = m_impl->exec(fmt::format("SELECT content FROM {} WHERE id = {}", m_impl->state.table("revisions"),
                                         quote_literal(id)));
  return result.empty() ? std::string() : result[0][0].c_str();
}

bool PgDatabase::state_needs_layout() {
  const auto& state = m_impl->state;
  auto check = m_impl->exec(fmt::format("SELECT to_regclass({}) IS NOT NULL", quote_literal(state.table("layout"))));
  if (!check[0][0].as<bool>()) return true;
  auto layout = m_impl->exec(fmt::format("SELECT coalesce(max(version), 0) FROM {}", state.table("layout")));
  return layout[0][0].as<int>() < engine::k_state_layout_version;
}

void PgDatabase::ensure_state() {
  if (state_needs_layout()) run({m_impl->state.ensure_layout(), true});
}

bool PgDatabase::try_lock() {
  auto result = m_impl->exec(fmt::format("SELECT pg_try_advisory_lock({}, {})", engine::k_lock_class, m_impl->key));
  return result[0][0].as<bool>();
}

void PgDatabase::unlock() {
  const std::string table = m_impl->state.table("lock_holder");
  m_impl->exec(fmt::format(
      "SELECT pg_advisory_unlock({0}, {1}); DO $unlock$ BEGIN IF to_regclass({2}) IS NOT NULL THEN "
      "DELETE FROM {3} WHERE lock_key = {1} AND pid = pg_backend_pid(); END IF; END $unlock$",
      engine::k_lock_class, m_impl->key, quote_literal(table), table));
}

std::optional<engine::LockHolder> PgDatabase::lock_holder() {
  const auto& state = m_impl->state;
  auto result = m_impl->exec(fmt::format(
      "SELECT {}, to_regclass({}) IS NOT NULL FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
      "WHERE l.locktype = 'advisory' AND l.classid = {}::oid AND l.objid = {}::oid AND l.objsubid = 2 AND l.granted "
      "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) LIMIT 1",
      session_columns(), quote_literal(state.table("lock_holder")), static_cast<uint32_t>(engine::k_lock_class),
      static_cast<uint32_t>(m_impl->key)));
  if (result.empty()) return std::nullopt;
  auto rows = to_rows(result);
  engine::LockHolder holder;
  holder.session = session_from(rows[0]);
  if (*rows[0][9] == "t") {
    auto row = m_impl->exec(fmt::format(
        "SELECT host, command, ci_job, to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
        "to_char(heartbeat AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
        "extract(epoch from clock_timestamp() - heartbeat) FROM {} WHERE lock_key = {} AND pid = {}",
        state.table("lock_holder"), m_impl->key, holder.session.pid));
    if (!row.empty()) {
      holder.has_row = true;
      holder.host = row[0][0].c_str();
      holder.command = row[0][1].c_str();
      holder.ci_job = row[0][2].c_str();
      holder.started_at = row[0][3].c_str();
      holder.heartbeat = row[0][4].c_str();
      holder.heartbeat_age_seconds = row[0][5].as<double>();
    }
  }
  return holder;
}

void PgDatabase::write_holder(const engine::HolderInfo& info) {
  const std::string table = m_impl->state.table("lock_holder");
  if (!m_impl->exec(fmt::format("SELECT to_regclass({}) IS NOT NULL", quote_literal(table)))[0][0].as<bool>()) return;
  m_impl->exec(fmt::format(
      "INSERT INTO {0} (lock_key, pid, backend_start, host, command, ci_job, started_at, heartbeat) "
      "SELECT {1}, pid, backend_start, {2}, {3}, {4}, now(), now() FROM pg_stat_activity WHERE pid = pg_backend_pid() "
      "ON CONFLICT (lock_key) DO UPDATE SET pid = EXCLUDED.pid, backend_start = EXCLUDED.backend_start, "
      "host = EXCLUDED.host, command = EXCLUDED.command, ci_job = EXCLUDED.ci_job, started_at = now(), "
      "heartbeat = now()",
      table, m_impl->key, quote_literal(info.host), quote_literal(info.command), quote_literal(info.ci_job)));
}

void PgDatabase::heartbeat() {
  m_impl->exec(fmt::format("UPDATE {} SET heartbeat = now() WHERE lock_key = {} AND pid = pg_backend_pid()",
                           m_impl->state.table("lock_holder"), m_impl->key));
}

int PgDatabase::backend_pid() { return m_impl->exec("SELECT pg_backend_pid()")[0][0].as<int>(); }

bool PgDatabase::through_proxy() { return m_impl->connection->backendpid() != backend_pid(); }

bool PgDatabase::terminate(int pid) {
  return m_impl->exec(fmt::format("SELECT pg_terminate_backend({})", pid))[0][0].as<bool>();
}

std::vector<engine::Database::Row> PgDatabase::run(const engine::Batch& batch) {
  const auto& statements = batch.statements;
  PGconn* raw = raw_handle(*m_impl->connection);
  if (!batch.transactional) {
    std::vector<Row> rows;
    for (size_t i = 0; i < statements.size(); ++i) {
      SimpleQuery one{{statements[i]}, {}, static_cast<int>(i) == batch.result_of ? 0 : -1};
      if (auto data = batch.copy_data.find(i); data != batch.copy_data.end()) one.copy_data[0] = data->second;
      m_impl->watch.begin(m_impl->connection->backendpid());
      try {
        auto result = run_simple_query(raw, one);
        if (one.result_of == 0) rows = std::move(result);
      } catch (const engine::DatabaseError& error) {
        m_impl->watch.end();
        throw error.at(static_cast<int>(i));
      } catch (...) {
        m_impl->watch.end();
        throw;
      }
      m_impl->watch.end();
    }
    return rows;
  }
  // One round trip for the whole batch. Each statement answers with its own
  // result, so the one the server failed on is known without running
  // anything again (effects that survive a rollback, such as sequence
  // values, happen once).
  SimpleQuery whole;
  whole.statements.reserve(statements.size() + 2);
  whole.statements.push_back("BEGIN");
  whole.statements.insert(whole.statements.end(), statements.begin(), statements.end());
  whole.statements.push_back("COMMIT");
  for (const auto& [index, data] : batch.copy_data) whole.copy_data[index + 1] = data;
  whole.result_of = batch.result_of >= 0 ? batch.result_of + 1 : -1;
  std::vector<Row> rows;
  m_impl->watch.begin(m_impl->connection->backendpid());
  try {
    rows = run_simple_query(raw, whole);
  } catch (const engine::DatabaseError& error) {
    m_impl->watch.end();
    try {
      m_impl->exec("ROLLBACK");
    } catch (const pqxx::failure&) {
      throw Error(ExitCode::runtime, std::string("lost the connection to the database after: ") + error.what());
    }
    throw error.at(error.statement() - 1);
  } catch (const Error& error) {
    m_impl->watch.end();
    throw Error(ExitCode::runtime, error.what(), "the revision's transaction did not commit; run the command again");
  }
  m_impl->watch.end();
  return rows;
}

int PgDatabase::server_version() { return m_impl->connection->server_version(); }

std::vector<engine::Database::Row> PgDatabase::query(const std::string& sql) {
  try {
    return to_rows(m_impl->exec(sql));
  } catch (const pqxx::sql_error& error) {
    throw engine::DatabaseError(clean_message(error.what()), error.sqlstate(), 0);
  }
}

void PgDatabase::set_blocker_policy(std::chrono::milliseconds lock_timeout,
                                    std::chrono::milliseconds terminate_idle_after) {
  m_impl->watch.set_policy(lock_timeout, terminate_idle_after);
}

std::vector<Session> PgDatabase::take_blockers() { return m_impl->watch.take_blockers(); }
std::vector<Session> PgDatabase::take_terminated() { return m_impl->watch.take_terminated(); }

}  // namespace migrate::pg
