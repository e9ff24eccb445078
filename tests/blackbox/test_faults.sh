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
mkdir -p m
cat >m/a00000000001.sql <<'SQL'
-- migrate:revision a00000000001
-- migrate:parents
-- migrate:message items, in one transaction

-- migrate:up
CREATE TABLE items (id bigint PRIMARY KEY, name text NOT NULL);
INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 5000) AS g;
SELECT pg_sleep(0.15);

-- migrate:down
DROP TABLE items;
SQL
cat >m/a00000000002.sql <<'SQL'
-- migrate:revision a00000000002
-- migrate:parents a00000000001
-- migrate:message items by name, concurrently
-- migrate:transaction off

-- migrate:up
SELECT pg_sleep(0.15);
CREATE INDEX CONCURRENTLY items_name ON items (name);

-- migrate:down
DROP INDEX CONCURRENTLY items_name;
SQL
cat >m/a00000000003.yaml <<'YAML'
revision: a00000000003
parents: [a00000000002]
message: an upper-case name, backfilled
operations:
  - add_column: {table: items, column: shout, type: text, up: "upper(name)"}
YAML
opts=(--dir m --database-url "$url" upgrade --batch-size 500 --batch-pause 10ms)

migrate_backends_gone() {
  wait_until "$url" "SELECT count(*) = 0 FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()" 200
}
phase_of() { q "SELECT coalesce((SELECT phase FROM migrate.revisions WHERE id = '$1'), 'none')"; }

# The state rows against the schema objects they stand for.
check_truth() {
  local run=$1 p1 p2 p3
  if [[ "$(q "SELECT to_regclass('migrate.revisions') IS NOT NULL")" == f ]]; then
    assert_eq f "$(q "SELECT to_regclass('items') IS NOT NULL")" "run $run: no state, no table"
    return
  fi
  p1=$(phase_of a00000000001) p2=$(phase_of a00000000002) p3=$(phase_of a00000000003)
  case "$p1" in
    complete) assert_eq t "$(q "SELECT count(*) = 5000 FROM items")" "run $run: a1 recorded, its rows there" ;;
    none) assert_eq f "$(q "SELECT to_regclass('items') IS NOT NULL")" "run $run: a1 not recorded, no table" ;;
    *) fail "run $run: a1 (one transaction) is $p1" ;;
  esac
  case "$p2" in
    complete) assert_eq t "$(q "SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass('items_name')")" "run $run: a2 recorded, its index valid" ;;
    none) assert_eq f "$(q "SELECT to_regclass('items_name') IS NOT NULL")" "run $run: a2 not recorded, no index" ;;
    in_progress) ;;
    *) fail "run $run: a2 is $p2" ;;
  esac
  case "$p3" in
    expanded) assert_eq 0 "$(q "SELECT count(*) FROM items WHERE shout IS DISTINCT FROM upper(name)")" "run $run: a3 recorded, every row backfilled" ;;
    none) assert_eq f "$(q "SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('items') AND attname = 'shout' AND NOT attisdropped)")" "run $run: a3 not recorded, no column" ;;
    in_progress) ;;
    *) fail "run $run: a3 is $p3" ;;
  esac
  if [[ "$p2" == in_progress || "$p3" == in_progress ]]; then
    run_migrate --dir m --database-url "$url" status
    assert_rc 1
    assert_out_contains "interrupted (no run holds the lock)"
    [[ "$p2" == in_progress ]] && assert_out_contains a00000000002
    [[ "$p3" == in_progress ]] && assert_out_contains a00000000003
  fi
  return 0
}

during_a1=0 during_a2=0 during_a3=0 after=0 resumed=0
for ((run = 1; run <= RUNS; run++)); do
  q "SET client_min_messages = warning; DROP TABLE IF EXISTS items; DROP SCHEMA IF EXISTS migrate CASCADE"
  migrate_bg "run$run" "${opts[@]}"
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
  run_migrate "${opts[@]}"
  if [[ "$RC" != 0 ]]; then
    assert_err_contains "migrate upgrade --resume"
    run_migrate "${opts[@]}" --resume
    resumed=$((resumed + 1))
  fi
  assert_rc 0
  assert_eq "complete complete expanded" "$(q "SELECT string_agg(phase, ' ' ORDER BY id) FROM migrate.revisions")" "run $run: the rerun completes"
  check_truth "$run (rerun)"
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
