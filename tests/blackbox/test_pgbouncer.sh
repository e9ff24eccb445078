# Behind PgBouncer in transaction pooling mode a session advisory lock is
# taken on one backend and "released" on another: migrate detects that the
# backend changes between its statements and refuses, asking for a direct
# connection. In session pooling mode it works.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/session_lib.sh"

PGBOUNCER=$(command -v pgbouncer || true)
[[ -n "$PGBOUNCER" ]] || PGBOUNCER=/usr/sbin/pgbouncer
[[ -x "$PGBOUNCER" ]] || skip "pgbouncer is not installed (scripts/deps.sh installs it)"

# PgBouncer refuses to run as root: as root it runs as postgres, which must
# reach its files, so they live in a directory of their own under /tmp.
work=$(mktemp -d /tmp/migrate-pgbouncer.XXXXXX)
on_exit rm -rf "$work"
chmod 0777 "$work"
cd "$work"
url=$(new_db)
dbname=${url#postgresql:///}
dbname=${dbname%%\?*}
write_revision m1 a00000000001 "" "CREATE TABLE through_bouncer (id int);" "DROP TABLE through_bouncer;"

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
  local i
  for ((i = 0; i < 50; i++)); do
    psql -XAtq "host=127.0.0.1 port=$port dbname=$dbname user=$PGUSER" -c "SELECT 1" >/dev/null 2>&1 && break
    sleep 0.1
  done
  BOUNCER_URL="host=127.0.0.1 port=$port dbname=$dbname user=$PGUSER"
  # Open four server connections at once, so that the pool has several to hand out in turn.
  local pids=()
  for i in 1 2 3 4; do
    psql -XAtq "$BOUNCER_URL" -c "SELECT pg_sleep(0.3)" >/dev/null &
    pids+=($!)
  done
  wait "${pids[@]}"
}

stop_bouncer() {
  [[ -f "$work/$1/pgbouncer.pid" ]] && kill "$(cat "$work/$1/pgbouncer.pid")" 2>/dev/null || true
}

start_bouncer transaction
run_migrate --dir m1 --database-url "$BOUNCER_URL" upgrade --lock-wait 5s
assert_rc 1
assert_err_contains "changes backend between statements"
assert_err_contains "PgBouncer"
assert_err_contains "connect migrate directly to PostgreSQL"
assert_eq "f" "$(psql_db "$url" "SELECT to_regclass('through_bouncer') IS NOT NULL")" "nothing applied through the transaction pool"

stop_bouncer transaction
start_bouncer session
run_migrate --dir m1 --database-url "$BOUNCER_URL" upgrade --lock-wait 10s
assert_rc 0
assert_eq "t" "$(psql_db "$url" "SELECT to_regclass('through_bouncer') IS NOT NULL")" "applied through the session pool"
echo "pgbouncer: all checks passed"
