#include "engine/executor.hpp"

#include <algorithm>
#include <random>
#include <thread>

#include <fmt/format.h>

#include "core/duration.hpp"
#include "core/revisions/revision_script.hpp"
#include "core/sql/sql_text.hpp"

namespace migrate::engine {

std::atomic<bool> g_interrupted{false};

using clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

long long elapsed_ms(clock::time_point since) {
  return std::chrono::duration_cast<milliseconds>(clock::now() - since).count();
}

// The first line of a PostgreSQL error, without libpq's "ERROR:  " prefix.
std::string first_line(const std::string& text) {
  std::string line = text.substr(0, text.find('\n'));
  if (line.rfind("ERROR:  ", 0) == 0) line = line.substr(8);
  return line;
}

// Appends a step's statement, and its COPY data if any, to `batch`.
void add_statement(Batch& batch, const core::Step& step) {
  if (step.copy_data) batch.copy_data[batch.statements.size()] = *step.copy_data;
  batch.statements.push_back(step.sql);
}

// The server reported that a statement failed (or never got its lock): it
// took no effect. Lost connections are not this: their statement may have.
class StatementFailed : public Error {
 public:
  using Error::Error;
};

// The note a step-by-step revision keeps while its step `step` (0-based)
// failed; the next run reads it to re-run that step without asking.
std::string failed_note(int step) { return fmt::format("failed at step {}", step + 1); }

}  // namespace

Executor::Executor(Database& database, Reporter& reporter, const StateSql& state, ExecutionOptions options)
    : m_database(database), m_reporter(reporter), m_state(state), m_options(std::move(options)) {
  m_database.set_blocker_policy(m_options.lock_timeout, m_options.terminate_blockers_after);
}

void Executor::check_interrupted() const {
  if (g_interrupted)
    throw Error(ExitCode::interrupted, "interrupted: stopped cleanly between steps",
                "run the same command again to continue; `migrate status` shows where it stopped");
}

void Executor::run(const core::RevisionGraph& graph, const core::Plan& plan,
                   const std::vector<core::AppliedRevision>& applied) {
  auto last_heartbeat = clock::now();
  for (const auto& planned : plan) {
    check_interrupted();
    // The holder row's heartbeat tells `lock status` readers the run is alive.
    if (clock::now() - last_heartbeat > std::chrono::seconds(5)) {
      m_database.heartbeat();
      last_heartbeat = clock::now();
    }
    const core::Revision& revision = graph.get(planned.id);
    auto record = std::find_if(applied.begin(), applied.end(), [&](const auto& r) { return r.id == planned.id; });
    run_revision(revision, planned.phase, record == applied.end() ? nullptr : &*record);
  }
}

std::vector<std::string> Executor::timeouts(const core::Revision& revision, bool local) const {
  const char* set = local ? "SET LOCAL" : "SET";
  std::vector<std::string> sql = {fmt::format("{} lock_timeout = '{}ms'", set, m_options.lock_timeout.count())};
  milliseconds statement = m_options.statement_timeout;
  if (!revision.statement_timeout.empty())
    statement = core::parse_duration(revision.statement_timeout, revision.path + ": statement timeout");
  sql.push_back(fmt::format("{} statement_timeout = '{}ms'", set, statement.count()));
  return sql;
}

std::string Executor::state_change_for(const core::Revision& revision, core::Phase phase, long long duration_ms) const {
  switch (phase) {
    case core::Phase::expand:
      return m_state.record(revision, revision.has_contract() ? core::AppliedPhase::expanded : core::AppliedPhase::complete,
                            m_options.source, m_options.tool_version, m_options.note, duration_ms);
    case core::Phase::contract: return m_state.set_phase(revision.id, core::AppliedPhase::complete);
    case core::Phase::rollback:
    case core::Phase::down: return m_state.forget(revision.id);
  }
  return {};
}

