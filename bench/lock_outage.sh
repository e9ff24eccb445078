#!/usr/bin/env bash
# Issue 4: the v2.0.0 outage, replayed. A 20,000-row users table under steady
# read/update traffic (pgbench, 4 clients), a session left idle in
# transaction holding ACCESS SHARE on users for a few seconds, and
# `ALTER TABLE users ADD COLUMN first text` run while it holds it:
#   baseline  no DDL (what the traffic looks like with the blocker alone)
#   naive     psql -c 'ALTER TABLE ...' (queues, and the app queues behind it)
#   migrate   migrate upgrade --lock-timeout 200ms (gives up the queue after
#             200 ms, retries with backoff until the blocker commits)
# then BENCH_OUTAGE_ROUNDS rounds (default 1) of, interleaved:
#   default   migrate upgrade with its default settings
#   100ms     migrate upgrade --lock-timeout 100ms
# Reports the application's transactions, failures, p50/p99/max latency and
# how many took over 500 ms, side by side, every round's max, and where the
# worst transaction of each migrate run sat against migrate's attempts.
# Targets: with migrate, app max latency under 500 ms and no failures; with
# defaults under 1 s, with 100ms under 200 ms in every round. Never fails on
# a MISS.
#
# Environment (besides lib.sh's): BENCH_BLOCKER_SECONDS (default 5),
# BENCH_OUTAGE_SECONDS (pgbench run per scenario, default 14),
# BENCH_OUTAGE_ROUNDS (default 1).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

HOLD=${BENCH_BLOCKER_SECONDS:-5}
DURATION=${BENCH_OUTAGE_SECONDS:-14}
LEAD=2 # seconds of traffic before the blocker starts
ROUNDS=${BENCH_OUTAGE_ROUNDS:-1}
ROWS=20000
DB=outage

bench_init outage
bench_pg_start

SCRIPT=$BENCH_TMP/app.sql
bench_app_script "$SCRIPT" "$ROWS"

MIGRATIONS=$BENCH_TMP/migrations
mkdir -p "$MIGRATIONS"
cat >"$MIGRATIONS/8fb4c8c111aa_add_first.sql" <<'SQL'
-- migrate:revision 8fb4c8c111aa
-- migrate:parents
-- migrate:message add first name

-- migrate:up
ALTER TABLE users ADD COLUMN first text;

-- migrate:down
ALTER TABLE users DROP COLUMN first;
SQL

fresh_table() { bench_users_table "$DB" "$ROWS"; }

# Waits (at most 10 s) until a session sits idle in transaction on DB.
wait_for_blocker() {
  local i
  for ((i = 0; i < 100; i++)); do
    [[ "$(bench_psql -d postgres -Atc "SELECT count(*) FROM pg_stat_activity WHERE datname = '$DB' AND state = 'idle in transaction'")" -ge 1 ]] && return 0
    sleep 0.1
  done
  bench_die "the blocking session never became idle in transaction"
}

# run_migrate OUT ARGS...: migrate upgrade with ARGS, every output line
# prefixed with its arrival time (ns since the epoch); returns its exit code.
run_migrate() {
  local out=$1
  shift
  "$MIGRATE_BIN" --dir "$MIGRATIONS" --database-url "$(bench_url "$DB")" upgrade --allow-existing-schema "$@" 2>&1 |
    while IFS= read -r line; do printf '%s %s\n' "$(date +%s%N)" "$line"; done >"$out"
  return "${PIPESTATUS[0]}"
}

# worst_transaction DIR T0_NS: where the slowest app transaction of DIR sat:
# "<latency ms> started +<ms> after the DDL began, during attempt <n>".
worst_transaction() {
  local dir=$1 t0=$2 worst start_ns attempt
  # pgbench -l: client txn latency_us script_no epoch_s epoch_us (the end).
  worst=$(find "$dir" -maxdepth 1 -type f -name 'app*' ! -name '*.out' -exec cat {} + |
    awk '$3 ~ /^[0-9]+$/ && $3 > max { max = $3; line = $0 } END { print line }')
  [[ -n "$worst" ]] || { echo "no transactions"; return; }
  read -r _ _ lat _ es eus <<<"$worst"
  start_ns=$(((es * 1000000 + eus - lat) * 1000))
  attempt=$(awk -v t="$start_ns" '$0 ~ /attempt [0-9]+/ && $1 <= t { match($0, /attempt [0-9]+/); a = substr($0, RSTART + 8, RLENGTH - 8) } END { print a + 1 }' "$dir/ddl.out")
  echo "$((lat / 1000)) ms, started $(((start_ns - t0) / 1000000)) ms after the DDL began (attempt $attempt)"
}

