// stamp: record revisions as applied (or forget them) without running them,
// to baseline an existing database; --update-checksum accepts a changed file.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "commands/mutation.hpp"

namespace migrate::commands {

int run_stamp(cli::Context& context, const StampOptions& options) {
  if (!options.from_state.empty()) return run_stamp_from_state(context, options);
  core::RevisionGraph graph = context.load_graph();
  std::vector<std::string> accepted;
  for (const auto& spec : options.update_checksum) accepted.push_back(core::resolve_revision(graph, spec));
  if (options.target.empty() && accepted.empty())
    throw usage_error("stamp needs a target or --update-checksum REV",
                      "e.g. `migrate stamp head` to mark every revision applied without running it");
  // Accepting new content runs nothing; recording revisions as applied must
  // not happen over changed files, as for any other command.
  // Stamping is how an existing schema is adopted: it is not refused for one.
  Mutation mutation(context, options.run, graph, accepted,
                    options.target.empty() ? Mutation::ChangedFiles::allow : Mutation::ChangedFiles::refuse,
                    Mutation::ExistingSchema::adopt);
  const auto& state = context.state_sql();
  const std::string& version = mutation.execution().tool_version;
  engine::Batch batch;
  std::vector<std::string> recorded, forgotten;
  for (const auto& id : accepted) {
    if (!mutation.phases().count(id))
      throw usage_error(fmt::format("revision {} is not applied; there is no checksum to update", id));
    std::string note = fmt::format("checksum updated by `migrate stamp --update-checksum` (tool {})", version);
    batch.statements.push_back(state.update_checksum(graph.get(id), note));
    batch.statements.push_back(state.event("update-checksum", id, note));
  }
  if (!options.target.empty()) {
    core::StampPlan plan = core::plan_stamp(graph, mutation.phases(), options.target);
    for (const auto& id : plan.forget) batch.statements.push_back(state.forget(id));
    for (const auto& id : plan.record) {
      const core::Revision& revision = graph.get(id);
      batch.statements.push_back(state.record(revision, core::AppliedPhase::complete, mutation.execution().source,
                                              version, "recorded by `migrate stamp` without running it", 0));
    }
    if (!plan.record.empty() || !plan.forget.empty())
      batch.statements.push_back(state.event("stamp", options.target,
                                             fmt::format("recorded [{}]; forgot [{}]", fmt::join(plan.record, " "),
                                                         fmt::join(plan.forget, " "))));
    recorded = plan.record;
    forgotten = plan.forget;
  }
  if (!batch.statements.empty()) {
    mutation.prepare_state();
    mutation.database().run(batch);
  }
  if (mutation.offline()) return 0;
  if (context.json()) {
    context.out() << nlohmann::json{{"command", "stamp"}, {"recorded", recorded}, {"forgotten", forgotten},
                                    {"checksum_updated", accepted}}
                         .dump(2)
                  << '\n';
    return 0;
  }
  if (!accepted.empty())
    context.out() << fmt::format("Accepted the new content of {} (recorded).\n", fmt::join(accepted, ", "));
  if (!options.target.empty())
    context.out() << fmt::format("Stamped {}: recorded {} revision{}, forgot {}.\n", options.target, recorded.size(),
                                 recorded.size() == 1 ? "" : "s", forgotten.size());
  return 0;
}

}  // namespace migrate::commands
