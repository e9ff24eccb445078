#include "core/fleet/waves.hpp"

#include "core/fleet/outcome.hpp"
#include "support/test_helpers.hpp"

using migrate::core::plan_waves;
using migrate::core::TargetOutcome;
using migrate::core::TargetState;
using Sizes = std::vector<size_t>;

TEST_CASE("plan_waves: without canary or wave, one wave holds every target") {
  CHECK(plan_waves(40, {}) == Sizes{40});
  CHECK(plan_waves(0, {}) == Sizes{});
}

TEST_CASE("plan_waves: the canary first, then a share of the rest per wave, rounded up") {
  CHECK(plan_waves(43, {3, 25}) == Sizes{3, 10, 10, 10, 10});
  CHECK(plan_waves(10, {1, 30}) == Sizes{1, 3, 3, 3});
  CHECK(plan_waves(5, {0, 1}) == Sizes{1, 1, 1, 1, 1});
  CHECK(plan_waves(2, {5, 50}) == Sizes{2});
}

TEST_CASE("plan_waves: a wave outside 1..100 percent is a usage error") {
  auto error = migrate::test::error_from<migrate::Error>([] { plan_waves(10, {0, 0}); });
  CHECK(error.code() == migrate::ExitCode::usage);
  CHECK(std::string(error.what()) ==
        "--wave 0: a wave is 1 to 100 percent of the targets after the canary");
  CHECK_THROWS(plan_waves(10, {0, 101}));
}

TEST_CASE("summarize_exit_code: 0 when all succeeded, else the worst failure's code") {
  CHECK(migrate::core::summarize_exit_code({{TargetState::succeeded, 0}}) == 0);
  CHECK(migrate::core::summarize_exit_code(
            {{TargetState::succeeded, 0}, {TargetState::failed, 5}, {TargetState::skipped, 0}}) ==
        5);
  CHECK(migrate::core::summarize_exit_code(
            {{TargetState::failed, 5}, {TargetState::failed, 1}, {TargetState::failed, 3}}) == 3);
  CHECK(migrate::core::summarize_exit_code(
            {{TargetState::failed, 3}, {TargetState::failed, 130}}) == 130);
  CHECK(migrate::core::summarize_exit_code({{TargetState::failed, 42}}) == 42);
  CHECK(migrate::core::summarize_exit_code({{TargetState::skipped, 0}}) == 0);
}

TEST_CASE("stop_after_wave: a canary failure always stops; later waves tolerate max_failures") {
  using migrate::core::stop_after_wave;
  CHECK(stop_after_wave(true, 1, 1, 5));
  CHECK_FALSE(stop_after_wave(true, 0, 0, 0));
  CHECK_FALSE(stop_after_wave(false, 2, 2, 2));
  CHECK(stop_after_wave(false, 1, 3, 2));
  CHECK(stop_after_wave(false, 1, 1, 0));
}
