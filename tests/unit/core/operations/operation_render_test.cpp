// Every operation rendered in every phase: the order of the steps, what runs
// alone, the SQL, and that each statement can run again after an interruption.
#include <regex>

#include "core/operations/operation.hpp"
#include "support/operation_helpers.hpp"

using namespace migrate::core;
using migrate::test::outline;
using migrate::test::revision_of;
using migrate::test::sql_of;
using Strings = std::vector<std::string>;

namespace {

const std::string k_canary =
    "  - add_column: {table: users, column: first, type: text, up: \"split_part(name, ' ', 1)\"}\n"
    "  - add_column: {table: users, column: last, type: text, up: \"split_part(name, ' ', 2)\"}\n"
    "  - drop_column: {table: users, column: name, down: \"first || ' ' || last\"}\n";

std::string not_null_sql(const std::string& column) {
  return "DO $migrate$\n"
         "BEGIN\n"
         "  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = "
         "'\"public\".\"users\"'::regclass AND conname = 'migrate_nn_" +
         column +
         "') THEN\n"
         "    ALTER TABLE \"public\".\"users\" ADD CONSTRAINT \"migrate_nn_" +
         column + "\" CHECK (\"" + column +
         "\" IS NOT NULL) NOT VALID;\n"
         "  END IF;\n"
         "END\n"
         "$migrate$";
}

}  // namespace

TEST_CASE("render_operations: the canary expand adds columns, one trigger, then one backfill") {
  CHECK(outline(k_canary, Phase::expand) ==
        Strings{"3 add column public.users.first", "4 add column public.users.last",
                "5 let writers of the new version leave out public.users.name",
                "3 create the sync function of public.users",
                "3 create the sync trigger of public.users",
                "3 backfill public.users (first, last) [backfill]"});
  CHECK(sql_of(k_canary, Phase::expand)[0] ==
        "ALTER TABLE \"public\".\"users\" ADD COLUMN IF NOT EXISTS \"first\" text");
  CHECK(sql_of(k_canary, Phase::expand)[2] ==
        "ALTER TABLE \"public\".\"users\" ALTER COLUMN \"name\" DROP NOT NULL");
  auto steps = steps_for(revision_of(k_canary), Phase::expand);
  CHECK(steps[5].backfill->where_clause == "\"first\" IS NULL AND \"last\" IS NULL");
  CHECK_FALSE(single_transaction(steps));
}

TEST_CASE("render_operations: the canary contract drops the trigger, then the old column") {
  CHECK(outline(k_canary, Phase::contract) == Strings{"3 drop the sync trigger of public.users",
                                                      "3 drop the sync function of public.users",
                                                      "5 drop column public.users.name"});
  CHECK(sql_of(k_canary, Phase::contract)[2] ==
        "ALTER TABLE \"public\".\"users\" DROP COLUMN IF EXISTS \"name\"");
}

TEST_CASE(
    "render_operations: rollback drops the trigger first, then undoes operations in reverse") {
  CHECK(outline(k_canary, Phase::rollback) == Strings{"3 drop the sync trigger of public.users",
                                                      "3 drop the sync function of public.users",
                                                      "4 drop column public.users.last",
                                                      "3 drop column public.users.first"});
}

TEST_CASE("render_operations: down refuses first when the file cannot say how to undo") {
  auto steps = steps_for(revision_of(k_canary), Phase::down);
  CHECK(outline(steps) ==
        Strings{"5 refuse: cannot re-create column public.users.name after contract: its "
                "drop_column has no 'type'",
                "4 drop column public.users.last", "3 drop column public.users.first"});
  CHECK(steps[0].sql ==
        "DO $migrate$\n"
        "BEGIN\n"
        "  RAISE EXCEPTION USING MESSAGE = 'r.yaml:5: cannot re-create column public.users.name "
        "after contract: its drop_column has no ''type''';\n"
        "END\n"
        "$migrate$");
  std::string typed = k_canary.substr(0, k_canary.size() - 2) + ", type: text}\n";
  auto typed_steps = steps_for(revision_of(typed), Phase::down);
  CHECK(outline(typed_steps) == Strings{"5 add column public.users.name again",
                                        "5 backfill public.users.name from 'down' [backfill]",
                                        "4 drop column public.users.last",
                                        "3 drop column public.users.first"});
  CHECK(typed_steps[1].backfill->set_clause == "\"name\" = (first || ' ' || last)");
  CHECK(typed_steps[1].backfill->where_clause == "\"name\" IS NULL");
}

