// Executor::run_backfill: batched, resumable backfill by primary key.
// Keyset pagination up to the largest key seen at the start: rows inserted
// later were written while the sync triggers existed and are already right,
// so the walk always ends, however busy the table is.
#include <thread>

#include <fmt/format.h>

#include "core/sql/sql_text.hpp"
#include "engine/executor.hpp"

namespace migrate::engine {

using core::quote_ident;
using core::quote_literal;
using std::chrono::milliseconds;

namespace {

std::string column_list(const std::vector<std::string>& columns, const std::string& prefix = "") {
  std::string out;
  for (size_t i = 0; i < columns.size(); ++i) out += (i ? ", " : "") + prefix + quote_ident(columns[i]);
  return out;
}

std::string literal_list(const std::vector<std::string>& values) {
  std::string out;
  for (size_t i = 0; i < values.size(); ++i) out += (i ? ", " : "") + quote_literal(values[i]);
  return out;
}

std::string text_array_of(const std::vector<std::string>& columns, const std::string& prefix) {
  std::string out = "ARRAY[";
  for (size_t i = 0; i < columns.size(); ++i) out += (i ? ", " : "") + prefix + quote_ident(columns[i]) + "::text";
  return out + "]";
}

// Parses a PostgreSQL text[] literal such as {1,"a b"} (keys have no NULLs).
std::vector<std::string> parse_text_array(const std::string& text) {
  std::vector<std::string> items;
  std::string current;
  bool quoted = false, in_item = false;
  for (size_t i = 1; i + 1 < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '\\' && i + 2 < text.size()) current += text[++i];
      else if (c == '"') quoted = false;
      else current += c;
    } else if (c == '"') {
      quoted = in_item = true;
    } else if (c == ',') {
      items.push_back(current);
      current.clear();
      in_item = false;
    } else {
      current += c;
      in_item = true;
    }
  }
  if (in_item || !items.empty()) items.push_back(current);
  return items;
}

}  // namespace

std::vector<std::string> Executor::primary_key(const core::Backfill& spec) {
  auto rows = m_database.query(fmt::format(
      "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
      "WHERE i.indrelid = to_regclass({}) AND i.indisprimary ORDER BY array_position(i.indkey::int2[], a.attnum)",
      quote_literal(quote_ident(spec.schema) + "." + quote_ident(spec.table))));
  std::vector<std::string> key;
  for (const auto& row : rows) key.push_back(*row[0]);
  return key;
}

Error Executor::no_primary_key(const core::Step& step) {
  return Error(ExitCode::runtime,
               fmt::format("{}: table {}.{} has no primary key, so its backfill cannot walk it in batches; nothing of "
                           "this revision was run",
                           step.origin(), step.backfill->schema, step.backfill->table),
               "add a primary key to the table first, or fill it yourself with a `sql` operation");
}

void Executor::check_backfill_keys(const std::vector<core::Step>& steps) {
  if (m_database.offline()) return;
  for (const auto& step : steps) {
    if (step.kind != core::Step::Kind::backfill) continue;
    const core::Backfill& spec = *step.backfill;
    // A table the revision creates itself is not there yet; its backfill finds nothing to do.
    auto exists = m_database.query(fmt::format("SELECT to_regclass({}) IS NOT NULL",
                                               quote_literal(quote_ident(spec.schema) + "." + quote_ident(spec.table))));
    if (!exists.empty() && exists[0][0] && *exists[0][0] == "t" && primary_key(spec).empty())
      throw no_primary_key(step);
  }
}

