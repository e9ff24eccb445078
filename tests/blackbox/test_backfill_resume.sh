#!/usr/bin/env bash
# Backfills that do not finish in one run: killed with SIGKILL mid-way (status
# shows the revision in progress, the next upgrade resumes after the rows
# done), stopped with SIGINT (exit 130, resumable), and a table without a
# primary key (refused with what to do; adding the key and running again
# finishes the revision); batches sized by --batch-time.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/story_lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/session_lib.sh"

ID=b0f111000001

# project ROWS: cd to a new scratch directory with the canary revision in
# migrations/, and a new database ($URL) whose users table holds ROWS rows.
# The users table exists before migrate runs, as an application built it: the
# upgrades say so with --allow-existing-schema.
project() {
  cd "$(scratch_dir)" || exit 1
  URL=$(new_db)
  psql_db "$URL" "CREATE TABLE users (id bigserial PRIMARY KEY, name text NOT NULL);
    INSERT INTO users (name) SELECT 'First' || g || ' Last' || g FROM generate_series(1, $1) AS g;"
  psql_db "$URL" "VACUUM ANALYZE users"
  mkdir -p migrations
  cat >migrations/${ID}_split_name.yaml <<YAML
revision: $ID
message: split name into first and last
operations:
  - add_column: {table: users, column: first, type: text, up: "split_part(name, ' ', 1)"}
  - add_column: {table: users, column: last, type: text, up: "split_part(name, ' ', 2)"}
  - drop_column: {table: users, column: name, down: "first || ' ' || last", type: text}
YAML
}

q() { psql_db "$URL" "$1"; }

rows_done() { q "SELECT coalesce(max(rows_done), 0) FROM migrate.backfill_progress WHERE revision = '$ID'"; }

# Waits (up to 20 s) until no session but ours is connected: a killed run's
# backend has noticed and ended, so what it committed is all there is.
wait_for_backends_gone() {
  wait_until "$URL" "SELECT count(*) = 0 FROM pg_stat_activity WHERE datname = current_database()
                     AND pid <> pg_backend_pid()" 200
}

assert_all_rows_right() {
  assert_eq 0 "$(q "SELECT count(*) FROM users WHERE first IS NULL OR last IS NULL")" "every row has first and last"
  assert_eq 0 "$(q "SELECT count(*) FROM users WHERE name IS DISTINCT FROM first || ' ' || last")" \
    "every row agrees both ways"
}

assert_in_progress() {
  run_migrate --database-url "$URL" status --json
  assert_out_json
  assert_eq "[\"$ID\"]" "$(json_out '[r["id"] for r in d["in_progress"]]')" "status shows the revision in progress"
  assert_eq expand "$(json_out 'd["in_progress"][0]["phase"]')"
  assert_eq "[]" "$(json_out 'd["expanded"]')"
  run_migrate --database-url "$URL" status
  assert_out_contains "$ID  expand phase"
}

# --- SIGKILL mid-backfill, then resume --------------------------------------------

# kill_mid_backfill NAME: starts the upgrade and SIGKILLs it once the backfill
# has saved progress; returns once its backend is gone too.
kill_mid_backfill() {
  migrate_bg "$1" --database-url "$URL" upgrade --allow-existing-schema --batch-size 1000 --batch-pause 5ms
  wait_until "$URL" "SELECT to_regclass('migrate.backfill_progress') IS NOT NULL AND
                     EXISTS (SELECT 1 FROM migrate.backfill_progress WHERE rows_done > 0)" 200
  kill -KILL "$BG_PID"
  wait "$BG_PID" 2>/dev/null || true
  wait_for_backends_gone
}

