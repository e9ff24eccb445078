// The shared part of the importers: rendering keeps the tool's text as it
// was, markers migrate would misread are refused, transactions are inferred.
#include "core/importers/imported_history.hpp"

#include "unit/core/importers/importer_helpers.hpp"

using namespace migrate::core;

TEST_CASE("render_imported: header, then the tool's up and down text unchanged") {
  ImportedRevision revision{"7",
                            {"6"},
                            "add email",
                            Transaction::off,
                            "ALTER TABLE users ADD email text;\n",
                            std::string("ALTER TABLE users DROP email;"),
                            "7_add_email.up.sql"};
  CHECK(render_imported(revision, ImportTool::golang_migrate) ==
        "-- migrate:revision 7\n-- migrate:parents 6\n-- migrate:message add email\n-- "
        "migrate:transaction off\n"
        "-- imported from golang-migrate: 7_add_email.up.sql\n\n-- migrate:up\nALTER TABLE users "
        "ADD email text;\n"
        "-- migrate:down\nALTER TABLE users DROP email;\n");
}

TEST_CASE(
    "render_history: the file holds each section byte for byte, and the loader reads it back") {
  std::string up =
      "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$\nSELECT 1;\n$$;\n\n-- trailing comment\n";
  ImportedHistory history{
      {{"1", {}, "create f", Transaction::on, up, std::string("DROP FUNCTION f();\n"), "x"}}, {}};
  auto graph = migrate::test::loaded(history, ImportTool::dbmate);
  CHECK(graph.get("1").text(graph.get("1").up) == up);
  const std::string& content = graph.get("1").content;
  CHECK(content.substr(content.find("-- migrate:up\n")) ==
        "-- migrate:up\n" + up + "-- migrate:down\nDROP FUNCTION f();\n");
  CHECK(graph.get("1").path == "migrations/1_create_f.sql");
}

TEST_CASE("transaction_needed: own BEGIN/COMMIT or CONCURRENTLY runs outside a transaction") {
  CHECK(transaction_needed("BEGIN;\nCREATE TABLE t (id int);\nCOMMIT;\n") == Transaction::off);
  CHECK(transaction_needed("CREATE INDEX CONCURRENTLY i ON t (id);") == Transaction::off);
  CHECK(transaction_needed("vacuum analyze t;") == Transaction::off);
  CHECK(transaction_needed("CREATE TABLE t (id int);") == Transaction::on);
  // A function body's BEGIN is not a transaction.
  CHECK(transaction_needed(
            "CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$ BEGIN NULL; END $$;") ==
        Transaction::on);
  CHECK(transaction_needed("INSERT INTO notes VALUES ('built concurrently');") == Transaction::on);
}

TEST_CASE("ImportProblems: a line migrate would read as its marker is refused with its line") {
  ImportProblems problems;
  problems.check_no_markers("001_x.up.sql", "SELECT 1;\n  -- migrate:down\n");
  try {
    problems.throw_if_any();
    FAIL("not refused");
  } catch (const migrate::Error& error) {
    CHECK(std::string(error.what()) ==
          "001_x.up.sql:2: a line starting with '-- migrate:' would be read as a migrate marker; "
          "reword that comment");
  }
}

TEST_CASE("import_tool_from: the names --from takes") {
  CHECK(import_tool_from("golang-migrate") == ImportTool::golang_migrate);
  CHECK(!import_tool_from("goose"));
  CHECK(import_tool_names() == "dbmate, golang-migrate, diesel, flyway, sqitch, alembic");
}

TEST_CASE("boolean_setting: a key's true or false, blanks and comments allowed") {
  CHECK(boolean_setting("# note\nrun_in_transaction = false # why\n", "run_in_transaction") ==
        false);
  CHECK(boolean_setting("executeInTransaction=true\n", "executeInTransaction") == true);
  CHECK(!boolean_setting("other = false\n", "run_in_transaction"));
}
