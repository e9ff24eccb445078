// history and heads: the revision graph as the files describe it; history
// also marks what a configured database has applied.
#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>
#include <unordered_map>

#include "commands/commands.hpp"
#include "core/revisions/history_graph.hpp"
#include "core/revisions/plan.hpp"
#include "engine/state_layout.hpp"

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

using Records = std::unordered_map<std::string, core::AppliedRevision>;

// What the database applied, when one is configured. History is about the
// files: a database that cannot be read leaves out the marks, and says so.
std::optional<Records> read_records(Environment& env) {
  if (!env.database_given()) return std::nullopt;
  try {
    auto database = env.connect();
    if (database->in_recovery())
      env.reporter().info(fmt::format(
          "{} is a standby (read-only): the marks are what it has replayed from its primary",
          env.database_display()));
    Records records;
    for (auto& record : engine::read_applied(*database, env.schema()))
      records.emplace(record.id, std::move(record));
    return records;
  } catch (const Error& error) {
    env.reporter().warning(
        fmt::format("{}; history shows the files without marking what is applied", error.what()));
    return std::nullopt;
  }
}

std::vector<std::string> marks_of(const core::RevisionGraph& graph, const core::Revision& revision,
                                  const std::optional<Records>& records) {
  std::vector<std::string> marks;
  if (records) {
    auto found = records->find(revision.id);
    if (found != records->end())
      marks.push_back(found->second.phase == core::AppliedPhase::complete
                          ? "applied"
                          : core::to_string(found->second.phase));
  }
  auto children = graph.children(revision.id);
  if (children.empty()) marks.push_back("head");
  if (revision.is_merge()) marks.push_back("merge");
  if (children.size() > 1) marks.push_back("branch point");
  if (revision.is_root()) marks.push_back("base");
  return marks;
}

// -v: what the state table records about how it was applied.
std::string applied_detail(const core::AppliedRevision& record) {
  std::string text =
      fmt::format("    applied {} by {} from {}, took {} ms, migrate {}, file {}\n",
                  record.applied_at, record.applied_by.empty() ? "?" : record.applied_by,
                  record.source.empty() ? "?" : record.source, record.duration_ms,
                  record.tool_version.empty() ? "?" : record.tool_version,
                  record.path.empty() ? "?" : record.path);
  if (!record.note.empty()) text += fmt::format("    note: {}\n", record.note);
  return text;
}

}  // namespace

int run_history(Environment& env, const HistoryOptions& options) {
  core::RevisionGraph graph = env.load_summary_graph();
  std::vector<bool> in = options.range.empty() ? std::vector<bool>(graph.size(), true)
                                               : core::revision_range(graph, options.range);
  std::optional<Records> records = read_records(env);
  // Newest first, as Alembic and git print history.
  std::vector<std::string> newest_first;
  const auto& order = graph.order();
  for (auto it = order.rbegin(); it != order.rend(); ++it)
    if (in[graph.position(*it)]) newest_first.push_back(*it);
  auto record_of = [&](const std::string& id) -> const core::AppliedRevision* {
    if (!records) return nullptr;
    auto found = records->find(id);
    return found == records->end() ? nullptr : &found->second;
  };

  if (env.json()) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& id : newest_first) {
      nlohmann::json item = revision_json(graph, graph.get(id));
      if (records) {
        const core::AppliedRevision* record = record_of(id);
        item["applied"] = record ? nlohmann::json{{"phase", core::to_string(record->phase)},
                                                  {"applied_at", record->applied_at},
                                                  {"applied_by", record->applied_by},
                                                  {"source", record->source},
                                                  {"duration_ms", record->duration_ms},
                                                  {"tool_version", record->tool_version}}
                                 : nlohmann::json(nullptr);
      }
      list.push_back(std::move(item));
    }
    env.out() << list.dump(2) << '\n';
    return 0;
  }
  const auto& style = env.out_style();
  auto describe = [&](const core::Revision& revision) {
    std::vector<std::string> marks = marks_of(graph, revision, records);
    return fmt::format(
        "{}{}", revision.message,
        marks.empty() ? "" : style.dim(fmt::format(" ({})", fmt::join(marks, ", "))));
  };
  auto detail = [&](const std::string& id) {
    const core::AppliedRevision* record = record_of(id);
    if (env.verbose() && record) env.out() << applied_detail(*record);
  };

  if (options.graph) {
    std::vector<core::GraphNode> nodes;
    for (const auto& id : newest_first) nodes.push_back({id, graph.get(id).parents});
    std::vector<core::GraphLine> lines = core::draw_graph(nodes);
    size_t width = 0;
    for (const auto& line : lines) width = std::max(width, line.lanes.size());
    for (const auto& line : lines) {
      if (line.id.empty()) {
        env.out() << line.lanes << '\n';
        continue;
      }
      env.out() << fmt::format("{:<{}}  {}  {}\n", line.lanes, width, style.bold(line.id),
                               describe(graph.get(line.id)));
      detail(line.id);
    }
    return 0;
  }
  for (const auto& id : newest_first) {
    const core::Revision& revision = graph.get(id);
    std::string parents =
        revision.parents.empty() ? "<base>" : fmt::format("{}", fmt::join(revision.parents, ", "));
    env.out() << fmt::format("{} -> {}  {}\n", parents, style.bold(revision.id),
                             describe(revision));
    detail(id);
  }
  return 0;
}

int run_heads(Environment& env) {
  core::RevisionGraph graph = env.load_summary_graph();
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