# scenario NAME MODE: sets REPORT_<NAME> to the stats line and DDL_<NAME> to
# "<ms> <exit code>" of the DDL (empty for the baseline).
scenario() {
  local name=$1 mode=$2 dir=$BENCH_TMP/$1 traffic blocker t0 ddl_ms ddl_status=0
  rm -rf "$dir"
  mkdir -p "$dir"
  fresh_table
  bench_log "bench: scenario $name: ${DURATION}s of traffic, blocker idle in transaction for ${HOLD}s from ${LEAD}s"
  bench_pgbench "$DB" "$SCRIPT" "$DURATION" "$dir/app" &
  traffic=$!
  bench_track "$traffic"
  sleep "$LEAD"

  # Truly idle in transaction: the client waits, not the server (pg_sleep
  # would make it 'active').
  { echo "BEGIN; SELECT count(*) FROM users;"; sleep "$HOLD"; echo "COMMIT;"; } |
    psql -X -q -d "$DB" -v ON_ERROR_STOP=1 >/dev/null 2>"$dir/blocker.err" &
  blocker=$!
  bench_track "$blocker"
  wait_for_blocker
  sleep 0.3

  t0=$(date +%s%N)
  case "$mode" in
    none) ;;
    naive)
      bench_psql -d "$DB" -c "ALTER TABLE users ADD COLUMN first text" >"$dir/ddl.out" 2>&1 || ddl_status=$?
      ;;
    migrate) run_migrate "$dir/ddl.out" --lock-timeout 200ms || ddl_status=$? ;;
    default) run_migrate "$dir/ddl.out" || ddl_status=$? ;;
    100ms) run_migrate "$dir/ddl.out" --lock-timeout 100ms || ddl_status=$? ;;
  esac
  ddl_ms=$(bench_ms_since "$t0")
  wait "$blocker" || true
  wait "$traffic" || true

  local stats
  stats=$(bench_latency_stats "$dir/app")
  printf -v "REPORT_$name" '%s' "$stats"
  if [[ "$mode" == none ]]; then
    printf -v "DDL_$name" '%s' ""
  else
    printf -v "DDL_$name" '%s %s' "$ddl_ms" "$ddl_status"
  fi
  if [[ "$mode" != none && "$mode" != naive ]]; then
    printf -v "RETRIES_$name" '%s' "$(grep -c 'lock not granted' "$dir/ddl.out" || true)"
    printf -v "WORST_$name" '%s' "$(worst_transaction "$dir" "$t0")"
    [[ "${BENCH_VERBOSE:-0}" == 1 ]] && cat "$dir/ddl.out" >&2
  fi
  return 0
}

bench_header "lock_outage: ALTER TABLE behind an idle-in-transaction session (${HOLD}s), app traffic pgbench -c 4 -j 2"
bench_machine

scenario baseline none
scenario naive naive
scenario migrate migrate
RETRIES=$RETRIES_migrate

row() { # LABEL STATS DDL
  local label=$1 n failed p50 p99 max slow aborted ddl=""
  read -r n failed p50 p99 max slow aborted <<<"$2"
  if [[ -n "$3" ]]; then
    local ms status
    read -r ms status <<<"$3"
    ddl="DDL done after $(bench_fmt_ms "$ms") (exit $status)"
  fi
  bench_result "$(printf '  %-9s %7s %7s %9s %9s %9s %8s %8s  %s' "$label" "$n" "$failed" "$p50" "$p99" "$max" "$slow" "$aborted" "$ddl")"
}
bench_result "$(printf '  %-9s %7s %7s %9s %9s %9s %8s %8s' scenario txns failed 'p50 ms' 'p99 ms' 'max ms' '>500ms' aborted)"
row baseline "$REPORT_baseline" ""
row naive "$REPORT_naive" "$DDL_naive"
row migrate "$REPORT_migrate" "$DDL_migrate"
bench_result "  migrate retried the ALTER $RETRIES times (lock_timeout 200ms, backoff)"

