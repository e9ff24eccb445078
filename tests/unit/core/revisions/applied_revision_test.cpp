// The phases the state table records, by name.
#include "core/revisions/applied_revision.hpp"

#include "support/test_helpers.hpp"

using migrate::core::applied_phase_named;
using migrate::core::AppliedPhase;

TEST_CASE("applied_phase_named: reads back what to_string writes") {
  for (AppliedPhase phase :
       {AppliedPhase::in_progress, AppliedPhase::expanded, AppliedPhase::complete})
    CHECK(applied_phase_named(migrate::core::to_string(phase)) == phase);
  CHECK(std::string(migrate::core::to_string(AppliedPhase::in_progress)) == "in_progress");
  CHECK(std::string(migrate::core::to_string(AppliedPhase::expanded)) == "expanded");
  CHECK(std::string(migrate::core::to_string(AppliedPhase::complete)) == "complete");
}

TEST_CASE("applied_phase_named: any other name is no phase") {
  CHECK_FALSE(applied_phase_named("done").has_value());
  CHECK_FALSE(applied_phase_named("").has_value());
}
