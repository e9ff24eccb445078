// Safety lint: every rule on a bad example (exact text, file:line) and its safe form.
#include "core/checks/lint.hpp"

#include "support/test_helpers.hpp"

using migrate::core::format_finding;
using migrate::core::has_errors;
using migrate::core::lint_revision;
using migrate::core::LintFinding;
using migrate::core::Severity;
using Strings = std::vector<std::string>;

namespace {

// The findings for one file, formatted.
Strings lint_file(const std::string& path, const std::string& content) {
  auto parsed = migrate::test::parse(path, content);
  REQUIRE(parsed.problems == Strings{});
  Strings findings;
  for (const auto& finding : lint_revision(*parsed.revision))
    findings.push_back(format_finding(finding));
  return findings;
}

// An SQL revision whose `up` starts on line 4; `rest` (other sections) follows it.
Strings lint_sql(const std::string& up, const std::string& rest = "-- migrate:down\n",
                 const std::string& transaction = "on") {
  return lint_file("migrations/8fb4.sql", "-- migrate:revision 8fb4\n-- migrate:transaction " +
                                              transaction + "\n-- migrate:up\n" + up + rest);
}

}  // namespace

TEST_CASE("lint_revision: syntax errors are errors at the exact line") {
  CHECK(lint_sql("CREATE TABLE t (id int);\n"
                 "ALTER TABLE users\n"
                 "  ADD COLUMN x int,\n"
                 "  ADDD COLUMN y int;\n") ==
        Strings{"migrations/8fb4.sql:7: error[syntax]: syntax error at or near \"ADDD\""});
  CHECK(lint_sql("SELECT 1;\n", "-- migrate:down\nDELET FROM users;\n") ==
        Strings{"migrations/8fb4.sql:6: error[syntax]: syntax error at or near \"DELET\""});
  CHECK(lint_sql("CREATE TABLE t (id int);\nALTER TABLE users\n  ADD COLUMN x int;\n").empty());
}

TEST_CASE("lint_revision: every statement with a syntax error is reported, once") {
  CHECK(lint_sql("SELECT 1;\nSELECT 2 FROM;\nALTER TABLE users ADDD x int;\nALTER TABLE users\n  "
                 "DROPP y;\n",
                 "-- migrate:down\n") ==
        Strings{"migrations/8fb4.sql:5: error[syntax]: syntax error at end of input",
                "migrations/8fb4.sql:6: error[syntax]: syntax error at or near \"ADDD\"",
                "migrations/8fb4.sql:8: error[syntax]: syntax error at or near \"DROPP\""});
}

TEST_CASE(
    "lint_revision: statements that cannot run in a transaction are errors in a transaction") {
  const std::string hint =
      "\n  hint: add `-- migrate:transaction off` to the header: the file then runs statement by "
      "statement, outside a transaction";
  CHECK(lint_sql("CREATE INDEX CONCURRENTLY users_email ON users (email);\n",
                 "-- migrate:down\nDROP INDEX CONCURRENTLY users_email;\n") ==
        Strings{
            "migrations/8fb4.sql:4: error[concurrently-in-transaction]: CREATE INDEX CONCURRENTLY "
            "cannot run inside a transaction block, and this revision runs in one" +
                hint,
            "migrations/8fb4.sql:6: error[concurrently-in-transaction]: DROP INDEX CONCURRENTLY "
            "cannot run inside a transaction block, and this revision runs in one" +
                hint});
  CHECK(lint_sql("REINDEX INDEX CONCURRENTLY users_email;\nVACUUM users;\n") ==
        Strings{"migrations/8fb4.sql:4: error[concurrently-in-transaction]: REINDEX CONCURRENTLY "
                "cannot run inside a transaction block, and this revision runs in one" +
                    hint,
                "migrations/8fb4.sql:5: error[concurrently-in-transaction]: VACUUM "
                "cannot run inside a transaction block, and this revision runs in one" +
                    hint});
  CHECK(lint_sql(
            "CREATE INDEX CONCURRENTLY users_email ON users (email);\nREINDEX INDEX CONCURRENTLY "
            "users_email;\nVACUUM users;\n",
            "-- migrate:down\nDROP INDEX CONCURRENTLY users_email;\n", "off")
            .empty());
  CHECK(lint_sql("ANALYZE users;\n").empty());
}