namespace {

const char* command_for(const std::string& phase) {
  if (phase == core::to_string(core::Phase::expand)) return "upgrade";
  if (phase == core::to_string(core::Phase::contract)) return "contract";
  return "downgrade";
}

bool is_undo(const std::string& phase) {
  return phase == core::to_string(core::Phase::rollback) || phase == core::to_string(core::Phase::down);
}

}  // namespace

void Executor::run_revision(const core::Revision& revision, core::Phase phase, const core::AppliedRevision* record) {
  const auto start = clock::now();
  // An interrupted undo goes on the way it started (rollback or down).
  if (record && record->phase == core::AppliedPhase::in_progress && is_undo(record->running_phase) &&
      is_undo(core::to_string(phase)))
    phase = record->running_phase == core::to_string(core::Phase::down) ? core::Phase::down : core::Phase::rollback;
  std::vector<core::Step> steps = core::steps_for(revision, phase);
  m_reporter.revision_started(revision.id, revision.message, phase);

  int first_step = 0;
  // A YAML revision's rollback is written to run from any point of its expand
  // (IF EXISTS throughout), so an interrupted expand can be rolled back
  // without finishing it first, e.g. when its backfill hurt production.
  bool rollback_of_interrupted_expand = record && record->phase == core::AppliedPhase::in_progress &&
                                        record->running_phase == core::to_string(core::Phase::expand) &&
                                        phase == core::Phase::rollback &&
                                        revision.format == core::RevisionFormat::yaml;
  if (record && record->phase == core::AppliedPhase::in_progress && !rollback_of_interrupted_expand) {
    if (record->running_phase != core::to_string(phase))
      throw Error(ExitCode::runtime,
                  fmt::format("revision {} ({}) was interrupted during its {} phase, not {}", revision.id,
                              revision.path, record->running_phase, core::to_string(phase)),
                  fmt::format("finish that first: run `migrate {}` again", command_for(record->running_phase)));
    first_step = record->steps_done;
    bool generated = revision.format == core::RevisionFormat::yaml;
    bool failed = record->note.rfind(failed_note(first_step) + ":", 0) == 0;
    if (failed && first_step < static_cast<int>(steps.size()) && !m_options.skip_interrupted)
      m_reporter.info(fmt::format("{}: this statement failed on the last run, so it took no effect; running it again",
                                  steps[static_cast<size_t>(first_step)].origin()));
    else if (first_step < static_cast<int>(steps.size()) && !generated && !m_options.resume && !m_options.skip_interrupted) {
      const core::Step& step = steps[static_cast<size_t>(first_step)];
      throw Error(ExitCode::runtime,
                  fmt::format("revision {} was interrupted: {} of its {} statements completed; statement {} at {} "
                              "may or may not have taken effect:\n  {}",
                              revision.id, first_step, steps.size(), first_step + 1, step.origin(), query_summary(step.sql, 100)),
                  fmt::format("check the database. If it did not take effect, run `migrate {0} --resume` to run it "
                              "again and continue; if it did, run `migrate {0} --skip-interrupted` to continue after it",
                              command_for(record->running_phase)));
    }
    if (m_options.skip_interrupted && !generated) ++first_step;
  }

  if (first_step == 0) check_backfill_keys(steps);
  if (first_step == 0 && revision.transactional && core::single_transaction(steps))
    run_in_one_transaction(revision, phase, steps, start);
  else
    run_step_by_step(revision, phase, steps, first_step, start);
  m_reporter.revision_finished(revision.id, phase, milliseconds(elapsed_ms(start)));
}

void Executor::run_in_one_transaction(const core::Revision& revision, core::Phase phase,
                                      const std::vector<core::Step>& steps, clock::time_point start) {
  Batch batch;
  batch.statements = timeouts(revision, true);
  const int first_statement = static_cast<int>(batch.statements.size());
  for (const auto& step : steps) add_statement(batch, step);
  if (phase == core::Phase::rollback || phase == core::Phase::down) batch.statements.push_back(m_state.clear_backfill(revision.id));
  batch.statements.push_back(state_change_for(revision, phase, -1));
  core::Step whole;
  whole.path = revision.path;
  whole.description = fmt::format("revision {}", revision.id);
  run_with_retry(batch, whole, first_statement, &steps);
}

