// Renders a revision to the steps of one phase, whatever its file format.
#pragma once

#include <vector>

#include "core/revisions/revision.hpp"
#include "core/step.hpp"

namespace migrate::core {

// The steps `phase` runs for `revision`, in order. YAML operations render
// together (render_operations: one sync trigger per table), in reverse order
// for rollback and down. A `transaction off` revision's steps are all
// non-transactional. Throws core::SplitError (with the line) when SQL cannot be split.
std::vector<Step> steps_for(const Revision& revision, Phase phase);

// The index a statement builds concurrently, quoted and qualified as written
// ("\"app\".\"users_email_key\"", or unqualified when the table is): the name of
// CREATE [UNIQUE] INDEX CONCURRENTLY [IF NOT EXISTS] name, or `name_ccnew` for
// REINDEX INDEX CONCURRENTLY name, the copy it builds. "" for any other
// statement. A failed build leaves that index INVALID; steps_for sets it as
// the step's drop_if_invalid_index.
std::string concurrent_index_of(const std::string& sql);

// A statement that fails, naming the index, when the index `step` builds
// concurrently is INVALID (a revision must not be recorded with it); "" when
// the step builds none.
std::string invalid_index_check(const Step& step);

// True when every step can share one transaction with the state row.
bool single_transaction(const std::vector<Step>& steps);

}  // namespace migrate::core