killed_backfill_resumes() {
  local done_at_kill
  project 300000
  kill_mid_backfill killed
  done_at_kill=$(rows_done)
  ((done_at_kill > 0 && done_at_kill < 300000)) || fail "killed after $done_at_kill rows, not mid-backfill"
  assert_eq in_progress "$(q "SELECT phase FROM migrate.revisions WHERE id = '$ID'")"
  assert_in_progress

  # While it is stopped, the trigger keeps the rows both versions write right.
  q "INSERT INTO users (name) VALUES ('Ada Lovelace')"
  q "INSERT INTO users (first, last) VALUES ('Jean', 'Picard')"
  assert_eq "Ada|Jean Picard" "$(q "SELECT (SELECT first FROM users WHERE name = 'Ada Lovelace') || '|' ||
                                          (SELECT name FROM users WHERE last = 'Picard')")"

  run_migrate --database-url "$URL" upgrade --allow-existing-schema --batch-size 5000
  assert_rc 0
  assert_err_contains "resuming the backfill of public.users after $done_at_kill rows"
  # This run's rows only, so that its rate is right: the rest of the 300,000
  # and the two rows written while it was stopped.
  assert_err_contains "backfilled $((300002 - done_at_kill)) rows of public.users in"
  assert_eq expanded "$(q "SELECT phase FROM migrate.revisions WHERE id = '$ID'")"
  assert_eq 0 "$(q "SELECT count(*) FROM migrate.backfill_progress")" "progress rows are cleared at the end"
  assert_all_rows_right
  echo "killed after $done_at_kill of 300000 rows; resumed: ${ERR##*backfilled}" >&2
}

# --- SIGINT mid-backfill: exit 130, stopped cleanly, resumable -------------------------

interrupted_backfill_resumes() {
  local rc=0 done_at_stop
  project 100000
  migrate_bg stopped --database-url "$URL" upgrade --allow-existing-schema --batch-size 1000 --batch-pause 5ms
  wait_until "$URL" "SELECT to_regclass('migrate.backfill_progress') IS NOT NULL AND
                     EXISTS (SELECT 1 FROM migrate.backfill_progress WHERE rows_done > 0)" 200
  kill -INT "$BG_PID"
  wait "$BG_PID" || rc=$?
  assert_eq 130 "$rc" "exit code after SIGINT"
  grep -q "stopped cleanly" stopped.err || fail "no clean-stop message: $(cat stopped.err)"
  done_at_stop=$(rows_done)
  ((done_at_stop > 0 && done_at_stop < 100000)) || fail "stopped after $done_at_stop rows, not mid-backfill"
  assert_in_progress
  # v2 edits one new column of a row the backfill has not reached: the other
  # one comes from the old shape, and name follows.
  q "UPDATE users SET last = 'Picard' WHERE id = 100000"
  assert_eq "First100000|Picard|First100000 Picard" \
    "$(q "SELECT first || '|' || last || '|' || name FROM users WHERE id = 100000")" \
    "a partial v2 update of a row not backfilled yet"
  # Stopped cleanly: the lock is free at once.
  assert_eq 0 "$(q "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'
                    AND database = (SELECT oid FROM pg_database WHERE datname = current_database())")" \
    "the migration lock is released"

  run_migrate --database-url "$URL" upgrade --allow-existing-schema
  assert_rc 0
  assert_err_contains "resuming the backfill of public.users after $done_at_stop rows"
  assert_all_rows_right
}

# --- a table without a primary key -----------------------------------------------------