void Executor::run_step_by_step(const core::Revision& revision, core::Phase phase, const std::vector<core::Step>& steps,
                                int first_step, clock::time_point start) {
  // The checksum and content are those of the file that runs now: a file
  // edited after its first statement failed runs as edited, and that is what
  // the next run compares with.
  m_database.run({{m_state.mark_in_progress(revision, phase, first_step, m_options.source, m_options.tool_version),
                   m_state.update_checksum(revision, "")},
                  true});
  try {
    run_steps(revision, steps, first_step);
    m_failed_step = -1;
  } catch (const StatementFailed& error) {
    // Recorded so that the next run knows this step took no effect.
    m_database.run({{m_state.set_note(revision.id, fmt::format("{}: {}", failed_note(m_failed_step),
                                                                 first_line(error.what())))},
                    true});
    m_failed_step = -1;
    throw;
  }
  std::vector<std::string> finish;
  if (phase != core::Phase::contract) finish.push_back(m_state.clear_backfill(revision.id));
  finish.push_back(state_change_for(revision, phase, elapsed_ms(start)));
  m_database.run({finish, true});
}

void Executor::run_steps(const core::Revision& revision, const std::vector<core::Step>& steps, int first_step) {
  auto groups_with = [&](size_t k) {
    return k < steps.size() && steps[k].kind == core::Step::Kind::statement && steps[k].transactional;
  };
  for (int i = first_step; i < static_cast<int>(steps.size());) {
    check_interrupted();
    m_failed_step = i;
    const core::Step& step = steps[static_cast<size_t>(i)];
    if (step.kind == core::Step::Kind::backfill) {
      run_backfill(revision, step, i);
      m_database.run({{m_state.set_progress(revision.id, i + 1)}, true});
      ++i;
    } else if (!step.transactional) {
      run_statement(revision, step, {m_state.set_progress(revision.id, i + 1)});
      ++i;
    } else {
      // Consecutive transactional steps commit together, so that what they
      // create appears at once: new columns never exist without the trigger
      // that keeps them in sync.
      size_t end = static_cast<size_t>(i);
      while (groups_with(end)) ++end;
      std::vector<core::Step> group(steps.begin() + i, steps.begin() + static_cast<long>(end));
      Batch batch;
      batch.statements = timeouts(revision, true);
      const int first_statement = static_cast<int>(batch.statements.size());
      for (const auto& member : group) add_statement(batch, member);
      batch.statements.push_back(m_state.set_progress(revision.id, static_cast<int>(end)));
      run_with_retry(batch, step, first_statement, &group);
      i = static_cast<int>(end);
    }
  }
}

void Executor::run_statement(const core::Revision& revision, const core::Step& step, const std::vector<std::string>& after) {
  if (step.transactional) {
    Batch batch;
    batch.statements = timeouts(revision, true);
    int first_statement = static_cast<int>(batch.statements.size());
    add_statement(batch, step);
    batch.statements.insert(batch.statements.end(), after.begin(), after.end());
    run_with_retry(batch, step, first_statement, nullptr);
    return;
  }
  Batch batch{timeouts(revision, false), false};
  add_statement(batch, step);
  run_with_retry(batch, step, static_cast<int>(batch.statements.size()) - 1, nullptr);
  if (!after.empty()) m_database.run({after, true});
}

