// The fleet runner over the in-memory twin: one MemoryServer per target,
// waves, the stop policy, skipped targets, the summary and its exit code.
#include "commands/fleet.hpp"

#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "commands/commands.hpp"
#include "core/revisions/revision_loader.hpp"
#include "engine/interruption.hpp"
#include "support/command_fakes.hpp"
#include "support/engine_fakes.hpp"
#include "support/memory_database.hpp"
#include "support/test_helpers.hpp"

using migrate::commands::Environment;
using migrate::commands::FleetKind;
using migrate::commands::FleetOptions;
using migrate::testing::FakeClock;
using migrate::testing::MemoryDatabase;
using migrate::testing::MemoryServer;
using migrate::testing::NoPrompt;
using migrate::testing::RecordingReporter;

namespace {

// Targets t1..tN, each its own twin server; "down" names one that cannot be reached.
struct Fleet {
  std::map<std::string, MemoryServer> servers;
  RecordingReporter reporter;
  FakeClock clock;
  NoPrompt prompt;
  std::ostringstream out;
  std::vector<migrate::core::SourceFile> files = {migrate::test::sql_file("r1"),
                                                  migrate::test::sql_file("r2", "r1")};
  FleetOptions options;

  explicit Fleet(int count) {
    for (int i = 1; i <= count; ++i) {
      std::string name = "t" + std::to_string(i);
      servers[name];
      options.targets.push_back({name, "postgresql://h/" + name, "", "", i});
    }
    options.parallel = 1;
  }

  Environment environment(const std::string& command, bool json = false) {
    migrate::commands::Settings settings;
    settings.command = command;
    settings.dir = "migrations";
    settings.schema = "migrate";
    settings.json = json;
    return Environment(
        settings,
        {[this] { return migrate::core::load_revisions(files); },
         [](const std::string& spec) -> migrate::core::Release {
           throw migrate::Error(migrate::ExitCode::usage, "no release here: " + spec);
         },
         []() -> std::unique_ptr<migrate::engine::Database> {
           throw migrate::Error(migrate::ExitCode::usage, "no single database in a fleet run");
         },
         [](const std::string& flag) { return flag; },
         reporter,
         out,
         migrate::report::Style{},
         prompt,
         clock,
         {},
         [this](const std::string& url,
                const std::string&) -> std::unique_ptr<migrate::engine::Database> {
           std::string name = url.substr(url.rfind('/') + 1);
           if (name == "down")
             throw migrate::Error(migrate::ExitCode::runtime,
                                  "cannot connect to postgresql://h/down: connection refused");
           return std::make_unique<MemoryDatabase>(servers.at(name));
         }});
  }

  int upgrade(bool json = false) {
    auto env = environment("upgrade", json);
    migrate::commands::UpgradeOptions upgrade;
    upgrade.run.lock_wait = "1s";
    return migrate::commands::run_fleet(env, options, FleetKind::apply, [upgrade](Environment& e) {
      return migrate::commands::run_upgrade(e, upgrade);
    });
  }

  // The database holds r1, r2 and r9, a revision these files do not know.
  void unknown_on(const std::string& name) {
    auto saved = options.targets;
    options.targets = {{name, "postgresql://h/" + name, "", "", 1}};
    files.push_back(migrate::test::sql_file("r9", "r2"));
    REQUIRE(upgrade() == 0);
    files.pop_back();
    options.targets = saved;
    out.str("");
  }
};

}  // namespace

TEST_CASE("run_fleet: upgrades every target, each with its own state, and exits 0") {
  Fleet fleet(3);
  fleet.options.parallel = 3;
  CHECK(fleet.upgrade() == 0);
  for (auto& [name, server] : fleet.servers) {
    CHECK(server.state.revisions.size() == 2);
    CHECK(server.lock_pid == 0);
  }
  CHECK_THAT(fleet.out.str(), Catch::Contains("TARGET  RESULT  REVISIONS  DURATION  DETAIL\n"
                                              "t1      ok      2"));
  CHECK_THAT(fleet.out.str(), Catch::EndsWith("3 targets: 3 succeeded, 0 failed, 0 skipped\n"));
}

TEST_CASE("run_fleet: a canary failure stops the run; the others are skipped and untouched") {
  Fleet fleet(5);
  fleet.unknown_on("t1");
  fleet.options.canary = 1;
  fleet.options.max_failures = 3;  // the canary tolerates none
  CHECK(fleet.upgrade() == static_cast<int>(migrate::ExitCode::unknown_revisions));
  for (const char* name : {"t2", "t3", "t4", "t5"})
    CHECK(fleet.servers[name].state.revisions.empty());
  CHECK_THAT(fleet.out.str(), Catch::Contains("t1      failed (exit 3)  -"));
  CHECK_THAT(fleet.out.str(), Catch::Contains("t5      skipped          -"));
  CHECK_THAT(fleet.out.str(),
             Catch::EndsWith("5 targets: 0 succeeded, 1 failed, 4 skipped; stopped after the "
                             "canary wave: 1 of 1 failed\n"));
  // Its block on stderr names the target and the refusal.
  REQUIRE(!fleet.reporter.infos.empty());
  CHECK_THAT(fleet.reporter.infos.back(),
             Catch::StartsWith("--- t1 (postgresql://h/t1): failed (exit 3)"));
  CHECK_THAT(fleet.reporter.infos.back(), Catch::Contains("error: "));
}

