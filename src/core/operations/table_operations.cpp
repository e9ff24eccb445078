// create_table, drop_table and raw sql.
#include <fmt/format.h>

#include "core/operations/operation_parts.hpp"
#include "core/sql/sql_text.hpp"

namespace migrate::core {

namespace {

const std::vector<std::string> k_column_keys = {"name",        "type",   "nullable",   "default",
                                                "primary_key", "unique", "references", "check"};

ColumnDefinition read_column(FieldReader& fields) {
  ColumnDefinition column;
  column.name = fields.identifier("name", Need::required);
  column.type = fields.type("type", Need::required);
  column.nullable = fields.flag("nullable").value_or(true);
  column.default_value = fields.expression("default", Need::optional);
  column.primary_key = fields.flag("primary_key").value_or(false);
  column.unique = fields.flag("unique").value_or(false);
  column.references = read_references(fields, "references");
  column.check = fields.expression("check", Need::optional);
  return column;
}

std::string column_sql(const ColumnDefinition& column) {
  std::string sql = quote_ident(column.name) + " " + column.type;
  if (!column.nullable) sql += " NOT NULL";
  if (!column.default_value.empty()) sql += fmt::format(" DEFAULT ({})", column.default_value);
  if (column.primary_key) sql += " PRIMARY KEY";
  if (column.unique) sql += " UNIQUE";
  if (column.references) sql += " " + references_clause(*column.references);
  if (!column.check.empty()) sql += fmt::format(" CHECK ({})", column.check);
  return sql;
}

// Raw SQL from the file. Its syntax is lint's business (`migrate lint`), as
// for SQL revisions; an empty script, or text that is not statements at all,
// is a mistake of the file.
std::string read_script(FieldReader& fields, const std::string& key, Need need) {
  std::string sql = fields.text(key, need);
  if (!fields.has(key) || !fields.node(key).IsScalar()) return sql;
  if (is_blank_sql(sql)) {
    if (need == Need::required)
      fields.problem(fields.line(key), fmt::format("'{}' of '{}' is empty", key, fields.context()));
    return sql;
  }
  try {
    split_statements(sql, fields.line(key));
  } catch (const std::exception& error) {
    fields.problem(fields.line(key), fmt::format("'{}' of '{}': cannot split SQL: {}", key,
                                                 fields.context(), error.what()));
  }
  return sql;
}

}  // namespace

SqlOp parse_sql_op(FieldReader& fields) {
  SqlOp op;
  op.up = read_script(fields, "up", Need::required);
  op.down = read_script(fields, "down", Need::optional);
  op.contract = read_script(fields, "contract", Need::optional);
  return op;
}

CreateTableOp parse_create_table(FieldReader& fields) {
  CreateTableOp op;
  op.table = fields.table("table", Need::required);
  op.primary_key = fields.identifiers("primary_key", Need::optional);
  const YAML::Node list = fields.node("columns");
  if (!fields.has("columns")) {
    fields.problem(fields.line(), "'create_table' needs 'columns'");
  } else if (!list.IsSequence() || list.size() == 0) {
    fields.problem(fields.line("columns"),
                   "'columns' of 'create_table' must be a list of columns, each a mapping such "
                   "as {name: id, type: bigint}");
  } else {
    for (const auto& item : list) {
      if (!item.IsMap()) {
        fields.problem(line_of(item),
                       "each column of 'create_table' must be a mapping such as "
                       "{name: id, type: bigint}");
        continue;
      }
      FieldReader column_fields(item, "create_table column", fields.path(), fields.problems(),
                                k_column_keys);
      ColumnDefinition column = read_column(column_fields);
      for (const auto& seen : op.columns)
        if (!column.name.empty() && seen.name == column.name)
          fields.problem(column_fields.line("name"),
                         fmt::format("column '{}' of 'create_table' is there twice", column.name));
      if (column.primary_key && fields.has("primary_key"))
        fields.problem(column_fields.line("primary_key"),
                       "'create_table' has both 'primary_key' and a column with 'primary_key: "
                       "true'; keep one");
      op.columns.push_back(std::move(column));
    }
  }
  for (const auto& name : op.primary_key) {
    bool defined = false;
    for (const auto& column : op.columns) defined = defined || column.name == name;
    if (!defined && !op.columns.empty())
      fields.problem(fields.line("primary_key"),
                     fmt::format("'primary_key' of 'create_table' names '{}', which is not one "
                                 "of its columns",
                                 name));
  }
  return op;
}

DropTableOp parse_drop_table(FieldReader& fields) {
  DropTableOp op;
  op.table = fields.table("table", Need::required);
  op.down = read_script(fields, "down", Need::optional);
  return op;
}

void render(const SqlOp& op, Phase phase, OperationSteps& out) {
  switch (phase) {
    case Phase::expand:
      out.main.script(op.up, "sql up");
      return;
    case Phase::contract:
      out.main.script(op.contract, "sql contract");
      return;
    case Phase::rollback:
    case Phase::down:
      out.main.script(op.down, "sql down");
      return;
  }
}

void render(const CreateTableOp& op, Phase phase, OperationSteps& out) {
  if (phase == Phase::expand) {
    std::string body;
    for (const auto& column : op.columns)
      body += (body.empty() ? "  " : ",\n  ") + column_sql(column);
    if (!op.primary_key.empty()) body += ",\n  PRIMARY KEY (" + column_list(op.primary_key) + ")";
    out.main.statement(
        fmt::format("CREATE TABLE IF NOT EXISTS {} (\n{}\n)", op.table.quoted(), body),
        "create table " + op.table.display());
  }
  if (phase == Phase::rollback || phase == Phase::down)
    out.main.statement("DROP TABLE IF EXISTS " + op.table.quoted(),
                       "drop table " + op.table.display());
}

void render(const DropTableOp& op, Phase phase, OperationSteps& out) {
  // The old version reads the table until contract; rollback has nothing to undo.
  if (phase == Phase::contract)
    out.late.statement("DROP TABLE IF EXISTS " + op.table.quoted(),
                       "drop table " + op.table.display());
  if (phase == Phase::down) {
    if (op.down.empty())
      out.refusals.refusal(
          fmt::format("cannot re-create table {} after contract: its drop_table has no 'down'",
                      op.table.display()));
    else
      out.main.script(op.down, "drop_table down");
  }
}

}  // namespace migrate::core
