// The SQL text of migrate's state schema: quoted, and valid PostgreSQL.
#include "engine/state_sql.hpp"

#include "core/sql/sql_text.hpp"
#include "support/test_helpers.hpp"

using migrate::core::AppliedPhase;
using migrate::core::Phase;
using migrate::core::Revision;
using migrate::engine::StateSql;

namespace {

Revision revision_named(const std::string& id) {
  Revision revision;
  revision.id = id;
  revision.parents = {"p1", "p2"};
  revision.message = "add names";
  revision.path = "m/" + id + ".sql";
  revision.content = "-- migrate:up\nSELECT 1;\n";
  return revision;
}

// Fails the test when PostgreSQL's parser refuses `sql`.
void check_parses(const std::string& sql) {
  INFO(sql);
  CHECK(migrate::core::syntax_error(sql) == "");
}

}  // namespace

TEST_CASE("StateSql: tables are quoted and schema-qualified") {
  StateSql state("migrate");
  CHECK(state.schema() == "migrate");
  CHECK(state.table("revisions") == "\"migrate\".\"revisions\"");
  CHECK(StateSql("My \"State\"").table("events") == "\"My \"\"State\"\"\".\"events\"");
}

TEST_CASE("StateSql::ensure_layout: creates the schema and every table, all valid SQL") {
  auto statements = StateSql("migrate").ensure_layout();
  REQUIRE_FALSE(statements.empty());
  CHECK(statements.front() == "CREATE SCHEMA IF NOT EXISTS \"migrate\"");
  std::string all;
  for (const auto& sql : statements) {
    check_parses(sql);
    all += sql + "\n";
  }
  for (std::string table : {"layout", "revisions", "events", "lock_holder", "backfill_progress"})
    CHECK_THAT(all, Catch::Contains("CREATE TABLE IF NOT EXISTS \"migrate\".\"" + table + "\""));
  for (std::string column :
       {"parents", "message", "checksum", "phase", "running_phase", "steps_done", "applied_at",
        "applied_by", "duration_ms", "tool_version", "source", "path", "content", "note"})
    CHECK_THAT(all,
               Catch::Contains("ALTER TABLE \"migrate\".\"revisions\" ADD COLUMN IF NOT EXISTS " +
                               column + " "));
  CHECK_THAT(all, Catch::Contains(
                      "INSERT INTO \"migrate\".\"layout\" (version) SELECT 1 WHERE NOT EXISTS"));
}

TEST_CASE("StateSql::ensure_layout: only ever adds, never drops") {
  for (const auto& sql : StateSql("migrate").ensure_layout()) {
    INFO(sql);
    CHECK_THAT(sql, !Catch::Contains("DROP") && !Catch::Contains("DELETE") &&
                        !Catch::Contains("TRUNCATE"));
  }
}

TEST_CASE("StateSql::record: every value is a quoted literal") {
  Revision revision = revision_named("a1");
  std::string sql =
      StateSql("migrate").record(revision, AppliedPhase::complete, "v2.0.0", "0.1.0", "", 1234);
  CHECK(sql ==
        "INSERT INTO \"migrate\".\"revisions\" (id, parents, message, checksum, phase, "
        "running_phase, steps_done, "
        "applied_at, applied_by, duration_ms, tool_version, source, path, content, note) VALUES "
        "('a1', "
        "ARRAY['p1','p2']::text[], 'add names', '" +
            migrate::core::checksum(revision.content) +
            "', 'complete', NULL, 0, now(), "
            "current_user || '@' || coalesce(host(inet_client_addr()), 'local'), 1234, '0.1.0', "
            "'v2.0.0', "
            "'m/a1.sql', '-- migrate:up\nSELECT 1;\n', '') ON CONFLICT (id) DO UPDATE SET phase = "
            "EXCLUDED.phase, "
            "running_phase = NULL, steps_done = 0, checksum = EXCLUDED.checksum, duration_ms = "
            "\"migrate\".\"revisions\".duration_ms + EXCLUDED.duration_ms, note = EXCLUDED.note");
  check_parses(sql);
}

