// All the SQL of migrate's own state schema, in one place: its layout, the
// statements that record, update and forget applied revisions (state changes
// rendered as text, so the same statements run in the database and print in
// `--sql` mode), the reads, and the lock holder row.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/revisions/applied_revision.hpp"
#include "core/revisions/revision.hpp"
#include "engine/database_types.hpp"
#include "engine/state_change.hpp"

namespace migrate::engine {

// A result row as text (NULL as nullopt).
using Row = std::vector<std::optional<std::string>>;

// Reads a PostgreSQL text[] literal such as {1,"a b"} (without NULLs).
std::vector<std::string> parse_text_array(const std::string& text);

class StateSql {
 public:
  explicit StateSql(std::string schema);

  const std::string& schema() const { return m_schema; }
  // "\"migrate\".\"revisions\"" etc.
  std::string table(const char* name) const;

  // Idempotent statements that create the state schema or add what a newer
  // layout needs, keeping every row.
  std::vector<std::string> ensure_layout() const;

  // Records `revision` as applied in `phase`. Duration is measured inside the
  // transaction (clock_timestamp() - now()); applied_by from the session.
  std::string record(const core::Revision& revision, core::AppliedPhase phase,
                     const std::string& source, const std::string& tool_version,
                     const std::string& note = {}, long long duration_ms = -1) const;
  // The same for several revisions in one statement (duration 0: not run).
  std::string record_many(const std::vector<const core::Revision*>& revisions,
                          core::AppliedPhase phase, const std::string& source,
                          const std::string& tool_version, const std::string& note) const;
  // Marks a revision in progress: `running_phase` with `steps_done` steps done.
  std::string mark_in_progress(const core::Revision& revision, core::Phase running_phase,
                               int steps_done, const std::string& source,
                               const std::string& tool_version) const;
  std::string set_progress(const std::string& id, int steps_done) const;
  std::string set_phase(const std::string& id, core::AppliedPhase phase) const;
  std::string forget(const std::string& id) const;
  // Sets the note of an applied revision (a step-by-step revision notes there the step that
  // failed).
  std::string set_note(const std::string& id, const std::string& note) const;
  std::string update_checksum(const core::Revision& revision, const std::string& note) const;
  // An entry in the events table (lock clears, overrides, terminated blockers).
  std::string event(const std::string& kind, const std::string& revision,
                    const std::string& detail) const;

  // Backfill progress rows.
  std::string save_backfill(const std::string& id, int step,
                            const std::vector<std::string>& last_key, long long rows_done,
                            bool finished) const;
  std::string clear_backfill(const std::string& id) const;

  // Any state change, rendered.
  std::string sql(const state::Change& change) const;

  // --- reads (state_reads.cpp) -------------------------------------------------
  // One row: revisions table exists, layout table exists, the revisions
  // table's columns joined by ','.
  std::string probe() const;
  std::string layout_version() const;
  // Every applied revision, reading only `columns` (an older layout lacks
  // some); rows in the shape applied_from() reads, unsorted: applied_in_order()
  // orders them as they were applied (by applied_at, then id).
  std::string applied(const std::set<std::string>& columns) const;
  // The records of `count` such rows, as they were applied; fill(i, row) puts
  // the i-th row into `row` (one buffer, reused; each row is filled twice).
  static std::vector<core::AppliedRevision> applied_in_order(
      size_t count, const std::function<void(size_t, Row&)>& fill);
  // Throws Error(runtime) for a value that is not what migrate writes.
  static core::AppliedRevision applied_from(const Row& row);
  // What `status` needs of each applied revision, in this tool's layout: id,
  // parents, checksum, phase, running phase and steps done, unsorted (a third
  // of the server's time of applied() on a large history); the rows
  // status_record_from() reads.
  std::string status_applied() const;
  static core::AppliedRevision status_record_from(const Row& row);
  std::string content(const std::string& id) const;
  // One row (last_key as text[], rows_done, finished) or none.
  std::string backfill_progress(const std::string& id, int step) const;
  static BackfillProgress backfill_progress_from(const Row& row);

  // --- the lock holder row -------------------------------------------------------
  std::string holder_write(int32_t key, const HolderInfo& info) const;
  std::string holder_heartbeat(int32_t key) const;
  // Columns: host, command, ci_job, started_at, heartbeat, heartbeat age in seconds.
  std::string holder_read(int32_t key, int pid) const;
  static void holder_from(const Row& row, LockHolder& holder);
  // Deletes this session's holder row and releases the advisory lock (class, key);
  // the last result is one boolean: whether this session held it.
  std::string release(int32_t lock_class, int32_t key) const;

 private:
  std::string m_schema;
  std::string m_quoted;
};

}  // namespace migrate::engine
