// The lint rules: what each kind of statement is checked for, as a table from
// parse-tree node type to rule, and what a rule sees of the statement it
// checks (the step, the phase, what earlier statements did) and reports.
// lint.cpp drives them over a revision's phases; docs/lint.md lists them.
#pragma once

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/checks/lint.hpp"
#include "core/sql/parse_tree.hpp"
#include "core/step.hpp"

namespace migrate::core {

// Every rule: its stable id (as findings and suppressions name it) and its severity.
struct LintRule {
  const char* id;
  Severity severity;
};
const std::vector<LintRule>& lint_rules();

using ColumnKey = std::pair<std::string, std::string>;  // (table, column or constraint name)

// What earlier statements of the revision did, so later ones are judged in context.
struct LintMemory {
  // Created in this phase: nobody else uses them yet.
  std::set<std::string> created_tables;
  // (table, column) with a validated CHECK (column IS NOT NULL).
  std::set<ColumnKey> proven_not_null;
  // (table, constraint name) of a CHECK added NOT VALID -> the columns it proves NOT NULL.
  std::map<ColumnKey, std::vector<std::string>> unvalidated_checks;
  // (table, constraint name) added NOT VALID in this phase's transaction.
  std::set<ColumnKey> added_not_valid_in_transaction;

  // The contract phase runs later, in its own transaction, on tables in use.
  LintMemory for_next_phase() const {
    LintMemory next = *this;
    next.created_tables.clear();
    next.added_not_valid_in_transaction.clear();
    return next;
  }
};

// What a rule sees of the statement it checks, and where it reports.
class StatementCheck {
 public:
  StatementCheck(const Step& step, Phase phase, bool all_rules, bool sql_file, LintMemory& memory,
                 std::vector<LintFinding>& findings, const std::string& path,
                 const LintContext& context);

  const Step& step;
  const Phase phase;
  // False for SQL generated from YAML operations: only the rules that catch
  // SQL that cannot run apply to it.
  const bool all_rules;
  const bool sql_file;
  LintMemory& memory;
  const LintContext& context;

  bool in_up() const { return phase == Phase::expand; }
  // Tables created in this phase are not in use by anyone yet.
  bool in_use(const std::string& table) const { return memory.created_tables.count(table) == 0; }
  // Where a person moves work that must wait for the contract phase.
  std::string contract_place() const;
  // A finding of `rule` (an id of lint_rules(), with its severity) at the step's line.
  void report(const char* rule, std::string message, std::string hint);
  void warn(const char* rule, std::string message, std::string hint) {
    report(rule, std::move(message), std::move(hint));
  }
  // An error when the step runs inside a transaction: `what` cannot.
  void no_transaction(const std::string& what);

 private:
  std::vector<LintFinding>& m_findings;
  const std::string& m_path;
};

// Checks one statement (the body of a parse-tree node).
using StatementRule = void (*)(const parse_tree::Node& statement, StatementCheck& check);

// The rules by parse-tree node type, e.g. "AlterTableStmt".
const std::map<std::string, StatementRule>& statement_rules();

// Adds to `calls` the functions that ADD COLUMN defaults in `statement` (a
// parse-tree statement node) call, except the built-in volatile ones.
void collect_default_calls(const parse_tree::Node& statement, std::set<std::string>& calls);

}  // namespace migrate::core
