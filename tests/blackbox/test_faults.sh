# Faults with real parts. (1) migrate's backend is terminated
# (pg_terminate_backend, found by its application_name) at random moments of a
# run of three revisions: one transaction, one outside a transaction (CREATE
# INDEX CONCURRENTLY) and a batched backfill. After each, the state rows tell
# the truth about the schema objects, `status` names an interrupted revision
# with what to do, and a rerun completes. MIGRATE_FAULT_RUNS runs (default 30).
# (2) A runner frozen with SIGSTOP whose lock is cleared stops without writing
# anything when it wakes (SIGCONT). (3) `lock clear` names a session that is
# not migrate's and terminates it only with --force.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/session_lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/story_lib.sh"
RUNS=${MIGRATE_FAULT_RUNS:-30}

cd "$(scratch_dir)"
url=$(new_db)
q() { psql_db "$url" "$1"; }
source "$(dirname "${BASH_SOURCE[0]}")/faults_lib.sh"
write_fault_revisions

migrate_backends_gone() {
  wait_until "$url" "SELECT count(*) = 0 FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()" 200
}

during_a1=0 during_a2=0 during_a3=0 after=0 resumed=0
for ((run = 1; run <= RUNS; run++)); do
  reset_fault_database
  migrate_bg "run$run" "${FAULT_UPGRADE[@]}"
  sleep "$(python3 -c "import random; print(round(random.uniform(0.0, 0.45), 3))")"
  q "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database()
     AND application_name LIKE 'migrate upgrade@%' AND application_name NOT LIKE '%(watch)'" >/dev/null
  rc=0
  wait "$BG_PID" || rc=$?
  migrate_backends_gone
  if ((rc == 0)); then
    after=$((after + 1))
  else
    grep -q "lost the connection to the database\|terminating connection" "run$run.err" ||
      fail "run $run: exit $rc without naming the lost connection: $(cat "run$run.err")"
    if [[ "$(q "SELECT to_regclass('migrate.revisions') IS NOT NULL")" == f || "$(phase_of a00000000001)" == none ]]; then
      during_a1=$((during_a1 + 1))
    elif [[ "$(phase_of a00000000002)" != complete ]]; then
      during_a2=$((during_a2 + 1))
    else
      during_a3=$((during_a3 + 1))
    fi
  fi
  check_truth "$run"
  rerun_completes "$run"
  resumed=$((resumed + RESUMED))
done
echo "faults: $RUNS runs terminated: $during_a1 in the transaction, $during_a2 around the concurrent index, $during_a3 in the backfill, $after after the end; $resumed reruns needed --resume; state and schema agreed every time"

# --- a frozen runner whose lock is cleared writes nothing when it wakes --------
q "SET client_min_messages = warning; DROP TABLE IF EXISTS items; DROP SCHEMA IF EXISTS migrate CASCADE"
write_revision f b00000000001 "" "SELECT pg_sleep(0.5);"
write_revision f b00000000002 b00000000001 "CREATE TABLE after_wake (id int);" "DROP TABLE after_wake;"
migrate_bg frozen --dir f --database-url "$url" upgrade --allow-existing-schema
frozen=$BG_PID
wait_until "$url" "SELECT count(*) = 1 FROM pg_stat_activity WHERE datname = current_database() AND query LIKE '%pg_sleep(0.5)%' AND state = 'active' AND application_name LIKE 'migrate upgrade@%'"
kill -STOP "$frozen"
wait_until "$url" "SELECT count(*) = 1 FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'migrate upgrade@%' AND application_name NOT LIKE '%(watch)' AND state = 'idle'"
before=$(q "SELECT count(*) FROM migrate.revisions")
events_before=$(q "SELECT count(*) FROM migrate.events")
run_migrate --dir f --database-url "$url" lock clear --yes --stale-after 0s
assert_rc 0
assert_out_contains "Terminated backend"
kill -CONT "$frozen"
rc=0
wait "$frozen" || rc=$?
assert_eq 1 "$rc" "the woken runner stops with exit 1"
grep -q "lost the connection to the database" frozen.err || fail "the woken runner does not say its connection was lost: $(cat frozen.err)"
assert_eq "$before" "$(q "SELECT count(*) FROM migrate.revisions")" "the woken runner recorded nothing"
assert_eq $((events_before + 1)) "$(q "SELECT count(*) FROM migrate.events")" "only the clear is recorded"
assert_eq f "$(q "SELECT to_regclass('after_wake') IS NOT NULL")" "the woken runner applied nothing"
run_migrate --dir f --database-url "$url" upgrade --allow-existing-schema
assert_rc 0
assert_eq t "$(q "SELECT to_regclass('after_wake') IS NOT NULL")" "the next run applies the rest"

# --- a session that is not migrate's holding the key ---------------------------
open_session intruder "$url" psql-by-hand
session_send intruder "SELECT pg_advisory_lock(1835624306, -389158786);"
wait_until "$url" "SELECT count(*) = 1 FROM pg_locks WHERE locktype = 'advisory' AND classid = 1835624306 AND granted"
intruder=$(backend_pid_of "$url" psql-by-hand)
run_migrate --database-url "$url" lock clear --yes --stale-after 0s
assert_rc 1
assert_err_contains "pid $intruder (psql-by-hand, "
assert_err_contains "is not a migrate run"
assert_err_contains "add --force to terminate it anyway"
assert_eq 1 "$(q "SELECT count(*) FROM pg_stat_activity WHERE pid = $intruder")" "not terminated without --force"
run_migrate --database-url "$url" lock clear --yes --force
assert_rc 0
assert_out_contains "Terminated backend $intruder"
wait_until "$url" "SELECT count(*) = 0 FROM pg_locks WHERE locktype = 'advisory' AND classid = 1835624306"
echo "faults: all checks passed"
