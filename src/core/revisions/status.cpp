#include "core/revisions/status.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

namespace migrate::core {

Status compute_status(const RevisionGraph& graph, const std::vector<AppliedRevision>& applied) {
  Status status;
  std::unordered_map<std::string, const AppliedRevision*> by_id;
  std::unordered_set<std::string> built_on;
  for (const auto& record : applied) {
    by_id.emplace(record.id, &record);
    for (const auto& parent : record.parents) built_on.insert(parent);
    if (!graph.contains(record.id)) status.unknown.push_back(record);
  }
  for (const auto& id : graph.order()) {
    auto found = by_id.find(id);
    if (found == by_id.end()) {
      status.pending.push_back(id);
      continue;
    }
    const AppliedRevision& record = *found->second;
    status.applied.push_back(id);
    if (!graph.get(id).checksum_matches(record.checksum)) status.changed.push_back(id);
    if (record.phase == AppliedPhase::expanded) status.expanded.push_back(id);
    if (record.phase == AppliedPhase::in_progress) status.in_progress.push_back(id);
  }
  for (const auto& record : applied)
    if (!built_on.count(record.id)) status.database_heads.push_back(record.id);
  std::sort(status.database_heads.begin(), status.database_heads.end());
  status.file_heads = graph.heads();
  return status;
}

AppliedPhases known_phases(const RevisionGraph& graph,
                           const std::vector<AppliedRevision>& applied) {
  AppliedPhases phases;
  for (const auto& record : applied) {
    if (!graph.contains(record.id)) continue;
    // An interrupted contract is still an expanded revision to plan with, so
    // that `contract` picks it up again and `upgrade` leaves it alone.
    bool contracting =
        record.phase == AppliedPhase::in_progress && record.running_phase == Phase::contract;
    phases.emplace(record.id, contracting ? AppliedPhase::expanded : record.phase);
  }
  return phases;
}

std::string describe_applied(const AppliedRevision& revision) {
  std::string text =
      fmt::format("  {}  {}\n      applied {} by {} with migrate {}", revision.id,
                  revision.message.empty() ? "(no message)" : revision.message, revision.applied_at,
                  revision.applied_by.empty() ? "?" : revision.applied_by,
                  revision.tool_version.empty() ? "?" : revision.tool_version);
  if (!revision.source.empty()) text += fmt::format(", from {}", revision.source);
  if (!revision.path.empty()) text += fmt::format(" (file {})", revision.path);
  return text;
}

static std::string unknown_message(const std::vector<AppliedRevision>& unknown) {
  std::string text = fmt::format(
      "the database holds {} revision{} that the migration files do not know:", unknown.size(),
      unknown.size() == 1 ? "" : "s");
  for (const auto& revision : unknown) text += "\n" + describe_applied(revision);
  return text;
}

static std::string unknown_hint(const std::vector<AppliedRevision>& unknown) {
  return fmt::format(
      "nothing was changed. Bring the branch that holds {} into this checkout (e.g. merge the "
      "hotfix "
      "branch), then run `migrate resolve-branch`. `migrate show {}` prints it from the database "
      "and "
      "`--write` restores its file. In an emergency, `--ignore-unknown` proceeds anyway "
      "(recorded).",
      unknown.size() == 1 ? "this revision" : "these revisions", unknown.front().id);
}

UnknownRevisionsError::UnknownRevisionsError(std::vector<AppliedRevision> unknown)
    : Error(ExitCode::unknown_revisions, unknown_message(unknown), unknown_hint(unknown)),
      m_unknown(std::move(unknown)) {}

static std::string changed_message(const RevisionGraph& graph,
                                   const std::vector<AppliedRevision>& applied,
                                   const std::vector<std::string>& changed) {
  std::string text =
      fmt::format("{} applied revision file{} changed since {} applied:", changed.size(),
                  changed.size() == 1 ? "" : "s", changed.size() == 1 ? "it was" : "they were");
  for (const auto& id : changed) {
    auto record =
        std::find_if(applied.begin(), applied.end(), [&](const auto& r) { return r.id == id; });
    text += fmt::format("\n  {}  {} (applied {})", id, graph.get(id).path,
                        record == applied.end() ? "?" : record->applied_at);
  }
  return text;
}

ChangedFilesError::ChangedFilesError(const RevisionGraph& graph,
                                     const std::vector<AppliedRevision>& applied,
                                     std::vector<std::string> changed)
    : Error(
          ExitCode::checksum_mismatch, changed_message(graph, applied, changed),
          fmt::format(
              "nothing was changed. Restore the file{0}, or accept the new content on purpose with "
              "`migrate stamp --update-checksum {1}` (recorded in the state table)",
              changed.size() == 1 ? "" : "s", fmt::join(changed, " --update-checksum "))),
      m_changed(std::move(changed)) {}

}  // namespace migrate::core
