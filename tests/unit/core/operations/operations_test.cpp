// Reading YAML operations: every kind with its keys, and every kind of mistake
// reported as "file:line: message" at the line of the offending key.
#include "core/operations/operation.hpp"
#include "support/operation_helpers.hpp"

using namespace migrate::core;
using migrate::test::problems_of;
using migrate::test::revision_of;
using Strings = std::vector<std::string>;

namespace {

template <class Spec>
Spec only_spec(const std::string& operations) {
  Revision revision = revision_of(operations);
  REQUIRE(revision.operations.size() == 1);
  return std::get<Spec>(revision.operations[0].spec);
}

}  // namespace

TEST_CASE("parse_operation: add_column with every key") {
  auto op = only_spec<AddColumnOp>(
      "  - add_column:\n"
      "      table: app.users\n"
      "      column: first\n"
      "      type: varchar(100)\n"
      "      up: split_part(name, ' ', 1)\n"
      "      default: \"''\"\n"
      "      nullable: false\n"
      "      unique: true\n"
      "      references: {table: people, column: id, on_delete: set null}\n"
      "      check: first <> 'x'\n");
  CHECK(op.table.schema == "app");
  CHECK(op.table.name == "users");
  CHECK(op.column == "first");
  CHECK(op.type == "varchar(100)");
  CHECK(op.up == "split_part(name, ' ', 1)");
  CHECK(op.default_value == "''");
  CHECK_FALSE(op.nullable);
  CHECK(op.unique);
  REQUIRE(op.references);
  CHECK(op.references->table.display() == "public.people");
  CHECK(op.references->columns == Strings{"id"});
  CHECK(op.references->on_delete == "SET NULL");
  CHECK(op.check == "first <> 'x'");
}

TEST_CASE("parse_operation: a table without schema is in public") {
  auto op = only_spec<AddColumnOp>("  - add_column: {table: users, column: a, type: text}\n");
  CHECK(op.table.display() == "public.users");
  CHECK(op.table.quoted() == "\"public\".\"users\"");
  CHECK(op.nullable);
  CHECK_FALSE(op.references);
}

TEST_CASE("parse_operation: drop_column, rename_column and alter_column") {
  auto drop = only_spec<DropColumnOp>(
      "  - drop_column: {table: users, column: name, down: \"first || ' ' || last\", type: "
      "text}\n");
  CHECK(drop.column == "name");
  CHECK(drop.down == "first || ' ' || last");
  CHECK(drop.type == "text");

  auto rename =
      only_spec<AlterColumnOp>("  - rename_column: {table: users, from: email, to: mail}\n");
  CHECK(rename.column == "email");
  CHECK(rename.name == "mail");
  CHECK(rename.renames());
  CHECK(rename.has_new_column());
  CHECK(rename.type.empty());

  auto alter = only_spec<AlterColumnOp>(
      "  - alter_column: {table: users, column: score, type: bigint, old_type: integer, "
      "nullable: false}\n");
  CHECK_FALSE(alter.renames());
  CHECK(alter.has_new_column());
  CHECK(alter.nullable == std::optional<bool>(false));

  auto in_place =
      only_spec<AlterColumnOp>("  - alter_column: {table: users, column: nick, nullable: true}\n");
  CHECK_FALSE(in_place.has_new_column());
}

TEST_CASE("parse_operation: indexes, constraints and tables") {
  auto index = only_spec<CreateIndexOp>(
      "  - create_index: {name: users_email, table: users, columns: [email, id], unique: true, "
      "where: email IS NOT NULL, method: btree}\n");
  CHECK(index.columns == Strings{"email", "id"});
  CHECK(index.unique);
  CHECK(index.where == "email IS NOT NULL");
  CHECK(index.method == "btree");

  auto dropped = only_spec<DropIndexOp>("  - drop_index: {name: users_old, table: app.users}\n");
  CHECK(dropped.index.display() == "app.users_old");
  CHECK_FALSE(dropped.definition);
  auto qualified = only_spec<DropIndexOp>(
      "  - drop_index: {name: other.users_old, columns: [a], table: users}\n");
  CHECK(qualified.index.display() == "other.users_old");
  REQUIRE(qualified.definition);
  CHECK(qualified.definition->columns == Strings{"a"});

  auto foreign = only_spec<AddConstraintOp>(
      "  - add_constraint:\n"
      "      table: orders\n"
      "      name: orders_user_fk\n"
      "      foreign_key:\n"
      "        columns: [user_id]\n"
      "        references: {table: users, columns: [id]}\n"
      "        on_delete: CASCADE\n");
  CHECK(foreign.kind == AddConstraintOp::Kind::foreign_key);
  CHECK(foreign.columns == Strings{"user_id"});
  CHECK(foreign.references.table.display() == "public.users");
  CHECK(foreign.references.on_delete == "CASCADE");

  auto table = only_spec<CreateTableOp>(
      "  - create_table:\n"
      "      table: teams\n"
      "      columns:\n"
      "        - {name: id, type: bigint}\n"
      "        - {name: name, type: text, nullable: false, default: \"'x'\", unique: true}\n"
      "      primary_key: [id]\n");
  REQUIRE(table.columns.size() == 2);
  CHECK_FALSE(table.columns[1].nullable);
  CHECK(table.primary_key == Strings{"id"});

  auto drop_table = only_spec<DropTableOp>("  - drop_table: {table: legacy}\n");
  CHECK(drop_table.table.display() == "public.legacy");
}

