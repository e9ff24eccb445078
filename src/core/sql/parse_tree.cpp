#include "core/sql/parse_tree.hpp"

#include <fmt/format.h>
#include <pg_query.h>

#include <string>

namespace migrate::core {

namespace {

void read_error(const PgQueryError& error, size_t input_size, ParsedSql& parsed) {
  parsed.error = error.message;
  // cursorpos is 1-based, 0 when the parser could not say.
  parsed.error_offset = error.cursorpos > 0 ? static_cast<size_t>(error.cursorpos - 1) : 0;
  parsed.error_offset = std::min(parsed.error_offset, input_size);
}

}  // namespace

ParsedSql parse_sql(std::string_view sql) {
  std::string input(sql);
  PgQueryParseResult result = pg_query_parse(input.c_str());
  ParsedSql parsed;
  if (result.error) {
    read_error(*result.error, input.size(), parsed);
  } else {
    // libpg_query copies bytes that are not UTF-8 into its JSON, which then
    // does not read: such SQL is reported as unparsable, never thrown.
    nlohmann::json tree = nlohmann::json::parse(result.parse_tree, nullptr, false);
    if (tree.is_discarded()) {
      parsed.error = "the SQL holds bytes that are not UTF-8";
    } else {
      for (auto& raw : parse_tree::field(tree, "stmts"))
        if (raw.contains("stmt")) parsed.statements.push_back(std::move(raw["stmt"]));
    }
  }
  pg_query_free_parse_result(result);
  return parsed;
}

ParsedSql check_sql_syntax(std::string_view sql) {
  std::string input(sql);
  PgQuerySplitResult result = pg_query_split_with_parser(input.c_str());
  ParsedSql parsed;
  if (result.error) read_error(*result.error, input.size(), parsed);
  pg_query_free_split_result(result);
  return parsed;
}

namespace parse_tree {

const Node& field(const Node& node, const char* key) {
  static const Node k_absent;
  if (!node.is_object()) return k_absent;
  auto found = node.find(key);
  return found == node.end() ? k_absent : *found;
}

std::string text(const Node& node, const char* key) {
  const Node& value = field(node, key);
  return value.is_string() ? value.get<std::string>() : std::string();
}

bool flag(const Node& node, const char* key) {
  const Node& value = field(node, key);
  return value.is_boolean() && value.get<bool>();
}

std::string type_of(const Node& node) {
  return node.is_object() && !node.empty() ? node.begin().key() : std::string();
}

const Node& body_of(const Node& node) {
  static const Node k_absent;
  return node.is_object() && !node.empty() ? node.begin().value() : k_absent;
}

std::vector<std::string> strings(const Node& list) {
  std::vector<std::string> values;
  if (!list.is_array()) return values;
  for (const Node& item : list) {
    const Node& value = field(field(item, "String"), "sval");
    if (value.is_string()) values.push_back(value.get<std::string>());
  }
  return values;
}

namespace {

void collect_nodes(const Node& node, const char* type, std::vector<const Node*>& found) {
  if (node.is_array()) {
    for (const Node& item : node) collect_nodes(item, type, found);
    return;
  }
  if (!node.is_object()) return;
  auto match = node.find(type);
  if (match != node.end()) {
    found.push_back(&*match);
    return;
  }
  for (const auto& entry : node.items()) collect_nodes(entry.value(), type, found);
}

}  // namespace

std::vector<const Node*> find_nodes(const Node& node, const char* type) {
  std::vector<const Node*> found;
  collect_nodes(node, type, found);
  return found;
}

std::vector<std::string> column_refs(const Node& node) {
  std::vector<std::string> names;
  for (const Node* ref : find_nodes(node, "ColumnRef")) {
    const Node& fields = field(*ref, "fields");
    std::vector<std::string> parts = strings(fields);
    // `t.*` ends in A_Star, which names no column.
    if (parts.empty() || parts.size() != fields.size()) continue;
    if (std::find(names.begin(), names.end(), parts.back()) == names.end())
      names.push_back(parts.back());
  }
  return names;
}

std::string relation_name(const Node& range_var) {
  std::string schema = text(range_var, "schemaname");
  return fmt::format("{}.{}", schema.empty() ? "public" : schema, text(range_var, "relname"));
}

std::string object_name(const Node& object) {
  // [name], [schema, name] or [catalog, schema, name]
  std::vector<std::string> name = strings(field(field(object, "List"), "items"));
  if (name.empty()) return {};
  return fmt::format("{}.{}", name.size() >= 2 ? name[name.size() - 2] : "public", name.back());
}

}  // namespace parse_tree

}  // namespace migrate::core