TEST_CASE("render_operations: add_column with a constant default stores it in the catalog") {
  const std::string op =
      "  - add_column: {table: users, column: status, type: text, default: \"'active'\"}\n";
  CHECK(sql_of(op, Phase::expand) ==
        Strings{"ALTER TABLE \"public\".\"users\" ADD COLUMN IF NOT EXISTS \"status\" text DEFAULT "
                "('active')"});
  CHECK(single_transaction(steps_for(revision_of(op), Phase::expand)));
  CHECK(sql_of(op, Phase::contract).empty());
  CHECK(sql_of(op, Phase::rollback) ==
        Strings{"ALTER TABLE \"public\".\"users\" DROP COLUMN IF EXISTS \"status\""});
}

TEST_CASE("render_operations: add_column with any other default backfills the rows that exist") {
  const std::string op =
      "  - add_column: {table: users, column: token, type: uuid, default: gen_random_uuid()}\n";
  CHECK(outline(op, Phase::expand) ==
        Strings{"3 add column public.users.token", "3 backfill public.users (token) [backfill]"});
  CHECK(sql_of(op, Phase::expand)[0] ==
        "ALTER TABLE \"public\".\"users\" ADD COLUMN IF NOT EXISTS \"token\" uuid, ALTER COLUMN "
        "\"token\" SET DEFAULT (gen_random_uuid())");
  auto backfill = *steps_for(revision_of(op), Phase::expand)[1].backfill;
  CHECK(backfill.set_clause == "\"token\" = (gen_random_uuid())");
  CHECK(backfill.where_clause == "\"token\" IS NULL");
}

TEST_CASE(
    "render_operations: add_column constraints are added NOT VALID and validated after the "
    "backfill") {
  const std::string op =
      "  - add_column:\n"
      "      table: users\n"
      "      column: handle\n"
      "      type: text\n"
      "      up: lower(name)\n"
      "      default: \"'x'\"\n"
      "      nullable: false\n"
      "      unique: true\n"
      "      check: handle <> ''\n"
      "      references: {table: handles, column: name, on_delete: cascade}\n";
  CHECK(outline(op, Phase::expand) ==
        Strings{"3 add column public.users.handle",
                "3 add the check of public.users.handle NOT VALID",
                "3 add the foreign key of public.users.handle NOT VALID",
                "3 create the sync function of public.users",
                "3 create the sync trigger of public.users",
                "3 backfill public.users (handle) [backfill]",
                "3 build the unique index of public.users.handle [alone]",
                "3 validate the check of public.users.handle [alone]",
                "3 validate the foreign key of public.users.handle [alone]"});
  auto expand = steps_for(revision_of(op), Phase::expand);
  // With `up`, the default waits for contract: old writers' rows must not look written.
  CHECK(expand[0].sql ==
        "ALTER TABLE \"public\".\"users\" ADD COLUMN IF NOT EXISTS \"handle\" text");
  CHECK_THAT(
      expand[2].sql,
      Catch::Contains("ALTER TABLE \"public\".\"users\" ADD CONSTRAINT \"users_handle_fkey\" "
                      "FOREIGN KEY (\"handle\") REFERENCES \"public\".\"handles\" (\"name\") ON "
                      "DELETE CASCADE NOT VALID;"));
  CHECK(
      expand[6].sql ==
      "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS \"users_handle_key\" ON \"public\".\"users\" "
      "(\"handle\")");
  CHECK(expand[6].drop_if_invalid_index == "\"public\".\"users_handle_key\"");
  CHECK(expand[7].sql ==
        "ALTER TABLE \"public\".\"users\" VALIDATE CONSTRAINT \"users_handle_check\"");

  CHECK(outline(op, Phase::contract) ==
        Strings{"3 check NOT NULL of public.users.handle (NOT VALID)",
                "3 validate the check of NOT NULL of public.users.handle [alone]",
                "3 set NOT NULL of public.users.handle",
                "3 drop the check of NOT NULL of public.users.handle",
                "3 make the unique index of public.users.handle its constraint",
                "3 set the default of public.users.handle",
                "3 drop the sync trigger of public.users",
                "3 drop the sync function of public.users"});
  CHECK(sql_of(op, Phase::contract) ==
        Strings{
            not_null_sql("handle"),
            "ALTER TABLE \"public\".\"users\" VALIDATE CONSTRAINT \"migrate_nn_handle\"",
            "ALTER TABLE \"public\".\"users\" ALTER COLUMN \"handle\" SET NOT NULL",
            "ALTER TABLE \"public\".\"users\" DROP CONSTRAINT IF EXISTS \"migrate_nn_handle\"",
            "DO $migrate$\n"
            "BEGIN\n"
            "  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = "
            "'\"public\".\"users\"'::regclass AND conname = 'users_handle_key') THEN\n"
            "    ALTER TABLE \"public\".\"users\" ADD CONSTRAINT \"users_handle_key\" UNIQUE USING "
            "INDEX \"users_handle_key\";\n"
            "  END IF;\n"
            "END\n"
            "$migrate$",
            "ALTER TABLE \"public\".\"users\" ALTER COLUMN \"handle\" SET DEFAULT ('x')",
            "DROP TRIGGER IF EXISTS \"migrate_sync_8fb4c8_users\" ON \"public\".\"users\"",
            "DROP FUNCTION IF EXISTS \"public\".\"migrate_sync_8fb4c8_users\"()"});
}

