// The executor's policy against the in-memory twin and a fake clock: batch
// order, in-progress marks, lock_timeout retries with backoff, resume and skip
// of interrupted revisions, backfills in batches, and the refusals.
#include "engine/executor.hpp"

#include "core/revisions/plan.hpp"
#include "core/revisions/revision_loader.hpp"
#include "core/revisions/status.hpp"
#include "support/engine_fakes.hpp"
#include "support/memory_database.hpp"
#include "support/test_helpers.hpp"

using migrate::core::AppliedPhase;
using migrate::core::RevisionGraph;
using migrate::core::SourceFile;
using migrate::engine::DatabaseError;
using migrate::engine::ExecutionOptions;
using migrate::engine::Executor;
using migrate::engine::Interrupted;
using migrate::test::error_from;
using migrate::test::sql_file;
using migrate::testing::FakeClock;
using migrate::testing::MemoryDatabase;
using migrate::testing::MemoryServer;
using migrate::testing::RecordingReporter;

namespace {

const std::string k_two_tables = "CREATE TABLE a (id int);\nCREATE TABLE b (id int);";

SourceFile no_transaction_file(const std::string& id) {
  return {id + ".sql", "-- migrate:revision " + id +
                           "\n-- migrate:message concurrent\n-- migrate:transaction off\n\n"
                           "-- migrate:up\nCREATE INDEX CONCURRENTLY a_idx ON a (id);\nCREATE "
                           "INDEX CONCURRENTLY b_idx ON b (id);\n"};
}

SourceFile backfill_file(const std::string& id) {
  return {id + ".yaml", "revision: " + id +
                            "\nmessage: names\noperations:\n"
                            "  - add_column: {table: users, column: first, type: text, up: "
                            "\"split_part(name, ' ', 1)\"}\n"};
}

// A database with its state created, a twin session on it, and the run's parts.
struct Run {
  MemoryServer server;
  MemoryDatabase db{server};
  RecordingReporter reporter;
  FakeClock clock;
  ExecutionOptions options;

  Run() { db.create_state(); }

  // Upgrades to the head of `files`, as `migrate upgrade` does under the lock.
  void upgrade(const std::vector<SourceFile>& files) {
    RevisionGraph graph = migrate::core::load_revisions(files);
    auto applied = db.read_applied();
    auto plan = migrate::core::plan_upgrade(graph, migrate::core::known_phases(graph, applied), "");
    Executor(db, reporter, clock, options).run(graph, plan, applied);
  }
  const migrate::core::AppliedRevision* record(const std::string& id) const {
    return server.find(id);
  }
};

}  // namespace

TEST_CASE("Executor: a transactional revision runs as one batch together with its state row") {
  Run run;
  run.upgrade({sql_file("r1", "", k_two_tables)});
  CHECK(run.server.executed == std::vector<std::string>{"SET LOCAL lock_timeout = '500ms'",
                                                        "SET LOCAL statement_timeout = '0ms'",
                                                        "CREATE TABLE a (id int)",
                                                        "CREATE TABLE b (id int)"});
  REQUIRE(run.record("r1"));
  CHECK(run.record("r1")->phase == AppliedPhase::complete);
  CHECK(run.reporter.started == std::vector<std::string>{"r1:expand"});
  CHECK(run.reporter.finished == std::vector<std::string>{"r1:expand"});
}

TEST_CASE(
    "Executor: every transactional revision but the last of the run commits without waiting for "
    "its WAL flush") {
  struct CountingDatabase : MemoryDatabase {
    using MemoryDatabase::MemoryDatabase;
    void heartbeat() override { ++beats; }
    int beats = 0;
  };
  Run run;
  CountingDatabase db(run.server);
  migrate::core::RevisionGraph graph =
      migrate::core::load_revisions({sql_file("r1", "", "CREATE TABLE a (id int);"),
                                     sql_file("r2", "r1", "CREATE TABLE b (id int);")});
  auto plan = migrate::core::plan_upgrade(graph, {}, "");
  Executor(db, run.reporter, run.clock, run.options).run(graph, plan, {});
  CHECK(run.server.executed ==
        std::vector<std::string>{"SET LOCAL lock_timeout = '500ms'",
                                 "SET LOCAL statement_timeout = '0ms'",
                                 "SET LOCAL synchronous_commit = off", "CREATE TABLE a (id int)",
                                 "SET LOCAL lock_timeout = '500ms'",
                                 "SET LOCAL statement_timeout = '0ms'", "CREATE TABLE b (id int)"});
  // The last one's synchronous commit flushed the first: no extra commit.
  CHECK(db.beats == 0);
}