TEST_CASE("parse_operation: an unknown operation suggests the closest kind") {
  CHECK(problems_of("  - add_colum: {table: users, column: a, type: text}\n") ==
        Strings{"r.yaml:3: unknown operation 'add_colum' (did you mean 'add_column'?)"});
  CHECK(problems_of("  - make_coffee: {}\n") ==
        Strings{"r.yaml:3: unknown operation 'make_coffee'"});
}

TEST_CASE("parse_operation: unknown and repeated keys are reported at their line") {
  CHECK(problems_of("  - add_column:\n"
                    "      table: users\n"
                    "      column: a\n"
                    "      type: text\n"
                    "      nullabel: false\n") ==  // 7
        Strings{"r.yaml:7: unknown key 'nullabel' in 'add_column' (did you mean 'nullable'?)"});
  CHECK(problems_of("  - drop_table:\n"
                    "      table: a\n"
                    "      table: b\n") ==
        Strings{"r.yaml:5: 'table' appears twice in 'drop_table'"});
}

TEST_CASE("parse_operation: a name or key that is a list or a mapping is reported at its line") {
  CHECK(problems_of("  - [add_column]: {table: users}\n") ==
        Strings{"r.yaml:3: an operation's name must be text (add_column, sql, ...), not a list or "
                "a mapping"});
  CHECK(problems_of("  - drop_table:\n"
                    "      table: a\n"
                    "      [x]: 1\n") ==
        Strings{"r.yaml:5: a key in 'drop_table' must be text, not a list or a mapping"});
}

TEST_CASE("parse_operation: missing keys name the operation and the key") {
  CHECK(problems_of("  - add_column: {table: users, column: a}\n") ==
        Strings{"r.yaml:3: 'add_column' needs 'type'"});
  CHECK(problems_of("  - create_index: {name: i, table: users}\n") ==
        Strings{"r.yaml:3: 'create_index' needs 'columns'"});
  CHECK(problems_of("  - rename_column: {table: users, from: a}\n") ==
        Strings{"r.yaml:3: 'rename_column' needs 'to'"});
  CHECK(problems_of("  - add_column: users\n") ==
        Strings{"r.yaml:3: 'add_column' needs a mapping of its keys (table, column, type, up, "
                "default, nullable, unique, references, check)"});
}

TEST_CASE("parse_operation: values of the wrong type are reported at their line") {
  CHECK(problems_of("  - add_column:\n"
                    "      table: users\n"
                    "      column: a\n"
                    "      type: text\n"
                    "      nullable: maybe\n") ==
        Strings{"r.yaml:7: 'nullable' of 'add_column' must be true or false"});
  CHECK(
      problems_of("  - create_index:\n"
                  "      name: i\n"
                  "      table: users\n"
                  "      columns: email\n") ==
      Strings{"r.yaml:6: 'columns' of 'create_index' must be a list of column names, e.g. [a, b]"});
  CHECK(problems_of("  - create_index: {name: i, table: users, columns: []}\n") ==
        Strings{"r.yaml:3: 'columns' of 'create_index' is empty"});
  CHECK(problems_of("  - drop_column: {table: [users], column: a}\n") ==
        Strings{"r.yaml:3: 'table' of 'drop_column' must be text"});
  CHECK(problems_of("  - create_table: {table: t, columns: id}\n") ==
        Strings{"r.yaml:3: 'columns' of 'create_table' must be a list of columns, each a mapping "
                "such as {name: id, type: bigint}"});
}

