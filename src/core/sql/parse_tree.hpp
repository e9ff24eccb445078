// PostgreSQL's own parse tree of SQL text, through libpg_query's JSON output,
// and helpers to read its nodes.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace migrate::core {

// One SQL text as libpg_query parses it.
struct ParsedSql {
  // Each statement as one node, e.g. {"AlterTableStmt": {...}}.
  std::vector<nlohmann::json> statements;
  std::string error;        // the parser's message; "" when the text parsed
  size_t error_offset = 0;  // byte offset in the text where the parser stopped
};

// Parses `sql` (any number of statements). Never throws for bad SQL: the error
// is in the result.
ParsedSql parse_sql(std::string_view sql);

// Parses `sql` only to find its first syntax error: the result holds no
// statements, and no tree is built (a whole section's tree as JSON took
// gigabytes for a large data file).
ParsedSql check_sql_syntax(std::string_view sql);

// Reading libpg_query's JSON nodes. libpg_query leaves out fields that hold
// their default (false, 0, empty), so absent fields read as empty here.
namespace parse_tree {
using Node = nlohmann::json;
const Node& field(const Node& node, const char* key);  // null when absent
std::string text(const Node& node, const char* key);   // "" when absent
bool flag(const Node& node, const char* key);          // false when absent
// {"AlterTableStmt": {...}} -> "AlterTableStmt" / the {...}.
std::string type_of(const Node& node);
const Node& body_of(const Node& node);
// [{"String": {"sval": "a"}}, ...] -> {"a", ...}; other items are skipped.
std::vector<std::string> strings(const Node& list);
// The bodies of every node of `type` (e.g. "FuncCall") anywhere below `node`,
// in tree order, not looking inside the nodes found.
std::vector<const Node*> find_nodes(const Node& node, const char* type);
// Column names of every ColumnRef anywhere below `node`, in tree order, without repeats.
std::vector<std::string> column_refs(const Node& node);
// "public.users" from a RangeVar node, the schema defaulting to public.
std::string relation_name(const Node& range_var);
// "public.users" from one of DropStmt's objects ({"List": {"items": [names]}}).
std::string object_name(const Node& object);
}  // namespace parse_tree

}  // namespace migrate::core
