#!/usr/bin/env bash
# Issue 2: revision graphs of 1,000 and 10,000 linear revisions. On one
# private server, in one run:
#   - status of a fully migrated database: migrate status vs dbmate status vs
#     alembic current (and the files-only heads of migrate and alembic);
#   - applying 1,000 trivial revisions to a fresh database: migrate upgrade vs
#     alembic upgrade head vs dbmate up vs the floor psql -f all.sql;
#   - load and plan 10,000 revisions (migrate heads, files only): time and
#     max RSS.
# Prints medians, ratios and PASS/MISS against the targets; never fails on a MISS.
#
# Environment (besides lib.sh's): BENCH_ALEMBIC_CAP (seconds, default 60): one
# `alembic current` at 10,000 revisions is cut off after this long.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ALEMBIC_CAP=${BENCH_ALEMBIC_CAP:-60}

bench_init graph
bench_pg_start
bench_pg_quiet

have_alembic=yes
bench_need_alembic || {
  have_alembic=""
  bench_log "bench: Alembic (python3-alembic, python3-sqlalchemy, python3-psycopg2) unavailable; skipping it"
}
have_dbmate=yes
bench_need_dbmate || {
  have_dbmate=""
  bench_log "bench: dbmate (npm install dbmate) unavailable; skipping it"
}
bench_hyperfine || bench_log "bench: hyperfine unavailable; timing with date +%s%N"

GEN=$BENCH_DIR/gen_revisions.py
W=$BENCH_TMP/work
mkdir -p "$W"

# Connection strings: all three tools over the same unix socket.
migrate_url() { bench_url "$1"; }
dbmate_url() { printf 'postgres://%s@/%s?socket=%s&port=%s&sslmode=disable' "$PGUSER" "$1" "$PGHOST" "$PGPORT"; }
alembic_url() { printf 'postgresql+psycopg2://%s@/%s?host=%s&port=%s' "$PGUSER" "$1" "$PGHOST" "$PGPORT"; }

bench_log "bench: generating 1,000 and 10,000 revisions for each tool in $W"
for n in 1000 10000; do
  /usr/bin/python3 "$GEN" migrate "$n" "$W/migrate-$n"
  /usr/bin/python3 "$GEN" dbmate "$n" "$W/dbmate-$n"
  # The URL in alembic.ini is a placeholder: env.py reads BENCH_ALEMBIC_URL.
  /usr/bin/python3 "$GEN" alembic "$n" "$W/alembic-$n" "$(alembic_url "alembic_$n")"
done
/usr/bin/python3 "$GEN" psql 1000 "$W/psql-1000"

# Each tool's command line, for database DB and N revisions.
run_migrate() { # DB N verb...
  local db=$1 n=$2
  shift 2
  "$MIGRATE_BIN" --dir "$W/migrate-$n" --database-url "$(migrate_url "$db")" "$@"
}
run_dbmate() { # DB N verb...
  local db=$1 n=$2
  shift 2
  "$DBMATE" --url "$(dbmate_url "$db")" --migrations-dir "$W/dbmate-$n/db/migrations" --no-dump-schema "$@"
}
run_alembic() { # DB N verb...
  local db=$1 n=$2
  shift 2
  env BENCH_ALEMBIC_URL="$(alembic_url "$db")" "$ALEMBIC" -c "$W/alembic-$n/alembic.ini" "$@"
}
export -f run_migrate run_dbmate run_alembic migrate_url dbmate_url alembic_url bench_url
export MIGRATE_BIN DBMATE ALEMBIC W

bench_header "graph_and_apply: 1,000 and 10,000 linear revisions"
bench_machine

# ------------------------------------------------------------ apply 1,000

bench_log "bench: applying 1,000 revisions to a fresh database (each tool, several runs)"
prepare() {
  printf 'psql -X -q -d postgres -c %q -c %q -c %q' "SET client_min_messages = warning" \
    "DROP DATABASE IF EXISTS $1 WITH (FORCE)" "CREATE DATABASE $1"
}

