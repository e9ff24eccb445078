// Lint suppressions written in revision files: `-- migrate:lint-ignore RULE[,
// RULE] (reason)` (or `# migrate:lint-ignore ...` in YAML) silences those
// rules for the next statement (YAML: the next operation), or for the whole
// file when it stands before the first section (SQL: `-- migrate:up`; YAML:
// `operations:`).
#pragma once

#include <limits>
#include <string>
#include <vector>

#include "core/checks/lint.hpp"
#include "core/revisions/revision.hpp"

namespace migrate::core {

struct LintSuppression {
  int line = 0;                    // where the directive is
  std::vector<std::string> rules;  // rule ids it silences
  std::string reason;              // the text in parentheses; may be empty
  // The finding lines it covers: from the directive to the first line of the
  // statement after it; the whole file: 0 to the largest int.
  int first = 0;
  int last = std::numeric_limits<int>::max();
};

// The suppressions of `revision`'s file. A directive naming no rule, or a rule
// lint does not have, is an error finding (rule `lint-ignore`) at its line in
// `problems`; its known rules still apply.
std::vector<LintSuppression> read_suppressions(const Revision& revision,
                                               std::vector<LintFinding>& problems);

// `findings` without those a suppression covers.
std::vector<LintFinding> suppress(std::vector<LintFinding> findings,
                                  const std::vector<LintSuppression>& suppressions);

}  // namespace migrate::core
