// history and heads: the revision graph as the files describe it.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "commands/commands.hpp"
#include "core/revisions/plan.hpp"

namespace migrate::commands {

namespace {

nlohmann::json revision_json(const core::RevisionGraph& graph, const core::Revision& revision) {
  return {{"id", revision.id},
          {"parents", revision.parents},
          {"message", revision.message},
          {"path", revision.path},
          {"format", revision.format == core::RevisionFormat::sql ? "sql" : "yaml"},
          {"children", graph.children(revision.id)}};
}

}  // namespace

int run_history(Environment& env) {
  core::RevisionGraph graph = env.load_graph();
  const auto& order = graph.order();
  if (env.json()) {
    nlohmann::json list = nlohmann::json::array();
    for (auto it = order.rbegin(); it != order.rend(); ++it)
      list.push_back(revision_json(graph, graph.get(*it)));
    env.out() << list.dump(2) << '\n';
    return 0;
  }
  const auto& style = env.out_style();
  // Newest first, as Alembic and git print history.
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    const core::Revision& revision = graph.get(*it);
    std::vector<std::string> marks;
    auto children = graph.children(revision.id);
    if (children.empty()) marks.push_back("head");
    if (revision.is_merge()) marks.push_back("merge");
    if (children.size() > 1) marks.push_back("branch point");
    if (revision.is_root()) marks.push_back("base");
    std::string parents =
        revision.parents.empty() ? "<base>" : fmt::format("{}", fmt::join(revision.parents, ", "));
    env.out() << fmt::format(
        "{} -> {}  {}{}\n", parents, style.bold(revision.id), revision.message,
        marks.empty() ? "" : style.dim(fmt::format(" ({})", fmt::join(marks, ", "))));
  }
  return 0;
}

int run_heads(Environment& env) {
  core::RevisionGraph graph = env.load_graph();
  if (env.json()) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& id : graph.heads()) list.push_back(revision_json(graph, graph.get(id)));
    env.out() << list.dump(2) << '\n';
    return 0;
  }
  for (const auto& id : graph.heads()) {
    const core::Revision& revision = graph.get(id);
    env.out() << fmt::format("{}  {:<40} {}\n", env.out_style().bold(id), revision.message,
                             revision.path);
  }
  if (graph.heads().size() > 1) {
    auto points = core::branch_points(graph, graph.heads());
    env.out() << fmt::format("{} heads, branched from {}; `migrate resolve-branch` joins them\n",
                             graph.heads().size(),
                             points.empty() ? std::string("separate bases")
                                            : fmt::format("{}", fmt::join(points, ", ")));
  }
  return 0;
}

}  // namespace migrate::commands