TEST_CASE("parse_operation: expressions and types are checked with PostgreSQL's parser") {
  CHECK(
      problems_of("  - add_column:\n"
                  "      table: users\n"
                  "      column: first\n"
                  "      type: text\n"
                  "      up: split_part(name, ' ', 1\n") ==
      Strings{
          "r.yaml:7: 'up' of 'add_column' is not an SQL expression: syntax error at end of input"});
  CHECK(
      problems_of("  - add_column: {table: users, column: a, type: text text}\n") ==
      Strings{
          "r.yaml:3: 'type' of 'add_column' is not an SQL type: syntax error at or near \"text\""});
  CHECK(problems_of("  - add_constraint: {table: users, name: c, check: \"a > 0), (b\"}\n") ==
        Strings{"r.yaml:3: 'check' of 'add_constraint' is not an SQL expression: not a single "
                "expression"});
  CHECK(
      problems_of("  - drop_column: {table: users, column: a, down: \"1; DROP TABLE users\"}\n") ==
      Strings{"r.yaml:3: 'down' of 'drop_column' is not an SQL expression: syntax error at or near "
              "\";\""});
  CHECK(problems_of("  - create_index: {name: i, table: t, columns: [a], where: \"\"}\n") ==
        Strings{"r.yaml:3: 'where' of 'create_index' is not an SQL expression: it is empty"});
}

TEST_CASE("parse_operation: names PostgreSQL would shorten are refused") {
  std::string long_name(64, 'a');
  CHECK(problems_of("  - add_column: {table: users, column: " + long_name + ", type: text}\n") ==
        Strings{"r.yaml:3: 'column' of 'add_column' is longer than 63 bytes, so PostgreSQL would "
                "shorten it"});
  CHECK(problems_of("  - drop_table: {table: " + long_name + "}\n") ==
        Strings{"r.yaml:3: the table in 'table' of 'drop_table' is longer than 63 bytes, so "
                "PostgreSQL would shorten it"});
}

TEST_CASE("parse_operation: rules between keys") {
  CHECK(problems_of("  - add_column:\n"
                    "      table: users\n"
                    "      column: a\n"
                    "      type: text\n"
                    "      nullable: false\n") ==
        Strings{"r.yaml:7: 'nullable: false' of 'add_column' needs 'up' or 'default' to fill the "
                "rows that exist"});
  CHECK(problems_of("  - rename_column: {table: users, from: a, to: a}\n") ==
        Strings{"r.yaml:3: 'rename_column' renames a column to the name it has"});
  CHECK(problems_of("  - alter_column: {table: users, column: a}\n") ==
        Strings{"r.yaml:3: 'alter_column' needs 'type', 'name' or 'nullable'"});
  CHECK(problems_of("  - alter_column: {table: users, column: a, type: bigint, down: a}\n") ==
        Strings{"r.yaml:3: 'down' of 'alter_column' needs 'name': without a new name both versions "
                "write the old column and the new one is only computed from it"});
  CHECK(problems_of("  - alter_column: {table: users, column: a, nullable: true, up: a}\n") ==
        Strings{"r.yaml:3: 'up' of 'alter_column' needs 'type' or 'name': 'nullable' alone changes "
                "the column in place"});
  CHECK(
      problems_of("  - alter_column: {table: users, column: a, nullable: true, old_type: int}\n") ==
      Strings{"r.yaml:3: 'old_type' of 'alter_column' needs 'type'"});
  CHECK(problems_of("  - create_index: {name: app.i, table: users, columns: [a]}\n") ==
        Strings{"r.yaml:3: 'name' of 'create_index' takes no schema: the index goes in its table's "
                "schema"});
  CHECK(problems_of("  - drop_index: {name: i, unique: true}\n") ==
        Strings{"r.yaml:3: 'unique' of 'drop_index' describes the index for down: it needs "
                "'columns' too"});
  CHECK(problems_of("  - drop_index: {name: i, columns: [a]}\n") ==
        Strings{"r.yaml:3: 'columns' of 'drop_index' needs 'table'"});
}

