// MigrationLock's policy against the in-memory twin and a fake clock: waiting
// and polling, the report of the holder, giving up with exit 5, refusing a
// transaction-pooling proxy, and releasing the lock at the end of the scope.
#include "engine/migration_lock.hpp"
#include "support/engine_fakes.hpp"
#include "support/memory_database.hpp"
#include "support/test_helpers.hpp"

using migrate::ExitCode;
using migrate::engine::LockOptions;
using migrate::engine::MigrationLock;
using migrate::test::error_from;
using migrate::testing::FakeClock;
using migrate::testing::MemoryDatabase;
using migrate::testing::MemoryServer;
using migrate::testing::RecordingReporter;

TEST_CASE(
    "MigrationLock: takes a free lock at once, records the holder, and releases it at the end of "
    "its scope") {
  MemoryServer server;
  MemoryDatabase db(server), other(server);
  db.create_state();
  RecordingReporter reporter;
  FakeClock clock;
  LockOptions options;
  options.holder = {"ci-runner-7", "upgrade", "github 42"};
  {
    MigrationLock lock(db, reporter, clock, options);
    auto holder = other.lock_holder();
    REQUIRE(holder.has_value());
    CHECK(holder->session.pid == db.pid());
    CHECK(holder->host == "ci-runner-7");
    CHECK(clock.sleeps() == 0);
  }
  CHECK_FALSE(other.lock_holder().has_value());
}

TEST_CASE(
    "MigrationLock: waits with growing pauses, reports the holder, then gives up with exit 5") {
  MemoryServer server;
  MemoryDatabase holder(server), db(server);
  REQUIRE(holder.try_lock());
  RecordingReporter reporter;
  FakeClock clock;
  LockOptions options;
  options.wait = std::chrono::seconds(12);
  auto error =
      error_from<migrate::Error>([&] { MigrationLock lock(db, reporter, clock, options); });
  CHECK(error.code() == ExitCode::lock_not_acquired);
  CHECK_THAT(
      error.what(),
      Catch::StartsWith("the migration lock was not acquired within 12.0s: it is held by pid " +
                        std::to_string(holder.pid())));
  CHECK_THAT(error.hint(), Catch::Contains("migrate lock clear"));
  CHECK(clock.slept() == std::chrono::seconds(12));
  // Polls 20, 40, 80 ... ms, at most a second apart: about twenty tries in 12 s, not 600.
  CHECK(clock.sleeps() < 25);
  // Reports every 5 s: at 0, 5 and 10 s.
  CHECK(reporter.waits == std::vector<int>{holder.pid(), holder.pid(), holder.pid()});
}

TEST_CASE("MigrationLock: a lock released while waiting is taken") {
  struct ReleasingClock : FakeClock {
    MemoryDatabase* holder = nullptr;
    void sleep(std::chrono::milliseconds d) override {
      FakeClock::sleep(d);
      if (slept() >= std::chrono::seconds(3)) holder->unlock();
    }
  };
  MemoryServer server;
  MemoryDatabase holder(server), db(server);
  REQUIRE(holder.try_lock());
  RecordingReporter reporter;
  ReleasingClock clock;
  clock.holder = &holder;
  MigrationLock lock(db, reporter, clock, LockOptions{});
  CHECK(server.lock_pid == db.pid());
  CHECK(clock.slept() < std::chrono::seconds(5));
}

TEST_CASE(
    "MigrationLock: a connection through a proxy is refused before any lock is taken, with the "
    "advice") {
  MemoryServer server;
  server.pooled = true;
  MemoryDatabase db(server);
  RecordingReporter reporter;
  FakeClock clock;
  auto error =
      error_from<migrate::Error>([&] { MigrationLock lock(db, reporter, clock, LockOptions{}); });
  CHECK(error.code() == ExitCode::runtime);
  CHECK_THAT(error.what(), Catch::Contains("goes through a proxy"));
  CHECK_THAT(error.what(), Catch::Contains("took no lock"));
  CHECK_THAT(error.hint(), Catch::Contains("--lock-url"));
  CHECK_THAT(error.hint(), Catch::Contains("directly to PostgreSQL"));
  CHECK(server.lock_pid == 0);
}

TEST_CASE("MigrationLock: a signal while waiting stops with exit 130 and changes nothing") {
  struct SignallingClock : FakeClock {
    void sleep(std::chrono::milliseconds d) override {
      FakeClock::sleep(d);
      migrate::engine::g_interrupted = true;
    }
  };
  MemoryServer server;
  MemoryDatabase holder(server), db(server);
  REQUIRE(holder.try_lock());
  RecordingReporter reporter;
  SignallingClock clock;
  auto error =
      error_from<migrate::Error>([&] { MigrationLock lock(db, reporter, clock, LockOptions{}); });
  migrate::engine::g_interrupted = false;
  CHECK(error.code() == ExitCode::interrupted);
  CHECK(server.lock_pid == holder.pid());
}

TEST_CASE("MigrationLock: a lock cleared meanwhile is said so at the end, not taken for released") {
  MemoryServer server;
  MemoryDatabase db(server), other(server);
  RecordingReporter reporter;
  FakeClock clock;
  {
    MigrationLock lock(db, reporter, clock, LockOptions{});
    REQUIRE(other.terminate(db.pid()));
  }
  REQUIRE(reporter.warnings.size() == 1);
  CHECK_THAT(reporter.warnings[0], Catch::Contains("no longer held by this session"));
}
