#include "core/operations/field_reader.hpp"

#include <fmt/format.h>

#include "core/identifier.hpp"
#include "core/sql/sql_expression.hpp"
#include "core/suggest.hpp"

namespace migrate::core {

int line_of(const YAML::Node& node) {
  return node.IsDefined() && node.Mark().line >= 0 ? node.Mark().line + 1 : 0;
}

FieldReader::FieldReader(YAML::Node body, std::string context, std::string path,
                         std::vector<FileProblem>& problems,
                         const std::vector<std::string>& allowed)
    : m_body(std::move(body)),
      m_context(std::move(context)),
      m_path(std::move(path)),
      m_problems(problems),
      m_problems_before(problems.size()) {
  std::vector<std::string> seen;
  for (const auto& entry : m_body) {
    if (!entry.first.IsScalar()) {
      problem(line_of(entry.first),
              fmt::format("a key in '{}' must be text, not a list or a mapping", m_context));
      continue;
    }
    std::string key = entry.first.Scalar();
    bool known = false;
    for (const auto& name : allowed) known = known || name == key;
    if (!known)
      problem(line_of(entry.first), fmt::format("unknown key '{}' in '{}'{}", key, m_context,
                                                did_you_mean(key, allowed)));
    // yaml-cpp keeps one of the two silently; the reader of the file sees both.
    for (const auto& name : seen)
      if (known && name == key)
        problem(line_of(entry.first), fmt::format("'{}' appears twice in '{}'", key, m_context));
    seen.push_back(key);
  }
}

bool FieldReader::has(const std::string& key) const {
  const YAML::Node value = node(key);
  return value.IsDefined() && !value.IsNull();
}

int FieldReader::line(const std::string& key) const {
  const YAML::Node value = node(key);
  int found = line_of(value);
  return found > 0 ? found : line();
}

YAML::Node FieldReader::node(const std::string& key) const {
  const YAML::Node& body = m_body;  // const: operator[] must not insert the key
  return body[key];
}

void FieldReader::problem(int line, std::string message) {
  m_problems.push_back({m_path, line, std::move(message)});
}

bool FieldReader::present(const std::string& key, Need need) {
  if (has(key)) return true;
  if (need == Need::required) problem(line(), fmt::format("'{}' needs '{}'", m_context, key));
  return false;
}

std::optional<std::string> FieldReader::scalar(const std::string& key, Need need) {
  if (!present(key, need)) return std::nullopt;
  const YAML::Node value = node(key);
  if (!value.IsScalar()) {
    problem(line(key), fmt::format("'{}' of '{}' must be text", key, m_context));
    return std::nullopt;
  }
  return value.Scalar();
}

std::string FieldReader::text(const std::string& key, Need need) {
  return scalar(key, need).value_or("");
}

bool FieldReader::check_identifier(const std::string& name, int line, const std::string& what) {
  if (name.empty()) {
    problem(line, fmt::format("{} of '{}' is empty", what, m_context));
    return false;
  }
  if (name.size() > k_max_identifier_bytes) {
    problem(line, fmt::format("{} of '{}' is longer than {} bytes, so PostgreSQL would shorten it",
                              what, m_context, k_max_identifier_bytes));
    return false;
  }
  return true;
}

std::string FieldReader::identifier(const std::string& key, Need need) {
  auto name = scalar(key, need);
  if (!name || !check_identifier(*name, line(key), fmt::format("'{}'", key))) return {};
  return *name;
}

TableName FieldReader::table(const std::string& key, Need need) {
  auto dotted = scalar(key, need);
  if (!dotted) return {};
  TableName table = table_name(*dotted);
  check_identifier(table.schema, line(key), fmt::format("the schema in '{}'", key));
  check_identifier(table.name, line(key), fmt::format("the table in '{}'", key));
  return table;
}

std::string FieldReader::type(const std::string& key, Need need) {
  auto type = scalar(key, need);
  if (!type) return {};
  std::string error = type_error(*type);
  if (!error.empty()) {
    problem(line(key), fmt::format("'{}' of '{}' is not an SQL type: {}", key, m_context, error));
    return {};
  }
  return *type;
}

std::string FieldReader::expression(const std::string& key, Need need) {
  auto expression = scalar(key, need);
  if (!expression) return {};
  std::string error = expression_error(*expression);
  if (!error.empty()) {
    problem(line(key),
            fmt::format("'{}' of '{}' is not an SQL expression: {}", key, m_context, error));
    return {};
  }
  return *expression;
}

std::optional<bool> FieldReader::flag(const std::string& key) {
  if (!has(key)) return std::nullopt;
  const YAML::Node value = node(key);
  bool result = false;
  if (!value.IsScalar() || !YAML::convert<bool>::decode(value, result)) {
    problem(line(key), fmt::format("'{}' of '{}' must be true or false", key, m_context));
    return std::nullopt;
  }
  return result;
}

std::vector<std::string> FieldReader::identifiers(const std::string& key, Need need) {
  std::vector<std::string> names;
  if (!present(key, need)) return names;
  const YAML::Node list = node(key);
  if (!list.IsSequence()) {
    problem(line(key), fmt::format("'{}' of '{}' must be a list of column names, e.g. [a, b]", key,
                                   m_context));
    return names;
  }
  if (list.size() == 0) problem(line(key), fmt::format("'{}' of '{}' is empty", key, m_context));
  for (const auto& item : list) {
    if (!item.IsScalar()) {
      problem(line_of(item),
              fmt::format("each item of '{}' of '{}' must be a column name", key, m_context));
      continue;
    }
    if (check_identifier(item.Scalar(), line_of(item), fmt::format("an item of '{}'", key)))
      names.push_back(item.Scalar());
  }
  return names;
}

std::optional<FieldReader> FieldReader::mapping(const std::string& key, std::string context,
                                                const std::vector<std::string>& allowed,
                                                Need need) {
  if (!present(key, need)) return std::nullopt;
  const YAML::Node value = node(key);
  if (!value.IsMap()) {
    problem(line(key), fmt::format("'{}' of '{}' must be a mapping", key, m_context));
    return std::nullopt;
  }
  return FieldReader(value, std::move(context), m_path, m_problems, allowed);
}

}  // namespace migrate::core
