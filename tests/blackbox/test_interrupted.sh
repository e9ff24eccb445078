# Interrupted runs: a `transaction off` revision killed between statements is
# visible in status, refused with the statement to check, and continued with
# --resume or --skip-interrupted; SIGINT stops cleanly between revisions
# (exit 130); the state schema of an older layout is upgraded keeping its rows.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/session_lib.sh"

work=$(scratch_dir)
cd "$work"

write_revision m1 e00000000001 "" "CREATE TABLE first_step (id int);
SELECT pg_sleep(2);
CREATE TABLE third_step (id int);" "DROP TABLE third_step; DROP TABLE first_step;" off

# Kills migrate while statement 2 runs; the revision stays in progress with 1 step done.
interrupt_run() {
  local url=$1
  migrate_bg killed --dir m1 --database-url "$url" upgrade
  wait_until "$url" "SELECT count(*) = 1 FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'SELECT pg_sleep(2)%' AND pid <> pg_backend_pid()"
  kill -9 "$BG_PID"
  wait "$BG_PID" 2>/dev/null || true
  # Its backend finishes the statement, finds the client gone and ends, releasing the lock.
  wait_until "$url" "SELECT count(*) = 0 FROM pg_locks WHERE locktype = 'advisory'" 100
}

# --- refused, then --resume re-runs the interrupted statement ----------------
url=$(new_db)
interrupt_run "$url"
run_migrate --dir m1 --database-url "$url" status
assert_rc 1
assert_out_contains "1 interrupted (no run holds the lock)"
assert_out_contains "e00000000001  expand phase, 1 step done"
run_migrate --dir m1 --database-url "$url" --json status
python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["in_progress"] == [{"id": "e00000000001", "phase": "expand", "steps_done": 1}], d' <<<"$OUT" \
  || fail "status --json in_progress: $OUT"
run_migrate --dir m1 --database-url "$url" upgrade
assert_rc 1
assert_err_contains "revision e00000000001 was interrupted: 1 of its 3 statements completed; statement 2 at m1/e00000000001.sql:8"
assert_err_contains "SELECT pg_sleep(2)"
assert_err_contains "migrate upgrade --resume"
assert_eq "f" "$(psql_db "$url" "SELECT to_regclass('third_step') IS NOT NULL")" "nothing ran after the refusal"
run_migrate --dir m1 --database-url "$url" upgrade --resume
assert_rc 0
assert_eq "complete" "$(psql_db "$url" "SELECT phase FROM migrate.revisions WHERE id = 'e00000000001'")" "completed"
assert_eq "t" "$(psql_db "$url" "SELECT to_regclass('third_step') IS NOT NULL")" "the rest ran"

# --- --skip-interrupted takes the statement as done --------------------------
url=$(new_db)
interrupt_run "$url"
run_migrate --dir m1 --database-url "$url" upgrade --skip-interrupted
assert_rc 0
assert_eq "t" "$(psql_db "$url" "SELECT to_regclass('third_step') IS NOT NULL")" "the statements after it ran"

# --- SIGINT stops between revisions with exit 130 ----------------------------
url=$(new_db)
write_revision m2 f00000000001 "" "SELECT pg_sleep(1.5);"
write_revision m2 f00000000002 f00000000001 "CREATE TABLE never_reached (id int);" "DROP TABLE never_reached;"
migrate_bg sigint --dir m2 --database-url "$url" upgrade
wait_until "$url" "SELECT count(*) = 1 FROM pg_stat_activity WHERE datname = current_database() AND query LIKE '%pg_sleep(1.5)%' AND pid <> pg_backend_pid()"
kill -INT "$BG_PID"
rc=0
wait "$BG_PID" || rc=$?
assert_eq "130" "$rc" "exit code after SIGINT"
grep -q "stopped cleanly between steps" sigint.err || fail "no clean-stop message: $(cat sigint.err)"
assert_eq "f00000000001" "$(psql_db "$url" "SELECT string_agg(id, ' ') FROM migrate.revisions")" "the running revision finished, the next did not start"
run_migrate --dir m2 --database-url "$url" upgrade
assert_rc 0
assert_eq "2" "$(psql_db "$url" "SELECT count(*) FROM migrate.revisions")" "the next run continues"

# --- an older state layout gains the new columns and keeps its rows ----------
url=$(new_db)
psql_db "$url" "CREATE SCHEMA migrate;
  CREATE TABLE migrate.revisions (id text PRIMARY KEY, parents text[] NOT NULL DEFAULT '{}', checksum text NOT NULL,
                                  phase text NOT NULL DEFAULT 'complete');
  INSERT INTO migrate.revisions (id, checksum) VALUES ('f00000000001', 'sha256:1:old')"
run_migrate --dir m2 --database-url "$url" upgrade
# The old row's checksum does not match: refused, but the layout was not needed to refuse.
assert_rc 6
# --sql shows the layout statements the real run needs first.
run_migrate --dir m2 --database-url "$url" upgrade --sql --ignore-unknown
assert_rc 6
run_migrate --dir m2 --database-url "$url" stamp --update-checksum f00000000001 --sql
assert_rc 0
assert_out_contains "ADD COLUMN IF NOT EXISTS note"
assert_out_contains "SET standard_conforming_strings = on;"
assert_eq "0" "$(psql_db "$url" "SELECT count(*) FROM information_schema.columns WHERE table_schema = 'migrate' AND column_name = 'note'")" "--sql changed nothing"
run_migrate --dir m2 --database-url "$url" stamp --update-checksum f00000000001
assert_rc 0
run_migrate --dir m2 --database-url "$url" upgrade
assert_rc 0
assert_eq "f00000000001 f00000000002" "$(psql_db "$url" "SELECT string_agg(id, ' ' ORDER BY id) FROM migrate.revisions")" "rows kept"
assert_eq "1" "$(psql_db "$url" "SELECT count(*) FROM information_schema.columns WHERE table_schema = 'migrate' AND table_name = 'revisions' AND column_name = 'tool_version'")" "layout upgraded"

# --- a layout newer than this tool is refused ----------------------------------
psql_db "$url" "UPDATE migrate.layout SET version = 99"
run_migrate --dir m2 --database-url "$url" status
assert_rc 1
assert_err_contains "layout version 99, newer than this migrate understands"
echo "interrupted: all checks passed"
