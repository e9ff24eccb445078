# Through PgBouncer (transaction and session pooling, with pgbench keeping
# the pool busy) migrate refuses, before taking any lock, to hold the
# migration lock on a connection it cannot prove direct, and says what to do;
# with --lock-url naming a direct connection it migrates through the pooler
# while the lock stays on the direct one. After every run no advisory lock of
# migrate's is left on any server connection (read from pg_locks directly).
# MIGRATE_POOLER_RUNS runs per pool mode (default 20), each a refused run and
# an upgrade or downgrade with --lock-url.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/session_lib.sh"

PGBOUNCER=$(command -v pgbouncer || true)
[[ -n "$PGBOUNCER" ]] || PGBOUNCER=/usr/sbin/pgbouncer
[[ -x "$PGBOUNCER" ]] || skip "pgbouncer is not installed (scripts/deps.sh installs it)"
command -v pgbench >/dev/null || skip "pgbench is not installed (postgresql-contrib or the server package)"
RUNS=${MIGRATE_POOLER_RUNS:-20}

# PgBouncer refuses to run as root: as root it runs as postgres, which must
# reach its files, so they live in a directory of their own under /tmp.
work=$(mktemp -d /tmp/migrate-pgbouncer.XXXXXX)
on_exit cd /
on_exit rm -rf "$work"
chmod 0777 "$work"
cd "$work"
url=$(new_db)
dbname=${url#postgresql:///}
dbname=${dbname%%\?*}
direct="host=$PGHOST port=$PGPORT dbname=$dbname user=$PGUSER"
other_url=$(new_db)
pgbench -q -i -s 1 -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" "$dbname" >/dev/null 2>&1
write_revision m1 a00000000001 "" "CREATE TABLE through_bouncer (id int);" "DROP TABLE through_bouncer;"
cp -r m1 m2
write_revision m2 a00000000002 a00000000001 "CREATE INDEX CONCURRENTLY through_bouncer_id ON through_bouncer (id);" \
  "DROP INDEX CONCURRENTLY through_bouncer_id;" off
# pgbench_* tables were made by pgbench, not by migrate: adopted as they are.
adopt=(--allow-existing-schema)

# migrate's advisory locks held in this database, as the server sees them.
locks_held() {
  psql_db "$url" "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = 1835624306
                  AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
}

# start_bouncer MODE: PgBouncer on a free port with a pool of several server
# connections used in turn, so consecutive transactions land on different backends.
start_bouncer() {
  local mode=$1 port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  mkdir -p "$work/$mode" && chmod 0777 "$work/$mode"
  cat >"$work/$mode/pgbouncer.ini" <<INI
[databases]
* = host=$PGHOST port=$PGPORT user=$PGUSER
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $port
unix_socket_dir = $work/$mode
auth_type = any
pool_mode = $mode
default_pool_size = 4
min_pool_size = 4
server_round_robin = 1
ignore_startup_parameters = application_name,extra_float_digits
logfile = $work/$mode/pgbouncer.log
pidfile = $work/$mode/pgbouncer.pid
INI
  chmod 0666 "$work/$mode/pgbouncer.ini"
  if [[ "$(id -u)" == 0 ]]; then
    runuser -u postgres -- "$PGBOUNCER" -d "$work/$mode/pgbouncer.ini"
  else
    "$PGBOUNCER" -d "$work/$mode/pgbouncer.ini"
  fi
  on_exit stop_bouncer "$mode"
  BOUNCER_URL="host=127.0.0.1 port=$port dbname=$dbname user=$PGUSER"
  local i
  for ((i = 0; i < 50; i++)); do
    psql -XAtq "$BOUNCER_URL" -c "SELECT 1" >/dev/null 2>&1 && break
    sleep 0.1
  done
  # Other clients keep the pool busy (bounded in time; stopped with the bouncer).
  # In session mode they take two of the four server connections for good.
  local clients=3
  [[ "$mode" == session ]] && clients=2
  pgbench -n -c "$clients" -j 1 -T 80 -S -h 127.0.0.1 -p "$port" -U "$PGUSER" "$dbname" \
    >"$work/$mode/pgbench.log" 2>&1 &
  echo $! >"$work/$mode/pgbench.pid"
  wait_until "$url" "SELECT count(*) >= $clients FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'SELECT abalance%'"
}

stop_bouncer() {
  [[ -f "$work/$1/pgbench.pid" ]] && kill "$(cat "$work/$1/pgbench.pid")" 2>/dev/null
  [[ -f "$work/$1/pgbouncer.pid" ]] && kill "$(cat "$work/$1/pgbouncer.pid")" 2>/dev/null
  rm -f "$work/$1/pgbench.pid" "$work/$1/pgbouncer.pid"
  return 0
}

check_mode() {
  local mode=$1 i refused=0 migrated=0
  start_bouncer "$mode"
  for ((i = 1; i <= RUNS; i++)); do
    # Through the pooler alone: refused before any lock is taken.
    run_migrate --dir m1 --database-url "$BOUNCER_URL" upgrade "${adopt[@]}" --lock-wait 5s
    assert_rc 1
    assert_err_contains "goes through a proxy"
    assert_err_contains "took no lock"
    assert_err_contains "connect migrate directly to PostgreSQL, or keep this URL for the migration and name a direct connection for the lock with --lock-url URL"
    assert_eq 0 "$(locks_held)" "$mode run $i: no lock left after the refusal"
    refused=$((refused + 1))
    # Through the pooler, the lock on a direct connection.
    if ((i % 2 == 1)); then
      run_migrate --dir m1 --database-url "$BOUNCER_URL" --lock-url "$direct" upgrade "${adopt[@]}" --lock-wait 10s
      assert_rc 0
      assert_eq t "$(psql_db "$url" "SELECT to_regclass('through_bouncer') IS NOT NULL")" "$mode run $i: applied"
    else
      run_migrate --dir m1 --database-url "$BOUNCER_URL" --lock-url "$direct" downgrade base --lock-wait 10s
      assert_rc 0
      assert_eq f "$(psql_db "$url" "SELECT to_regclass('through_bouncer') IS NOT NULL")" "$mode run $i: reverted"
    fi
    assert_eq 0 "$(locks_held)" "$mode run $i: no lock left after the run"
    migrated=$((migrated + 1))
  done
  echo "pgbouncer $mode: $refused refused with the advice, $migrated migrated with --lock-url, 0 locks left"

  # The lock is held by the direct connection while the pooler runs the SQL.
  psql_db "$url" "SET client_min_messages = warning; DROP TABLE IF EXISTS through_bouncer; DROP SCHEMA IF EXISTS migrate CASCADE"
  write_revision m3 a00000000003 "" "SELECT pg_sleep(1.5);" "SELECT 1;"
  migrate_bg "$work/$mode/long" --dir m3 --database-url "$BOUNCER_URL" --lock-url "$direct" upgrade "${adopt[@]}"
  wait_until "$url" "SELECT count(*) = 1 FROM pg_locks l JOIN pg_stat_activity a USING (pid) WHERE l.locktype = 'advisory' AND l.classid = 1835624306 AND a.application_name LIKE 'migrate upgrade@% (lock)'"
  wait "$BG_PID" || fail "$mode: the long run failed: $(cat "$work/$mode/long.err")"
  assert_eq 0 "$(locks_held)" "$mode: no lock left after the long revision"
  psql_db "$url" "SET client_min_messages = warning; DROP SCHEMA migrate CASCADE"

  # A step outside a transaction never runs through the pooler; the one
  # before it is recorded; a direct URL finishes the work.
  run_migrate --dir m2 --database-url "$BOUNCER_URL" --lock-url "$direct" upgrade "${adopt[@]}"
  assert_rc 1
  assert_err_contains "cannot run through a proxy"
  assert_err_contains "HINT: run this revision with a direct --database-url"
  assert_err_contains "this statement took no effect"
  assert_eq f "$(psql_db "$url" "SELECT to_regclass('through_bouncer_id') IS NOT NULL")" "$mode: no index built through the pooler"
  run_migrate --dir m2 --database-url "$direct" status
  assert_out_contains "a00000000002"
  assert_eq "complete in_progress" "$(psql_db "$url" "SELECT string_agg(phase, ' ' ORDER BY id) FROM migrate.revisions")" \
    "$mode: the first revision recorded, the second in progress"
  run_migrate --dir m2 --database-url "$direct" upgrade
  assert_rc 0
  assert_eq t "$(psql_db "$url" "SELECT to_regclass('through_bouncer_id') IS NOT NULL")" "$mode: built directly"
  assert_eq 0 "$(locks_held)" "$mode: no lock left"
  psql_db "$url" "SET client_min_messages = warning; DROP TABLE through_bouncer; DROP SCHEMA migrate CASCADE"
  stop_bouncer "$mode"
}

check_mode transaction
check_mode session

# A --lock-url that reaches another database would guard nothing: refused.
run_migrate --dir m1 --database-url "$url" --lock-url "$other_url" upgrade "${adopt[@]}"
assert_rc 1
assert_err_contains "--lock-url reaches database"
assert_err_contains "would not guard this database"
assert_eq f "$(psql_db "$url" "SELECT to_regclass('through_bouncer') IS NOT NULL")" "nothing applied"
echo "pgbouncer: all checks passed"
