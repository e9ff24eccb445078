// What SQL touches, and where diverging branches touch the same tables and columns.
#include "core/checks/branch_overlap.hpp"

#include <fmt/format.h>

#include "core/sql/parse_tree.hpp"
#include "support/test_helpers.hpp"

using migrate::core::branch_overlaps;
using migrate::core::Overlap;
using migrate::core::parse_sql;
using migrate::core::Revision;
using migrate::core::RevisionGraph;
using migrate::core::touched_objects;
using migrate::core::TouchedObject;
using Strings = std::vector<std::string>;

namespace {

Revision revision_of(const std::string& path, const std::string& content) {
  auto parsed = migrate::test::parse(path, content);
  REQUIRE(parsed.problems == Strings{});
  return *parsed.revision;
}

// "<id>.sql" with `up` on line 4.
Revision sql_revision(const std::string& id, const std::string& parents,
                      const std::string& up = "SELECT 1;") {
  return revision_of(id + ".sql", "-- migrate:revision " + id + "\n-- migrate:parents " + parents +
                                      "\n-- migrate:up\n" + up + "\n");
}

// "table column action path:line" per touch, so a test reads like the SQL.
Strings described(const std::vector<TouchedObject>& touches) {
  Strings lines;
  for (const auto& touch : touches)
    lines.push_back(fmt::format("{} {} {} {}:{}", touch.table,
                                touch.column.empty() ? "-" : touch.column, touch.action, touch.path,
                                touch.line));
  return lines;
}

Strings touches_of(const std::string& path, const std::string& content) {
  return described(touched_objects(revision_of(path, content)));
}

// "table.column: head, head" per overlap ("table.*" for the whole table).
Strings summary(const std::vector<Overlap>& overlaps) {
  Strings lines;
  for (const auto& overlap : overlaps)
    lines.push_back(fmt::format("{}.{}: {}", overlap.table,
                                overlap.column.empty() ? "*" : overlap.column,
                                fmt::join(overlap.heads, ", ")));
  return lines;
}

}  // namespace

TEST_CASE("touched_objects: names columns for column-level statements, the table otherwise") {
  const std::string content =
      "-- migrate:revision a1\n"
      "-- migrate:up\n"
      "CREATE TABLE app.audit (id bigint PRIMARY KEY, user_id bigint REFERENCES users "
      "(id));\n"                                    // 3
      "ALTER TABLE users ADD COLUMN first text,\n"  // 4
      "  DROP COLUMN nickname, ALTER COLUMN email SET NOT NULL;\n"
      "ALTER TABLE users RENAME COLUMN name TO full_name;\n"  // 6
      "CREATE INDEX CONCURRENTLY users_first ON users (lower(first), last) WHERE active;\n"
      "UPDATE users SET first = split_part(name, ' ', 1);\n"  // 8
      "INSERT INTO app.audit (id) VALUES (1);\n"
      "DELETE FROM \"Orders\";\n"  // 10
      "ALTER TABLE users ADD CONSTRAINT users_age CHECK (age > 0) NOT VALID;\n"
      "-- migrate:contract\n"
      "DROP TABLE legacy_users, app.old;\n"  // 13
      "-- migrate:down\n"
      "DROP TABLE everything;\n";
  CHECK(touches_of("migrations/a1.sql", content) ==
        Strings{"app.audit - create table migrations/a1.sql:3",
                "public.users id reference migrations/a1.sql:3",
                "public.users first add column migrations/a1.sql:4",
                "public.users nickname drop column migrations/a1.sql:4",
                "public.users email alter column migrations/a1.sql:4",
                "public.users name rename migrations/a1.sql:6",
                "public.users full_name rename migrations/a1.sql:6",
                "public.users first create index migrations/a1.sql:7",
                "public.users last create index migrations/a1.sql:7",
                "public.users active create index migrations/a1.sql:7",
                "public.users first update migrations/a1.sql:8",
                "app.audit - insert migrations/a1.sql:9",
                "public.Orders - delete migrations/a1.sql:10",
                "public.users age add constraint migrations/a1.sql:11",
                "public.legacy_users - drop migrations/a1.sql:13",
                "app.old - drop migrations/a1.sql:13"});
}

TEST_CASE("touched_objects: a renamed table is touched under both names, as a whole") {
  auto touches = touched_objects(sql_revision("r", "", "ALTER TABLE app.users RENAME TO people;"));
  CHECK(described(touches) == Strings{"app.users - rename r.sql:4", "app.people - rename r.sql:4"});
  CHECK(touches.front().whole_table());
  CHECK(touches.front().revision == "r");
}

TEST_CASE("touched_objects: YAML revisions are read through the SQL they render to") {
  const std::string content =
      "revision: y1\n"
      "operations:\n"
      "  - sql:\n"  // 3
      "      up: ALTER TABLE users ADD COLUMN last text\n"
      "      down: ALTER TABLE users DROP COLUMN last\n"
      "  - sql:\n"  // 6
      "      up: SELECT 1\n"
      "      contract: ALTER TABLE users DROP COLUMN name\n";
  CHECK(touches_of("migrations/y1.yaml", content) ==
        Strings{"public.users last add column migrations/y1.yaml:3",
                "public.users name drop column migrations/y1.yaml:6"});
}

