# The server killed mid-run (pg_ctl stop -m immediate) while revisions commit
# with synchronous_commit off (all but the last of a run): after a restart,
# every recorded revision's table exists and no table exists without its
# record (each revision and its state row one transaction), and running the
# same upgrade again completes. Then MIGRATE_SHUTDOWN_RUNS times (default 10)
# the same immediate shutdown at a random moment of a run of a transaction, a
# concurrent index build and a backfill (faults_lib.sh), and a restart: the
# state tells the truth, `status` names what was interrupted, and a rerun
# completes. On a cluster of its own (the shared test cluster is not to be
# killed), with fsync and synchronous_commit on.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/session_lib.sh"

readonly N=400

scratch=$(scratch_dir)
private_cluster "$scratch/crash-pg"
base=$CLUSTER_BASE
# db_url and psql_db reach this cluster from here on.
PGHOST=$CLUSTER_SOCK
PGPORT=$CLUSTER_PORT

url=$(db_url postgres)
psql_db "$url" "ALTER SYSTEM SET fsync = on" >/dev/null
psql_db "$url" "ALTER SYSTEM SET synchronous_commit = on" >/dev/null
psql_db "$url" "SELECT pg_reload_conf()" >/dev/null
psql_db "$url" "CREATE DATABASE crash" >/dev/null
url=$(db_url crash)

dir=$scratch/revisions
parent=""
for ((i = 1; i <= N; i++)); do
  id=$(printf 'c%011d' "$i")
  write_revision "$dir" "$id" "$parent" "CREATE TABLE t_$i (id int);
INSERT INTO t_$i VALUES ($i);" "DROP TABLE t_$i;"
  parent=$id
done

migrate_bg crashed --dir "$dir" --database-url "$url" upgrade
wait_until "$url" "SELECT to_regclass('migrate.revisions') IS NOT NULL AND (SELECT count(*) >= 40 FROM migrate.revisions)" 300
as_owner "$PG_BIN/pg_ctl" stop -D "$base/data" -m immediate >/dev/null 2>&1 || fail "pg_ctl stop -m immediate failed"
wait "$BG_PID" 2>/dev/null && fail "migrate succeeded although the server was killed during the run"
as_owner "$PG_BIN/pg_ctl" start -D "$base/data" -l "$base/after-crash.log" -w -t 60 -o "-p $PGPORT" >/dev/null 2>&1 ||
  fail "the cluster did not restart: $(tail -n 20 "$base/after-crash.log" 2>/dev/null)"

recorded=$(psql_db "$url" "SELECT count(*) FROM migrate.revisions WHERE phase = 'complete'")
tables=$(psql_db "$url" "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 't\_%'")
((recorded < N)) || fail "the run was not cut short ($recorded of $N recorded)"
assert_eq "$recorded" "$tables" "revisions recorded and tables created agree after the crash"
assert_eq "0" "$(psql_db "$url" "SELECT count(*) FROM migrate.revisions r WHERE to_regclass('public.t_' || ltrim(substr(r.id, 2), '0')) IS NULL")" \
  "every recorded revision's table exists"

run_migrate --dir "$dir" --database-url "$url" -q upgrade
assert_rc 0
assert_eq "$N" "$(psql_db "$url" "SELECT count(*) FROM migrate.revisions WHERE phase = 'complete'")" "the rerun completed"
assert_eq "$N" "$(psql_db "$url" "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 't\_%'")" \
  "every table exists once"
run_migrate --dir "$dir" --database-url "$url" status
assert_rc 0
assert_out_contains "pending    none"

# --- immediate shutdowns at random moments, each followed by a restart ---------
RUNS=${MIGRATE_SHUTDOWN_RUNS:-10}
psql_db "$(db_url postgres)" "CREATE DATABASE faults" >/dev/null
url=$(db_url faults)
q() { psql_db "$url" "$1"; }
cd "$scratch"
source "$(dirname "${BASH_SOURCE[0]}")/faults_lib.sh"
write_fault_revisions
killed=0 finished=0 resumed=0
for ((run = 1; run <= RUNS; run++)); do
  reset_fault_database
  migrate_bg "shutdown$run" "${FAULT_UPGRADE[@]}"
  sleep "$(python3 -c "import random; print(round(random.uniform(0.0, 0.45), 3))")"
  as_owner "$PG_BIN/pg_ctl" stop -D "$base/data" -m immediate >/dev/null 2>&1 || fail "run $run: pg_ctl stop -m immediate failed"
  rc=0
  wait "$BG_PID" || rc=$?
  if ((rc == 0)); then
    finished=$((finished + 1))
  else
    killed=$((killed + 1))
    grep -q "lost the connection to the database\|terminating connection\|cannot connect to the database" "shutdown$run.err" ||
      fail "run $run: exit $rc without naming the lost connection: $(cat "shutdown$run.err")"
    grep -q "please report" "shutdown$run.err" && fail "run $run: reported as unexpected: $(cat "shutdown$run.err")"
  fi
  as_owner "$PG_BIN/pg_ctl" start -D "$base/data" -l "$base/after-shutdown-$run.log" -w -t 60 -o "-p $PGPORT" >/dev/null 2>&1 ||
    fail "run $run: the cluster did not restart: $(tail -n 20 "$base/after-shutdown-$run.log" 2>/dev/null)"
  check_truth "$run"
  rerun_completes "$run"
  resumed=$((resumed + RESUMED))
done
echo "crash durability: $RUNS immediate shutdowns ($killed mid-run, $finished after the end); $resumed reruns needed --resume; state and schema agreed every time"