TEST_CASE("parse_operation: add_constraint takes exactly one kind, and a well-formed foreign key") {
  CHECK(
      problems_of("  - add_constraint: {table: t, name: c}\n") ==
      Strings{"r.yaml:3: 'add_constraint' needs exactly one of 'check', 'unique', 'foreign_key'"});
  CHECK(
      problems_of("  - add_constraint: {table: t, name: c, check: a > 0, unique: [a]}\n") ==
      Strings{"r.yaml:3: 'add_constraint' needs exactly one of 'check', 'unique', 'foreign_key'"});
  CHECK(
      problems_of("  - add_constraint:\n"
                  "      table: t\n"
                  "      name: c\n"
                  "      foreign_key:\n"
                  "        columns: [a]\n"
                  "        references: {table: u, colums: [id]}\n"  // 8
                  "        on_delete: explode\n") ==                // 9
      Strings{"r.yaml:8: unknown key 'colums' in 'references' (did you mean 'columns'?)",
              "r.yaml:9: 'on_delete' of 'foreign_key' must be one of cascade, restrict, set null, "
              "set default, no action"});
  CHECK(
      problems_of("  - add_column: {table: t, column: a, type: int, references: {column: id}}\n") ==
      Strings{"r.yaml:3: 'references' needs 'table'"});
}

TEST_CASE("parse_operation: create_table columns are checked one by one") {
  CHECK(
      problems_of("  - create_table:\n"
                  "      table: t\n"
                  "      columns:\n"
                  "        - {name: id, type: bigint, primary_key: true}\n"  // 6
                  "        - {name: id, type: text, nulable: true}\n"        // 7
                  "        - just_a_name\n"                                  // 8
                  "      primary_key: [id, missing]\n") ==                   // 9
      Strings{"r.yaml:6: 'create_table' has both 'primary_key' and a column with 'primary_key: "
              "true'; keep one",
              "r.yaml:7: unknown key 'nulable' in 'create_table column' (did you mean 'nullable'?)",
              "r.yaml:7: column 'id' of 'create_table' is there twice",
              "r.yaml:8: each column of 'create_table' must be a mapping such as {name: id, type: "
              "bigint}",
              "r.yaml:9: 'primary_key' of 'create_table' names 'missing', which is not one of its "
              "columns"});
}

TEST_CASE("parse_operation: sql keeps its keys and refuses an empty up") {
  auto op = only_spec<SqlOp>("  - sql: {up: SELECT 1, down: SELECT 2, contract: SELECT 3}\n");
  CHECK(op.up == "SELECT 1");
  CHECK(op.contract == "SELECT 3");
  CHECK(problems_of("  - sql: {up: '  '}\n") == Strings{"r.yaml:3: 'up' of 'sql' is empty"});
  CHECK(problems_of("  - sql: {down: SELECT 1}\n") == Strings{"r.yaml:3: 'sql' needs 'up'"});
}

TEST_CASE("operation_kinds: every kind, for messages and the JSON Schema") {
  CHECK(operation_kinds() == Strings{"add_column", "drop_column", "rename_column", "alter_column",
                                     "create_index", "drop_index", "add_constraint", "create_table",
                                     "drop_table", "sql"});
}

TEST_CASE("operation_has_contract: true for operations that leave work to contract") {
  auto has_contract = [](const std::string& operations) {
    return operation_has_contract(revision_of(operations).operations[0]);
  };
  CHECK_FALSE(has_contract("  - add_column: {table: t, column: a, type: text}\n"));
  CHECK(has_contract("  - add_column: {table: t, column: a, type: text, up: b}\n"));
  CHECK(has_contract(
      "  - add_column: {table: t, column: a, type: text, default: \"'x'\", nullable: false}\n"));
  CHECK(has_contract("  - drop_column: {table: t, column: a}\n"));
  CHECK(has_contract("  - rename_column: {table: t, from: a, to: b}\n"));
  CHECK_FALSE(has_contract("  - alter_column: {table: t, column: a, nullable: true}\n"));
  CHECK(has_contract("  - alter_column: {table: t, column: a, nullable: false}\n"));
  CHECK_FALSE(has_contract("  - create_index: {name: i, table: t, columns: [a]}\n"));
  CHECK(has_contract("  - drop_index: {name: i}\n"));
  CHECK_FALSE(has_contract("  - add_constraint: {table: t, name: c, check: a > 0}\n"));
  CHECK_FALSE(has_contract("  - create_table: {table: t, columns: [{name: a, type: int}]}\n"));
  CHECK(has_contract("  - drop_table: {table: t}\n"));
  CHECK_FALSE(has_contract("  - sql: {up: SELECT 1}\n"));
  CHECK(has_contract("  - sql: {up: SELECT 1, contract: SELECT 2}\n"));
  CHECK(revision_of("  - drop_column: {table: t, column: a}\n").has_contract());
}
