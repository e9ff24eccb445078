#include "engine/backfill_sql.hpp"

#include <fmt/format.h>

#include "core/sql/sql_text.hpp"

namespace migrate::engine {

using core::quote_ident;
using core::quote_literal;

namespace {

std::string column_list(const std::vector<std::string>& columns, const std::string& prefix = "") {
  std::string out;
  for (size_t i = 0; i < columns.size(); ++i)
    out += (i ? ", " : "") + prefix + quote_ident(columns[i]);
  return out;
}

std::string literal_list(const std::vector<std::string>& values) {
  std::string out;
  for (size_t i = 0; i < values.size(); ++i) out += (i ? ", " : "") + quote_literal(values[i]);
  return out;
}

std::string text_array_of(const std::vector<std::string>& columns, const std::string& prefix) {
  std::string out = "ARRAY[";
  for (size_t i = 0; i < columns.size(); ++i)
    out += (i ? ", " : "") + prefix + quote_ident(columns[i]) + "::text";
  return out + "]";
}

std::string descending(const std::vector<std::string>& columns) {
  std::string order;
  for (size_t i = 0; i < columns.size(); ++i)
    order += (i ? ", " : "") + quote_ident(columns[i]) + " DESC";
  return order;
}

std::string table_of(const BackfillTarget& target) {
  return quote_ident(target.table.schema) + "." + quote_ident(target.table.name);
}

std::string after_condition(const BackfillTarget& target, const std::vector<std::string>& after) {
  return after.empty() ? "true"
                       : fmt::format("({}) > ({})", column_list(target.key), literal_list(after));
}

// The SQL holes a batch leaves open: literal text online, format() holes in the loop.
struct Bounds {
  std::string lower;  // condition on the keys after the last one done
  std::string upper;  // the largest key, as a list of literals
  std::string done;   // rows done before this batch
};

// `escape` doubles '%' in the parts that come from the revision, for format().
std::string batch_statement(const BackfillBatch& batch, const StateSql& state, const Bounds& bounds,
                            bool escape) {
  auto own = [&](const std::string& text) {
    if (!escape) return text;
    std::string out;
    for (char c : text) out += c == '%' ? std::string("%%") : std::string(1, c);
    return out;
  };
  const BackfillTarget& target = batch.target;
  const std::string keys = column_list(target.key);
  return fmt::format(
      "WITH b AS (SELECT {keys} FROM {table} WHERE {lower} AND ({keys}) <= ({upper}) ORDER BY "
      "{keys} LIMIT {limit}), "
      "e AS (SELECT {keys} FROM b ORDER BY {keys} DESC LIMIT 1), "
      // A key range, not `IN (SELECT ...)`: the new columns have no
      // statistics yet, and the planner would scan the whole table per batch.
      "u AS (UPDATE {table} SET {set} WHERE {lower} AND ({keys}) <= (SELECT {keys} FROM e){where} "
      "RETURNING 1), "
      "l AS (SELECT {last_key} AS k FROM b ORDER BY {keys_b} DESC LIMIT 1), "
      "s AS (INSERT INTO {progress} (revision, step, last_key, rows_done, finished, updated_at) "
      "SELECT {rev}, {step}, l.k, {done} + (SELECT count(*) FROM b), false, now() FROM l "
      "ON CONFLICT (revision, step) DO UPDATE SET last_key = EXCLUDED.last_key, rows_done = "
      "EXCLUDED.rows_done, "
      "updated_at = now() RETURNING 1) "
      "SELECT (SELECT count(*) FROM b), (SELECT k::text FROM l), (SELECT count(*) FROM s), (SELECT "
      "count(*) FROM u)",
      fmt::arg("keys", own(keys)), fmt::arg("table", own(table_of(target))),
      fmt::arg("lower", bounds.lower), fmt::arg("upper", bounds.upper),
      fmt::arg("limit", batch.limit), fmt::arg("set", own(target.set_clause)),
      fmt::arg("where",
               target.where_clause.empty() ? "" : " AND (" + own(target.where_clause) + ")"),
      fmt::arg("last_key", own(text_array_of(target.key, "b."))),
      fmt::arg("keys_b", own(column_list(target.key, "b."))),
      fmt::arg("progress", own(state.table("backfill_progress"))),
      fmt::arg("rev", own(quote_literal(batch.revision))), fmt::arg("step", batch.step),
      fmt::arg("done", bounds.done));
}

// A dollar-quote tag that does not occur in `body`.
std::string dollar_tag(const std::string& body) {
  std::string tag = "$migrate_backfill$";
  for (int n = 1; body.find(tag) != std::string::npos; ++n)
    tag = fmt::format("$migrate_backfill_{}$", n);
  return tag;
}

}  // namespace

std::string backfill_range_sql(const BackfillTarget& target,
                               const std::vector<std::string>& after) {
  const std::string table = table_of(target);
  const std::string keys = column_list(target.key);
  return fmt::format(
      "WITH top AS (SELECT {0} FROM {1} ORDER BY {2} LIMIT 1) "
      "SELECT (SELECT {3} FROM top), (SELECT count(*) FROM {1} WHERE {4} AND ({0}) <= (SELECT {0} "
      "FROM top))",
      keys, table, descending(target.key), text_array_of(target.key, ""),
      after_condition(target, after));
}

std::string backfill_batch_sql(const BackfillBatch& batch, const StateSql& state) {
  Bounds bounds{after_condition(batch.target, batch.after), literal_list(batch.upper),
                std::to_string(batch.rows_done)};
  return batch_statement(batch, state, bounds, false);
}

std::string backfill_loop_sql(const BackfillBatch& batch, const StateSql& state) {
  const BackfillTarget& target = batch.target;
  const std::string keys = column_list(target.key);
  std::string upper_holes, key_holes;
  for (size_t i = 0; i < target.key.size(); ++i) {
    upper_holes += fmt::format("{}v_upper[{}]", i ? ", " : "", i + 1);
    key_holes += fmt::format("{}%L", i ? ", " : "");
  }
  Bounds holes{"%1$s", "%2$s", "%3$s"};
  std::string statement = batch_statement(batch, state, holes, true);
  std::string body = fmt::format(
      "\nDECLARE\n"
      "  v_last text[];\n  v_upper text[];\n  v_last_text text;\n  v_picked bigint;\n  v_done "
      "bigint := 0;\n"
      "  v_finished boolean := false;\n"
      "BEGIN\n"
      "  SELECT last_key, rows_done, finished INTO v_last, v_done, v_finished FROM {progress}\n"
      "    WHERE revision = {rev} AND step = {step};\n"
      "  IF coalesce(v_finished, false) THEN RETURN; END IF;\n"
      "  v_done := coalesce(v_done, 0);\n"
      "  SELECT {top} INTO v_upper FROM {table} ORDER BY {desc} LIMIT 1;\n"
      "  IF v_upper IS NULL THEN RETURN; END IF;\n"
      "  LOOP\n"
      "    PERFORM set_config('lock_timeout', '{lock_timeout}ms', true);\n"
      "    PERFORM set_config('statement_timeout', '{statement_timeout}ms', true);\n"
      "    PERFORM set_config('migrate.backfill', 'on', true);\n"
      "    EXECUTE format({statement},\n"
      "        CASE WHEN v_last IS NULL OR cardinality(v_last) = 0 THEN 'true'\n"
      "             ELSE format('({keys_text}) > ({key_holes})', {last_items}) END,\n"
      "        format('{key_holes}', {upper_holes}), v_done)\n"
      "      INTO v_picked;\n"
      "    SELECT last_key, rows_done INTO v_last, v_done FROM {progress} WHERE revision = {rev} "
      "AND step = {step};\n"
      "    COMMIT;\n"
      "    EXIT WHEN v_picked < {limit};\n"
      "  END LOOP;\n"
      "END\n",
      fmt::arg("progress", state.table("backfill_progress")),
      fmt::arg("rev", quote_literal(batch.revision)), fmt::arg("step", batch.step),
      fmt::arg("top", text_array_of(target.key, "")), fmt::arg("table", table_of(target)),
      fmt::arg("desc", descending(target.key)),
      fmt::arg("lock_timeout", batch.lock_timeout.count()),
      fmt::arg("statement_timeout", batch.statement_timeout.count()),
      fmt::arg("statement", quote_literal(statement)),
      fmt::arg("keys_text",
               core::quote_literal(keys).substr(1, core::quote_literal(keys).size() - 2)),
      fmt::arg("key_holes", key_holes), fmt::arg("upper_holes", upper_holes),
      fmt::arg("last_items",
               [&] {
                 std::string items;
                 for (size_t i = 0; i < target.key.size(); ++i)
                   items += fmt::format("{}v_last[{}]", i ? ", " : "", i + 1);
                 return items;
               }()),
      fmt::arg("limit", batch.limit));
  std::string tag = dollar_tag(body);
  return "DO " + tag + body + tag;
}

}  // namespace migrate::engine
