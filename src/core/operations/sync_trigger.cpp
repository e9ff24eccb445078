#include "core/operations/sync_trigger.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/sql/sql_expression.hpp"
#include "core/sql/sql_text.hpp"

namespace migrate::core {

namespace {

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::vector<std::string> columns_of(const std::vector<ComputedColumn>& computed) {
  std::vector<std::string> names;
  for (const auto& item : computed) names.push_back(item.column);
  return names;
}

// Columns `computed` expressions read, leaving out `except`.
std::vector<std::string> inputs_of(const std::vector<ComputedColumn>& computed,
                                   const std::vector<std::string>& except) {
  std::vector<std::string> names;
  for (const auto& item : computed)
    for (auto& name : referenced_columns(item.expression))
      if (!contains(except, name) && !contains(names, name)) names.push_back(std::move(name));
  return names;
}

std::vector<std::string> joined(std::vector<std::string> a, const std::vector<std::string>& b) {
  for (const auto& name : b)
    if (!contains(a, name)) a.push_back(name);
  return a;
}

// "NEW."a" IS NOT NULL OR NEW."b" IS NOT NULL"; "" for no columns.
std::string any_set(const std::vector<std::string>& columns) {
  std::string sql;
  for (const auto& column : columns)
    sql += (sql.empty() ? "" : " OR ") + fmt::format("NEW.{} IS NOT NULL", quote_ident(column));
  return sql;
}

std::string any_changed(const std::vector<std::string>& columns) {
  std::string sql;
  for (const auto& column : columns)
    sql += (sql.empty() ? "" : " OR ") +
           fmt::format("NEW.{0} IS DISTINCT FROM OLD.{0}", quote_ident(column));
  return sql;
}

std::string negated(const std::string& condition) { return fmt::format("NOT ({})", condition); }

// SELECT (e1), (e2) INTO NEW."a", NEW."b" FROM (SELECT NEW.*) AS "users":
// the expressions read the row's columns by name, as written in the file.
std::string compute(const std::vector<ComputedColumn>& computed, const TableName& table) {
  std::string values, targets;
  for (const auto& item : computed) {
    values += (values.empty() ? "" : ", ") + fmt::format("({})", item.expression);
    targets += (targets.empty() ? "" : ", ") + fmt::format("NEW.{}", quote_ident(item.column));
  }
  return fmt::format("SELECT {} INTO {} FROM (SELECT NEW.*) AS {};", values, targets,
                     quote_ident(table.name));
}

// UPDATE: each group of computed columns that read the same columns is
// recomputed when one of those changed.
std::string recompute_changed(const std::vector<ComputedColumn>& computed,
                              const std::vector<std::string>& except, const TableName& table,
                              const std::string& indent) {
  std::vector<std::pair<std::vector<std::string>, std::vector<ComputedColumn>>> groups;
  for (const auto& item : computed) {
    std::vector<std::string> inputs = inputs_of({item}, except);
    if (inputs.empty()) continue;  // reads nothing the writer could change
    auto group = std::find_if(groups.begin(), groups.end(),
                              [&](const auto& g) { return g.first == inputs; });
    if (group == groups.end())
      groups.push_back({inputs, {item}});
    else
      group->second.push_back(item);
  }
  std::string sql;
  for (const auto& [inputs, items] : groups)
    sql += fmt::format("{0}IF {1} THEN\n{0}  {2}\n{0}END IF;\n", indent, any_changed(inputs),
                       compute(items, table));
  return sql;
}

// UPDATE: when no column of `computed` was set before and the writer set some,
// each one still NULL is computed; "" with fewer than two columns (the one
// written is then the only one).
std::string fill_unreached(const std::vector<ComputedColumn>& computed, const TableName& table) {
  if (computed.size() < 2) return "";
  std::string none_before;
  for (const auto& item : computed)
    none_before += (none_before.empty() ? "" : " AND ") +
                   fmt::format("OLD.{} IS NULL", quote_ident(item.column));
  std::string sql =
      fmt::format("    IF {} AND ({}) THEN\n", none_before, any_changed(columns_of(computed)));
  for (const auto& item : computed)
    sql += fmt::format("      IF NEW.{} IS NULL THEN\n        {}\n      END IF;\n",
                       quote_ident(item.column), compute({item}, table));
  return sql + "    END IF;\n";
}

// IF/ELSIF chain of (condition, body) branches; branches with empty bodies are
// left out and a condition "" means "always".
std::string branches(const std::vector<std::pair<std::string, std::string>>& cases,
                     const std::string& indent) {
  std::string sql;
  bool open = false;
  for (const auto& [condition, body] : cases) {
    if (body.empty()) continue;
    if (condition.empty()) {
      if (!open) return body;
      sql += indent + "ELSE\n" + body;
      break;
    }
    sql += fmt::format("{}{} {} THEN\n{}", indent, open ? "ELSIF" : "IF", condition, body);
    open = true;
  }
  return open ? sql + indent + "END IF;\n" : sql;
}

}  // namespace

SyncTable& SyncPlan::table(const TableName& table, int line) {
  for (auto& sync : m_tables)
    if (sync.table.schema == table.schema && sync.table.name == table.name) return sync;
  m_tables.push_back({});
  m_tables.back().table = table;
  m_tables.back().line = line;
  return m_tables.back();
}

std::string sync_trigger_name(const std::string& revision, const TableName& table) {
  return limited_identifier(fmt::format("migrate_sync_{}_{}", revision, table.name));
}

std::string sync_function_sql(const SyncTable& sync, const std::string& revision) {
  const std::vector<std::string> old_side = sync.old_columns;
  const std::vector<std::string> new_side = columns_of(sync.up);
  // The columns whose change marks a writer as old or new: what it writes
  // itself, plus what the other side's expressions read.
  const std::vector<std::string> old_inputs = joined(old_side, inputs_of(sync.up, new_side));
  const std::vector<std::string> new_inputs = joined(new_side, inputs_of(sync.down, old_side));

  const std::string ind = "      ";
  // INSERT: new columns have no default during expand, so a row that carries
  // one was written by the new version; old columns may have defaults, so
  // their being set says nothing about the writer.
  std::string on_insert;
  const std::string ups = sync.up.empty() ? "" : ind + compute(sync.up, sync.table) + "\n";
  const std::string downs = sync.down.empty() ? "" : ind + compute(sync.down, sync.table) + "\n";
  if (!sync.up.empty() && !sync.down.empty())
    on_insert = branches({{any_set(new_side), downs}, {"", ups}}, "    ");
  else if (!sync.up.empty())
    on_insert = branches({{negated(any_set(new_side)), ups}}, "    ");
  else
    for (const auto& item : sync.down)
      on_insert += branches({{fmt::format("NEW.{} IS NULL", quote_ident(item.column)),
                              ind + compute({item}, sync.table) + "\n"}},
                            "    ");
  // UPDATE of a row the backfill has not reached (no new column set yet) that
  // writes some new columns: the others would stay NULL for good (the backfill
  // skips rows with a new column set) and `down` would compute the old columns
  // from NULLs, e.g. name from first || ' ' || NULL. They come from `up` first.
  std::string on_update = fill_unreached(sync.up, sync.table);
  on_update += branches({{new_inputs.empty() ? "" : negated(any_changed(new_inputs)),
                          recompute_changed(sync.up, new_side, sync.table, ind)},
                         {old_inputs.empty() ? "" : negated(any_changed(old_inputs)),
                          recompute_changed(sync.down, old_side, sync.table, ind)}},
                        "    ");
  for (const auto& item : sync.derived) {
    const std::string column = quote_ident(item.column);
    on_insert += fmt::format("    IF NEW.{} IS NULL THEN\n{}{}\n    END IF;\n", column, ind,
                             compute({item}, sync.table));
    std::vector<std::string> inputs = inputs_of({item}, {item.column});
    if (!inputs.empty())
      on_update += fmt::format(
          "    IF NOT (NEW.{0} IS DISTINCT FROM OLD.{0}) AND ({1}) THEN\n{2}{3}\n    END IF;\n",
          column, any_changed(inputs), ind, compute({item}, sync.table));
  }

  std::string body = fmt::format(
      "#variable_conflict use_column\n"
      "BEGIN\n"
      "  -- The backfill computes the new columns itself.\n"
      "  IF current_setting('migrate.backfill', true) = 'on' THEN\n"
      "    RETURN NEW;\n"
      "  END IF;\n"
      "  IF TG_OP = 'INSERT' THEN\n"
      "{}"
      "  ELSE\n"
      "{}"
      "  END IF;\n"
      "  RETURN NEW;\n"
      "END",
      on_insert.empty() ? "    NULL;\n" : on_insert, on_update.empty() ? "    NULL;\n" : on_update);
  std::string tag = dollar_tag(body);
  return fmt::format(
      "CREATE OR REPLACE FUNCTION {}.{}() RETURNS trigger LANGUAGE plpgsql AS {}\n{}\n{}",
      quote_ident(sync.table.schema), quote_ident(sync_trigger_name(revision, sync.table)), tag,
      body, tag);
}

Backfill sync_backfill(const SyncTable& sync) {
  // Rows that need work, and for each column its value: when several
  // conditions meet in one UPDATE, each column keeps its value where its own
  // condition does not hold.
  struct Fill {
    std::string column, expression, condition;
  };
  std::vector<Fill> fills;
  std::string untouched;  // none of the up columns written yet
  for (const auto& item : sync.up)
    untouched += (untouched.empty() ? "" : " AND ") + quote_ident(item.column) + " IS NULL";
  for (const auto& item : sync.up) fills.push_back({item.column, item.expression, untouched});
  for (const auto* list : {&sync.derived, &sync.defaults})
    for (const auto& item : *list)
      fills.push_back({item.column, item.expression, quote_ident(item.column) + " IS NULL"});

  std::vector<std::string> conditions;
  for (const auto& fill : fills)
    if (!contains(conditions, fill.condition)) conditions.push_back(fill.condition);
  Backfill spec;
  spec.schema = sync.table.schema;
  spec.table = sync.table.name;
  for (const auto& fill : fills) {
    std::string column = quote_ident(fill.column);
    std::string value = conditions.size() == 1
                            ? fmt::format("({})", fill.expression)
                            : fmt::format("CASE WHEN {} THEN ({}) ELSE {} END", fill.condition,
                                          fill.expression, column);
    spec.set_clause += (spec.set_clause.empty() ? "" : ", ") + column + " = " + value;
  }
  for (const auto& condition : conditions)
    spec.where_clause += conditions.size() == 1
                             ? condition
                             : (spec.where_clause.empty() ? "(" : " OR (") + condition + ")";
  return spec;
}

void install_sync(const SyncTable& sync, const std::string& revision, StepWriter& out) {
  if (sync.has_trigger()) {
    const std::string name = sync_trigger_name(revision, sync.table);
    out.statement(sync_function_sql(sync, revision),
                  fmt::format("create the sync function of {}", sync.table.display()));
    out.statement(
        do_if(fmt::format("NOT EXISTS (SELECT 1 FROM pg_catalog.pg_trigger WHERE tgrelid = {} AND "
                          "tgname = {})",
                          regclass(sync.table), quote_literal(name)),
              // The WHEN clause spares backfill batches a function call per row.
              fmt::format("CREATE TRIGGER {0} BEFORE INSERT OR UPDATE ON {1} FOR EACH ROW "
                          "WHEN (current_setting('migrate.backfill', true) IS DISTINCT FROM 'on') "
                          "EXECUTE FUNCTION {2}.{0}()",
                          quote_ident(name), sync.table.quoted(), quote_ident(sync.table.schema))),
        fmt::format("create the sync trigger of {}", sync.table.display()));
  }
  if (sync.has_backfill()) {
    std::vector<std::string> filled =
        joined(joined(columns_of(sync.up), columns_of(sync.derived)), columns_of(sync.defaults));
    std::string list;
    for (const auto& column : filled) list += (list.empty() ? "" : ", ") + column;
    out.backfill(sync_backfill(sync), fmt::format("backfill {} ({})", sync.table.display(), list));
  }
}

void remove_sync(const SyncTable& sync, const std::string& revision, Swap swap, StepWriter& out) {
  if (!sync.has_trigger()) return;
  const std::string name = sync_trigger_name(revision, sync.table);
  const std::string drop_trigger =
      fmt::format("DROP TRIGGER IF EXISTS {} ON {}", quote_ident(name), sync.table.quoted());
  if (swap == Swap::yes && !sync.swaps.empty()) {
    std::string body = "BEGIN\n  " + drop_trigger + ";\n";
    for (const auto& [shadow, final_name] : sync.swaps)
      body += fmt::format(
          "  IF {} THEN\n    {};\n    {};\n  END IF;\n", column_exists(sync.table, shadow),
          alter_table(sync.table, "DROP COLUMN IF EXISTS " + quote_ident(final_name)),
          alter_table(sync.table, fmt::format("RENAME COLUMN {} TO {}", quote_ident(shadow),
                                              quote_ident(final_name))));
    out.statement(do_block(body + "END"),
                  fmt::format("drop the sync trigger of {} and swap in the new columns",
                              sync.table.display()));
  } else {
    out.statement(drop_trigger, fmt::format("drop the sync trigger of {}", sync.table.display()));
  }
  out.statement(fmt::format("DROP FUNCTION IF EXISTS {}.{}()", quote_ident(sync.table.schema),
                            quote_ident(name)),
                fmt::format("drop the sync function of {}", sync.table.display()));
}

}  // namespace migrate::core
