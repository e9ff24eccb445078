// Plans: from (graph, what the database has applied, a target) to the ordered
// steps to run. Targets are full ids, unique prefixes (4+ characters), `head`, `heads`, `base`
// and relative steps `+N` / `-N` as in Alembic.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "core/error.hpp"
#include "core/revisions/applied_revision.hpp"
#include "core/revisions/revision_graph.hpp"
#include "core/step.hpp"

namespace migrate::core {

// id -> phase of every applied revision that the files know.
using AppliedPhases = std::unordered_map<std::string, AppliedPhase>;

struct PlannedRevision {
  std::string id;
  Phase phase;
};
using Plan = std::vector<PlannedRevision>;

// More than one head and the target did not say which (exit 4).
class MultipleHeadsError : public Error {
 public:
  MultipleHeadsError(const RevisionGraph& graph, std::vector<std::string> heads);
  const std::vector<std::string>& heads() const { return m_heads; }

 private:
  std::vector<std::string> m_heads;
};

// What a target can be, for the hints of errors about one.
constexpr const char* k_targets =
    "a target is head, heads, +N (upgrade), base, -N (downgrade), or a revision id or a prefix "
    "of it; `migrate history` lists the ids";

// A prefix shorter than this is refused, unless it is a whole id.
constexpr size_t k_min_prefix = 4;

// A full id or a unique prefix of at least k_min_prefix characters. Throws a
// usage error for no match or a shorter prefix, listing the candidates for an
// ambiguous prefix.
std::string resolve_revision(const RevisionGraph& graph, const std::string& spec);

// The latest common ancestors of `ids`, sorted (empty when they share none).
std::vector<std::string> branch_points(const RevisionGraph& graph,
                                       const std::vector<std::string>& ids);

// The revisions `history -r RANGE` lists, as a membership vector indexed by
// position(): "A:B" is A, B and every revision between them (descendants of A
// that are ancestors of B); "A:" is A and its descendants, ":B" B and its
// ancestors. A may be `base`, B `head` or `heads`. Usage error for a range
// without ':', an unknown revision, or A not an ancestor of B.
std::vector<bool> revision_range(const RevisionGraph& graph, const std::string& range);

// What `upgrade TARGET` runs: every revision the target needs that is not
// applied (or is still in progress), parents first. "" means `head`. `+N`
// runs the next N and is a usage error when fewer are pending.
Plan plan_upgrade(const RevisionGraph& graph, const AppliedPhases& applied,
                  const std::string& target);

// What `downgrade TARGET` runs: every applied revision that is not the target
// or one of its ancestors, descendants first. Expanded revisions roll back.
// `-N` undoes the last N applied and is a usage error when fewer are applied.
Plan plan_downgrade(const RevisionGraph& graph, const AppliedPhases& applied,
                    const std::string& target);

// The usage error of a downgrade without a target, saying which targets exist.
Error downgrade_target_missing();

// What `contract [TARGET]` runs: expanded revisions (up to the target and its
// ancestors; "" means all), oldest first.
Plan plan_contract(const RevisionGraph& graph, const AppliedPhases& applied,
                   const std::string& target);

// What `stamp TARGET` records: the ids to mark applied (parents first) and the
// ids to forget (descendants first) so that the database stands at the target.
struct StampPlan {
  std::vector<std::string> record;
  std::vector<std::string> forget;
};
StampPlan plan_stamp(const RevisionGraph& graph, const AppliedPhases& applied,
                     const std::string& target);

// Refuses (InvalidFilesError, exit 2) when any of `ids` is a draft: a
// revision that runs nothing. `would` says what the command would do with it
// ("`migrate upgrade` would apply it"). Drafts elsewhere in the graph are fine.
void refuse_drafts(const RevisionGraph& graph, const std::vector<std::string>& ids,
                   const std::string& would);

}  // namespace migrate::core
