// Flyway scripts: versions compared part by part, undo files as down
// sections, repeatable scripts reported and left out.
#include "core/importers/imported_history.hpp"
#include "unit/core/importers/importer_helpers.hpp"

using namespace migrate::core;
using migrate::test::import_error;
using Strings = std::vector<std::string>;

TEST_CASE("import_flyway: versions in numeric order, undo files as down") {
  auto history = import_flyway({
      {"sql/V1_10__ten.sql", "SELECT 10;\n"},
      {"sql/V1_9__nine.sql", "SELECT 9;\n"},
      {"sql/U1_9__nine.sql", "SELECT -9;\n"},
      {"sql/V2__two.sql", "SELECT 2;\n"},
      {"sql/R__views.sql", "CREATE OR REPLACE VIEW v AS SELECT 1;\n"},
  });
  REQUIRE(history.revisions.size() == 3);
  CHECK(history.revisions[0].id == "1.9");
  CHECK(history.revisions[1].id == "1.10");
  CHECK(history.revisions[2].id == "2");
  CHECK(history.revisions[2].parents == Strings{"1.10"});
  CHECK(*history.revisions[0].down == "SELECT -9;\n");
  CHECK(history.notes ==
        Strings{"sql/R__views.sql: a repeatable migration has no place in a chain of revisions, "
                "left out; put its SQL in a new revision when it changes"});
}

TEST_CASE("import_flyway: executeInTransaction=false in the script's .conf") {
  auto history = import_flyway(
      {{"V1__a.sql", "SELECT 1;\n"}, {"V1__a.sql.conf", "executeInTransaction=false\n"}});
  CHECK(history.revisions[0].transaction == Transaction::off);
}

TEST_CASE("import_flyway: refuses the same version twice and an undo without its version") {
  CHECK(import_error(import_flyway, {{"V1__a.sql", "SELECT 1;"}, {"V1.0__b.sql", "SELECT 2;"}}) ==
        "V1.0__b.sql: version 1.0 appears twice (also V1__a.sql)");
  CHECK(import_error(import_flyway, {{"U3__a.sql", "SELECT 1;"}}) ==
        "U3__a.sql: an undo file whose version has no versioned migration");
}
