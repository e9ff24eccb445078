#!/usr/bin/env bash
# `make demo` end to end: runs scripts/demo.sh non-interactively on a cluster
# of its own (DEMO_PG_DIR in a scratch directory, not the shared test cluster,
# whose settings lib.sh still requires) and checks the outcomes the story
# promises from its output: the naive ALTER stalls the app and migrate does
# not, the hotfix refusal (exit 3) and the two-heads refusal (exit 4), no
# mismatched names after the canary, the rollback check to v1.0.1 before and
# after the contract, the contract, and the killed run's lock cleared.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
readonly LATENCY_BOUND_MS=1000

for tool in pgbench psql pg_dump; do
  [[ -x "/usr/lib/postgresql/15/bin/$tool" ]] || command -v "$tool" >/dev/null ||
    fail "$tool not found: run scripts/deps.sh"
done

scratch=$(scratch_dir)
pg_dir=$scratch/demo-pg
# Should the demo be killed (ctest timeout), its cluster must not outlive the test.
on_exit bash "$REPO/scripts/pg_cluster.sh" stop "$pg_dir"

# OUT holds stdout and stderr together, as on a terminal; fail prints it.
LAST_COMMAND="scripts/demo.sh"
set +e
DEMO_PG_DIR=$pg_dir DEMO_PAUSE=0 NO_COLOR=1 bash "$REPO/scripts/demo.sh" >"$scratch/out" 2>&1
RC=$?
set -e
OUT=$(<"$scratch/out")

# summary VALUE-OF-ROW: the text after the row's label in the summary table.
summary() {
  sed -n "/^== Summary ==/,\$p" <<<"$OUT" | sed -n "s|^  $1  *||p" | head -n1
}

assert_rc 0
assert_out_contains "demo: every outcome as promised"
assert_out_not_contains "FAIL"

# b and c: the naive ALTER stalls the application, migrate does not.
naive_ms=$(summary "naive ALTER: slowest app request" | awk '{print $1}')
migrate_ms=$(summary "migrate, lock_timeout 200ms: slowest app request" | awk '{print $1}')
[[ "$naive_ms" =~ ^[0-9]+$ && "$migrate_ms" =~ ^[0-9]+$ ]] ||
  fail "no latency figures in the summary (naive '$naive_ms', migrate '$migrate_ms')"
((naive_ms >= 2000)) || fail "the naive ALTER should stall the app for seconds, measured $naive_ms ms"
((migrate_ms <= LATENCY_BOUND_MS)) || fail "migrate let the app queue $migrate_ms ms (bound $LATENCY_BOUND_MS ms)"
assert_out_contains "idle in transaction for"

# e and f: the refusals.
assert_eq "3 (schema unchanged: yes)" "$(summary "hotfix unknown to v2.0.0: upgrade exit code")" \
  "the v2.0.0 checkout is refused with exit 3 and changes nothing"
assert_out_contains "43be85eadede  index users.name for login lookups"
assert_out_contains "from v1.0.1"
assert_eq "4" "$(summary "two heads: upgrade exit code")" "two heads are refused with exit 4"
assert_out_contains "joined 2 heads (43be85eadede, f9d15b8e0c39)"

# g and h: the canary and the contract.
[[ "$(summary "rows backfilled during the canary")" =~ ^[0-9]+\  ]] || fail "no backfilled rows in the summary"
assert_out_contains "mismatched names: 0"
assert_eq "0 (NULL first/last: 0)" "$(summary "mismatched names")" "no mismatched or missing names"
assert_eq "0 / 0" "$(summary "after contract: name column / sync triggers")" "contract removes name and the trigger"
assert_eq "exit 0 / exit 10 (contract with v1.0.1 live: exit 10)" \
  "$(summary "rollback to v1.0.1: before / after contract")" \
  "v1.0.1 is compatible before contract, incompatible after, and protected while live"
assert_out_contains "compatible: v1.0.1 can run on this database as it is"
assert_out_contains "incompatible: f9d15b8e0c39 contracted (drops users.name, which v1.0.1 reads)"

# i: the killed run.
assert_out_contains "Terminated backend"
assert_eq "yes / yes" "$(summary "killed run: lock cleared / recovered")" "the lock is cleared and the run recovers"

# The demo cleans up after itself: its cluster is gone.
[[ ! -f "$pg_dir/env" ]] || fail "the demo left its cluster running in $pg_dir"