TEST_CASE("lint_revision: CREATE INDEX without CONCURRENTLY on an existing table is a warning") {
  CHECK(
      lint_sql("CREATE INDEX users_email ON users (email);\n") ==
      Strings{
          "migrations/8fb4.sql:4: warning[index-not-concurrent]: CREATE INDEX on public.users "
          "blocks writes to the table until the index is built\n"
          "  hint: use CREATE INDEX CONCURRENTLY, in a revision with `-- migrate:transaction off` "
          "(YAML: the create_index operation)"});
  CHECK(
      lint_sql("ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);\n") ==
      Strings{"migrations/8fb4.sql:4: warning[index-not-concurrent]: adding UNIQUE constraint "
              "users_email_key on public.users builds its index while holding an ACCESS EXCLUSIVE "
              "lock\n"
              "  hint: first CREATE UNIQUE INDEX CONCURRENTLY (with `transaction off`), then `ADD "
              "CONSTRAINT <name> UNIQUE USING INDEX <index>`"});
  // Safe: concurrently, on a table created just before, or a constraint over a ready index.
  CHECK(lint_sql("CREATE INDEX CONCURRENTLY users_email ON users (email);\n", "-- migrate:down\n",
                 "off")
            .empty());
  CHECK(
      lint_sql(
          "CREATE TABLE app.events (id int, at timestamptz);\nCREATE INDEX events_at ON app.events "
          "(at);\nALTER TABLE app.events ADD PRIMARY KEY (id);\n")
          .empty());
  CHECK(
      lint_sql("ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email;\n")
          .empty());
}

TEST_CASE("lint_revision: ADD COLUMN with a volatile default is a warning") {
  const std::string hint =
      "\n  hint: add the column without that default, set the default in a separate statement (it "
      "then applies to new rows only), and backfill existing rows in batches (YAML: the add_column "
      "operation does this)";
  CHECK(
      lint_sql("ALTER TABLE users ADD COLUMN token uuid NOT NULL DEFAULT gen_random_uuid();\n"
               "ALTER TABLE users ADD COLUMN n bigserial;\n") ==
      Strings{"migrations/8fb4.sql:4: warning[add-column-volatile-default]: adding column "
              "public.users.token with volatile default gen_random_uuid() rewrites the whole table "
              "under an ACCESS EXCLUSIVE lock" +
                  hint,
              "migrations/8fb4.sql:5: warning[add-column-volatile-default]: adding column "
              "public.users.n of type bigserial rewrites the whole table under an ACCESS EXCLUSIVE "
              "lock" +
                  hint});
  CHECK(lint_sql("ALTER TABLE users ADD COLUMN seen timestamptz DEFAULT now(), ADD COLUMN n int "
                 "DEFAULT 0;\n"
                 "ALTER TABLE users ALTER COLUMN token SET DEFAULT gen_random_uuid();\n"
                 "CREATE TABLE t (id int);\nALTER TABLE t ADD COLUMN r float8 DEFAULT random();\n")
            .empty());
}

