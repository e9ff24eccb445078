// create_index and drop_index: always CONCURRENTLY, outside transactions.
#include <fmt/format.h>

#include "core/operations/operation_parts.hpp"
#include "core/sql/sql_text.hpp"

namespace migrate::core {

namespace {

TableName index_name(const CreateIndexOp& op) { return {op.table.schema, op.name}; }

std::string create_index_sql(const CreateIndexOp& op) {
  std::string sql =
      fmt::format("CREATE {}INDEX CONCURRENTLY IF NOT EXISTS {} ON {}", op.unique ? "UNIQUE " : "",
                  quote_ident(op.name), op.table.quoted());
  if (!op.method.empty()) sql += " USING " + quote_ident(op.method);
  sql += " (" + column_list(op.columns) + ")";
  if (!op.where.empty()) sql += fmt::format(" WHERE ({})", op.where);
  return sql;
}

void build(const CreateIndexOp& op, StepWriter& out) {
  out.build_index(create_index_sql(op), "build index " + index_name(op).display(), index_name(op));
}

void drop(const TableName& index, StepWriter& out) {
  out.alone("DROP INDEX CONCURRENTLY IF EXISTS " + index.quoted(), "drop index " + index.display());
}

// The keys create_index and drop_index share, past the name.
void read_definition(FieldReader& fields, CreateIndexOp& op, Need need) {
  op.table = fields.table("table", need);
  op.columns = fields.identifiers("columns", need);
  op.unique = fields.flag("unique").value_or(false);
  op.where = fields.expression("where", Need::optional);
  op.method = fields.identifier("method", Need::optional);
}

}  // namespace

CreateIndexOp parse_create_index(FieldReader& fields) {
  CreateIndexOp op;
  op.name = fields.identifier("name", Need::required);
  if (op.name.find('.') != std::string::npos)
    fields.problem(
        fields.line("name"),
        "'name' of 'create_index' takes no schema: the index goes in its table's schema");
  read_definition(fields, op, Need::required);
  return op;
}

DropIndexOp parse_drop_index(FieldReader& fields) {
  DropIndexOp op;
  TableName named = fields.table("name", Need::required);
  CreateIndexOp definition;
  bool defined = fields.has("columns");
  read_definition(fields, definition, Need::optional);
  for (const char* key : {"unique", "where", "method"})
    if (fields.has(key) && !defined)
      fields.problem(fields.line(key),
                     fmt::format("'{}' of 'drop_index' describes the index for down: it needs "
                                 "'columns' too",
                                 key));
  if (defined && !fields.has("table"))
    fields.problem(fields.line("columns"), "'columns' of 'drop_index' needs 'table'");
  // "idx" lives in the table's schema; "app.idx" says its own.
  const bool qualified =
      fields.has("name") && fields.text("name", Need::optional).find('.') != std::string::npos;
  op.index = {qualified || !fields.has("table") ? named.schema : definition.table.schema,
              named.name};
  if (defined) {
    definition.name = op.index.name;
    op.definition = definition;
  }
  return op;
}

void render(const CreateIndexOp& op, Phase phase, OperationSteps& out) {
  if (phase == Phase::expand) build(op, out.main);
  if (phase == Phase::rollback || phase == Phase::down) drop(index_name(op), out.main);
}

void render(const DropIndexOp& op, Phase phase, OperationSteps& out) {
  // The old version may still use the index until contract. Down without the
  // definition leaves it out: the old version works without it, only slower.
  if (phase == Phase::contract) drop(op.index, out.late);
  if (phase == Phase::down && op.definition) build(*op.definition, out.main);
}

}  // namespace migrate::core
