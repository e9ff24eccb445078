// Reading YAML operations: which kinds exist, the keys each allows, and the
// dispatch to the reader of each kind.
#include "core/operations/operation.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "core/operations/field_reader.hpp"
#include "core/operations/operation_parts.hpp"
#include "core/sql/sql_text.hpp"
#include "core/suggest.hpp"

namespace migrate::core {

namespace {

struct OperationKind {
  std::string name;
  std::vector<std::string> keys;
  OperationSpec (*parse)(FieldReader& fields);
};

template <class Spec, Spec (*parse)(FieldReader&)>
OperationSpec parse_as(FieldReader& fields) {
  return parse(fields);
}

const std::vector<OperationKind>& kinds() {
  static const std::vector<OperationKind> table = {
      {"add_column",
       {"table", "column", "type", "up", "default", "nullable", "unique", "references", "check"},
       parse_as<AddColumnOp, parse_add_column>},
      {"drop_column",
       {"table", "column", "down", "type"},
       parse_as<DropColumnOp, parse_drop_column>},
      {"rename_column", {"table", "from", "to"}, parse_as<AlterColumnOp, parse_rename_column>},
      {"alter_column",
       {"table", "column", "name", "type", "old_type", "nullable", "up", "down"},
       parse_as<AlterColumnOp, parse_alter_column>},
      {"create_index",
       {"name", "table", "columns", "unique", "where", "method"},
       parse_as<CreateIndexOp, parse_create_index>},
      {"drop_index",
       {"name", "table", "columns", "unique", "where", "method"},
       parse_as<DropIndexOp, parse_drop_index>},
      {"add_constraint",
       {"table", "name", "check", "unique", "foreign_key"},
       parse_as<AddConstraintOp, parse_add_constraint>},
      {"create_table",
       {"table", "columns", "primary_key"},
       parse_as<CreateTableOp, parse_create_table>},
      {"drop_table", {"table", "down"}, parse_as<DropTableOp, parse_drop_table>},
      {"sql", {"up", "down", "contract"}, parse_as<SqlOp, parse_sql_op>},
  };
  return table;
}

std::string joined(const std::vector<std::string>& names) {
  std::string text;
  for (const auto& name : names) text += (text.empty() ? "" : ", ") + name;
  return text;
}

}  // namespace

std::string TableName::display() const { return schema + "." + name; }

std::string TableName::quoted() const { return quote_ident(schema) + "." + quote_ident(name); }

TableName table_name(const std::string& dotted) {
  size_t dot = dotted.find('.');
  if (dot == std::string::npos) return {"public", dotted};
  return {dotted.substr(0, dot), dotted.substr(dot + 1)};
}

const std::vector<std::string>& operation_kinds() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> list;
    for (const auto& kind : kinds()) list.push_back(kind.name);
    return list;
  }();
  return names;
}

Operation parse_operation(const YAML::Node& item, const std::string& path,
                          std::vector<FileProblem>& problems) {
  Operation operation;
  operation.line = line_of(item);
  if (!item.IsMap() || item.size() != 1) {
    problems.push_back(
        {path, operation.line,
         "each operation is a mapping with one key, e.g. '- sql: {up: ..., down: ...}'"});
    return operation;
  }
  auto entry = *item.begin();
  if (!entry.first.IsScalar()) {
    problems.push_back(
        {path, operation.line,
         "an operation's name must be text (add_column, sql, ...), not a list or a mapping"});
    return operation;
  }
  operation.kind = entry.first.Scalar();
  for (const auto& kind : kinds()) {
    if (kind.name != operation.kind) continue;
    if (!entry.second.IsMap()) {
      problems.push_back(
          {path, operation.line,
           fmt::format("'{}' needs a mapping of its keys ({})", kind.name, joined(kind.keys))});
      return operation;
    }
    FieldReader fields(entry.second, kind.name, path, problems, kind.keys);
    operation.spec = kind.parse(fields);
    return operation;
  }
  problems.push_back({path, operation.line,
                      fmt::format("unknown operation '{}'{}", operation.kind,
                                  did_you_mean(operation.kind, operation_kinds()))});
  return operation;
}

bool operation_has_contract(const Operation& operation) {
  if (const auto* op = std::get_if<SqlOp>(&operation.spec)) return !is_blank_sql(op->contract);
  return !render_operations({operation}, Phase::contract, "", "").empty();
}

}  // namespace migrate::core
