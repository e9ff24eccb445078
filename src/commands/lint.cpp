// lint: every finding for every revision file (or only the revisions the
// database lacks, with --pending); exit 7 when any is an error.
#include "core/checks/lint.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <set>

#include "commands/commands.hpp"
#include "commands/json_document.hpp"
#include "commands/preflight.hpp"
#include "commands/session_json.hpp"
#include "engine/state_layout.hpp"

namespace migrate::commands {

namespace {

// GitHub's workflow commands end a property at `,` or `::` and a line at a
// newline: those are percent-encoded, as the runner decodes them.
std::string github_escape(const std::string& text, bool property) {
  std::string escaped;
  for (char c : text) {
    if (c == '%')
      escaped += "%25";
    else if (c == '\r')
      escaped += "%0D";
    else if (c == '\n')
      escaped += "%0A";
    else if (property && c == ':')
      escaped += "%3A";
    else if (property && c == ',')
      escaped += "%2C";
    else
      escaped += c;
  }
  return escaped;
}

}  // namespace

std::string github_annotation(const core::LintFinding& finding) {
  std::string properties = "file=" + github_escape(finding.path, true);
  if (finding.line > 0) properties += fmt::format(",line={}", finding.line);
  properties += ",title=" + github_escape("migrate lint: " + finding.rule, true);
  std::string message = finding.message;
  if (!finding.hint.empty()) message += "\nhint: " + finding.hint;
  return fmt::format("::{} {}::{}", core::to_string(finding.severity), properties,
                     github_escape(message, false));
}

int run_lint(Environment& env, const LintOptions& options) {
  if (options.format != "text" && options.format != "github")
    throw usage_error(fmt::format("unknown lint format '{}'", options.format),
                      "use --format text (the default) or --format github");
  if (options.format == "github" && env.json())
    throw usage_error("--format github and --json are two different outputs", "pick one of them");
  core::RevisionGraph graph = env.load_graph();
  std::set<std::string> applied;
  std::unique_ptr<engine::Database> database;
  if (options.pending) {
    database = env.connect();
    for (const auto& revision : engine::read_applied(*database, env.schema()))
      applied.insert(revision.id);
  }
  std::vector<const core::Revision*> revisions;
  for (const auto& id : graph.order())
    if (!applied.count(id)) revisions.push_back(&graph.get(id));
  // Connected, lint also knows which user functions are VOLATILE.
  const core::LintContext context =
      database ? lint_context(*database, revisions) : core::LintContext{};
  std::vector<core::LintFinding> findings;
  size_t checked = revisions.size();
  for (const core::Revision* revision : revisions) {
    auto found = core::lint_revision(*revision, context);
    findings.insert(findings.end(), found.begin(), found.end());
  }
  bool errors = core::has_errors(findings);
  if (env.json()) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& finding : findings) list.push_back(finding_json(finding));
    write_json(env, {{"findings", list}, {"errors", errors}, {"checked", checked}});
    return errors ? static_cast<int>(ExitCode::lint) : 0;
  }
  for (const auto& finding : findings)
    env.out() << (options.format == "github" ? github_annotation(finding)
                                             : core::format_finding(finding))
              << '\n';
  size_t error_count = 0;
  for (const auto& finding : findings) error_count += finding.severity == core::Severity::error;
  env.out() << fmt::format("{} revision{} checked{}: {} error{}, {} warning{}\n", checked,
                           checked == 1 ? "" : "s", options.pending ? " (pending only)" : "",
                           error_count, error_count == 1 ? "" : "s", findings.size() - error_count,
                           findings.size() - error_count == 1 ? "" : "s");
  return errors ? static_cast<int>(ExitCode::lint) : 0;
}

}  // namespace migrate::commands
