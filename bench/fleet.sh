#!/usr/bin/env bash
# Issue 15: fleet mode. N databases (BENCH_FLEET_DBS, default 50) x 20 trivial
# revisions, upgraded from scratch on one private server:
#   - a shell loop of single `migrate upgrade` runs, one database after another;
#   - `migrate upgrade --targets FILE --parallel 1, 4 and 16`.
# Prints the median wall time of each (BENCH_RUNS runs, default 3), the
# speed-up over the loop, and the most connections the server had at once
# (client backends of the fleet's databases in pg_stat_activity, sampled
# every 20 ms during the run; a backend that is still exiting counts too).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DBS=${BENCH_FLEET_DBS:-50}
REVS=20
RUNS=${BENCH_RUNS:-3}

bench_init fleet
bench_pg_start
bench_pg_quiet

W=$BENCH_TMP/work
mkdir -p "$W"
/usr/bin/python3 "$BENCH_DIR/gen_revisions.py" migrate "$REVS" "$W/migrations"
for ((i = 1; i <= DBS; i++)); do
  printf 'fleet%03d %s\n' "$i" "$(bench_url "fleet$i")"
done >"$W/targets.txt"

reset_fleet() {
  local i
  for ((i = 1; i <= DBS; i++)); do bench_recreate_db "fleet$i"; done
}

# The most client backends at once while PID runs, into $W/max_connections.
sample_connections() {
  local pid=$1 max=0 n
  while kill -0 "$pid" 2>/dev/null; do
    n=$(bench_psql -At -d postgres -c "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' AND datname LIKE 'fleet%'" 2>/dev/null || echo 0)
    ((n > max)) && max=$n
    sleep 0.02
  done
  echo "$max" >"$W/max_connections"
}

shell_loop() {
  local name url
  while read -r name url; do
    "$MIGRATE_BIN" --dir "$W/migrations" --database-url "$url" -q upgrade >/dev/null
  done <"$W/targets.txt"
}

# measure VAR -- CMD...: median ms of RUNS fresh runs into VAR, most
# connections seen into VAR_conn. A failing run aborts the benchmark.
measure() {
  local var=$1 times=() conns=() r t0 t1 pid
  shift 2
  for ((r = 0; r < RUNS; r++)); do
    reset_fleet
    t0=$(date +%s%N)
    "$@" &
    pid=$!
    sample_connections "$pid" &
    local sampler=$!
    wait "$pid" || bench_die "benchmark failed: $*"
    t1=$(date +%s%N)
    wait "$sampler"
    times+=("$(((t1 - t0) / 1000000))")
    conns+=("$(<"$W/max_connections")")
  done
  printf -v "$var" '%s' "$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}')"
  printf -v "${var}_conn" '%s' "$(printf '%s\n' "${conns[@]}" | sort -n | tail -n 1)"
}

fleet_run() {
  "$MIGRATE_BIN" --dir "$W/migrations" -q upgrade --targets "$W/targets.txt" --parallel "$1" >/dev/null
}

bench_header "fleet: $DBS databases x $REVS revisions, median of $RUNS"
bench_machine
bench_log "bench: shell loop of $DBS single runs"
measure loop -- shell_loop
for p in 1 4 16; do
  bench_log "bench: --targets --parallel $p"
  measure "par$p" -- fleet_run "$p"
done
bench_result "shell loop of single runs: $(bench_fmt_ms "$loop"), max $loop_conn connections"
for p in 1 4 16; do
  ms_var="par$p"
  conn_var="par${p}_conn"
  bench_result "--targets --parallel $p: $(bench_fmt_ms "${!ms_var}") ($(bench_ratio "${!ms_var}" "$loop") faster than the loop), max ${!conn_var} connections"
done
bench_target "--parallel 4 at least 2x faster than the shell loop" "$loop / $par4 >= 2" "$(bench_ratio "$par4" "$loop")"
# A target holds one connection, and a second one only while a batch of its
# waits long enough to be watched for blockers (pg/blocker_watch).
bench_target "--parallel 16 holds at most 2 x 16 connections to the fleet" "$par16_conn <= 32" "$par16_conn"