TEST_CASE("lint_revision: SET NOT NULL without a validated CHECK first is a warning") {
  CHECK(
      lint_sql("ALTER TABLE users ALTER COLUMN email SET NOT NULL;\n") ==
      Strings{"migrations/8fb4.sql:4: warning[not-null-without-check]: SET NOT NULL on "
              "public.users.email scans the whole table under an ACCESS EXCLUSIVE lock\n"
              "  hint: first `ADD CONSTRAINT <name> CHECK (email IS NOT NULL) NOT VALID`, then "
              "`VALIDATE CONSTRAINT <name>` in a separate transaction: SET NOT NULL then skips the "
              "scan (PostgreSQL 12+)"});
  // A CHECK that is not validated yet proves nothing.
  CHECK(
      lint_sql("ALTER TABLE users ADD CONSTRAINT email_nn CHECK (email IS NOT NULL) NOT VALID;\n"
               "ALTER TABLE users ALTER COLUMN email SET NOT NULL;\n",
               "-- migrate:down\n", "off") ==
      Strings{"migrations/8fb4.sql:5: warning[not-null-without-check]: SET NOT NULL on "
              "public.users.email scans the whole table under an ACCESS EXCLUSIVE lock\n"
              "  hint: first `ADD CONSTRAINT <name> CHECK (email IS NOT NULL) NOT VALID`, then "
              "`VALIDATE CONSTRAINT <name>` in a separate transaction: SET NOT NULL then skips the "
              "scan (PostgreSQL 12+)"});
  // Safe: statement by statement, or validated in the contract phase.
  CHECK(lint_sql("ALTER TABLE users ADD CONSTRAINT email_nn CHECK (email IS NOT NULL) NOT VALID;\n"
                 "ALTER TABLE users VALIDATE CONSTRAINT email_nn;\n"
                 "ALTER TABLE users ALTER COLUMN email SET NOT NULL;\n"
                 "ALTER TABLE users DROP CONSTRAINT email_nn;\n",
                 "-- migrate:down\n", "off")
            .empty());
  CHECK(lint_sql("ALTER TABLE users ADD CONSTRAINT email_nn CHECK (email IS NOT NULL AND email <> "
                 "'') NOT VALID;\n",
                 "-- migrate:contract\nALTER TABLE users VALIDATE CONSTRAINT email_nn;\n"
                 "ALTER TABLE users ALTER COLUMN email SET NOT NULL;\n-- migrate:down\n")
            .empty());
}

TEST_CASE("lint_revision: FOREIGN KEY and CHECK constraints without NOT VALID are warnings") {
  CHECK(
      lint_sql("ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES "
               "users (id);\n"
               "ALTER TABLE orders ADD CHECK (total >= 0);\n") ==
      Strings{
          "migrations/8fb4.sql:4: warning[add-constraint-not-valid]: adding FOREIGN KEY constraint "
          "orders_user_fk on public.orders checks every row while holding a lock that blocks "
          "writes\n"
          "  hint: add it NOT VALID, then `ALTER TABLE public.orders VALIDATE CONSTRAINT "
          "orders_user_fk` in a separate transaction (`-- migrate:contract`, a later revision, or "
          "`transaction off`)",
          "migrations/8fb4.sql:5: warning[add-constraint-not-valid]: adding CHECK constraint on "
          "public.orders checks every row while holding a lock that blocks writes\n"
          "  hint: add it NOT VALID, then `ALTER TABLE public.orders VALIDATE CONSTRAINT <name>` "
          "in "
          "a separate transaction (`-- migrate:contract`, a later revision, or `transaction "
          "off`)"});
  // Validating in the transaction that added it keeps the strong lock during the scan.
  CHECK(
      lint_sql("ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES "
               "users (id) "
               "NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk;\n") ==
      Strings{
          "migrations/8fb4.sql:5: warning[add-constraint-not-valid]: validating orders_user_fk in "
          "the transaction that added it keeps that lock on public.orders during the whole scan\n"
          "  hint: validate it in a separate transaction (`-- migrate:contract`, a later revision, "
          "or "
          "`transaction off`)"});
  CHECK(lint_sql("ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) "
                 "REFERENCES users (id) "
                 "NOT VALID;\n",
                 "-- migrate:contract\nALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk;\n-- "
                 "migrate:down\n")
            .empty());
  CHECK(lint_sql("CREATE TABLE items (id int, qty int);\nALTER TABLE items ADD CHECK (qty > 0);\n")
            .empty());
}