# Interleaved rounds (psql, migrate, dbmate, alembic; again; ...) after one
# warm-up round, so that a change in the load of shared cores during the
# benchmark hits every tool alike, not one block of runs. Each run records
# its wall time, its own CPU (user+system) and the server's CPU for it (the
# postmaster's reaped backends; autovacuum is off), which other load
# inflates far less than wall time.
apply_psql() { psql -X -q -v ON_ERROR_STOP=1 -d apply_psql -f "$W/psql-1000/all.sql"; }
apply_migrate() { run_migrate apply_migrate 1000 -q upgrade; }
apply_dbmate() { run_dbmate apply_dbmate 1000 up; }
apply_alembic() { run_alembic apply_alembic 1000 upgrade head; }
export -f apply_psql apply_migrate apply_dbmate apply_alembic

apply_runs=${BENCH_RUNS:-5}
alembic_runs=$((apply_runs < 3 ? apply_runs : 3))
apply_tools=(psql migrate)
[[ -n "$have_dbmate" ]] && apply_tools+=(dbmate)
[[ -n "$have_alembic" ]] && apply_tools+=(alembic)
declare -A wall_runs=() client_runs=() server_runs=() server_user_runs=()
cpu_out=$BENCH_TMP/apply-cpu
for ((round = 0; round <= apply_runs; round++)); do # round 0: warm-up
  for tool in "${apply_tools[@]}"; do
    [[ "$tool" == alembic ]] && ((round == 0 || round > alembic_runs)) && continue
    bash -c "$(prepare "apply_$tool")"
    sleep 0.3 # the prepare's backend has exited
    read -r s0 u0 <<<"$(bench_server_cpu_ms)"
    t0=$(date +%s%N)
    /usr/bin/time -f '%U %S' -o "$cpu_out" bash -c "apply_$tool" >/dev/null 2>"$BENCH_TMP/apply.err" ||
      { cat "$BENCH_TMP/apply.err" >&2; bench_die "apply with $tool failed"; }
    t1=$(date +%s%N)
    sleep 0.5 # and the run's own
    read -r s1 u1 <<<"$(bench_server_cpu_ms)"
    ((round == 0)) && continue
    wall_runs[$tool]+=" $(((t1 - t0) / 1000000))"
    client_runs[$tool]+=" $(awk '{ printf "%d", ($1 + $2) * 1000 }' "$cpu_out")"
    server_runs[$tool]+=" $((s1 - s0))"
    server_user_runs[$tool]+=" $((u1 - u0))"
  done
done
# shellcheck disable=SC2086 # $1 is a space-separated list of numbers
median_of() { printf '%s\n' $1 | sort -n | awk '{a[NR]=$1} END {if (NR % 2) print a[(NR+1)/2]; else print (a[NR/2] + a[NR/2+1]) / 2}'; }
t_psql_apply="" t_migrate_apply="" t_dbmate_apply="" t_alembic_apply=""
for tool in "${apply_tools[@]}"; do
  printf -v "t_${tool}_apply" '%s' "$(median_of "${wall_runs[$tool]}")"
  printf -v "c_${tool}_client" '%s' "$(median_of "${client_runs[$tool]}")"
  printf -v "c_${tool}_server" '%s' "$(median_of "${server_runs[$tool]}")"
  printf -v "c_${tool}_server_user" '%s' "$(median_of "${server_user_runs[$tool]}")"
done

# Ratios to the floor here: how much each tool adds to the bare statements.
bench_compare "apply 1k: psql -f floor" "$t_psql_apply" \
  "migrate upgrade" "$t_migrate_apply" "dbmate up" "$t_dbmate_apply" "alembic upgrade head" "$t_alembic_apply"
