#include "pg/pg_database.hpp"

#include <fmt/format.h>

#include <exception>
#include <pqxx/pqxx>
#include <set>

#include "core/connection_string.hpp"
#include "core/number.hpp"
#include "core/sql/sql_text.hpp"
#include "engine/backfill_sql.hpp"
#include "engine/migration_lock.hpp"
#include "engine/state_layout.hpp"
#include "pg/blocker_watch.hpp"
#include "pg/foreign_state_query.hpp"
#include "pg/simple_query.hpp"

namespace migrate::pg {

using core::quote_literal;
using engine::Row;
using engine::Session;

std::string session_columns() {
  return "a.pid, coalesce(a.application_name, ''), coalesce(a.usename::text, ''), "
         "coalesce(host(a.client_addr), 'local'), coalesce(a.state, ''), "
         "coalesce(to_char(a.backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
         "''), "
         "coalesce(to_char(a.state_change AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
         "''), "
         "coalesce(extract(epoch from clock_timestamp() - a.state_change), 0), coalesce(a.query, "
         "'')";
}

namespace {

std::string clean_message(const std::string& what) {
  std::string text = what;
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

std::vector<Row> to_rows(const pqxx::result& result) {
  std::vector<Row> rows;
  rows.reserve(result.size());
  for (const auto& row : result) {
    Row values;
    values.reserve(row.size());
    for (const auto& field : row)
      values.push_back(field.is_null() ? std::nullopt : std::optional<std::string>(field.c_str()));
    rows.push_back(std::move(values));
  }
  return rows;
}

// The applied records of a result of StateSql::applied(), as they were applied.
std::vector<core::AppliedRevision> applied_of(const pqxx::result& result) {
  return engine::StateSql::applied_in_order(result.size(), [&](size_t i, Row& into) {
    const pqxx::row row = result[static_cast<pqxx::result::size_type>(i)];
    into.resize(row.size());
    for (size_t column = 0; column < row.size(); ++column) {
      const pqxx::field field = row[static_cast<pqxx::row::size_type>(column)];
      if (field.is_null()) {
        into[column].reset();
        continue;
      }
      if (!into[column]) into[column].emplace();
      into[column]->assign(field.c_str(), field.size());
    }
  });
}

engine::ConnectionLostError lost_connection(const std::string& doing, const std::string& reason) {
  return engine::ConnectionLostError(
      fmt::format("lost the connection to the database while {}: {}", doing, clean_message(reason)),
      "whatever was not committed was rolled back by the server; `migrate status` shows what was "
      "recorded. Check "
      "the server and the network, then run the command again");
}

// The server ended the session while a transaction ran (pg_terminate_backend,
// a restart, idle_session_timeout): the statement's error says why.
engine::ConnectionLostError lost_in_transaction(const engine::DatabaseError& error) {
  return engine::ConnectionLostError(
      fmt::format("lost the connection to the database during a transaction: {}",
                  clean_message(error.what())),
      "the server rolled that transaction back, so nothing of it was recorded; find out why the "
      "session ended (pg_terminate_backend, a restart, a timeout), then run the command again; "
      "`migrate status` shows what was recorded");
}

// Runs `work`, turning libpqxx's exceptions into migrate's error family.
template <class Work>
auto translated(const std::string& doing, Work&& work) -> decltype(work()) {
  try {
    return work();
  } catch (const pqxx::broken_connection& error) {
    throw lost_connection(doing, error.what());
  } catch (const pqxx::sql_error& error) {
    throw engine::DatabaseError(fmt::format("{} failed: {}", doing, clean_message(error.what())),
                                error.sqlstate(), -1);
  } catch (const pqxx::failure& error) {
    throw Error(ExitCode::runtime,
                fmt::format("{} failed: {}", doing, clean_message(error.what())));
  } catch (const pqxx::conversion_error& error) {
    throw Error(ExitCode::runtime,
                fmt::format("{}: unexpected value from the database: {}", doing, error.what()));
  }
}

bool is_true(const pqxx::result& result) {
  return !result.empty() && !result[0][0].is_null() && result[0][0].as<bool>();
}

}  // namespace

struct PgDatabase::Impl {
  Impl(const std::string& connection_string, const std::string& application_name,
       const engine::StateSql& state)
      : state(state), watch(connection_string, application_name) {}