void Executor::run_backfill(const core::Revision& revision, const core::Step& step, int step_index) {
  const core::Backfill& spec = *step.backfill;
  const std::string table = quote_ident(spec.schema) + "." + quote_ident(spec.table);
  const std::string display = spec.schema + "." + spec.table;
  if (m_database.offline()) {
    m_database.run({{fmt::format("-- backfill {} in batches of {} rows by primary key, each batch its own "
                                 "transaction:\n-- UPDATE {} SET {}{}",
                                 display, m_options.backfill_batch, table, spec.set_clause,
                                 spec.where_clause.empty() ? "" : " WHERE " + spec.where_clause)},
                    false});
    return;
  }

  std::vector<std::string> key = primary_key(spec);
  if (key.empty()) throw no_primary_key(step);

  // Where a previous run stopped.
  std::vector<std::string> last;
  long long done = 0;
  auto progress = m_database.query(fmt::format("SELECT last_key::text, rows_done, finished FROM {} WHERE revision = {} AND step = {}",
                                               m_state.table("backfill_progress"), quote_literal(revision.id), step_index));
  if (!progress.empty()) {
    if (*progress[0][2] == "t") return;
    last = parse_text_array(*progress[0][0]);
    done = std::stoll(*progress[0][1]);
    m_reporter.info(fmt::format("resuming the backfill of {} after {} rows", display, done));
  }

  const std::string keys = column_list(key);
  auto upper_rows = m_database.query(fmt::format("SELECT {} FROM {} ORDER BY {} DESC LIMIT 1", text_array_of(key, ""),
                                                 table, [&] {
                                                   std::string order;
                                                   for (size_t i = 0; i < key.size(); ++i)
                                                     order += (i ? ", " : "") + quote_ident(key[i]) + " DESC";
                                                   return order.substr(0, order.size() - 5);
                                                 }()));
  if (upper_rows.empty()) {
    m_database.run({{m_state.save_backfill(revision.id, step_index, last, done, true)}, true});
    return;
  }
  const std::vector<std::string> upper = parse_text_array(*upper_rows[0][0]);
  const std::string after_last = last.empty() ? "true" : fmt::format("({}) > ({})", keys, literal_list(last));
  auto total_rows = m_database.query(fmt::format("SELECT count(*) FROM {} WHERE {} AND ({}) <= ({})", table, after_last,
                                                 keys, literal_list(upper)));
  const long long total = done + std::stoll(*total_rows[0][0]);
  // Progress and rate count this run's rows: a run resumed late would
  // otherwise report the earlier runs' rows as done in its own time.
  const long long done_before = done;

  const auto start = std::chrono::steady_clock::now();
  auto last_heartbeat = std::chrono::steady_clock::now();
  while (true) {
    check_interrupted();
    if (std::chrono::steady_clock::now() - last_heartbeat > std::chrono::seconds(5)) {
      m_database.heartbeat();
      last_heartbeat = std::chrono::steady_clock::now();
    }
    std::string lower = last.empty() ? "true" : fmt::format("({}) > ({})", keys, literal_list(last));
    // One statement: pick the next batch of keys, update those that still need
    // it, and save the new position, so a kill between batches loses nothing.
    std::string batch_sql = fmt::format(
        "WITH b AS (SELECT {keys} FROM {table} WHERE {lower} AND ({keys}) <= ({upper}) ORDER BY {keys} LIMIT {limit}), "
        "e AS (SELECT {keys} FROM b ORDER BY {keys} DESC LIMIT 1), "
        // A key range, not `IN (SELECT ...)`: the new columns have no
        // statistics yet, and the planner would scan the whole table per batch.
        "u AS (UPDATE {table} SET {set} WHERE {lower} AND ({keys}) <= (SELECT {keys} FROM e){where} RETURNING 1), "
        "l AS (SELECT {last_key} AS k FROM b ORDER BY {keys_b} DESC LIMIT 1), "
        "s AS (INSERT INTO {progress} (revision, step, last_key, rows_done, finished, updated_at) "
        "SELECT {rev}, {step}, l.k, {done} + (SELECT count(*) FROM b), false, now() FROM l "
        "ON CONFLICT (revision, step) DO UPDATE SET last_key = EXCLUDED.last_key, rows_done = EXCLUDED.rows_done, "
        "updated_at = now() RETURNING 1) "
        "SELECT (SELECT count(*) FROM b), (SELECT k::text FROM l), (SELECT count(*) FROM s), (SELECT count(*) FROM u)",
        fmt::arg("keys", keys), fmt::arg("table", table), fmt::arg("lower", lower), fmt::arg("upper", literal_list(upper)),
        fmt::arg("limit", m_options.backfill_batch), fmt::arg("set", spec.set_clause),
        fmt::arg("where", spec.where_clause.empty() ? "" : " AND (" + spec.where_clause + ")"),
        fmt::arg("last_key", text_array_of(key, "b.")), fmt::arg("keys_b", column_list(key, "b.")),
        fmt::arg("progress", m_state.table("backfill_progress")), fmt::arg("rev", quote_literal(revision.id)),
        fmt::arg("step", step_index), fmt::arg("done", done));
    Batch batch;
    batch.statements = timeouts(revision, true);
    batch.statements.push_back("SET LOCAL migrate.backfill = 'on'");
    batch.statements.push_back(batch_sql);
    batch.result_of = static_cast<int>(batch.statements.size()) - 1;
    std::vector<Database::Row> rows = run_with_retry(batch, step, -1, nullptr);
    long long picked = std::stoll(*rows[0][0]);
    if (picked == 0) break;
    done += picked;
    last = parse_text_array(*rows[0][1]);
    // The reporter decides how often to draw.
    m_reporter.backfill_progress(display, done - done_before, total - done_before,
                                 std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - start), false);
    if (picked < m_options.backfill_batch) break;
    if (m_options.backfill_pause.count() > 0) std::this_thread::sleep_for(m_options.backfill_pause);
  }
  m_database.run({{m_state.save_backfill(revision.id, step_index, last, done, true)}, true});
  m_reporter.backfill_progress(display, done - done_before, total - done_before,
                               std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - start), true);
}

}  // namespace migrate::engine