TEST_CASE("lint_revision: ALTER COLUMN TYPE is a warning") {
  CHECK(
      lint_sql("ALTER TABLE users ALTER COLUMN age TYPE bigint;\n") ==
      Strings{
          "migrations/8fb4.sql:4: warning[column-type-change]: changing the type of "
          "public.users.age "
          "rewrites the table and its indexes under an ACCESS EXCLUSIVE lock (unless the change is "
          "binary-compatible, such as varchar(n) to text)\n"
          "  hint: add a new column, keep it in sync and backfill it, then switch the application "
          "over (YAML: the alter_column operation does this)"});
  CHECK(
      lint_sql("CREATE TABLE t (age int);\nALTER TABLE t ALTER COLUMN age TYPE bigint;\n").empty());
}

TEST_CASE("lint_revision: renames in up are warnings") {
  CHECK(lint_sql("ALTER TABLE users RENAME COLUMN name TO full_name;\nALTER TABLE app.orders "
                 "RENAME TO purchases;\n") ==
        Strings{
            "migrations/8fb4.sql:4: warning[rename]: renaming column public.users.name to "
            "full_name in "
            "up breaks application instances that still use the old name (the old version during a "
            "canary)\n"
            "  hint: use the YAML rename_column operation: it keeps both names working until the "
            "contract phase",
            "migrations/8fb4.sql:5: warning[rename]: renaming table app.orders to purchases in up "
            "breaks application instances that still use the old name (the old version during a "
            "canary)\n"
            "  hint: keep the old name working: create a view named after the old table in up, and "
            "drop it in `-- migrate:contract`"});
  CHECK(lint_sql("CREATE TABLE t (a int);\nALTER TABLE t RENAME COLUMN a TO b;\n",
                 "-- migrate:contract\nALTER TABLE users RENAME COLUMN name TO full_name;\n-- "
                 "migrate:down\n"
                 "ALTER TABLE users RENAME COLUMN full_name TO name;\n")
            .empty());
}

TEST_CASE("lint_revision: DROP TABLE and DROP COLUMN in up are warnings") {
  CHECK(lint_sql("ALTER TABLE users DROP COLUMN name;\nDROP TABLE IF EXISTS legacy;\n") ==
        Strings{
            "migrations/8fb4.sql:4: warning[drop-in-up]: dropping column public.users.name in up "
            "breaks "
            "application instances that still use it (the old version during a canary)\n"
            "  hint: move it to `-- migrate:contract`, which runs once no old instance is left "
            "(YAML: "
            "the drop_column operation)",
            "migrations/8fb4.sql:5: warning[drop-in-up]: dropping table public.legacy in up breaks "
            "application instances that still use it (the old version during a canary)\n"
            "  hint: move it to `-- migrate:contract`, which runs once no old instance is left "
            "(YAML: "
            "the drop_table operation)"});
  CHECK(lint_sql("CREATE TABLE scratch (id int);\nDROP TABLE scratch;\n",
                 "-- migrate:contract\nALTER TABLE users DROP COLUMN name;\nDROP TABLE legacy;\n"
                 "-- migrate:down\nALTER TABLE users DROP COLUMN first;\n")
            .empty());
}

TEST_CASE("lint_revision: an SQL revision without a down section is a warning") {
  CHECK(lint_sql("SELECT 1;\n", "") ==
        Strings{
            "migrations/8fb4.sql:1: warning[missing-down]: no `-- migrate:down` section: `migrate "
            "downgrade` cannot revert this revision\n"
            "  hint: add `-- migrate:down` with SQL that undoes `up` (leave it empty to say on "
            "purpose "
            "that there is nothing to undo)"});
  CHECK(lint_sql("SELECT 1;\n", "-- migrate:down\n").empty());
}

