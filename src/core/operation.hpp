// Declarative operations of YAML revisions, and their rendering to steps per phase.
// Identifiers from YAML are always quoted when rendered; expressions (up, down,
// check, default) are SQL by design and inserted as written.
#pragma once

#include <string>
#include <variant>
#include <vector>

#include "core/error.hpp"
#include "core/step.hpp"

namespace YAML {
class Node;
}

namespace migrate::core {

// `sql`: raw SQL with up/down and an optional contract part.
struct SqlOp {
  std::string up;
  std::string down;
  std::string contract;
};

using OperationSpec = std::variant<SqlOp>;

struct Operation {
  std::string kind;  // the YAML key, e.g. "add_column"
  int line = 0;      // line of the list item in the file
  OperationSpec spec;
};

// Parses one item of a YAML `operations:` list. Problems (unknown operation,
// unknown or missing keys, wrong types) are appended to `problems` with the
// file and line; the returned operation is only meaningful when none were added.
Operation parse_operation(const YAML::Node& item, const std::string& path,
                          std::vector<FileProblem>& problems);

// The steps an operation contributes to a phase, in order.
std::vector<Step> render_operation(const Operation& operation, Phase phase,
                                   const std::string& path);

// True when the operation has work in the contract phase.
bool operation_has_contract(const Operation& operation);

// The names of the operation kinds, for messages and the JSON Schema.
const std::vector<std::string>& operation_kinds();

}  // namespace migrate::core
