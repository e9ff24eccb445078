# shellcheck shell=bash
# Shared helpers for the benchmarks (sourced, not run). A private throwaway
# PostgreSQL (scripts/pg_cluster.sh) that stops when the script exits, timing
# helpers that print medians, ratios and PASS/MISS against targets.
#
# Environment:
#   MIGRATE_BIN    the binary to measure (default: $BUILD_DIR/migrate, BUILD_DIR=build)
#   BENCH_RUNS     override every benchmark's run count (each script has its own defaults)
#   BENCH_KEEP=1   keep the temporary directory (generated revisions, logs)
#   BENCH_TMP_BASE where to make the temporary directory (default: /tmp)

set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
REPO_ROOT=$(cd "$BENCH_DIR/.." && pwd -P)
MIGRATE_BIN=${MIGRATE_BIN:-$REPO_ROOT/${BUILD_DIR:-build}/migrate}
PG_BIN=${MIGRATE_PG_BIN:-/usr/lib/postgresql/15/bin}
ALEMBIC=/usr/bin/alembic # never a pyenv shim: Debian's alembic needs Debian's python3 modules
# dbmate from npm lives here between runs (bench/.gitignore keeps it out of git).
DBMATE_PREFIX=${DBMATE_PREFIX:-$BENCH_DIR/.deps/dbmate}

BENCH_TMP=""
BENCH_PG_DIR=""
BENCH_PIDS=()

bench_log() { printf '%s\n' "$*" >&2; }
bench_die() {
  printf 'bench: error: %s\n' "$*" >&2
  exit 1
}

# ---------------------------------------------------------------- lifecycle

bench_cleanup() {
  local status=$?
  local pid
  for pid in "${BENCH_PIDS[@]+"${BENCH_PIDS[@]}"}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${BENCH_PIDS[@]+"${BENCH_PIDS[@]}"}"; do
    wait "$pid" 2>/dev/null || true
  done
  if [[ -n "$BENCH_PG_DIR" && -d "$BENCH_PG_DIR" ]]; then
    bash "$REPO_ROOT/scripts/pg_cluster.sh" stop "$BENCH_PG_DIR" >/dev/null 2>&1 || true
  fi
  if [[ -n "$BENCH_TMP" && -d "$BENCH_TMP" ]]; then
    if [[ "${BENCH_KEEP:-0}" == 1 ]]; then
      bench_log "bench: kept $BENCH_TMP"
    else
      rm -rf "$BENCH_TMP"
    fi
  fi
  return "$status"
}

# Makes $BENCH_TMP and arranges for everything to be cleaned up on exit.
bench_init() {
  local name=$1
  [[ -x "$MIGRATE_BIN" ]] || bench_die "no migrate binary at $MIGRATE_BIN (run 'make build', or set MIGRATE_BIN)"
  BENCH_TMP=$(mktemp -d "${BENCH_TMP_BASE:-/tmp}/migrate-bench-$name.XXXXXX")
  chmod 755 "$BENCH_TMP" # the postgres user (when we are root) reads files under it
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
}

# Remembers a background process to end on exit.
bench_track() { BENCH_PIDS+=("$1"); }

# Starts the private cluster and exports PGHOST, PGPORT, PGUSER, PGDATABASE
# and MIGRATE_TEST_ADMIN_URL.
bench_pg_start() {
  BENCH_PG_DIR=$BENCH_TMP/pg
  bash "$REPO_ROOT/scripts/pg_cluster.sh" start "$BENCH_PG_DIR" >&2
  set -a
  # shellcheck disable=SC1091
  source "$BENCH_PG_DIR/env"
  set +a
  PSQL=(psql -X -q -v ON_ERROR_STOP=1)
}

# libpq URI for database NAME on the private cluster.
bench_url() {
  local name=$1
  printf '%s' "${MIGRATE_TEST_ADMIN_URL/postgresql:\/\/\/postgres/postgresql:///$name}"
}

bench_psql() { "${PSQL[@]}" "$@"; }

bench_recreate_db() {
  local name=$1
  "${PSQL[@]}" -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $name WITH (FORCE)" \
    -c "CREATE DATABASE $name" >/dev/null
}

# ---------------------------------------------------------------- tools

bench_hyperfine() {
  if ! command -v hyperfine >/dev/null 2>&1 && [[ "${BENCH_NO_INSTALL:-0}" != 1 && "$(id -u)" == 0 ]]; then
    bench_log "bench: installing hyperfine"
    apt-get install -y -q hyperfine >/dev/null 2>&1 || true
  fi
  command -v hyperfine >/dev/null 2>&1
}

