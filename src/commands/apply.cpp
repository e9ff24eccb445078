// upgrade, downgrade and contract: plan, then run through the executor.
#include <fmt/format.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "commands/json_document.hpp"
#include "commands/preflight.hpp"
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

// `doing` names the work while it runs ("Upgrading"), `done` after ("Upgraded").
int apply(Environment& env, const char* doing, const char* verb, Planner planner,
          const std::string& target, const RunOptions& run) {
  const auto start = std::chrono::steady_clock::now();
  core::RevisionGraph graph = env.load_graph();
  Preflight preflight(env, run, graph);
  core::AppliedPhases phases = preflight.phases();
  core::Plan plan = planner(graph, phases, target);
  std::vector<std::string> heads = heads_after(graph, phases, plan);

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
    write_json(env, result);
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
  return apply(env, "Contracting", "Contracted", core::plan_contract, options.target, options.run);
}

}  // namespace migrate::commands
