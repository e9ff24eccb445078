// The writes to migrate's own state, as data. The executor and the commands say
// what changes ("record this revision as expanded"); each Database renders it:
// PostgreSQL and `--sql` through StateSql, the in-memory twin by applying it.
#pragma once

#include <string>
#include <variant>
#include <vector>

#include "core/revisions/applied_revision.hpp"
#include "core/revisions/revision.hpp"
#include "core/step.hpp"

namespace migrate::engine::state {

// Who wrote a row, and with what.
struct Provenance {
  std::string source;  // git describe or --source
  std::string tool_version;
};

// Records `revision` as applied in `phase`; a row left in progress is finished.
// duration_ms < 0: measured inside the transaction.
struct Record {
  const core::Revision* revision = nullptr;
  core::AppliedPhase phase = core::AppliedPhase::complete;
  Provenance provenance;
  std::string note;
  long long duration_ms = -1;
};

// Records each of `revisions` as Record would, all with one phase, provenance
// and note: one statement for many rows (a stamp of thousands of revisions).
struct RecordMany {
  std::vector<const core::Revision*> revisions;
  core::AppliedPhase phase = core::AppliedPhase::complete;
  Provenance provenance;
  std::string note;
};

// Marks a revision in progress: `running_phase` with `steps_done` steps done.
struct MarkInProgress {
  const core::Revision* revision = nullptr;
  core::Phase running_phase = core::Phase::expand;
  int steps_done = 0;
  Provenance provenance;
};

struct SetProgress {
  std::string id;
  int steps_done = 0;
};

// Replaces the revision's note (what the last run of it left to know).
struct SetNote {
  std::string id;
  std::string note;
};

struct SetPhase {
  std::string id;
  core::AppliedPhase phase = core::AppliedPhase::complete;
};

struct Forget {
  std::string id;
};

// Accepts a changed file of an applied revision (stamp --update-checksum).
struct UpdateChecksum {
  const core::Revision* revision = nullptr;
  std::string note;
};

// An entry of the events table: lock clears, overrides, terminated blockers.
struct Event {
  std::string kind;
  std::string revision;
  std::string detail;
};

// Where a backfill stopped.
struct SaveBackfill {
  std::string id;
  int step = 0;
  std::vector<std::string> last_key;
  long long rows_done = 0;
  bool finished = false;
};

struct ClearBackfill {
  std::string id;
};

using Change = std::variant<Record, RecordMany, MarkInProgress, SetProgress, SetNote, SetPhase,
                            Forget, UpdateChecksum, Event, SaveBackfill, ClearBackfill>;

}  // namespace migrate::engine::state
