// The executor: runs a plan revision by revision against the Database seam.
// It owns the policy: one transaction per transactional revision together with
// its state row; in-progress marks for everything else; lock_timeout on every
// step with retries, backoff and blocker reports; batched, resumable backfills.
#pragma once

#include <atomic>
#include <chrono>
#include <string>
#include <vector>

#include "core/revisions/applied_revision.hpp"
#include "core/revisions/plan.hpp"
#include "core/revisions/revision_graph.hpp"
#include "engine/database.hpp"
#include "engine/reporter.hpp"
#include "engine/state_sql.hpp"

namespace migrate::engine {

struct ExecutionOptions {
  std::chrono::milliseconds lock_timeout{2000};
  int retries = 10;                                   // attempts after the first
  std::chrono::milliseconds retry_deadline{std::chrono::minutes(10)};
  std::chrono::milliseconds statement_timeout{0};     // 0: none
  std::chrono::milliseconds terminate_blockers_after{0};  // 0: never terminate
  int backfill_batch = 1000;
  std::chrono::milliseconds backfill_pause{0};
  std::string source;        // where the files come from (git describe, --source)
  std::string tool_version;
  std::string note;          // recorded with each revision (overrides used)
  // An interrupted non-transactional statement: re-run it (resume) or treat
  // it as done (skip_interrupted). Neither: refuse and explain.
  bool resume = false;
  bool skip_interrupted = false;
};

// Set by the signal handler; the executor stops between steps (exit 130).
extern std::atomic<bool> g_interrupted;

class Executor {
 public:
  Executor(Database& database, Reporter& reporter, const StateSql& state, ExecutionOptions options);

  // Runs `plan`. `applied` is the state read under the migration lock.
  // Throws Error: runtime for failing SQL (naming file and line), interrupted
  // when a signal arrived.
  void run(const core::RevisionGraph& graph, const core::Plan& plan,
           const std::vector<core::AppliedRevision>& applied);

 private:
  void run_revision(const core::Revision& revision, core::Phase phase, const core::AppliedRevision* record);
  void run_in_one_transaction(const core::Revision& revision, core::Phase phase,
                              const std::vector<core::Step>& steps, std::chrono::steady_clock::time_point start);
  void run_step_by_step(const core::Revision& revision, core::Phase phase, const std::vector<core::Step>& steps,
                        int first_step, std::chrono::steady_clock::time_point start);
  // The steps of run_step_by_step from `first_step`, each recorded when done.
  void run_steps(const core::Revision& revision, const std::vector<core::Step>& steps, int first_step);
  void run_statement(const core::Revision& revision, const core::Step& step, const std::vector<std::string>& after);
  void run_backfill(const core::Revision& revision, const core::Step& step, int step_index);
  // Refuses, before any step runs, a backfill of an existing table without a primary key.
  void check_backfill_keys(const std::vector<core::Step>& steps);
  std::vector<std::string> primary_key(const core::Backfill& spec);
  static Error no_primary_key(const core::Step& step);
  // Runs a batch, retrying lock timeouts with backoff, and returns the rows of
  // batch.result_of. `step` names the work in messages.
  std::vector<Database::Row> run_with_retry(const Batch& batch, const core::Step& step, int first_step_statement,
                      const std::vector<core::Step>* steps);
  std::vector<std::string> timeouts(const core::Revision& revision, bool local) const;
  std::string state_change_for(const core::Revision& revision, core::Phase phase, long long duration_ms) const;
  void check_interrupted() const;
  // Drops the step's index when an interrupted concurrent build left it invalid.
  void drop_invalid_index(const core::Step& step);
  // Reports and records sessions the blocker watch terminated.
  void report_terminated();

  Database& m_database;
  Reporter& m_reporter;
  const StateSql& m_state;
  ExecutionOptions m_options;
  int m_failed_step = -1;  // the step run_steps is on (-1: not in run_steps)
};

}  // namespace migrate::engine