TEST_CASE(
    "Executor: a run that stops after asynchronous commits flushes them with a synchronous one") {
  struct CountingDatabase : MemoryDatabase {
    using MemoryDatabase::MemoryDatabase;
    void heartbeat() override { ++beats; }
    int beats = 0;
  };
  Run run;
  CountingDatabase db(run.server);
  run.server.failures.push_back({"CREATE TABLE b", "42P07"});
  migrate::core::RevisionGraph graph =
      migrate::core::load_revisions({sql_file("r1", "", "CREATE TABLE a (id int);"),
                                     sql_file("r2", "r1", "CREATE TABLE b (id int);")});
  auto plan = migrate::core::plan_upgrade(graph, {}, "");
  error_from<DatabaseError>(
      [&] { Executor(db, run.reporter, run.clock, run.options).run(graph, plan, {}); });
  CHECK(run.server.find("r1"));
  CHECK_FALSE(run.server.find("r2"));
  CHECK(db.beats == 1);
}

TEST_CASE(
    "Executor: a failing transactional revision records nothing and names the statement's line") {
  Run run;
  run.server.failures.push_back({"CREATE TABLE b", "42P07"});
  auto error = error_from<DatabaseError>([&] { run.upgrade({sql_file("r1", "", k_two_tables)}); });
  CHECK_THAT(error.what(), Catch::StartsWith("r1.sql:6: statement failed: "));
  CHECK(error.sqlstate() == "42P07");
  CHECK_THAT(error.hint(), Catch::Contains("rolled back and nothing of it was recorded"));
  CHECK(run.server.executed.empty());
  CHECK(run.server.state.revisions.empty());
}

TEST_CASE("Executor: a lock timeout is retried with growing backoff, then the revision applies") {
  Run run;
  run.server.failures.push_back({"CREATE TABLE a", "55P03", 2});
  run.upgrade({sql_file("r1", "", k_two_tables)});
  REQUIRE(run.reporter.retries.size() == 2);
  CHECK(run.reporter.retries[0].attempt == 1);
  CHECK(run.reporter.retries[1].attempt == 2);
  CHECK(run.reporter.retries[0].backoff >= std::chrono::milliseconds(100));
  CHECK(run.reporter.retries[1].backoff >= std::chrono::milliseconds(200));
  CHECK(run.clock.slept() >= std::chrono::milliseconds(300));
  CHECK(run.record("r1"));
}

TEST_CASE(
    "Executor: when retries run out, nothing of the step applied and the error says what to do") {
  Run run;
  run.options.retries = 2;
  run.server.failures.push_back({"CREATE TABLE a", "55P03"});
  auto error = error_from<DatabaseError>([&] { run.upgrade({sql_file("r1", "", k_two_tables)}); });
  CHECK_THAT(error.what(),
             Catch::Contains("could not get a lock within lock_timeout 500ms after 3 attempts"));
  CHECK_THAT(error.hint(), Catch::StartsWith("nothing of this step was applied"));
  CHECK(run.reporter.retries.size() == 2);
  CHECK(run.server.state.revisions.empty());
}

TEST_CASE("Executor: the retry deadline stops retrying before the retries run out") {
  Run run;
  run.options.retry_deadline = std::chrono::milliseconds(250);
  run.server.failures.push_back({"CREATE TABLE a", "55P03"});
  CHECK_THROWS_AS(run.upgrade({sql_file("r1", "", k_two_tables)}), DatabaseError);
  CHECK(run.reporter.retries.size() == 1);
}

namespace {

// The statements that ran, without the checks that indexes built concurrently are valid.
std::vector<std::string> without_index_checks(const std::vector<std::string>& executed) {
  std::vector<std::string> statements;
  for (const auto& sql : executed)
    if (sql.find("is INVALID") == std::string::npos) statements.push_back(sql);
  return statements;
}

}  // namespace

