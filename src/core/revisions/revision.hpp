// A revision as read from one file of the migrations directory: its identity in
// the graph (id, parents), its content, and what runs in each phase.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/operations/operation.hpp"

namespace migrate::core {

enum class RevisionFormat { sql, yaml };

// One file's path (as shown to the user) and its bytes. Reading the disk is the
// fs layer's job; the core only sees these.
struct SourceFile {
  std::string path;
  std::string content;
};

// A `-- migrate:<name>` section of an SQL revision: where its text lies in the
// revision's content (Revision::text gives it), not a copy of it.
// 32-bit offsets keep 50,000 revisions' sections 1.2 MB smaller: a revision file
// is at most 16 MiB on disk (fs) and 1 GB in a state row (PostgreSQL's text).
struct SqlSection {
  uint32_t begin = 0;  // offset in Revision::content of the line after the marker
  uint32_t size = 0;   // bytes up to the next marker or the end; 0 when blank
  int first_line = 0;  // line of the first text line after the marker
  bool present = false;
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
  // A summary (core::summarize, or an entry of the cache of parsed files)
  // holds no content, sections or operations: only what status, heads and
  // history read, with the content's checksum and whether a contract phase
  // exists worked out when the file was parsed.
  bool summary_only = false;
  bool summary_has_contract = false;
  // A draft runs nothing although it is not a merge (an `up` section or an
  // `operations` list left empty, as `migrate new` writes it): the line that
  // says so, 0 for a revision that runs something or a merge.
  int draft_line = 0;
  std::string statement_timeout;  // "" = the run's default
  std::string content;            // the file, as read (core::checksum(content) when needed)

  // SQL format
  SqlSection up, contract, down;
  // YAML format
  std::vector<Operation> operations;

  std::string summary_checksum;  // of a summary only

  // The text of one of this revision's sections.
  std::string_view text(const SqlSection& section) const {
    return std::string_view(content).substr(section.begin, section.size);
  }
  bool is_merge() const { return parents.size() > 1; }
  bool is_draft() const { return draft_line > 0; }
  bool is_root() const { return parents.empty(); }
  // True when the contract phase has anything to run.
  bool has_contract() const;
  // True when `recorded` (a state row's checksum) is this revision's content's.
  bool checksum_matches(std::string_view recorded) const;
};

// What is missing in a draft, located at its draft_line ("a.sql:4: the 'up'
// section is empty"). Only meaningful when revision.is_draft().
FileProblem draft_problem(const Revision& revision);

}  // namespace migrate::core
