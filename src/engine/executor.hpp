// The executor: runs a plan revision by revision against the Database seam.
// It owns the policy: one transaction per transactional revision together with
// its state row; in-progress marks for everything else; lock_timeout on every
// step with retries, backoff and blocker reports; batched, resumable backfills.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "core/revisions/applied_revision.hpp"
#include "core/revisions/plan.hpp"
#include "core/revisions/revision_graph.hpp"
#include "engine/clock.hpp"
#include "engine/database.hpp"
#include "engine/interruption.hpp"
#include "engine/reporter.hpp"

namespace migrate::engine {

// What to do with the statement an interrupted non-transactional revision
// stopped at: refuse and explain, run it again, or take it as done.
enum class Interrupted { refuse, resume, skip };

struct ExecutionOptions {
  std::chrono::milliseconds lock_timeout = k_default_lock_timeout;
  int retries = 15;  // attempts after the first
  std::chrono::milliseconds retry_deadline{std::chrono::minutes(10)};
  std::chrono::milliseconds statement_timeout{0};         // 0: none
  std::chrono::milliseconds terminate_blockers_after{0};  // 0: never terminate
  int backfill_batch = 1000;
  std::chrono::milliseconds backfill_pause{0};
  std::chrono::milliseconds backfill_time{0};  // batches sized to take this long; 0: fixed size
  state::Provenance provenance;                // where the files come from, and this tool's version
  std::string note;                            // recorded with each revision (overrides used)
  Interrupted interrupted = Interrupted::refuse;
};

// Timing of the executor's waits.
inline constexpr std::chrono::milliseconds k_heartbeat_every{5000};
inline constexpr std::chrono::milliseconds k_first_backoff{100};
inline constexpr std::chrono::milliseconds k_max_backoff{5000};

class Executor {
 public:
  Executor(Database& database, Reporter& reporter, Clock& clock, ExecutionOptions options);

  // Runs `plan`. `applied` is the state read under the migration lock.
  // Throws DatabaseError for failing SQL (naming file and line), Error for
  // refusals, Error(interrupted) when a signal arrived.
  void run(const core::RevisionGraph& graph, const core::Plan& plan,
           const std::vector<core::AppliedRevision>& applied);

 private:
  void run_revision(const core::Revision& revision, core::Phase phase,
                    const core::AppliedRevision* record);
  void run_in_one_transaction(const core::Revision& revision, core::Phase phase,
                              const std::vector<core::Step>& steps);
  void run_step_by_step(const core::Revision& revision, core::Phase phase,
                        const std::vector<core::Step>& steps, int first_step,
                        Clock::time_point start);
  // The steps of run_step_by_step from `first_step`, each recorded when done.
  void run_steps(const core::Revision& revision, const std::vector<core::Step>& steps,
                 int first_step);
  void run_statement(const core::Revision& revision, const core::Step& step, int steps_done_after);
  void run_backfill(const core::Revision& revision, const core::Step& step, int step_index);
  // Runs the prechecks that open `steps` (see Step::precheck); throws their failure.
  void run_prechecks(const std::vector<core::Step>& steps);
  // Refuses, before any step runs, a backfill of an existing table without a primary key.
  void check_backfill_keys(const std::vector<core::Step>& steps);
  // Runs `attempt`, retrying lock timeouts with backoff. `step` names the work
  // in messages; with `steps`, a failing statement of index `i -
  // first_step_statement` in the batch is blamed on steps[i].
  void with_retry(const core::Step& step, const std::vector<core::Step>* steps,
                  int first_step_statement, bool transactional,
                  const std::function<void()>& attempt);
  void run_batch(const Batch& batch, const core::Step& step, int first_step_statement,
                 const std::vector<core::Step>* steps);
  // Where timeouts are set: for the transaction (SET LOCAL), or the session.
  enum class Scope { transaction, session };
  std::vector<Statement> timeouts(const core::Revision& revision, Scope scope) const;
  std::chrono::milliseconds statement_timeout(const core::Revision& revision) const;
  Statement state_change_for(const core::Revision& revision, core::Phase phase,
                             long long duration_ms) const;
  // Drops the step's index when an interrupted concurrent build left it invalid.
  void drop_invalid_index(const core::Step& step);
  // Refuses to record the revision while an index one of its steps built
  // concurrently is INVALID (e.g. that step was skipped with
  // --skip-interrupted), and sets its progress back to that step.
  void check_indexes_valid(const core::Revision& revision, core::Phase phase,
                           const std::vector<core::Step>& steps);
  // Reports and records sessions the blocker watch terminated.
  void report_terminated();
  // Refreshes the lock holder's heartbeat when it is due.
  void beat();
  // Makes the commits made with synchronous_commit off durable (one synchronous commit).
  void flush_commits();
  // Waits, keeping the heartbeat alive.
  void wait(std::chrono::milliseconds duration);

  Database& m_database;
  Reporter& m_reporter;
  Clock& m_clock;
  ExecutionOptions m_options;
  Clock::time_point m_last_heartbeat;
  int m_failed_step = -1;     // the step run_steps is on (-1: not in run_steps)
  bool m_last_of_run = true;  // the revision running is the plan's last
  bool m_unflushed =
      false;  // a revision committed with synchronous_commit off since the last flush
};

}  // namespace migrate::engine
