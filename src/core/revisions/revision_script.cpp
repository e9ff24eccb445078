#include "core/revisions/revision_script.hpp"

#include "core/sql/sql_text.hpp"

namespace migrate::core {

static std::vector<Step> section_steps(const Revision& revision, const SqlSection& section, const char* name) {
  std::vector<Step> steps;
  if (!section.present || is_blank_sql(section.text)) return steps;
  for (auto& statement : split_statements(section.text, section.first_line)) {
    Step step;
    step.sql = std::move(statement.sql);
    step.path = revision.path;
    step.line = statement.line;
    step.copy_data = std::move(statement.copy_data);
    step.description = name;
    steps.push_back(std::move(step));
  }
  return steps;
}

std::vector<Step> steps_for(const Revision& revision, Phase phase) {
  std::vector<Step> steps;
  if (revision.format == RevisionFormat::sql) {
    switch (phase) {
      case Phase::expand: steps = section_steps(revision, revision.up, "up"); break;
      case Phase::contract: steps = section_steps(revision, revision.contract, "contract"); break;
      case Phase::rollback:
      case Phase::down: steps = section_steps(revision, revision.down, "down"); break;
    }
  } else {
    steps = render_operations(revision.operations, phase, revision.id, revision.path);
  }
  if (!revision.transactional)
    for (auto& step : steps) step.transactional = false;
  return steps;
}

bool single_transaction(const std::vector<Step>& steps) {
  for (const auto& step : steps)
    if (!step.transactional || step.kind != Step::Kind::statement) return false;
  return true;
}

}  // namespace migrate::core
