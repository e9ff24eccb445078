// dbmate files: sections kept as written, transaction:false honoured, a
// chain in version order.
#include "core/importers/imported_history.hpp"
#include "unit/core/importers/importer_helpers.hpp"

using namespace migrate::core;
using migrate::test::import_error;
using Strings = std::vector<std::string>;

TEST_CASE("import_dbmate: versions in order become a chain, sections kept") {
  auto history = import_dbmate({
      {"20240102000000_add_email.sql",
       "-- migrate:up\nALTER TABLE u ADD e text;\n\n-- migrate:down\nALTER TABLE u DROP e;\n"},
      {"20240101000000_create_u.sql",
       "-- a comment first\n-- migrate:up\nCREATE TABLE u (id int);\n-- migrate:down\nDROP TABLE "
       "u;\n"},
      {"README.md", "notes"},
  });
  REQUIRE(history.revisions.size() == 2);
  CHECK(history.revisions[0].id == "20240101000000");
  CHECK(history.revisions[0].parents.empty());
  CHECK(history.revisions[1].parents == Strings{"20240101000000"});
  CHECK(history.revisions[1].up == "ALTER TABLE u ADD e text;\n\n");
  CHECK(*history.revisions[1].down == "ALTER TABLE u DROP e;\n");
  CHECK(history.revisions[1].message == "add email");
  CHECK(history.notes ==
        Strings{"README.md: not a dbmate migration (<version>_<name>.sql), left out"});
}

TEST_CASE(
    "import_dbmate: transaction:false turns the transaction off; no down section stays absent") {
  auto history = import_dbmate(
      {{"1_index.sql",
        "-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY i ON u (id);\n"}});
  CHECK(history.revisions[0].transaction == Transaction::off);
  CHECK(!history.revisions[0].down);
}

TEST_CASE("import_dbmate: refuses what it cannot convert, naming file and line") {
  CHECK(import_error(import_dbmate,
                     {{"1_x.sql", "CREATE TABLE u (id int);\n-- migrate:up\nSELECT 1;\n"}}) ==
        "1_x.sql:1: SQL before '-- migrate:up'");
  CHECK(import_error(import_dbmate, {{"1_x.sql", "-- migrate:down\nSELECT 1;\n"}}) ==
        "1_x.sql:1: no '-- migrate:up' section");
  CHECK(import_error(import_dbmate, {{"1_x.sql", "-- migrate:up nosync\nSELECT 1;\n"}}) ==
        "1_x.sql:1: unknown dbmate option 'nosync'");
}
