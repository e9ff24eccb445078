// YAML operations rendered to SQL and run against a real PostgreSQL phase by
// phase, with writes of both application versions in between: the SQL is
// valid, every step can run again right after itself, and the canary story's
// data stays consistent. The steps run one by one, as the executor runs them, without its
// batching and retries (those have their own tests).
#include <catch2/catch.hpp>

#include "core/revisions/revision_parser.hpp"
#include "core/revisions/revision_script.hpp"
#include "core/sql/sql_text.hpp"
#include "support/test_database.hpp"

using namespace migrate::core;
using migrate::testing::TestDatabase;

namespace {

Revision revision_of(const std::string& operations) {
  std::vector<migrate::FileProblem> problems;
  auto revision =
      parse_revision({"r.yaml", "revision: 8fb4c8\noperations:\n" + operations}, problems);
  for (const auto& problem : problems) FAIL(problem.located());
  REQUIRE(revision);
  return *revision;
}

void run_step(const TestDatabase& db, const Step& step) {
  INFO(step.origin() << " " << step.description << "\n" << step.sql);
  if (step.kind == Step::Kind::backfill) {
    const Backfill& fill = *step.backfill;
    db.exec("BEGIN; SET LOCAL migrate.backfill = 'on'; UPDATE " + quote_ident(fill.schema) + "." +
            quote_ident(fill.table) + " SET " + fill.set_clause +
            (fill.where_clause.empty() ? "" : " WHERE " + fill.where_clause) + "; COMMIT;");
  } else {
    db.exec(step.sql);
  }
}

void run(const TestDatabase& db, const Revision& revision, Phase phase) {
  for (const auto& step : steps_for(revision, phase)) run_step(db, step);
}

// Runs every step twice in a row: a run interrupted after a step took effect
// but before its progress was recorded resumes by running that step again.
void run_twice(const TestDatabase& db, const Revision& revision, Phase phase) {
  for (const auto& step : steps_for(revision, phase)) {
    run_step(db, step);
    run_step(db, step);
  }
}

const std::string k_canary =
    "  - add_column: {table: users, column: first, type: text, up: \"split_part(name, ' ', 1)\"}\n"
    "  - add_column: {table: users, column: last, type: text, up: \"split_part(name, ' ', 2)\"}\n"
    "  - drop_column: {table: users, column: name, down: \"first || ' ' || last\", type: text}\n";

const char* k_inconsistent =
    "SELECT count(*) FROM users WHERE name IS DISTINCT FROM first || ' ' || last";

}  // namespace

TEST_CASE("operations on PostgreSQL: the canary keeps name and first/last in sync both ways") {
  TestDatabase db;
  db.exec("CREATE TABLE users (id bigserial PRIMARY KEY, name text NOT NULL)");
  db.exec("INSERT INTO users (name) VALUES ('Ada Lovelace'), ('Alan Turing')");
  Revision revision = revision_of(k_canary);
  // The trigger first, then a v2 write, then the backfill: what v2 wrote stays.
  std::vector<Step> expand = steps_for(revision, Phase::expand);
  REQUIRE(expand.back().kind == Step::Kind::backfill);
  for (size_t i = 0; i + 1 < expand.size(); ++i) db.exec(expand[i].sql);
  db.exec("UPDATE users SET first = 'Mary Ann', last = 'Lovelace' WHERE id = 1");
  run_twice(db, revision, Phase::expand);

  CHECK(db.query_value("SELECT first FROM users WHERE id = 1") == "Mary Ann");
  CHECK(db.query_value("SELECT name FROM users WHERE id = 1") == "Mary Ann Lovelace");
  CHECK(db.query_value("SELECT first || '/' || last FROM users WHERE id = 2") == "Alan/Turing");

  // v1 writes name only; v2 writes first and last only.
  db.exec("INSERT INTO users (name) VALUES ('Grace Hopper')");
  db.exec("INSERT INTO users (first, last) VALUES ('Jean Luc', 'Picard')");
  db.exec("UPDATE users SET name = 'Alan Mathison' WHERE id = 2");
  db.exec("UPDATE users SET last = 'Byron' WHERE id = 1");
  CHECK(db.query_value(k_inconsistent) == "0");
  CHECK(db.query_value("SELECT first FROM users WHERE name = 'Grace Hopper'") == "Grace");
  CHECK(db.query_value("SELECT name FROM users WHERE last = 'Picard'") == "Jean Luc Picard");
  CHECK(db.query_value("SELECT last FROM users WHERE id = 2") == "Mathison");

  run_twice(db, revision, Phase::contract);
  CHECK(db.query_value("SELECT count(*) FROM information_schema.columns WHERE table_name = 'users' "
                       "AND column_name = 'name'") == "0");
  CHECK(db.query_value("SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'migrate_sync%'") == "0");

  run_twice(db, revision, Phase::down);
  CHECK(db.query_value("SELECT name FROM users WHERE id = 1") == "Mary Ann Byron");
  CHECK(db.query_value("SELECT count(*) FROM information_schema.columns WHERE table_name = 'users' "
                       "AND column_name IN ('first', 'last')") == "0");
}

TEST_CASE("operations on PostgreSQL: rollback leaves the old shape and what v2 wrote in it") {
  TestDatabase db;
  db.exec("CREATE TABLE users (id bigserial PRIMARY KEY, name text NOT NULL)");
  Revision revision = revision_of(k_canary);
  run(db, revision, Phase::expand);
  db.exec("INSERT INTO users (first, last) VALUES ('Jean Luc', 'Picard')");
  run_twice(db, revision, Phase::rollback);
  CHECK(db.query_value("SELECT name FROM users") == "Jean Luc Picard");
  CHECK(db.query_value("SELECT count(*) FROM pg_proc WHERE proname LIKE 'migrate_sync%'") == "0");
  db.exec("INSERT INTO users (name) VALUES ('v1 again')");
}

