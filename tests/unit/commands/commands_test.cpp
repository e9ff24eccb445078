// Commands over the Environment's seams, without PostgreSQL: the in-memory
// twin stands for the database, a string stream for stdout.
#include "commands/commands.hpp"

#include <sstream>

#include "core/revisions/revision_loader.hpp"
#include "support/engine_fakes.hpp"
#include "support/memory_database.hpp"
#include "support/test_helpers.hpp"

using migrate::commands::Environment;
using migrate::commands::Settings;
using migrate::core::AppliedPhase;
using migrate::testing::FakeClock;
using migrate::testing::MemoryDatabase;
using migrate::testing::MemoryServer;
using migrate::testing::RecordingReporter;

namespace {

class NoPrompt : public migrate::commands::Prompt {
 public:
  bool interactive() const override { return false; }
  bool confirm(const std::string&) override { return false; }
};

// The files r1 <- r2 <- r3, a twin database, and an Environment over both.
struct World {
  MemoryServer server;
  RecordingReporter reporter;
  FakeClock clock;
  NoPrompt prompt;
  std::ostringstream out;
  std::vector<migrate::core::SourceFile> files = {migrate::test::sql_file("r1"),
                                                  migrate::test::sql_file("r2", "r1"),
                                                  migrate::test::sql_file("r3", "r2")};

  Environment environment(const std::string& command) {
    Settings settings;
    settings.command = command;
    settings.dir = "migrations";
    settings.schema = "migrate";
    settings.database_given = true;
    settings.database_display = "memory";
    return Environment(settings, {[this] { return migrate::core::load_revisions(files); },
                                  [this] { return std::make_unique<MemoryDatabase>(server); },
                                  [](const std::string& flag) { return flag; }, reporter, out,
                                  migrate::report::Style{}, prompt, clock});
  }
};

}  // namespace

TEST_CASE(
    "run_upgrade: applies every pending revision through the seams and says where the database "
    "is") {
  World world;
  auto env = world.environment("upgrade");
  migrate::commands::UpgradeOptions options;
  CHECK(migrate::commands::run_upgrade(env, options) == 0);
  REQUIRE(world.server.state.revisions.size() == 3);
  CHECK(world.server.find("r3")->phase == AppliedPhase::complete);
  CHECK_THAT(world.out.str(), Catch::StartsWith("Upgraded 3 revisions in "));
  CHECK_THAT(world.out.str(), Catch::EndsWith("; the database is at r3.\n"));
  CHECK(world.server.lock_pid == 0);  // released
}

TEST_CASE("run_status: a revision the files do not know exits 3 and is named") {
  World world;
  auto env = world.environment("upgrade");
  migrate::commands::UpgradeOptions options;
  REQUIRE(migrate::commands::run_upgrade(env, options) == 0);
  world.files.pop_back();  // this checkout lacks r3
  world.out.str("");
  auto status = world.environment("status");
  CHECK(migrate::commands::run_status(status) ==
        static_cast<int>(migrate::ExitCode::unknown_revisions));
  CHECK_THAT(world.out.str(),
             Catch::Contains("UNKNOWN    1 revision in the database that the files do not know"));
  CHECK_THAT(world.out.str(), Catch::Contains("r3"));
}

TEST_CASE("run_upgrade: a standby is refused before the lock; status says it is one") {
  World world;
  world.server.standby = true;
  auto env = world.environment("upgrade");
  migrate::commands::UpgradeOptions options;
  auto error = migrate::test::error_from<migrate::Error>(
      [&] { migrate::commands::run_upgrade(env, options); });
  CHECK(error.code() == migrate::ExitCode::runtime);
  CHECK_THAT(error.what(), Catch::Contains("is a standby"));
  CHECK_THAT(error.hint(), Catch::Contains("target_session_attrs=read-write"));
  CHECK(world.server.executed.empty());
  CHECK(world.server.lock_pid == 0);
  auto status = world.environment("status");
  migrate::commands::run_status(status);
  CHECK_THAT(world.out.str(), Catch::Contains("(a standby: read-only)"));
}

TEST_CASE("run_upgrade: refuses unknown revisions before writing anything (exit 3)") {
  World world;
  auto env = world.environment("upgrade");
  migrate::commands::UpgradeOptions options;
  REQUIRE(migrate::commands::run_upgrade(env, options) == 0);
  world.files.pop_back();
  world.server.executed.clear();
  auto again = world.environment("upgrade");
  auto error = migrate::test::error_from<migrate::Error>(
      [&] { migrate::commands::run_upgrade(again, options); });
  CHECK(error.code() == migrate::ExitCode::unknown_revisions);
  CHECK(world.server.executed.empty());
  CHECK(world.server.lock_pid == 0);
}

TEST_CASE("run_lock_clear: a session that is not migrate's is named and needs --force") {
  World world;
  MemoryDatabase holder(world.server);
  holder.create_state();
  world.server.application_names[holder.pid()] = "psql";
  REQUIRE(holder.try_lock());
  auto env = world.environment("lock clear");
  migrate::commands::LockClearOptions options;
  options.yes = true;
  auto error = migrate::test::error_from<migrate::Error>(
      [&] { migrate::commands::run_lock_clear(env, options); });
  CHECK(error.code() == migrate::ExitCode::runtime);
  CHECK_THAT(error.what(), Catch::Contains("(psql, "));
  CHECK_THAT(error.what(), Catch::Contains("is not a migrate run"));
  CHECK_THAT(error.hint(), Catch::Contains("--force"));
  CHECK(world.server.lock_pid == holder.pid());
  options.force = true;
  CHECK(migrate::commands::run_lock_clear(env, options) == 0);
  CHECK(world.server.lock_pid == 0);
}

TEST_CASE("run_lock_clear: off a terminal, it asks for --yes and terminates nothing") {
  World world;
  MemoryDatabase holder(world.server);
  holder.create_state();
  REQUIRE(holder.try_lock());
  auto env = world.environment("lock clear");
  migrate::commands::LockClearOptions options;
  auto error = migrate::test::error_from<migrate::Error>(
      [&] { migrate::commands::run_lock_clear(env, options); });
  CHECK(error.code() == migrate::ExitCode::usage);
  CHECK(std::string(error.what()) == "lock clear needs confirmation");
  CHECK(world.server.lock_pid == holder.pid());
}
