#!/usr/bin/env bash
# Issue 12: status and upgrade at 1,000 / 10,000 / 50,000 linear trivial
# revisions, on one private server, the tools interleaved round by round:
#   - status of a fully recorded database: migrate status (warm, and
#     --no-cache when the binary has it) vs dbmate status;
#   - upgrade of a fresh database: migrate upgrade vs dbmate up vs the psql
#     floor (one psql session, autocommit, each revision's statement and an
#     insert of its id into a history table);
#   - stamp head of the largest history: wall time and max RSS.
# Prints min / median / max per measurement, the ratios of the medians, and
# the load average (uptime) before and after each block.
#
# Environment (besides lib.sh's): BENCH_STATUS_SIZES (default "1000 10000
# 50000"), BENCH_UPGRADE_SIZES ("1000 10000"), BENCH_STATUS_ROUNDS (7),
# BENCH_UPGRADE_ROUNDS (5 at 1,000, 3 above); an empty list of sizes skips
# that part. The cache of parsed files lives in the run's directory; BENCH_DURABLE=1 (the cluster
# with synchronous_commit = on and fsync = on instead of the test cluster's off).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

STATUS_SIZES=${BENCH_STATUS_SIZES-1000 10000 50000}
UPGRADE_SIZES=${BENCH_UPGRADE_SIZES-1000 10000}
STATUS_ROUNDS=${BENCH_STATUS_ROUNDS:-7}

bench_init issue12
bench_pg_start
bench_pg_quiet
if [[ "${BENCH_DURABLE:-0}" == 1 ]]; then
  bench_psql -d postgres -c "ALTER SYSTEM SET synchronous_commit = on" -c "ALTER SYSTEM SET fsync = on" \
    -c "SELECT pg_reload_conf()" >/dev/null
fi
have_dbmate=yes
bench_need_dbmate || {
  have_dbmate=""
  bench_log "bench: dbmate unavailable; skipping it"
}
have_no_cache=""
# The cache of parsed files lives with the run, not in the user's ~/.cache.
export MIGRATE_CACHE_DIR=$BENCH_TMP/cache
"$MIGRATE_BIN" --help 2>&1 | grep -q -- '--no-cache' && have_no_cache=yes

GEN=$BENCH_DIR/gen_revisions.py
W=$BENCH_TMP/work
mkdir -p "$W"
dbmate_url() { printf 'postgres://%s@/%s?socket=%s&port=%s&sslmode=disable' "$PGUSER" "$1" "$PGHOST" "$PGPORT"; }
run_migrate() { # DB N args...
  local db=$1 n=$2
  shift 2
  "$MIGRATE_BIN" --dir "$W/migrate-$n" --database-url "$(bench_url "$db")" "$@"
}
run_dbmate() { # DB N args...
  local db=$1 n=$2
  shift 2
  "$DBMATE" --url "$(dbmate_url "$db")" --migrations-dir "$W/dbmate-$n/db/migrations" --no-dump-schema "$@"
}

sizes=$(printf '%s\n' $STATUS_SIZES $UPGRADE_SIZES | sort -n -u)
for n in $sizes; do
  /usr/bin/python3 "$GEN" migrate "$n" "$W/migrate-$n"
  /usr/bin/python3 "$GEN" dbmate "$n" "$W/dbmate-$n"
  # The floor: the same statements and one history insert per revision.
  awk -v n="$n" 'BEGIN {
    print "CREATE TABLE floor_history (id text PRIMARY KEY, applied_at timestamptz DEFAULT now());"
    for (i = 1; i <= n; i++) printf "CREATE TABLE t_%d (id int);\nINSERT INTO floor_history (id) VALUES (%c%012d%c);\n", i, 39, i, 39
  }' >"$W/floor-$n.sql"
done

# run_once SAMPLE PREPARE CMD...: one timed run (ms) appended to SAMPLE.
mkdir -p "$BENCH_TMP/samples"
run_once() {
  local sample=$1 prepare=$2 t0 t1
  shift 2
  [[ -n "$prepare" ]] && eval "$prepare"
  t0=$(date +%s%N)
  "$@" >/dev/null 2>"$BENCH_TMP/run.err" || {
    cat "$BENCH_TMP/run.err" >&2
    bench_die "failed: $*"
  }
  t1=$(date +%s%N)
  echo $(((t1 - t0) / 1000)) | awk '{ printf "%.1f\n", $1 / 1000 }' >>"$BENCH_TMP/samples/$sample"
}
# min median max of SAMPLE
stats() {
  sort -n "$BENCH_TMP/samples/$1" | awk '{a[NR]=$1} END {
    m = (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2; printf "%s %s %s", a[1], m, a[NR] }'
}
median() { stats "$1" | cut -d' ' -f2; }
describe() { # LABEL SAMPLE
  local min med max
  read -r min med max <<<"$(stats "$2")"
  printf '%s %s (min %s, max %s)' "$1" "$(bench_fmt_ms "$med")" "$(bench_fmt_ms "$min")" "$(bench_fmt_ms "$max")"
}
load() { cut -d' ' -f1-3 /proc/loadavg; }

bench_header "status_and_upgrade (issue 12)"
bench_machine

# ------------------------------------------------------------ upgrade

