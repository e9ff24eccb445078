// The sync trigger and backfill of one table: the canary story's `users`, and
// the other shapes a revision's column operations can give them.
#include "core/operations/sync_trigger.hpp"

#include "support/operation_helpers.hpp"

using namespace migrate::core;
using Strings = std::vector<std::string>;

namespace {

// users: v1 writes name, v2 writes first and last.
SyncTable canary() {
  SyncTable sync;
  sync.table = table_name("users");
  sync.old_columns = {"name"};
  sync.up = {{"first", "split_part(name, ' ', 1)"}, {"last", "split_part(name, ' ', 2)"}};
  sync.down = {{"name", "first || ' ' || last"}};
  return sync;
}

// The lines of `text` between the first line containing `from` and the next
// line containing `to`, both included.
std::string section(const std::string& text, const std::string& from, const std::string& to) {
  size_t begin = text.rfind('\n', text.find(from)) + 1;
  size_t end = text.find('\n', text.find(to, begin));
  return text.substr(begin, end - begin);
}

}  // namespace

TEST_CASE("sync_function_sql: the canary trigger computes whichever side the writer left out") {
  CHECK(
      sync_function_sql(canary(), "8fb4c8") ==
      "CREATE OR REPLACE FUNCTION \"public\".\"migrate_sync_8fb4c8_users\"() RETURNS trigger "
      "LANGUAGE plpgsql AS $migrate$\n"
      "#variable_conflict use_column\n"
      "BEGIN\n"
      "  -- The backfill computes the new columns itself.\n"
      "  IF current_setting('migrate.backfill', true) = 'on' THEN\n"
      "    RETURN NEW;\n"
      "  END IF;\n"
      "  IF TG_OP = 'INSERT' THEN\n"
      "    IF NEW.\"first\" IS NOT NULL OR NEW.\"last\" IS NOT NULL THEN\n"
      "      SELECT (first || ' ' || last) INTO NEW.\"name\" FROM (SELECT NEW.*) AS \"users\";\n"
      "    ELSE\n"
      "      SELECT (split_part(name, ' ', 1)), (split_part(name, ' ', 2)) INTO NEW.\"first\", "
      "NEW.\"last\" FROM (SELECT NEW.*) AS \"users\";\n"
      "    END IF;\n"
      "  ELSE\n"
      "    IF OLD.\"first\" IS NULL AND OLD.\"last\" IS NULL AND (NEW.\"first\" IS DISTINCT FROM "
      "OLD.\"first\" OR NEW.\"last\" IS DISTINCT FROM OLD.\"last\") THEN\n"
      "      IF NEW.\"first\" IS NULL THEN\n"
      "        SELECT (split_part(name, ' ', 1)) INTO NEW.\"first\" FROM (SELECT NEW.*) AS "
      "\"users\";\n"
      "      END IF;\n"
      "      IF NEW.\"last\" IS NULL THEN\n"
      "        SELECT (split_part(name, ' ', 2)) INTO NEW.\"last\" FROM (SELECT NEW.*) AS "
      "\"users\";\n"
      "      END IF;\n"
      "    END IF;\n"
      "    IF NOT (NEW.\"first\" IS DISTINCT FROM OLD.\"first\" OR NEW.\"last\" IS DISTINCT FROM "
      "OLD.\"last\") THEN\n"
      "      IF NEW.\"name\" IS DISTINCT FROM OLD.\"name\" THEN\n"
      "        SELECT (split_part(name, ' ', 1)), (split_part(name, ' ', 2)) INTO NEW.\"first\", "
      "NEW.\"last\" FROM (SELECT NEW.*) AS \"users\";\n"
      "      END IF;\n"
      "    ELSIF NOT (NEW.\"name\" IS DISTINCT FROM OLD.\"name\") THEN\n"
      "      IF NEW.\"first\" IS DISTINCT FROM OLD.\"first\" OR NEW.\"last\" IS DISTINCT FROM "
      "OLD.\"last\" THEN\n"
      "        SELECT (first || ' ' || last) INTO NEW.\"name\" FROM (SELECT NEW.*) AS \"users\";\n"
      "      END IF;\n"
      "    END IF;\n"
      "  END IF;\n"
      "  RETURN NEW;\n"
      "END\n"
      "$migrate$");
}

