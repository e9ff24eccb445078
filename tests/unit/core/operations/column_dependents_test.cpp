// The check that refuses to lose what depends on a column an operation replaces.
#include "core/operations/column_dependents.hpp"

#include <catch2/catch.hpp>

using namespace migrate::core;

TEST_CASE("refuse_column_dependents: a precheck naming the file, line and column, with a hint") {
  std::vector<Step> steps;
  StepWriter out(steps, "m/a.yaml", 4);
  refuse_column_dependents(out, {"app", "users"}, "email", "renaming app.users.email to mail",
                           "ALTER TABLE ... RENAME COLUMN");
  REQUIRE(steps.size() == 1);
  const Step& step = steps.front();
  CHECK(step.precheck);
  CHECK(step.transactional);
  CHECK(step.origin() == "m/a.yaml:4");
  CHECK(step.description == "refuse to lose what depends on app.users.email");
  CHECK_THAT(step.sql,
             Catch::StartsWith("DO $migrate$\nDECLARE\n  lost text := (SELECT string_agg("));
  CHECK_THAT(step.sql,
             Catch::Contains("RAISE EXCEPTION USING MESSAGE = 'm/a.yaml:4: ' || 'renaming "
                             "app.users.email to mail would lose what depends on "
                             "app.users.email: ' || lost;"));
  // A table that does not exist (yet) has no dependents: to_regclass, not ::regclass.
  CHECK_THAT(step.sql,
             Catch::Contains("d.refobjid = pg_catalog.to_regclass('\"app\".\"users\"') AND "
                             "a.attname = 'email'"));
  // The default is carried over, and the NOT NULL check is migrate's own.
  CHECK_THAT(step.sql, Catch::Contains("d.classid <> 'pg_catalog.pg_attrdef'::regclass"));
  CHECK_THAT(step.sql, Catch::Contains("k.conname = 'migrate_nn_email'"));
  CHECK(
      step.hint ==
      "migrate carries over the default and NOT NULL of app.users.email, nothing else. Drop these "
      "objects in a revision before this one and create them on the new column in one after it (a "
      "view likewise), or, if the old application version no longer runs, use a `sql` operation "
      "with ALTER TABLE ... RENAME COLUMN, which keeps them");
}