cpu_line() { # LABEL VAR
  local c s u
  c=$(eval "echo \${$2_client:-}")
  s=$(eval "echo \${$2_server:-}")
  u=$(eval "echo \${$2_server_user:-}")
  [[ -z "$c" ]] && return 0
  printf '%s %s ms client + %s ms server (user %s) = %s ms' "$1" "$c" "$s" "$u" "$(awk -v c="$c" -v s="$s" 'BEGIN { print c + s }')"
}
total_psql=$(awk -v c="$c_psql_client" -v s="$c_psql_server" 'BEGIN { print c + s }')
line="  cpu per apply: $(cpu_line 'psql' c_psql)"
for tool in migrate dbmate alembic; do
  part=$(cpu_line "$tool" "c_$tool")
  [[ -z "$part" ]] && continue
  total=$(eval "awk -v c=\"\$c_${tool}_client\" -v s=\"\$c_${tool}_server\" 'BEGIN { print c + s }'")
  line+=" | $part ($(bench_ratio "$total_psql" "$total"))"
done
bench_result "$line"
bench_result "  (medians of $apply_runs interleaved runs, alembic $alembic_runs; cpu ratios to psql's total)"
bench_target "apply 1,000 within 1.5x of the psql floor" "$t_migrate_apply <= 1.5 * $t_psql_apply" \
  "$(bench_fmt_ms "$t_migrate_apply") vs $(bench_fmt_ms "$t_psql_apply"), $(bench_ratio2 "$t_psql_apply" "$t_migrate_apply")"

# ------------------------------------------------------------ status

bench_log "bench: migrating one database per tool to head (1,000 and 10,000 revisions)"
for n in 1000 10000; do
  bench_recreate_db "migrate_$n"
  run_migrate "migrate_$n" "$n" -q upgrade >/dev/null
  if [[ -n "$have_dbmate" ]]; then
    bench_recreate_db "dbmate_$n"
    run_dbmate "dbmate_$n" "$n" up >/dev/null
  fi
  if [[ -n "$have_alembic" ]]; then
    bench_recreate_db "alembic_$n"
    if ((n == 1000)); then
      run_alembic "alembic_$n" "$n" upgrade head >/dev/null 2>&1
    else
      # alembic_version holds only the head id, so stamping reaches the very
      # state `upgrade head` would (which takes minutes at 10,000 here).
      run_alembic "alembic_$n" "$n" stamp head >/dev/null 2>&1
    fi
  fi
done