TEST_CASE("sync_backfill: fills the new columns only where the new version has not written them") {
  Backfill backfill = sync_backfill(canary());
  CHECK(backfill.schema == "public");
  CHECK(backfill.table == "users");
  CHECK(backfill.set_clause ==
        "\"first\" = (split_part(name, ' ', 1)), \"last\" = (split_part(name, ' ', 2))");
  CHECK(backfill.where_clause == "\"first\" IS NULL AND \"last\" IS NULL");
}

TEST_CASE(
    "sync_backfill: columns with their own condition keep their value where it does not hold") {
  SyncTable sync = canary();
  sync.defaults = {{"token", "gen_random_uuid()"}};
  Backfill backfill = sync_backfill(sync);
  CHECK(backfill.set_clause ==
        "\"first\" = CASE WHEN \"first\" IS NULL AND \"last\" IS NULL THEN (split_part(name, ' ', "
        "1)) ELSE \"first\" END, "
        "\"last\" = CASE WHEN \"first\" IS NULL AND \"last\" IS NULL THEN (split_part(name, ' ', "
        "2)) ELSE \"last\" END, "
        "\"token\" = CASE WHEN \"token\" IS NULL THEN (gen_random_uuid()) ELSE \"token\" END");
  CHECK(backfill.where_clause == "(\"first\" IS NULL AND \"last\" IS NULL) OR (\"token\" IS NULL)");
}

TEST_CASE("sync_function_sql: a column added alone is computed when the writer leaves it out") {
  SyncTable sync;
  sync.table = table_name("app.users");
  sync.up = {{"slug", "lower(title)"}};
  std::string sql = sync_function_sql(sync, "r1");
  CHECK_THAT(sql,
             Catch::StartsWith("CREATE OR REPLACE FUNCTION \"app\".\"migrate_sync_r1_users\"()"));
  CHECK(section(sql, "IF TG_OP", "RETURN NEW;\nEND") ==
        "  IF TG_OP = 'INSERT' THEN\n"
        "    IF NOT (NEW.\"slug\" IS NOT NULL) THEN\n"
        "      SELECT (lower(title)) INTO NEW.\"slug\" FROM (SELECT NEW.*) AS \"users\";\n"
        "    END IF;\n"
        "  ELSE\n"
        "    IF NOT (NEW.\"slug\" IS DISTINCT FROM OLD.\"slug\") THEN\n"
        "      IF NEW.\"title\" IS DISTINCT FROM OLD.\"title\" THEN\n"
        "        SELECT (lower(title)) INTO NEW.\"slug\" FROM (SELECT NEW.*) AS \"users\";\n"
        "      END IF;\n"
        "    END IF;\n"
        "  END IF;\n"
        "  RETURN NEW;");
  CHECK_FALSE(sync_backfill(sync).set_clause.empty());
}

TEST_CASE("sync_function_sql: a column dropped alone is filled from down when left NULL") {
  SyncTable sync;
  sync.table = table_name("users");
  sync.old_columns = {"legacy"};
  sync.down = {{"legacy", "'none'"}};
  CHECK(section(sync_function_sql(sync, "r1"), "IF TG_OP", "RETURN NEW;\nEND") ==
        "  IF TG_OP = 'INSERT' THEN\n"
        "    IF NEW.\"legacy\" IS NULL THEN\n"
        "      SELECT ('none') INTO NEW.\"legacy\" FROM (SELECT NEW.*) AS \"users\";\n"
        "    END IF;\n"
        "  ELSE\n"
        "    NULL;\n"
        "  END IF;\n"
        "  RETURN NEW;");
  CHECK_FALSE(sync.has_backfill());
}