TEST_CASE("render_operations: rename_column keeps both names in sync, then drops the old one") {
  const std::string op = "  - rename_column: {table: users, from: email, to: mail}\n";
  CHECK(outline(op, Phase::expand) ==
        Strings{"3 refuse to lose what depends on public.users.email [precheck]",
                "3 add column public.users.mail typed like email",
                "3 create the sync function of public.users",
                "3 create the sync trigger of public.users",
                "3 backfill public.users (mail) [backfill]"});
  CHECK(sql_of(op, Phase::expand)[1] ==
        "DO $migrate$\n"
        "DECLARE\n"
        "  column_type text := (SELECT pg_catalog.format_type(atttypid, atttypmod) FROM "
        "pg_catalog.pg_attribute WHERE attrelid = '\"public\".\"users\"'::regclass AND attname = "
        "'email' AND attnum > 0 AND NOT attisdropped);\n"
        "BEGIN\n"
        "  IF column_type IS NULL THEN\n"
        "    RAISE EXCEPTION USING MESSAGE = 'column public.users.email does not exist';\n"
        "  END IF;\n"
        "  EXECUTE pg_catalog.format('ALTER TABLE %s ADD COLUMN IF NOT EXISTS %s %s', "
        "'\"public\".\"users\"', '\"mail\"', column_type);\n"
        "END\n"
        "$migrate$");
  std::string function = sql_of(op, Phase::expand)[2];
  CHECK_THAT(function, Catch::Contains("SELECT (\"email\") INTO NEW.\"mail\""));
  CHECK_THAT(function, Catch::Contains("SELECT (\"mail\") INTO NEW.\"email\""));
  CHECK(outline(op, Phase::contract) ==
        Strings{"3 refuse to lose what depends on public.users.email [precheck]",
                "3 check NOT NULL of public.users.mail (NOT VALID) if the old column had it",
                "3 validate the check of NOT NULL of public.users.mail [alone]",
                "3 set NOT NULL of public.users.mail",
                "3 drop the check of NOT NULL of public.users.mail",
                "3 give public.users.mail the default of email",
                "3 drop the sync trigger of public.users",
                "3 drop the sync function of public.users", "3 drop column public.users.email"});
  CHECK_THAT(
      sql_of(op, Phase::contract)[1],
      Catch::Contains("attname = 'email' AND attnotnull AND attnum > 0 AND NOT attisdropped)"));
  CHECK(outline(op, Phase::rollback) == Strings{"3 drop the sync trigger of public.users",
                                                "3 drop the sync function of public.users",
                                                "3 drop column public.users.mail"});
  CHECK(sql_of(op, Phase::down) ==
        Strings{
            "DO $migrate$\n"
            "BEGIN\n"
            "  IF EXISTS (SELECT 1 FROM pg_catalog.pg_attribute WHERE attrelid = "
            "'\"public\".\"users\"'::regclass AND attname = 'mail' AND attnum > 0 AND NOT "
            "attisdropped) AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_attribute WHERE attrelid = "
            "'\"public\".\"users\"'::regclass AND attname = 'email' AND attnum > 0 AND NOT "
            "attisdropped) THEN\n"
            "    ALTER TABLE \"public\".\"users\" RENAME COLUMN \"mail\" TO \"email\";\n"
            "  END IF;\n"
            "END\n"
            "$migrate$"});
}

