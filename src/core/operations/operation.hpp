// Declarative operations of YAML revisions, and their rendering to steps per phase.
// Identifiers from YAML are always quoted when rendered; expressions (up, down,
// check, default, where) are SQL by design and inserted as written, in
// parentheses. docs/yaml-operations.md describes every operation and phase.
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/error.hpp"
#include "core/step.hpp"

namespace YAML {
class Node;
}

namespace migrate::core {

// A table named in YAML: "users" is public.users, "app.users" is app.users.
struct TableName {
  std::string schema = "public";
  std::string name;

  std::string display() const;  // public.users
  std::string quoted() const;   // "public"."users"
};

// Splits at the first dot; no dot means schema public.
TableName table_name(const std::string& dotted);

// REFERENCES target of a foreign key.
struct ForeignKeyTarget {
  TableName table;
  std::vector<std::string> columns;  // empty: the referenced table's primary key
  std::string on_delete;             // "" or CASCADE, RESTRICT, SET NULL, SET DEFAULT, NO ACTION
  std::string on_update;             // likewise
};

// `sql`: raw SQL with up/down and an optional contract part.
struct SqlOp {
  std::string up;
  std::string down;
  std::string contract;
};

// `add_column`: a new column, filled from `up` for rows old versions write.
struct AddColumnOp {
  TableName table;
  std::string column;
  std::string type;
  std::string up;             // expression over the old row; "" = none
  std::string default_value;  // expression; "" = none
  bool nullable = true;
  bool unique = false;
  std::optional<ForeignKeyTarget> references;
  std::string check;  // expression; "" = none
};

// `drop_column`: kept (and filled from `down`) until contract.
struct DropColumnOp {
  TableName table;
  std::string column;
  std::string down;  // expression over the new row; "" = none
  std::string type;  // lets `down` re-create the column after contract; "" = cannot
};

// `alter_column` and `rename_column` (a rename is an alter with `name` set and
// identity up/down). See docs/yaml-operations.md for the three forms.
struct AlterColumnOp {
  TableName table;
  std::string column;  // the existing column
  std::string
      name;  // the new column's name; "" keeps `column` (shadow column, swapped in contract)
  std::string type;              // the new type; "" keeps the column's type (read from the catalog)
  std::string old_type;          // the current type, needed to undo a type change after contract
  std::optional<bool> nullable;  // absent: the new column copies the old one's NOT NULL
  std::string up;    // expression over the old row; "" = the old column (cast to `type`)
  std::string down;  // expression over the new row; "" = the new column (cast to `old_type`)

  bool renames() const { return !name.empty(); }
  // A new column exists during expand (false: only `nullable` changes, in place).
  bool has_new_column() const { return renames() || !type.empty(); }
};

// `create_index`: built CONCURRENTLY during expand.
struct CreateIndexOp {
  std::string name;  // the index name; it lives in the table's schema
  TableName table;
  std::vector<std::string> columns;
  bool unique = false;
  std::string where;   // predicate of a partial index; "" = none
  std::string method;  // btree, gin, ...; "" = the default
};

// `drop_index`: dropped CONCURRENTLY in contract.
struct DropIndexOp {
  TableName index;  // schema from `name` ("app.idx"), else from `table`, else public
  // When the file gives `table` and `columns` (and optionally unique, where,
  // method), the down phase builds the index again.
  std::optional<CreateIndexOp> definition;
};

// `add_constraint`: CHECK and FOREIGN KEY added NOT VALID then validated;
// UNIQUE through an index built concurrently.
struct AddConstraintOp {
  enum class Kind { check, unique, foreign_key };

  TableName table;
  std::string name;
  Kind kind = Kind::check;
  std::string check;                 // Kind::check
  std::vector<std::string> columns;  // Kind::unique and Kind::foreign_key
  ForeignKeyTarget references;       // Kind::foreign_key
};

// One column of `create_table`.
struct ColumnDefinition {
  std::string name;
  std::string type;
  bool nullable = true;
  std::string default_value;
  bool primary_key = false;
  bool unique = false;
  std::optional<ForeignKeyTarget> references;
  std::string check;
};

struct CreateTableOp {
  TableName table;
  std::vector<ColumnDefinition> columns;
  std::vector<std::string> primary_key;  // table-level primary key
};

// `drop_table`: dropped in contract; `down` is raw SQL re-creating it.
struct DropTableOp {
  TableName table;
  std::string down;
};

using OperationSpec = std::variant<SqlOp, AddColumnOp, DropColumnOp, AlterColumnOp, CreateIndexOp,
                                   DropIndexOp, AddConstraintOp, CreateTableOp, DropTableOp>;

struct Operation {
  std::string kind;  // the YAML key, e.g. "add_column"
  int line = 0;      // line of the list item in the file
  OperationSpec spec;
};

// Parses one item of a YAML `operations:` list. Problems (unknown operation,
// unknown or missing keys, wrong types, expressions that are not SQL) are
// appended to `problems` with the file and the line of the offending key; the
// returned operation is only meaningful when none were added.
Operation parse_operation(const YAML::Node& item, const std::string& path,
                          std::vector<FileProblem>& problems);

// The steps that the operations of one revision run in `phase`, in order.
// Rendered together because column operations on one table share one sync
// trigger and one backfill, named after `revision_id`. Rollback and down take
// the operations in reverse order. Steps carry `path` and the operation's line.
// Throws core::SplitError when raw SQL cannot be split into statements.
std::vector<Step> render_operations(const std::vector<Operation>& operations, Phase phase,
                                    const std::string& revision_id, const std::string& path);

// True when the operation has work in the contract phase.
bool operation_has_contract(const Operation& operation);

// The names of the operation kinds, for messages and the JSON Schema.
const std::vector<std::string>& operation_kinds();

}  // namespace migrate::core