TEST_CASE("sync_function_sql: a shadow column follows the column both versions write") {
  SyncTable sync;
  sync.table = table_name("users");
  sync.derived = {{"migrate_new_score", "CAST(\"score\" AS bigint)"}};
  CHECK(
      section(sync_function_sql(sync, "r1"), "IF TG_OP", "RETURN NEW;\nEND") ==
      "  IF TG_OP = 'INSERT' THEN\n"
      "    IF NEW.\"migrate_new_score\" IS NULL THEN\n"
      "      SELECT (CAST(\"score\" AS bigint)) INTO NEW.\"migrate_new_score\" FROM (SELECT NEW.*) "
      "AS \"users\";\n"
      "    END IF;\n"
      "  ELSE\n"
      "    IF NOT (NEW.\"migrate_new_score\" IS DISTINCT FROM OLD.\"migrate_new_score\") AND "
      "(NEW.\"score\" IS DISTINCT FROM OLD.\"score\") THEN\n"
      "      SELECT (CAST(\"score\" AS bigint)) INTO NEW.\"migrate_new_score\" FROM (SELECT NEW.*) "
      "AS \"users\";\n"
      "    END IF;\n"
      "  END IF;\n"
      "  RETURN NEW;");
  CHECK(sync_backfill(sync).where_clause == "\"migrate_new_score\" IS NULL");
}

TEST_CASE(
    "sync_function_sql: update recomputes each group of columns only when what it reads changed") {
  SyncTable sync = canary();
  sync.up.push_back({"slug", "lower(title)"});
  std::string update =
      section(sync_function_sql(sync, "r1"), "    IF NOT (NEW.", "    END IF;\n  END IF;");
  CHECK_THAT(update,
             Catch::Contains("      IF NEW.\"name\" IS DISTINCT FROM OLD.\"name\" THEN\n"
                             "        SELECT (split_part(name, ' ', 1)), (split_part(name, ' "
                             "', 2)) INTO NEW.\"first\", NEW.\"last\""));
  CHECK_THAT(update, Catch::Contains("      IF NEW.\"title\" IS DISTINCT FROM OLD.\"title\" THEN\n"
                                     "        SELECT (lower(title)) INTO NEW.\"slug\""));
  // The old side: what v1 writes and what the up expressions read.
  CHECK_THAT(update, Catch::Contains("    ELSIF NOT (NEW.\"name\" IS DISTINCT FROM OLD.\"name\" OR "
                                     "NEW.\"title\" IS DISTINCT FROM OLD.\"title\") THEN\n"));
}

TEST_CASE(
    "sync_function_sql: an update of some new columns of a row not backfilled yet computes the "
    "others") {
  // Else v2 setting only `last` leaves `first` NULL for good (the backfill
  // skips the row) and computes name from NULL || ' ' || last.
  std::string sql = sync_function_sql(canary(), "r1");
  CHECK_THAT(sql,
             Catch::Contains("  ELSE\n    IF OLD.\"first\" IS NULL AND OLD.\"last\" IS NULL AND "
                             "(NEW.\"first\" IS DISTINCT FROM OLD.\"first\""));
  // One new column: the one written is the only one, nothing to fill.
  SyncTable rename;
  rename.table = table_name("users");
  rename.old_columns = {"email"};
  rename.up = {{"mail", "\"email\""}};
  rename.down = {{"email", "\"mail\""}};
  CHECK_THAT(sync_function_sql(rename, "r1"), !Catch::Contains("IS NULL AND ("));
}

TEST_CASE("sync_function_sql: identifiers are quoted and the dollar quote avoids the body") {
  SyncTable sync;
  sync.table = table_name("we\"ird");
  sync.up = {{"co\"l", "'$migrate$'"}};
  std::string sql = sync_function_sql(sync, "r1");
  CHECK_THAT(sql, Catch::StartsWith(
                      "CREATE OR REPLACE FUNCTION \"public\".\"migrate_sync_r1_we\"\"ird\"() "
                      "RETURNS trigger LANGUAGE plpgsql AS $migrate1$\n"));
  CHECK_THAT(sql, Catch::Contains("INTO NEW.\"co\"\"l\" FROM (SELECT NEW.*) AS \"we\"\"ird\";"));
  CHECK_THAT(sql, Catch::EndsWith("\n$migrate1$"));
}

