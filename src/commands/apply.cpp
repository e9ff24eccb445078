// upgrade, downgrade and contract: plan, then run through the executor.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>

#include "commands/preflight.hpp"
#include "core/checks/release_compatibility.hpp"
#include "core/duration.hpp"

namespace migrate::commands {

namespace {

using Planner = core::Plan (*)(const core::RevisionGraph&, const core::AppliedPhases&,
                               const std::string&);

std::vector<std::string> ids_of(const core::Plan& plan) {
  std::vector<std::string> ids;
  for (const auto& planned : plan) ids.push_back(planned.id);
  return ids;
}

// The heads of the database after the plan ran, computed from the files.
std::vector<std::string> heads_after(const core::RevisionGraph& graph,
                                     const core::AppliedPhases& before, const core::Plan& plan) {
  core::AppliedPhases after = before;
  for (const auto& planned : plan) {
    if (planned.phase == core::Phase::rollback || planned.phase == core::Phase::down)
      after.erase(planned.id);
    else
      after[planned.id] = core::AppliedPhase::complete;
  }
  std::vector<std::string> heads;
  for (const auto& id : graph.order()) {
    if (!after.count(id)) continue;
    bool head = true;
    for (const auto& child : graph.children(id)) head = head && !after.count(child);
    if (head) heads.push_back(id);
  }
  return heads;
}

using Vet = std::function<void(const core::RevisionGraph&, const core::Plan&)>;

// `doing` names the work while it runs ("Upgrading"), `done` after ("Upgraded");
// `vet` may refuse the plan before anything is written.
int apply(Environment& env, const char* doing, const char* verb, Planner planner,
          const std::string& target, const RunOptions& run, const Vet& vet = {}) {
  const auto start = std::chrono::steady_clock::now();
  core::RevisionGraph graph = env.load_graph();
  Preflight preflight(env, run, graph);
  core::AppliedPhases phases = preflight.phases();
  core::Plan plan = planner(graph, phases, target);
  std::vector<std::string> heads = heads_after(graph, phases, plan);
  if (vet) vet(graph, plan);

  if (!plan.empty()) {
    preflight.check(plan);
    if (!run.sql)
      env.reporter().info(fmt::format("{} {} revision{} on {}", doing, plan.size(),
                                      plan.size() == 1 ? "" : "s", env.database_display()));
    preflight.run(plan);
  }
  // With --sql, stdout is the script.
  if (run.sql) return 0;

  auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - start);
  if (env.json()) {
    nlohmann::json result = {{"command", env.command()},
                             {"revisions", ids_of(plan)},
                             {"heads", heads},
                             {"duration_ms", took.count()}};
    env.out() << result.dump(2) << '\n';
  } else if (plan.empty()) {
    env.out() << fmt::format(
        "Nothing to do: the database is at {}.\n",
        heads.empty() ? std::string("base") : fmt::format("{}", fmt::join(heads, ", ")));
  } else {
    env.out() << fmt::format(
        "{} {} revision{} in {}; the database is at {}.\n", verb, plan.size(),
        plan.size() == 1 ? "" : "s", core::format_duration(took),
        heads.empty() ? std::string("base") : fmt::format("{}", fmt::join(heads, ", ")));
  }
  return 0;
}

}  // namespace

int run_upgrade(Environment& env, const UpgradeOptions& options) {
  return apply(env, "Upgrading", "Upgraded", core::plan_upgrade, options.target, options.run);
}

int run_downgrade(Environment& env, const DowngradeOptions& options) {
  // Without a database every revision looks unapplied, and the script would be empty.
  if (options.run.sql && !env.database_given())
    throw usage_error(
        "downgrade --sql needs the database: only it knows which revisions are applied, so which "
        "ones to undo; nothing was printed",
        "give the database with --database-url or DATABASE_URL (it is only read)");
  return apply(env, "Downgrading", "Downgraded", core::plan_downgrade, options.target, options.run);
}

int run_contract(Environment& env, const ContractOptions& options) {
  // Read before connecting: a release that cannot be read stops the run with nothing taken.
  std::vector<core::Release> live;
  for (const auto& spec : options.live_releases) live.push_back(env.load_release(spec));
  Vet refuse_live = [&live](const core::RevisionGraph& graph, const core::Plan& plan) {
    std::vector<std::string> contracting;
    for (const auto& planned : plan)
      if (planned.phase == core::Phase::contract) contracting.push_back(planned.id);
    std::vector<std::string> conflicts = core::live_release_conflicts(contracting, graph, live);
    if (conflicts.empty()) return;
    std::vector<std::string> names;
    for (const auto& release : live)
      for (const auto& id : contracting)
        if (!release.graph.contains(id) &&
            std::find(names.begin(), names.end(), release.name) == names.end())
          names.push_back(release.name);
    throw Error(
        ExitCode::incompatible_release,
        conflicts.size() == 1
            ? "refusing to contract " + conflicts.front()
            : fmt::format("refusing to contract:\n  {}", fmt::join(conflicts, "\n  ")),
        fmt::format("nothing was changed. Contract once no instance of {} serves traffic (then "
                    "leave out its --live-release), or contract only up to a revision every live "
                    "release knows (`migrate contract <revision>`)",
                    fmt::join(names, ", ")));
  };
  return apply(env, "Contracting", "Contracted", core::plan_contract, options.target, options.run,
               live.empty() ? Vet{} : refuse_live);
}

}  // namespace migrate::commands
