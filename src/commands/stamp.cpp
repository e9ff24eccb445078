// stamp: record revisions as applied (or forget them) without running them,
// to baseline an existing database; --update-checksum accepts a changed file.

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "commands/confirm.hpp"
#include "commands/json_document.hpp"
#include "commands/preflight.hpp"

namespace migrate::commands {

namespace {

// Forgetting records is quiet but not harmless: a later upgrade runs those
// revisions again over the schema they built. Say which, and ask.
bool confirm_forget(const Environment& env, const core::RevisionGraph& graph,
                    const std::vector<std::string>& forget, bool yes) {
  std::string list = fmt::format(
      "stamp forgets {} applied revision{} (their schema stays; a later upgrade runs them again):",
      forget.size(), forget.size() == 1 ? "" : "s");
  for (const auto& id : forget) list += fmt::format("\n  {}  {}", id, graph.get(id).message);
  env.reporter().warning(list);
  return yes || confirm(env, "stamp that forgets applied revisions", "Forget them?");
}

}  // namespace

int run_stamp(Environment& env, const StampOptions& options) {
  if (!options.from_state.empty()) return run_stamp_from_state(env, options);
  core::RevisionGraph graph = env.load_graph(Environment::Drafts::later);
  std::vector<std::string> accepted;
  for (const auto& spec : options.update_checksum)
    accepted.push_back(core::resolve_revision(graph, spec));
  if (options.target.empty() && accepted.empty())
    throw usage_error(
        "stamp needs a target or --update-checksum REV",
        "e.g. `migrate stamp head` to mark every revision applied without running it");
  // Accepting new content runs nothing; recording revisions as applied must
  // not happen over changed files, as for any other command.
  // Stamping is how an existing schema is adopted: it is not refused for one.
  Preflight preflight(
      env, options.run, graph, accepted,
      options.target.empty() ? Preflight::ChangedFiles::allow : Preflight::ChangedFiles::refuse,
      Preflight::ExistingSchema::adopt);
  const engine::state::Provenance& provenance = preflight.execution().provenance;
  engine::Batch batch;
  std::vector<std::string> recorded, forgotten;
  for (const auto& id : accepted) {
    if (!preflight.phases().count(id))
      throw usage_error(
          fmt::format("revision {} is not applied; there is no checksum to update", id));
    std::string note = fmt::format(
        "checksum updated by `migrate stamp --update-checksum` (tool {})", provenance.tool_version);
    batch.statements.push_back(engine::state::UpdateChecksum{&graph.get(id), note});
    batch.statements.push_back(engine::state::Event{"update-checksum", id, note});
  }
  if (options.target.empty()) env.warn_drafts(graph);
  if (!options.target.empty()) {
    core::StampPlan plan = core::plan_stamp(graph, preflight.phases(), options.target);
    core::refuse_drafts(graph, plan.record, "`migrate stamp` would record it as applied");
    env.warn_drafts(graph);
    if (!plan.forget.empty() && !options.run.sql &&
        !confirm_forget(env, graph, plan.forget, options.yes)) {
      if (env.json())
        write_json(env, {{"command", "stamp"},
                         {"recorded", nlohmann::json::array()},
                         {"forgotten", nlohmann::json::array()},
                         {"checksum_updated", nlohmann::json::array()},
                         {"declined", true}});
      else
        env.out() << "Forgot nothing; the records are unchanged.\n";
      return 0;
    }
    for (const auto& id : plan.forget) batch.statements.push_back(engine::state::Forget{id});
    // Many rows per statement: a stamp of 50,000 revisions holds 200 statements
    // rather than 50,000, each rendered only when its part of the batch is sent
    // (a few hundred rows: one statement's text, with its file contents, is what
    // the client holds at once beside the graph).
    constexpr size_t k_rows_per_statement = 250;
    for (size_t first = 0; first < plan.record.size(); first += k_rows_per_statement) {
      engine::state::RecordMany rows{{},
                                     core::AppliedPhase::complete,
                                     provenance,
                                     "recorded by `migrate stamp` without running it"};
      for (size_t i = first; i < std::min(plan.record.size(), first + k_rows_per_statement); ++i)
        rows.revisions.push_back(&graph.get(plan.record[i]));
      batch.statements.push_back(std::move(rows));
    }
    if (!plan.record.empty() || !plan.forget.empty())
      batch.statements.push_back(engine::state::Event{
          "stamp", options.target,
          fmt::format("recorded [{}]; forgot [{}]", fmt::join(plan.record, " "),
                      fmt::join(plan.forget, " "))});
    recorded = std::move(plan.record);
    forgotten = std::move(plan.forget);
  }
  if (!batch.statements.empty()) {
    preflight.prepare_state();
    preflight.database().run(batch);
  }
  // With --sql, stdout is the script.
  if (options.run.sql) return 0;
  if (env.json()) {
    write_json(env, nlohmann::json{{"command", "stamp"},
                                   {"recorded", recorded},
                                   {"forgotten", forgotten},
                                   {"checksum_updated", accepted}});
    return 0;
  }
  if (!accepted.empty())
    env.out() << fmt::format("Accepted the new content of {} (recorded).\n",
                             fmt::join(accepted, ", "));
  if (!options.target.empty())
    env.out() << fmt::format("Stamped {}: recorded {} revision{}, forgot {}.\n", options.target,
                             recorded.size(), recorded.size() == 1 ? "" : "s", forgotten.size());
  return 0;
}

}  // namespace migrate::commands