TEST_CASE(
    "Executor: a non-transactional revision is marked in progress, then runs statement by "
    "statement") {
  Run run;
  run.upgrade({no_transaction_file("r1")});
  CHECK(without_index_checks(run.server.executed) ==
        std::vector<std::string>{"SET lock_timeout = '500ms'", "SET statement_timeout = '0ms'",
                                 "CREATE INDEX CONCURRENTLY a_idx ON a (id)",
                                 "SET lock_timeout = '500ms'", "SET statement_timeout = '0ms'",
                                 "CREATE INDEX CONCURRENTLY b_idx ON b (id)"});
  // Before the revision is recorded, each index it built concurrently is checked valid.
  REQUIRE(run.server.executed.size() == 8);
  CHECK_THAT(run.server.executed[6],
             Catch::Contains("to_regclass('\"a_idx\"') AND NOT indisvalid"));
  CHECK_THAT(run.server.executed[7],
             Catch::Contains("to_regclass('\"b_idx\"') AND NOT indisvalid"));
  REQUIRE(run.record("r1"));
  CHECK(run.record("r1")->phase == AppliedPhase::complete);
  CHECK(run.record("r1")->steps_done == 0);
}

TEST_CASE(
    "Executor: an interrupted non-transactional revision is refused, resumed or skipped as asked") {
  auto interrupted = [](Run& run) {
    run.server.failures.push_back({"b_idx", "57014", 1});
    CHECK_THROWS_AS(run.upgrade({no_transaction_file("r1")}), DatabaseError);
    REQUIRE(run.record("r1"));
    CHECK(run.record("r1")->phase == AppliedPhase::in_progress);
    CHECK(run.record("r1")->steps_done == 1);
    run.server.executed.clear();
  };
  SECTION("a statement the server refused runs again by itself: it took no effect") {
    Run run;
    interrupted(run);
    CHECK_THAT(run.record("r1")->note, Catch::StartsWith("failed at step 2: "));
    run.upgrade({no_transaction_file("r1")});
    CHECK_THAT(run.reporter.infos,
               Catch::VectorContains(std::string(
                   "r1.sql:7: this statement failed on the last run, so it took no effect; "
                   "running it again")));
    CHECK(run.record("r1")->phase == AppliedPhase::complete);
  }
  SECTION("killed mid-statement, it is refused, naming the statement to check") {
    Run run;
    interrupted(run);
    // A run killed during the statement leaves no note that it failed.
    run.server.state.revisions[0].note.clear();
    auto error = error_from<migrate::Error>([&] { run.upgrade({no_transaction_file("r1")}); });
    CHECK_THAT(error.what(),
               Catch::StartsWith("revision r1 was interrupted: 1 of its 2 statements completed; "
                                 "statement 2 at r1.sql:7"));
    CHECK_THAT(error.hint(), Catch::Contains("migrate upgrade --resume"));
    CHECK(run.server.executed.empty());
  }
  SECTION("resumed: the interrupted statement runs again") {
    Run run;
    interrupted(run);
    run.options.interrupted = Interrupted::resume;
    run.upgrade({no_transaction_file("r1")});
    CHECK(without_index_checks(run.server.executed).back() ==
          "CREATE INDEX CONCURRENTLY b_idx ON b (id)");
    CHECK(run.record("r1")->phase == AppliedPhase::complete);
  }
  SECTION("skipped: the interrupted statement is taken as done") {
    Run run;
    interrupted(run);
    run.options.interrupted = Interrupted::skip;
    run.upgrade({no_transaction_file("r1")});
    CHECK(without_index_checks(run.server.executed).empty());
    CHECK(run.record("r1")->phase == AppliedPhase::complete);
  }
}

TEST_CASE("Executor: a backfill walks the table in batches and resumes where it stopped") {
  Run run;
  run.server.tables["public.users"] = {{"id"}, 2500};
  run.options.backfill_batch = 1000;
  run.server.failures.push_back({"backfill public.users", "57014", 1, 1});
  CHECK_THROWS_AS(run.upgrade({backfill_file("r1")}), DatabaseError);
  CHECK(run.record("r1")->phase == AppliedPhase::in_progress);
  REQUIRE(run.server.state.backfills.size() == 1);
  CHECK(run.server.state.backfills.begin()->second.rows_done == 1000);

  run.upgrade({backfill_file("r1")});
  CHECK_THAT(
      run.reporter.infos,
      Catch::VectorContains(std::string("resuming the backfill of public.users after 1000 rows")));
  std::vector<std::string> batches;
  for (const auto& sql : run.server.executed)
    if (sql.rfind("backfill ", 0) == 0) batches.push_back(sql);
  CHECK(batches == std::vector<std::string>{"backfill public.users 1..1000",
                                            "backfill public.users 1001..2000",
                                            "backfill public.users 2001..2500"});
  CHECK(run.reporter.backfill.back() == "public.users 1500/1500 done");
  CHECK(run.record("r1")->phase == AppliedPhase::expanded);
  CHECK(run.server.state.backfills.empty());  // cleared when the revision finished
}