TEST_CASE(
    "render_operations: alter_column without a new name swaps a shadow column in at contract") {
  const std::string op =
      "  - alter_column: {table: users, column: score, type: bigint, old_type: integer, nullable: "
      "false}\n";
  CHECK(outline(op, Phase::expand) ==
        Strings{"3 refuse to lose what depends on public.users.score [precheck]",
                "3 add column public.users.migrate_new_score",
                "3 create the sync function of public.users",
                "3 create the sync trigger of public.users",
                "3 backfill public.users (migrate_new_score) [backfill]"});
  CHECK(sql_of(op, Phase::expand)[1] ==
        "ALTER TABLE \"public\".\"users\" ADD COLUMN IF NOT EXISTS \"migrate_new_score\" bigint");
  auto backfill = *steps_for(revision_of(op), Phase::expand)[4].backfill;
  CHECK(backfill.set_clause == "\"migrate_new_score\" = (CAST(\"score\" AS bigint))");
  CHECK(
      outline(op, Phase::contract) ==
      Strings{
          "3 refuse to lose what depends on public.users.score [precheck]",
          "3 check NOT NULL of public.users.migrate_new_score (NOT VALID) if the old column had it",
          "3 validate the check of NOT NULL of public.users.migrate_new_score [alone]",
          "3 set NOT NULL of public.users.migrate_new_score",
          "3 drop the check of NOT NULL of public.users.migrate_new_score",
          "3 give public.users.migrate_new_score the default of score",
          "3 drop the sync trigger of public.users and swap in the new columns",
          "3 drop the sync function of public.users"});
  CHECK(sql_of(op, Phase::down) ==
        Strings{"ALTER TABLE \"public\".\"users\" ALTER COLUMN \"score\" TYPE integer USING "
                "CAST(\"score\" AS integer)"});
  CHECK(outline("  - alter_column: {table: users, column: score, type: bigint}\n", Phase::down) ==
        Strings{"3 refuse: cannot change public.users.score back after contract: its alter_column "
                "has no 'old_type'"});
}

TEST_CASE("render_operations: alter_column with a new name and type converts back through down") {
  const std::string op =
      "  - alter_column: {table: users, column: age, name: age_text, type: text, old_type: "
      "integer}\n";
  std::string function = sql_of(op, Phase::expand)[2];
  CHECK_THAT(function, Catch::Contains("SELECT (CAST(\"age\" AS text)) INTO NEW.\"age_text\""));
  CHECK_THAT(function, Catch::Contains("SELECT (CAST(\"age_text\" AS integer)) INTO NEW.\"age\""));
  CHECK_THAT(sql_of(op, Phase::down)[0],
             Catch::Contains("    ALTER TABLE \"public\".\"users\" ALTER COLUMN \"age_text\" TYPE "
                             "integer USING (CAST(\"age_text\" AS integer));\n"
                             "    ALTER TABLE \"public\".\"users\" RENAME COLUMN \"age_text\" TO "
                             "\"age\";\n"));
  CHECK(outline(op, Phase::contract).back() == "3 drop column public.users.age");
}

