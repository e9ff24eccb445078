#include "core/importers/tool_state.hpp"

#include <fmt/format.h>

#include <set>

namespace migrate::core {

namespace {

Error refusal(const std::string& message, const std::string& hint) {
  return Error(ExitCode::unadopted_database, message, "nothing was recorded; " + hint);
}

// golang-migrate and Flyway compare versions as numbers, part by part.
std::vector<unsigned long long> number_parts(const std::string& version) {
  std::vector<unsigned long long> parts;
  size_t pos = 0;
  while (pos <= version.size()) {
    size_t end = std::min(version.find('.', pos), version.size());
    std::string part = version.substr(pos, end - pos);
    if (part.empty() || part.find_first_not_of("0123456789") != std::string::npos) return {};
    parts.push_back(std::stoull(part));
    pos = end + 1;
  }
  while (parts.size() > 1 && parts.back() == 0) parts.pop_back();
  return parts;
}

// Every revision whose version is at most `newest` (golang-migrate records only the newest).
std::set<std::string> up_to(const RevisionGraph& graph, const std::string& newest) {
  std::set<std::string> applied;
  auto limit = number_parts(newest);
  for (const auto& id : graph.order()) {
    auto parts = number_parts(id);
    if (!parts.empty() && parts <= limit) applied.insert(id);
  }
  return applied;
}

}  // namespace

std::string state_table_of(ImportTool tool) {
  switch (tool) {
    case ImportTool::alembic:
      return "alembic_version";
    case ImportTool::dbmate:
    case ImportTool::golang_migrate:
      return "schema_migrations";
    case ImportTool::diesel:
      return "__diesel_schema_migrations";
    case ImportTool::flyway:
      return "flyway_schema_history";
    case ImportTool::sqitch:
      return "sqitch.changes";
  }
  return "";
}

std::string state_rows_sql(ImportTool tool, const std::string& relation) {
  switch (tool) {
    case ImportTool::alembic:
      return fmt::format("SELECT version_num, true, '' FROM {} ORDER BY 1", relation);
    case ImportTool::golang_migrate:
      return fmt::format("SELECT version::text, NOT dirty, '' FROM {}", relation);
    case ImportTool::dbmate:
    case ImportTool::diesel:
      return fmt::format("SELECT version::text, true, '' FROM {} ORDER BY 1", relation);
    case ImportTool::flyway:
      return fmt::format(
          "SELECT version, success, type FROM {} WHERE version IS NOT NULL ORDER BY installed_rank",
          relation);
    case ImportTool::sqitch:
      return fmt::format("SELECT change, true, '' FROM {} ORDER BY committed_at", relation);
  }
  return "";
}

std::vector<std::string> applied_from_state(ImportTool tool, const std::vector<ToolStateRow>& rows,
                                            const RevisionGraph& graph,
                                            const std::string& relation) {
  const std::string name = to_string(tool);
  std::vector<std::string> unknown;
  std::set<std::string> applied;
  for (const auto& row : rows) {
    if (!row.succeeded)
      throw refusal(
          fmt::format("{} records version {} in {} as {}", name, row.version, relation,
                      tool == ImportTool::golang_migrate ? "dirty (it failed half-way)" : "failed"),
          fmt::format("fix the schema by hand and clear that record with {} first", name));
    if (!graph.contains(row.version)) {
      unknown.push_back(row.version);
      continue;
    }
    if (row.kind == "UNDO_SQL")
      applied.erase(row.version);
    else if (tool == ImportTool::golang_migrate || row.kind == "BASELINE") {
      auto below = up_to(graph, row.version);
      applied.insert(below.begin(), below.end());
    } else {
      applied.insert(row.version);
    }
  }
  if (!unknown.empty())
    throw refusal(
        fmt::format("{} in {} records version{} {} that the migration files do not hold", name,
                    relation, unknown.size() == 1 ? "" : "s", fmt::join(unknown, ", ")),
        fmt::format("import the {} history these versions come from (`migrate import --from {}`)",
                    name, name));
  // Alembic records its heads only: everything below them is applied.
  std::vector<std::string> ids(applied.begin(), applied.end());
  std::vector<bool> closed = graph.closure_up(ids);
  if (tool == ImportTool::alembic)
    for (size_t i = 0; i < closed.size(); ++i)
      if (closed[i]) applied.insert(graph.order()[i]);
  std::vector<std::string> gaps, ordered;
  for (size_t i = 0; i < closed.size(); ++i) {
    const std::string& id = graph.order()[i];
    if (closed[i] && !applied.count(id)) gaps.push_back(id);
    if (applied.count(id)) ordered.push_back(id);
  }
  if (!gaps.empty())
    throw refusal(
        fmt::format(
            "{} in {} applied versions out of order: {} {} not applied, but later versions are",
            name, relation, fmt::join(gaps, ", "), gaps.size() == 1 ? "is" : "are"),
        fmt::format("apply {} with {} first, so the applied set is a prefix of the history",
                    gaps.size() == 1 ? "it" : "them", name));
  return ordered;
}

}  // namespace migrate::core
