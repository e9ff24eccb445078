#!/usr/bin/env bash
# The deploy story (README: Why), replayed step by step against a private,
# throwaway PostgreSQL under pgbench traffic, with real commands, their real
# output and the figures measured along the way. `make demo` runs it.
#
#   bash scripts/demo.sh
#
# Environment:
#   MIGRATE_BIN   the binary (default: build/migrate)
#   DEMO_PG_DIR   where the cluster lives (default: build/demo-pg); stopped and its data
#                 removed at the end, also on failure or Ctrl-C (postgres.log stays)
#   DEMO_ROWS     users seeded in step a (default: 20000)
#   DEMO_PAUSE=1  wait for Enter between steps
#   DEMO_V2_EARLY=1  in the canary, v2 starts writing as soon as its columns
#                 exist instead of once the sync trigger is in place too
#   NO_COLOR      no colours (none either when stdout is not a terminal)
#
# The revisions come from migrations/ (see migrations/README.md); each step
# works in a "checkout" (a temporary directory with the release folders that
# version of the code has). Two demo-only revisions live in scripts/demo/revisions/.
# Exits non-zero, with FAIL lines, when a key outcome is wrong.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MIGRATE=${MIGRATE_BIN:-$REPO/build/migrate}
PG_DIR=${DEMO_PG_DIR:-$REPO/build/demo-pg}
ROWS=${DEMO_ROWS:-20000}
PG_BIN=${MIGRATE_PG_BIN:-/usr/lib/postgresql/15/bin}
DEMO=$REPO/scripts/demo
# The bound the product promises for step c: the app never queues behind a
# blocked migration for much longer than --lock-timeout (200ms here).
readonly LATENCY_BOUND_MS=1000
readonly V1_REVISION=a62d7d3eca0d HOTFIX_REVISION=43be85eadede
readonly HOTFIX_MESSAGE="index users.name for login lookups"

if [[ -t 1 && -z "${NO_COLOR:-}" ]]; then
  B=$'\e[1m' DIM=$'\e[2m' RED=$'\e[31m' GREEN=$'\e[32m' OFF=$'\e[0m'
else
  B="" DIM="" RED="" GREEN="" OFF=""
fi

die() {
  echo "demo: error: $*" >&2
  exit 1
}

# A client tool: the cluster's own version first, else PATH.
tool() {
  if [[ -x "$PG_BIN/$1" ]]; then
    printf '%s' "$PG_BIN/$1"
  elif command -v "$1" >/dev/null 2>&1; then
    command -v "$1"
  else
    die "$1 not found (in $PG_BIN or on PATH): run scripts/deps.sh"
  fi
}

[[ -x "$MIGRATE" ]] || die "$MIGRATE is not built: run \`make build\` (or set MIGRATE_BIN)"
[[ "$ROWS" =~ ^[0-9]+$ && "$ROWS" -ge 100 ]] || die "DEMO_ROWS must be a number >= 100"
PSQL=$(tool psql)
PGBENCH=$(tool pgbench)
PG_DUMP=$(tool pg_dump)

# Nothing from the caller's environment picks a database: only the demo's own.
unset PGHOST PGHOSTADDR PGPORT PGUSER PGDATABASE PGPASSWORD PGPASSFILE PGSERVICE PGSERVICEFILE \
  PGOPTIONS PGAPPNAME DATABASE_URL MIGRATE_SOURCE

WORK=$(mktemp -d "${TMPDIR:-/tmp}/migrate-demo.XXXXXX")
LOGS=$WORK/logs
mkdir -p "$LOGS"
CLUSTER_STARTED=""
BLOCKER_PID=""
BG_PIDS=()
declare -A TRAFFIC_PIDS=()
FAILURES=()
T0=$SECONDS

# --- cleanup: on success, failure and Ctrl-C alike -------------------------

