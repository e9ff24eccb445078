// What the revision harnesses share: a file's text through the parser, and a
// valid revision through its steps and lint, as `migrate lint` runs them.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "core/checks/lint.hpp"
#include "core/error.hpp"
#include "core/revisions/revision_parser.hpp"
#include "core/revisions/revision_script.hpp"

namespace migrate::fuzz {

inline void check_revision(const std::string& path, const std::string& content) {
  std::vector<FileProblem> problems;
  auto revision = core::parse_revision({path, content}, problems);
  if (!revision) return;
  for (core::Phase phase :
       {core::Phase::expand, core::Phase::contract, core::Phase::rollback, core::Phase::down}) {
    try {
      core::steps_for(*revision, phase);
    } catch (const std::runtime_error&) {
      // A section that does not split is reported as a problem, not a crash.
    }
  }
  core::lint_revision(*revision);
}

}  // namespace migrate::fuzz
