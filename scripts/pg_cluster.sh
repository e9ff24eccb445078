#!/usr/bin/env bash
# Starts and stops a private, throwaway PostgreSQL 15 cluster for the tests
# (the CTest fixture "pg" runs it). Nothing outside DIR is touched, except a
# /tmp/migrate-pg.* directory when the postgres user cannot reach DIR.
#
#   pg_cluster.sh start DIR   fresh cluster; writes DIR/env (see below)
#   pg_cluster.sh stop DIR    stops it and deletes its data
#   pg_cluster.sh env DIR     prints `export` lines: eval "$(pg_cluster.sh env DIR)"
#
# DIR/env holds shell-sourceable KEY='value' lines: PGHOST (the socket
# directory), PGPORT, PGUSER (a superuser, trust auth), PGDATABASE=postgres and
# MIGRATE_TEST_ADMIN_URL (a libpq URI for the same connection).
set -euo pipefail

PG_BIN=${MIGRATE_PG_BIN:-/usr/lib/postgresql/15/bin}
FIRST_PORT=${MIGRATE_PG_FIRST_PORT:-54320}
PORT_TRIES=200
# sun_path holds 108 bytes; the socket is <sock>/.s.PGSQL.<port>.
MAX_SOCKET_DIR_LEN=90

die() {
  echo "pg_cluster: error: $*" >&2
  exit 1
}

usage() {
  echo "usage: $0 start|stop|env DIR" >&2
  exit 2
}