# The backfill walks the table by primary key. Without one, upgrade refuses
# before the revision starts (exit 1), naming the file, the table and what to
# do. State left: nothing of the revision (no column, no trigger, no state
# row); status shows it pending. Adding a primary key and running upgrade
# again applies it.
no_primary_key() {
  cd "$(scratch_dir)" || exit 1
  URL=$(new_db)
  q "CREATE TABLE legacy_users (name text NOT NULL);
     INSERT INTO legacy_users VALUES ('Ada Lovelace'), ('Alan Turing');"
  mkdir -p migrations
  cat >migrations/${ID}_split.yaml <<YAML
revision: $ID
message: split legacy names
operations:
  - add_column: {table: legacy_users, column: first, type: text, up: "split_part(name, ' ', 1)"}
YAML
  run_migrate --database-url "$URL" upgrade --allow-existing-schema
  assert_rc 1
  assert_err_contains "migrations/${ID}_split.yaml:4: table public.legacy_users has no primary key"
  assert_err_contains "add a primary key to the table first"
  assert_eq "name" "$(columns_of "$URL" legacy_users)" "nothing of the revision was applied"
  assert_eq 0 "$(q "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal")" "no trigger was created"
  assert_eq 0 "$(q "SELECT count(*) FROM migrate.revisions")" "the revision is not recorded"
  run_migrate --database-url "$URL" status --json
  assert_rc 0
  assert_eq "[\"$ID\"]" "$(json_out 'd["pending"]')" "status shows the revision pending"
  assert_eq "[]" "$(json_out 'd["in_progress"]')"

  # The same refusal again: nothing in the way of a retry.
  run_migrate --database-url "$URL" upgrade --allow-existing-schema
  assert_rc 1
  assert_err_contains "has no primary key"

  q "ALTER TABLE legacy_users ADD COLUMN id bigserial PRIMARY KEY"
  run_migrate --database-url "$URL" upgrade --allow-existing-schema
  assert_rc 0
  assert_eq expanded "$(q "SELECT phase FROM migrate.revisions WHERE id = '$ID'")"
  assert_eq "Ada,Alan" "$(q "SELECT string_agg(first, ',' ORDER BY name) FROM legacy_users")"
}

# --- a killed expand rolled back without finishing it ---------------------------------

# When the backfill hurt production, the expand can be undone straight away:
# a YAML revision's rollback runs from any point of its expand.
killed_backfill_rolls_back() {
  project 100000
  kill_mid_backfill rollback
  assert_in_progress
  run_migrate --database-url "$URL" downgrade base
  assert_rc 0
  assert_eq "id name" "$(columns_of "$URL" users)" "the new columns are gone"
  assert_eq 0 "$(q "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal")" "the sync trigger is gone"
  assert_eq 0 "$(q "SELECT count(*) FROM migrate.revisions")" "the revision is forgotten"
  assert_eq 0 "$(q "SELECT count(*) FROM migrate.backfill_progress")" "its backfill progress is forgotten"
  assert_eq 100000 "$(q "SELECT count(*) FROM users WHERE name LIKE 'First% Last%'")" "every name intact"
}

# --batch-time: batches grow from --batch-size toward the rows that take that
# long, so 30,000 rows start at 50 a batch (600 transactions at a fixed size)
# and end in far fewer; every row is right. Counted in pg_stat_database,
# which a backend adds its commits to when it exits.
batch_time_sizes_the_batches() {
  project 30000
  commits() {
    q "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()"
  }
  run_migrate --database-url "$URL" upgrade --batch-time 0 --allow-existing-schema
  assert_rc 2
  assert_err_contains "--batch-time must be more than 0"
  wait_for_backends_gone
  local before after
  before=$(commits)
  run_migrate --database-url "$URL" upgrade --batch-size 50 --batch-time 200ms --allow-existing-schema
  assert_rc 0
  assert_all_rows_right
  wait_for_backends_gone
  after=$(commits)
  # Two psql sessions (ours) and migrate's own statements count too.
  # Measured: about 40 with --batch-time, 634 without (600 batches of 50).
  ((after - before >= 10)) || fail "only $((after - before)) transactions counted: the statistics did not see the run"
  ((after - before < 300)) || fail "$((after - before)) transactions: the batches did not grow (600 at 50 rows)"
}

section batch_time_sizes_the_batches batch_time_sizes_the_batches
section killed_backfill_resumes killed_backfill_resumes
section killed_backfill_rolls_back killed_backfill_rolls_back
section interrupted_backfill_resumes interrupted_backfill_resumes
section no_primary_key no_primary_key

finish_sections
