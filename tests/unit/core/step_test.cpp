// Steps and phases: how they are named and located for the user.
#include "core/step.hpp"

#include "support/test_helpers.hpp"

using migrate::core::Phase;
using migrate::core::Step;

TEST_CASE("Step: origin is path:line, or the path for generated steps") {
  Step step;
  step.path = "m/a.sql";
  step.line = 12;
  CHECK(step.origin() == "m/a.sql:12");
  step.line = 0;
  CHECK(step.origin() == "m/a.sql");
}

TEST_CASE("to_string: phase names") {
  CHECK(std::string(migrate::core::to_string(Phase::expand)) == "expand");
  CHECK(std::string(migrate::core::to_string(Phase::contract)) == "contract");
  CHECK(std::string(migrate::core::to_string(Phase::rollback)) == "rollback");
  CHECK(std::string(migrate::core::to_string(Phase::down)) == "down");
}