# Installs what the comparisons need when missing (Debian packages, dbmate
# from npm). Prints what is still missing; the comparisons with it are skipped.
bench_need_alembic() {
  if [[ -x "$ALEMBIC" ]] && /usr/bin/python3 -c 'import sqlalchemy, psycopg2' 2>/dev/null; then return 0; fi
  if [[ "${BENCH_NO_INSTALL:-0}" != 1 && "$(id -u)" == 0 ]]; then
    bench_log "bench: installing python3-alembic python3-sqlalchemy python3-psycopg2"
    apt-get install -y -q python3-alembic python3-sqlalchemy python3-psycopg2 >/dev/null 2>&1 || true
  fi
  [[ -x "$ALEMBIC" ]] && /usr/bin/python3 -c 'import sqlalchemy, psycopg2' 2>/dev/null
}

# Sets DBMATE to the Go binary itself: the npm package's bin/dbmate is a node
# wrapper that would add node's start-up (~40 ms) to every measurement.
bench_need_dbmate() {
  local native=$DBMATE_PREFIX/node_modules/@dbmate/linux-x64/bin/dbmate
  if [[ ! -x "$native" ]] && command -v npm >/dev/null 2>&1; then
    bench_log "bench: npm install dbmate into $DBMATE_PREFIX"
    mkdir -p "$DBMATE_PREFIX"
    (cd "$DBMATE_PREFIX" && timeout 300 npm install --no-audit --no-fund --silent dbmate >/dev/null 2>&1) || true
  fi
  if [[ ! -x "$native" ]]; then
    native=$(find "$DBMATE_PREFIX/node_modules/@dbmate" -path '*/bin/dbmate' -type f 2>/dev/null | head -n 1 || true)
  fi
  [[ -n "$native" && -x "$native" ]] || return 1
  DBMATE=$native
  export DBMATE
}

# ---------------------------------------------------------------- timing

