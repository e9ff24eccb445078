// stamp --from-state TOOL: records as applied the revisions that another
// tool's state table says it applied (after `migrate import`), once the set
// is checked against the files; the tool's table is only read.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "commands/json_document.hpp"
#include "commands/preflight.hpp"
#include "core/importers/tool_state.hpp"

namespace migrate::commands {

int run_stamp_from_state(Environment& env, const StampOptions& options) {
  auto tool = core::import_tool_from(options.from_state);
  if (!tool)
    throw usage_error(fmt::format("cannot read the state of '{}'", options.from_state),
                      "--from-state takes one of: " + core::import_tool_names());
  if (!options.target.empty() || !options.update_checksum.empty())
    throw usage_error("--from-state takes no target and no --update-checksum",
                      "the other tool's state table says what is applied");
  if (options.run.sql)
    throw usage_error("stamp --from-state does not take --sql",
                      "it records rows only; run it without --sql");
  core::RevisionGraph graph = env.load_graph();
  Preflight preflight(env, options.run, graph, {}, Preflight::ChangedFiles::refuse,
                      Preflight::ExistingSchema::adopt);
  auto table = preflight.database().tool_state(*tool);
  if (!table)
    throw Error(
        ExitCode::unadopted_database,
        fmt::format("the database has no {} state table ({})", core::to_string(*tool),
                    core::state_table_of(*tool)),
        "nothing was recorded; connect to the database that tool migrated, or check search_path");
  const std::vector<core::ToolStateRow>& rows = table->rows;
  const std::string& shown = table->shown;
  std::vector<std::string> applied = core::applied_from_state(*tool, rows, graph, shown);

  const engine::state::Provenance& provenance = preflight.execution().provenance;
  std::string note =
      fmt::format("recorded by `migrate stamp --from-state {}` from {}", options.from_state, shown);
  engine::Batch batch;
  std::vector<std::string> recorded;
  for (const auto& id : applied) {
    if (preflight.phases().count(id)) continue;
    batch.statements.push_back(
        engine::state::Record{&graph.get(id), core::AppliedPhase::complete, provenance, note, 0});
    recorded.push_back(id);
  }
  if (!recorded.empty()) {
    batch.statements.push_back(engine::state::Event{
        "stamp", "", fmt::format("{}: recorded [{}]", note, fmt::join(recorded, " "))});
    preflight.prepare_state();
    preflight.database().run(batch);
  }
  if (env.json()) {
    write_json(env, nlohmann::json{{"command", "stamp"},
                                   {"from_state", options.from_state},
                                   {"table", shown},
                                   {"recorded", recorded}});
    return 0;
  }
  env.out() << fmt::format("Stamped from {}'s {}: recorded {} revision{}, {} already recorded.\n",
                           options.from_state, shown, recorded.size(),
                           recorded.size() == 1 ? "" : "s", applied.size() - recorded.size());
  return 0;
}

}  // namespace migrate::commands
