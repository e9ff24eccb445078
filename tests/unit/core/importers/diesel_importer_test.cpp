// Diesel directories: the version as Diesel records it (dashes removed),
// metadata.toml's run_in_transaction honoured.
#include "core/importers/imported_history.hpp"
#include "unit/core/importers/importer_helpers.hpp"

using namespace migrate::core;
using migrate::test::import_error;
using Strings = std::vector<std::string>;

TEST_CASE("import_diesel: one revision per directory, versions without dashes") {
  auto history = import_diesel({
      {"2024-01-02-000000_add_index/up.sql", "CREATE INDEX CONCURRENTLY i ON u (id);\n"},
      {"2024-01-02-000000_add_index/metadata.toml",
       "# written by hand\nrun_in_transaction = false\n"},
      {"2024-01-01-000000_create_u/up.sql", "CREATE TABLE u (id int);\n"},
      {"2024-01-01-000000_create_u/down.sql", "DROP TABLE u;\n"},
  });
  REQUIRE(history.revisions.size() == 2);
  CHECK(history.revisions[0].id == "20240101000000");
  CHECK(history.revisions[0].message == "create u");
  CHECK(history.revisions[0].transaction == Transaction::on);
  CHECK(history.revisions[1].parents == Strings{"20240101000000"});
  CHECK(history.revisions[1].transaction == Transaction::off);
  CHECK(!history.revisions[1].down);
}

TEST_CASE("import_diesel: refuses a directory without up.sql or a version") {
  CHECK(import_error(import_diesel, {{"2024-01-01-000000_x/down.sql", "SELECT 1;"}}) ==
        "2024-01-01-000000_x: a Diesel migration directory without up.sql");
  CHECK(import_error(import_diesel, {{"create_x/up.sql", "SELECT 1;"}}) ==
        "create_x/up.sql: the directory name does not start with a Diesel version (e.g. "
        "2024-01-15-093000_name)");
}