cleanup() {
  local status=$? pid name
  set +e
  trap - INT TERM EXIT
  for name in "${!TRAFFIC_PIDS[@]}"; do
    : >"$WORK/$name.stop"
    pid=$(cat "$WORK/$name.child" 2>/dev/null)
    [[ -n "$pid" ]] && kill "$pid" 2>/dev/null
    kill "${TRAFFIC_PIDS[$name]}" 2>/dev/null
  done
  [[ -n "$BLOCKER_PID" ]] && kill "$BLOCKER_PID" 2>/dev/null
  for pid in "${BG_PIDS[@]}"; do
    # A stopped process (step i) must be continued to die of TERM.
    kill -KILL "$pid" 2>/dev/null
  done
  exec 7>&-
  wait 2>/dev/null
  if [[ -n "$CLUSTER_STARTED" ]]; then
    bash "$REPO/scripts/pg_cluster.sh" stop "$PG_DIR" >/dev/null 2>&1 ||
      echo "demo: warning: could not stop the cluster in $PG_DIR" >&2
  fi
  rm -rf "$WORK"
  if ((status == 130)); then echo "demo: interrupted; cluster stopped, temporary files removed" >&2; fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- output ------------------------------------------------------------------

step() {
  pause
  echo
  echo "${B}== $1 ==${OFF}"
}

say() {
  local line
  for line in "$@"; do echo "$line"; done
}

pause() {
  if [[ "${DEMO_PAUSE:-0}" == 1 && -r /dev/tty ]]; then
    read -r -p "${DIM}  [Enter] for the next step${OFF}" </dev/tty || true
  fi
}

indent() { sed 's/^/      /'; }

# run DISPLAY CMD...: prints "$ DISPLAY", runs CMD (stdout and stderr as a user
# sees them on a terminal), prints the output indented; sets RC and OUTPUT.
run() {
  local display=$1
  shift
  echo "  ${B}\$ $display${OFF}"
  set +e
  OUTPUT=$("$@" 2>&1)
  RC=$?
  set -e
  if [[ -n "$OUTPUT" ]]; then printf '%s\n' "$OUTPUT" | indent; fi
  if ((RC != 0)); then echo "      ${DIM}(exit code $RC)${OFF}"; fi
  return 0
}

quote_args() {
  local arg out=""
  for arg in "$@"; do
    if [[ "$arg" =~ ^[A-Za-z0-9_./:=@%+,-]+$ ]]; then out+=" $arg"; else out+=" \"$arg\""; fi
  done
  printf '%s' "${out# }"
}

# mig ARGS...: migrate in the current directory (a checkout), shown as typed.
mig() { run "migrate $(quote_args "$@")" "$MIGRATE" "$@"; }

# sql_shown SQL: psql on the demo database, shown as typed.
sql_shown() { run "psql -c \"$(tr -s ' \n' ' ' <<<"$1" | sed 's/ $//')\"" "$PSQL" -X -v ON_ERROR_STOP=1 -c "$1"; }

# q SQL: one value (or unaligned rows) from the demo database, not shown.
q() { "$PSQL" -XAtq -v ON_ERROR_STOP=1 -c "$1"; }

# figure LABEL VALUE: the measured figure a step is about.
figure() { echo "  ${GREEN}=> $1: $2${OFF}"; }

# wrong MESSAGE: records (and prints) a FAIL line: a key outcome is wrong.
# Used as `[[ condition ]] || wrong "what should have held"`.
wrong() {
  echo "  ${RED}FAIL: $1${OFF}"
  FAILURES+=("$1")
}

# wait_for SECONDS SQL: polls until SQL returns t; false on timeout.
wait_for() {
  local deadline=$((SECONDS + $1))
  while ((SECONDS < deadline)); do
    [[ "$(q "$2" 2>/dev/null)" == t ]] && return 0
    sleep 0.05
  done
  return 1
}

# --- application traffic -----------------------------------------------------

# start_traffic NAME SCRIPT: pgbench runs of 2s, 4 clients, one after the other
# until stop_traffic NAME; per-transaction latencies land in $LOGS/NAME/. Short
# runs because pgbench only writes its logs when a run ends normally.
start_traffic() {
  local name=$1 script=$2
  mkdir -p "$LOGS/$name"
  rm -f "$WORK/$name.stop"
  (
    trap 'kill $(cat "$WORK/$name.child" 2>/dev/null) 2>/dev/null; exit 0' TERM
    i=0
    while [[ ! -e "$WORK/$name.stop" ]]; do
      i=$((i + 1))
      PGAPPNAME=$name "$PGBENCH" -n -f "$script" -D rows="$ROWS" -D early="${DEMO_V2_EARLY:-0}" -c 4 -j 2 -T 2 \
        -l --log-prefix="$LOGS/$name/run$i" >>"$LOGS/$name.out" 2>&1 &
      echo $! >"$WORK/$name.child"
      wait $! || echo "pgbench run $i exited with code $?" >>"$LOGS/$name.errors"
    done
  ) &
  TRAFFIC_PIDS[$name]=$!
}

stop_traffic() {
  : >"$WORK/$1.stop"
  wait "${TRAFFIC_PIDS[$1]}" 2>/dev/null || true
  unset "TRAFFIC_PIDS[$1]"
  if [[ -s "$LOGS/$1.errors" ]]; then
    echo "  ${RED}$1 traffic had errors:${OFF}"
    tail -n 5 "$LOGS/$1.out" | indent
    wrong "the $1 traffic ran without errors"
  fi
}

# Column 3 of pgbench's per-transaction log is the latency in microseconds.
max_latency_ms() { cat "$LOGS/$1"/run* 2>/dev/null | awk '$3 > m { m = $3 } END { printf "%d\n", m / 1000 }'; }
transactions() { cat "$LOGS/$1"/run* 2>/dev/null | wc -l | tr -d ' '; }

# --- the session left idle in transaction -----------------------------------

# start_blocker: a v1 session that begins a transaction, reads users, and sits.
start_blocker() {
  rm -f "$WORK/blocker.fifo"
  mkfifo "$WORK/blocker.fifo"
  PGAPPNAME=app-v1-forgotten "$PSQL" -X -q -v ON_ERROR_STOP=1 <"$WORK/blocker.fifo" >"$LOGS/blocker.out" 2>&1 &
  BLOCKER_PID=$!
  exec 7>"$WORK/blocker.fifo"
  echo "BEGIN; SELECT id, name FROM users WHERE id = 42;" >&7
  wait_for 10 "SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE application_name = 'app-v1-forgotten'
                                AND state = 'idle in transaction')" ||
    die "the blocking session did not start"
  BLOCKER_BACKEND=$(q "SELECT pid FROM pg_stat_activity WHERE application_name = 'app-v1-forgotten'")
}