TEST_CASE("sync_trigger_name: within PostgreSQL's 63 bytes, distinct and stable") {
  CHECK(sync_trigger_name("8fb4c8", table_name("app.users")) == "migrate_sync_8fb4c8_users");
  std::string id(40, 'f');
  std::string a = sync_trigger_name(id, table_name("a_rather_long_table_name_one"));
  std::string b = sync_trigger_name(id, table_name("a_rather_long_table_name_two"));
  CHECK(a.size() == 63);
  CHECK(a != b);
  CHECK(a == sync_trigger_name(id, table_name("a_rather_long_table_name_one")));
  CHECK_THAT(a, Catch::StartsWith("migrate_sync_ffff"));
}

TEST_CASE(
    "install_sync and remove_sync: function, trigger if missing, backfill; then both dropped") {
  std::vector<Step> steps;
  StepWriter out(steps, "r.yaml", 3);
  install_sync(canary(), "8fb4c8", out);
  REQUIRE(steps.size() == 3);
  CHECK(steps[1].sql ==
        "DO $migrate$\n"
        "BEGIN\n"
        "  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_trigger WHERE tgrelid = "
        "'\"public\".\"users\"'::regclass AND tgname = 'migrate_sync_8fb4c8_users') THEN\n"
        "    CREATE TRIGGER \"migrate_sync_8fb4c8_users\" BEFORE INSERT OR UPDATE ON "
        "\"public\".\"users\" FOR EACH ROW WHEN (current_setting('migrate.backfill', true) IS "
        "DISTINCT FROM 'on') EXECUTE FUNCTION "
        "\"public\".\"migrate_sync_8fb4c8_users\"();\n"
        "  END IF;\n"
        "END\n"
        "$migrate$");
  CHECK(steps[2].kind == Step::Kind::backfill);
  CHECK(steps[2].description == "backfill public.users (first, last)");

  steps.clear();
  remove_sync(canary(), "8fb4c8", Swap::yes, out);
  CHECK(migrate::test::outline(steps) == Strings{"3 drop the sync trigger of public.users",
                                                 "3 drop the sync function of public.users"});
  CHECK(steps[0].sql ==
        "DROP TRIGGER IF EXISTS \"migrate_sync_8fb4c8_users\" ON \"public\".\"users\"");
  CHECK(steps[1].sql == "DROP FUNCTION IF EXISTS \"public\".\"migrate_sync_8fb4c8_users\"()");
}

TEST_CASE(
    "remove_sync: in contract, shadow columns are swapped in the statement that drops the "
    "trigger") {
  SyncTable sync;
  sync.table = table_name("users");
  sync.derived = {{"migrate_new_score", "CAST(\"score\" AS bigint)"}};
  sync.swaps = {{"migrate_new_score", "score"}};
  std::vector<Step> steps;
  StepWriter out(steps, "r.yaml", 3);
  remove_sync(sync, "r1", Swap::yes, out);
  REQUIRE(steps.size() == 2);
  CHECK(steps[0].sql ==
        "DO $migrate$\n"
        "BEGIN\n"
        "  DROP TRIGGER IF EXISTS \"migrate_sync_r1_users\" ON \"public\".\"users\";\n"
        "  IF EXISTS (SELECT 1 FROM pg_catalog.pg_attribute WHERE attrelid = "
        "'\"public\".\"users\"'::regclass AND attname = 'migrate_new_score' AND attnum > 0 AND NOT "
        "attisdropped) THEN\n"
        "    ALTER TABLE \"public\".\"users\" DROP COLUMN IF EXISTS \"score\";\n"
        "    ALTER TABLE \"public\".\"users\" RENAME COLUMN \"migrate_new_score\" TO \"score\";\n"
        "  END IF;\n"
        "END\n"
        "$migrate$");
  steps.clear();
  remove_sync(sync, "r1", Swap::no, out);
  CHECK(steps[0].sql == "DROP TRIGGER IF EXISTS \"migrate_sync_r1_users\" ON \"public\".\"users\"");
}
