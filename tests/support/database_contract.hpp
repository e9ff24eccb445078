// The contract every implementation of engine::Database passes: the in-memory
// twin in the unit tests, PgDatabase against a real PostgreSQL in the
// integration tests (golang-migrate's shared driver suite). A behaviour the
// engine relies on belongs here, so that the twin cannot drift from the server.
//
//   DATABASE_CONTRACT(MyFixture, "MemoryDatabase")
// defines one test case per clause for a fixture deriving from ContractFixture.
#pragma once

#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "core/revisions/checksum.hpp"
#include "core/revisions/revision.hpp"
#include "engine/database.hpp"
#include "engine/state_layout.hpp"

namespace migrate::testing {

class ContractFixture {
 public:
  virtual ~ContractFixture() = default;
  // A new session on the fixture's database.
  virtual std::unique_ptr<engine::Database> session() = 0;
  // public.<name> (id bigint PRIMARY KEY, v text) holding ids 1..rows, v NULL.
  virtual void create_table(const std::string& name, long long rows) = 0;
  // public.<name>() returning text, VOLATILE or STABLE.
  virtual void create_function(const std::string& name, bool is_volatile) = 0;
  // A statement the database refuses with SQLSTATE 22012 (division by zero).
  virtual std::string failing_statement() = 0;
};

namespace contract {

inline core::Revision revision(const std::string& id, std::vector<std::string> parents = {}) {
  core::Revision r;
  r.id = id;
  r.parents = std::move(parents);
  r.message = "revision " + id;
  r.path = "migrations/" + id + ".sql";
  r.content = "-- migrate:up\nSELECT '" + id + "';\n";
  return r;
}

inline const core::AppliedRevision* find(const std::vector<core::AppliedRevision>& applied,
                                         const std::string& id) {
  for (const auto& r : applied)
    if (r.id == id) return &r;
  return nullptr;
}

inline void fresh(ContractFixture& f) {
  auto db = f.session();
  CHECK_FALSE(db->state_layout().exists);
  CHECK(db->read_applied().empty());
  CHECK(db->read_content("a") == "");
  CHECK_FALSE(db->lock_holder().has_value());
  CHECK_FALSE(db->backfill_progress("a", 0).has_value());
  auto route = db->route();
  CHECK(route.direct());
  CHECK_FALSE(route.server.empty());
}

inline void create_state(ContractFixture& f) {
  auto db = f.session();
  db->create_state();
  db->create_state();  // idempotent
  auto layout = db->state_layout();
  CHECK(layout.exists);
  CHECK(layout.version == engine::k_state_layout_version);
  CHECK(f.session()->state_layout().exists);
}

inline void record_and_read(ContractFixture& f) {
  auto db = f.session();
  db->create_state();
  core::Revision a = revision("a"), b = revision("b", {"a"});
  db->run({{engine::state::Record{&a, core::AppliedPhase::complete, {"v1.0.0", "0.1.0"}, "", 12},
            engine::state::Record{&b, core::AppliedPhase::expanded, {"v1.0.0", "0.1.0"}, "a note"}},
           true});
  auto applied = f.session()->read_applied();
  REQUIRE(applied.size() == 2);
  const auto* rb = find(applied, "b");
  REQUIRE(rb);
  CHECK(rb->parents == std::vector<std::string>{"a"});
  CHECK(rb->message == "revision b");
  CHECK(rb->checksum == core::checksum(b.content));
  CHECK(rb->phase == core::AppliedPhase::expanded);
  CHECK(rb->source == "v1.0.0");
  CHECK(rb->tool_version == "0.1.0");
  CHECK(rb->path == "migrations/b.sql");
  CHECK(rb->note == "a note");
  CHECK(rb->content == "");  // read_applied leaves the content out
  CHECK(find(applied, "a")->duration_ms == 12);
  CHECK(db->read_content("b") == b.content);
}

// What status needs of each record, as read_applied() has it; the order is free.
inline void status_reads_agree_with_read_applied(ContractFixture& f) {
  auto db = f.session();
  db->create_state();
  core::Revision a = revision("a"), b = revision("b", {"a"}), c = revision("c", {"a", "b"});
  db->run({{engine::state::Record{&a, core::AppliedPhase::complete, {"v1", "0.1.0"}, "", 1},
            engine::state::Record{&b, core::AppliedPhase::expanded, {"v1", "0.1.0"}, ""},
            engine::state::MarkInProgress{&c, core::Phase::contract, 3, {"", "0.1.0"}}},
           true});
  auto reads = f.session()->read_status("migrate");
  auto full = f.session()->read_applied();
  REQUIRE(reads.applied.size() == 3);
  for (const auto& record : full) {
    const auto* read = find(reads.applied, record.id);
    REQUIRE(read);
    CHECK(read->parents == record.parents);
    CHECK(read->checksum == record.checksum);
    CHECK(read->phase == record.phase);
    CHECK(read->running_phase == record.running_phase);
    CHECK(read->steps_done == record.steps_done);
  }
  CHECK(find(reads.applied, "c")->running_phase == core::Phase::contract);
  CHECK(find(reads.applied, "c")->steps_done == 3);
}

// Many rows in one statement, each as a Record of its own would write it.
inline void record_many(ContractFixture& f) {
  auto db = f.session();
  db->create_state();
  core::Revision a = revision("a"), b = revision("b", {"a"}), c = revision("c", {"b"});
  db->run(
      {{engine::state::Record{&a, core::AppliedPhase::expanded, {"v0", "0.1.0"}, "old", 4}}, true});
  db->run({{engine::state::RecordMany{
               {&a, &b, &c}, core::AppliedPhase::complete, {"v2", "0.2.0"}, "stamped"}},
           true});
  auto applied = f.session()->read_applied();
  REQUIRE(applied.size() == 3);
  for (const char* id : {"a", "b", "c"}) {
    const auto* record = find(applied, id);
    REQUIRE(record);
    CHECK(record->phase == core::AppliedPhase::complete);
    CHECK(record->note == "stamped");
  }
  CHECK(find(applied, "c")->parents == std::vector<std::string>{"b"});
  CHECK(find(applied, "b")->checksum == core::checksum(b.content));
  CHECK(find(applied, "b")->source == "v2");
  CHECK(find(applied, "b")->tool_version == "0.2.0");
  CHECK(find(applied, "b")->duration_ms == 0);
  CHECK(find(applied, "a")->duration_ms == 4);  // the earlier row, updated
  CHECK(f.session()->read_content("c") == c.content);
}

inline void progress_phase_forget(ContractFixture& f) {
  auto db = f.session();
  db->create_state();
  core::Revision a = revision("a");
  db->run({{engine::state::MarkInProgress{&a, core::Phase::expand, 0, {"", "0.1.0"}}}, true});
  db->run({{engine::state::SetProgress{"a", 2}}, true});
  auto applied = db->read_applied();
  REQUIRE(applied.size() == 1);
  CHECK(applied[0].phase == core::AppliedPhase::in_progress);
  CHECK(applied[0].running_phase == core::Phase::expand);
  CHECK(applied[0].steps_done == 2);
  db->run({{engine::state::Record{&a, core::AppliedPhase::expanded, {"", "0.1.0"}, "", 5}}, true});
  applied = db->read_applied();
  CHECK(applied[0].phase == core::AppliedPhase::expanded);
  CHECK_FALSE(applied[0].running_phase.has_value());
  CHECK(applied[0].steps_done == 0);
  db->run({{engine::state::SetPhase{"a", core::AppliedPhase::complete}}, true});
  CHECK(db->read_applied()[0].phase == core::AppliedPhase::complete);
  db->run({{engine::state::Forget{"a"}}, true});
  CHECK(db->read_applied().empty());
}

inline void failed_transaction_changes_nothing(ContractFixture& f) {
  auto db = f.session();
  db->create_state();
  core::Revision a = revision("a");
  try {
    db->run({{"SELECT 1", engine::state::Record{&a, core::AppliedPhase::complete, {}, "", 0},
              f.failing_statement()},
             true});
    FAIL("the batch should fail");
  } catch (const engine::DatabaseError& error) {
    CHECK(error.sqlstate() == "22012");
    CHECK((error.statement() == 2 || error.statement() == -1));
  }
  CHECK(db->read_applied().empty());
  // The session is usable afterwards.
  db->run({{engine::state::Record{&a, core::AppliedPhase::complete, {}, "", 0}}, true});
  CHECK(db->read_applied().size() == 1);
}

inline void statement_by_statement(ContractFixture& f) {
  auto db = f.session();
  db->create_state();
  core::Revision a = revision("a");
  try {
    db->run({{engine::state::Record{&a, core::AppliedPhase::complete, {}, "", 0},
              f.failing_statement(), "SELECT 1"},
             false});
    FAIL("the batch should fail");
  } catch (const engine::DatabaseError& error) {
    CHECK(error.sqlstate() == "22012");
    CHECK(error.statement() == 1);
  }
  // What ran before the failing statement stays.
  CHECK(db->read_applied().size() == 1);
}

inline void state_changes_need_the_state(ContractFixture& f) {
  auto db = f.session();
  core::Revision a = revision("a");
  CHECK_THROWS_AS(
      db->run({{engine::state::Record{&a, core::AppliedPhase::complete, {}, "", 0}}, true}),
      engine::DatabaseError);
  CHECK_FALSE(db->state_layout().exists);
}

inline void one_lock_holder(ContractFixture& f) {
  auto first = f.session();
  auto second = f.session();
  auto taken = first->try_lock();
  REQUIRE(taken);
  CHECK(taken.proven);
  CHECK(taken.pid == first->route().backend_pid);
  CHECK(first->try_lock());  // held already by this session
  auto refused = second->try_lock();
  CHECK_FALSE(refused);
  CHECK_FALSE(refused.proven);
  auto holder = second->lock_holder();
  REQUIRE(holder.has_value());
  CHECK(holder->session.pid == first->route().backend_pid);
  CHECK_FALSE(holder->has_row);  // no state yet: no holder row
  CHECK(first->unlock());
  CHECK(first->unlock());
  CHECK_FALSE(first->unlock());  // not held any more: said so
  CHECK(second->try_lock());
  CHECK(second->unlock());
}

inline void lock_released_with_the_session(ContractFixture& f) {
  auto second = f.session();
  {
    auto first = f.session();
    REQUIRE(first->try_lock());
  }
  // PostgreSQL releases a session lock when the backend exits; give it a moment.
  bool taken = false;
  for (int i = 0; i < 100 && !taken; ++i) {
    taken = second->try_lock().taken;
    if (!taken) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  CHECK(taken);
}

inline void holder_row(ContractFixture& f) {
  auto db = f.session();
  db->write_holder({"host-a", "upgrade", "github 1"});  // no state: nothing to write
  db->create_state();
  REQUIRE(db->try_lock());
  db->write_holder({"host-a", "upgrade", "github 1"});
  db->heartbeat();
  auto holder = f.session()->lock_holder();
  REQUIRE(holder.has_value());
  CHECK(holder->has_row);
  CHECK(holder->host == "host-a");
  CHECK(holder->command == "upgrade");
  CHECK(holder->ci_job == "github 1");
  CHECK(holder->heartbeat_age_seconds >= 0);
  db->unlock();
  CHECK_FALSE(f.session()->lock_holder().has_value());
}

inline void catalog(ContractFixture& f) {
  auto db = f.session();
  f.create_table("things", 3);
  CHECK(db->table_exists({"public", "things"}));
  CHECK(db->primary_key({"public", "things"}) == std::vector<std::string>{"id"});
  CHECK_FALSE(db->table_exists({"public", "nothing"}));
  CHECK(db->primary_key({"public", "nothing"}).empty());
  CHECK_FALSE(db->index_is_invalid("\"public\".\"no_such_index\""));
}

inline void function_volatility(ContractFixture& f) {
  auto db = f.session();
  f.create_function("next_code", true);
  f.create_function("tenant_name", false);
  CHECK(db->volatile_functions(
            {"next_code", "public.next_code", "tenant_name", "nothing", "random"}) ==
        std::set<std::string>{"next_code", "public.next_code"});
  CHECK(db->volatile_functions({}).empty());
}

inline void backfill_in_batches(ContractFixture& f) {
  auto db = f.session();
  db->create_state();
  f.create_table("things", 10);
  engine::BackfillTarget target{{"public", "things"}, {"id"}, "v = 'x'", "v IS NULL"};
  auto range = db->backfill_range(target, {});
  CHECK(range.upper == std::vector<std::string>{"10"});
  CHECK(range.rows == 10);
  CHECK(db->backfill_range(target, {"7"}).rows == 3);
  engine::BackfillBatch batch;
  batch.revision = "a";
  batch.step = 1;
  batch.target = target;
  batch.upper = range.upper;
  batch.limit = 4;
  std::vector<long long> picked;
  for (int i = 0; i < 5; ++i) {
    auto result = db->run_backfill_batch(batch);
    picked.push_back(result.picked);
    if (result.picked == 0) break;
    batch.after = result.last_key;
    batch.rows_done += result.picked;
    auto progress = db->backfill_progress("a", 1);
    REQUIRE(progress.has_value());
    CHECK(progress->last_key == batch.after);
    CHECK(progress->rows_done == batch.rows_done);
    CHECK_FALSE(progress->finished);
  }
  CHECK(picked == std::vector<long long>{4, 4, 2, 0});
  CHECK(batch.after == std::vector<std::string>{"10"});
  db->run({{engine::state::SaveBackfill{"a", 1, batch.after, batch.rows_done, true}}, true});
  CHECK(db->backfill_progress("a", 1)->finished);
  db->run({{engine::state::ClearBackfill{"a"}}, true});
  CHECK_FALSE(db->backfill_progress("a", 1).has_value());
  CHECK(db->backfill_range({{"public", "things"}, {"id"}, "v = 'x'", ""}, {"10"}).rows == 0);
}

inline void empty_table_backfill(ContractFixture& f) {
  auto db = f.session();
  f.create_table("empty", 0);
  auto range = db->backfill_range({{"public", "empty"}, {"id"}, "v = 'x'", ""}, {});
  CHECK(range.rows == 0);
  CHECK(range.upper.empty());
}

}  // namespace contract
}  // namespace migrate::testing

#define MIGRATE_CONTRACT_CASE(Fixture, label, clause, text) \
  TEST_CASE_METHOD(Fixture, label ": " text) { migrate::testing::contract::clause(*this); }

#define DATABASE_CONTRACT(Fixture, label)                                                        \
  MIGRATE_CONTRACT_CASE(Fixture, label, fresh,                                                   \
                        "a new database has no state, nothing applied, the lock free")           \
  MIGRATE_CONTRACT_CASE(Fixture, label, create_state,                                            \
                        "create_state makes the current layout, idempotently")                   \
  MIGRATE_CONTRACT_CASE(Fixture, label, record_and_read,                                         \
                        "recorded revisions read back with their provenance")                    \
  MIGRATE_CONTRACT_CASE(Fixture, label, status_reads_agree_with_read_applied,                    \
                        "status reads what read_applied has of each record")                     \
  MIGRATE_CONTRACT_CASE(Fixture, label, record_many, "many records in one statement")            \
  MIGRATE_CONTRACT_CASE(Fixture, label, progress_phase_forget,                                   \
                        "in-progress marks, phases and forgetting")                              \
  MIGRATE_CONTRACT_CASE(Fixture, label, failed_transaction_changes_nothing,                      \
                        "a failing transactional batch changes nothing and names its statement") \
  MIGRATE_CONTRACT_CASE(Fixture, label, statement_by_statement,                                  \
                        "a non-transactional batch keeps what ran before the failing statement") \
  MIGRATE_CONTRACT_CASE(Fixture, label, state_changes_need_the_state,                            \
                        "state changes fail before create_state")                                \
  MIGRATE_CONTRACT_CASE(Fixture, label, one_lock_holder,                                         \
                        "one session at a time holds the migration lock")                        \
  MIGRATE_CONTRACT_CASE(Fixture, label, lock_released_with_the_session,                          \
                        "ending a session releases its lock")                                    \
  MIGRATE_CONTRACT_CASE(Fixture, label, holder_row,                                              \
                        "the holder row names host, command and CI job")                         \
  MIGRATE_CONTRACT_CASE(Fixture, label, catalog, "tables, primary keys and indexes by name")     \
  MIGRATE_CONTRACT_CASE(Fixture, label, function_volatility,                                     \
                        "VOLATILE user functions by name, built-in ones left out")               \
  MIGRATE_CONTRACT_CASE(Fixture, label, backfill_in_batches,                                     \
                        "a backfill walks its range in resumable batches")                       \
  MIGRATE_CONTRACT_CASE(Fixture, label, empty_table_backfill,                                    \
                        "an empty table has nothing to backfill")
