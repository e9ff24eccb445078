#include "commands/fleet_summary.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/connection_string.hpp"
#include "core/duration.hpp"
#include "core/error.hpp"

namespace migrate::commands {

namespace {

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

std::string joined(const nlohmann::json& list, const std::string& empty) {
  if (!list.is_array() || list.empty()) return empty;
  std::string text;
  for (const auto& item : list) text += (text.empty() ? "" : ",") + item.get<std::string>();
  return text;
}

size_t count_of(const nlohmann::json& result, const char* key) {
  return result.is_object() && result.contains(key) && result[key].is_array() ? result[key].size()
                                                                              : 0;
}

std::string holder_text(const nlohmann::json& holder) {
  if (holder.is_null()) return "free";
  std::string text = fmt::format("pid {}", holder.value("pid", 0));
  std::string application = holder.value("application_name", "");
  if (!application.empty()) text += " (" + application + ")";
  return text;
}

const char* state_name(core::TargetState state) {
  switch (state) {
    case core::TargetState::succeeded:
      return "succeeded";
    case core::TargetState::failed:
      return "failed";
    case core::TargetState::skipped:
      return "skipped";
  }
  return "skipped";
}

// Cells of one line per target, by kind.
std::vector<std::string> header(FleetKind kind) {
  switch (kind) {
    case FleetKind::apply:
      return {"TARGET", "RESULT", "REVISIONS", "DURATION", "DETAIL"};
    case FleetKind::status:
      return {"TARGET", "HEAD", "PENDING", "UNKNOWN", "LOCK", "RESULT"};
    case FleetKind::lock_status:
      return {"TARGET", "LOCK", "RESULT"};
  }
  return {};
}

std::vector<std::string> cells(FleetKind kind, const TargetResult& r) {
  const nlohmann::json& j = r.result;
  bool read = j.is_object();
  const std::string& name = r.target->name;
  switch (kind) {
    case FleetKind::apply:
      return {
          name, result_text(r),
          r.state == core::TargetState::succeeded ? std::to_string(count_of(j, "revisions")) : "-",
          r.state == core::TargetState::skipped ? "-" : core::format_duration(r.took),
          detail_text(r)};
    case FleetKind::status:
      if (!read) return {name, "-", "-", "-", "-", result_text(r) + ": " + detail_text(r)};
      return {name,
              joined(j["database_heads"], "(base)"),
              std::to_string(count_of(j, "pending")),
              std::to_string(count_of(j, "unknown")),
              holder_text(j["lock"]),
              r.exit_code == 0 ? "ok" : result_text(r) + ": " + detail_text(r)};
    case FleetKind::lock_status:
      if (!read) return {name, "-", result_text(r) + ": " + detail_text(r)};
      return {name, holder_text(j["holder"]), "ok"};
  }
  return {};
}

}  // namespace

std::string result_text(const TargetResult& result) {
  switch (result.state) {
    case core::TargetState::succeeded:
      return "ok";
    case core::TargetState::skipped:
      return "skipped";
    case core::TargetState::failed:
      return result.exit_code == static_cast<int>(ExitCode::interrupted)
                 ? "interrupted"
                 : fmt::format("failed (exit {})", result.exit_code);
  }
  return "";
}

std::string detail_text(const TargetResult& result) {
  if (result.state == core::TargetState::skipped) return "not started: the run stopped";
  if (!result.error.empty()) return first_line(result.error);
  if (result.result.is_object() && result.result.contains("heads"))
    return "at " + joined(result.result["heads"], "base");
  return "";
}

void print_fleet_table(std::ostream& out, const FleetRun& run) {
  std::vector<std::vector<std::string>> rows = {header(run.kind)};
  for (const auto& result : run.results) rows.push_back(cells(run.kind, result));
  std::vector<size_t> widths(rows.front().size(), 0);
  for (const auto& row : rows)
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i)
      line += i + 1 == row.size() ? row[i] : fmt::format("{:<{}}  ", row[i], widths[i]);
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out << line << '\n';
  }
  size_t succeeded = 0, failed = 0, skipped = 0;
  for (const auto& result : run.results) {
    succeeded += result.state == core::TargetState::succeeded;
    failed += result.state == core::TargetState::failed;
    skipped += result.state == core::TargetState::skipped;
  }
  out << fmt::format("{} target{}: {} succeeded, {} failed, {} skipped", run.results.size(),
                     run.results.size() == 1 ? "" : "s", succeeded, failed, skipped);
  if (!run.stopped.empty()) out << "; " << run.stopped;
  out << '\n';
}

nlohmann::json fleet_json(const FleetRun& run) {
  nlohmann::json targets = nlohmann::json::array();
  size_t succeeded = 0, failed = 0, skipped = 0;
  for (const auto& r : run.results) {
    succeeded += r.state == core::TargetState::succeeded;
    failed += r.state == core::TargetState::failed;
    skipped += r.state == core::TargetState::skipped;
    nlohmann::json item = {{"name", r.target->name},
                           {"group", r.target->group},
                           {"database", core::redact_connection_string(r.target->url)},
                           {"schema", r.schema},
                           {"wave", r.wave},
                           {"state", state_name(r.state)},
                           {"exit_code", r.exit_code},
                           {"duration_ms", r.took.count()},
                           {"error", r.error.empty() ? nlohmann::json(nullptr)
                                                     : nlohmann::json{{"message", r.error},
                                                                      {"hint", r.hint},
                                                                      {"exit_code", r.exit_code}}}};
    const nlohmann::json& j = r.result;
    if (run.kind == FleetKind::apply) {
      item["revisions"] =
          j.is_object() ? j.value("revisions", nlohmann::json::array()) : nlohmann::json::array();
      item["heads"] =
          j.is_object() ? j.value("heads", nlohmann::json::array()) : nlohmann::json(nullptr);
    } else if (run.kind == FleetKind::status) {
      item["status"] = j.is_object() ? j : nlohmann::json(nullptr);
      item["database_heads"] =
          j.is_object() ? j.value("database_heads", nlohmann::json::array()) : nlohmann::json();
      item["pending"] = j.is_object() ? nlohmann::json(count_of(j, "pending")) : nlohmann::json();
      item["unknown"] = j.is_object() ? nlohmann::json(count_of(j, "unknown")) : nlohmann::json();
      item["lock"] = j.is_object() ? j.value("lock", nlohmann::json()) : nlohmann::json();
    } else {
      item["held"] = j.is_object() ? nlohmann::json(j.value("held", false)) : nlohmann::json();
      item["holder"] = j.is_object() ? j.value("holder", nlohmann::json()) : nlohmann::json();
    }
    targets.push_back(item);
  }
  return {{"command", run.command},
          {"targets", targets},
          {"succeeded", succeeded},
          {"failed", failed},
          {"skipped", skipped},
          {"stopped", run.stopped.empty() ? nlohmann::json(nullptr) : nlohmann::json(run.stopped)},
          {"exit_code", run.exit_code}};
}

}  // namespace migrate::commands
