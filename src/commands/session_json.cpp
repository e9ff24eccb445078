#include "commands/session_json.hpp"

namespace migrate::commands {

nlohmann::json session_json(const engine::Session& session) {
  return {{"pid", session.pid},
          {"application_name", session.application_name},
          {"user", session.user},
          {"client", session.client},
          {"state", session.state},
          {"backend_start", session.backend_start},
          {"state_since", session.state_since},
          {"seconds_in_state", session.seconds_in_state},
          {"query", session.query}};
}

nlohmann::json holder_json(const engine::LockHolder& holder) {
  nlohmann::json json = session_json(holder.session);
  if (holder.has_row) {
    json["host"] = holder.host;
    json["command"] = holder.command;
    json["ci_job"] = holder.ci_job;
    json["started_at"] = holder.started_at;
    json["heartbeat"] = holder.heartbeat;
  }
  return json;
}

nlohmann::json applied_json(const core::AppliedRevision& revision) {
  return {{"id", revision.id},
          {"parents", revision.parents},
          {"message", revision.message},
          {"phase", core::to_string(revision.phase)},
          {"applied_at", revision.applied_at},
          {"applied_by", revision.applied_by},
          {"duration_ms", revision.duration_ms},
          {"tool_version", revision.tool_version},
          {"source", revision.source},
          {"path", revision.path},
          {"note", revision.note}};
}

nlohmann::json finding_json(const core::LintFinding& finding) {
  return {{"severity", core::to_string(finding.severity)},
          {"rule", finding.rule},
          {"path", finding.path},
          {"line", finding.line},
          {"message", finding.message},
          {"hint", finding.hint}};
}

nlohmann::json foreign_state_json(const core::ForeignState& foreign) {
  nlohmann::json tools = nlohmann::json::array();
  for (const auto& table : foreign.tools)
    tools.push_back({{"tool", core::tool_name(table)},
                     {"table", table.schema + "." + table.table},
                     {"newest_version", table.newest}});
  return {
      {"tools", tools}, {"tables", foreign.user_tables}, {"table_count", foreign.user_table_count}};
}

}  // namespace migrate::commands
