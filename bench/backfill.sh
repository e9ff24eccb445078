#!/usr/bin/env bash
# Issue 5: backfilling a new column on 1,000,000 rows under application
# traffic, in one run on one private server:
#   single   ALTER TABLE users ADD COLUMN first text, then one
#            UPDATE users SET first = split_part(name, ' ', 1)
#   migrate  a YAML revision `add_column {table: users, column: first,
#            type: text, up: "split_part(name, ' ', 1)"}` applied with
#            migrate upgrade --batch-size 5000 (sync trigger, then a batched
#            backfill by primary key, each batch its own transaction)
# Each starts from a freshly loaded table (no dead rows from the other) while
# pgbench (4 clients) updates and reads random users. Reports rows/s and the
# application's p50/p99/max latency for each. Target: migrate at least half
# the single UPDATE's throughput while app max latency stays under 500 ms.
# Never fails on a MISS.
#
# Then both again without traffic (BENCH_BACKFILL_QUIET=0 skips them), to
# tell the method's own cost from sharing the cores with the application.
#
# Environment (besides lib.sh's): BENCH_BACKFILL_ROWS (default 1000000),
# BENCH_BATCH_SIZE (default 5000), BENCH_BACKFILL_MAX_SECONDS (each
# operation is ended after this long, default 600).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ROWS=${BENCH_BACKFILL_ROWS:-1000000}
BATCH=${BENCH_BATCH_SIZE:-5000}
MAX_SECONDS=${BENCH_BACKFILL_MAX_SECONDS:-600}
DB=backfill

bench_init backfill
bench_pg_start

SCRIPT=$BENCH_TMP/app.sql
bench_app_script "$SCRIPT" "$ROWS"

MIGRATIONS=$BENCH_TMP/migrations
mkdir -p "$MIGRATIONS"
cat >"$MIGRATIONS/a5d47eb28402_first.yaml" <<'YAML'
revision: a5d47eb28402
message: add first name, computed from name
operations:
  - add_column: {table: users, column: first, type: text, up: "split_part(name, ' ', 1)"}
YAML

fresh_table() { bench_users_table "$DB" "$ROWS"; }

# scenario NAME METHOD TRAFFIC(yes|no): sets MS_<NAME> (wall time of the
# operation), STATUS_<NAME>, MISSING_<NAME> and REPORT_<NAME> (bench_latency_stats).
scenario() {
  local name=$1 method=$2 with_traffic=$3 dir=$BENCH_TMP/$1 traffic="" t0 ms status=0
  mkdir -p "$dir"
  bench_log "bench: scenario $name: loading $ROWS rows"
  fresh_table
  if [[ "$with_traffic" == yes ]]; then
    bench_log "bench: scenario $name: running under traffic"
    bench_traffic_until "$dir/stop" "$((MAX_SECONDS + 60))" "$DB" "$SCRIPT" "$dir/app" &
    traffic=$!
    bench_track "$traffic"
    sleep 2
  else
    bench_log "bench: scenario $name: running without traffic"
  fi

  t0=$(date +%s%N)
  case "$method" in
    single)
      timeout "$MAX_SECONDS" "${PSQL[@]}" -d "$DB" -c "ALTER TABLE users ADD COLUMN first text" \
        -c "UPDATE users SET first = split_part(name, ' ', 1)" >"$dir/op.out" 2>&1 || status=$?
      ;;
    migrate)
      timeout "$MAX_SECONDS" "$MIGRATE_BIN" --dir "$MIGRATIONS" --database-url "$(bench_url "$DB")" \
        upgrade --allow-existing-schema --batch-size "$BATCH" >"$dir/op.out" 2>&1 || status=$?
      ;;
  esac
  ms=$(bench_ms_since "$t0")
  touch "$dir/stop"
  [[ -n "$traffic" ]] && { wait "$traffic" || true; }

  # Every row must have been filled, or the rate means nothing.
  local missing
  missing=$(bench_psql -d "$DB" -Atc "SELECT count(*) FROM users WHERE first IS DISTINCT FROM split_part(name, ' ', 1)" 2>/dev/null || echo "?")
  [[ "$missing" == 0 ]] || bench_log "bench: scenario $name: $missing rows not backfilled (exit $status); see $dir/op.out"
  [[ "${BENCH_VERBOSE:-0}" == 1 ]] && tail -n 5 "$dir/op.out" >&2
  printf -v "MS_$name" '%s' "$ms"
  printf -v "STATUS_$name" '%s' "$status"
  printf -v "MISSING_$name" '%s' "$missing"
  if [[ -n "$traffic" ]]; then
    printf -v "REPORT_$name" '%s' "$(bench_latency_stats "$dir/app")"
  else
    printf -v "REPORT_$name" '%s' "- - - - - - -"
  fi
}

