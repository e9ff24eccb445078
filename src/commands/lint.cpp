// lint: every finding for every revision file; exit 7 when any is an error.
#include "core/checks/lint.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "commands/commands.hpp"

namespace migrate::commands {

int run_lint(Environment& env) {
  core::RevisionGraph graph = env.load_graph();
  std::vector<core::LintFinding> findings;
  for (const auto& id : graph.order()) {
    auto found = core::lint_revision(graph.get(id));
    findings.insert(findings.end(), found.begin(), found.end());
  }
  bool errors = core::has_errors(findings);
  if (env.json()) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& finding : findings)
      list.push_back({{"severity", core::to_string(finding.severity)},
                      {"rule", finding.rule},
                      {"path", finding.path},
                      {"line", finding.line},
                      {"message", finding.message},
                      {"hint", finding.hint}});
    env.out() << nlohmann::json{{"findings", list}, {"errors", errors}}.dump(2) << '\n';
  } else {
    for (const auto& finding : findings) env.out() << core::format_finding(finding) << '\n';
    size_t error_count = 0;
    for (const auto& finding : findings) error_count += finding.severity == core::Severity::error;
    env.out() << fmt::format("{} revision{} checked: {} error{}, {} warning{}\n", graph.size(),
                             graph.size() == 1 ? "" : "s", error_count, error_count == 1 ? "" : "s",
                             findings.size() - error_count,
                             findings.size() - error_count == 1 ? "" : "s");
  }
  return errors ? static_cast<int>(ExitCode::lint) : 0;
}

}  // namespace migrate::commands