TEST_CASE("StateSql::record: quotes in ids, messages and content are escaped") {
  Revision revision = revision_named("it's");
  revision.parents = {"o'p"};
  revision.message = "O'Brien's table";
  revision.content = "-- migrate:up\nINSERT INTO t VALUES ('x'); -- $$ ' \n";
  std::string sql =
      StateSql("migrate").record(revision, AppliedPhase::expanded, "tag 'x'", "0.1.0", "note's");
  CHECK_THAT(sql, Catch::Contains("VALUES ('it''s', ARRAY['o''p']::text[], 'O''Brien''s table', "));
  CHECK_THAT(sql, Catch::Contains("'expanded'"));
  CHECK_THAT(sql, Catch::Contains("'tag ''x'''"));
  CHECK_THAT(sql, Catch::Contains("'-- migrate:up\nINSERT INTO t VALUES (''x''); -- $$ '' \n'"));
  CHECK_THAT(sql, Catch::Contains("'note''s'"));
  check_parses(sql);
  auto statements = migrate::core::split_statements(sql);
  CHECK(statements.size() == 1);
}

TEST_CASE("StateSql::record: without a duration it is measured in the transaction") {
  Revision revision = revision_named("a1");
  revision.parents = {};
  std::string sql = StateSql("migrate").record(revision, AppliedPhase::complete, "", "0.1.0");
  CHECK_THAT(sql,
             Catch::Contains("(extract(epoch from clock_timestamp() - now()) * 1000)::bigint"));
  CHECK_THAT(sql, Catch::Contains("ARRAY[]::text[]"));
  check_parses(sql);
}

TEST_CASE("StateSql::mark_in_progress: the running phase and steps done") {
  Revision revision = revision_named("a'1");
  std::string sql = StateSql("migrate").mark_in_progress(revision, Phase::expand, 3, "v2", "0.1.0");
  CHECK_THAT(sql, Catch::StartsWith("INSERT INTO \"migrate\".\"revisions\" "));
  CHECK_THAT(sql, Catch::Contains("VALUES ('a''1', ARRAY['p1','p2']::text[], 'add names', '" +
                                  migrate::core::checksum(revision.content) +
                                  "', 'in_progress', 'expand', 3, now(), "));
  CHECK_THAT(
      sql, Catch::EndsWith("ON CONFLICT (id) DO UPDATE SET phase = 'in_progress', running_phase = "
                           "EXCLUDED.running_phase, steps_done = EXCLUDED.steps_done"));
  check_parses(sql);
}

TEST_CASE("StateSql: updates, forgetting and events") {
  StateSql state("migrate");
  CHECK(state.set_progress("a'1", 4) ==
        "UPDATE \"migrate\".\"revisions\" SET steps_done = 4 WHERE id = 'a''1'");
  CHECK(state.set_phase("a1", AppliedPhase::complete) ==
        "UPDATE \"migrate\".\"revisions\" SET phase = 'complete', running_phase = NULL, steps_done "
        "= 0 WHERE id = 'a1'");
  CHECK(state.forget("a'1") == "DELETE FROM \"migrate\".\"revisions\" WHERE id = 'a''1'");
  CHECK(state.event("lock_clear", "", "pid 42's lock") ==
        "INSERT INTO \"migrate\".\"events\" (kind, revision, detail) VALUES ('lock_clear', '', "
        "'pid 42''s lock')");
  Revision revision = revision_named("a1");
  CHECK(state.update_checksum(revision, "accepted") ==
        "UPDATE \"migrate\".\"revisions\" SET checksum = '" +
            migrate::core::checksum(revision.content) +
            "', content = '-- migrate:up\nSELECT 1;\n', path = 'm/a1.sql', note = 'accepted' WHERE "
            "id = 'a1'");
  for (const auto& sql :
       {state.set_progress("a'1", 4), state.set_phase("a1", AppliedPhase::expanded),
        state.forget("a'1"), state.event("k", "r", "d"), state.update_checksum(revision, "n")})
    check_parses(sql);
}

TEST_CASE("StateSql: backfill progress rows") {
  StateSql state("migrate");
  std::string save = state.save_backfill("a1", 2, {"10", "it's"}, 500, true);
  CHECK(save ==
        "INSERT INTO \"migrate\".\"backfill_progress\" (revision, step, last_key, rows_done, "
        "finished, updated_at) "
        "VALUES ('a1', 2, ARRAY['10','it''s']::text[], 500, true, now()) ON CONFLICT (revision, "
        "step) DO UPDATE SET "
        "last_key = EXCLUDED.last_key, rows_done = EXCLUDED.rows_done, finished = "
        "EXCLUDED.finished, updated_at = now()");
  check_parses(save);
  check_parses(state.save_backfill("a1", 0, {}, 0, false));
  CHECK(state.clear_backfill("a'1") ==
        "DELETE FROM \"migrate\".\"backfill_progress\" WHERE revision = 'a''1'");
}
