// status --for-release: can the application of another release run on the
// database as it is now? Read-only; exit 0 when it can, 10 when not.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "commands/commands.hpp"
#include "core/checks/release_compatibility.hpp"
#include "engine/state_layout.hpp"

namespace migrate::commands {

int run_release_check(Environment& env, const std::string& spec) {
  // The release and the files first: a problem in either stops before connecting.
  core::Release release = env.load_release(spec);
  core::RevisionGraph files = env.load_graph();
  auto database = env.connect();
  std::vector<core::AppliedRevision> applied = engine::read_applied(*database, env.schema());
  // What a revision neither the release nor these files know did is read from the copy the
  // database keeps (read_applied leaves content out: it may be large).
  for (auto& record : applied)
    if (!release.graph.contains(record.id) && !files.contains(record.id))
      record.content = database->read_content(record.id);
  core::ReleaseVerdict verdict = core::release_compatibility(applied, release, files);
  int code = verdict.compatible ? 0 : static_cast<int>(ExitCode::incompatible_release);

  if (env.json()) {
    nlohmann::json revisions = nlohmann::json::array();
    for (const auto& finding : verdict.findings)
      revisions.push_back({{"id", finding.id},
                           {"state", core::to_string(finding.kind)},
                           {"compatible", finding.compatible},
                           {"reason", finding.reason}});
    nlohmann::json reasons = nlohmann::json::array();
    for (const auto& finding : verdict.findings)
      if (!finding.compatible) reasons.push_back(finding.reason);
    nlohmann::json result = {{"database", env.database_display()},
                             {"schema", env.schema()},
                             {"release",
                              {{"name", release.name},
                               {"source", release.source},
                               {"revisions", release.graph.size()},
                               {"heads", release.graph.heads()}}},
                             {"compatible", verdict.compatible},
                             {"reasons", reasons},
                             {"revisions", revisions},
                             {"exit_code", code}};
    env.out() << result.dump(2) << '\n';
    return code;
  }

  const auto& style = env.out_style();
  std::ostream& out = env.out();
  out << fmt::format("{:<10} {} ({}): {} revision{}, head{} {}\n", "release", release.name,
                     release.source, release.graph.size(), release.graph.size() == 1 ? "" : "s",
                     release.graph.heads().size() == 1 ? "" : "s",
                     release.graph.heads().empty()
                         ? std::string("(none)")
                         : fmt::format("{}", fmt::join(release.graph.heads(), ", ")));
  out << fmt::format("{:<10} {} (schema {}): {} revision{} applied\n", "database",
                     env.database_display(), env.schema(), applied.size(),
                     applied.size() == 1 ? "" : "s");
  for (const auto& finding : verdict.findings)
    out << fmt::format("    {}\n", finding.compatible ? finding.reason : style.red(finding.reason));
  if (verdict.compatible)
    out << style.green(
               fmt::format("compatible: {} can run on this database as it is", release.name))
        << '\n';
  else
    out << style.red("incompatible: " + verdict.summary()) << '\n';
  return code;
}

}  // namespace migrate::commands
