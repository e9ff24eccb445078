// Reads the keys of one YAML mapping of a revision file (an operation, a column
// of create_table, a foreign key), reporting unknown, missing and mistyped keys
// and invalid SQL fragments as FileProblems at the line of the offending key.
#pragma once

#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/operations/operation.hpp"

namespace migrate::core {

enum class Need { required, optional };

// 1-based line of a node, 0 when yaml-cpp does not know it.
int line_of(const YAML::Node& node);

class FieldReader {
 public:
  // `context` names the mapping in messages ("add_column", "create_table column").
  // Keys outside `allowed` are reported at once.
  FieldReader(YAML::Node body, std::string context, std::string path,
              std::vector<FileProblem>& problems, const std::vector<std::string>& allowed);

  bool has(const std::string& key) const;
  int line() const { return line_of(m_body); }
  int line(const std::string& key) const;  // of the value; of the mapping when absent
  const std::string& context() const { return m_context; }

  // A scalar as written; "" when absent (reported when required).
  std::string text(const std::string& key, Need need);
  // A non-empty name of at most 63 bytes (PostgreSQL would shorten a longer one).
  std::string identifier(const std::string& key, Need need);
  // "users" or "app.users".
  TableName table(const std::string& key, Need need);
  // An SQL type name, checked with PostgreSQL's parser.
  std::string type(const std::string& key, Need need);
  // An SQL expression, checked with PostgreSQL's parser.
  std::string expression(const std::string& key, Need need);
  std::optional<bool> flag(const std::string& key);
  // A list of identifiers (column names); empty lists are reported.
  std::vector<std::string> identifiers(const std::string& key, Need need);
  // A nested mapping read with its own allowed keys; nullopt when absent or
  // not a mapping (reported).
  std::optional<FieldReader> mapping(const std::string& key, std::string context,
                                     const std::vector<std::string>& allowed, Need need);
  // The raw node, for keys that take several shapes.
  YAML::Node node(const std::string& key) const;

  void problem(int line, std::string message);
  // True when this reader reported anything.
  bool failed() const { return m_problems.size() != m_problems_before; }
  const std::string& path() const { return m_path; }
  std::vector<FileProblem>& problems() { return m_problems; }

 private:
  // has(key); reports the key missing when it is required.
  bool present(const std::string& key, Need need);
  std::optional<std::string> scalar(const std::string& key, Need need);
  bool check_identifier(const std::string& name, int line, const std::string& what);

  YAML::Node m_body;
  std::string m_context;
  std::string m_path;
  std::vector<FileProblem>& m_problems;
  size_t m_problems_before;
};

}  // namespace migrate::core