TEST_CASE("render_operations: alter_column on NOT NULL alone changes the column in place") {
  const std::string drop = "  - alter_column: {table: users, column: nick, nullable: true}\n";
  CHECK(sql_of(drop, Phase::expand) ==
        Strings{"ALTER TABLE \"public\".\"users\" ALTER COLUMN \"nick\" DROP NOT NULL"});
  CHECK(sql_of(drop, Phase::contract).empty());
  CHECK(sql_of(drop, Phase::rollback).size() == 4);
  CHECK(sql_of(drop, Phase::rollback)[0] == not_null_sql("nick"));
  const std::string set = "  - alter_column: {table: users, column: nick, nullable: false}\n";
  CHECK(sql_of(set, Phase::expand).empty());
  CHECK(sql_of(set, Phase::contract)[0] == not_null_sql("nick"));
  CHECK(sql_of(set, Phase::rollback).empty());
  CHECK(sql_of(set, Phase::down) ==
        Strings{"ALTER TABLE \"public\".\"users\" ALTER COLUMN \"nick\" DROP NOT NULL"});
}

TEST_CASE(
    "render_operations: create_index builds concurrently, alone, replacing an invalid leftover") {
  const std::string op =
      "  - create_index: {name: users_mail, table: app.users, columns: [mail, id], unique: true, "
      "where: mail IS NOT NULL, method: btree}\n";
  auto steps = steps_for(revision_of(op), Phase::expand);
  REQUIRE(steps.size() == 1);
  CHECK(steps[0].sql ==
        "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS \"users_mail\" ON \"app\".\"users\" USING "
        "\"btree\" (\"mail\", \"id\") WHERE (mail IS NOT NULL)");
  CHECK_FALSE(steps[0].transactional);
  CHECK(steps[0].drop_if_invalid_index == "\"app\".\"users_mail\"");
  CHECK(outline(op, Phase::rollback) == Strings{"3 drop index app.users_mail [alone]"});
  CHECK(sql_of(op, Phase::down) ==
        Strings{"DROP INDEX CONCURRENTLY IF EXISTS \"app\".\"users_mail\""});
  CHECK(sql_of(op, Phase::contract).empty());
}

TEST_CASE("render_operations: drop_index waits for contract; down rebuilds it only when defined") {
  const std::string bare = "  - drop_index: {name: users_old, table: app.users}\n";
  CHECK(sql_of(bare, Phase::expand).empty());
  CHECK(outline(bare, Phase::contract) == Strings{"3 drop index app.users_old [alone]"});
  CHECK(sql_of(bare, Phase::contract) ==
        Strings{"DROP INDEX CONCURRENTLY IF EXISTS \"app\".\"users_old\""});
  CHECK(sql_of(bare, Phase::rollback).empty());
  CHECK(sql_of(bare, Phase::down).empty());
  const std::string defined = "  - drop_index: {name: users_old, table: users, columns: [name]}\n";
  CHECK(sql_of(defined, Phase::down) ==
        Strings{"CREATE INDEX CONCURRENTLY IF NOT EXISTS \"users_old\" ON \"public\".\"users\" "
                "(\"name\")"});
}

TEST_CASE(
    "render_operations: add_constraint check and foreign key: NOT VALID, then VALIDATE alone") {
  const std::string op =
      "  - add_constraint: {table: users, name: users_score_positive, check: score >= 0}\n";
  CHECK(outline(op, Phase::expand) ==
        Strings{"3 add constraint users_score_positive on public.users NOT VALID",
                "3 validate constraint users_score_positive on public.users [alone]"});
  CHECK(
      sql_of(op, Phase::expand) ==
      Strings{"DO $migrate$\n"
              "BEGIN\n"
              "  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = "
              "'\"public\".\"users\"'::regclass AND conname = 'users_score_positive') THEN\n"
              "    ALTER TABLE \"public\".\"users\" ADD CONSTRAINT \"users_score_positive\" CHECK "
              "(score >= 0) NOT VALID;\n"
              "  END IF;\n"
              "END\n"
              "$migrate$",
              "ALTER TABLE \"public\".\"users\" VALIDATE CONSTRAINT \"users_score_positive\""});
  CHECK(sql_of(op, Phase::rollback) ==
        Strings{
            "ALTER TABLE \"public\".\"users\" DROP CONSTRAINT IF EXISTS \"users_score_positive\""});
  const std::string foreign =
      "  - add_constraint:\n"
      "      table: orders\n"
      "      name: orders_user_fk\n"
      "      foreign_key: {columns: [user_id], references: {table: app.users, columns: [id]}, "
      "on_delete: set null, on_update: cascade}\n";
  CHECK_THAT(
      sql_of(foreign, Phase::expand)[0],
      Catch::Contains("ADD CONSTRAINT \"orders_user_fk\" FOREIGN KEY (\"user_id\") REFERENCES "
                      "\"app\".\"users\" (\"id\") ON DELETE SET NULL ON UPDATE CASCADE NOT "
                      "VALID;"));
}

