// Can the application of a release run on the database as it is now? Decided
// from the expand/contract model: what is applied (with its phase), what the
// release's files know, and what the revisions it does not know changed.
#pragma once

#include <string>
#include <vector>

#include "core/revisions/applied_revision.hpp"
#include "core/revisions/revision.hpp"
#include "core/revisions/revision_graph.hpp"
#include "core/step.hpp"

namespace migrate::core {

// A release's migrations: its name as messages show it ("v1.0.1"), where its
// files were read from, and their graph.
struct Release {
  std::string name;
  std::string source;
  RevisionGraph graph;
};

// What one revision means for a release.
struct ReleaseFinding {
  enum class Kind {
    known,       // applied, and the release knows it
    needed,      // the release knows it, and it is not (completely) expanded
    expanded,    // unknown to the release, only expanded: the old shape is still there
    contracted,  // unknown to the release, its contract phase ran (or runs)
    changed,     // unknown to the release, its up section changed the old shape
    only_adds,   // unknown to the release, complete, its up section only adds
    unreadable,  // unknown to the release, and what it did cannot be told
  };
  std::string id;
  Kind kind = Kind::known;
  bool compatible = true;
  std::string reason;  // "f9d15b8e0c39 contracted (drops users.name, which v1.0.1 reads)"
};

struct ReleaseVerdict {
  bool compatible = true;
  std::vector<ReleaseFinding> findings;  // applied revisions in the order given, then pending ones
  // The reasons of the incompatible findings, joined with "; " ("" when compatible).
  std::string summary() const;
};

const char* to_string(ReleaseFinding::Kind kind);

// Judges `release` against the `applied` revisions. What an applied revision
// the release does not know did is read from `files` (the current checkout's
// graph) or, when they lack it, from the copy the database keeps. Never throws.
ReleaseVerdict release_compatibility(const std::vector<AppliedRevision>& applied,
                                     const Release& release, const RevisionGraph& files);

// What the contract phase of `revision` removes or tightens, as short phrases
// ("drops users.name", "drops table public.audit"), from its YAML operations
// or the statements of its SQL contract section. Empty when the contract phase
// runs nothing.
std::vector<std::string> contract_effects(const Revision& revision);

// What a statement of SQL run on a live database does to the shape old code
// reads: one phrase per statement that drops, renames, retypes or tightens
// something ("drops column public.users.name at f.sql:12"), and for SQL that
// cannot be read, why. Empty when the SQL only adds.
std::vector<std::string> old_shape_changes(const std::vector<Step>& steps);

// The revisions of `contracting` (ids in the files' graph) that a live release
// does not know, so whose contract removes a shape it still uses: one message
// per (revision, release), naming both and what the contract drops.
std::vector<std::string> live_release_conflicts(const std::vector<std::string>& contracting,
                                                const RevisionGraph& files,
                                                const std::vector<Release>& live);

}  // namespace migrate::core