TEST_CASE("run_fleet: --max-failures tolerates failures; one more stops after that wave") {
  Fleet fleet(6);  // waves: 1 canary, then 2, 2, 1 (40%)
  fleet.options.canary = 1;
  fleet.options.wave_percent = 40;
  fleet.options.targets[1].url = "postgresql://h/down";  // t2, in wave 2
  fleet.unknown_on("t3");                                // t3, in wave 2
  fleet.options.max_failures = 1;
  CHECK(fleet.upgrade(true) == static_cast<int>(migrate::ExitCode::unknown_revisions));
  auto json = nlohmann::json::parse(fleet.out.str());
  CHECK(json["succeeded"] == 1);
  CHECK(json["failed"] == 2);
  CHECK(json["skipped"] == 3);
  CHECK(json["exit_code"] == 3);
  CHECK(json["stopped"] == "stopped after wave 2 of 4: 2 failures, more than --max-failures 1");
  CHECK(json["targets"][0]["revisions"] == nlohmann::json{"r1", "r2"});
  CHECK(json["targets"][1]["state"] == "failed");
  CHECK(json["targets"][1]["error"]["exit_code"] == 1);
  CHECK(json["targets"][1]["error"]["message"] ==
        "cannot connect to postgresql://h/down: connection refused");
  CHECK(json["targets"][1]["error"]["hint"] ==
        "check target 't2' (line 2 of the targets file) and that its server is running; the "
        "other targets are not affected");
  CHECK(json["targets"][3]["state"] == "skipped");
  CHECK(json["targets"][3]["wave"] == 0);

  fleet.out.str("");
  fleet.options.max_failures = 2;
  CHECK(fleet.upgrade(true) == static_cast<int>(migrate::ExitCode::unknown_revisions));
  json = nlohmann::json::parse(fleet.out.str());
  CHECK(json["succeeded"] == 4);
  CHECK(json["skipped"] == 0);
  CHECK(json["stopped"].is_null());
}

TEST_CASE("run_fleet: a held lock fails that target with exit 5 and leaves the others alone") {
  Fleet fleet(3);
  MemoryDatabase holder(fleet.servers["t2"]);
  holder.create_state();
  REQUIRE(holder.try_lock());
  fleet.options.max_failures = 1;
  CHECK(fleet.upgrade() == static_cast<int>(migrate::ExitCode::lock_not_acquired));
  CHECK(fleet.servers["t1"].state.revisions.size() == 2);
  CHECK(fleet.servers["t2"].state.revisions.empty());
  CHECK(fleet.servers["t3"].state.revisions.size() == 2);
}

TEST_CASE("run_fleet: after a signal no target starts; the run exits 130 and lists them skipped") {
  Fleet fleet(3);
  auto env = fleet.environment("upgrade");
  migrate::commands::UpgradeOptions upgrade;
  int code =
      migrate::commands::run_fleet(env, fleet.options, FleetKind::apply, [&](Environment& e) {
        int result = migrate::commands::run_upgrade(e, upgrade);
        migrate::engine::g_interrupted = true;
        return result;
      });
  migrate::engine::g_interrupted = false;
  CHECK(code == 130);
  CHECK(fleet.servers["t1"].state.revisions.size() == 2);
  CHECK(fleet.servers["t2"].state.revisions.empty());
  CHECK_THAT(fleet.out.str(),
             Catch::EndsWith("3 targets: 1 succeeded, 0 failed, 2 skipped; interrupted: no target "
                             "was started after the signal\n"));
}

TEST_CASE("run_fleet: status shows head, pending, unknown and lock per database") {
  Fleet fleet(3);
  fleet.options.targets.pop_back();
  REQUIRE(fleet.upgrade() == 0);
  fleet.options.targets.push_back({"t3", "postgresql://h/t3", "", "", 3});
  fleet.unknown_on("t3");
  fleet.out.str("");
  auto env = fleet.environment("status");
  CHECK(migrate::commands::run_fleet(env, fleet.options, FleetKind::status, [](Environment& e) {
          return migrate::commands::run_status(e, {});
        }) == 3);
  CHECK(fleet.out.str() ==
        "TARGET  HEAD  PENDING  UNKNOWN  LOCK  RESULT\n"
        "t1      r2    0        0        free  ok\n"
        "t2      r2    0        0        free  ok\n"
        "t3      r9    0        1        free  failed (exit 3): the database holds revisions the "
        "files do not know\n"
        "3 targets: 2 succeeded, 1 failed, 0 skipped\n");
}

TEST_CASE("run_fleet: --parallel 0 is a usage error") {
  Fleet fleet(1);
  fleet.options.parallel = 0;
  auto error = migrate::test::error_from<migrate::Error>([&] { fleet.upgrade(); });
  CHECK(error.code() == migrate::ExitCode::usage);
  CHECK(std::string(error.what()) == "--parallel 0: at least one connection at a time is needed");
}
