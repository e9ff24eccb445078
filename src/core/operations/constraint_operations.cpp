// add_constraint, and the foreign key targets add_column and create_table share.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "core/operations/operation_parts.hpp"
#include "core/sql/sql_text.hpp"

namespace migrate::core {

namespace {

const std::vector<std::string> k_actions = {"cascade", "restrict", "set null", "set default",
                                            "no action"};

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::string upper(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return text;
}

}  // namespace

std::string read_referential_action(FieldReader& fields, const std::string& key) {
  std::string action = lower(fields.text(key, Need::optional));
  if (action.empty()) return {};
  if (std::find(k_actions.begin(), k_actions.end(), action) == k_actions.end()) {
    fields.problem(fields.line(key),
                   fmt::format("'{}' of '{}' must be one of cascade, restrict, set null, set "
                               "default, no action",
                               key, fields.context()));
    return {};
  }
  return upper(action);
}

std::optional<ForeignKeyTarget> read_references(FieldReader& fields, const std::string& key) {
  if (!fields.has(key)) return std::nullopt;
  ForeignKeyTarget target;
  if (fields.node(key).IsScalar()) {
    target.table = fields.table(key, Need::required);
    return target;
  }
  auto nested =
      fields.mapping(key, key, {"table", "column", "on_delete", "on_update"}, Need::required);
  if (!nested) return std::nullopt;
  target.table = nested->table("table", Need::required);
  std::string column = nested->identifier("column", Need::optional);
  if (!column.empty()) target.columns.push_back(column);
  target.on_delete = read_referential_action(*nested, "on_delete");
  target.on_update = read_referential_action(*nested, "on_update");
  return target;
}

AddConstraintOp parse_add_constraint(FieldReader& fields) {
  AddConstraintOp op;
  op.table = fields.table("table", Need::required);
  op.name = fields.identifier("name", Need::required);
  int kinds = fields.has("check") + fields.has("unique") + fields.has("foreign_key");
  if (kinds != 1)
    fields.problem(fields.line(),
                   "'add_constraint' needs exactly one of 'check', 'unique', 'foreign_key'");
  if (fields.has("check")) {
    op.kind = AddConstraintOp::Kind::check;
    op.check = fields.expression("check", Need::required);
  } else if (fields.has("unique")) {
    op.kind = AddConstraintOp::Kind::unique;
    op.columns = fields.identifiers("unique", Need::required);
  } else if (fields.has("foreign_key")) {
    op.kind = AddConstraintOp::Kind::foreign_key;
    auto key = fields.mapping("foreign_key", "foreign_key",
                              {"columns", "references", "on_delete", "on_update"}, Need::required);
    if (!key) return op;
    op.columns = key->identifiers("columns", Need::required);
    if (auto target =
            key->mapping("references", "references", {"table", "columns"}, Need::required)) {
      op.references.table = target->table("table", Need::required);
      if (target->has("columns"))
        op.references.columns = target->identifiers("columns", Need::optional);
    }
    op.references.on_delete = read_referential_action(*key, "on_delete");
    op.references.on_update = read_referential_action(*key, "on_update");
  }
  return op;
}

void render(const AddConstraintOp& op, Phase phase, OperationSteps& out) {
  const std::string what = fmt::format("constraint {} on {}", op.name, op.table.display());
  const TableName index{op.table.schema, op.name};
  if (phase == Phase::expand) {
    if (op.kind == AddConstraintOp::Kind::unique) {
      out.main.build_index(
          fmt::format("CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS {} ON {} ({})",
                      quote_ident(op.name), op.table.quoted(), column_list(op.columns)),
          "build the unique index of " + what, index);
      out.main.statement(
          do_if("NOT " + constraint_exists(op.table, op.name),
                alter_table(op.table, fmt::format("ADD CONSTRAINT {0} UNIQUE USING INDEX {0}",
                                                  quote_ident(op.name)))),
          "add " + what + " using its index");
      return;
    }
    std::string definition = op.kind == AddConstraintOp::Kind::check
                                 ? fmt::format("CHECK ({})", op.check)
                                 : fmt::format("FOREIGN KEY ({}) {}", column_list(op.columns),
                                               references_clause(op.references));
    add_constraint_not_valid(out.main, op.table, op.name, definition, what);
    validate_constraint(out.main, op.table, op.name, what);
    return;
  }
  if (phase == Phase::rollback || phase == Phase::down) {
    out.main.statement(alter_table(op.table, "DROP CONSTRAINT IF EXISTS " + quote_ident(op.name)),
                       "drop " + what);
    // A build that was interrupted leaves the index without its constraint.
    if (op.kind == AddConstraintOp::Kind::unique)
      out.main.alone("DROP INDEX CONCURRENTLY IF EXISTS " + index.quoted(),
                     "drop the index of " + what);
  }
}

}  // namespace migrate::core
