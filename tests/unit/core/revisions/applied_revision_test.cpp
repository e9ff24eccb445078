// The phases the state table records, by name.
#include "core/revisions/applied_revision.hpp"

#include <stdexcept>

#include "support/test_helpers.hpp"

using migrate::core::applied_phase_from;
using migrate::core::AppliedPhase;

TEST_CASE("applied_phase_from: reads back what to_string writes") {
  for (AppliedPhase phase :
       {AppliedPhase::in_progress, AppliedPhase::expanded, AppliedPhase::complete})
    CHECK(applied_phase_from(migrate::core::to_string(phase)) == phase);
  CHECK(std::string(migrate::core::to_string(AppliedPhase::in_progress)) == "in_progress");
  CHECK(std::string(migrate::core::to_string(AppliedPhase::expanded)) == "expanded");
  CHECK(std::string(migrate::core::to_string(AppliedPhase::complete)) == "complete");
}

TEST_CASE("applied_phase_from: an unknown name is refused") {
  CHECK_THROWS_WITH(applied_phase_from("done"), "unknown phase 'done' in the state table");
  CHECK_THROWS_AS(applied_phase_from(""), std::invalid_argument);
}
