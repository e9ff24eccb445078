#include "core/checks/plan_check.hpp"

#include <fmt/format.h>

#include "core/revisions/revision_script.hpp"
#include "core/sql/sql_text.hpp"

namespace migrate::core {

namespace {

// "line N: message" (from sql_text) as a problem at line N of `path`.
FileProblem located(const std::string& path, int fallback_line, std::string message,
                    const char* what) {
  int line = fallback_line;
  size_t colon = message.find(": ");
  if (message.rfind("line ", 0) == 0 && colon != std::string::npos) {
    line = std::stoi(message.substr(5, colon - 5));
    message = message.substr(colon + 2);
  }
  return {path, line, fmt::format("{}: {}", what, message)};
}

}  // namespace

std::vector<FileProblem> check_plan_sql(const RevisionGraph& graph, const Plan& plan) {
  std::vector<FileProblem> problems;
  for (const auto& planned : plan) {
    const Revision& revision = graph.get(planned.id);
    std::vector<Step> steps;
    try {
      steps = steps_for(revision, planned.phase);
    } catch (const SplitError& error) {
      problems.push_back(
          {revision.path, error.line(), fmt::format("cannot split SQL: {}", error.message())});
      continue;
    } catch (const std::exception& error) {
      problems.push_back(
          located(revision.path, revision.id_line, error.what(), "cannot split SQL"));
      continue;
    }
    if (planned.phase == Phase::expand) continue;
    for (const auto& step : steps) {
      if (step.kind != Step::Kind::statement) continue;
      std::string error = syntax_error(step.sql, step.line > 0 ? step.line : 1);
      if (!error.empty())
        problems.push_back(located(revision.path, step.line, error, "SQL syntax error"));
    }
  }
  return problems;
}

}  // namespace migrate::core
