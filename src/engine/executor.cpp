#include "engine/executor.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <random>
#include <unordered_set>

#include "core/duration.hpp"
#include "core/revisions/revision_script.hpp"
#include "core/sql/sql_text.hpp"

namespace migrate::engine {

using std::chrono::milliseconds;

namespace {

long long elapsed_ms(Clock& clock, Clock::time_point since) {
  return std::chrono::duration_cast<milliseconds>(clock.now() - since).count();
}

// The first line of a PostgreSQL error, without libpq's "ERROR:  " prefix.
std::string first_line(const std::string& text) {
  std::string line = text.substr(0, text.find('\n'));
  if (line.rfind("ERROR:  ", 0) == 0) line = line.substr(8);
  return line;
}

// A step's statement, with its COPY data if any.
Statement statement_of(const core::Step& step) {
  Statement statement(step.sql);
  statement.copy_data = step.copy_data;
  return statement;
}

// The server reported that a statement failed (or never got its lock): it
// took no effect. Lost connections are not this: their statement may have.
class StatementFailed : public DatabaseError {
 public:
  using DatabaseError::DatabaseError;
};

// The note a step-by-step revision keeps while its step `step` (0-based)
// failed; the next run reads it to re-run that step without asking.
std::string failed_note(int step) { return fmt::format("failed at step {}", step + 1); }

}  // namespace

Executor::Executor(Database& database, Reporter& reporter, Clock& clock, ExecutionOptions options)
    : m_database(database),
      m_reporter(reporter),
      m_clock(clock),
      m_options(std::move(options)),
      m_last_heartbeat(clock.now()) {
  m_database.set_blocker_policy({m_options.lock_timeout, m_options.terminate_blockers_after});
}

void Executor::beat() {
  // The holder row's heartbeat tells `lock status` and `lock clear` the run is alive.
  if (m_clock.now() - m_last_heartbeat < k_heartbeat_every) return;
  m_database.heartbeat();
  m_last_heartbeat = m_clock.now();
}

void Executor::wait(milliseconds duration) {
  const auto until = m_clock.now() + duration;
  for (auto now = m_clock.now(); now < until; now = m_clock.now()) {
    m_clock.sleep(std::min<milliseconds>(std::chrono::duration_cast<milliseconds>(until - now),
                                         k_heartbeat_every));
    beat();
  }
}

void Executor::run(const core::RevisionGraph& graph, const core::Plan& plan,
                   const std::vector<core::AppliedRevision>& applied) {
  m_unflushed = false;
  // A revision the plan already ran (`upgrade --contract` expands, then
  // contracts) is past what `applied` recorded before the run.
  std::unordered_set<std::string> ran;
  try {
    for (size_t i = 0; i < plan.size(); ++i) {
      const auto& planned = plan[i];
      stop_if_interrupted();
      beat();
      const core::Revision& revision = graph.get(planned.id);
      auto record = std::find_if(applied.begin(), applied.end(),
                                 [&](const auto& r) { return r.id == planned.id; });
      bool stale = record == applied.end() || ran.count(planned.id) != 0;
      m_last_of_run = i + 1 == plan.size();
      run_revision(revision, planned.phase, stale ? nullptr : &*record);
      ran.insert(planned.id);
    }
  } catch (...) {
    flush_commits();
    throw;
  }
  flush_commits();
}

void Executor::flush_commits() {
  if (!m_unflushed) return;
  m_unflushed = false;
  // A synchronous commit flushes the WAL of every commit before it, so the
  // revisions committed with synchronous_commit off are durable before the
  // run reports anything. The heartbeat is such a commit (it writes a row).
  try {
    m_database.heartbeat();
    m_last_heartbeat = m_clock.now();
  } catch (const std::exception&) {
    // The run's own error says more; a lost connection left the server to
    // flush what it had (the WAL writer does within a few hundred ms).
  }
}

milliseconds Executor::statement_timeout(const core::Revision& revision) const {
  if (revision.statement_timeout.empty()) return m_options.statement_timeout;
  return core::parse_duration(revision.statement_timeout, revision.path + ": statement timeout");
}

std::vector<Statement> Executor::timeouts(const core::Revision& revision, Scope scope) const {
  const char* set = scope == Scope::transaction ? "SET LOCAL" : "SET";
  return {fmt::format("{} lock_timeout = '{}ms'", set, m_options.lock_timeout.count()),
          fmt::format("{} statement_timeout = '{}ms'", set, statement_timeout(revision).count())};
}

Statement Executor::state_change_for(const core::Revision& revision, core::Phase phase,
                                     long long duration_ms) const {
  switch (phase) {
    case core::Phase::expand:
      return state::Record{
          &revision,
          revision.has_contract() ? core::AppliedPhase::expanded : core::AppliedPhase::complete,
          m_options.provenance, m_options.note, duration_ms};
    case core::Phase::contract:
      return state::SetPhase{revision.id, core::AppliedPhase::complete};
    case core::Phase::rollback:
    case core::Phase::down:
      break;
  }
  return state::Forget{revision.id};
}

namespace {

const char* command_for(core::Phase phase) {
  switch (phase) {
    case core::Phase::expand:
      return "upgrade";
    case core::Phase::contract:
      return "contract";
    case core::Phase::rollback:
    case core::Phase::down:
      break;
  }
  return "downgrade";
}

bool is_undo(std::optional<core::Phase> phase) {
  return phase == core::Phase::rollback || phase == core::Phase::down;
}

}  // namespace

void Executor::run_revision(const core::Revision& revision, core::Phase phase,
                            const core::AppliedRevision* record) {
  const auto start = m_clock.now();
  // An interrupted undo goes on the way it started (rollback or down).
  if (record && record->phase == core::AppliedPhase::in_progress &&
      is_undo(record->running_phase) && is_undo(phase))
    phase = *record->running_phase;
  std::vector<core::Step> steps = core::steps_for(revision, phase);
  m_reporter.revision_started(revision.id, revision.message, phase);

  int first_step = 0;
  // A YAML revision's rollback is written to run from any point of its expand
  // (IF EXISTS throughout), so an interrupted expand can be rolled back
  // without finishing it first, e.g. when its backfill hurt production.
  bool rollback_of_interrupted_expand =
      record && record->phase == core::AppliedPhase::in_progress &&
      record->running_phase == core::Phase::expand && phase == core::Phase::rollback &&
      revision.format == core::RevisionFormat::yaml;
  if (record && record->phase == core::AppliedPhase::in_progress &&
      !rollback_of_interrupted_expand) {
    const core::Phase running = record->running_phase.value_or(phase);
    if (running != phase)
      throw Error(
          ExitCode::runtime,
          fmt::format("revision {} ({}) was interrupted during its {} phase, not {}", revision.id,
                      revision.path, core::to_string(running), core::to_string(phase)),
          fmt::format("finish that first: run `migrate {}` again", command_for(running)));
    first_step = record->steps_done;
    bool generated = revision.format == core::RevisionFormat::yaml;
    bool failed = record->note.rfind(failed_note(first_step) + ":", 0) == 0;
    if (failed && first_step < static_cast<int>(steps.size()) &&
        m_options.interrupted != Interrupted::skip)
      m_reporter.info(fmt::format(
          "{}: this statement failed on the last run, so it took no effect; running it again",
          steps[static_cast<size_t>(first_step)].origin()));
    else if (first_step < static_cast<int>(steps.size()) && !generated &&
             m_options.interrupted == Interrupted::refuse) {
      const core::Step& step = steps[static_cast<size_t>(first_step)];
      throw Error(
          ExitCode::runtime,
          fmt::format(
              "revision {} was interrupted: {} of its {} statements completed; statement {} at {} "
              "may or may not have taken effect:\n  {}",
              revision.id, first_step, steps.size(), first_step + 1, step.origin(),
              query_summary(step.sql, 100)),
          fmt::format(
              "check the database. If it did not take effect, run `migrate {0} --resume` to run it "
              "again and continue; if it did, run `migrate {0} --skip-interrupted` to continue "
              "after it",
              command_for(running)));
    }
    if (m_options.interrupted == Interrupted::skip && !generated) ++first_step;
  }

  if (first_step == 0) {
    run_prechecks(steps);
    check_backfill_keys(steps);
  }
  if (first_step == 0 && revision.transactional && core::single_transaction(steps))
    run_in_one_transaction(revision, phase, steps);
  else {
    run_step_by_step(revision, phase, steps, first_step, start);
    m_unflushed = false;  // its state writes commit synchronously
  }
  m_reporter.revision_finished(revision.id, phase, milliseconds(elapsed_ms(m_clock, start)));
}

void Executor::run_in_one_transaction(const core::Revision& revision, core::Phase phase,
                                      const std::vector<core::Step>& steps) {
  Batch batch;
  batch.statements = timeouts(revision, Scope::transaction);
  // Durability: every revision but the last of the run commits without
  // waiting for its WAL flush; the last one's synchronous commit (or
  // flush_commits() when the run stops early) flushes them all before success
  // or failure is reported. Each revision stays one atomic transaction.
  const bool asynchronous = !m_last_of_run;
  if (asynchronous) batch.statements.emplace_back("SET LOCAL synchronous_commit = off");
  const int first_statement = static_cast<int>(batch.statements.size());
  for (const auto& step : steps) batch.statements.push_back(statement_of(step));
  if (phase == core::Phase::rollback || phase == core::Phase::down)
    batch.statements.push_back(state::ClearBackfill{revision.id});
  batch.statements.push_back(state_change_for(revision, phase, -1));
  core::Step whole;
  whole.path = revision.path;
  whole.description = fmt::format("revision {}", revision.id);
  run_batch(batch, whole, first_statement, &steps);
  m_unflushed = asynchronous;  // a synchronous commit flushed every earlier one
}

void Executor::run_step_by_step(const core::Revision& revision, core::Phase phase,
                                const std::vector<core::Step>& steps, int first_step,
                                Clock::time_point start) {
  // The checksum and content are those of the file that runs now: a file
  // edited after its first statement failed runs as edited, and that is what
  // the next run compares with.
  m_database.run({{state::MarkInProgress{&revision, phase, first_step, m_options.provenance},
                   state::UpdateChecksum{&revision, ""}},
                  true});
  try {
    run_steps(revision, steps, first_step);
    m_failed_step = -1;
  } catch (const StatementFailed& error) {
    // Recorded so that the next run knows this step took no effect.
    m_database.run({{state::SetNote{revision.id, fmt::format("{}: {}", failed_note(m_failed_step),
                                                             first_line(error.what()))}},
                    true});
    m_failed_step = -1;
    throw;
  }
  check_indexes_valid(revision, phase, steps);
  std::vector<Statement> finish;
  if (phase != core::Phase::contract) finish.push_back(state::ClearBackfill{revision.id});
  finish.push_back(state_change_for(revision, phase, elapsed_ms(m_clock, start)));
  m_database.run({finish, true});
}

void Executor::run_steps(const core::Revision& revision, const std::vector<core::Step>& steps,
                         int first_step) {
  auto groups_with = [&](size_t k) {
    return k < steps.size() && steps[k].kind == core::Step::Kind::statement &&
           steps[k].transactional;
  };
  for (int i = first_step; i < static_cast<int>(steps.size());) {
    stop_if_interrupted();
    beat();
    m_failed_step = i;
    const core::Step& step = steps[static_cast<size_t>(i)];
    if (step.kind == core::Step::Kind::backfill) {
      run_backfill(revision, step, i);
      m_database.run({{state::SetProgress{revision.id, i + 1}}, true});
      ++i;
    } else if (!step.transactional) {
      run_statement(revision, step, i + 1);
      ++i;
    } else {
      // Consecutive transactional steps commit together, so that what they
      // create appears at once: new columns never exist without the trigger
      // that keeps them in sync.
      size_t end = static_cast<size_t>(i);
      while (groups_with(end)) ++end;
      std::vector<core::Step> group(steps.begin() + i, steps.begin() + static_cast<long>(end));
      Batch batch;
      batch.statements = timeouts(revision, Scope::transaction);
      const int first_statement = static_cast<int>(batch.statements.size());
      for (const auto& member : group) batch.statements.push_back(statement_of(member));
      batch.statements.push_back(state::SetProgress{revision.id, static_cast<int>(end)});
      run_batch(batch, step, first_statement, &group);
      i = static_cast<int>(end);
    }
  }
}

void Executor::run_statement(const core::Revision& revision, const core::Step& step,
                             int steps_done_after) {
  Statement progress = state::SetProgress{revision.id, steps_done_after};
  if (step.transactional) {
    Batch batch;
    batch.statements = timeouts(revision, Scope::transaction);
    int first_statement = static_cast<int>(batch.statements.size());
    batch.statements.push_back(statement_of(step));
    batch.statements.push_back(progress);
    run_batch(batch, step, first_statement, nullptr);
    return;
  }
  Batch batch{timeouts(revision, Scope::session), false};
  batch.statements.push_back(statement_of(step));
  run_batch(batch, step, static_cast<int>(batch.statements.size()) - 1, nullptr);
  m_database.run({{progress}, true});
}

void Executor::drop_invalid_index(const core::Step& step) {
  if (step.drop_if_invalid_index.empty() ||
      !m_database.index_is_invalid(step.drop_if_invalid_index))
    return;
  m_reporter.warning(fmt::format(
      "index {} is invalid (an interrupted concurrent build); dropping and rebuilding it",
      step.drop_if_invalid_index));
  core::Step drop = step;
  drop.drop_if_invalid_index.clear();
  drop.sql = "DROP INDEX CONCURRENTLY IF EXISTS " + step.drop_if_invalid_index;
  run_batch(
      {{fmt::format("SET lock_timeout = '{}ms'", m_options.lock_timeout.count()), drop.sql}, false},
      drop, 1, nullptr);
}

void Executor::run_prechecks(const std::vector<core::Step>& steps) {
  // With --sql the checks print before the revision too: psql stops there as the command would.
  for (const auto& step : steps) {
    if (!step.precheck) return;
    try {
      m_database.run({{step.sql}, true});
    } catch (const DatabaseError& error) {
      throw Error(ExitCode::runtime, first_line(error.what()), step.hint);
    }
  }
}

void Executor::check_indexes_valid(const core::Revision& revision, core::Phase phase,
                                   const std::vector<core::Step>& steps) {
  for (size_t i = 0; i < steps.size(); ++i) {
    std::string check = core::invalid_index_check(steps[i]);
    if (check.empty()) continue;
    try {
      m_database.run({{check}, true});
    } catch (const DatabaseError& error) {
      // From that step, a re-run drops the invalid index and builds it again.
      m_database.run({{state::SetProgress{revision.id, static_cast<int>(i)}}, true});
      const char* command = command_for(phase);
      bool generated = revision.format == core::RevisionFormat::yaml;
      throw Error(ExitCode::runtime,
                  fmt::format("{}: revision {} is not recorded: {}", steps[i].origin(), revision.id,
                              first_line(error.what())),
                  fmt::format("fix what made the build fail (for a unique index: the duplicate "
                              "rows), then run `migrate "
                              "{}{}`: it drops the invalid index and builds it again",
                              command, generated ? "" : " --resume"));
    }
  }
}

void Executor::report_terminated() {
  for (const auto& session : m_database.take_terminated()) {
    m_reporter.blocker_terminated(session);
    m_database.run(
        {{state::Event{"terminate-blocker", "", "terminated " + describe_session(session)}}, true});
  }
}

void Executor::run_batch(const Batch& batch, const core::Step& step, int first_step_statement,
                         const std::vector<core::Step>* steps) {
  with_retry(step, steps, first_step_statement, batch.transactional,
             [&] { m_database.run(batch); });
}

void Executor::with_retry(const core::Step& step, const std::vector<core::Step>* steps,
                          int first_step_statement, bool transactional,
                          const std::function<void()>& attempt_once) {
  const auto start = m_clock.now();
  std::mt19937 random(std::random_device{}());
  milliseconds backoff = k_first_backoff;
  for (int attempt = 1;; ++attempt) {
    // A concurrent build that timed out waiting has already left an invalid
    // index behind; IF NOT EXISTS would then skip it and record success.
    drop_invalid_index(step);
    try {
      attempt_once();
      report_terminated();
      return;
    } catch (const DatabaseError& error) {
      report_terminated();
      // Which step failed: a statement of a whole-revision batch, or this step.
      const core::Step* failed = &step;
      int index = error.statement() - first_step_statement;
      if (steps && index >= 0 && index < static_cast<int>(steps->size()))
        failed = &(*steps)[static_cast<size_t>(index)];
      else if (steps && steps->size() == 1)
        failed = &steps->front();
      std::vector<Session> blockers = m_database.take_blockers();
      if (error.is_lock_timeout()) {
        bool out_of_time =
            milliseconds(elapsed_ms(m_clock, start)) + backoff > m_options.retry_deadline;
        if (attempt <= m_options.retries && !out_of_time && !g_interrupted) {
          std::uniform_int_distribution<long long> jitter(0, backoff.count() / 2);
          milliseconds pause = backoff + milliseconds(jitter(random));
          m_reporter.lock_retry(*failed, attempt, blockers, pause);
          wait(pause);
          backoff = std::min<milliseconds>(backoff * 2, k_max_backoff);
          continue;
        }
        std::string who;
        for (const auto& session : blockers) who += "\n  blocked by " + describe_session(session);
        throw StatementFailed(
            fmt::format("{}: could not get a lock within lock_timeout {} after {} attempts{}",
                        failed->origin(), core::format_duration(m_options.lock_timeout), attempt,
                        who),
            error.sqlstate(), error.statement(),
            "nothing of this step was applied. End the blocking session, retry later, raise "
            "--lock-timeout "
            "or --retries, or let migrate end idle-in-transaction blockers with "
            "--terminate-blockers-after");
      }
      std::string where = failed == &step && steps ? step.path : failed->origin();
      std::string message = fmt::format("{}: {} failed: {}", where,
                                        failed->sql.empty() ? failed->description : "statement",
                                        first_line(error.what()));
      if (!error.detail().empty()) message += "\n  DETAIL: " + error.detail();
      if (!error.server_hint().empty()) message += "\n  HINT: " + error.server_hint();
      if (!failed->sql.empty()) message += "\n  " + query_summary(failed->sql, 100);
      throw StatementFailed(
          message, error.sqlstate(), error.statement(),
          transactional && m_failed_step < 0
              ? "its transaction was rolled back and nothing of it was recorded; fix the SQL "
                "and run the command again"
              : "this statement took no effect; fix the cause and run the command again: it "
                "runs again from this statement (`migrate status` shows the revision in "
                "progress)");
    }
  }
}

}  // namespace migrate::engine
