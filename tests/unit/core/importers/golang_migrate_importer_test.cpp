// golang-migrate files: numeric order, ids without leading zeros (as its
// state table records them), up and down paired.
#include "core/importers/imported_history.hpp"
#include "unit/core/importers/importer_helpers.hpp"

using namespace migrate::core;
using migrate::test::import_error;
using Strings = std::vector<std::string>;

TEST_CASE("import_golang_migrate: numeric order, ids as the state table records them") {
  auto history = import_golang_migrate({
      {"000010_add_total.up.sql", "ALTER TABLE o ADD total int;\n"},
      {"000002_create_o.up.sql", "CREATE TABLE o (id int);\n"},
      {"000002_create_o.down.sql", "DROP TABLE o;\n"},
  });
  REQUIRE(history.revisions.size() == 2);
  CHECK(history.revisions[0].id == "2");
  CHECK(history.revisions[1].id == "10");
  CHECK(history.revisions[1].parents == Strings{"2"});
  CHECK(*history.revisions[0].down == "DROP TABLE o;\n");
  CHECK(!history.revisions[1].down);
  CHECK(history.revisions[0].source == "000002_create_o.up.sql, 000002_create_o.down.sql");
}

TEST_CASE("import_golang_migrate: CREATE INDEX CONCURRENTLY runs outside a transaction") {
  auto history =
      import_golang_migrate({{"1_i.up.sql", "CREATE INDEX CONCURRENTLY i ON o (id);\n"}});
  CHECK(history.revisions[0].transaction == Transaction::off);
}

TEST_CASE("import_golang_migrate: refuses non-SQL files, duplicates and orphan downs") {
  CHECK(import_error(import_golang_migrate, {{"3_x.up.json", "{}"}}) ==
        "3_x.up.json: only SQL migrations can be imported, not .json files");
  CHECK(import_error(import_golang_migrate,
                     {{"3_x.up.sql", "SELECT 1;"}, {"03_y.up.sql", "SELECT 2;"}}) ==
        "03_y.up.sql: version 3 has a second up file (also 3_x.up.sql)");
  CHECK(import_error(import_golang_migrate, {{"4_x.down.sql", "SELECT 1;"}}) ==
        "4_x.down.sql: version 4 has a down file but no up file");
}
