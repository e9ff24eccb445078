#include "core/checks/lint.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>
#include <stdexcept>
#include <utility>
#include <variant>

#include "core/checks/lint_rules.hpp"
#include "core/checks/lint_suppressions.hpp"
#include "core/revisions/revision_script.hpp"
#include "core/sql/parse_tree.hpp"
#include "core/sql/sql_text.hpp"

namespace migrate::core {

const char* to_string(Severity severity) {
  return severity == Severity::error ? "error" : "warning";
}

std::string format_finding(const LintFinding& finding) {
  std::string place =
      finding.line > 0 ? fmt::format("{}:{}", finding.path, finding.line) : finding.path;
  std::string text = fmt::format("{}: {}[{}]: {}", place, to_string(finding.severity), finding.rule,
                                 finding.message);
  if (!finding.hint.empty()) text += "\n  hint: " + finding.hint;
  return text;
}

bool has_errors(const std::vector<LintFinding>& findings) {
  return std::any_of(findings.begin(), findings.end(), [](const LintFinding& finding) {
    return finding.severity == Severity::error;
  });
}

namespace {

class Linter {
 public:
  Linter(const Revision& revision, const LintContext& context)
      : m_revision(revision), m_context(context) {
    // Steps carry their operation's line: that tells a person's raw `sql` from
    // generated SQL. A line shared with another kind of operation gets the
    // lenient rules.
    std::set<int> generated;
    for (const Operation& operation : revision.operations)
      (operation.kind == "sql" ? m_raw_sql_lines : generated).insert(operation.line);
    for (int line : generated) m_raw_sql_lines.erase(line);
  }

  // Lints the steps of one phase; `context` carries what earlier steps did.
  void lint_phase(Phase phase, LintMemory& memory) {
    std::vector<Step> steps;
    try {
      steps = steps_for(m_revision, phase);
    } catch (const SplitError& error) {
      report(Severity::error, "syntax", error.line(), error.message(), "");
      return;
    }
    const auto& rules = statement_rules();
    for (const Step& step : steps) {
      if (step.kind != Step::Kind::statement) continue;
      StatementCheck check(step, phase, sql_file() || m_raw_sql_lines.count(step.line) > 0,
                           sql_file(), memory, m_findings, m_revision.path, m_context);
      ParsedSql parsed = parse_sql(step.sql);
      if (!parsed.error.empty()) {
        report(Severity::error, "syntax", line_at(step.sql, parsed.error_offset, step.line),
               parsed.error, "");
        continue;
      }
      for (const parse_tree::Node& statement : parsed.statements) {
        auto rule = rules.find(parse_tree::type_of(statement));
        if (rule != rules.end()) rule->second(parse_tree::body_of(statement), check);
      }
    }
  }

  void check_down_section() {
    if (m_revision.format != RevisionFormat::sql || m_revision.down.present) return;
    report(Severity::warning, "missing-down", m_revision.id_line,
           "no `-- migrate:down` section: `migrate downgrade` cannot revert this revision",
           "add `-- migrate:down` with SQL that undoes `up` (leave it empty to say on purpose that "
           "there is nothing to undo)");
  }

  std::vector<LintFinding> take() {
    std::vector<LintFinding> findings;
    for (auto& finding : m_findings) {
      bool repeated = std::any_of(findings.begin(), findings.end(), [&](const LintFinding& seen) {
        return seen.rule == finding.rule && seen.line == finding.line &&
               seen.message == finding.message;
      });
      if (!repeated) findings.push_back(std::move(finding));
    }
    std::stable_sort(findings.begin(), findings.end(),
                     [](const LintFinding& a, const LintFinding& b) { return a.line < b.line; });
    return findings;
  }

 private:
  bool sql_file() const { return m_revision.format == RevisionFormat::sql; }

  // SQL revisions map statements to their exact line; a YAML operation's
  // statements all carry the operation's line.
  int line_at(const std::string& text, size_t offset, int first_line) const {
    if (!sql_file()) return first_line;
    return first_line + static_cast<int>(std::count(
                            text.begin(), text.begin() + static_cast<long>(offset), '\n'));
  }

  void report(Severity severity, const char* rule, int line, std::string message,
              std::string hint) {
    m_findings.push_back(
        {severity, rule, m_revision.path, line, std::move(message), std::move(hint)});
  }
  const Revision& m_revision;
  const LintContext& m_context;
  std::set<int> m_raw_sql_lines;  // YAML: lines of `sql` operations
  std::vector<LintFinding> m_findings;
};

}  // namespace

namespace {

// What the linter found, less what the file's suppressions silence, plus
// the errors in those suppressions.
std::vector<LintFinding> unsuppressed(const Revision& revision, std::vector<LintFinding> found) {
  std::vector<LintFinding> problems;
  auto suppressions = read_suppressions(revision, problems);
  std::vector<LintFinding> findings = suppress(std::move(found), suppressions);
  findings.insert(findings.end(), problems.begin(), problems.end());
  std::stable_sort(findings.begin(), findings.end(),
                   [](const LintFinding& a, const LintFinding& b) { return a.line < b.line; });
  return findings;
}

}  // namespace

std::vector<LintFinding> lint_revision(const Revision& revision, const LintContext& context) {
  Linter linter(revision, context);
  LintMemory up;
  linter.lint_phase(Phase::expand, up);
  LintMemory contract = up.for_next_phase();
  linter.lint_phase(Phase::contract, contract);
  // SQL revisions run `down` for both; take() drops the repeated findings.
  for (Phase phase : {Phase::rollback, Phase::down}) {
    LintMemory memory;
    linter.lint_phase(phase, memory);
  }
  linter.check_down_section();
  return unsuppressed(revision, linter.take());
}

std::vector<LintFinding> lint_upgrade(const Revision& revision, const LintContext& context) {
  Linter linter(revision, context);
  LintMemory up;
  linter.lint_phase(Phase::expand, up);
  linter.check_down_section();
  return unsuppressed(revision, linter.take());
}

std::vector<std::string> default_function_calls(const Revision& revision) {
  std::set<std::string> calls;
  for (Phase phase : {Phase::expand, Phase::contract}) {
    std::vector<Step> steps;
    try {
      steps = steps_for(revision, phase);
    } catch (const SplitError&) {
      continue;
    }
    for (const Step& step : steps) {
      if (step.kind != Step::Kind::statement) continue;
      ParsedSql parsed = parse_sql(step.sql);
      for (const parse_tree::Node& statement : parsed.statements)
        collect_default_calls(statement, calls);
    }
  }
  return {calls.begin(), calls.end()};
}

static std::string lint_error_message(const std::vector<LintFinding>& findings) {
  std::string text =
      fmt::format("lint found {} error{}:", findings.size(), findings.size() == 1 ? "" : "s");
  for (const auto& finding : findings) text += "\n" + format_finding(finding);
  return text;
}

LintError::LintError(std::vector<LintFinding> findings)
    : Error(ExitCode::lint, lint_error_message(findings),
            "nothing was applied; fix the revisions above (`migrate lint` lists every finding)"),
      m_findings(std::move(findings)) {}

}  // namespace migrate::core
