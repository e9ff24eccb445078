#!/usr/bin/env bash
# Issue 4: the v2.0.0 outage, replayed. A 20,000-row users table under steady
# read/update traffic (pgbench, 4 clients), a session left idle in
# transaction holding ACCESS SHARE on users for a few seconds, and
# `ALTER TABLE users ADD COLUMN first text` run while it holds it:
#   baseline  no DDL (what the traffic looks like with the blocker alone)
#   naive     psql -c 'ALTER TABLE ...' (queues, and the app queues behind it)
#   migrate   migrate upgrade --lock-timeout 200ms (gives up the queue after
#             200 ms, retries with backoff until the blocker commits)
# Reports the application's transactions, failures, p50/p99/max latency and
# how many took over 500 ms, side by side. Target: with migrate, app max
# latency under 500 ms and no failures. Never fails on a MISS.
#
# Environment (besides lib.sh's): BENCH_BLOCKER_SECONDS (default 5),
# BENCH_OUTAGE_SECONDS (pgbench run per scenario, default 14).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

HOLD=${BENCH_BLOCKER_SECONDS:-5}
DURATION=${BENCH_OUTAGE_SECONDS:-14}
LEAD=2 # seconds of traffic before the blocker starts
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

# scenario NAME MODE: sets REPORT_<NAME> to the stats line and DDL_<NAME> to
# "<ms> <exit code>" of the DDL (empty for the baseline).
scenario() {
  local name=$1 mode=$2 dir=$BENCH_TMP/$1 traffic blocker t0 ddl_ms ddl_status=0
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
    migrate)
      "$MIGRATE_BIN" --dir "$MIGRATIONS" --database-url "$(bench_url "$DB")" upgrade --lock-timeout 200ms \
        >"$dir/ddl.out" 2>&1 || ddl_status=$?
      ;;
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
  if [[ "$mode" == migrate ]]; then
    RETRIES=$(grep -c 'lock not granted' "$dir/ddl.out" || true)
    [[ "${BENCH_VERBOSE:-0}" == 1 ]] && cat "$dir/ddl.out" >&2
  fi
  return 0
}

bench_header "lock_outage: ALTER TABLE behind an idle-in-transaction session (${HOLD}s), app traffic pgbench -c 4 -j 2"
bench_machine

RETRIES=0
scenario baseline none
scenario naive naive
scenario migrate migrate

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