read -r _ m_failed _ m_p99 m_max _ m_aborted <<<"$REPORT_migrate"
read -r _ _ _ n_p99 n_max _ _ <<<"$REPORT_naive"
read -r _ m_ddl_status <<<"$DDL_migrate"
bench_result "lock outage: app max latency naive $(bench_fmt_ms "$n_max") (p99 $(bench_fmt_ms "$n_p99"))  | migrate $(bench_fmt_ms "$m_max") (p99 $(bench_fmt_ms "$m_p99")), $(bench_ratio "$m_max" "$n_max") lower max"
bench_target "with migrate, app max latency under 500 ms" "$m_max < 500" "$(bench_fmt_ms "$m_max")"
bench_target "with migrate, no failed transactions" "$m_failed + $m_aborted == 0 && $m_ddl_status == 0" \
  "$m_failed failed, $m_aborted clients aborted, migrate exit $m_ddl_status"
bench_target "naive stalls for about the blocker's duration" "$n_max >= ($HOLD - 1) * 1000" \
  "naive max $(bench_fmt_ms "$n_max") vs blocker ${HOLD}s"

# Rounds of the two settings users run with, interleaved.
default_maxes=() fast_maxes=() default_bad=0 fast_bad=0
for ((round = 1; round <= ROUNDS; round++)); do
  for mode in default 100ms; do
    scenario "${mode}_$round" "$mode"
    report_var=REPORT_${mode}_$round ddl_var=DDL_${mode}_$round worst_var=WORST_${mode}_$round
    read -r _ failed _ _ max _ aborted <<<"${!report_var}"
    read -r ddl_ms ddl_status <<<"${!ddl_var}"
    retries_var=RETRIES_${mode}_$round
    bench_result "$(printf '  round %2d %-7s app max %9s  failed %s  DDL %s (exit %s, %s retries)  worst: %s' \
      "$round" "$mode" "$(bench_fmt_ms "$max")" "$((failed + aborted))" "$(bench_fmt_ms "$ddl_ms")" \
      "$ddl_status" "${!retries_var}" "${!worst_var}")"
    if [[ "$mode" == default ]]; then
      default_maxes+=("$max")
      ((failed + aborted + ddl_status == 0)) || default_bad=$((default_bad + 1))
    else
      fast_maxes+=("$max")
      ((failed + aborted + ddl_status == 0)) || fast_bad=$((fast_bad + 1))
    fi
  done
done
worst_of() { printf '%s\n' "$@" | sort -g | tail -1; }
count_under() { local limit=$1 n=0 v; shift; for v in "$@"; do awk -v v="$v" -v l="$limit" 'BEGIN { exit !(v < l) }' && n=$((n + 1)); done; echo "$n"; }
d_worst=$(worst_of "${default_maxes[@]}") f_worst=$(worst_of "${fast_maxes[@]}")
bench_result "lock outage, $ROUNDS rounds: app max with defaults ${default_maxes[*]} ms (worst $(bench_fmt_ms "$d_worst")); with --lock-timeout 100ms ${fast_maxes[*]} ms (worst $(bench_fmt_ms "$f_worst"))"
bench_target "defaults: app max under 1 s in every round, no failures" \
  "$(count_under 1000 "${default_maxes[@]}") == $ROUNDS && $default_bad == 0" \
  "$(count_under 1000 "${default_maxes[@]}")/$ROUNDS under 1 s, worst $(bench_fmt_ms "$d_worst"), $default_bad rounds with failures"
bench_target "--lock-timeout 100ms: app max under 200 ms in every round, no failures" \
  "$(count_under 200 "${fast_maxes[@]}") == $ROUNDS && $fast_bad == 0" \
  "$(count_under 200 "${fast_maxes[@]}")/$ROUNDS under 200 ms, worst $(bench_fmt_ms "$f_worst"), $fast_bad rounds with failures"
