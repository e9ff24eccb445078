#include "core/checks/branch_overlap.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>
#include <utility>

#include "core/revisions/revision_script.hpp"
#include "core/sql/parse_tree.hpp"
#include "core/sql/sql_text.hpp"

namespace migrate::core {

bool TouchedObject::whole_table() const {
  return column.empty() && (action == "create table" || action == "drop" || action == "rename");
}

namespace {

using parse_tree::body_of;
using parse_tree::column_refs;
using parse_tree::field;
using parse_tree::Node;
using parse_tree::object_name;
using parse_tree::relation_name;
using parse_tree::strings;
using parse_tree::text;
using parse_tree::type_of;

// The touches of one statement, without repeats.
class Touches {
 public:
  void add(const std::string& table, const std::string& column, const std::string& action) {
    for (const auto& touch : m_touches)
      if (touch.table == table && touch.column == column && touch.action == action) return;
    TouchedObject touch;
    touch.table = table;
    touch.column = column;
    touch.action = action;
    m_touches.push_back(std::move(touch));
  }
  // One touch per column, or one for the table when there are none.
  void add_columns(const std::string& table, const std::vector<std::string>& columns,
                   const std::string& action) {
    if (columns.empty()) add(table, "", action);
    for (const auto& column : columns) add(table, column, action);
  }
  std::vector<TouchedObject> take() { return std::move(m_touches); }

