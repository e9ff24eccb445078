// --wait: a database that is still starting is tried again until it answers
// or the wait is over; a failure that will not pass is not waited on.
#include "engine/connect_wait.hpp"

#include "core/connection_string.hpp"
#include "support/engine_fakes.hpp"
#include "support/memory_database.hpp"
#include "support/test_helpers.hpp"

using migrate::Error;
using migrate::ExitCode;
using migrate::engine::connect_waiting;
using migrate::testing::FakeClock;
using migrate::testing::MemoryDatabase;
using migrate::testing::MemoryServer;
using migrate::testing::RecordingReporter;
using std::chrono::milliseconds;

namespace {

const char* k_refused =
    "cannot connect to the database: connection to server at \"db\" (10.0.0.5), port 5432 "
    "failed: Connection refused";

}  // namespace

TEST_CASE("connect_waiting: retries a refused connection until the server answers") {
  MemoryServer server;
  FakeClock clock;
  RecordingReporter reporter;
  int attempts = 0;
  auto database = connect_waiting(
      [&]() -> std::unique_ptr<migrate::engine::Database> {
        if (++attempts < 4) throw Error(ExitCode::runtime, k_refused, "check the server");
        return std::make_unique<MemoryDatabase>(server);
      },
      clock, reporter, milliseconds(30000));
  CHECK(database != nullptr);
  CHECK(attempts == 4);
  CHECK(clock.slept() == milliseconds(1500));
  REQUIRE(reporter.infos.size() == 1);  // said once, not at every attempt
  CHECK_THAT(reporter.infos.front(),
             Catch::StartsWith("waiting up to 30.0s for the database to answer (cannot connect"));
}

TEST_CASE("connect_waiting: gives up when the wait is over, saying how long it waited") {
  FakeClock clock;
  RecordingReporter reporter;
  auto error = migrate::test::error_from<Error>([&] {
    connect_waiting(
        [&]() -> std::unique_ptr<migrate::engine::Database> {
          throw Error(ExitCode::runtime, k_refused, "check the server");
        },
        clock, reporter, milliseconds(2000));
  });
  CHECK(error.code() == ExitCode::runtime);
  CHECK(std::string(error.what()) == std::string("no answer after waiting 2.0s: ") + k_refused);
  CHECK(error.hint() == "the database did not answer within --wait 2.0s; check the server");
  CHECK(clock.slept() == milliseconds(2000));
}

TEST_CASE("connect_waiting: a refused password is not waited on") {
  FakeClock clock;
  RecordingReporter reporter;
  int attempts = 0;
  auto error = migrate::test::error_from<Error>([&] {
    connect_waiting(
        [&]() -> std::unique_ptr<migrate::engine::Database> {
          ++attempts;
          throw Error(ExitCode::runtime,
                      "cannot connect to the database: FATAL:  password authentication failed "
                      "for user \"app\"");
        },
        clock, reporter, milliseconds(60000));
  });
  CHECK(attempts == 1);
  CHECK(clock.sleeps() == 0);
  CHECK_THAT(error.what(), Catch::StartsWith("cannot connect to the database: FATAL:  password"));
}

TEST_CASE("connect_waiting: without --wait it tries once") {
  FakeClock clock;
  RecordingReporter reporter;
  int attempts = 0;
  CHECK_THROWS_AS(connect_waiting(
                      [&]() -> std::unique_ptr<migrate::engine::Database> {
                        ++attempts;
                        throw Error(ExitCode::runtime, k_refused);
                      },
                      clock, reporter, milliseconds(0)),
                  Error);
  CHECK(attempts == 1);
}

TEST_CASE("may_answer_later: a starting server's failures, not a refusal") {
  using migrate::core::may_answer_later;
  CHECK(may_answer_later("FATAL:  the database system is starting up"));
  CHECK(
      may_answer_later("connection to server on socket \"/s/.s.PGSQL.5432\" failed: No such "
                       "file or directory"));
  CHECK(
      may_answer_later("could not translate host name \"db\" to address: Name or service not "
                       "known"));
  CHECK_FALSE(may_answer_later("FATAL:  database \"app\" does not exist"));
  CHECK_FALSE(may_answer_later("FATAL:  password authentication failed for user \"app\""));
  CHECK_FALSE(may_answer_later("FATAL:  no pg_hba.conf entry for host \"10.0.0.7\""));
}