bench_header "backfill: $ROWS rows, add column first = split_part(name, ' ', 1), app traffic pgbench -c 4 -j 2"
bench_machine

scenario single single yes
scenario migrate migrate yes
if [[ "${BENCH_BACKFILL_QUIET:-1}" == 1 ]]; then
  # The same without traffic: what each method costs by itself, apart from
  # sharing the 2 cores with an application that the single UPDATE stalls.
  scenario single_quiet single no
  scenario migrate_quiet migrate no
fi

rate() { awk -v rows="$ROWS" -v ms="$1" 'BEGIN { printf "%.0f", rows / (ms / 1000) }'; }
R_single=$(rate "$MS_single")
R_migrate=$(rate "$MS_migrate")

bench_result "$(printf '  %-14s %9s %9s %8s %7s %8s %8s %8s %8s  %s' method time rows/s txns failed 'p50 ms' 'p99 ms' 'max ms' '>500ms' 'exit, rows left unfilled')"
row() { # NAME
  local name=$1 ms rate_v stats n failed p50 p99 max slow aborted status missing
  ms=$(eval "echo \$MS_$name")
  rate_v=$(eval "echo \$R_$name")
  stats=$(eval "echo \$REPORT_$name")
  status=$(eval "echo \$STATUS_$name")
  missing=$(eval "echo \$MISSING_$name")
  read -r n failed p50 p99 max slow aborted <<<"$stats"
  local bad=-
  [[ "$n" != - ]] && bad=$((failed + aborted))
  bench_result "$(printf '  %-14s %9s %9s %8s %7s %8s %8s %8s %8s  %s' "$name" "$(bench_fmt_ms "$ms")" "$rate_v" "$n" \
    "$bad" "$p50" "$p99" "$max" "$slow" "exit $status, $missing")"
}
row single
row migrate
if [[ "${BENCH_BACKFILL_QUIET:-1}" == 1 ]]; then
  R_single_quiet=$(rate "$MS_single_quiet")
  R_migrate_quiet=$(rate "$MS_migrate_quiet")
  bench_result "  without traffic:"
  row single_quiet
  row migrate_quiet
fi

read -r _ m_failed _ m_p99 m_max _ m_aborted <<<"$REPORT_migrate"
read -r _ _ _ s_p99 s_max _ _ <<<"$REPORT_single"
bench_result "backfill $ROWS rows: migrate $R_migrate rows/s, app max $(bench_fmt_ms "$m_max") (p99 $(bench_fmt_ms "$m_p99"))  | single UPDATE $R_single rows/s ($(bench_ratio "$R_migrate" "$R_single")), app max $(bench_fmt_ms "$s_max") (p99 $(bench_fmt_ms "$s_p99"))"
bench_target "migrate backfill at least half the single UPDATE's rows/s" \
  "$R_migrate >= 0.5 * $R_single && $STATUS_migrate == 0 && \"$MISSING_migrate\" == \"0\"" \
  "$R_migrate vs $R_single rows/s, $(bench_ratio2 "$R_single" "$R_migrate") of it"
if [[ "${BENCH_BACKFILL_QUIET:-1}" == 1 ]]; then
  bench_result "backfill $ROWS rows without traffic: migrate $R_migrate_quiet rows/s  | single UPDATE $R_single_quiet rows/s ($(bench_ratio "$R_migrate_quiet" "$R_single_quiet")); migrate/single $(bench_ratio2 "$R_single_quiet" "$R_migrate_quiet")"
fi
bench_target "app max latency under 500 ms during migrate's backfill" "$m_max < 500 && $m_failed + $m_aborted == 0" \
  "max $(bench_fmt_ms "$m_max"), $((m_failed + m_aborted)) failed"