TEST_CASE("lint_revision: findings come in line order, once each") {
  CHECK(
      lint_sql(
          "ALTER TABLE users ALTER COLUMN age TYPE bigint, DROP COLUMN name;\nSELECT 1 FROM;\n",
          "") ==
      Strings{
          "migrations/8fb4.sql:1: warning[missing-down]: no `-- migrate:down` section: `migrate "
          "downgrade` cannot revert this revision\n"
          "  hint: add `-- migrate:down` with SQL that undoes `up` (leave it empty to say on "
          "purpose "
          "that there is nothing to undo)",
          "migrations/8fb4.sql:4: warning[column-type-change]: changing the type of "
          "public.users.age "
          "rewrites the table and its indexes under an ACCESS EXCLUSIVE lock (unless the change is "
          "binary-compatible, such as varchar(n) to text)\n"
          "  hint: add a new column, keep it in sync and backfill it, then switch the application "
          "over (YAML: the alter_column operation does this)",
          "migrations/8fb4.sql:4: warning[drop-in-up]: dropping column public.users.name in up "
          "breaks "
          "application instances that still use it (the old version during a canary)\n"
          "  hint: move it to `-- migrate:contract`, which runs once no old instance is left "
          "(YAML: "
          "the drop_column operation)",
          "migrations/8fb4.sql:5: error[syntax]: syntax error at end of input"});
}

TEST_CASE("lint_revision: raw sql operations of YAML revisions get the same rules") {
  const std::string content =
      "revision: 77aa\n"
      "operations:\n"
      "  - sql:\n"  // 3
      "      up: CREATE INDEX CONCURRENTLY users_email ON users (email)\n"
      "      down: DROP INDEX CONCURRENTLY users_email\n"
      "  - sql:\n"  // 6
      "      up: ALTER TABLE users DROP COLUMN name\n"
      "  - sql:\n"  // 8
      "      up: |\n"
      "        SELECT 1;\n"
      "        SELECT 2 FROM;\n";
  CHECK(
      lint_file("migrations/77aa.yaml", content) ==
      Strings{
          "migrations/77aa.yaml:3: error[concurrently-in-transaction]: CREATE INDEX CONCURRENTLY "
          "cannot run inside a transaction block, and this revision runs in one\n"
          "  hint: set `transaction: false` in the file: its statements then run one by one, "
          "outside a transaction",
          "migrations/77aa.yaml:3: error[concurrently-in-transaction]: DROP INDEX CONCURRENTLY "
          "cannot run inside a transaction block, and this revision runs in one\n"
          "  hint: set `transaction: false` in the file: its statements then run one by one, "
          "outside a transaction",
          "migrations/77aa.yaml:6: warning[drop-in-up]: dropping column public.users.name in up "
          "breaks application instances that still use it (the old version during a canary)\n"
          "  hint: move it to the operation's `contract`, which runs once no old instance is left "
          "(YAML: the drop_column operation)",
          "migrations/77aa.yaml:8: error[syntax]: syntax error at end of input"});
  CHECK(lint_file("migrations/77ab.yaml",
                  "revision: 77ab\n"
                  "transaction: false\n"
                  "operations:\n"
                  "  - sql:\n"
                  "      up: CREATE INDEX CONCURRENTLY users_email ON users (email)\n"
                  "      contract: ALTER TABLE users DROP COLUMN name\n"
                  "      down: DROP INDEX CONCURRENTLY users_email\n")
            .empty());
}

TEST_CASE("format_finding: file:line, severity, rule, message, then the hint on its own line") {
  LintFinding finding{
      Severity::error, "syntax", "m/a.sql", 12, "syntax error at or near \"x\"", ""};
  CHECK(format_finding(finding) == "m/a.sql:12: error[syntax]: syntax error at or near \"x\"");
  finding = {Severity::warning, "missing-down", "m/a.sql", 0, "no down", "add one"};
  CHECK(format_finding(finding) == "m/a.sql: warning[missing-down]: no down\n  hint: add one");
}

TEST_CASE("has_errors: true only when some finding is an error") {
  LintFinding warning{Severity::warning, "rename", "a.sql", 4, "m", "h"};
  LintFinding error{Severity::error, "syntax", "a.sql", 5, "m", ""};
  CHECK_FALSE(has_errors({}));
  CHECK_FALSE(has_errors({warning}));
  CHECK(has_errors({warning, error}));
}

