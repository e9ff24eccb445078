// Checks the SQL a plan will run before anything runs: every section splits
// into statements PostgreSQL's scanner recognises, and every statement parses.
#pragma once

#include <vector>

#include "core/error.hpp"
#include "core/revisions/plan.hpp"
#include "core/revisions/revision_graph.hpp"

namespace migrate::core {

// Problems (file and line) in the SQL of `plan`. Statements of expand phases
// are only split here, because lint parses them anyway (its `syntax` rule);
// statements of other phases are also parsed.
std::vector<FileProblem> check_plan_sql(const RevisionGraph& graph, const Plan& plan);

}  // namespace migrate::core