recreate() { bench_recreate_db "$1"; }
for n in $UPGRADE_SIZES; do
  k=$((n / 1000))k
  rounds=${BENCH_UPGRADE_ROUNDS:-$((n <= 1000 ? 5 : 3))}
  before=$(load)
  for ((round = 0; round <= rounds; round++)); do # round 0: warm-up, discarded
    s=$([[ $round == 0 ]] && echo warm || echo up)
    run_once "$s-floor-$n" "recreate up_floor" psql -X -q -v ON_ERROR_STOP=1 -d up_floor -f "$W/floor-$n.sql"
    run_once "$s-migrate-$n" "recreate up_migrate" run_migrate up_migrate "$n" -q upgrade
    [[ -n "$have_dbmate" ]] && run_once "$s-dbmate-$n" "recreate up_dbmate" run_dbmate up_dbmate "$n" up
  done
  floor=$(median "up-floor-$n")
  line="upgrade $k: $(describe "psql floor" "up-floor-$n") | $(describe migrate "up-migrate-$n") $(bench_ratio2 "$floor" "$(median "up-migrate-$n")")"
  [[ -n "$have_dbmate" ]] && line+=" | $(describe dbmate "up-dbmate-$n") $(bench_ratio2 "$floor" "$(median "up-dbmate-$n")")"
  bench_result "$line"
  bench_result "  ($rounds interleaved rounds; load $before -> $(load))"
  limit=$([[ $n -le 1000 ]] && echo 1.0 || echo 1.3)
  bench_target "upgrade $k <= ${limit}x the psql floor" "$(median "up-migrate-$n") <= $limit * $floor" \
    "$(bench_ratio2 "$floor" "$(median "up-migrate-$n")")"
done

# ------------------------------------------------------------ status

largest=""
for n in $STATUS_SIZES; do
  k=$((n / 1000))k
  # The state as upgrade would leave it, without running n revisions: stamp
  # (migrate) and the rows dbmate writes (dbmate), for the same files.
  recreate "st_migrate_$n"
  run_migrate "st_migrate_$n" "$n" -q stamp head --yes --allow-existing-schema >/dev/null
  if [[ -n "$have_dbmate" ]]; then
    recreate "st_dbmate_$n"
    bench_psql -d "st_dbmate_$n" -c "CREATE TABLE schema_migrations (version varchar(128) PRIMARY KEY)" \
      -c "INSERT INTO schema_migrations SELECT (20000000000000 + i)::text FROM generate_series(1, $n) i" >/dev/null
  fi
  before=$(load)
  sleep 2 # files changed in the last two seconds are not recorded in the cache
  run_migrate "st_migrate_$n" "$n" status >/dev/null 2>&1 || true # warm-up (and the cache, if any)
  [[ -n "$have_dbmate" ]] && run_dbmate "st_dbmate_$n" "$n" status >/dev/null 2>&1
  for ((round = 0; round < STATUS_ROUNDS; round++)); do
    run_once "st-migrate-$n" "" run_migrate "st_migrate_$n" "$n" status
    [[ -n "$have_no_cache" ]] && run_once "st-nocache-$n" "" run_migrate "st_migrate_$n" "$n" --no-cache status
    [[ -n "$have_dbmate" ]] && run_once "st-dbmate-$n" "" run_dbmate "st_dbmate_$n" "$n" status
  done
  d=""
  [[ -n "$have_dbmate" ]] && d=$(median "st-dbmate-$n")
  line="status $k: $(describe migrate "st-migrate-$n")"
  [[ -n "$d" ]] && line+=" $(bench_ratio2 "$d" "$(median "st-migrate-$n")") of dbmate"
  [[ -n "$have_no_cache" ]] && line+=" | $(describe "--no-cache" "st-nocache-$n")${d:+ $(bench_ratio2 "$d" "$(median "st-nocache-$n")") of dbmate}"
  [[ -n "$d" ]] && line+=" | $(describe dbmate "st-dbmate-$n")"
  bench_result "$line"
  bench_result "  ($STATUS_ROUNDS interleaved rounds; load $before -> $(load))"
  if [[ -n "$d" ]]; then
    ((n == 1000)) && bench_target "status 1k <= 0.7x dbmate" "$(median "st-migrate-$n") <= 0.7 * $d" \
      "$(bench_ratio2 "$d" "$(median "st-migrate-$n")")"
    if ((n == 10000)); then
      bench_target "status 10k (warm) <= 0.5x dbmate" "$(median "st-migrate-$n") <= 0.5 * $d" \
        "$(bench_ratio2 "$d" "$(median "st-migrate-$n")")"
      [[ -n "$have_no_cache" ]] && bench_target "status 10k --no-cache <= 1.0x dbmate" \
        "$(median "st-nocache-$n") <= $d" "$(bench_ratio2 "$d" "$(median "st-nocache-$n")")"
    fi
  fi
  largest=$n
done

# ------------------------------------------------------------ stamp memory

if [[ -n "$largest" ]]; then
  k=$((largest / 1000))k
  recreate stamp_mem
  t0=$(date +%s%N)
  kb=$(bench_max_rss_kb "$MIGRATE_BIN" --dir "$W/migrate-$largest" --database-url "$(bench_url stamp_mem)" -q \
    stamp head --yes --allow-existing-schema)
  ms=$(bench_ms_since "$t0")
  mb=$(awk -v kb="$kb" 'BEGIN { printf "%.1f", kb / 1024 }')
  bench_result "stamp head $k: $(bench_fmt_ms "$ms"), max RSS $mb MB (load $(load))"
  bench_target "stamp $k under 60 MB resident" "$kb < 60 * 1024" "$mb MB"
fi