(($# == 2)) || usage
command=$1
dir_arg=$2

is_root() { [[ "$(id -u)" == 0 ]]; }

# Runs a command as the cluster's owner: postgres when we are root (the server
# refuses to run as root), else ourselves. From / so that an unreadable
# working directory does not matter.
as_owner() {
  if is_root; then
    (cd / && runuser -u postgres -- "$@")
  else
    (cd / && "$@")
  fi
}

superuser_name() {
  if is_root; then
    echo postgres
  else
    id -un 2>/dev/null || echo postgres
  fi
}

# Percent-encodes everything but RFC 3986 unreserved characters, byte by byte.
urlencode() {
  local LC_ALL=C
  local s=$1 out="" c hex i
  for ((i = 0; i < ${#s}; i++)); do
    c=${s:i:1}
    case "$c" in
      [A-Za-z0-9._~-]) out+=$c ;;
      *)
        printf -v hex '%%%02X' "'$c"
        out+=$hex
        ;;
    esac
  done
  printf '%s' "$out"
}

# 'value' with embedded single quotes escaped, for the env file.
shell_quote() {
  local s=${1//\'/\'\\\'\'}
  printf "'%s'" "$s"
}

port_in_use() {
  local port=$1
  if command -v ss >/dev/null 2>&1; then
    [[ -n "$(ss -Hltn "sport = :$port" 2>/dev/null)" ]]
  else
    timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port" 2>/dev/null
  fi
}

# Where data/, sock/ and postgres.log live: DIR itself, or the /tmp directory
# recorded in DIR/location.
cluster_base() {
  local dir=$1
  if [[ -f "$dir/location" ]]; then
    local base
    base=$(<"$dir/location")
    # Only ever a directory this script made.
    if [[ "$base" == /tmp/migrate-pg.* && "$base" != */../* ]]; then
      printf '%s' "$base"
      return
    fi
    echo "pg_cluster: warning: ignoring unexpected location '$base'" >&2
  fi
  printf '%s' "$dir"
}

# True when data/postmaster.pid names a live postgres process.
postmaster_running() {
  local data=$1 pid
  [[ -f "$data/postmaster.pid" ]] || return 1
  pid=$(head -n 1 "$data/postmaster.pid" 2>/dev/null || true)
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  grep -qa postgres "/proc/$pid/cmdline" 2>/dev/null
}

stop_cluster() {
  local dir=$1 base
  base=$(cluster_base "$dir")
  if postmaster_running "$base/data"; then
    if ! as_owner "$PG_BIN/pg_ctl" -D "$base/data" -m fast -w -t 60 stop >/dev/null 2>&1; then
      as_owner "$PG_BIN/pg_ctl" -D "$base/data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
    fi
  fi
  if [[ "$base" != "$dir" ]]; then
    # Keep the server log beside the other build outputs.
    [[ -f "$base/postgres.log" ]] && cp "$base/postgres.log" "$dir/postgres.log" 2>/dev/null || true
    rm -rf "$base"
  else
    rm -rf "$base/data" "$base/sock"
  fi
  rm -f "$dir/env" "$dir/location" "$dir/initdb.log"
}

# Prints the directory to put the cluster in: DIR when the owner can use it
# and the socket path fits, else a fresh /tmp/migrate-pg.XXXXXX.
choose_base() {
  local dir=$1 reason=""
  if ((${#dir} > MAX_SOCKET_DIR_LEN)); then
    reason="its path is too long for a unix socket"
  elif is_root && ! runuser -u postgres -- test -x "$dir" 2>/dev/null; then
    reason="the postgres user cannot reach it"
  fi
  if [[ -z "$reason" ]]; then
    printf '%s' "$dir"
    return
  fi
  local base
  base=$(mktemp -d /tmp/migrate-pg.XXXXXX)
  printf '%s\n' "$base" >"$dir/location"
  echo "pg_cluster: using $base instead of $dir: $reason" >&2
  printf '%s' "$base"
}

start_cluster() {
  local dir=$1
  [[ -x "$PG_BIN/initdb" && -x "$PG_BIN/pg_ctl" ]] ||
    die "PostgreSQL 15 server binaries not found in $PG_BIN (run scripts/deps.sh)"
  if is_root; then
    id postgres >/dev/null 2>&1 || die "running as root needs the 'postgres' user (package postgresql-15)"
  fi

  # A cluster left over from an earlier run (tests interrupted) goes first.
  stop_cluster "$dir"

  local base data sock log superuser
  base=$(choose_base "$dir")
  data=$base/data
  sock=$base/sock
  log=$base/postgres.log
  superuser=$(superuser_name)

  mkdir -p "$data" "$sock"
  : >"$log"
  chmod 700 "$data"
  if is_root; then
    chown postgres: "$data" "$sock" "$log"
    [[ "$base" != "$dir" ]] && chown postgres: "$base"
  fi

  if ! as_owner "$PG_BIN/initdb" -D "$data" -U "$superuser" --auth=trust -E UTF8 --locale=C \
    --no-sync >"$dir/initdb.log" 2>&1; then
    cat "$dir/initdb.log" >&2
    die "initdb failed (log above)"
  fi

  # Appended as whoever we are; the file keeps its owner.
  cat >>"$data/postgresql.conf" <<EOF

# --- private test cluster (scripts/pg_cluster.sh) ---
listen_addresses = '127.0.0.1'
unix_socket_directories = '$sock'
max_connections = 200
shared_buffers = 32MB
fsync = off
full_page_writes = off
synchronous_commit = off
timezone = 'UTC'
log_line_prefix = '%m [%p] %q%u@%d '
EOF

  local port started=""
  for ((port = FIRST_PORT; port < FIRST_PORT + PORT_TRIES; port++)); do
    port_in_use "$port" && continue
    if as_owner "$PG_BIN/pg_ctl" -D "$data" -l "$log" -w -t 60 -o "-p $port" start >/dev/null 2>&1; then
      started=yes
      break
    fi
    # Another cluster may have taken the port between the probe and the bind.
    if grep -q "already in use" "$log"; then
      : >"$log"
      continue
    fi
    tail -n 30 "$log" >&2
    die "the server did not start (log above, full log in $log)"
  done
  [[ -n "$started" ]] || die "no free port in $FIRST_PORT..$((FIRST_PORT + PORT_TRIES - 1))"

  local i
  for ((i = 0; i < 300; i++)); do
    "$PG_BIN/pg_isready" -q -h "$sock" -p "$port" -d postgres -U "$superuser" && break
    sleep 0.1
  done
  "$PG_BIN/pg_isready" -q -h "$sock" -p "$port" -d postgres -U "$superuser" ||
    die "the server started but is not accepting connections (log: $log)"

  local url="postgresql:///postgres?host=$(urlencode "$sock")&port=$port&user=$(urlencode "$superuser")"
  {
    echo "PGHOST=$(shell_quote "$sock")"
    echo "PGPORT=$(shell_quote "$port")"
    echo "PGUSER=$(shell_quote "$superuser")"
    echo "PGDATABASE=$(shell_quote postgres)"
    echo "MIGRATE_TEST_ADMIN_URL=$(shell_quote "$url")"
  } >"$dir/env.tmp"
  mv "$dir/env.tmp" "$dir/env"
  echo "pg_cluster: PostgreSQL running on $sock port $port (superuser $superuser); settings in $dir/env"
}

case "$command" in
  start)
    mkdir -p "$dir_arg"
    dir=$(cd "$dir_arg" && pwd -P)
    start_cluster "$dir"
    ;;
  stop)
    if [[ ! -d "$dir_arg" ]]; then
      exit 0
    fi
    dir=$(cd "$dir_arg" && pwd -P)
    stop_cluster "$dir"
    echo "pg_cluster: stopped and removed the cluster in $dir"
    ;;
  env)
    [[ -f "$dir_arg/env" ]] || die "no cluster running in $dir_arg (run: $0 start $dir_arg)"
    while IFS= read -r line; do
      [[ -n "$line" ]] && printf 'export %s\n' "$line"
    done <"$dir_arg/env"
    ;;
  *)
    usage
    ;;
esac