  pqxx::result exec(const std::string& sql) {
    pqxx::nontransaction work(*connection);
    return work.exec(sql);
  }

  // What the state schema looks like: read once, and again once the lock is
  // taken (the holder before may have changed it) and after create_state().
  struct Probe {
    engine::StateLayout layout;
    std::set<std::string> columns;
  };
  const Probe& probe() {
    if (probed) return state_probe;
    auto check = exec(state.probe());
    state_probe = {};
    state_probe.layout.exists = check[0][0].as<bool>();
    std::string columns = check[0][2].is_null() ? "" : check[0][2].c_str();
    for (size_t pos = 0; pos < columns.size();) {
      size_t end = std::min(columns.find(',', pos), columns.size());
      state_probe.columns.insert(columns.substr(pos, end - pos));
      pos = end + 1;
    }
    if (check[0][1].as<bool>()) {
      auto version = exec(state.layout_version());
      state_probe.layout.version =
          static_cast<int>(core::parse_integer(version[0][0].c_str(), "layout version"));
    }
    probed = true;
    return state_probe;
  }

  std::vector<std::string> render(const engine::Batch& batch) const {
    std::vector<std::string> statements;
    statements.reserve(batch.statements.size());
    for (const auto& statement : batch.statements)
      statements.push_back(statement.change ? state.sql(*statement.change) : statement.sql);
    return statements;
  }