# bench_time VAR RUNS PREPARE -- CMD ARGS...
# Runs CMD RUNS times (after one warm-up when RUNS > 1), running the shell
# snippet PREPARE (may be "") before each, and sets VAR to the median wall
# time in milliseconds and VAR_cpu to the mean user+system CPU time of the
# process (hyperfine only; "" otherwise). CMD's output is discarded; a failing CMD aborts.
# Uses hyperfine --export-json when installed, else date +%s%N.
bench_time() {
  local var=$1 runs=$2 prepare=$3
  shift 3
  [[ "$1" == -- ]] && shift
  runs=${BENCH_RUNS:-$runs}
  local median cpu=""
  if bench_hyperfine; then
    local json=$BENCH_TMP/hyperfine.$$.json cmd warm=1
    ((runs > 1)) || warm=0
    cmd=$(printf '%q ' "$@")
    local args=(--style none --runs "$runs" --warmup "$warm" --export-json "$json" --shell bash)
    [[ -n "$prepare" ]] && args+=(--prepare "$prepare")
    # hyperfine subtracts the shell's own start-up time.
    hyperfine "${args[@]}" "$cmd" >/dev/null 2>"$BENCH_TMP/hyperfine.err" ||
      { cat "$BENCH_TMP/hyperfine.err" >&2; bench_die "benchmark failed: $*"; }
    median=$(jq -r '.results[0].median * 1000' "$json")
    cpu=$(jq -r '(.results[0].user + .results[0].system) * 1000' "$json")
    rm -f "$json"
  else
    local times=() i t0 t1
    if ((runs > 1)); then
      [[ -n "$prepare" ]] && bash -c "$prepare"
      "$@" >/dev/null 2>&1 || bench_die "benchmark failed: $*"
    fi
    for ((i = 0; i < runs; i++)); do
      [[ -n "$prepare" ]] && bash -c "$prepare"
      t0=$(date +%s%N)
      "$@" >/dev/null 2>&1 || bench_die "benchmark failed: $*"
      t1=$(date +%s%N)
      times+=("$(((t1 - t0) / 1000))")
    done
    median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {m = (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2; printf "%.3f", m / 1000}')
  fi
  printf -v "$var" '%s' "$median"
  printf -v "${var}_cpu" '%s' "$cpu"
}

# bench_sample NAME RUNS -- CMD ARGS...: RUNS more runs of CMD (no warm-up),
# their wall times (ms) appended to sample NAME; bench_sample_median NAME
# prints the median so far. Alternating bench_sample calls of two commands
# interleaves them, so that a change in the load of shared cores hits both.
bench_sample() {
  local name=$1 runs=$2 json t0 t1 i
  shift 2
  [[ "$1" == -- ]] && shift
  mkdir -p "$BENCH_TMP/samples"
  if bench_hyperfine; then
    json=$BENCH_TMP/samples/last.json
    hyperfine --style none --runs "$runs" --export-json "$json" --shell bash "$(printf '%q ' "$@")" \
      >/dev/null 2>"$BENCH_TMP/hyperfine.err" || { cat "$BENCH_TMP/hyperfine.err" >&2; bench_die "benchmark failed: $*"; }
    jq -r '.results[0].times[] * 1000' "$json" >>"$BENCH_TMP/samples/$name"
  else
    for ((i = 0; i < runs; i++)); do
      t0=$(date +%s%N)
      "$@" >/dev/null 2>&1 || bench_die "benchmark failed: $*"
      t1=$(date +%s%N)
      echo "$(((t1 - t0) / 1000))" | awk '{ printf "%.3f\n", $1 / 1000 }' >>"$BENCH_TMP/samples/$name"
    done
  fi
}
bench_sample_median() {
  sort -n "$BENCH_TMP/samples/$1" | awk '{a[NR]=$1} END {if (NR % 2) print a[(NR+1)/2]; else print (a[NR/2] + a[NR/2+1]) / 2}'
}

# bench_time_capped VAR CAP_SECONDS -- CMD ARGS...: one run of CMD, ended
# after CAP_SECONDS. VAR is its wall time in ms, or "" when it was cut off.
bench_time_capped() {
  local var=$1 cap=$2 t0 t1 status=0
  shift 2
  [[ "$1" == -- ]] && shift
  t0=$(date +%s%N)
  # Through bash, so that CMD may be an exported function.
  timeout "$cap" bash -c '"$@"' bench "$@" >/dev/null 2>&1 || status=$?
  t1=$(date +%s%N)
  if ((status == 124)); then
    printf -v "$var" '%s' ""
  elif ((status != 0)); then
    bench_die "benchmark failed (exit $status): $*"
  else
    printf -v "$var" '%s' "$(((t1 - t0) / 1000000))"
  fi
}

# One line about the machine, since shared cores make wall times noisy.
bench_machine() {
  local load
  load=$(cut -d' ' -f1-3 /proc/loadavg)
  bench_result "machine: $(nproc) cores, $(. /etc/os-release && echo "$PRETTY_NAME"), $("$PG_BIN/postgres" --version), load average $load"
}

# CPU time of the server's exited backends so far (the postmaster's reaped
# children), in ms, 10 ms resolution: "<user+system> <user>".
bench_server_cpu_ms() {
  local base=$BENCH_PG_DIR pid
  [[ -f "$BENCH_PG_DIR/location" ]] && base=$(<"$BENCH_PG_DIR/location")
  pid=$(head -n 1 "$base/data/postmaster.pid")
  awk -v hz="$(getconf CLK_TCK)" '{ printf "%d %d", ($16 + $17) * 1000 / hz, $16 * 1000 / hz }' "/proc/$pid/stat"
}

# Turns autovacuum off on the private cluster, so that server CPU is the
# benchmark's own.
bench_pg_quiet() {
  bench_psql -d postgres -c "ALTER SYSTEM SET autovacuum = off" -c "SELECT pg_reload_conf()" >/dev/null
}

# Max resident set size in kB of one run of CMD (GNU time -v).
bench_max_rss_kb() {
  /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F': ' '/Maximum resident set size/ {print $2}'
}

# ---------------------------------------------------------------- printing

# 9.1 ms, 610 ms, 12.3 s
bench_fmt_ms() {
  awk -v ms="$1" 'BEGIN {
    if (ms >= 10000) printf "%.1f s", ms / 1000;
    else if (ms >= 100) printf "%.0f ms", ms;
    else printf "%.1f ms", ms }'
}

# Ratio of OTHER to BASE: 1.9x
bench_ratio() {
  awk -v base="$1" -v other="$2" 'BEGIN { if (base <= 0) print "n/a"; else printf "%.1fx", other / base }'
}

# The same with two decimals, for ratios near a target's threshold: 0.52x
bench_ratio2() {
  awk -v base="$1" -v other="$2" 'BEGIN { if (base <= 0) print "n/a"; else printf "%.2fx", other / base }'
}

