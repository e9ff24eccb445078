// Commands over the Environment's seams, without PostgreSQL: the in-memory
// twin stands for the database, a string stream for stdout.
#include "commands/commands.hpp"

#include <map>
#include <sstream>

#include "commands/endpoint_text.hpp"
#include "commands/json_document.hpp"
#include "core/revisions/revision_loader.hpp"
#include "support/command_fakes.hpp"
#include "support/engine_fakes.hpp"
#include "support/memory_database.hpp"
#include "support/test_helpers.hpp"

using migrate::commands::Environment;
using migrate::commands::Settings;
using migrate::core::AppliedPhase;
using migrate::testing::FakeClock;
using migrate::testing::MemoryDatabase;
using migrate::testing::MemoryServer;
using migrate::testing::NoPrompt;
using migrate::testing::RecordingReporter;

namespace {

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
  // Other releases' files, by the spec --for-release and --live-release name.
  std::map<std::string, std::vector<migrate::core::SourceFile>> releases;

  Environment environment(const std::string& command) {
    Settings settings;
    settings.command = command;
    settings.dir = "migrations";
    settings.schema = "migrate";
    settings.database_given = true;
    settings.database_display = "memory";
    return Environment(settings, {[this] { return migrate::core::load_revisions(files); },
                                  [this](const std::string& spec) {
                                    return migrate::core::Release{
                                        spec, spec,
                                        migrate::core::load_revisions(releases.at(spec))};
                                  },
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
  CHECK(migrate::commands::run_status(status, {}) ==
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
  migrate::commands::run_status(status, {});
  CHECK_THAT(world.out.str(), Catch::Contains("(a standby: read-only)"));
}

TEST_CASE("run_status: the server line names the host reached and whether TLS is in use") {
  World world;
  world.server.endpoint = {"db-b.internal", "5433", "TLSv1.3"};
  auto status = world.environment("status");
  migrate::commands::run_status(status, {});
  CHECK_THAT(world.out.str(),
             Catch::Contains("server     PostgreSQL 15.0 at db-b.internal:5433, TLS (TLSv1.3)\n"));
}

TEST_CASE("endpoint_text: host and port, TLS or not; a socket directory as such") {
  using migrate::commands::endpoint_text;
  CHECK(endpoint_text({"10.0.0.7", "5432", "TLSv1.3"}) == "10.0.0.7:5432, TLS (TLSv1.3)");
  CHECK(endpoint_text({"db", "5432", ""}) == "db:5432, no TLS");
  CHECK(endpoint_text({"/run/postgresql", "5432", ""}) == "socket /run/postgresql, port 5432");
  CHECK(endpoint_text({}).empty());
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

namespace {

// r1 <- r2, where r2 has a contract phase.
void with_contract(World& world) {
  world.files = {migrate::test::sql_file("r1"),
                 {"r2.sql", migrate::test::sql_text("r2", "r1", "SELECT 2;") +
                                "\n-- migrate:contract\nSELECT 3;\n"}};
}

}  // namespace

TEST_CASE("run_upgrade: says which revisions are left expanded and that contract comes next") {
  World world;
  with_contract(world);
  auto env = world.environment("upgrade");
  REQUIRE(migrate::commands::run_upgrade(env, {}) == 0);
  CHECK(world.server.find("r2")->phase == AppliedPhase::expanded);
  CHECK_THAT(world.out.str(),
             Catch::EndsWith("; the database is at r2.\nr2 is expanded: the old shape and the "
                             "triggers that keep both shapes in sync stay, so the previous "
                             "release keeps working.\nRun `migrate contract` once no instance of "
                             "it is left.\n"));
}

TEST_CASE("run_upgrade: --contract runs the contract phase of what it expanded") {
  World world;
  with_contract(world);
  auto env = world.environment("upgrade");
  migrate::commands::UpgradeOptions options;
  options.contract = true;
  REQUIRE(migrate::commands::run_upgrade(env, options) == 0);
  CHECK(world.server.find("r2")->phase == AppliedPhase::complete);
  CHECK(world.reporter.finished ==
        std::vector<std::string>{"r1:expand", "r2:expand", "r2:contract"});
  CHECK_THAT(world.out.str(), Catch::Contains("Upgraded 2 revisions in "));
  CHECK_THAT(world.out.str(), Catch::EndsWith("Contracted 1 revision: the old shape is gone.\n"));
}

TEST_CASE("run_upgrade: a draft it would apply is refused before anything is written") {
  World world;
  world.files.push_back(migrate::test::sql_file("r4", "r3", ""));
  auto env = world.environment("upgrade");
  auto error = migrate::test::error_from<migrate::InvalidFilesError>(
      [&] { migrate::commands::run_upgrade(env, {}); });
  CHECK(std::string(error.what()) ==
        "r4.sql:5: the 'up' section is empty, and `migrate upgrade` would apply it");
  CHECK(world.server.state.revisions.empty());
  CHECK(world.reporter.warnings.empty());  // the error says it, once
  // Up to the revision before the draft, upgrade goes on, and warns about it.
  migrate::commands::UpgradeOptions options;
  options.target = "r3";
  auto again = world.environment("upgrade");
  CHECK(migrate::commands::run_upgrade(again, options) == 0);
  CHECK(world.server.state.revisions.size() == 3);
  CHECK(world.reporter.warnings ==
        std::vector<std::string>{"r4.sql:5: the 'up' section is empty (a draft: write it before "
                                 "`migrate upgrade`, which refuses to apply it)"});
}

TEST_CASE("run_status: --exit-code exits 9 while revisions are pending, 0 once none is") {
  World world;
  migrate::commands::StatusOptions options;
  options.exit_code = true;
  auto status = world.environment("status");
  CHECK(migrate::commands::run_status(status, options) ==
        static_cast<int>(migrate::ExitCode::pending));
  CHECK(migrate::commands::run_status(status, {}) == 0);
  auto env = world.environment("upgrade");
  REQUIRE(migrate::commands::run_upgrade(env, {}) == 0);
  CHECK(migrate::commands::run_status(status, options) == 0);
}

TEST_CASE("run_current: the database heads, one a line, from the state alone") {
  World world;
  auto env = world.environment("upgrade");
  migrate::commands::UpgradeOptions options;
  options.target = "r2";
  REQUIRE(migrate::commands::run_upgrade(env, options) == 0);
  world.out.str("");
  world.files.clear();  // the files play no part
  auto current = world.environment("current");
  CHECK(migrate::commands::run_current(current) == 0);
  CHECK(world.out.str() == "r2\n");
}

TEST_CASE("run_upgrade: --contract with nothing pending contracts what an earlier run expanded") {
  World world;
  with_contract(world);
  auto env = world.environment("upgrade");
  REQUIRE(migrate::commands::run_upgrade(env, {}) == 0);
  world.out.str("");
  migrate::commands::UpgradeOptions options;
  options.contract = true;
  auto again = world.environment("upgrade");
  REQUIRE(migrate::commands::run_upgrade(again, options) == 0);
  CHECK(world.server.find("r2")->phase == AppliedPhase::complete);
  CHECK(world.out.str() == "Contracted 1 revision: the old shape is gone.\n");
}

TEST_CASE("run_upgrade: shows lint warnings as findings, which -q keeps") {
  World world;
  auto env = world.environment("upgrade");
  migrate::commands::UpgradeOptions options;
  REQUIRE(migrate::commands::run_upgrade(env, options) == 0);
  REQUIRE(world.reporter.findings.size() == 3);
  CHECK_THAT(world.reporter.findings[0], Catch::StartsWith("r1.sql:1: warning[missing-down]: "));
  for (const auto& info : world.reporter.infos) CHECK_THAT(info, !Catch::Contains("missing-down"));
}

TEST_CASE("run_lint: --pending checks only the revisions the database has not applied") {
  World world;
  auto env = world.environment("upgrade");
  migrate::commands::UpgradeOptions upgrade;
  REQUIRE(migrate::commands::run_upgrade(env, upgrade) == 0);
  world.files.push_back(migrate::test::sql_file("r4", "r3"));
  world.out.str("");
  auto lint = world.environment("lint");
  migrate::commands::LintOptions options;
  options.pending = true;
  CHECK(migrate::commands::run_lint(lint, options) == 0);
  CHECK_THAT(world.out.str(), Catch::StartsWith("r4.sql:1: warning[missing-down]: "));
  CHECK_THAT(world.out.str(),
             Catch::EndsWith("1 revision checked (pending only): 0 errors, 1 warning\n"));
  world.out.str("");
  options.pending = false;
  CHECK(migrate::commands::run_lint(lint, options) == 0);
  CHECK_THAT(world.out.str(), Catch::EndsWith("4 revisions checked: 0 errors, 4 warnings\n"));
}

TEST_CASE("run_lint: an unknown --format is a usage error") {
  World world;
  auto env = world.environment("lint");
  migrate::commands::LintOptions options;
  options.format = "gitlab";
  auto error =
      migrate::test::error_from<migrate::Error>([&] { migrate::commands::run_lint(env, options); });
  CHECK(error.code() == migrate::ExitCode::usage);
  CHECK(std::string(error.what()) == "unknown lint format 'gitlab'");
}

TEST_CASE("run_lock_clear: with --json, a free lock is a document saying nothing was cleared") {
  World world;
  auto settings_env = world.environment("lock clear");
  migrate::commands::Settings settings = settings_env.settings();
  settings.json = true;
  migrate::commands::Environment env(
      settings, {[&world] { return migrate::core::load_revisions(world.files); },
                 [](const std::string& spec) -> migrate::core::Release {
                   throw migrate::Error(migrate::ExitCode::usage, "no release here: " + spec);
                 },
                 [&world] { return std::make_unique<MemoryDatabase>(world.server); },
                 [](const std::string& flag) { return flag; }, world.reporter, world.out,
                 migrate::report::Style{}, world.prompt, world.clock});
  migrate::commands::LockClearOptions options;
  CHECK(migrate::commands::run_lock_clear(env, options) == 0);
  auto document = nlohmann::json::parse(world.out.str());
  CHECK(document["cleared"] == false);
  CHECK(document["held"] == false);
  CHECK(document["format_version"] == migrate::commands::k_json_format_version);
}

TEST_CASE("run_upgrade: a default calling a VOLATILE user function is a lint warning") {
  World world;
  world.server.volatile_functions = {"public.next_code"};
  world.files = {migrate::test::sql_file(
      "r1", "", "ALTER TABLE users ADD COLUMN code text DEFAULT next_code();\n-- migrate:down")};
  auto env = world.environment("upgrade");
  migrate::commands::UpgradeOptions options;
  REQUIRE(migrate::commands::run_upgrade(env, options) == 0);
  REQUIRE(world.reporter.findings.size() == 1);
  CHECK_THAT(world.reporter.findings[0],
             Catch::Contains("warning[add-column-volatile-default]: adding column "
                             "public.users.code with default next_code(), a VOLATILE function"));
}