TEST_CASE("Executor: --batch-time sizes each backfill batch by the rate of those before") {
  // One row per millisecond: the clock advances as the batch's rows.
  struct TimedDatabase : MemoryDatabase {
    TimedDatabase(MemoryServer& server, FakeClock& clock)
        : MemoryDatabase(server), m_clock(clock) {}
    migrate::engine::BackfillBatchResult run_backfill_batch(
        const migrate::engine::BackfillBatch& batch) override {
      auto result = MemoryDatabase::run_backfill_batch(batch);
      m_clock.sleep(std::chrono::milliseconds(result.picked));
      return result;
    }
    FakeClock& m_clock;
  };
  Run run;
  TimedDatabase db(run.server, run.clock);
  run.server.tables["public.users"] = {{"id"}, 1000};
  run.options.backfill_batch = 10;
  run.options.backfill_time = std::chrono::milliseconds(100);
  RevisionGraph graph = migrate::core::load_revisions({backfill_file("r1")});
  auto plan = migrate::core::plan_upgrade(graph, {}, "");
  Executor(db, run.reporter, run.clock, run.options).run(graph, plan, {});
  std::vector<std::string> batches;
  for (const auto& sql : run.server.executed)
    if (sql.rfind("backfill ", 0) == 0) batches.push_back(sql);
  REQUIRE(batches.size() >= 5);
  CHECK(batches[0] == "backfill public.users 1..10");
  CHECK(batches[1] == "backfill public.users 11..30");    // twice the first
  CHECK(batches[2] == "backfill public.users 31..70");    // and again
  CHECK(batches[3] == "backfill public.users 71..150");   // 80 rows
  CHECK(batches[4] == "backfill public.users 151..250");  // the target: 100 rows in 100 ms
  CHECK(run.record("r1")->phase == AppliedPhase::expanded);
  CHECK(run.reporter.backfill.back() == "public.users 1000/1000 done");
}

TEST_CASE("Executor: a backfill of a table without a primary key is refused before anything runs") {
  Run run;
  run.server.tables["public.users"] = {{}, 10};
  auto error = error_from<migrate::Error>([&] { run.upgrade({backfill_file("r1")}); });
  CHECK_THAT(error.what(), Catch::Contains("table public.users has no primary key"));
  CHECK(run.server.executed.empty());
  CHECK(run.server.state.revisions.empty());
}

TEST_CASE("Executor: a signal stops the run cleanly between revisions") {
  Run run;
  migrate::engine::g_interrupted = true;
  auto error = error_from<migrate::Error>([&] { run.upgrade({sql_file("r1", "", k_two_tables)}); });
  migrate::engine::g_interrupted = false;
  CHECK(error.code() == migrate::ExitCode::interrupted);
  CHECK(run.server.state.revisions.empty());
}

TEST_CASE("Executor: the holder's heartbeat stays alive through long backoffs") {
  struct CountingDatabase : MemoryDatabase {
    using MemoryDatabase::MemoryDatabase;
    void heartbeat() override { ++beats; }
    int beats = 0;
  };
  Run run;
  CountingDatabase db(run.server);
  run.server.failures.push_back({"CREATE TABLE a", "55P03", 6});
  migrate::core::RevisionGraph graph =
      migrate::core::load_revisions({sql_file("r1", "", k_two_tables)});
  auto plan = migrate::core::plan_upgrade(graph, {}, "");
  Executor(db, run.reporter, run.clock, run.options).run(graph, plan, {});
  // 100 + 200 + 400 + 800 + 1600 + 3200 ms of backoff, and more with jitter: over 5 s.
  CHECK(db.beats >= 1);
  CHECK(run.server.find("r1"));
}