TEST_CASE("operations on PostgreSQL: rename and type changes, indexes, constraints and tables") {
  TestDatabase db;
  db.exec(
      "CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL DEFAULT 'none', "
      "score int NOT NULL DEFAULT 0, age int, nick text NOT NULL)");
  db.exec("CREATE INDEX users_old ON users (nick)");
  db.exec("CREATE TABLE legacy (id int)");
  db.exec("INSERT INTO users (email, score, age, nick) VALUES ('a@x', 5, 36, 'a')");
  Revision revision = revision_of(
      "  - create_table: {table: teams, columns: [{name: id, type: bigserial, primary_key: "
      "true}]}\n"
      "  - add_column: {table: users, column: team_id, type: bigint, references: teams}\n"
      "  - add_column: {table: users, column: token, type: uuid, default: gen_random_uuid(), "
      "unique: true}\n"
      "  - rename_column: {table: users, from: email, to: mail}\n"
      "  - alter_column: {table: users, column: score, type: bigint, old_type: integer}\n"
      "  - alter_column: {table: users, column: age, name: years, type: text, old_type: integer}\n"
      "  - alter_column: {table: users, column: nick, nullable: true}\n"
      "  - create_index: {name: users_mail, table: users, columns: [mail]}\n"
      "  - drop_index: {name: users_old, table: users, columns: [nick]}\n"
      "  - add_constraint: {table: users, name: users_years_set, check: years <> ''}\n"
      "  - add_constraint: {table: users, name: users_token_key2, unique: [token]}\n"
      "  - drop_table: {table: legacy, down: CREATE TABLE IF NOT EXISTS legacy (id int)}\n");
  run_twice(db, revision, Phase::expand);
  CHECK(db.query_value("SELECT mail || ' ' || migrate_new_score || ' ' || years FROM users") ==
        "a@x 5 36");
  CHECK(db.query_value("SELECT count(*) FROM users WHERE token IS NULL") == "0");

  // v1 writes email, score, age; v2 writes mail, score, years.
  db.exec("INSERT INTO users (email, score, age, nick) VALUES ('b@x', 7, 41, 'b')");
  db.exec("INSERT INTO users (mail, score, years, nick) VALUES ('c@x', 9, '72', 'c')");
  db.exec("UPDATE users SET score = 6, email = 'A@x' WHERE id = 1");
  CHECK(db.query_value("SELECT count(*) FROM users WHERE email IS DISTINCT FROM mail OR score IS "
                       "DISTINCT FROM migrate_new_score OR age::text IS DISTINCT FROM years") ==
        "0");

  run_twice(db, revision, Phase::contract);
  CHECK(db.query_value("SELECT format_type(atttypid, atttypmod) || ' ' || attnotnull FROM "
                       "pg_attribute WHERE attrelid = 'users'::regclass AND attname = 'score'") ==
        "bigint true");
  CHECK(
      db.query_value("SELECT pg_get_expr(adbin, adrelid) FROM pg_attrdef d JOIN pg_attribute a ON "
                     "a.attrelid = d.adrelid AND a.attnum = d.adnum WHERE a.attrelid = "
                     "'users'::regclass AND a.attname = 'mail'") == "'none'::text");
  CHECK(db.query_value("SELECT attnotnull FROM pg_attribute WHERE attrelid = 'users'::regclass AND "
                       "attname = 'mail'") == "t");
  CHECK(db.query_value(
            "SELECT to_regclass('users_old') IS NULL AND to_regclass('legacy') IS NULL") == "t");
  db.exec("INSERT INTO users (mail, years, nick) VALUES ('d@x', '1', NULL)");
  db.exec("DELETE FROM users WHERE nick IS NULL");

  run_twice(db, revision, Phase::down);
  CHECK(db.query_value("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = "
                       "'users'::regclass AND attname = 'score'") == "integer");
  CHECK(db.query_value("SELECT string_agg(email || ' ' || age, ',' ORDER BY id) FROM users") ==
        "A@x 36,b@x 41,c@x 72");
  CHECK(db.query_value(
            "SELECT to_regclass('users_old') IS NOT NULL AND to_regclass('teams') IS NULL") == "t");
}

TEST_CASE(
    "operations on PostgreSQL: contract refuses to drop a constraint on the column it replaces") {
  TestDatabase db;
  db.exec("CREATE TABLE users (id bigserial PRIMARY KEY, score int NOT NULL DEFAULT 0)");
  db.exec("INSERT INTO users (score) VALUES (5)");
  // The check is added on the old column during expand: the shadow swap in
  // contract would drop it with the old column.
  Revision revision = revision_of(
      "  - alter_column: {table: users, column: score, type: bigint, old_type: integer}\n"
      "  - add_constraint: {table: users, name: users_score_positive, check: score >= 0}\n");
  run(db, revision, Phase::expand);
  std::vector<Step> contract = steps_for(revision, Phase::contract);
  REQUIRE(contract.front().precheck);
  CHECK_THROWS_WITH(run_step(db, contract.front()),
                    Catch::Contains("r.yaml:3: changing the type of public.users.score would lose "
                                    "what depends on public.users.score: check constraint "
                                    "users_score_positive on users"));
  CHECK(db.query_value(
            "SELECT count(*) FROM pg_constraint WHERE conname = 'users_score_positive'") == "1");
  // Without that constraint, the same check lets contract go on.
  db.exec("ALTER TABLE users DROP CONSTRAINT users_score_positive");
  run_step(db, contract.front());
}