# bench_compare LABEL BASE_MS [LABEL MS]...: one line, the others as ratios to
# the first, e.g. "migrate status 1k: 9.1 ms | dbmate status 17.0 ms (1.9x)".
bench_compare() {
  local label=$1 base=$2 line
  shift 2
  line="$label: $(bench_fmt_ms "$base")"
  while (($# >= 2)); do
    if [[ -z "$2" ]]; then
      line+="  | $1 skipped"
    else
      line+="  | $1 $(bench_fmt_ms "$2") ($(bench_ratio "$base" "$2"))"
    fi
    shift 2
  done
  bench_result "$line"
}

# Prints a result line (stdout, and $BENCH_SUMMARY when set).
bench_result() {
  printf '%s\n' "$*"
  [[ -n "${BENCH_SUMMARY:-}" ]] && printf '%s\n' "$*" >>"$BENCH_SUMMARY"
  return 0
}

# bench_target DESCRIPTION CONDITION(awk expression) MEASURED: PASS or MISS, never fails.
bench_target() {
  local description=$1 condition=$2 measured=$3 verdict
  verdict=$(awk "BEGIN { print (($condition) ? \"PASS\" : \"MISS\") }")
  bench_result "  target: $description -> $verdict ($measured)"
}

bench_header() {
  bench_result ""
  bench_result "== $* =="
}

# Elapsed milliseconds since a date +%s%N stamp.
bench_ms_since() {
  local now
  now=$(date +%s%N)
  echo $(((now - $1) / 1000000))
}

# ---------------------------------------------------------------- app traffic

# Writes the application's pgbench script to FILE: one UPDATE and one SELECT
# of a random user among the first MAX_ID.
bench_app_script() {
  local file=$1 max_id=$2
  cat >"$file" <<SQL
\set id random(1, $max_id)
UPDATE users SET name = name WHERE id = :id;
SELECT name FROM users WHERE id = :id;
SQL
}

# bench_pgbench DB SCRIPT SECONDS LOG_PREFIX: 4 clients, 2 threads, for
# SECONDS, a per-transaction latency log at LOG_PREFIX.*; the summary goes to
# LOG_PREFIX.out. Runs in the foreground (callers put it in the background).
bench_pgbench() {
  local db=$1 script=$2 seconds=$3 prefix=$4
  pgbench -n -c 4 -j 2 -T "$seconds" -f "$script" -l --log-prefix="$prefix" "$db" >"$prefix.out" 2>&1 || true
}

# bench_traffic_until STOP_FILE MAX_SECONDS DB SCRIPT LOG_PREFIX: pgbench in
# 2-second rounds until STOP_FILE exists, at most MAX_SECONDS and 500 rounds,
# so that it never outlives what it measures by more than one round.
bench_traffic_until() {
  local stop=$1 max=$2 db=$3 script=$4 prefix=$5 round=0 start
  start=$(date +%s)
  while [[ ! -e "$stop" ]] && (($(date +%s) - start < max)) && ((round < 500)); do
    bench_pgbench "$db" "$script" 2 "$prefix.r$round"
    round=$((round + 1))
  done
}

# bench_latency_stats LOG_PREFIX: from every pgbench per-transaction log
# LOG_PREFIX* (3rd field: latency in us, or a word for a failed or skipped
# transaction) and the LOG_PREFIX*.out summaries, prints
#   "<transactions> <failed> <p50_ms> <p99_ms> <max_ms> <over_500ms> <aborted_clients>"
bench_latency_stats() {
  local prefix=$1 dir base failed aborted bad all
  dir=$(dirname "$prefix")
  base=$(basename "$prefix")
  all=$BENCH_TMP/latencies.$$
  failed=$(cat "$dir/$base"*.out 2>/dev/null | awk -F': ' '/number of failed transactions/ {split($2, a, " "); s += a[1]} END {print s + 0}')
  aborted=$(cat "$dir/$base"*.out 2>/dev/null | grep -cE 'client [0-9]+ aborted' || true)
  find "$dir" -maxdepth 1 -type f -name "$base*" ! -name '*.out' -exec cat {} + | awk '{print $3}' >"$all"
  # Failed or skipped transactions carry a word instead of a latency.
  bad=$(grep -cvE '^[0-9]+$' "$all" || true)
  grep -E '^[0-9]+$' "$all" | sort -n | awk -v failed="$((failed + bad))" -v aborted="$aborted" '
    { v[++n] = $1; if ($1 > 500000) slow++ }
    END {
      if (n == 0) { printf "0 %d 0 0 0 0 %d\n", failed, aborted; exit }
      i50 = int(n * 0.50); if (i50 < n * 0.50) i50++; if (i50 < 1) i50 = 1
      i99 = int(n * 0.99); if (i99 < n * 0.99) i99++; if (i99 < 1) i99 = 1
      printf "%d %d %.1f %.1f %.1f %d %d\n", n, failed, v[i50] / 1000, v[i99] / 1000, v[n] / 1000, slow + 0, aborted
    }'
  rm -f "$all"
}

# bench_users_table DB ROWS: DB recreated with users(id, name) holding ROWS
# 'FirstN LastN' names, analysed (the table both traffic benchmarks use).
bench_users_table() {
  bench_recreate_db "$1"
  bench_psql -d "$1" >/dev/null <<SQL
CREATE TABLE users (id bigserial PRIMARY KEY, name text);
INSERT INTO users (name) SELECT 'First' || i || ' Last' || i FROM generate_series(1, $2) AS i;
VACUUM ANALYZE users;
SQL
}
