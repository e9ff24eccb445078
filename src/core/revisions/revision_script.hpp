// Renders a revision to the steps of one phase, whatever its file format.
#pragma once

#include <vector>

#include "core/revisions/revision.hpp"
#include "core/step.hpp"

namespace migrate::core {

// The steps `phase` runs for `revision`, in order. YAML operations render
// together (render_operations: one sync trigger per table), in reverse order
// for rollback and down. A `transaction off` revision's steps are all
// non-transactional. Throws std::runtime_error when SQL cannot be split.
std::vector<Step> steps_for(const Revision& revision, Phase phase);

// True when every step can share one transaction with the state row.
bool single_transaction(const std::vector<Step>& steps);

}  // namespace migrate::core
