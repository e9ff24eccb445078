// Parsing of YAML operations and their rendering to steps.
#include "core/operation.hpp"

#include <yaml-cpp/yaml.h>

#include <fmt/format.h>

#include <map>

#include "core/sql_text.hpp"
#include "core/suggest.hpp"

namespace migrate::core {

namespace {

int line_of(const YAML::Node& node) { return node.Mark().line >= 0 ? node.Mark().line + 1 : 0; }

// Reads the keys of one operation's mapping, reporting unknown, missing and
// mistyped keys with their lines.
class FieldReader {
 public:
  FieldReader(const YAML::Node& body, std::string kind, std::string path,
              std::vector<FileProblem>& problems, std::vector<std::string> allowed)
      : m_body(body), m_kind(std::move(kind)), m_path(std::move(path)), m_problems(problems),
        m_allowed(std::move(allowed)) {
    for (const auto& entry : body) {
      std::string key = entry.first.as<std::string>();
      bool known = false;
      for (const auto& name : m_allowed) known = known || name == key;
      if (!known)
        report(line_of(entry.first), fmt::format("unknown key '{}' in '{}'{}", key, m_kind,
                                                 did_you_mean(key, m_allowed)));
    }
  }

  std::string text(const std::string& key, bool required) {
    const YAML::Node value = m_body[key];
    if (!value || value.IsNull()) {
      if (required) report(line_of(m_body), fmt::format("'{}' needs '{}'", m_kind, key));
      return {};
    }
    if (!value.IsScalar()) {
      report(line_of(value), fmt::format("'{}' of '{}' must be text", key, m_kind));
      return {};
    }
    return value.Scalar();
  }

 private:
  void report(int line, std::string message) { m_problems.push_back({m_path, line, std::move(message)}); }

  const YAML::Node& m_body;
  std::string m_kind;
  std::string m_path;
  std::vector<FileProblem>& m_problems;
  std::vector<std::string> m_allowed;
};

std::vector<Step> sql_steps(const std::string& script, const std::string& path, int line,
                            const std::string& description) {
  std::vector<Step> steps;
  if (is_blank_sql(script)) return steps;
  for (auto& statement : split_statements(script, line)) {
    Step step;
    step.sql = std::move(statement.sql);
    step.path = path;
    step.line = line;
    step.description = description;
    steps.push_back(std::move(step));
  }
  return steps;
}

}  // namespace

const std::vector<std::string>& operation_kinds() {
  static const std::vector<std::string> kinds = {"sql"};
  return kinds;
}

Operation parse_operation(const YAML::Node& item, const std::string& path,
                          std::vector<FileProblem>& problems) {
  Operation operation;
  operation.line = line_of(item);
  if (!item.IsMap() || item.size() != 1) {
    problems.push_back({path, operation.line,
                        "each operation is a mapping with one key, e.g. '- sql: {up: ..., down: ...}'"});
    return operation;
  }
  auto entry = *item.begin();
  operation.kind = entry.first.as<std::string>();
  const YAML::Node body = entry.second;
  if (operation.kind == "sql") {
    if (!body.IsMap()) {
      problems.push_back({path, operation.line, "'sql' needs a mapping with 'up' and optional 'down', 'contract'"});
      return operation;
    }
    FieldReader fields(body, operation.kind, path, problems, {"up", "down", "contract"});
    SqlOp op;
    op.up = fields.text("up", true);
    op.down = fields.text("down", false);
    op.contract = fields.text("contract", false);
    if (body["up"] && op.up.empty() && body["up"].IsScalar())
      problems.push_back({path, line_of(body["up"]), "'up' of 'sql' is empty"});
    operation.spec = op;
    return operation;
  }
  problems.push_back({path, operation.line,
                      fmt::format("unknown operation '{}'{}", operation.kind,
                                  did_you_mean(operation.kind, operation_kinds()))});
  return operation;
}

std::vector<Step> render_operation(const Operation& operation, Phase phase, const std::string& path) {
  if (const auto* op = std::get_if<SqlOp>(&operation.spec)) {
    switch (phase) {
      case Phase::expand: return sql_steps(op->up, path, operation.line, "sql up");
      case Phase::contract: return sql_steps(op->contract, path, operation.line, "sql contract");
      case Phase::rollback:
      case Phase::down: return sql_steps(op->down, path, operation.line, "sql down");
    }
  }
  return {};
}

bool operation_has_contract(const Operation& operation) {
  if (const auto* op = std::get_if<SqlOp>(&operation.spec)) return !is_blank_sql(op->contract);
  return false;
}

}  // namespace migrate::core
