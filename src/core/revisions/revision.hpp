// A revision as read from one file of the migrations directory: its identity in
// the graph (id, parents), its content, and what runs in each phase.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/operations/operation.hpp"

namespace migrate::core {

enum class RevisionFormat { sql, yaml };

// One file's path (as shown to the user) and its bytes. Reading the disk is the
// fs layer's job; the core only sees these.
struct SourceFile {
  std::string path;
  std::string content;
};

// A `-- migrate:<name>` section of an SQL revision.
struct SqlSection {
  bool present = false;
  std::string text;
  int first_line = 0;  // line of the first text line after the marker
};

struct Revision {
  std::string id;
  std::vector<std::string> parents;
  std::string message;
  std::string path;
  int id_line = 0;       // where the id is declared, for messages
  int parents_line = 0;  // where the parents are declared (0: not at all)
  RevisionFormat format = RevisionFormat::sql;
  bool transactional = true;
  std::string statement_timeout;  // "" = the run's default
  std::string content;            // the file, as read (core::checksum(content) when needed)

  // SQL format
  SqlSection up, contract, down;
  // YAML format
  std::vector<Operation> operations;

  bool is_merge() const { return parents.size() > 1; }
  bool is_root() const { return parents.empty(); }
  // True when the contract phase has anything to run.
  bool has_contract() const;
};

}  // namespace migrate::core
