// stamp --from-state TOOL: records as applied the revisions that another
// tool's state table says it applied (after `migrate import`), once the set
// is checked against the files; the tool's table is only read.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "commands/mutation.hpp"
#include "core/importers/tool_state.hpp"
#include "core/sql/sql_text.hpp"

namespace migrate::commands {

int run_stamp_from_state(cli::Context& context, const StampOptions& options) {
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
  core::RevisionGraph graph = context.load_graph();
  Mutation mutation(context, options.run, graph, {}, Mutation::ChangedFiles::refuse,
                    Mutation::ExistingSchema::adopt);
  engine::Database& database = mutation.database();
  std::string table = core::state_table_of(*tool);
  // Quoted for the query, and as people read it for messages.
  std::string relation, shown;
  auto found = database.query(
      fmt::format("SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname), n.nspname || "
                  "'.' || c.relname FROM pg_class c "
                  "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = to_regclass({})",
                  core::quote_literal(table)));
  if (!found.empty()) {
    relation = found[0][0].value_or("");
    shown = found[0][1].value_or("");
  }
  if (relation.empty())
    throw Error(
        ExitCode::unadopted_database,
        fmt::format("the database has no {} state table ({})", core::to_string(*tool), table),
        "nothing was recorded; connect to the database that tool migrated, or check search_path");
  std::vector<core::ToolStateRow> rows;
  for (const auto& row : database.query(core::state_rows_sql(*tool, relation)))
    rows.push_back({row[0].value_or(""), row[1].value_or("f") == "t", row[2].value_or("")});
  std::vector<std::string> applied = core::applied_from_state(*tool, rows, graph, shown);

  const auto& state = context.state_sql();
  const std::string& version = mutation.execution().tool_version;
  std::string note =
      fmt::format("recorded by `migrate stamp --from-state {}` from {}", options.from_state, shown);
  engine::Batch batch;
  std::vector<std::string> recorded;
  for (const auto& id : applied) {
    if (mutation.phases().count(id)) continue;
    batch.statements.push_back(state.record(graph.get(id), core::AppliedPhase::complete,
                                            mutation.execution().source, version, note, 0));
    recorded.push_back(id);
  }
  if (!recorded.empty()) {
    batch.statements.push_back(
        state.event("stamp", "", fmt::format("{}: recorded [{}]", note, fmt::join(recorded, " "))));
    mutation.prepare_state();
    database.run(batch);
  }
  if (context.json()) {
    context.out() << nlohmann::json{{"command", "stamp"},
                                    {"from_state", options.from_state},
                                    {"table", shown},
                                    {"recorded", recorded}}
                         .dump(2)
                  << '\n';
    return 0;
  }
  context.out() << fmt::format(
      "Stamped from {}'s {}: recorded {} revision{}, {} already recorded.\n", options.from_state,
      shown, recorded.size(), recorded.size() == 1 ? "" : "s", applied.size() - recorded.size());
  return 0;
}

}  // namespace migrate::commands
