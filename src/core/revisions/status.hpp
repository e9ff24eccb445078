// Compares what the database has applied with the files: applied, pending,
// unknown (in the database, not in the files), changed (file edited since it
// was applied), expanded (awaiting contract) and in progress.
#pragma once

#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/revisions/applied_revision.hpp"
#include "core/revisions/plan.hpp"
#include "core/revisions/revision_graph.hpp"

namespace migrate::core {

struct Status {
  std::vector<std::string> applied;      // known and applied, in graph order
  std::vector<std::string> pending;      // not applied, in graph order
  std::vector<AppliedRevision> unknown;  // applied, not in the files
  std::vector<std::string> changed;      // applied, file content differs
  std::vector<std::string> expanded;     // awaiting contract
  std::vector<std::string> in_progress;  // interrupted or running
  std::vector<std::string> file_heads;
  std::vector<std::string> database_heads;  // applied revisions no applied revision builds on

  bool consistent() const { return unknown.empty() && changed.empty(); }
};

Status compute_status(const RevisionGraph& graph, const std::vector<AppliedRevision>& applied);

// The phases of applied revisions the files know, for planning. A revision
// interrupted during its contract phase counts as expanded.
AppliedPhases known_phases(const RevisionGraph& graph, const std::vector<AppliedRevision>& applied);

// The database holds revisions the files lack (exit 3).
class UnknownRevisionsError : public Error {
 public:
  explicit UnknownRevisionsError(std::vector<AppliedRevision> unknown);
  const std::vector<AppliedRevision>& unknown() const { return m_unknown; }

 private:
  std::vector<AppliedRevision> m_unknown;
};

// Applied revisions whose files changed since (exit 6).
class ChangedFilesError : public Error {
 public:
  ChangedFilesError(const RevisionGraph& graph, const std::vector<AppliedRevision>& applied,
                    std::vector<std::string> changed);
  const std::vector<std::string>& changed() const { return m_changed; }

 private:
  std::vector<std::string> m_changed;
};

// A few lines describing applied revisions (id, message, when, by whom, from
// where), as the refusal and `status` print them.
std::string describe_applied(const AppliedRevision& revision);

}  // namespace migrate::core
