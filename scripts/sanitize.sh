#!/usr/bin/env bash
# The sanitizer and fuzzing checks (`make sanitize`, run by .ci/run after
# `make test`): everything built with clang, AddressSanitizer and
# UndefinedBehaviorSanitizer in its own build directory; the unit tests and a
# subset of the black-box tests run on that build; then each libFuzzer harness
# of tests/fuzz runs for a bounded time from its committed seed corpus. Any
# sanitizer report fails the run (0 reports is the bar).
#
#   scripts/sanitize.sh [BUILD_DIR]      default build-asan
# Variables: FUZZ_SECONDS (per harness, default 20), SANITIZE_TESTS (a ctest
# -R regex), JOBS.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

build=${1:-build-asan}
fuzz_seconds=${FUZZ_SECONDS:-20}
jobs=${JOBS:-$(nproc 2>/dev/null || echo 2)}
# The unit tests, and black-box tests that reach every layer in little time:
# the blocker watch (locks), signals (interrupted, unanswering_server), the
# parsers' errors (invalid_files, yaml_errors, config_errors).
tests=${SANITIZE_TESTS:-'^(unit|blackbox_(smoke|locks|interrupted|unanswering_server|invalid_files|yaml_errors|config_errors))$'}

launcher=()
if command -v ccache >/dev/null 2>&1; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi
# -O1 with line tables only: stacks name file and line, and the build costs
# half of RelWithDebInfo's. Only what the checks run is built (no integration
# tests: they need no second look under the sanitizers that unit tests lack).
if [[ ! -f "$build/CMakeCache.txt" ]]; then
  cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Sanitize -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
    -DCMAKE_CXX_FLAGS_SANITIZE="-O1 -gline-tables-only" -DCMAKE_C_FLAGS_SANITIZE="-O1 -gline-tables-only" \
    -DMIGRATE_SANITIZE=ON -DMIGRATE_FUZZ=ON "${launcher[@]}"
fi
cmake --build "$build" -j"$jobs" --target migrate unit_tests fuzz_sql_revision fuzz_yaml_revision fuzz_split_statements

# Every report goes to a file of its own; the run fails when there is one.
reports=$(mktemp -d "${TMPDIR:-/tmp}/migrate-sanitize.XXXXXX")
trap 'rm -rf "$reports"' EXIT
export ASAN_OPTIONS="log_path=$reports/asan:detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1"
export UBSAN_OPTIONS="log_path=$reports/ubsan:print_stacktrace=1:halt_on_error=1"
export LSAN_OPTIONS="suppressions=$PWD/tests/fuzz/lsan.supp:print_suppressions=0"

check_reports() {
  if compgen -G "$reports/*" >/dev/null; then
    echo "sanitize: sanitizer reports after $1:" >&2
    cat "$reports"/* >&2
    exit 1
  fi
}

status=0
ctest --test-dir "$build" --output-on-failure -j2 -R "$tests" || status=$?
check_reports "the tests"
((status == 0)) || exit "$status"

for harness in sql_revision yaml_revision split_statements; do
  work=$(mktemp -d "${TMPDIR:-/tmp}/migrate-fuzz-$harness.XXXXXX")
  echo "sanitize: fuzz_$harness for ${fuzz_seconds}s"
  # New inputs go to a scratch directory; the committed corpus is only read.
  (cd "$work" && "$OLDPWD/$build/tests/fuzz/fuzz_$harness" -max_total_time="$fuzz_seconds" -max_len=4096 \
    -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 "$work" "$OLDPWD/tests/fuzz/corpus/$harness" \
    >"$work/log" 2>&1) || {
    tail -60 "$work/log" >&2
    ls "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-* 2>/dev/null >&2 || true
    echo "sanitize: fuzz_$harness found a problem (inputs kept in $work)" >&2
    exit 1
  }
  grep -E "^stat::number_of_executed_units|^stat::new_units_added" "$work/log" | sed "s/^/  /"
  rm -rf "$work"
  check_reports "fuzz_$harness"
done
echo "sanitize: no sanitizer reports"
