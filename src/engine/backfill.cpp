// Executor::run_backfill: batched, resumable backfill by primary key.
// Keyset pagination up to the largest key seen at the start: rows inserted
// later were written while the sync triggers existed and are already right,
// so the walk always ends, however busy the table is.
#include <fmt/format.h>

#include "engine/batch_sizer.hpp"
#include "engine/executor.hpp"

namespace migrate::engine {

using std::chrono::milliseconds;

namespace {

TableName table_of(const core::Backfill& spec) { return {spec.schema, spec.table}; }

Error no_primary_key(const core::Step& step) {
  return Error(ExitCode::runtime,
               fmt::format("{}: table {}.{} has no primary key, so its backfill cannot walk it in "
                           "batches; nothing of "
                           "this revision was run",
                           step.origin(), step.backfill->schema, step.backfill->table),
               "add a primary key to the table first, or fill it yourself with a `sql` operation");
}

}  // namespace

void Executor::check_backfill_keys(const std::vector<core::Step>& steps) {
  for (const auto& step : steps) {
    if (step.kind != core::Step::Kind::backfill) continue;
    TableName table = table_of(*step.backfill);
    // A table the revision creates itself is not there yet; its backfill finds nothing to do.
    if (m_database.table_exists(table) && m_database.primary_key(table).empty())
      throw no_primary_key(step);
  }
}

void Executor::run_backfill(const core::Revision& revision, const core::Step& step,
                            int step_index) {
  const core::Backfill& spec = *step.backfill;
  BackfillBatch batch;
  batch.revision = revision.id;
  batch.step = step_index;
  batch.target = {table_of(spec), m_database.primary_key(table_of(spec)), spec.set_clause,
                  spec.where_clause};
  batch.limit = m_options.backfill_batch;
  batch.lock_timeout = m_options.lock_timeout;
  batch.statement_timeout = statement_timeout(revision);
  const std::string display = batch.target.table.display();
  if (batch.target.key.empty()) throw no_primary_key(step);

  // Where a previous run stopped.
  if (auto progress = m_database.backfill_progress(revision.id, step_index)) {
    if (progress->finished) return;
    batch.after = progress->last_key;
    batch.rows_done = progress->rows_done;
    m_reporter.info(
        fmt::format("resuming the backfill of {} after {} rows", display, batch.rows_done));
  }
  BackfillRange range = m_database.backfill_range(batch.target, batch.after);
  if (range.rows == 0) {
    m_database.run(
        {{state::SaveBackfill{revision.id, step_index, batch.after, batch.rows_done, true}}, true});
    return;
  }
  batch.upper = range.upper;
  // Progress and rate count this run's rows: a run resumed late would
  // otherwise report the earlier runs' rows as done in its own time.
  const long long done_before = batch.rows_done;
  const long long total = range.rows < 0 ? -1 : range.rows;
  const auto start = m_clock.now();
  auto elapsed = [&] { return std::chrono::duration_cast<milliseconds>(m_clock.now() - start); };
  BatchSizer sizer(m_options.backfill_batch, m_options.backfill_time);
  while (true) {
    stop_if_interrupted();
    beat();
    batch.limit = static_cast<int>(sizer.next());
    BackfillBatchResult result;
    const auto began = m_clock.now();
    with_retry(step, nullptr, -1, true, [&] { result = m_database.run_backfill_batch(batch); });
    sizer.finished(result.picked, std::chrono::duration_cast<milliseconds>(m_clock.now() - began));
    if (result.picked == 0) break;
    batch.rows_done += result.picked;
    batch.after = result.last_key;
    // The reporter decides how often to draw.
    m_reporter.backfill_progress(display, batch.rows_done - done_before, total, elapsed(), false);
    if (result.picked < batch.limit) break;
    if (m_options.backfill_pause.count() > 0) wait(m_options.backfill_pause);
  }
  m_database.run(
      {{state::SaveBackfill{revision.id, step_index, batch.after, batch.rows_done, true}}, true});
  m_reporter.backfill_progress(display, batch.rows_done - done_before, total, elapsed(), true);
}

}  // namespace migrate::engine
