// --lock-url's routing: the lock, the holder row and lock clear on the lock
// connection (which must be direct), everything else on the main one; the two
// must reach one database; a step outside a transaction never runs through a
// proxy. Against the in-memory twin.
#include "engine/lock_routed_database.hpp"

#include "engine/migration_lock.hpp"
#include "support/engine_fakes.hpp"
#include "support/memory_database.hpp"
#include "support/test_helpers.hpp"

using migrate::ExitCode;
using migrate::engine::Batch;
using migrate::engine::LockOptions;
using migrate::engine::LockRoutedDatabase;
using migrate::engine::MigrationLock;
using migrate::test::error_from;
using migrate::testing::FakeClock;
using migrate::testing::MemoryDatabase;
using migrate::testing::MemoryServer;
using migrate::testing::RecordingReporter;

namespace {

struct Routed {
  MemoryServer server;
  MemoryDatabase* main = nullptr;
  MemoryDatabase* lock = nullptr;
  std::unique_ptr<LockRoutedDatabase> db;
  explicit Routed(bool main_through_proxy) {
    auto main_connection = std::make_unique<MemoryDatabase>(server);
    auto lock_connection = std::make_unique<MemoryDatabase>(server);
    main_connection->proxied = main_through_proxy;
    main = main_connection.get();
    lock = lock_connection.get();
    db = std::make_unique<LockRoutedDatabase>(std::move(main_connection),
                                              std::move(lock_connection));
  }
};

}  // namespace

TEST_CASE(
    "LockRoutedDatabase: the lock is held by the lock connection, the state is the main one's") {
  Routed routed(true);
  routed.db->create_state();
  RecordingReporter reporter;
  FakeClock clock;
  LockOptions options;
  options.holder = {"ci-runner-7", "upgrade", ""};
  {
    MigrationLock lock(*routed.db, reporter, clock, options);
    CHECK(routed.server.lock_pid == routed.lock->pid());
    auto holder = routed.main->lock_holder();
    REQUIRE(holder.has_value());
    CHECK(holder->host == "ci-runner-7");
    routed.db->run({{std::string("ALTER TABLE t ADD COLUMN c int")}, true});
    CHECK(routed.server.executed.size() == 1);
  }
  CHECK(routed.server.lock_pid == 0);
  CHECK(reporter.warnings.empty());
}

TEST_CASE(
    "LockRoutedDatabase: a step outside a transaction is refused through a proxy, run direct") {
  Batch concurrently{{std::string("CREATE INDEX CONCURRENTLY i ON t (c)")}, false};
  Routed proxied(true);
  auto error = error_from<migrate::engine::DatabaseError>([&] { proxied.db->run(concurrently); });
  CHECK(error.code() == ExitCode::runtime);
  CHECK_THAT(error.what(), Catch::Contains("cannot run through a proxy"));
  CHECK_THAT(error.server_hint(), Catch::Contains("direct --database-url"));
  CHECK(proxied.server.executed.empty());

  Routed direct(false);
  direct.db->run(concurrently);
  CHECK(direct.server.executed.size() == 1);
}

TEST_CASE("LockRoutedDatabase: a lock connection to another database is refused") {
  MemoryServer one, other;
  other.name = "database shop on another server";
  auto error = error_from<migrate::Error>([&] {
    LockRoutedDatabase db(std::make_unique<MemoryDatabase>(one),
                          std::make_unique<MemoryDatabase>(other));
  });
  CHECK(error.code() == ExitCode::runtime);
  CHECK_THAT(error.what(), Catch::Contains("--lock-url reaches database shop on another server"));
  CHECK_THAT(error.what(), Catch::Contains("would not guard this database"));
}

TEST_CASE("LockRoutedDatabase: a lock connection through a proxy is refused before locking") {
  MemoryServer server;
  auto lock_connection = std::make_unique<MemoryDatabase>(server);
  lock_connection->proxied = true;
  LockRoutedDatabase db(std::make_unique<MemoryDatabase>(server), std::move(lock_connection));
  RecordingReporter reporter;
  FakeClock clock;
  auto error =
      error_from<migrate::Error>([&] { MigrationLock lock(db, reporter, clock, LockOptions{}); });
  CHECK_THAT(error.what(), Catch::Contains("goes through a proxy"));
  CHECK(server.lock_pid == 0);
}
