# The migration lock and DDL under traffic (issue 4): runners wait for each
# other and name the holder, stale locks are cleared, concurrent runners apply
# each revision once, and a DDL step blocked by an idle-in-transaction session
# retries under lock_timeout, names the blocker and succeeds.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/session_lib.sh"

work=$(scratch_dir)
cd "$work"

# --- a DDL step blocked by an idle-in-transaction session -------------------
# The application built its users table before migrate ran: upgrades say so
# with --allow-existing-schema.
url=$(new_db)
psql_db "$url" "CREATE TABLE users (id bigserial PRIMARY KEY, name text); INSERT INTO users (name) VALUES ('Ada')"
write_revision m1 a00000000001 "" "ALTER TABLE users ADD COLUMN first text;" "ALTER TABLE users DROP COLUMN first;"
open_session app "$url" v1-app
session_send app "BEGIN; SELECT count(*) FROM users;"
wait_until "$url" "SELECT count(*) = 1 FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'v1-app' AND state = 'idle in transaction'"
blocker=$(backend_pid_of "$url" v1-app)
migrate_bg run1 --dir m1 --database-url "$url" upgrade --allow-existing-schema --lock-timeout 100ms --retries 50
sleep 1.5
# Meanwhile the application is not queued behind the ALTER for longer than lock_timeout.
start=$(date +%s%N)
psql_db "$url" "SELECT count(*) FROM users" >/dev/null
waited_ms=$(( ($(date +%s%N) - start) / 1000000 ))
(( waited_ms < 1000 )) || fail "an application query waited ${waited_ms} ms behind the migration"
session_send app "COMMIT;"
wait "$BG_PID" || fail "upgrade failed after the blocker committed: $(cat run1.err)"
grep -q "lock not granted within lock_timeout" run1.err || fail "no retry reported: $(cat run1.err)"
grep -q "blocked by pid $blocker (v1-app" run1.err || fail "blocker pid $blocker not named: $(cat run1.err)"
grep -q "idle in transaction" run1.err || fail "blocker state not named: $(cat run1.err)"
assert_eq "1" "$(psql_db "$url" "SELECT count(*) FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'first'")" "column added"
session_close app

# --- retries exhausted: exit 1, names the blocker, nothing applied -----------
url=$(new_db)
psql_db "$url" "CREATE TABLE users (id bigserial PRIMARY KEY, name text)"
open_session app2 "$url" v1-app
session_send app2 "BEGIN; SELECT count(*) FROM users;"
wait_until "$url" "SELECT count(*) = 1 FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'v1-app' AND state = 'idle in transaction'"
run_migrate --dir m1 --database-url "$url" upgrade --allow-existing-schema --lock-timeout 50ms --retries 2
assert_rc 1
assert_err_contains "m1/a00000000001.sql:7: could not get a lock within lock_timeout 50ms after 3 attempts"
assert_err_contains "blocked by pid $(backend_pid_of "$url" v1-app) (v1-app"
assert_eq "0" "$(psql_db "$url" "SELECT count(*) FROM migrate.revisions")" "nothing recorded"

# --- --terminate-blockers-after ends an idle-in-transaction blocker ----------
run_migrate --dir m1 --database-url "$url" upgrade --allow-existing-schema --lock-timeout 100ms --terminate-blockers-after 500ms
assert_rc 0
assert_err_contains "terminated pid"
assert_eq "0" "$(psql_db "$url" "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'v1-app'")" "idle blocker terminated"
assert_eq "1" "$(psql_db "$url" "SELECT count(*) FROM migrate.events WHERE kind = 'terminate-blocker'")" "termination recorded"
session_close app2

# --- ... but never an active one ---------------------------------------------
url=$(new_db)
psql_db "$url" "CREATE TABLE users (id bigserial PRIMARY KEY, name text)"
open_session busy "$url" busy-app
session_send busy "BEGIN; LOCK TABLE users IN ACCESS SHARE MODE; SELECT pg_sleep(2); COMMIT;"
wait_until "$url" "SELECT count(*) = 1 FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'busy-app' AND state = 'active'"
run_migrate --dir m1 --database-url "$url" upgrade --allow-existing-schema --lock-timeout 100ms --retries 40 --terminate-blockers-after 200ms
assert_rc 0
assert_err_contains "(busy-app"
assert_err_not_contains "terminated pid"
session_close busy

# --- two runners: the second waits, names the first, gives up with exit 5 ----
url=$(new_db)
psql_db "$url" "CREATE TABLE users (id bigserial PRIMARY KEY, name text)"
open_session app3 "$url" v1-app
session_send app3 "BEGIN; SELECT count(*) FROM users;"
wait_until "$url" "SELECT count(*) = 1 FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'v1-app' AND state = 'idle in transaction'"
migrate_bg first --dir m1 --database-url "$url" upgrade --allow-existing-schema --lock-timeout 100ms --retries 100
first_pid=$BG_PID
wait_until "$url" "SELECT count(*) = 1 FROM pg_locks WHERE locktype = 'advisory' AND granted"
run_migrate --dir m1 --database-url "$url" upgrade --allow-existing-schema --lock-wait 1500ms
assert_rc 5
assert_err_contains "waiting for the migration lock"
assert_err_contains "the migration lock was not acquired within 1.5s"
assert_err_contains "migrate upgrade@"
run_migrate --database-url "$url" lock status
assert_rc 0
assert_out_contains "migrate upgrade on"
run_migrate --database-url "$url" --json lock status
assert_rc 0
python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["held"] and d["holder"]["command"] == "upgrade", d' <<<"$OUT" \
  || fail "lock status --json: $OUT"
