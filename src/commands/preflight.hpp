// The checks every command that changes the database runs first: options
// checked before connecting, the migration lock, the state read under it, and
// the refusals (unknown revisions: exit 3; changed files: exit 6), all before
// anything is written. With --sql the same path runs against OfflineDatabase.
#pragma once

#include <memory>
#include <vector>

#include "commands/commands.hpp"
#include "core/checks/lint.hpp"
#include "core/revisions/plan.hpp"
#include "core/revisions/status.hpp"
#include "engine/executor.hpp"
#include "engine/migration_lock.hpp"
#include "engine/state_sql.hpp"

namespace migrate::commands {

// Up to this many lint warnings before a run are shown one by one; more are
// summarised: the first k_lint_warnings_first, then how many more there are.
constexpr size_t k_lint_warnings_shown = 20;
constexpr size_t k_lint_warnings_first = 5;

// Shows the lint warnings met before a run on the reporter (kept with -q),
// summarised beyond k_lint_warnings_shown so that the first upgrade of a long
// history does not print thousands of lines.
void report_lint_warnings(engine::Reporter& reporter,
                          const std::vector<core::LintFinding>& warnings);

// What lint needs from the database for `revisions`: which functions their
// column defaults call are VOLATILE (one lookup for all of them).
core::LintContext lint_context(engine::Database& database,
                               const std::vector<const core::Revision*>& revisions);

class Preflight {
 public:
  // Connects (unless --sql without a database), takes the lock, reads state
  // and refuses inconsistencies; writes nothing. Changed files are refused
  // (exit 6) except those in `accepted` (stamp --update-checksum), and all of
  // them when `others` is allow (`stamp --update-checksum` alone runs nothing).
  // A database that holds tables or another tool's state but no migrate
  // state is refused (exit 8) unless --allow-existing-schema, or the command
  // is the one that adopts it (stamp).
  enum class ChangedFiles { refuse, allow };
  enum class ExistingSchema { refuse, adopt };
  Preflight(Environment& env, const RunOptions& options, const core::RevisionGraph& graph,
            const std::vector<std::string>& accepted = {},
            ChangedFiles others = ChangedFiles::refuse,
            ExistingSchema existing = ExistingSchema::refuse);
  ~Preflight();

  engine::Database& database() { return *m_database; }
  // What the database held besides migrate's state when it had none (empty otherwise).
  const core::ForeignState& foreign_state() const { return m_foreign; }
  const std::vector<core::AppliedRevision>& applied() const { return m_applied; }
  core::AppliedPhases phases() const { return core::known_phases(m_graph, m_applied); }
  const engine::ExecutionOptions& execution() const { return m_execution; }

  // Checks the plan before anything is written: every statement parses (exit
  // 2 naming file and line) and, for upgrades, lint finds no error (exit 7;
  // warnings are shown).
  void check(const core::Plan& plan);
  // Creates or updates the state schema and records the lock holder (and an
  // existing schema run over or adopted): the first writes of a command,
  // after every check passed.
  void prepare_state();
  // check(), prepare_state(), then the executor.
  void run(const core::Plan& plan);

 private:
  void check_adoption(ExistingSchema existing, bool allowed);

  Environment& m_env;
  const core::RevisionGraph& m_graph;
  engine::StateSql m_state;
  engine::ExecutionOptions m_execution;
  std::unique_ptr<engine::Database> m_connection;
  std::unique_ptr<engine::Database> m_offline;
  std::unique_ptr<engine::MigrationLock> m_lock;
  engine::Database* m_database = nullptr;
  engine::HolderInfo m_holder;
  bool m_checked = false;
  core::ForeignState m_foreign;
  engine::state::Event m_adoption;  // recorded once the state exists
  std::vector<core::AppliedRevision> m_applied;
};

// Parses RunOptions into ExecutionOptions (usage errors for bad durations).
engine::ExecutionOptions execution_options(const Environment& env, const RunOptions& options);

}  // namespace migrate::commands
