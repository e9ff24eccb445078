// upgrade, downgrade and contract: plan, then run through the executor.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>

#include "commands/endpoint_text.hpp"
#include "commands/json_document.hpp"
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

// The phases of the database after the plan ran, computed from the files.
core::AppliedPhases phases_after(const core::RevisionGraph& graph,
                                 const core::AppliedPhases& before, const core::Plan& plan) {
  core::AppliedPhases after = before;
  for (const auto& planned : plan) {
    if (planned.phase == core::Phase::rollback || planned.phase == core::Phase::down)
      after.erase(planned.id);
    else if (planned.phase == core::Phase::expand && graph.get(planned.id).has_contract())
      after[planned.id] = core::AppliedPhase::expanded;
    else
      after[planned.id] = core::AppliedPhase::complete;
  }
  return after;
}

std::vector<std::string> heads_of(const core::RevisionGraph& graph,
                                  const core::AppliedPhases& phases) {
  std::vector<std::string> heads;
  for (const auto& id : graph.order()) {
    if (!phases.count(id)) continue;
    bool head = true;
    for (const auto& child : graph.children(id)) head = head && !phases.count(child);
    if (head) heads.push_back(id);
  }
  return heads;
}

// Expanded revisions, oldest first: their contract phase has not run.
std::vector<std::string> expanded_of(const core::RevisionGraph& graph,
                                     const core::AppliedPhases& phases) {
  std::vector<std::string> expanded;
  for (const auto& id : graph.order()) {
    auto found = phases.find(id);
    if (found != phases.end() && found->second == core::AppliedPhase::expanded)
      expanded.push_back(id);
  }
  return expanded;
}

// Between expand and contract, both releases work: say so, and what comes next.
std::string expanded_note(const std::vector<std::string>& expanded) {
  return fmt::format(
      "{} {} expanded: the old shape and the triggers that keep both shapes in sync stay, so the "
      "previous release keeps working.\nRun `migrate contract` once no instance of it is left.\n",
      expanded.size() == 1
          ? expanded.front()
          : fmt::format("{} revisions ({})", expanded.size(), fmt::join(expanded, ", ")),
      expanded.size() == 1 ? "is" : "are");
}

std::string at_text(const std::vector<std::string>& heads) {
  return heads.empty() ? std::string("base") : fmt::format("{}", fmt::join(heads, ", "));
}

enum class ContractAfter { no, yes };
using Vet = std::function<void(const core::RevisionGraph&, const core::Plan&)>;

// `doing` names the work while it runs ("Upgrading"), `done` after ("Upgraded");
// `vet` may refuse the plan before anything is written.
int apply(Environment& env, const char* doing, const char* verb, Planner planner,
          const std::string& target, const RunOptions& run,
          ContractAfter contract_after = ContractAfter::no, const Vet& vet = {}) {
  const auto start = std::chrono::steady_clock::now();
  core::RevisionGraph graph = env.load_graph(Environment::Drafts::later);
  Preflight preflight(env, run, graph);
  core::AppliedPhases phases = preflight.phases();
  core::Plan plan = planner(graph, phases, target);
  core::AppliedPhases after = phases_after(graph, phases, plan);
  size_t contracted = 0;
  if (contract_after == ContractAfter::yes) {
    // `+N` names no revision: contract up to the last one this run expands.
    std::string up_to = target;
    if (!target.empty() && target[0] == '+') up_to = plan.empty() ? "" : plan.back().id;
    core::Plan contract = core::plan_contract(graph, after, up_to);
    contracted = contract.size();
    plan.insert(plan.end(), contract.begin(), contract.end());
    after = phases_after(graph, after, contract);
  }
  std::vector<std::string> heads = heads_of(graph, after);
  std::vector<std::string> applying;
  for (const auto& planned : plan)
    if (planned.phase == core::Phase::expand) applying.push_back(planned.id);
  core::refuse_drafts(graph, applying, fmt::format("`migrate {}` would apply it", env.command()));
  env.warn_drafts(graph);
  if (vet) vet(graph, plan);
  std::vector<std::string> expanded = expanded_of(graph, after);

  if (!plan.empty()) {
    preflight.check(plan);
    if (!run.sql) {
      const std::string reached = endpoint_text(preflight.database().endpoint());
      env.reporter().info(fmt::format("{} {} revision{} on {}{}", doing, plan.size() - contracted,
                                      plan.size() - contracted == 1 ? "" : "s",
                                      env.database_display(),
                                      reached.empty() ? "" : " (" + reached + ")"));
    }
    preflight.run(plan);
  }
  // With --sql, stdout is the script.
  if (run.sql) return 0;

  const size_t count = plan.size() - contracted;
  const bool upgrade = planner == &core::plan_upgrade;
  auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - start);
  if (env.json()) {
    nlohmann::json result = {{"command", env.command()},
                             {"revisions", ids_of(plan)},
                             {"heads", heads},
                             {"duration_ms", took.count()}};
    if (upgrade) result["expanded"] = expanded;
    if (contract_after == ContractAfter::yes) {
      core::Plan contract(plan.end() - static_cast<long>(contracted), plan.end());
      result["revisions"] =
          ids_of(core::Plan(plan.begin(), plan.begin() + static_cast<long>(count)));
      result["contracted"] = ids_of(contract);
    }
    write_json(env, result);
    return 0;
  }
  if (count == 0 && contracted == 0)
    env.out() << fmt::format("Nothing to do: the database is at {}.\n", at_text(heads));
  else if (count > 0)
    env.out() << fmt::format("{} {} revision{} in {}; the database is at {}.\n", verb, count,
                             count == 1 ? "" : "s", core::format_duration(took), at_text(heads));
  if (contracted > 0)
    env.out() << fmt::format("Contracted {} revision{}: the old shape is gone.\n", contracted,
                             contracted == 1 ? "" : "s");
  if (upgrade && !expanded.empty()) env.out() << expanded_note(expanded);
  return 0;
}

}  // namespace

int run_upgrade(Environment& env, const UpgradeOptions& options) {
  return apply(env, "Upgrading", "Upgraded", core::plan_upgrade, options.target, options.run,
               options.contract ? ContractAfter::yes : ContractAfter::no);
}

int run_downgrade(Environment& env, const DowngradeOptions& options) {
  // Before connecting: without a target there is nothing to plan.
  if (options.target.empty()) throw core::downgrade_target_missing();
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
               ContractAfter::no, live.empty() ? Vet{} : refuse_live);
}

}  // namespace migrate::commands