session_send app3 "COMMIT;"
wait "$first_pid" || fail "first runner failed: $(cat first.err)"
run_migrate --database-url "$url" lock status
assert_out_contains "The migration lock is free."
session_close app3

# --- a frozen runner is cleared by `lock clear --yes`; the next upgrade works -
url=$(new_db)
write_revision m2 b00000000001 "" "SELECT pg_sleep(1);"
write_revision m2 b00000000002 b00000000001 "CREATE TABLE after_freeze (id int);" "DROP TABLE after_freeze;"
migrate_bg frozen --dir m2 --database-url "$url" upgrade --allow-existing-schema
frozen_pid=$BG_PID
wait_until "$url" "SELECT count(*) = 1 FROM pg_stat_activity WHERE datname = current_database() AND query LIKE '%pg_sleep(1)%' AND state = 'active' AND pid <> pg_backend_pid() AND application_name LIKE 'migrate upgrade@%'"
kill -STOP "$frozen_pid"
# Its statement finishes on the server; the stopped client keeps the session and the lock.
wait_until "$url" "SELECT count(*) = 1 FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'migrate upgrade@%' AND application_name NOT LIKE '%(watch)' AND state = 'idle'"
run_migrate --dir m2 --database-url "$url" upgrade --allow-existing-schema --lock-wait 200ms
assert_rc 5
run_migrate --database-url "$url" lock clear --stale-after 0s
assert_rc 2
assert_err_contains "add --yes"
# Its heartbeat is seconds old: by default that is a live run, not a stale one.
run_migrate --database-url "$url" lock clear --yes
assert_rc 1
assert_err_contains "whose heartbeat is"
assert_err_contains "alive, not stale"
run_migrate --database-url "$url" lock clear --yes --stale-after 0s
assert_rc 0
assert_out_contains "Terminated backend"
assert_eq "1" "$(psql_db "$url" "SELECT count(*) FROM migrate.events WHERE kind = 'lock-clear'")" "clear recorded"
kill -9 "$frozen_pid" 2>/dev/null || true
run_migrate --dir m2 --database-url "$url" upgrade --allow-existing-schema
assert_rc 0
assert_eq "2" "$(psql_db "$url" "SELECT count(*) FROM migrate.revisions")" "both revisions applied"

# --- an active holder is refused without --force -------------------------------
url=$(new_db)
write_revision m3 c00000000001 "" "SELECT pg_sleep(3);"
migrate_bg active --dir m3 --database-url "$url" upgrade --allow-existing-schema
wait_until "$url" "SELECT count(*) = 1 FROM pg_stat_activity WHERE datname = current_database() AND query LIKE '%pg_sleep(3)%' AND state = 'active' AND pid <> pg_backend_pid()"
run_migrate --database-url "$url" lock clear --yes
assert_rc 1
assert_err_contains "is running a statement right now"
assert_err_contains "--force"
run_migrate --database-url "$url" lock clear --yes --force
assert_rc 0
wait "$BG_PID" && fail "the terminated runner should have failed"
assert_eq "0" "$(psql_db "$url" "SELECT count(*) FROM migrate.revisions")" "terminated run recorded nothing"

# --- six concurrent runners over twenty revisions apply each exactly once -----
url=$(new_db)
psql_db "$url" "CREATE TABLE applied_log (revision text)"
parent=""
for i in $(seq -w 1 20); do
  id="d000000000$i"
  write_revision m4 "$id" "$parent" "INSERT INTO applied_log VALUES ('$id'); SELECT pg_sleep(0.02);"
  parent=$id
done
pids=()
for n in 1 2 3 4 5 6; do
  "$MIGRATE_BIN" --dir m4 --database-url "$url" upgrade --allow-existing-schema --lock-wait 60s >"runner$n.out" 2>"runner$n.err" &
  pids+=($!)
done
for n in 0 1 2 3 4 5; do
  wait "${pids[$n]}" || fail "runner $((n + 1)) failed: $(cat "runner$((n + 1)).err")"
done
assert_eq "20" "$(psql_db "$url" "SELECT count(*) FROM applied_log")" "each revision ran once"
assert_eq "20" "$(psql_db "$url" "SELECT count(DISTINCT revision) FROM applied_log")" "no revision ran twice"
assert_eq "20" "$(psql_db "$url" "SELECT count(*) FROM migrate.revisions")" "twenty recorded"
# --- SIGINT while waiting for the lock: exit 130 at once ------------------------
url=$(new_db)
open_session holder "$url" lock-holder
session_send holder "SELECT pg_advisory_lock(1835624306, $(python3 -c 'h=2166136261
for c in b"migrate": h = ((h ^ c) * 16777619) & 0xffffffff
print(h - (1 << 32) if h >= 1 << 31 else h)'));"
wait_until "$url" "SELECT count(*) = 1 FROM pg_locks WHERE locktype = 'advisory' AND granted"
migrate_bg waiting --dir m1 --database-url "$url" upgrade --allow-existing-schema --lock-wait 60s
sleep 1
kill -INT "$BG_PID"
rc=0
wait "$BG_PID" || rc=$?
assert_eq "130" "$rc" "exit code after SIGINT while waiting for the lock"
grep -q "interrupted while waiting for the migration lock" waiting.err || fail "no message: $(cat waiting.err)"
session_close holder
echo "locks: all checks passed"
