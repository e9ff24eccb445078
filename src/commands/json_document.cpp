#include "commands/json_document.hpp"

#include <ostream>

#include "commands/session_json.hpp"
#include "core/checks/lint.hpp"
#include "core/importers/foreign_state.hpp"
#include "core/revisions/plan.hpp"
#include "core/revisions/status.hpp"
#include "engine/database_types.hpp"

namespace migrate::commands {

nlohmann::json json_document(nlohmann::json document) {
  document["format_version"] = k_json_format_version;
  return document;
}

void write_json(const Environment& env, nlohmann::json document) {
  env.out() << json_document(std::move(document)).dump(2) << '\n';
}

namespace {

// The kind of a plain migrate::Error is its exit code's meaning.
const char* kind_of(ExitCode code) {
  switch (code) {
    case ExitCode::success:
    case ExitCode::runtime:
      return "runtime";
    case ExitCode::usage:
      return "usage";
    case ExitCode::unknown_revisions:
      return "unknown_revisions";
    case ExitCode::multiple_heads:
      return "multiple_heads";
    case ExitCode::lock_not_acquired:
      return "lock_not_acquired";
    case ExitCode::checksum_mismatch:
      return "changed_files";
    case ExitCode::lint:
      return "lint";
    case ExitCode::unadopted_database:
      return "unadopted_database";
    case ExitCode::interrupted:
      return "interrupted";
    case ExitCode::pending:
      return "pending";
    case ExitCode::incompatible_release:
      return "incompatible_release";
  }
  return "runtime";
}

nlohmann::json problems_json(const std::vector<FileProblem>& problems) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& problem : problems)
    list.push_back({{"file", problem.path},
                    {"line", problem.line},
                    {"message", problem.message},
                    {"hint", problem.hint}});
  return list;
}

}  // namespace

nlohmann::json error_document(const std::exception& error) {
  const auto* failure = dynamic_cast<const Error*>(&error);
  if (!failure)
    return json_document({{"kind", "internal"},
                          {"error", error.what()},
                          {"hint", "this is unexpected; please report it with the command you ran"},
                          {"exit_code", static_cast<int>(ExitCode::runtime)}});
  nlohmann::json document = {{"kind", kind_of(failure->code())},
                             {"error", failure->what()},
                             {"hint", failure->hint()},
                             {"exit_code", static_cast<int>(failure->code())}};
  if (const auto* invalid = dynamic_cast<const InvalidFilesError*>(failure)) {
    document["kind"] = "invalid_files";
    document["problems"] = problems_json(invalid->problems());
  } else if (const auto* lint = dynamic_cast<const core::LintError*>(failure)) {
    nlohmann::json findings = nlohmann::json::array();
    for (const auto& finding : lint->findings()) findings.push_back(finding_json(finding));
    document["findings"] = findings;
  } else if (const auto* unknown = dynamic_cast<const core::UnknownRevisionsError*>(failure)) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& revision : unknown->unknown()) list.push_back(applied_json(revision));
    document["unknown"] = list;
  } else if (const auto* changed = dynamic_cast<const core::ChangedFilesError*>(failure)) {
    document["changed"] = changed->changed();
  } else if (const auto* heads = dynamic_cast<const core::MultipleHeadsError*>(failure)) {
    document["heads"] = heads->heads();
  } else if (const auto* adoption = dynamic_cast<const core::UnadoptedDatabaseError*>(failure)) {
    document["unadopted"] = foreign_state_json(adoption->state());
  } else if (const auto* database = dynamic_cast<const engine::DatabaseError*>(failure)) {
    document["kind"] = "database";
    document["sqlstate"] = database->sqlstate();
    document["statement"] = database->statement();
    document["detail"] = database->detail();
    document["server_hint"] = database->server_hint();
  } else if (dynamic_cast<const engine::ConnectionLostError*>(failure)) {
    document["kind"] = "connection_lost";
  }
  return json_document(std::move(document));
}

nlohmann::json usage_error_document(const std::string& message, const std::string& hint) {
  return json_document({{"kind", "usage"},
                        {"error", message},
                        {"hint", hint},
                        {"exit_code", static_cast<int>(ExitCode::usage)}});
}

}  // namespace migrate::commands
