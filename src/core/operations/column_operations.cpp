// add_column, drop_column, rename_column and alter_column: reading, sync
// needs and steps. docs/yaml-operations.md describes each phase.
#include <fmt/format.h>

#include "core/operations/column_dependents.hpp"
#include "core/operations/operation_parts.hpp"
#include "core/sql/sql_expression.hpp"
#include "core/sql/sql_text.hpp"

namespace migrate::core {

namespace {

std::string display(const TableName& table, const std::string& column) {
  return fmt::format("{}.{}", table.display(), column);
}

std::string drop_column(const TableName& table, const std::string& column) {
  return alter_table(table, "DROP COLUMN IF EXISTS " + quote_ident(column));
}

std::string drop_not_null(const TableName& table, const std::string& column) {
  return alter_table(table, fmt::format("ALTER COLUMN {} DROP NOT NULL", quote_ident(column)));
}

// ADD COLUMN with the type `from` has now, read from the catalog at run time.
std::string add_column_like(const TableName& table, const std::string& column,
                            const std::string& from) {
  return do_block(fmt::format(
      "DECLARE\n"
      "  column_type text := (SELECT pg_catalog.format_type(atttypid, atttypmod) FROM "
      "pg_catalog.pg_attribute WHERE attrelid = {0} AND attname = {1} AND attnum > 0 AND NOT "
      "attisdropped);\n"
      "BEGIN\n"
      "  IF column_type IS NULL THEN\n"
      "    RAISE EXCEPTION USING MESSAGE = {2};\n"
      "  END IF;\n"
      "  EXECUTE pg_catalog.format('ALTER TABLE %s ADD COLUMN IF NOT EXISTS %s %s', {3}, {4}, "
      "column_type);\n"
      "END",
      regclass(table), quote_literal(from),
      quote_literal(fmt::format("column {} does not exist", display(table, from))),
      quote_literal(table.quoted()), quote_literal(quote_ident(column))));
}

// SET DEFAULT of `to` to the default `from` has now, if any. After a type
// change PostgreSQL converts it as for an assignment, or fails loudly.
std::string copy_default(const TableName& table, const std::string& from, const std::string& to) {
  return do_block(fmt::format(
      "DECLARE\n"
      "  old_default text := (SELECT pg_catalog.pg_get_expr(d.adbin, d.adrelid) FROM "
      "pg_catalog.pg_attrdef d JOIN pg_catalog.pg_attribute a ON a.attrelid = d.adrelid AND "
      "a.attnum = d.adnum WHERE a.attrelid = {0} AND a.attname = {1});\n"
      "BEGIN\n"
      "  IF old_default IS NOT NULL AND {4} THEN\n"
      "    EXECUTE pg_catalog.format('ALTER TABLE %s ALTER COLUMN %s SET DEFAULT %s', {2}, {3}, "
      "old_default);\n"
      "  END IF;\n"
      "END",
      regclass(table), quote_literal(from), quote_literal(table.quoted()),
      quote_literal(quote_ident(to)), column_exists(table, to)));
}

std::string cast(const std::string& column, const std::string& type) {
  return fmt::format("CAST({} AS {})", quote_ident(column), type);
}

std::string up_of(const AlterColumnOp& op) {
  if (!op.up.empty()) return op.up;
  return op.type.empty() ? quote_ident(op.column) : cast(op.column, op.type);
}

std::string down_of(const AlterColumnOp& op) {
  if (!op.down.empty()) return op.down;
  return op.old_type.empty() ? quote_ident(op.name) : cast(op.name, op.old_type);
}

std::string name_of(const TableName& table, const std::string& column, const char* suffix) {
  return limited_identifier(fmt::format("{}_{}_{}", table.name, column, suffix));
}

}  // namespace

// --- reading -------------------------------------------------------------------------------

AddColumnOp parse_add_column(FieldReader& fields) {
  AddColumnOp op;
  op.table = fields.table("table", Need::required);
  op.column = fields.identifier("column", Need::required);
  op.type = fields.type("type", Need::required);
  op.up = fields.expression("up", Need::optional);
  op.default_value = fields.expression("default", Need::optional);
  op.nullable = fields.flag("nullable").value_or(true);
  op.unique = fields.flag("unique").value_or(false);
  op.references = read_references(fields, "references");
  op.check = fields.expression("check", Need::optional);
  if (!op.nullable && !fields.has("up") && !fields.has("default"))
    fields.problem(fields.line("nullable"),
                   "'nullable: false' of 'add_column' needs 'up' or 'default' to fill the rows "
                   "that exist");
  return op;
}

DropColumnOp parse_drop_column(FieldReader& fields) {
  DropColumnOp op;
  op.table = fields.table("table", Need::required);
  op.column = fields.identifier("column", Need::required);
  op.down = fields.expression("down", Need::optional);
  op.type = fields.type("type", Need::optional);
  return op;
}

AlterColumnOp parse_rename_column(FieldReader& fields) {
  AlterColumnOp op;
  op.table = fields.table("table", Need::required);
  op.column = fields.identifier("from", Need::required);
  op.name = fields.identifier("to", Need::required);
  if (!op.column.empty() && op.column == op.name)
    fields.problem(fields.line("to"), "'rename_column' renames a column to the name it has");
  return op;
}

AlterColumnOp parse_alter_column(FieldReader& fields) {
  AlterColumnOp op;
  op.table = fields.table("table", Need::required);
  op.column = fields.identifier("column", Need::required);
  op.name = fields.identifier("name", Need::optional);
  op.type = fields.type("type", Need::optional);
  op.old_type = fields.type("old_type", Need::optional);
  op.nullable = fields.flag("nullable");
  op.up = fields.expression("up", Need::optional);
  op.down = fields.expression("down", Need::optional);
  if (!fields.has("name") && !fields.has("type") && !fields.has("nullable"))
    fields.problem(fields.line(), "'alter_column' needs 'type', 'name' or 'nullable'");
  if (fields.has("old_type") && !fields.has("type"))
    fields.problem(fields.line("old_type"), "'old_type' of 'alter_column' needs 'type'");
  if (fields.has("down") && !fields.has("name"))
    fields.problem(fields.line("down"),
                   "'down' of 'alter_column' needs 'name': without a new name both versions "
                   "write the old column and the new one is only computed from it");
  if (fields.has("up") && !fields.has("name") && !fields.has("type"))
    fields.problem(fields.line("up"),
                   "'up' of 'alter_column' needs 'type' or 'name': 'nullable' alone changes the "
                   "column in place");
  if (!op.name.empty() && op.name == op.column)
    fields.problem(fields.line("name"), "'name' of 'alter_column' is the column's own name");
  return op;
}

// --- sync ----------------------------------------------------------------------------------

void add_sync(const AddColumnOp& op, int line, SyncPlan& plan) {
  if (!op.up.empty()) {
    plan.table(op.table, line).up.push_back({op.column, op.up});
  } else if (!op.default_value.empty() && !is_constant_expression(op.default_value)) {
    plan.table(op.table, line).defaults.push_back({op.column, op.default_value});
  }
}

void add_sync(const DropColumnOp& op, int line, SyncPlan& plan) {
  SyncTable& sync = plan.table(op.table, line);
  sync.old_columns.push_back(op.column);
  if (!op.down.empty()) sync.down.push_back({op.column, op.down});
}

void add_sync(const AlterColumnOp& op, int line, SyncPlan& plan) {
  if (!op.has_new_column()) return;
  SyncTable& sync = plan.table(op.table, line);
  const std::string written = new_column_of(op);
  if (op.renames()) {
    sync.old_columns.push_back(op.column);
    sync.up.push_back({written, up_of(op)});
    sync.down.push_back({op.column, down_of(op)});
  } else {
    // Both versions write the old column; the shadow only follows it.
    sync.derived.push_back({written, up_of(op)});
    sync.swaps.push_back({written, op.column});
  }
}

std::string new_column_of(const AlterColumnOp& op) {
  return op.renames() ? op.name : limited_identifier("migrate_new_" + op.column);
}

// --- steps ---------------------------------------------------------------------------------

void render(const AddColumnOp& op, Phase phase, OperationSteps& out) {
  const std::string column = quote_ident(op.column);
  const std::string what = display(op.table, op.column);
  const std::string check = name_of(op.table, op.column, "check");
  const std::string foreign_key = name_of(op.table, op.column, "fkey");
  const std::string unique = name_of(op.table, op.column, "key");
  // With `up`, old writers' rows get their value from the trigger: a default
  // would make them look written by the new version, so it waits for contract.
  const bool default_now = !op.default_value.empty() && op.up.empty();
  switch (phase) {
    case Phase::expand: {
      std::string add = fmt::format("ADD COLUMN IF NOT EXISTS {} {}", column, op.type);
      // A constant default is stored in the catalog; any other would rewrite
      // the table, so it applies to new rows and the backfill fills the rest.
      if (default_now && is_constant_expression(op.default_value))
        add += fmt::format(" DEFAULT ({})", op.default_value);
      else if (default_now)
        add += fmt::format(", ALTER COLUMN {} SET DEFAULT ({})", column, op.default_value);
      out.main.statement(alter_table(op.table, add), "add column " + what);
      if (!op.check.empty())
        add_constraint_not_valid(out.main, op.table, check, fmt::format("CHECK ({})", op.check),
                                 "the check of " + what);
      if (op.references)
        add_constraint_not_valid(
            out.main, op.table, foreign_key,
            fmt::format("FOREIGN KEY ({}) {}", column, references_clause(*op.references)),
            "the foreign key of " + what);
      if (op.unique)
        out.late.build_index(
            fmt::format("CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS {} ON {} ({})",
                        quote_ident(unique), op.table.quoted(), column),
            "build the unique index of " + what, {op.table.schema, unique});
      if (!op.check.empty()) validate_constraint(out.late, op.table, check, "the check of " + what);
      if (op.references)
        validate_constraint(out.late, op.table, foreign_key, "the foreign key of " + what);
      return;
    }
    case Phase::contract:
      if (!op.nullable) set_not_null_steps(out.main, op.table, op.column);
      if (op.unique)
        out.main.statement(
            do_if("NOT " + constraint_exists(op.table, unique),
                  alter_table(op.table, fmt::format("ADD CONSTRAINT {0} UNIQUE USING INDEX {0}",
                                                    quote_ident(unique)))),
            "make the unique index of " + what + " its constraint");
      if (!op.default_value.empty() && !default_now)
        out.main.statement(alter_table(op.table, fmt::format("ALTER COLUMN {} SET DEFAULT ({})",
                                                             column, op.default_value)),
                           "set the default of " + what);
      return;
    case Phase::rollback:
    case Phase::down:
      out.main.statement(drop_column(op.table, op.column), "drop column " + what);
      return;
  }
}

void render(const DropColumnOp& op, Phase phase, OperationSteps& out) {
  const std::string what = display(op.table, op.column);
  switch (phase) {
    case Phase::expand:
      out.main.statement(drop_not_null(op.table, op.column),
                         "let writers of the new version leave out " + what);
      return;
    case Phase::contract:
      out.late.statement(drop_column(op.table, op.column), "drop column " + what);
      return;
    case Phase::rollback:
      return;  // the column is still there; only the sync trigger goes
    case Phase::down:
      if (op.type.empty()) {
        out.refusals.refusal(fmt::format(
            "cannot re-create column {} after contract: its drop_column has no 'type'", what));
        return;
      }
      out.main.statement(alter_table(op.table, fmt::format("ADD COLUMN IF NOT EXISTS {} {}",
                                                           quote_ident(op.column), op.type)),
                         "add column " + what + " again");
      if (!op.down.empty())
        out.main.backfill({op.table.schema, op.table.name,
                           fmt::format("{} = ({})", quote_ident(op.column), op.down),
                           quote_ident(op.column) + " IS NULL"},
                          "backfill " + what + " from 'down'");
      return;
  }
}

// alter_column that only changes NOT NULL, in place: dropped at once when the
// column becomes nullable, added once old writers are gone when it does not.
static void render_nullability(const AlterColumnOp& op, Phase phase, OperationSteps& out) {
  const bool undo = phase == Phase::rollback || phase == Phase::down;
  const bool drop = *op.nullable ? phase == Phase::expand : phase == Phase::down;
  const bool set = *op.nullable ? undo : phase == Phase::contract;
  if (drop)
    out.main.statement(drop_not_null(op.table, op.column),
                       "drop NOT NULL of " + display(op.table, op.column));
  if (set) set_not_null_steps(out.main, op.table, op.column);
}

// Down after contract: the new column becomes the old one again.
static void render_alter_down(const AlterColumnOp& op, OperationSteps& out) {
  const std::string what = display(op.table, op.column);
  if (!op.type.empty() && op.old_type.empty()) {
    out.refusals.refusal(fmt::format(
        "cannot change {} back after contract: its alter_column has no 'old_type'", what));
    return;
  }
  if (!op.renames()) {
    out.main.statement(alter_table(op.table, fmt::format("ALTER COLUMN {} TYPE {} USING {}",
                                                         quote_ident(op.column), op.old_type,
                                                         cast(op.column, op.old_type))),
                       fmt::format("change {} back to {} (rewrites the table)", what, op.old_type));
    return;
  }
  std::string body =
      fmt::format("BEGIN\n  IF {} AND NOT {} THEN\n", column_exists(op.table, op.name),
                  column_exists(op.table, op.column));
  if (!op.type.empty())
    body += fmt::format(
        "    {};\n",
        alter_table(op.table, fmt::format("ALTER COLUMN {} TYPE {} USING ({})",
                                          quote_ident(op.name), op.old_type, down_of(op))));
  body +=
      fmt::format("    {};\n  END IF;\nEND",
                  alter_table(op.table, fmt::format("RENAME COLUMN {} TO {}", quote_ident(op.name),
                                                    quote_ident(op.column))));
  out.main.statement(do_block(body),
                     fmt::format("rename {} back to {}", display(op.table, op.name), op.column));
}

// The old column goes in contract (dropped, or swapped for the shadow), and
// with it whatever depends on it: refused in expand, before anything is
// written, and again in contract for what was created meanwhile.
static void refuse_losing_dependents(const AlterColumnOp& op, StepWriter& out) {
  const std::string what = display(op.table, op.column);
  if (op.renames())
    refuse_column_dependents(out, op.table, op.column,
                             fmt::format("renaming {} to {}", what, op.name),
                             "ALTER TABLE ... RENAME COLUMN");
  else
    refuse_column_dependents(
        out, op.table, op.column, fmt::format("changing the type of {}", what),
        "ALTER TABLE ... ALTER COLUMN ... TYPE (it rewrites the table under an "
        "ACCESS EXCLUSIVE lock)");
}

void render(const AlterColumnOp& op, Phase phase, OperationSteps& out) {
  if (!op.has_new_column()) return render_nullability(op, phase, out);
  const std::string what = display(op.table, op.column);
  const std::string written = new_column_of(op);
  const std::string new_what = display(op.table, written);
  if (phase == Phase::expand || phase == Phase::contract) refuse_losing_dependents(op, out.main);
  switch (phase) {
    case Phase::expand:
      if (op.type.empty())
        out.main.statement(add_column_like(op.table, written, op.column),
                           fmt::format("add column {} typed like {}", new_what, op.column));
      else
        out.main.statement(alter_table(op.table, fmt::format("ADD COLUMN IF NOT EXISTS {} {}",
                                                             quote_ident(written), op.type)),
                           "add column " + new_what);
      return;
    case Phase::contract:
      // Guarded by the columns' existence too: after the swap or the drop of
      // the old column, running the step again must do nothing.
      if (!op.nullable || !*op.nullable)
        set_not_null_steps(out.main, op.table, written,
                           column_exists(op.table, written) + " AND " +
                               (op.nullable ? "true" : column_is_not_null(op.table, op.column)));
      out.main.statement(copy_default(op.table, op.column, written),
                         fmt::format("give {} the default of {}", new_what, op.column));
      if (op.renames()) out.late.statement(drop_column(op.table, op.column), "drop column " + what);
      return;
    case Phase::rollback:
      out.main.statement(drop_column(op.table, written), "drop column " + new_what);
      return;
    case Phase::down:
      render_alter_down(op, out);
      return;
  }
}

}  // namespace migrate::core
