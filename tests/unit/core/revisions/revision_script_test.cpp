// Revisions rendered to the steps of one phase, whatever their file format.
#include "core/revisions/revision_script.hpp"

#include "support/test_helpers.hpp"

using migrate::core::Phase;
using migrate::core::Step;
using migrate::core::steps_for;
using migrate::test::parse;

namespace {

// Steps as "origin transactional|alone: sql".
std::vector<std::string> describe(const std::vector<Step>& steps) {
  std::vector<std::string> out;
  for (const auto& step : steps)
    out.push_back(step.origin() + (step.transactional ? " tx: " : " alone: ") + step.sql);
  return out;
}

const std::string k_sql_revision =
    "-- migrate:revision a\n"     // 1
    "-- migrate:up\n"             // 2
    "ALTER TABLE t ADD c int;\n"  // 3
    "UPDATE t SET c = 1;\n"       // 4
    "-- migrate:contract\n"       // 5
    "ALTER TABLE t DROP old;\n"   // 6
    "-- migrate:down\n"           // 7
    "\n"
    "ALTER TABLE t DROP c;\n";  // 9

using Strings = std::vector<std::string>;

}  // namespace

TEST_CASE("steps_for: an SQL revision runs its sections statement by statement, with file lines") {
  auto revision = *parse("m/a.sql", k_sql_revision).revision;
  CHECK(describe(steps_for(revision, Phase::expand)) ==
        Strings{"m/a.sql:3 tx: ALTER TABLE t ADD c int", "m/a.sql:4 tx: UPDATE t SET c = 1"});
  CHECK(describe(steps_for(revision, Phase::contract)) ==
        Strings{"m/a.sql:6 tx: ALTER TABLE t DROP old"});
  CHECK(describe(steps_for(revision, Phase::down)) ==
        Strings{"m/a.sql:9 tx: ALTER TABLE t DROP c"});
  CHECK(describe(steps_for(revision, Phase::rollback)) ==
        Strings{"m/a.sql:9 tx: ALTER TABLE t DROP c"});
  auto steps = steps_for(revision, Phase::expand);
  CHECK(steps[0].kind == Step::Kind::statement);
  CHECK(steps[0].description == "up");
  CHECK(migrate::core::single_transaction(steps));
}

TEST_CASE("steps_for: a missing or empty section runs nothing") {
  auto revision =
      *parse("a.sql",
             "-- migrate:revision a\n-- migrate:up\nSELECT 1;\n-- migrate:down\n-- no way back\n")
           .revision;
  CHECK(steps_for(revision, Phase::contract).empty());
  CHECK(steps_for(revision, Phase::down).empty());
}

TEST_CASE("steps_for: a transaction-off revision runs every statement alone") {
  auto revision =
      *parse("a.sql",
             "-- migrate:revision a\n-- migrate:transaction off\n-- migrate:up\n"
             "CREATE INDEX CONCURRENTLY i ON t (c);\nCREATE INDEX CONCURRENTLY j ON t (d);\n")
           .revision;
  auto steps = steps_for(revision, Phase::expand);
  CHECK(describe(steps) == Strings{"a.sql:4 alone: CREATE INDEX CONCURRENTLY i ON t (c)",
                                   "a.sql:5 alone: CREATE INDEX CONCURRENTLY j ON t (d)"});
  CHECK_FALSE(migrate::core::single_transaction(steps));
}

TEST_CASE("steps_for: YAML operations run in order, and in reverse order going down") {
  auto revision = *parse("r.yaml",
                         "revision: r\n"
                         "operations:\n"
                         "  - sql: {up: SELECT 1, down: SELECT 10}\n"   // 3
                         "  - sql: {up: SELECT 2, down: SELECT 20}\n")  // 4
                       .revision;
  CHECK(describe(steps_for(revision, Phase::expand)) ==
        Strings{"r.yaml:3 tx: SELECT 1", "r.yaml:4 tx: SELECT 2"});
  CHECK(describe(steps_for(revision, Phase::down)) ==
        Strings{"r.yaml:4 tx: SELECT 20", "r.yaml:3 tx: SELECT 10"});
  CHECK(describe(steps_for(revision, Phase::rollback)) ==
        Strings{"r.yaml:4 tx: SELECT 20", "r.yaml:3 tx: SELECT 10"});
}

TEST_CASE("single_transaction: false once any step runs alone or is a backfill") {
  Step statement;
  statement.sql = "SELECT 1";
  CHECK(migrate::core::single_transaction({}));
  CHECK(migrate::core::single_transaction({statement, statement}));
  Step alone = statement;
  alone.transactional = false;
  CHECK_FALSE(migrate::core::single_transaction({statement, alone}));
  Step backfill;
  backfill.kind = Step::Kind::backfill;
  CHECK_FALSE(migrate::core::single_transaction({backfill}));
}

TEST_CASE("concurrent_index_of: the index a concurrent build leaves INVALID when it fails") {
  using migrate::core::concurrent_index_of;
  CHECK(concurrent_index_of(
            "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_email_key ON users (email)") ==
        "\"users_email_key\"");
  CHECK(concurrent_index_of("create index concurrently \"Idx\" on app.users (lower(email))") ==
        "\"app\".\"Idx\"");
  CHECK(concurrent_index_of("REINDEX INDEX CONCURRENTLY app.users_email_key") ==
        "\"app\".\"users_email_key_ccnew\"");
  CHECK(concurrent_index_of("REINDEX (CONCURRENTLY) INDEX users_email_key") ==
        "\"users_email_key_ccnew\"");
  // Nothing to drop: not concurrent, no name to find it by, or not an index build.
  CHECK(concurrent_index_of("CREATE INDEX users_email_idx ON users (email)").empty());
  CHECK(concurrent_index_of("CREATE INDEX CONCURRENTLY ON users (email)").empty());
  CHECK(concurrent_index_of("REINDEX INDEX users_email_key").empty());
  CHECK(concurrent_index_of("REINDEX TABLE CONCURRENTLY users").empty());
  CHECK(concurrent_index_of("DROP INDEX CONCURRENTLY users_email_key").empty());
  CHECK(concurrent_index_of("not sql at all").empty());
}

TEST_CASE(
    "steps_for: a transaction-off SQL revision drops an INVALID index before building it again") {
  auto revision =
      *parse("m/a.sql",
             "-- migrate:revision a\n"
             "-- migrate:transaction off\n"
             "-- migrate:up\n"
             "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_email_key ON users (email);\n"
             "UPDATE users SET email = lower(email);\n")
           .revision;
  auto steps = steps_for(revision, Phase::expand);
  REQUIRE(steps.size() == 2);
  CHECK(steps[0].drop_if_invalid_index == "\"users_email_key\"");
  CHECK(steps[1].drop_if_invalid_index.empty());
}

TEST_CASE("invalid_index_check: fails naming the index the step builds, when it is INVALID") {
  Step step;
  CHECK(migrate::core::invalid_index_check(step).empty());
  step.drop_if_invalid_index = "\"app\".\"users_email_key\"";
  CHECK(migrate::core::invalid_index_check(step) ==
        "DO $migrate$ BEGIN IF EXISTS (SELECT 1 FROM pg_catalog.pg_index WHERE indexrelid = "
        "to_regclass('\"app\".\"users_email_key\"') AND NOT indisvalid) THEN RAISE EXCEPTION USING "
        "MESSAGE = "
        "pg_catalog.format('index %s is INVALID: its concurrent build did not finish, so it "
        "enforces nothing', "
        "'\"app\".\"users_email_key\"'); END IF; END $migrate$");
}