  std::unique_ptr<pqxx::connection> connection;
  const engine::StateSql& state;
  BlockerWatch watch;
  int32_t key = 0;
  bool probed = false;
  Probe state_probe;
};

PgDatabase::PgDatabase(const std::string& connection_string, const std::string& application_name,
                       const engine::StateSql& state)
    : m_impl(std::make_unique<Impl>(connection_string, application_name, state)) {
  try {
    m_impl->connection = std::make_unique<pqxx::connection>(connection_string);
    // Literals are written standard-conforming (quotes doubled, backslashes plain).
    // One round trip. The name's literal is read before the first setting
    // applies; it holds no backslash (command and host name), so it reads the same.
    m_impl->exec(
        "SELECT set_config('standard_conforming_strings', 'on', false), "
        "set_config('application_name', " +
        quote_literal(application_name) + ", false)");
  } catch (const pqxx::broken_connection& error) {
    std::string reason = core::redact_in_message(clean_message(error.what()), connection_string);
    throw Error(ExitCode::runtime, "cannot connect to the database: " + reason,
                core::connect_failure_hint(reason));
  } catch (const pqxx::failure& error) {
    throw Error(ExitCode::runtime,
                "cannot set up the database session: " +
                    core::redact_in_message(clean_message(error.what()), connection_string));
  }
  m_impl->key = engine::lock_key_for(state.schema());
}

PgDatabase::~PgDatabase() = default;

engine::StateLayout PgDatabase::state_layout() {
  return translated("reading migrate's state", [&] { return m_impl->probe().layout; });
}

std::vector<core::AppliedRevision> PgDatabase::read_applied() {
  return translated("reading the applied revisions", [&] {
    const auto& probe = m_impl->probe();
    std::vector<core::AppliedRevision> applied;
    if (!probe.layout.exists) return applied;
    return applied_of(m_impl->exec(m_impl->state.applied(probe.columns)));
  });
}

std::string PgDatabase::read_content(const std::string& id) {
  return translated("reading a recorded revision", [&] {
    if (!m_impl->probe().layout.exists) return std::string();
    auto result = m_impl->exec(m_impl->state.content(id));
    return result.empty() ? std::string() : std::string(result[0][0].c_str());
  });
}

void PgDatabase::create_state() {
  engine::Batch batch;
  for (auto& sql : m_impl->state.ensure_layout()) batch.statements.emplace_back(std::move(sql));
  run(batch);
  m_impl->probed = false;
}

core::ForeignState PgDatabase::foreign_state() {
  // A refused query is a DatabaseError: a table of a known name in another shape.
  Query query = [this](const std::string& sql) {
    try {
      return to_rows(m_impl->exec(sql));
    } catch (const pqxx::broken_connection&) {
      throw;
    } catch (const pqxx::sql_error& error) {
      throw engine::DatabaseError(clean_message(error.what()), error.sqlstate(), 0);
    }
  };
  return translated("looking for other tools' state and tables",
                    [&] { return read_foreign_state(query, m_impl->state); });
}

std::optional<engine::Database::ToolStateTable> PgDatabase::tool_state(core::ImportTool tool) {
  return translated(
      "reading " + core::state_table_of(tool), [&]() -> std::optional<ToolStateTable> {
        auto found = to_rows(
            m_impl->exec(fmt::format("SELECT quote_ident(n.nspname) || '.' || "
                                     "quote_ident(c.relname), n.nspname || '.' || c.relname "
                                     "FROM pg_class c JOIN pg_namespace n ON n.oid = "
                                     "c.relnamespace WHERE c.oid = to_regclass({})",
                                     quote_literal(core::state_table_of(tool)))));
        if (found.empty() || !found[0][0]) return std::nullopt;
        ToolStateTable table;
        table.shown = found[0][1].value_or("");
        for (const auto& row : to_rows(m_impl->exec(core::state_rows_sql(tool, *found[0][0]))))
          table.rows.push_back(
              {row[0].value_or(""), row[1].value_or("f") == "t", row[2].value_or("")});
        return table;
      });
}

void PgDatabase::forget_state() { m_impl->probed = false; }

engine::LockAttempt PgDatabase::try_lock() {
  // One statement: the lock, the backend that took it, and pg_locks read after
  // it (the subquery refers to the attempt's row, so it runs once that row is
  // made; OFFSET 0 keeps the attempt from being folded into the outer query).
  auto attempt = translated("taking the migration lock", [&] {
    auto result = m_impl->exec(fmt::format(
        "SELECT t.taken, t.pid, EXISTS (SELECT 1 FROM pg_catalog.pg_locks l WHERE t.taken AND "
        "l.locktype = 'advisory' AND l.classid = {2}::oid AND l.objid = {3}::oid AND l.objsubid = "
        "2 AND l.pid = t.pid AND l.granted AND l.mode = 'ExclusiveLock' AND l.database = (SELECT "
        "oid FROM pg_catalog.pg_database WHERE datname = current_database())) "
        "FROM (SELECT pg_try_advisory_lock({0}, {1}) AS taken, pg_backend_pid() AS pid OFFSET 0) t",
        engine::k_lock_class, m_impl->key, static_cast<uint32_t>(engine::k_lock_class),
        static_cast<uint32_t>(m_impl->key)));
    return engine::LockAttempt{result[0][0].as<bool>(), result[0][1].as<int>(),
                               result[0][2].as<bool>()};
  });
  // The previous holder may have created or changed the state meanwhile.
  if (attempt.taken) m_impl->probed = false;
  return attempt;
}

bool PgDatabase::unlock() {
  return translated("releasing the migration lock", [&] {
    return is_true(m_impl->exec(m_impl->state.release(engine::k_lock_class, m_impl->key)));
  });
}

namespace {

std::string lock_holder_sql(const engine::StateSql& state, int32_t key) {
  return fmt::format(
      "SELECT {}, to_regclass({}) IS NOT NULL FROM pg_locks l JOIN pg_stat_activity a ON "
      "a.pid = l.pid "
      "WHERE l.locktype = 'advisory' AND l.classid = {}::oid AND l.objid = {}::oid AND "
      "l.objsubid = 2 AND "
      "l.granted AND l.database = (SELECT oid FROM pg_database WHERE datname = "
      "current_database()) LIMIT 1",
      session_columns(), quote_literal(state.table("lock_holder")),
      static_cast<uint32_t>(engine::k_lock_class), static_cast<uint32_t>(key));
}

const char* const k_invalid_indexes_sql =
    "SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname), quote_ident(n.nspname) || "
    "'.' || "
    "quote_ident(t.relname) FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid = "
    "i.indexrelid "
    "JOIN pg_catalog.pg_class t ON t.oid = i.indrelid JOIN pg_catalog.pg_namespace n ON n.oid "
    "= c.relnamespace "
    "WHERE NOT i.indisvalid AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
    "AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%' ORDER BY 1";

std::vector<engine::InvalidIndex> invalid_indexes_from(const std::vector<Row>& rows) {
  std::vector<engine::InvalidIndex> indexes;
  for (const auto& row : rows) indexes.push_back({row[0].value_or(""), row[1].value_or("")});
  return indexes;
}

}  // namespace

std::optional<engine::LockHolder> PgDatabase::lock_holder() {
  return translated("reading who holds the migration lock", [&] {
    return holder_from(to_rows(m_impl->exec(lock_holder_sql(m_impl->state, m_impl->key))));
  });
}

std::optional<engine::LockHolder> PgDatabase::holder_from(const std::vector<Row>& rows) {
  if (rows.empty()) return std::nullopt;
  engine::LockHolder holder;
  holder.session = session_from(rows[0]);
  if (rows[0][9] == std::optional<std::string>("t")) {
    auto row = m_impl->exec(m_impl->state.holder_read(m_impl->key, holder.session.pid));
    if (!row.empty()) engine::StateSql::holder_from(to_rows(row)[0], holder);
  }
  return holder;
}

engine::Database::StatusReads PgDatabase::read_status(const std::string& schema) {
  // One round trip, assuming the state is of this tool's layout; anything
  // else (no state, an older layout) fails on a missing table or column, and
  // is read the long way.
  SimpleQuery query;
  query.statements = {m_impl->state.probe(), m_impl->state.layout_version(),
                      m_impl->state.status_applied(), lock_holder_sql(m_impl->state, m_impl->key),
                      k_invalid_indexes_sql};
  // The applied rows become records while their result is alive (a copy of
  // every row first would be most of status's memory on a large history).
  // A bad row is reported once every result has been read, so that the
  // connection is left with nothing pending.
  std::vector<core::AppliedRevision> applied;
  std::exception_ptr bad_row;
  query.read_rows[2] = [&](const PGresult* result) {
    try {
      const int count = PQntuples(result);
      applied.reserve(static_cast<size_t>(count));
      Row row;
      for (int i = 0; i < count; ++i) {
        read_row(result, i, row);
        applied.push_back(engine::StateSql::status_record_from(row));
      }
    } catch (...) {
      bad_row = std::current_exception();
    }
  };
  std::vector<std::vector<Row>> results;
  try {
    results = run_simple_query_all(raw_handle(*m_impl->connection), query);
  } catch (const engine::DatabaseError& error) {
    if (error.sqlstate() != "42P01" && error.sqlstate() != "42703")
      throw engine::DatabaseError(
          fmt::format("reading the applied revisions failed: {}", error.what()), error.sqlstate(),
          -1);
    return Database::read_status(schema);
  }
  return translated("reading the applied revisions", [&] {
    StatusReads reads;
    reads.layout.exists = true;
    reads.layout.version =
        static_cast<int>(core::parse_integer(results[1].at(0)[0].value_or("0"), "layout version"));
    engine::refuse_newer_layout(reads.layout, schema);
    if (bad_row) std::rethrow_exception(bad_row);
    reads.applied = std::move(applied);
    reads.holder = holder_from(results[3]);
    reads.invalid_indexes = invalid_indexes_from(results[4]);
    return reads;
  });
}

void PgDatabase::write_holder(const engine::HolderInfo& info) {
  translated("recording the lock holder",
             [&] { m_impl->exec(m_impl->state.holder_write(m_impl->key, info)); });
}

void PgDatabase::heartbeat() {
  translated("refreshing the lock holder's heartbeat",
             [&] { m_impl->exec(m_impl->state.holder_heartbeat(m_impl->key)); });
}

engine::ConnectionRoute PgDatabase::route() {
  return translated("reading where the connection leads", [&] {
    auto result = m_impl->exec(
        "SELECT pg_backend_pid(), format('database %s (oid %s) on the server started at %s', "
        "quote_ident(current_database()), (SELECT oid FROM pg_catalog.pg_database WHERE datname = "
        "current_database()), pg_postmaster_start_time())");
    return engine::ConnectionRoute{m_impl->connection->backendpid(), result[0][0].as<int>(),
                                   result[0][1].c_str()};
  });
}

bool PgDatabase::terminate(int pid) {
  return translated(fmt::format("terminating backend {}", pid), [&] {
    return is_true(m_impl->exec(fmt::format("SELECT pg_terminate_backend({})", pid)));
  });
}

namespace {

std::string regclass_of(const engine::TableName& table) {
  return quote_literal(core::quote_ident(table.schema) + "." + core::quote_ident(table.name));
}

}  // namespace

bool PgDatabase::table_exists(const engine::TableName& table) {
  return translated("looking up table " + table.display(), [&] {
    return is_true(
        m_impl->exec(fmt::format("SELECT to_regclass({}) IS NOT NULL", regclass_of(table))));
  });
}

std::vector<std::string> PgDatabase::primary_key(const engine::TableName& table) {
  return translated("reading the primary key of " + table.display(), [&] {
    auto result =
        m_impl->exec(fmt::format("SELECT a.attname FROM pg_index i JOIN pg_attribute a ON "
                                 "a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
                                 "WHERE i.indrelid = to_regclass({}) AND i.indisprimary ORDER BY "
                                 "array_position(i.indkey::int2[], a.attnum)",
                                 regclass_of(table)));
    std::vector<std::string> key;
    for (const auto& row : result) key.emplace_back(row[0].c_str());
    return key;
  });
}

bool PgDatabase::index_is_invalid(const std::string& index) {
  return translated("looking up index " + index, [&] {
    return is_true(m_impl->exec(
        fmt::format("SELECT NOT i.indisvalid FROM pg_index i WHERE i.indexrelid = to_regclass({})",
                    quote_literal(index))));
  });
}

std::set<std::string> PgDatabase::volatile_functions(const std::vector<std::string>& functions) {
  std::set<std::string> found;
  if (functions.empty()) return found;
  std::vector<std::string> literals;
  for (const auto& name : functions) literals.push_back(quote_literal(name));
  return translated("looking up the volatility of functions", [&] {
    auto result = m_impl->exec(fmt::format(
        "SELECT DISTINCT n.name FROM unnest(ARRAY[{}]::text[]) AS n(name) WHERE EXISTS (SELECT 1 "
        "FROM pg_proc p JOIN pg_namespace s ON s.oid = p.pronamespace WHERE p.provolatile = 'v' "
        "AND s.nspname <> 'pg_catalog' AND (p.proname = n.name OR s.nspname || '.' || p.proname "
        "= n.name))",
        fmt::join(literals, ", ")));
    for (const auto& row : result) found.insert(row[0].c_str());
    return found;
  });
}

void PgDatabase::run(const engine::Batch& batch) {
  PGconn* raw = raw_handle(*m_impl->connection);
  const int pid = m_impl->connection->backendpid();
  if (!batch.transactional) {
    const std::vector<std::string> statements = m_impl->render(batch);
    for (size_t i = 0; i < statements.size(); ++i) {
      SimpleQuery one;
      one.statements = {statements[i]};
      if (batch.statements[i].copy_data) one.copy_data[0] = *batch.statements[i].copy_data;
      try {
        BlockerWatch::LazyScope watching(m_impl->watch, pid);
        one.on_slow = [&] { watching.start(); };
        one.slow_after = m_impl->watch.first_look();
        run_simple_query(raw, one);
      } catch (const engine::DatabaseError& error) {
        throw error.at(static_cast<int>(i));
      }
    }
    return;
  }
  // One round trip for the whole batch (in parts of about k_part_bytes for
  // a huge one, such as a stamp of many revisions, so that memory stays
  // bounded; still one transaction). Each statement answers with its own
  // result, so the one the server failed on is known without running
  // anything again (effects that survive a rollback, such as sequence
  // values, happen once).
  constexpr size_t k_part_bytes = 256 << 10;
  const size_t count = batch.statements.size();
  size_t next = 0;
  do {
    const size_t first = next;
    SimpleQuery part;
    if (first == 0) part.statements.emplace_back("BEGIN");
    // Index in the batch of the part's statement 0.
    const long offset = static_cast<long>(first) - (first == 0 ? 1 : 0);
    size_t bytes = 0;
    while (next < count && (bytes < k_part_bytes || part.statements.size() <= 1)) {
      const auto& statement = batch.statements[next];
      if (statement.copy_data) part.copy_data[part.statements.size()] = *statement.copy_data;
      part.statements.push_back(statement.change ? m_impl->state.sql(*statement.change)
                                                 : statement.sql);
      bytes += part.statements.back().size();
      ++next;
    }
    if (next == count) part.statements.emplace_back("COMMIT");
    try {
      BlockerWatch::LazyScope watching(m_impl->watch, pid);
      part.on_slow = [&] { watching.start(); };
      part.slow_after = m_impl->watch.first_look();
      run_simple_query(raw, part);
    } catch (const engine::DatabaseError& error) {
      try {
        m_impl->exec("ROLLBACK");
      } catch (const pqxx::failure&) {
        throw lost_in_transaction(error);
      }
      throw error.at(static_cast<int>(error.statement() + offset));
    }
  } while (next < count);
}

std::optional<engine::BackfillProgress> PgDatabase::backfill_progress(const std::string& revision,
                                                                      int step) {
  return translated("reading a backfill's progress",
                    [&]() -> std::optional<engine::BackfillProgress> {
                      if (!m_impl->probe().layout.exists) return std::nullopt;
                      auto result = m_impl->exec(m_impl->state.backfill_progress(revision, step));
                      if (result.empty()) return std::nullopt;
                      return engine::StateSql::backfill_progress_from(to_rows(result)[0]);
                    });
}

engine::BackfillRange PgDatabase::backfill_range(const engine::BackfillTarget& target,
                                                 const std::vector<std::string>& after) {
  return translated("measuring the backfill of " + target.table.display(), [&] {
    auto rows = to_rows(m_impl->exec(engine::backfill_range_sql(target, after)));
    engine::BackfillRange range;
    if (!rows[0][0]) return range;
    range.upper = engine::parse_text_array(*rows[0][0]);
    range.rows = core::parse_integer(rows[0][1].value_or("0"), "backfill row count");
    return range;
  });
}

engine::BackfillBatchResult PgDatabase::run_backfill_batch(const engine::BackfillBatch& batch) {
  // One round trip: the batch, its saved position and its COMMIT.
  SimpleQuery query;
  query.statements = {
      "BEGIN",
      fmt::format("SET LOCAL lock_timeout = '{}ms'", batch.lock_timeout.count()),
      fmt::format("SET LOCAL statement_timeout = '{}ms'", batch.statement_timeout.count()),
      "SET LOCAL migrate.backfill = 'on'",
      engine::backfill_batch_sql(batch, m_impl->state),
      "COMMIT"};
  query.result_of = 4;
  std::vector<Row> result;
  try {
    BlockerWatch::LazyScope watching(m_impl->watch, m_impl->connection->backendpid());
    query.on_slow = [&] { watching.start(); };
    query.slow_after = m_impl->watch.first_look();
    result = run_simple_query(raw_handle(*m_impl->connection), query);
  } catch (const engine::DatabaseError& error) {
    try {
      m_impl->exec("ROLLBACK");
    } catch (const pqxx::failure&) {
      throw lost_in_transaction(error);
    }
    throw error.at(-1);
  }
  engine::BackfillBatchResult done;
  done.picked =
      core::parse_integer(result.empty() ? "0" : result[0][0].value_or("0"), "backfill batch");
  if (done.picked > 0 && result[0][1]) done.last_key = engine::parse_text_array(*result[0][1]);
  return done;
}

std::vector<engine::InvalidIndex> PgDatabase::invalid_indexes() {
  return translated("listing invalid indexes", [&] {
    return invalid_indexes_from(to_rows(m_impl->exec(k_invalid_indexes_sql)));
  });
}

bool PgDatabase::in_recovery() {
  return translated("asking whether the server is a standby",
                    [&] { return is_true(m_impl->exec("SELECT pg_is_in_recovery()")); });
}

int PgDatabase::server_version() { return m_impl->connection->server_version(); }

engine::Endpoint PgDatabase::endpoint() {
  PGconn* connection = raw_handle(*m_impl->connection);
  engine::Endpoint reached;
  if (const char* host = PQhost(connection)) reached.host = host;
  if (const char* port = PQport(connection)) reached.port = port;
  if (PQsslInUse(connection) == 1) {
    const char* protocol = PQsslAttribute(connection, "protocol");
    reached.tls = protocol && *protocol ? protocol : "TLS";
  }
  return reached;
}

void PgDatabase::set_blocker_policy(const engine::BlockerPolicy& policy) {
  m_impl->watch.set_policy(policy);
}

std::vector<Session> PgDatabase::take_blockers() { return m_impl->watch.take_blockers(); }
std::vector<Session> PgDatabase::take_terminated() { return m_impl->watch.take_terminated(); }

}  // namespace migrate::pg