end_blocker() {
  echo "COMMIT;" >&7
  exec 7>&-
  wait "$BLOCKER_PID" 2>/dev/null || true
  BLOCKER_PID=""
}

# sample_waiters SECONDS: samples pg_stat_activity every 0.1s for SECONDS;
# prints "<samples> <samples in which an application request waited on a
# lock> <most sessions waiting on a lock at once>".
sample_waiters() {
  local deadline app all samples=0 queued=0 max_all=0
  deadline=$(($(date +%s%N) + $1 * 1000000000))
  while (($(date +%s%N) < deadline)); do
    IFS='|' read -r app all < <(q "SELECT count(*) FILTER (WHERE application_name LIKE 'app-v%'), count(*)
      FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")
    samples=$((samples + 1))
    if ((app > 0)); then queued=$((queued + 1)); fi
    if ((all > max_all)); then max_all=$all; fi
    sleep 0.1
  done
  echo "$samples $queued $max_all"
}

show_sessions() {
  sql_shown "SELECT pid, application_name, state, wait_event_type AS waits, left(query, 40) AS query
             FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()
             AND application_name <> '' ORDER BY application_name, pid"
}

# checkout NAME RELEASE-FOLDER...: $WORK/NAME/migrations with those folders,
# as a git checkout of that version would have them; then cd there.
checkout() {
  local name=$1 folder
  shift
  rm -rf "${WORK:?}/$name"
  mkdir -p "$WORK/$name/migrations"
  for folder in "$@"; do cp -R "$folder" "$WORK/$name/migrations/"; done
  cd "$WORK/$name"
}

# tag_checkout NAME: makes the checkout NAME a git repository at tag NAME, as a
# clone of that release would be, so migrate names the release by its version.
tag_checkout() {
  command -v git >/dev/null 2>&1 || die "git not found: run scripts/deps.sh"
  git -C "$WORK/$1" -c init.defaultBranch=main init -q
  git -C "$WORK/$1" add migrations
  git -C "$WORK/$1" -c user.name=demo -c user.email=demo@localhost commit -qm "release $1"
  git -C "$WORK/$1" tag "$1"
}

snapshot() {
  "$PG_DUMP" --schema-only --no-owner --no-privileges | grep -Ev '^(--|$|\\(un)?restrict )'
  q "SELECT id, phase, checksum, applied_at FROM migrate.revisions ORDER BY id"
}

# === 0. the cluster ============================================================

echo "${B}migrate: the deploy story, live${OFF} (revisions in migrations/, see its README)"
echo "${DIM}binary $MIGRATE ($("$MIGRATE" --version 2>&1 | head -n1)), $ROWS users, pgbench $("$PGBENCH" --version | awk '{print $3}')${OFF}"

step "0. A private PostgreSQL for the demo"
bash "$REPO/scripts/pg_cluster.sh" start "$PG_DIR" | indent
CLUSTER_STARTED=yes
set -a
# shellcheck source=/dev/null
source "$PG_DIR/env"
set +a
q "CREATE DATABASE demo" >/dev/null
export PGDATABASE=demo
export DATABASE_URL=${MIGRATE_TEST_ADMIN_URL/\/postgres\?//demo?}
unset MIGRATE_TEST_ADMIN_URL
say "  DATABASE_URL=$DATABASE_URL"

# === a. v1.0.0 ===================================================================

step "a. v1.0.0 creates users; the application starts"
say "The v1.0.0 checkout has one revision: migrations/v1.0.0 (CREATE TABLE users)."
checkout v1.0.0 "$REPO/migrations/v1.0.0"
mig upgrade --source v1.0.0
[[ $RC == 0 ]] || wrong "v1.0.0 upgrade exits 0 (got $RC)"
q "INSERT INTO users (name)
   SELECT (ARRAY['Ada','Alan','Grace','Edsger','Barbara','Ken','Donald','Frances'])[1 + g % 8] || ' ' ||
          (ARRAY['Lovelace','Turing','Hopper','Dijkstra','Liskov','Thompson','Knuth','Allen'])[1 + (g / 8) % 8]
   FROM generate_series(1, $ROWS) AS g" >/dev/null
q "ANALYZE users" >/dev/null
figure "users seeded" "$(q "SELECT count(*) FROM users")"
say "From here on, application traffic runs during each step: pgbench, 4 clients, with" \
  "scripts/demo/app_v1.sql (read a user by id, rename them: UPDATE users SET name = ...," \
  "now and then sign one up) and per-transaction latency logs."

# === b. the outage ==============================================================

step "b. The outage: a naive ALTER TABLE behind a session idle in transaction"
start_traffic app-v1-b "$DEMO/app_v1.sql"
sleep 1
say "A v1 request opened a transaction, read users, and never finished:"
start_blocker
say "  app-v1-forgotten (pid $BLOCKER_BACKEND): BEGIN; SELECT id, name FROM users WHERE id = 42;   -- then nothing"
say "The deploy runs its migration the usual way, with no lock_timeout:"
say "  ${B}\$ psql -c \"ALTER TABLE users ADD COLUMN nickname text\"${OFF}   (in the background)"
PGAPPNAME=naive-deploy "$PSQL" -X -c "ALTER TABLE users ADD COLUMN nickname text" >"$LOGS/naive.out" 2>&1 &
NAIVE_PID=$!
BG_PIDS+=("$NAIVE_PID")
read -r NAIVE_SAMPLES NAIVE_QUEUED NAIVE_MAX_QUEUE <<<"$(sample_waiters 3)"
say "Three seconds later: the ALTER waits for the blocker, and every app query waits for the ALTER."
show_sessions
figure "app requests queued on a lock" "in $NAIVE_QUEUED of $NAIVE_SAMPLES samples (every 0.1s), up to $NAIVE_MAX_QUEUE sessions at once"
say "Someone finds the blocker and ends it; the ALTER runs, the queue drains:"
end_blocker
wait "$NAIVE_PID" || true
indent <"$LOGS/naive.out"
sleep 1
stop_traffic app-v1-b
NAIVE_STALL_MS=$(max_latency_ms app-v1-b)
figure "slowest application request while the ALTER queued (pgbench log)" "$NAIVE_STALL_MS ms"
q "ALTER TABLE users DROP COLUMN nickname" >/dev/null
say "(column dropped again, so the next step can add it the safe way)"

# === c. the same with migrate ===================================================

step "c. The same ALTER with migrate: short lock_timeout, retries, named blockers"
say "A demo-only revision (scripts/demo/revisions/nickname): ALTER TABLE users ADD COLUMN nickname text."
checkout v1.0.0-nickname "$REPO/migrations/v1.0.0" "$DEMO/revisions/nickname"
start_traffic app-v1-c "$DEMO/app_v1.sql"
sleep 1
start_blocker
say "The same forgotten transaction (pid $BLOCKER_BACKEND); migrate runs in the background:"
"$MIGRATE" upgrade --lock-timeout 200ms --source demo >"$LOGS/c.out" 2>&1 &
C_PID=$!
BG_PIDS+=("$C_PID")
read -r C_SAMPLES C_QUEUED C_MAX_QUEUE <<<"$(sample_waiters 3)"
show_sessions
figure "app requests queued on a lock" "in $C_QUEUED of $C_SAMPLES samples (every 0.1s), up to $C_MAX_QUEUE sessions at once"
say "Each attempt makes the app queue for at most the 200ms lock_timeout; then migrate" \
  "steps back, the queue drains, and it retries with backoff."
say "The blocker commits; migrate's next retry gets the lock."
end_blocker
C_RC=0
wait "$C_PID" || C_RC=$?
echo "  ${B}\$ migrate upgrade --lock-timeout 200ms --source demo${OFF}"
indent <"$LOGS/c.out"
sleep 1
stop_traffic app-v1-c
MIGRATE_MAX_MS=$(max_latency_ms app-v1-c)
C_RETRIES=$(grep -c '^retry:' "$LOGS/c.out" || true)
figure "retries, each naming the blocker" "$C_RETRIES"
figure "slowest application request meanwhile (pgbench log)" "$MIGRATE_MAX_MS ms (naive: $NAIVE_STALL_MS ms)"
[[ $C_RC == 0 ]] || wrong "migrate upgrade under a blocker completes (exit $C_RC)"
grep -q "pid $BLOCKER_BACKEND .*idle in transaction" "$LOGS/c.out" ||
  wrong "migrate's retries name the blocker (pid $BLOCKER_BACKEND, idle in transaction)"
((MIGRATE_MAX_MS <= LATENCY_BOUND_MS)) ||
  wrong "migrate max latency $MIGRATE_MAX_MS ms (bound: $LATENCY_BOUND_MS ms)"
say "That revision was for the demo only; back to v1.0.0 so the story goes on from migrations/:"
mig downgrade "$V1_REVISION"

# === d. the hotfix ==============================================================

step "d. v1.0.1: the hotfix, cut from v1.0.0, deployed from its own checkout"
say "The v1.0.1 checkout: migrations/v1.0.0 + migrations/v1.0.1 (CREATE INDEX CONCURRENTLY)."
checkout v1.0.1 "$REPO/migrations/v1.0.0" "$REPO/migrations/v1.0.1"
tag_checkout v1.0.1
V101_DIR=$WORK/v1.0.1/migrations
mig upgrade --source v1.0.1
[[ $RC == 0 ]] || wrong "the v1.0.1 upgrade exits 0 (got $RC)"
figure "index users_name_idx valid" "$(q "SELECT coalesce((SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass('users_name_idx')), false)")"

# === e. the refusal =============================================================

step "e. v2.0.0 was branched before the hotfix: its upgrade is refused"
say "The v2.0.0 checkout: migrations/v1.0.0 + migrations/v2.0.0; it has never heard of $HOTFIX_REVISION."
checkout v2.0.0 "$REPO/migrations/v1.0.0" "$REPO/migrations/v2.0.0"
BEFORE=$(snapshot)
mig upgrade --source v2.0.0
UNKNOWN_RC=$RC
UNKNOWN_OUTPUT=$OUTPUT
AFTER=$(snapshot)
figure "exit code" "$UNKNOWN_RC"
if [[ "$BEFORE" == "$AFTER" ]]; then SCHEMA_SAME=yes; else SCHEMA_SAME=no; fi
figure "schema and migrate.revisions unchanged (pg_dump --schema-only before/after)" "$SCHEMA_SAME"
[[ $UNKNOWN_RC == 3 ]] || wrong "the v2.0.0 upgrade is refused with exit 3 (got $UNKNOWN_RC)"
[[ $UNKNOWN_OUTPUT == *"$HOTFIX_REVISION"* && $UNKNOWN_OUTPUT == *"$HOTFIX_MESSAGE"* && $UNKNOWN_OUTPUT == *v1.0.1* ]] ||
  wrong "the refusal names $HOTFIX_REVISION, its message and v1.0.1"
[[ $SCHEMA_SAME == yes ]] || wrong "a refused upgrade leaves the database unchanged"

# === f. the merge ===============================================================

step "f. The hotfix merged into the v2 line: two heads, then resolve-branch"
say "After \`git merge v1.0.1\` the v2 checkout has all three release folders."
checkout merged "$REPO/migrations/v1.0.0" "$REPO/migrations/v1.0.1" "$REPO/migrations/v2.0.0"
mig heads
HEADS_COUNT=$(printf '%s\n' "$OUTPUT" | grep -cE '^[0-9a-f]{12} ' || true)
mig upgrade --source v2.0.0
HEADS_RC=$RC
figure "heads" "$HEADS_COUNT"
figure "exit code of upgrade with two heads" "$HEADS_RC"
[[ $HEADS_RC == 4 ]] || wrong "upgrade with two heads is refused with exit 4 (got $HEADS_RC)"
mig resolve-branch -m "merge v1.0.1 into v2"
MERGE_FILE=$(printf '%s\n' "$OUTPUT" | grep -E '\.sql$' | head -n1)
[[ $RC == 0 && -f "$MERGE_FILE" ]] || wrong "resolve-branch writes a merge revision (exit $RC)"
if [[ -f "$MERGE_FILE" ]]; then
  echo "  ${B}\$ head -n 3 $MERGE_FILE${OFF}"
  head -n 3 "$MERGE_FILE" | indent
  COMMITTED=$(ls "$REPO"/migrations/v2.0.1/*.sql)
  parents_of() { sed -n 's/^-- migrate:parents[[:space:]]*//p' "$1" | tr ', ' '\n' | grep . | sort | tr '\n' ' '; }
  if [[ "$(parents_of "$MERGE_FILE")" == "$(parents_of "$COMMITTED")" ]]; then SAME_PARENTS=yes; else SAME_PARENTS=no; fi
  figure "same parents as the committed ${COMMITTED#"$REPO"/}" "$SAME_PARENTS"
  [[ $SAME_PARENTS == yes ]] || wrong "the merge joins the same heads as migrations/v2.0.1"
fi
say "That file, reviewed, is what the repository holds as migrations/v2.0.1/: from here on the" \
  "demo deploys the repository's own migrations/ directory (one head)."
cd "$REPO"
mig heads

# === g. the canary ==============================================================

step "g. The canary: v1 and v2 side by side while migrate expands and backfills"
say "v1 writes name; v2 (scripts/demo/app_v2.sql) writes first/last, and does nothing until" \
  "the expand has added its columns and the sync trigger. Both run while the expand adds" \
  "the columns, installs the trigger and backfills the existing rows in batches of 500."
start_traffic app-v1-g "$DEMO/app_v1.sql"
start_traffic app-v2-g "$DEMO/app_v2.sql"
sleep 1
mig upgrade --source v2.0.1 --batch-size 500
G_RC=$RC
[[ $G_RC == 0 ]] || wrong "the v2.0.1 upgrade (expand) exits 0 (got $G_RC)"
BACKFILL_LINE=$(printf '%s\n' "$OUTPUT" | grep -E 'backfilled [0-9]+ rows' | tail -n1)
BACKFILLED=$(sed -nE 's/.*backfilled ([0-9]+) rows.*/\1/p' <<<"$BACKFILL_LINE")
BACKFILL_RATE=$(sed -nE 's/.*\(([0-9.]+ rows\/s)\).*/\1/p' <<<"$BACKFILL_LINE")
BACKFILL_TIME=$(sed -nE 's/.* in ([0-9][0-9a-z.]*) \(.*/\1/p' <<<"$BACKFILL_LINE")
figure "rows backfilled" "${BACKFILLED:-?} in ${BACKFILL_TIME:-?} (${BACKFILL_RATE:-?})"
say "Both versions keep running for a few seconds on the expanded schema..."
sleep 4
stop_traffic app-v1-g
stop_traffic app-v2-g
figure "transactions: v1 / v2" "$(transactions app-v1-g) / $(transactions app-v2-g)"
G_V1_MS=$(max_latency_ms app-v1-g)
G_V2_MS=$(max_latency_ms app-v2-g)
figure "slowest request during the expand: v1 / v2" "$G_V1_MS ms / $G_V2_MS ms"
say "The consistency check, on every row:"
sql_shown "SELECT count(*) AS mismatched FROM users WHERE name IS DISTINCT FROM first || ' ' || last"
MISMATCHED=$(q "SELECT count(*) FROM users WHERE name IS DISTINCT FROM first || ' ' || last")
NULL_PARTS=$(q "SELECT count(*) FROM users WHERE first IS NULL OR last IS NULL")
echo "  ${GREEN}=> mismatched names: $MISMATCHED${OFF}"
figure "rows with NULL first or last" "$NULL_PARTS"
# Who wrote each row last, from the names the scripts write: v1 "Ann<n> One<id>"
# or "New<n> One<id>", v2 "Bo<n> Two<id>" or "New<n> Two<id>".
IFS='|' read -r BY_V1 BY_V2 BY_NONE < <(q "SELECT count(*) FILTER (WHERE w = 1), count(*) FILTER (WHERE w = 2), count(*) FILTER (WHERE w = 0)
  FROM (SELECT CASE WHEN last LIKE 'One%' THEN 1 WHEN last LIKE 'Two%' THEN 2 ELSE 0 END AS w FROM users) AS t")
figure "rows last written by v1 / by v2 / untouched since the seed" "$BY_V1 / $BY_V2 / $BY_NONE"
[[ $MISMATCHED == 0 ]] || wrong "mismatched names: $MISMATCHED (want 0)"
[[ $NULL_PARTS == 0 ]] || wrong "rows with NULL first or last: $NULL_PARTS (want 0)"
say "Should the canary go wrong, traffic moves back to v1.0.1. Can v1.0.1 run on this database?" \
  "(its checkout, tag v1.0.1, is in $V101_DIR)"
mig status --for-release "$V101_DIR"
ROLLBACK_BEFORE_RC=$RC
[[ $RC == 0 && $OUTPUT == *"compatible: v1.0.1 can run on this database as it is"* ]] ||
  wrong "before contract, v1.0.1 is compatible (exit $RC)"

# === h. contract =================================================================

step "h. Contract, once no v1 instance is left"
say "v1 is gone; v2 keeps serving while \`migrate contract\` drops the trigger and name."
start_traffic app-v2-h "$DEMO/app_v2.sql"
sleep 1
say "A deploy that still lists v1.0.1 as live is refused: the contract drops what v1.0.1 reads."
mig contract --live-release "$V101_DIR"
LIVE_REFUSED_RC=$RC
[[ $RC == 10 && $OUTPUT == *"live release v1.0.1 still reads"* ]] ||
  wrong "contract --live-release v1.0.1 is refused with exit 10 (got $RC)"
mig contract
CONTRACT_RC=$RC
sleep 1
stop_traffic app-v2-h
figure "slowest v2 request during the contract" "$(max_latency_ms app-v2-h) ms"
sql_shown "SELECT string_agg(column_name, ', ' ORDER BY ordinal_position) AS columns FROM information_schema.columns WHERE table_name = 'users'"
NAME_LEFT=$(q "SELECT count(*) FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'name'")
TRIGGERS_LEFT=$(q "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'users'::regclass AND NOT tgisinternal")
figure "column name left / triggers left on users" "$NAME_LEFT / $TRIGGERS_LEFT"
[[ $CONTRACT_RC == 0 && $NAME_LEFT == 0 && $TRIGGERS_LEFT == 0 ]] ||
  wrong "contract exits 0 and leaves neither name nor a trigger (exit $CONTRACT_RC, $NAME_LEFT, $TRIGGERS_LEFT)"
say "From now on a rollback to v1.0.1 would break it, and the check says why:"
mig status --for-release "$V101_DIR"
ROLLBACK_AFTER_RC=$RC
[[ $RC == 10 && $OUTPUT == *"incompatible: f9d15b8e0c39 contracted (drops users.name, which v1.0.1 reads)"* ]] ||
  wrong "after contract, v1.0.1 is incompatible (exit $RC)"
mig status

# === i. a killed run ==============================================================

step "i. A run killed mid-way, its lock cleared"
say "A demo-only revision (scripts/demo/revisions/slow, transaction off): SELECT pg_sleep(1.5)," \
  "then ALTER TABLE users ADD COLUMN email. The CI runner freezes in the middle of it."
checkout v2.0.1-slow "$REPO"/migrations/v* "$DEMO/revisions/slow"
echo "  ${B}\$ migrate upgrade --source v2.0.2 &${OFF}"
"$MIGRATE" upgrade --source v2.0.2 >"$LOGS/i.out" 2>&1 &
I_PID=$!
BG_PIDS+=("$I_PID")
# Killed below on purpose: no "Killed" job notice from bash.
disown "$I_PID"
wait_for 20 "SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE application_name LIKE 'migrate upgrade@%'
                             AND query LIKE '%pg_sleep%' AND state = 'active')" ||
  wrong "the slow revision started"
kill -STOP "$I_PID"
indent <"$LOGS/i.out"
say "  (kill -STOP $I_PID: the runner is frozen; its statement finishes, its session stays open)"
wait_for 10 "SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE application_name LIKE 'migrate upgrade@%'
                             AND query LIKE '%pg_sleep%' AND state = 'idle')" || true
mig lock status
LOCK_HELD_RC=$RC
LOCK_HELD_OUTPUT=$OUTPUT
[[ $LOCK_HELD_OUTPUT == *"migrate upgrade@"* ]] || wrong "lock status names the frozen runner"
say "Nobody will continue that run: release its lock (migrate terminates the holder's idle session)." \
  "Its heartbeat stopped when it froze; the demo cannot wait the default 30s (--stale-after) for it to look stale."
mig lock clear --yes --stale-after 1s
CLEAR_RC=$RC
kill -KILL "$I_PID" 2>/dev/null || true
for _ in {1..100}; do kill -0 "$I_PID" 2>/dev/null || break; sleep 0.05; done
say "  (kill -KILL $I_PID: the runner is gone for good)"
mig lock status
if [[ $CLEAR_RC == 0 && $LOCK_HELD_RC == 0 && "$OUTPUT" == *free* ]]; then LOCK_CLEARED=yes; else LOCK_CLEARED=no; fi
figure "lock cleared" "$LOCK_CLEARED"
[[ $LOCK_CLEARED == yes ]] || wrong "lock clear releases the frozen runner's lock (exit $CLEAR_RC)"
mig status
say "The next run will not guess whether the interrupted statement took effect:"
mig upgrade --source v2.0.2
if ((RC != 0)); then
  say "pg_sleep is harmless to repeat, so: run it again and continue."
  mig upgrade --source v2.0.2 --resume
fi
RECOVER_RC=$RC
EMAIL=$(q "SELECT count(*) FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'email'")
if [[ $RECOVER_RC == 0 && $EMAIL == 1 ]]; then RECOVERED=yes; else RECOVERED=no; fi
figure "the killed run's revision applied afterwards" "$RECOVERED"
[[ $RECOVERED == yes ]] || wrong "the upgrade after the killed run succeeds (exit $RECOVER_RC)"
mig status

# === summary =======================================================================

pause
echo
echo "${B}== Summary ==${OFF}"
row() { printf '  %-50s %s\n' "$1" "$2"; }
row "naive ALTER: slowest app request" "$NAIVE_STALL_MS ms (queued in $NAIVE_QUEUED/$NAIVE_SAMPLES samples)"
row "migrate, lock_timeout 200ms: slowest app request" "$MIGRATE_MAX_MS ms (queued in $C_QUEUED/$C_SAMPLES samples, $C_RETRIES retries)"
row "hotfix unknown to v2.0.0: upgrade exit code" "$UNKNOWN_RC (schema unchanged: $SCHEMA_SAME)"
row "two heads: upgrade exit code" "$HEADS_RC"
row "rows backfilled during the canary" "${BACKFILLED:-?} in ${BACKFILL_TIME:-?} (${BACKFILL_RATE:-?})"
row "canary: slowest app request, v1 / v2" "$G_V1_MS ms / $G_V2_MS ms"
row "mismatched names" "$MISMATCHED (NULL first/last: $NULL_PARTS)"
row "after contract: name column / sync triggers" "$NAME_LEFT / $TRIGGERS_LEFT"
row "rollback to v1.0.1: before / after contract" "exit $ROLLBACK_BEFORE_RC / exit $ROLLBACK_AFTER_RC (contract with v1.0.1 live: exit $LIVE_REFUSED_RC)"
row "killed run: lock cleared / recovered" "$LOCK_CLEARED / $RECOVERED"
row "demo time" "$((SECONDS - T0)) s"
echo
if ((${#FAILURES[@]} > 0)); then
  for f in "${FAILURES[@]}"; do echo "${RED}FAIL: $f${OFF}"; done
  echo "${RED}demo: ${#FAILURES[@]} outcome(s) wrong${OFF}"
  exit 1
fi
echo "${GREEN}demo: every outcome as promised${OFF}"
