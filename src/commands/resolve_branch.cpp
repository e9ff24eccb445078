// resolve-branch: joins the heads of the files with one merge revision, after
// reporting where the branches touch the same tables or columns.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "commands/commands.hpp"
#include "commands/json_document.hpp"
#include "core/checks/branch_overlap.hpp"
#include "core/revisions/plan.hpp"
#include "core/revisions/revision_template.hpp"
#include "fs/migrations_dir.hpp"

namespace migrate::commands {

int run_resolve_branch(Environment& env, const ResolveBranchOptions& options) {
  core::RevisionGraph graph = env.load_graph();
  const auto& heads = graph.heads();
  if (heads.size() <= 1) {
    if (env.json())
      write_json(env, nlohmann::json{{"heads", heads}, {"merged", false}});
    else
      env.out() << fmt::format("Nothing to resolve: one head ({}).\n",
                               heads.empty() ? "none" : heads.front());
    return 0;
  }
  if (options.check) throw core::MultipleHeadsError(graph, heads);

  std::vector<core::Overlap> overlaps = core::branch_overlaps(graph, heads);
  std::vector<std::string> notes;
  for (const auto& overlap : overlaps) {
    std::string object =
        overlap.column.empty() ? overlap.table : overlap.table + "." + overlap.column;
    std::string note = fmt::format("branches both touch {}:", object);
    for (const auto& touch : overlap.touches)
      note += fmt::format(" {} ({}:{});", touch.action, touch.path, touch.line);
    note.pop_back();
    notes.push_back(note);
    env.reporter().warning(note);
  }
  std::vector<std::string> points = core::branch_points(graph, heads);
  std::string message = options.message.empty() ? fmt::format("merge {}", fmt::join(heads, " and "))
                                                : options.message;

  std::string id = fs::new_revision_id();
  std::string path = fs::write_new_file(
      env.dir(), core::revision_file_name(id, message, core::RevisionFormat::sql),
      core::merge_revision_template(id, heads, message, notes));
  if (env.json()) {
    nlohmann::json overlap_list = nlohmann::json::array();
    for (const auto& overlap : overlaps)
      overlap_list.push_back({{"table", overlap.table}, {"column", overlap.column}});
    write_json(env, nlohmann::json{{"heads", heads},
                                   {"merged", true},
                                   {"revision", id},
                                   {"path", path},
                                   {"branch_points", points},
                                   {"overlaps", overlap_list}});
  } else {
    env.out() << path << '\n';
    env.reporter().info(fmt::format(
        "joined {} heads ({}) branched from {}{}", heads.size(), fmt::join(heads, ", "),
        points.empty() ? std::string("separate bases") : fmt::format("{}", fmt::join(points, ", ")),
        overlaps.empty() ? "; the branches touch no common table or column"
                         : fmt::format("; review the {} overlap{} above", overlaps.size(),
                                       overlaps.size() == 1 ? "" : "s")));
  }
  return 0;
}

}  // namespace migrate::commands