for n in 1000 10000; do
  k=$((n / 1000))k
  bench_log "bench: status at $k revisions"
  # Interleaved: one warm-up each, then 5 rounds of 2 runs of each.
  status_tools=(mstatus mheads)
  [[ -n "$have_dbmate" ]] && status_tools+=(dstatus)
  sample_cmd() { # KEY -> the command
    case "$1" in
      mstatus) echo run_migrate "migrate_$n" "$n" status ;;
      mheads) echo "$MIGRATE_BIN" --dir "$W/migrate-$n" heads ;;
      dstatus) echo run_dbmate "dbmate_$n" "$n" status ;;
    esac
  }
  for key in "${status_tools[@]}"; do
    # Runs the words sample_cmd prints (none holds a space).
    # shellcheck disable=SC2046,SC2091
    $(sample_cmd "$key") >/dev/null 2>&1 || bench_die "failed: $(sample_cmd "$key")"
  done
  for ((round = 0; round < ${BENCH_RUNS:-10} / 2 + (${BENCH_RUNS:-10} % 2); round++)); do
    for key in "${status_tools[@]}"; do
      # shellcheck disable=SC2046
      bench_sample "$key-$n" 2 -- $(sample_cmd "$key")
    done
  done
  t_mstatus=$(bench_sample_median "mstatus-$n")
  t_mheads=$(bench_sample_median "mheads-$n")
  t_dstatus=""
  [[ -n "$have_dbmate" ]] && t_dstatus=$(bench_sample_median "dstatus-$n")
  # CPU (user+system) of each, from a block of 5 runs.
  bench_time t_mstatus_block 5 "" -- run_migrate "migrate_$n" "$n" status
  t_dstatus_block_cpu=""
  [[ -n "$have_dbmate" ]] && bench_time t_dstatus_block 5 "" -- run_dbmate "dbmate_$n" "$n" status
  t_acurrent="" t_aheads="" acurrent_note=""
  if [[ -n "$have_alembic" ]]; then
    if ((n == 1000)); then
      bench_time t_acurrent 3 "" -- run_alembic "alembic_$n" "$n" current
      bench_time t_aheads 3 "" -- run_alembic "alembic_$n" "$n" heads
    else
      bench_time t_aheads 2 "" -- run_alembic "alembic_$n" "$n" heads
      bench_time_capped t_acurrent "$ALEMBIC_CAP" -- run_alembic "alembic_$n" "$n" current
      acurrent_note=" (1 run)"
      [[ -z "$t_acurrent" ]] && acurrent_note=" (cut off after ${ALEMBIC_CAP} s, 1 run)"
    fi
  fi
  line="migrate status $k: $(bench_fmt_ms "$t_mstatus")"
  [[ -n "$t_dstatus" ]] && line+="  | dbmate status $(bench_fmt_ms "$t_dstatus") ($(bench_ratio "$t_mstatus" "$t_dstatus"))"
  if [[ -n "$have_alembic" ]]; then
    if [[ -n "$t_acurrent" ]]; then
      line+="  | alembic current $(bench_fmt_ms "$t_acurrent") ($(bench_ratio "$t_mstatus" "$t_acurrent"))$acurrent_note"
    else
      line+="  | alembic current > ${ALEMBIC_CAP} s (> $(bench_ratio "$t_mstatus" "$((ALEMBIC_CAP * 1000))"))$acurrent_note"
    fi
  fi
  bench_result "$line"
  bench_result "  cpu (user+sys) migrate status $(bench_fmt_ms "$t_mstatus_block_cpu")${t_dstatus_block_cpu:+ | dbmate status $(bench_fmt_ms "$t_dstatus_block_cpu")}"
  line="migrate heads $k (files only): $(bench_fmt_ms "$t_mheads")"
  [[ -n "$t_aheads" ]] && line+="  | alembic heads $(bench_fmt_ms "$t_aheads") ($(bench_ratio "$t_mheads" "$t_aheads"))"
  bench_result "$line"
  if ((n == 1000)); then
    if [[ -n "$t_dstatus" ]]; then
      bench_target "status faster than dbmate status at 1,000" "$t_mstatus < $t_dstatus" \
        "$(bench_fmt_ms "$t_mstatus") vs $(bench_fmt_ms "$t_dstatus")"
    fi
  else
    bench_target "status under 30 ms at 10,000" "$t_mstatus < 30" "$(bench_fmt_ms "$t_mstatus")"
  fi
done

# ------------------------------------------------------------ load and plan 10,000

bench_log "bench: load and plan 10,000 revisions (migrate heads --dir, files only)"
bench_time t_load 10 "" -- "$MIGRATE_BIN" --dir "$W/migrate-10000" heads
rss=()
for _ in 1 2 3; do rss+=("$(bench_max_rss_kb "$MIGRATE_BIN" --dir "$W/migrate-10000" heads)"); done
rss_kb=$(printf '%s\n' "${rss[@]}" | sort -n | sed -n 2p)
rss_mb=$(awk -v kb="$rss_kb" 'BEGIN { printf "%.1f", kb / 1024 }')
bench_result "load+plan 10k (migrate heads): $(bench_fmt_ms "$t_load") (cpu $(bench_fmt_ms "$t_load_cpu")), max RSS $rss_mb MB"
bench_target "load+plan 10,000 under 100 ms" "$t_load < 100" "$(bench_fmt_ms "$t_load")"
bench_target "load+plan 10,000 under 50 MB resident" "$rss_kb < 50 * 1024" "$rss_mb MB"