namespace {

// The rule ids found in `up` (line numbers dropped), each "line rule".
Strings rules_in(const std::string& up, const std::string& transaction = "on") {
  auto parsed = migrate::test::parse(
      "migrations/8fb4.sql", "-- migrate:revision 8fb4\n-- migrate:transaction " + transaction +
                                 "\n-- migrate:up\n" + up + "-- migrate:down\n");
  REQUIRE(parsed.problems == Strings{});
  Strings found;
  for (const auto& finding : lint_revision(*parsed.revision))
    found.push_back(std::to_string(finding.line) + " " + finding.rule);
  return found;
}

}  // namespace

TEST_CASE("lint_revision: ADD COLUMN ... UNIQUE or PRIMARY KEY on a table in use builds an index") {
  CHECK(rules_in("ALTER TABLE users ADD COLUMN code text UNIQUE;\n") ==
        Strings{"4 index-not-concurrent"});
  CHECK(rules_in("ALTER TABLE users ADD COLUMN code bigint PRIMARY KEY DEFAULT 1;\n") ==
        Strings{"4 index-not-concurrent"});
  CHECK(lint_sql("ALTER TABLE users ADD COLUMN code text UNIQUE;\n") ==
        Strings{"migrations/8fb4.sql:4: warning[index-not-concurrent]: adding column "
                "public.users.code with UNIQUE builds its index while holding an ACCESS EXCLUSIVE "
                "lock on the table\n  hint: add the column without it, CREATE UNIQUE INDEX "
                "CONCURRENTLY (with `transaction off`), then `ADD CONSTRAINT <name> UNIQUE USING "
                "INDEX <index>`"});
  CHECK(rules_in("ALTER TABLE users ADD COLUMN code text;\n").empty());
  CHECK(rules_in("CREATE TABLE t (id int);\nALTER TABLE t ADD COLUMN code text UNIQUE;\n").empty());
}

TEST_CASE("lint_revision: ADD COLUMN ... REFERENCES on a table in use checks the foreign key") {
  CHECK(rules_in("ALTER TABLE orders ADD COLUMN user_id bigint REFERENCES users (id);\n") ==
        Strings{"4 add-constraint-not-valid"});
  CHECK(rules_in("ALTER TABLE orders ADD COLUMN user_id bigint;\n"
                 "ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES users (id) "
                 "NOT VALID;\n")
            .empty());
  CHECK(rules_in("CREATE TABLE orders (id int);\n"
                 "ALTER TABLE orders ADD COLUMN user_id bigint REFERENCES users (id);\n")
            .empty());
}

TEST_CASE("lint_revision: ADD COLUMN ... NOT NULL without a default on a table in use") {
  CHECK(rules_in("ALTER TABLE users ADD COLUMN age int NOT NULL;\n") ==
        Strings{"4 add-column-not-null"});
  CHECK(rules_in("ALTER TABLE users ADD COLUMN age int NOT NULL DEFAULT 0;\n").empty());
  CHECK(rules_in("ALTER TABLE users ADD COLUMN age int;\n").empty());
  CHECK(rules_in("ALTER TABLE users ADD COLUMN n bigserial NOT NULL;\n") ==
        Strings{"4 add-column-volatile-default"});
  CHECK(rules_in("CREATE TABLE t (id int);\nALTER TABLE t ADD COLUMN age int NOT NULL;\n").empty());
}

TEST_CASE("lint_revision: DROP INDEX and REINDEX without CONCURRENTLY") {
  CHECK(rules_in("DROP INDEX users_email;\n") == Strings{"4 index-not-concurrent"});
  CHECK(rules_in("DROP INDEX CONCURRENTLY users_email;\n", "off").empty());
  CHECK(rules_in("REINDEX INDEX users_email;\n") == Strings{"4 index-not-concurrent"});
  CHECK(rules_in("REINDEX TABLE users;\n") == Strings{"4 index-not-concurrent"});
  CHECK(rules_in("REINDEX INDEX CONCURRENTLY users_email;\n", "off").empty());
  CHECK(lint_sql("REINDEX TABLE users;\n") ==
        Strings{"migrations/8fb4.sql:4: warning[index-not-concurrent]: REINDEX TABLE public.users "
                "blocks writes to the table (and reads that use its indexes) until the rebuild "
                "ends\n  hint: use REINDEX ... CONCURRENTLY (PostgreSQL 12+) on the table, in a "
                "revision with `-- migrate:transaction off`"});
}

