// What SQL touches, read from PostgreSQL's own parse tree (libpg_query's JSON):
// the tables and columns a revision creates, alters, drops or writes, and where
// diverging branches of the revision graph touch the same ones.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/revision.hpp"
#include "core/revision_graph.hpp"

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

struct TouchedObject {
  std::string table;   // "public.users" (schema defaulting to public)
  std::string column;  // "" when the statement touches the table, not a named column
  // "create table", "add column", "drop column", "alter column", "rename",
  // "add constraint", "reference", "create index", "create trigger", "drop",
  // "update", "insert", "delete", "truncate", "alter table".
  std::string action;
  std::string path;
  int line = 0;
  std::string revision;  // id of the revision the statement belongs to

  // True for a table created, dropped or renamed as a whole: it overlaps with
  // any other touch of that table.
  bool whole_table() const;
};

// Objects the expand and contract steps of `revision` touch, in statement
// order. YAML revisions are analysed through the SQL they render to.
// Statements that do not parse are skipped (lint reports them); never throws.
std::vector<TouchedObject> touched_objects(const Revision& revision);

// A table or column touched on more than one branch.
struct Overlap {
  std::string table;
  std::string column;                  // "" when a branch touches the table as a whole
  std::vector<TouchedObject> touches;  // from at least two different branches
  std::vector<std::string> heads;      // the heads whose branches touch it, sorted
};

// For diverging `heads`: compares, for every two heads, the revisions each has
// that the other lacks, and reports the tables and columns both sides touch
// (the same column, or a table one side creates, drops or renames and the
// other touches at all). Sorted by table, then column. Throws
// std::out_of_range for an id the graph does not know.
std::vector<Overlap> branch_overlaps(const RevisionGraph& graph,
                                     const std::vector<std::string>& heads);

}  // namespace migrate::core
