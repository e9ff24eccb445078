// What SQL touches, read from PostgreSQL's parse tree: the tables and columns
// a revision creates, alters, drops or writes, and where diverging branches of
// the revision graph touch the same ones.
#pragma once

#include <string>
#include <vector>

#include "core/revisions/revision.hpp"
#include "core/revisions/revision_graph.hpp"

namespace migrate::core {

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
