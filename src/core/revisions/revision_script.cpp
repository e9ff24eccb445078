#include "core/revisions/revision_script.hpp"

#include <fmt/format.h>

#include "core/sql/parse_tree.hpp"
#include "core/sql/sql_text.hpp"

namespace migrate::core {

static std::vector<Step> section_steps(const Revision& revision, const SqlSection& section,
                                       const char* name) {
  std::vector<Step> steps;
  if (!section.present || section.size == 0) return steps;
  for (auto& statement : split_statements(revision.text(section), section.first_line)) {
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
      case Phase::expand:
        steps = section_steps(revision, revision.up, "up");
        break;
      case Phase::contract:
        steps = section_steps(revision, revision.contract, "contract");
        break;
      case Phase::rollback:
      case Phase::down:
        steps = section_steps(revision, revision.down, "down");
        break;
    }
  } else {
    steps = render_operations(revision.operations, phase, revision.id, revision.path);
  }
  if (!revision.transactional)
    for (auto& step : steps) {
      step.transactional = false;
      if (revision.format == RevisionFormat::sql)
        step.drop_if_invalid_index = concurrent_index_of(step.sql);
    }
  return steps;
}

std::string concurrent_index_of(const std::string& sql) {
  using namespace parse_tree;
  ParsedSql parsed = parse_sql(sql);
  if (!parsed.error.empty() || parsed.statements.size() != 1) return "";
  const Node& statement = parsed.statements.front();
  const Node& body = body_of(statement);
  std::string schema, name;
  if (type_of(statement) == "IndexStmt" && flag(body, "concurrent")) {
    schema = text(field(body, "relation"), "schemaname");
    name = text(body, "idxname");
  } else if (type_of(statement) == "ReindexStmt" && text(body, "kind") == "REINDEX_OBJECT_INDEX") {
    bool concurrently = false;
    for (const Node& option : field(body, "params"))
      concurrently = concurrently || text(field(option, "DefElem"), "defname") == "concurrently";
    if (!concurrently) return "";
    schema = text(field(body, "relation"), "schemaname");
    // PostgreSQL shortens longer names its own way; those are left to status.
    name = text(field(body, "relation"), "relname") + "_ccnew";
    if (name.size() > 63) return "";
  }
  if (name.empty()) return "";  // an unnamed index gets a new name on every build
  return schema.empty() ? quote_ident(name) : quote_ident(schema) + "." + quote_ident(name);
}

std::string invalid_index_check(const Step& step) {
  if (step.drop_if_invalid_index.empty()) return "";
  const std::string index = quote_literal(step.drop_if_invalid_index);
  return fmt::format(
      "DO $migrate$ BEGIN IF EXISTS (SELECT 1 FROM pg_catalog.pg_index WHERE indexrelid = "
      "to_regclass({0}) AND NOT "
      "indisvalid) THEN RAISE EXCEPTION USING MESSAGE = pg_catalog.format('index %s is INVALID: "
      "its concurrent "
      "build did not finish, so it enforces nothing', {0}); END IF; END $migrate$",
      index);
}

bool single_transaction(const std::vector<Step>& steps) {
  for (const auto& step : steps)
    if (!step.transactional || step.kind != Step::Kind::statement) return false;
  return true;
}

}  // namespace migrate::core
