// The SQL of migrate's own state schema: its layout, and the statements that
// record, update and forget applied revisions. Generated as text so the same
// statements run in the database and print in `--sql` mode.
#pragma once

#include <string>
#include <vector>

#include "core/revisions/applied_revision.hpp"
#include "core/revisions/revision.hpp"

namespace migrate::engine {

// The layout version this tool writes. A database with a newer one is refused.
inline constexpr int k_state_layout_version = 1;

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
  std::string record(const core::Revision& revision, core::AppliedPhase phase, const std::string& source,
                     const std::string& tool_version, const std::string& note = {},
                     long long duration_ms = -1) const;
  // Marks a revision in progress: `running_phase` with `steps_done` steps done.
  std::string mark_in_progress(const core::Revision& revision, core::Phase running_phase, int steps_done,
                               const std::string& source, const std::string& tool_version) const;
  std::string set_progress(const std::string& id, int steps_done) const;
  std::string set_phase(const std::string& id, core::AppliedPhase phase) const;
  std::string forget(const std::string& id) const;
  // Sets the note of an applied revision (a step-by-step revision notes there the step that failed).
  std::string set_note(const std::string& id, const std::string& note) const;
  std::string update_checksum(const core::Revision& revision, const std::string& note) const;
  // An entry in the events table (lock clears, overrides, terminated blockers).
  std::string event(const std::string& kind, const std::string& revision, const std::string& detail) const;

  // Backfill progress rows.
  std::string save_backfill(const std::string& id, int step, const std::vector<std::string>& last_key,
                            long long rows_done, bool finished) const;
  std::string clear_backfill(const std::string& id) const;

 private:
  std::string m_schema;
  std::string m_quoted;
};

}  // namespace migrate::engine