TEST_CASE("touched_objects: statements that do not parse are skipped") {
  CHECK(touches_of("b.sql",
                   "-- migrate:revision b\n-- migrate:up\nALTER TABLE users ADDD COLUMN x int;\n"
                   "ALTER TABLE users DROP COLUMN y;\n") ==
        Strings{"public.users y drop column b.sql:4"});
}

TEST_CASE("parse_sql: returns the statements, or the parser's error and where it stopped") {
  auto parsed = parse_sql("SELECT 1; ALTER TABLE t ADD COLUMN c int");
  CHECK(parsed.error.empty());
  REQUIRE(parsed.statements.size() == 2);
  CHECK(migrate::core::parse_tree::type_of(parsed.statements[1]) == "AlterTableStmt");

  auto bad = parse_sql("SELECT 1;\nSELEC 2");
  CHECK(bad.statements.empty());
  CHECK(bad.error == "syntax error at or near \"SELEC\"");
  CHECK(bad.error_offset == 10);
}

namespace {

// base -> (one branch per entry of `branches`, each a chain of revisions given by their `up`).
RevisionGraph branches_from_base(const std::vector<Strings>& branches) {
  std::vector<Revision> revisions{
      sql_revision("base", "", "CREATE TABLE users (id int, name text);")};
  for (size_t b = 0; b < branches.size(); ++b) {
    std::string parent = "base";
    for (size_t k = 0; k < branches[b].size(); ++k) {
      std::string id = fmt::format("{}{}", static_cast<char>('a' + b), k + 1);
      revisions.push_back(sql_revision(id, parent, branches[b][k]));
      parent = id;
    }
  }
  return RevisionGraph::build(revisions);
}

}  // namespace

TEST_CASE("branch_overlaps: two branches touching the same column are reported") {
  auto graph = branches_from_base(
      {{"ALTER TABLE users ADD COLUMN email text;"},
       {"SELECT 1;", "CREATE INDEX CONCURRENTLY users_email ON users (email);"}});
  REQUIRE(graph.heads() == Strings{"a1", "b2"});
  auto overlaps = branch_overlaps(graph, graph.heads());
  CHECK(summary(overlaps) == Strings{"public.users.email: a1, b2"});
  REQUIRE(overlaps.size() == 1);
  CHECK(described(overlaps[0].touches) == Strings{"public.users email add column a1.sql:4",
                                                  "public.users email create index b2.sql:4"});
}

TEST_CASE("branch_overlaps: different columns of one table are not an overlap") {
  auto graph = branches_from_base(
      {{"ALTER TABLE users ADD COLUMN first text, ADD COLUMN last text;"},
       {"ALTER TABLE users ADD COLUMN email text;\nINSERT INTO users (id) VALUES (1);"}});
  CHECK(branch_overlaps(graph, graph.heads()).empty());
}

TEST_CASE("branch_overlaps: dropping a table overlaps with any touch of it on another branch") {
  auto graph =
      branches_from_base({{"DROP TABLE users;"}, {"ALTER TABLE users ADD COLUMN first text;"}});
  auto overlaps = branch_overlaps(graph, graph.heads());
  CHECK(summary(overlaps) == Strings{"public.users.*: a1, b1"});
  REQUIRE(overlaps.size() == 1);
  CHECK(described(overlaps[0].touches) ==
        Strings{"public.users - drop a1.sql:4", "public.users first add column b1.sql:4"});
}

TEST_CASE(
    "branch_overlaps: what the branch point and its ancestors did is shared, not an overlap") {
  auto graph = branches_from_base(
      {{"ALTER TABLE users ADD COLUMN a text;"}, {"ALTER TABLE users ADD COLUMN b text;"}});
  // `base` creates users as a whole; both branches touch it after the branch point.
  CHECK(branch_overlaps(graph, graph.heads()).empty());
  CHECK(branch_overlaps(graph, {"a1"}).empty());
}

TEST_CASE("branch_overlaps: a three-way merge compares every two branches") {
  auto graph = branches_from_base({{"ALTER TABLE users ALTER COLUMN name TYPE varchar(200);"},
                                   {"ALTER TABLE users ADD COLUMN email text;"},
                                   {"UPDATE users SET name = trim(name);"}});
  REQUIRE(graph.heads() == Strings{"a1", "b1", "c1"});
  auto overlaps = branch_overlaps(graph, graph.heads());
  CHECK(summary(overlaps) == Strings{"public.users.name: a1, c1"});
  REQUIRE(overlaps.size() == 1);
  CHECK(described(overlaps[0].touches) ==
        Strings{"public.users name alter column a1.sql:4", "public.users name update c1.sql:4"});
}

TEST_CASE("branch_overlaps: a revision two heads share is on both their branches against a third") {
  // base -> x (renames users.name) -> a1, b1; base -> c1 (updates users.name).
  auto graph = RevisionGraph::build(
      {sql_revision("base", "", "CREATE TABLE users (id int, name text);"),
       sql_revision("x", "base", "ALTER TABLE users RENAME COLUMN name TO full_name;"),
       sql_revision("a1", "x"), sql_revision("b1", "x"),
       sql_revision("c1", "base", "UPDATE users SET name = trim(name);")});
  auto overlaps = branch_overlaps(graph, graph.heads());
  CHECK(summary(overlaps) == Strings{"public.users.name: a1, b1, c1"});
  REQUIRE(overlaps.size() == 1);
  // In graph order: c1 sorts before x.
  CHECK(described(overlaps[0].touches) ==
        Strings{"public.users name update c1.sql:4", "public.users name rename x.sql:4"});
}
