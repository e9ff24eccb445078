// The YAML revision format: revision, parents, message, transaction,
// statement_timeout and a list of declarative operations.
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <map>

#include "core/duration.hpp"
#include "core/operations/field_reader.hpp"
#include "core/revisions/revision_parser.hpp"
#include "core/suggest.hpp"

namespace migrate::core {

namespace {

const std::vector<std::string> k_keys = {"revision",    "parents",           "message",
                                         "transaction", "statement_timeout", "operations"};

}  // namespace

std::optional<Revision> parse_yaml_revision(const SourceFile& file,
                                            std::vector<FileProblem>& problems) {
  size_t problems_before = problems.size();
  auto problem = [&](int line, std::string message) {
    problems.push_back({file.path, line, std::move(message)});
  };

  YAML::Node root;
  try {
    root = YAML::Load(file.content);
  } catch (const YAML::Exception& error) {
    problem(error.mark.line >= 0 ? error.mark.line + 1 : 0,
            fmt::format("invalid YAML: {}", error.msg));
    return std::nullopt;
  }
  if (!root.IsMap()) {
    problem(line_of(root),
            "a YAML revision must be a mapping with 'revision', 'parents' and 'operations'");
    return std::nullopt;
  }

  Revision revision;
  revision.path = file.path;
  revision.format = RevisionFormat::yaml;

  bool has_id = false, has_operations = false;
  int empty_operations_line = 0;
  std::map<std::string, int> seen;
  for (const auto& entry : root) {
    int line = line_of(entry.first);
    if (!entry.first.IsScalar()) {
      problem(line, fmt::format("a key must be one of {}, not a list or a mapping",
                                fmt::join(k_keys, ", ")));
      continue;
    }
    std::string key = entry.first.Scalar();
    const YAML::Node& value = entry.second;
    if (seen.count(key)) {
      problem(line, fmt::format("key '{}' appears twice (first on line {})", key, seen[key]));
      continue;
    }
    seen[key] = line;
    if (key == "revision") {
      if (!value.IsScalar() || value.Scalar().empty()) {
        problem(line, "'revision' must be a single id");
        continue;
      }
      revision.id = value.Scalar();
      revision.id_line = line;
      has_id = true;
    } else if (key == "parents") {
      revision.parents_line = line;
      if (value.IsNull()) continue;
      if (value.IsScalar()) {
        revision.parents = split_ids(value.Scalar());
      } else if (value.IsSequence()) {
        for (const auto& parent : value) {
          if (!parent.IsScalar())
            problem(line_of(parent), "each parent must be a revision id");
          else
            revision.parents.push_back(parent.Scalar());
        }
      } else {
        problem(line, "'parents' must be a list of revision ids");
      }
    } else if (key == "message") {
      if (!value.IsScalar())
        problem(line, "'message' must be text");
      else
        revision.message = value.Scalar();
    } else if (key == "transaction") {
      bool transactional = true;
      if (!value.IsScalar() || !YAML::convert<bool>::decode(value, transactional))
        problem(line, "'transaction' must be true or false");
      revision.transactional = transactional;
    } else if (key == "statement_timeout") {
      if (!value.IsScalar())
        problem(line, "'statement_timeout' must be a duration such as 30s");
      else
        revision.statement_timeout = value.Scalar();
      if (value.IsScalar()) {
        try {
          parse_duration(value.Scalar(), "statement_timeout");
        } catch (const Error& error) {
          problem(line, error.what());
        }
      }
    } else if (key == "operations") {
      has_operations = true;
      if (!value.IsSequence()) {
        problem(line, "'operations' must be a list (each item starts with '- ')");
        continue;
      }
      if (value.size() == 0) empty_operations_line = line;
      for (const auto& item : value)
        revision.operations.push_back(parse_operation(item, file.path, problems));
    } else {
      problem(line, fmt::format("unknown key '{}'{}", key, did_you_mean(key, k_keys)));
    }
  }
  if (!has_id) problem(1, "no revision id (add 'revision: <id>')");
  if (!has_operations) problem(1, "no 'operations' list");
  // Only a merge revision may run nothing, as in the SQL format: anything
  // else is a draft, loaded but never applied.
  if (empty_operations_line > 0 && !revision.is_merge())
    revision.draft_line = empty_operations_line;
  if (problems.size() != problems_before) return std::nullopt;
  return revision;
}

}  // namespace migrate::core