TEST_CASE(
    "render_operations: add_constraint unique builds its index concurrently, then attaches it") {
  const std::string op =
      "  - add_constraint: {table: users, name: users_name_key, unique: [name, org]}\n";
  CHECK(outline(op, Phase::expand) ==
        Strings{"3 build the unique index of constraint users_name_key on public.users [alone]",
                "3 add constraint users_name_key on public.users using its index"});
  CHECK(sql_of(op, Phase::expand)[0] ==
        "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS \"users_name_key\" ON \"public\".\"users\" "
        "(\"name\", \"org\")");
  CHECK(sql_of(op, Phase::down) ==
        Strings{"ALTER TABLE \"public\".\"users\" DROP CONSTRAINT IF EXISTS \"users_name_key\"",
                "DROP INDEX CONCURRENTLY IF EXISTS \"public\".\"users_name_key\""});
}

TEST_CASE("render_operations: create_table in one statement, dropped going down") {
  const std::string op =
      "  - create_table:\n"
      "      table: app.teams\n"
      "      columns:\n"
      "        - {name: id, type: bigint}\n"
      "        - {name: name, type: text, nullable: false, unique: true, check: name <> ''}\n"
      "        - {name: owner, type: bigint, references: users, default: \"0\"}\n"
      "      primary_key: [id]\n";
  CHECK(sql_of(op, Phase::expand) ==
        Strings{"CREATE TABLE IF NOT EXISTS \"app\".\"teams\" (\n"
                "  \"id\" bigint,\n"
                "  \"name\" text NOT NULL UNIQUE CHECK (name <> ''),\n"
                "  \"owner\" bigint DEFAULT (0) REFERENCES \"public\".\"users\",\n"
                "  PRIMARY KEY (\"id\")\n"
                ")"});
  CHECK(single_transaction(steps_for(revision_of(op), Phase::expand)));
  CHECK(sql_of(op, Phase::rollback) == Strings{"DROP TABLE IF EXISTS \"app\".\"teams\""});
  CHECK(sql_of(op, Phase::down) == Strings{"DROP TABLE IF EXISTS \"app\".\"teams\""});
  CHECK(sql_of(op, Phase::contract).empty());
}

TEST_CASE("render_operations: drop_table leaves the table to the old version until contract") {
  const std::string bare = "  - drop_table: {table: legacy}\n";
  CHECK(sql_of(bare, Phase::expand).empty());
  CHECK(sql_of(bare, Phase::rollback).empty());
  CHECK(sql_of(bare, Phase::contract) == Strings{"DROP TABLE IF EXISTS \"public\".\"legacy\""});
  CHECK(outline(bare, Phase::down) ==
        Strings{"3 refuse: cannot re-create table public.legacy after contract: its drop_table has "
                "no 'down'"});
  const std::string with_down =
      "  - drop_table: {table: legacy, down: \"CREATE TABLE legacy (id int); INSERT INTO legacy "
      "VALUES (1)\"}\n";
  CHECK(sql_of(with_down, Phase::down) ==
        Strings{"CREATE TABLE legacy (id int)", "INSERT INTO legacy VALUES (1)"});
}

