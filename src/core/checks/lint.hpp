// Safety lint for revisions, in the spirit of squawk and strong_migrations:
// SQL that fails to parse or cannot run where the revision puts it (errors),
// and DDL that locks or rewrites tables the application is using, or breaks
// the old application version during a canary (warnings). docs/lint.md
// describes every rule.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/revisions/revision.hpp"

namespace migrate::core {

enum class Severity { warning, error };

const char* to_string(Severity severity);  // "warning", "error"

// What lint knows beyond the files: the VOLATILE user functions that column
// defaults call, looked up in the database when a command is connected.
struct LintContext {
  std::set<std::string> volatile_functions;  // as the statements name them
};

struct LintFinding {
  Severity severity = Severity::warning;
  std::string rule;  // stable id, e.g. "concurrently-in-transaction"
  std::string path;
  int line = 0;  // 0: the whole file
  std::string message;
  std::string hint;  // what to do instead; may be empty
};

// Every finding for `revision`, ordered by line. SQL revisions: every rule on
// up, contract and down (rename and drop-in-up on up only). YAML revisions: the
// SQL of raw `sql` operations gets the same rules; the SQL the other
// operations generate is safe by design and only checked for syntax and for
// statements that cannot run inside a transaction. Never throws for bad SQL:
// that is a `syntax` finding.
std::vector<LintFinding> lint_revision(const Revision& revision, const LintContext& context = {});

// The findings of what `upgrade` runs: the up phase (SQL revisions) or the
// expand phase (YAML), plus missing-down. Other sections are not parsed: a
// `down` written for a newer PostgreSQL does not stop an upgrade.
std::vector<LintFinding> lint_upgrade(const Revision& revision, const LintContext& context = {});

// The functions that the column defaults of `ADD COLUMN` call in the
// revision's up and contract SQL, other than the built-in ones lint knows:
// what to look up for LintContext. Unparsable SQL is skipped (lint reports it).
std::vector<std::string> default_function_calls(const Revision& revision);

// "path:line: error[rule]: message" and, when there is a hint, "\n  hint: ...".
// No trailing newline.
std::string format_finding(const LintFinding& finding);

// True when any finding is an error (exit code 7).
bool has_errors(const std::vector<LintFinding>& findings);

// Error-level findings stop a command before it runs anything (exit 7).
class LintError : public Error {
 public:
  explicit LintError(std::vector<LintFinding> findings);
  const std::vector<LintFinding>& findings() const { return m_findings; }

 private:
  std::vector<LintFinding> m_findings;
};

}  // namespace migrate::core
