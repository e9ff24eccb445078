// What a database holds besides migrate's state: which tool a table means,
// when to refuse, and how the refusal reads.
#include "core/importers/foreign_state.hpp"

#include "support/test_helpers.hpp"

using namespace migrate::core;

TEST_CASE(
    "signature_of: schema_migrations with a dirty flag is golang-migrate, without it dbmate") {
  CHECK(tool_name({"public", "schema_migrations", {"version", "dirty"}, ""}) == "golang-migrate");
  CHECK(tool_name({"public", "schema_migrations", {"version"}, ""}) == "dbmate (or Rails)");
  CHECK(tool_name({"sqitch", "changes", {}, ""}) == "Sqitch");
}

TEST_CASE("needs_adoption: only without migrate state, and only when something is there") {
  ForeignState empty;
  CHECK(!needs_adoption(empty));
  ForeignState tables{false, {}, {"public.users"}, 1};
  CHECK(needs_adoption(tables));
  tables.migrate_state = true;
  CHECK(!needs_adoption(tables));
}

TEST_CASE("UnadoptedDatabaseError: names the tool, its version and the tables; exit 8") {
  ForeignState state{
      false, {{"public", "flyway_schema_history", {}, "1.4"}}, {"public.a", "public.b"}, 9};
  UnadoptedDatabaseError error(state);
  CHECK(error.code() == migrate::ExitCode::unadopted_database);
  CHECK(static_cast<int>(error.code()) == 8);
  CHECK(
      std::string(error.what()) ==
      "the database holds a schema that migrate did not write, and no migrate state: Flyway state "
      "table "
      "public.flyway_schema_history, newest version 1.4; 9 tables (public.a, public.b and 7 more)");
  CHECK(error.hint() ==
        "nothing was changed; adopt the database first: `migrate import --from flyway SRC` writes "
        "revisions from its "
        "history, then `migrate stamp --from-state flyway` records them as applied; `migrate stamp "
        "REV` records "
        "revisions that already describe this schema; `--allow-existing-schema` runs anyway "
        "(recorded)");
}