TEST_CASE("render_operations: identifiers are always quoted, whatever they hold") {
  const std::string op =
      "  - add_column: {table: 'My Schema.we\"ird', column: 'co\"l', type: text, up: "
      "'\"ol\"\"d\"'}\n";
  auto steps = steps_for(revision_of(op), Phase::expand);
  CHECK(steps[0].sql ==
        "ALTER TABLE \"My Schema\".\"we\"\"ird\" ADD COLUMN IF NOT EXISTS \"co\"\"l\" text");
  CHECK_THAT(steps[1].sql,
             Catch::StartsWith(
                 "CREATE OR REPLACE FUNCTION \"My Schema\".\"migrate_sync_8fb4c8_we\"\"ird\"()"));
  CHECK_THAT(steps[2].sql, Catch::Contains("tgrelid = '\"My Schema\".\"we\"\"ird\"'::regclass"));
  CHECK(steps[3].backfill->schema == "My Schema");
  CHECK(steps[3].backfill->table == "we\"ird");
  CHECK(steps[3].backfill->set_clause == "\"co\"\"l\" = (\"ol\"\"d\")");
}

TEST_CASE("render_operations: one trigger per table, whatever the number of operations on it") {
  const std::string ops =
      k_canary +
      "  - add_column: {table: app.orders, column: total, type: numeric, up: price * qty}\n"
      "  - rename_column: {table: users, from: email, to: mail}\n";
  CHECK(outline(ops, Phase::expand) ==
        Strings{"3 add column public.users.first", "4 add column public.users.last",
                "5 let writers of the new version leave out public.users.name",
                "6 add column app.orders.total",
                "7 refuse to lose what depends on public.users.email [precheck]",
                "7 add column public.users.mail typed like email",
                "3 create the sync function of public.users",
                "3 create the sync trigger of public.users",
                "3 backfill public.users (first, last, mail) [backfill]",
                "6 create the sync function of app.orders",
                "6 create the sync trigger of app.orders",
                "6 backfill app.orders (total) [backfill]"});
}

TEST_CASE("render_operations: every statement can run again after an interruption") {
  const std::string ops =
      k_canary +
      "  - add_column: {table: users, column: status, type: text, default: \"'a'\", nullable: "
      "false, "
      "unique: true, check: status <> '', references: statuses}\n"
      "  - rename_column: {table: users, from: email, to: mail}\n"
      "  - alter_column: {table: users, column: score, type: bigint, old_type: int}\n"
      "  - alter_column: {table: users, column: age, name: years, type: text, old_type: int}\n"
      "  - alter_column: {table: users, column: nick, nullable: false}\n"
      "  - create_index: {name: i, table: users, columns: [mail]}\n"
      "  - drop_index: {name: j, table: users, columns: [a]}\n"
      "  - add_constraint: {table: users, name: c1, check: a > 0}\n"
      "  - add_constraint: {table: users, name: c2, unique: [a]}\n"
      "  - create_table: {table: t, columns: [{name: a, type: int}]}\n"
      "  - drop_table: {table: legacy}\n";
  // Each statement checks the catalog itself, or is harmless when repeated.
  const std::regex idempotent(
      "^(DO |CREATE OR REPLACE |DROP TRIGGER IF EXISTS |DROP FUNCTION IF EXISTS |DROP INDEX "
      "CONCURRENTLY IF EXISTS |DROP TABLE IF EXISTS |CREATE (UNIQUE )?INDEX CONCURRENTLY IF NOT "
      "EXISTS |CREATE TABLE IF NOT EXISTS |ALTER TABLE [^ ]+ (ADD COLUMN IF NOT EXISTS |DROP "
      "COLUMN "
      "IF EXISTS |DROP CONSTRAINT IF EXISTS |VALIDATE CONSTRAINT |ALTER COLUMN [^ ]+ (SET NOT "
      "NULL$|DROP "
      "NOT NULL$|SET DEFAULT |TYPE )))");
  for (Phase phase : {Phase::expand, Phase::contract, Phase::rollback, Phase::down})
    for (const auto& sql : sql_of(ops, phase)) {
      INFO(to_string(phase) << ": " << sql);
      CHECK(std::regex_search(sql, idempotent));
    }
}