void Executor::drop_invalid_index(const core::Step& step) {
  if (step.drop_if_invalid_index.empty() || m_database.offline()) return;
  auto rows = m_database.query(fmt::format("SELECT NOT i.indisvalid FROM pg_index i WHERE i.indexrelid = to_regclass({})",
                                           core::quote_literal(step.drop_if_invalid_index)));
  if (rows.empty() || !rows[0][0] || *rows[0][0] != "t") return;
  m_reporter.warning(fmt::format("index {} is invalid (an interrupted concurrent build); dropping and rebuilding it",
                                 step.drop_if_invalid_index));
  core::Step drop = step;
  drop.drop_if_invalid_index.clear();
  drop.sql = "DROP INDEX CONCURRENTLY IF EXISTS " + step.drop_if_invalid_index;
  run_with_retry({{fmt::format("SET lock_timeout = '{}ms'", m_options.lock_timeout.count()), drop.sql}, false}, drop, 1,
                 nullptr);
}

void Executor::report_terminated() {
  for (const auto& session : m_database.take_terminated()) {
    m_reporter.blocker_terminated(session);
    m_database.run({{m_state.event("terminate-blocker", "", "terminated " + describe_session(session))}, true});
  }
}

std::vector<Database::Row> Executor::run_with_retry(const Batch& batch, const core::Step& step, int first_step_statement,
                              const std::vector<core::Step>* steps) {
  const auto start = clock::now();
  std::mt19937 random(std::random_device{}());
  milliseconds backoff(100);
  for (int attempt = 1;; ++attempt) {
    // A concurrent build that timed out waiting has already left an invalid
    // index behind; IF NOT EXISTS would then skip it and record success.
    drop_invalid_index(step);
    try {
      auto rows = m_database.run(batch);
      report_terminated();
      return rows;
    } catch (const DatabaseError& error) {
      report_terminated();
      // Which step failed: a statement of a whole-revision batch, or this step.
      const core::Step* failed = &step;
      int index = error.statement() - first_step_statement;
      if (steps && index >= 0 && index < static_cast<int>(steps->size())) failed = &(*steps)[static_cast<size_t>(index)];
      else if (steps && steps->size() == 1) failed = &steps->front();
      std::vector<Session> blockers = m_database.take_blockers();
      if (error.is_lock_timeout()) {
        bool out_of_time = milliseconds(elapsed_ms(start)) + backoff > m_options.retry_deadline;
        if (attempt <= m_options.retries && !out_of_time && !g_interrupted) {
          std::uniform_int_distribution<long long> jitter(0, backoff.count() / 2);
          milliseconds pause = backoff + milliseconds(jitter(random));
          m_reporter.lock_retry(*failed, attempt, blockers, pause);
          std::this_thread::sleep_for(pause);
          m_database.heartbeat();
          backoff = std::min<milliseconds>(backoff * 2, milliseconds(5000));
          continue;
        }
        std::string who;
        for (const auto& session : blockers) who += "\n  blocked by " + describe_session(session);
        throw StatementFailed(ExitCode::runtime,
                    fmt::format("{}: could not get a lock within lock_timeout {} after {} attempts{}", failed->origin(),
                                core::format_duration(m_options.lock_timeout), attempt, who),
                    "nothing of this step was applied. End the blocking session, retry later, raise --lock-timeout "
                    "or --retries, or let migrate end idle-in-transaction blockers with --terminate-blockers-after");
      }
      std::string where = failed == &step && steps ? step.path : failed->origin();
      std::string message = fmt::format("{}: {} failed: {}", where,
                                        failed->sql.empty() ? failed->description : "statement", first_line(error.what()));
      if (!error.detail().empty()) message += "\n  DETAIL: " + error.detail();
      if (!error.server_hint().empty()) message += "\n  HINT: " + error.server_hint();
      if (!failed->sql.empty()) message += "\n  " + query_summary(failed->sql, 100);
      throw StatementFailed(ExitCode::runtime, message,
                            batch.transactional && m_failed_step < 0
                                ? "its transaction was rolled back and nothing of it was recorded; fix the SQL "
                                  "and run the command again"
                                : "this statement took no effect; fix the cause and run the command again: it "
                                  "runs again from this statement (`migrate status` shows the revision in "
                                  "progress)");
    }
  }
}

}  // namespace migrate::engine
