#include "core/sql/sql_expression.hpp"

#include <optional>

#include "core/sql/parse_tree.hpp"

namespace migrate::core {

namespace pt = parse_tree;

namespace {

// The one value of `SELECT <target>` when `sql` is exactly that, else why not.
struct SingleTarget {
  std::optional<pt::Node> value;
  std::string error;
};

SingleTarget single_target(const std::string& sql) {
  ParsedSql parsed = parse_sql(sql);
  if (!parsed.error.empty()) return {std::nullopt, parsed.error};
  if (parsed.statements.size() != 1 || pt::type_of(parsed.statements[0]) != "SelectStmt")
    return {std::nullopt, "not a single expression"};
  const pt::Node& select = pt::body_of(parsed.statements[0]);
  const pt::Node& targets = pt::field(select, "targetList");
  // A bare SELECT has only these; anything else (FROM, WHERE, ...) came from the text.
  for (const auto& entry : select.items())
    if (entry.key() != "targetList" && entry.key() != "limitOption" && entry.key() != "op")
      return {std::nullopt, "not a single expression"};
  if (!targets.is_array() || targets.size() != 1) return {std::nullopt, "not a single expression"};
  return {pt::field(pt::field(targets[0], "ResTarget"), "val"), ""};
}

std::optional<pt::Node> parsed_expression(std::string_view expression) {
  return single_target("SELECT (" + std::string(expression) + ")").value;
}

}  // namespace

std::string expression_error(std::string_view expression) {
  if (expression.find_first_not_of(" \t\r\n") == std::string_view::npos) return "it is empty";
  return single_target("SELECT (" + std::string(expression) + ")").error;
}

std::string type_error(std::string_view type) {
  if (type.find_first_not_of(" \t\r\n") == std::string_view::npos) return "it is empty";
  SingleTarget target = single_target("SELECT CAST(NULL AS " + std::string(type) + ")");
  if (!target.error.empty()) return target.error;
  if (pt::type_of(*target.value) != "TypeCast") return "not a single type name";
  return "";
}

std::vector<std::string> referenced_columns(std::string_view expression) {
  auto value = parsed_expression(expression);
  return value ? pt::column_refs(*value) : std::vector<std::string>{};
}

bool is_constant_expression(std::string_view expression) {
  auto value = parsed_expression(expression);
  if (!value) return false;
  for (const char* reader : {"FuncCall", "ColumnRef", "SubLink", "ParamRef", "SQLValueFunction"})
    if (!pt::find_nodes(*value, reader).empty()) return false;
  return true;
}

}  // namespace migrate::core