TEST_CASE("lint_revision: VACUUM FULL and CLUSTER rewrite the table") {
  CHECK(rules_in("VACUUM FULL users;\n", "off") == Strings{"4 table-rewrite"});
  CHECK(rules_in("VACUUM (FULL, ANALYZE) users;\n", "off") == Strings{"4 table-rewrite"});
  CHECK(rules_in("VACUUM ANALYZE users;\n", "off").empty());
  CHECK(rules_in("CLUSTER users USING users_pkey;\n") == Strings{"4 table-rewrite"});
  CHECK(rules_in("ANALYZE users;\n").empty());
}

TEST_CASE("lint_revision: LOCK TABLE in a mode that blocks writes") {
  CHECK(rules_in("LOCK TABLE users;\n") == Strings{"4 lock-table"});
  CHECK(rules_in("LOCK TABLE users IN SHARE MODE;\n") == Strings{"4 lock-table"});
  CHECK(rules_in("LOCK TABLE users IN ACCESS SHARE MODE;\n").empty());
  CHECK(rules_in("LOCK TABLE users IN SHARE UPDATE EXCLUSIVE MODE;\n").empty());
  CHECK(rules_in("CREATE TABLE t (id int);\nLOCK TABLE t;\n").empty());
  CHECK(lint_sql("LOCK TABLE users;\n") ==
        Strings{"migrations/8fb4.sql:4: warning[lock-table]: LOCK TABLE public.users blocks the "
                "application's writes and reads until the transaction ends, and queues behind any "
                "open transaction on it\n  hint: let each statement take the lock it needs, under "
                "migrate's short lock_timeout; split long work into separate revisions"});
}

TEST_CASE("lint_revision: a default calling a VOLATILE user function the context names") {
  auto parsed = migrate::test::parse("migrations/8fb4.sql",
                                     "-- migrate:revision 8fb4\n-- migrate:up\n"
                                     "ALTER TABLE users ADD COLUMN code text DEFAULT next_code();\n"
                                     "-- migrate:down\n");
  REQUIRE(parsed.revision);
  migrate::core::LintContext context;
  context.volatile_functions = {"next_code"};
  auto findings = lint_revision(*parsed.revision, context);
  REQUIRE(findings.size() == 1);
  CHECK(format_finding(findings[0]) ==
        "migrations/8fb4.sql:3: warning[add-column-volatile-default]: adding column "
        "public.users.code with default next_code(), a VOLATILE function rewrites the whole "
        "table under an ACCESS EXCLUSIVE lock\n  hint: add the column without that default, set "
        "the default in a separate statement (it then applies to new rows only), and backfill "
        "existing rows in batches (YAML: the add_column operation does this)");
  // Without the database's word (or for a STABLE function), no finding.
  CHECK(lint_revision(*parsed.revision).empty());
  context.volatile_functions = {"other_function"};
  CHECK(lint_revision(*parsed.revision, context).empty());
}

TEST_CASE("default_function_calls: the user functions column defaults call, built-ins left out") {
  auto parsed = migrate::test::parse(
      "migrations/8fb4.sql",
      "-- migrate:revision 8fb4\n-- migrate:up\n"
      "ALTER TABLE users ADD COLUMN code text DEFAULT next_code();\n"
      "ALTER TABLE users ADD COLUMN id2 uuid DEFAULT gen_random_uuid();\n"
      "ALTER TABLE users ADD COLUMN t text DEFAULT util.make_id(lower('x'));\n"
      "SELECT other_function();\n"
      "-- migrate:contract\nALTER TABLE orders ADD COLUMN n int DEFAULT seq_next();\n"
      "-- migrate:down\nALTER TABLE users ADD COLUMN z int DEFAULT down_only();\n");
  REQUIRE(parsed.revision);
  CHECK(migrate::core::default_function_calls(*parsed.revision) ==
        Strings{"lower", "next_code", "seq_next", "util.make_id"});
}
