#!/usr/bin/env bash
# Runs every benchmark in sequence (`make bench` builds first, then calls
# this), each on its own private PostgreSQL, then repeats every PASS/MISS
# line at the end. A MISS never fails the run; a benchmark that breaks does.
#
#   bench/run.sh                     all of them
#   bench/run.sh lock_outage backfill  some of them
#   MIGRATE_BIN=build-bench/migrate bench/run.sh   another binary
#
# docs/benchmarks.md says what each measures and what was measured.
set -uo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
ALL=(graph_and_apply lock_outage backfill fleet status_and_upgrade)
if (($# > 0)); then selected=("$@"); else selected=("${ALL[@]}"); fi

BENCH_SUMMARY=$(mktemp "${TMPDIR:-/tmp}/migrate-bench-summary.XXXXXX")
export BENCH_SUMMARY
trap 'rm -f "$BENCH_SUMMARY"' EXIT

failed=()
start=$(date +%s)
for name in "${selected[@]}"; do
  script=$BENCH_DIR/$name.sh
  if [[ ! -f "$script" ]]; then
    echo "bench: no benchmark '$name' (have: ${ALL[*]})" >&2
    failed+=("$name")
    continue
  fi
  echo "bench: running $name" >&2
  if ! bash "$script"; then
    failed+=("$name")
    echo "bench: $name failed" >&2
  fi
done

echo
echo "== targets ($(($(date +%s) - start)) s in all) =="
grep -E '^== |target:' "$BENCH_SUMMARY" || true
if ((${#failed[@]} > 0)); then
  echo "bench: failed: ${failed[*]}" >&2
  exit 1
fi