 private:
  std::vector<TouchedObject> m_touches;
};

void append(std::vector<std::string>& to, const std::vector<std::string>& more) {
  for (const auto& item : more)
    if (std::find(to.begin(), to.end(), item) == to.end()) to.push_back(item);
}

// A foreign key touches the table it references, at the referenced columns.
void add_reference(const Node& constraint, Touches& out) {
  const Node& referenced = field(constraint, "pktable");
  if (!referenced.is_null())
    out.add_columns(relation_name(referenced), strings(field(constraint, "pk_attrs")), "reference");
}

void add_column_references(const Node& column_def, Touches& out) {
  for (const Node& item : field(column_def, "constraints"))
    add_reference(field(item, "Constraint"), out);
}

// A table constraint names its columns through its keys or its check expression.
void add_constraint(const std::string& table, const Node& constraint, Touches& out) {
  std::vector<std::string> columns;
  append(columns, strings(field(constraint, "keys")));
  append(columns, strings(field(constraint, "including")));
  append(columns, strings(field(constraint, "fk_attrs")));
  append(columns, column_refs(field(constraint, "raw_expr")));
  out.add_columns(table, columns, "add constraint");
  add_reference(constraint, out);
}

bool is_column_subcommand(const std::string& subtype) {
  static const std::set<std::string> k_column_subtypes = {"AT_ColumnDefault",
                                                          "AT_CookedColumnDefault",
                                                          "AT_DropNotNull",
                                                          "AT_SetNotNull",
                                                          "AT_DropExpression",
                                                          "AT_CheckNotNull",
                                                          "AT_SetStatistics",
                                                          "AT_SetOptions",
                                                          "AT_ResetOptions",
                                                          "AT_SetStorage",
                                                          "AT_SetCompression",
                                                          "AT_AlterColumnType",
                                                          "AT_AlterColumnGenericOptions",
                                                          "AT_AddIdentity",
                                                          "AT_SetIdentity",
                                                          "AT_DropIdentity"};
  return k_column_subtypes.count(subtype) != 0;
}

void alter_table(const Node& statement, Touches& out) {
  if (text(statement, "objtype") != "OBJECT_TABLE") return;
  std::string table = relation_name(field(statement, "relation"));
  for (const Node& item : field(statement, "cmds")) {
    const Node& command = field(item, "AlterTableCmd");
    std::string subtype = text(command, "subtype");
    if (subtype == "AT_AddColumn") {
      const Node& column_def = field(field(command, "def"), "ColumnDef");
      out.add(table, text(column_def, "colname"), "add column");
      add_column_references(column_def, out);
    } else if (subtype == "AT_DropColumn") {
      out.add(table, text(command, "name"), "drop column");
    } else if (is_column_subcommand(subtype)) {
      out.add(table, text(command, "name"), "alter column");
    } else if (subtype == "AT_AddConstraint") {
      add_constraint(table, field(field(command, "def"), "Constraint"), out);
    } else {
      out.add(table, "", "alter table");
    }
  }
}

void rename(const Node& statement, Touches& out) {
  const Node& relation = field(statement, "relation");
  if (relation.is_null()) return;
  std::string table = relation_name(relation);
  std::string type = text(statement, "renameType");
  if (type == "OBJECT_TABLE") {
    out.add(table, "", "rename");
    std::string schema = text(relation, "schemaname");
    out.add(fmt::format("{}.{}", schema.empty() ? "public" : schema, text(statement, "newname")),
            "", "rename");
  } else if (type == "OBJECT_COLUMN") {
    out.add(table, text(statement, "subname"), "rename");
    out.add(table, text(statement, "newname"), "rename");
  } else if (type == "OBJECT_TABCONSTRAINT") {
    out.add(table, "", "alter table");
  }
}

void create_index(const Node& statement, Touches& out) {
  std::vector<std::string> columns;
  for (const char* list : {"indexParams", "indexIncludingParams"}) {
    for (const Node& item : field(statement, list)) {
      const Node& element = field(item, "IndexElem");  // a column, or an expression over columns
      std::string name = text(element, "name");
      append(columns,
             name.empty() ? column_refs(field(element, "expr")) : std::vector<std::string>{name});
    }
  }
  append(columns, column_refs(field(statement, "whereClause")));
  out.add_columns(relation_name(field(statement, "relation")), columns, "create index");
}

void drop(const Node& statement, Touches& out) {
  if (text(statement, "removeType") != "OBJECT_TABLE") return;
  for (const Node& object : field(statement, "objects")) {
    std::string name = object_name(object);
    if (!name.empty()) out.add(name, "", "drop");
  }
}

std::vector<TouchedObject> statement_touches(const Node& node) {
  Touches out;
  std::string type = type_of(node);
  const Node& statement = body_of(node);
  if (type == "CreateStmt") {
    std::string table = relation_name(field(statement, "relation"));
    out.add(table, "", "create table");
    for (const Node& element : field(statement, "tableElts")) {
      add_column_references(field(element, "ColumnDef"), out);
      add_reference(field(element, "Constraint"), out);
    }
  } else if (type == "CreateTableAsStmt") {
    if (text(statement, "objtype") == "OBJECT_TABLE")
      out.add(relation_name(field(field(statement, "into"), "rel")), "", "create table");
  } else if (type == "AlterTableStmt") {
    alter_table(statement, out);
  } else if (type == "RenameStmt") {
    rename(statement, out);
  } else if (type == "IndexStmt") {
    create_index(statement, out);
  } else if (type == "DropStmt") {
    drop(statement, out);
  } else if (type == "UpdateStmt") {
    std::vector<std::string> columns;
    for (const Node& target : field(statement, "targetList"))
      append(columns, {text(field(target, "ResTarget"), "name")});
    out.add_columns(relation_name(field(statement, "relation")), columns, "update");
  } else if (type == "InsertStmt" || type == "DeleteStmt") {
    out.add(relation_name(field(statement, "relation")), "",
            type == "InsertStmt" ? "insert" : "delete");
  } else if (type == "TruncateStmt") {
    for (const Node& relation : field(statement, "relations"))
      out.add(relation_name(body_of(relation)), "", "truncate");
  } else if (type == "CreateTrigStmt") {
    out.add(relation_name(field(statement, "relation")), "", "create trigger");
  }
  return out.take();
}

// A backfill step has no SQL of its own; the UPDATE it runs in batches stands for it.
std::string step_sql(const Step& step) {
  if (step.kind != Step::Kind::backfill || !step.backfill) return step.sql;
  const Backfill& backfill = *step.backfill;
  std::string sql = fmt::format("UPDATE {}.{} SET {}", quote_ident(backfill.schema),
                                quote_ident(backfill.table), backfill.set_clause);
  if (!backfill.where_clause.empty()) sql += " WHERE " + backfill.where_clause;
  return sql;
}

}  // namespace

std::vector<TouchedObject> touched_objects(const Revision& revision) {
  std::vector<TouchedObject> touches;
  for (Phase phase : {Phase::expand, Phase::contract}) {
    std::vector<Step> steps;
    try {
      steps = steps_for(revision, phase);
    } catch (const std::runtime_error&) {
      continue;  // SQL that cannot be split touches nothing we can name; lint reports it
    }
    for (const Step& step : steps) {
      for (const Node& statement : parse_sql(step_sql(step)).statements) {
        for (TouchedObject& touch : statement_touches(statement)) {
          touch.path = step.path;
          touch.line = step.line;
          touch.revision = revision.id;
          touches.push_back(std::move(touch));
        }
      }
    }
  }
  return touches;
}

namespace {

bool conflict(const TouchedObject& a, const TouchedObject& b) {
  if (a.table != b.table) return false;
  if (a.whole_table() || b.whole_table()) return true;
  return !a.column.empty() && a.column == b.column;
}

struct OverlapBuilder {
  std::set<std::pair<size_t, size_t>> touches;  // (revision position, index among its touches)
  std::set<std::string> heads;
};

}  // namespace

std::vector<Overlap> branch_overlaps(const RevisionGraph& graph,
                                     const std::vector<std::string>& heads) {
  std::vector<std::vector<bool>> ancestry;
  for (const auto& head : heads) ancestry.push_back(graph.closure_up({head}));

  std::map<size_t, std::vector<TouchedObject>> cache;
  auto touches_of = [&](size_t position) -> const std::vector<TouchedObject>& {
    auto found = cache.find(position);
    if (found == cache.end())
      found = cache.emplace(position, touched_objects(graph.get(graph.order()[position]))).first;
    return found->second;
  };
  auto only_in = [&](size_t mine, size_t other) {
    std::vector<size_t> positions;
    for (size_t p = 0; p < graph.size(); ++p)
      if (ancestry[mine][p] && !ancestry[other][p]) positions.push_back(p);
    return positions;
  };

  std::map<std::pair<std::string, std::string>, OverlapBuilder> found;
  for (size_t i = 0; i < heads.size(); ++i) {
    for (size_t j = i + 1; j < heads.size(); ++j) {
      std::vector<size_t> side_j = only_in(j, i);
      for (size_t p : only_in(i, j)) {
        for (size_t a = 0; a < touches_of(p).size(); ++a) {
          for (size_t q : side_j) {
            for (size_t b = 0; b < touches_of(q).size(); ++b) {
              const TouchedObject& mine = touches_of(p)[a];
              const TouchedObject& theirs = touches_of(q)[b];
              if (!conflict(mine, theirs)) continue;
              bool whole = mine.whole_table() || theirs.whole_table();
              OverlapBuilder& overlap = found[{mine.table, whole ? std::string() : mine.column}];
              overlap.touches.insert({p, a});
              overlap.touches.insert({q, b});
              overlap.heads.insert(heads[i]);
              overlap.heads.insert(heads[j]);
            }
          }
        }
      }
    }
  }

  std::vector<Overlap> overlaps;
  for (const auto& [key, builder] : found) {
    Overlap overlap;
    overlap.table = key.first;
    overlap.column = key.second;
    for (const auto& [position, index] : builder.touches)
      overlap.touches.push_back(touches_of(position)[index]);
    overlap.heads.assign(builder.heads.begin(), builder.heads.end());
    overlaps.push_back(std::move(overlap));
  }
  return overlaps;
}

}  // namespace migrate::core
