// Loading a migrations directory: every problem in every file, reported at once
// with file and line, and nothing loaded when any file is invalid.
#include "core/revisions/revision_loader.hpp"

#include "support/test_helpers.hpp"

using migrate::core::load_revisions;
using migrate::core::SourceFile;
using migrate::test::load_problems;
using migrate::test::sql_file;
using Strings = std::vector<std::string>;

TEST_CASE("load_revisions: SQL and YAML revisions form one graph") {
  auto graph = load_revisions({
      sql_file("a"),
      {"b.yaml", "revision: b\nparents: [a]\noperations:\n  - sql: {up: SELECT 1}\n"},
      sql_file("c", "b"),
  });
  CHECK(graph.size() == 3);
  CHECK(graph.order() == Strings{"a", "b", "c"});
  CHECK(graph.get("b").format == migrate::core::RevisionFormat::yaml);
  CHECK(graph.heads() == Strings{"c"});
}

TEST_CASE("load_revisions: no files make an empty graph") {
  auto graph = load_revisions({});
  CHECK(graph.empty());
  CHECK(graph.heads().empty());
  CHECK(graph.order().empty());
}

TEST_CASE("load_revisions: duplicate ids name both files") {
  CHECK(load_problems({sql_file("a"), {"copy.sql", migrate::test::sql_text("a")}}) ==
        Strings{"copy.sql:1: duplicate revision id 'a' (also in a.sql:1)"});
}

TEST_CASE("load_revisions: a duplicate id across formats") {
  CHECK(load_problems({{"z.yaml", "# note\nrevision: a\noperations:\n  - sql: {up: SELECT 1}\n"},
                       sql_file("a")}) ==
        Strings{"z.yaml:2: duplicate revision id 'a' (also in a.sql:1)"});
}

TEST_CASE("load_revisions: a missing parent is named with its child") {
  CHECK(load_problems({sql_file("a"), sql_file("b", "a zzz")}) ==
        Strings{"b.sql:2: parent 'zzz' of revision 'b' does not exist in this directory"});
}

TEST_CASE("load_revisions: a revision that is its own parent") {
  CHECK(load_problems({sql_file("a", "a")}) ==
        Strings{"a.sql:1: revision 'a' lists itself as a parent"});
}

TEST_CASE("load_revisions: a parent listed twice") {
  CHECK(load_problems({sql_file("a"), sql_file("b", "a, a")}) ==
        Strings{"b.sql:1: parent 'a' is listed twice"});
}

TEST_CASE("load_revisions: a cycle of two names both members") {
  CHECK(load_problems({sql_file("a", "b"), sql_file("b", "a")}) ==
        Strings{"a.sql:1: cycle in parents: a -> b -> a"});
}

TEST_CASE("load_revisions: a longer cycle names its members only") {
  // r is a root; a, b and c form a cycle; d only descends from it.
  CHECK(load_problems({sql_file("r"), sql_file("a", "r c"), sql_file("b", "a"), sql_file("c", "b"),
                       sql_file("d", "c")}) ==
        Strings{"a.sql:1: cycle in parents: a -> c -> b -> a"});
}

TEST_CASE("load_revisions: a file with no revision id") {
  CHECK(load_problems(
            {sql_file("a"), {"b.sql", "-- migrate:parents a\n-- migrate:up\nSELECT 1;\n"}}) ==
        Strings{"b.sql:1: no revision id (add a line '-- migrate:revision <id>')"});
}

// A parent whose file is invalid exists: telling the user it "does not exist in
// this directory" sends them looking for a file they already have.
TEST_CASE("load_revisions: the child of an invalid file is not told its parent does not exist") {
  CHECK(load_problems(
            {{"a.sql",
              "-- migrate:revision a\n-- migrate:transaction maybe\n-- migrate:up\nSELECT 1;\n"},
             sql_file("b", "a")}) ==
        Strings{"a.sql:2: transaction must be 'on' or 'off', not 'maybe'"});
}

TEST_CASE("load_revisions: problems of every file are reported together, file problems first") {
  std::vector<SourceFile> files = {
      sql_file("a"),
      {"b.sql", "-- migrate:revision b\n-- migrate:parnets a\n-- migrate:up\nSELECT 1;\n"},
      {"c.yaml", "revision: c\nparents: [a]\noperations: {}\n"},
      sql_file("d", "nope"),
      {"e.sql", migrate::test::sql_text("a")},
  };
  Strings expected = {
      "b.sql:2: unknown header '-- migrate:parnets' (did you mean 'parents'?)",
      "c.yaml:3: 'operations' must be a list (each item starts with '- ')",
      "e.sql:1: duplicate revision id 'a' (also in a.sql:1)",
      "d.sql:2: parent 'nope' of revision 'd' does not exist in this directory",
  };
  CHECK(load_problems(files) == expected);

  auto error =
      migrate::test::error_from<migrate::InvalidFilesError>([&] { load_revisions(files); });
  CHECK(error.code() == migrate::ExitCode::usage);
  CHECK(std::string(error.what()) == "4 problems in the migration files:\n  " + expected[0] +
                                         "\n  " + expected[1] + "\n  " + expected[2] + "\n  " +
                                         expected[3]);
  CHECK(error.hint() == "fix the files above; nothing was applied");
}

TEST_CASE("load_revisions: a single problem is the whole message") {
  auto error = migrate::test::error_from<migrate::InvalidFilesError>(
      [] { load_revisions({sql_file("a", "a")}); });
  CHECK(std::string(error.what()) == "a.sql:1: revision 'a' lists itself as a parent");
}
