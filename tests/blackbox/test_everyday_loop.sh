#!/usr/bin/env bash
# The everyday loop of a developer: drafts that do not block, what comes after
# an expand, help that helps, hints where a command failed without one,
# current/history/wait/dump/status --exit-code/show --recorded, and a
# progress bar that fits an 80-column terminal.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/story_lib.sh"

# users(id, name) with ROWS rows, then a YAML expand that adds `first`,
# backfilled from name, with a contract phase.
users_and_an_expand() {
  local rows=${1:-20}
  mkdir -p migrations
  cat >migrations/a1a1a1a1a1a1_create_users.sql <<EOF
-- migrate:revision a1a1a1a1a1a1
-- migrate:message create users
-- migrate:up
CREATE TABLE users (id bigint PRIMARY KEY, name text);
INSERT INTO users SELECT g, 'first' || g || ' last' FROM generate_series(1, $rows) g;
-- migrate:down
DROP TABLE users;
EOF
  cat >migrations/b2b2b2b2b2b2_add_first.yaml <<'EOF'
revision: b2b2b2b2b2b2
parents: [a1a1a1a1a1a1]
message: add first
operations:
  - add_column:
      table: users
      column: first
      type: text
      up: split_part(name, ' ', 1)
  - drop_column:
      table: users
      column: name
      type: text
      down: first
EOF
}

drafts_do_not_block() {
  fresh_project
  local first second
  run_migrate new -m "one"
  assert_rc 0
  first=$OUT
  run_migrate new -m "two"
  assert_rc 0
  second=$OUT
  assert_err_contains "warning: $first:6: the 'up' section is empty (a draft: write it before \`migrate upgrade\`, which refuses to apply it)"
  grep -qE -- "^-- migrate:parents +$(basename "$first" | cut -c1-12) *$" "$second" ||
    fail "the second draft must build on the first"
  for command in status history heads; do
    run_migrate "$command"
    assert_rc 0
    assert_err_contains "warning: $second:6: the 'up' section is empty"
  done
  run_migrate upgrade
  assert_rc 2
  assert_err_contains "migrate: error: 2 problems in the migration files:
  $first:6: the 'up' section is empty, and \`migrate upgrade\` would apply it"
  assert_err_not_contains "warning:"
  assert_db_untouched "$DATABASE_URL"
  run_migrate stamp head
  assert_rc 2
  assert_err_contains "the 'up' section is empty, and \`migrate stamp\` would record it as applied"
  assert_db_untouched "$DATABASE_URL"
}

upgrade_says_what_comes_next() {
  fresh_project
  users_and_an_expand
  run_migrate upgrade
  assert_rc 0
  assert_out_contains "the database is at b2b2b2b2b2b2.
b2b2b2b2b2b2 is expanded: the old shape and the triggers that keep both shapes in sync stay, so the previous release keeps working.
Run \`migrate contract\` once no instance of it is left."
  assert_eq "name" "$(psql_db "$DATABASE_URL" "SELECT column_name FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'name'")" \
    "the old shape must stay after the expand"
  run_migrate --json upgrade
  assert_rc 0
  assert_eq '["b2b2b2b2b2b2"]' "$(json_out 'd["expanded"]')" "upgrade --json lists what is expanded"

  fresh_project
  users_and_an_expand
  run_migrate upgrade --contract
  assert_rc 0
  assert_out_contains "Upgraded 2 revisions in "
  assert_out_contains "Contracted 1 revision: the old shape is gone."
  assert_out_not_contains "is expanded"
  assert_eq "complete" "$(psql_db "$DATABASE_URL" "SELECT phase FROM migrate.revisions WHERE id = 'b2b2b2b2b2b2'")"
  assert_eq "" "$(psql_db "$DATABASE_URL" "SELECT column_name FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'name'")" \
    "upgrade --contract removes the old shape"
}

help_that_helps() {
  cd "$(scratch_dir)" || exit 1
  run_migrate frobnicate
  assert_rc 2
  assert_err_contains "migrate: error: unknown command 'frobnicate'
hint: \`migrate help\` lists the commands"
  run_migrate hstory
  assert_rc 2
  assert_err_contains "migrate: error: unknown command 'hstory' (did you mean 'history'?)"
  run_migrate
  assert_rc 2
  assert_err_contains "Usage: migrate [OPTIONS] SUBCOMMAND"
  assert_err_contains "current "
  run_migrate help
  assert_rc 0
  assert_out_contains "Subcommands:"
  run_migrate help upgrade
  assert_rc 0
  assert_out_contains "--contract"
  assert_out_contains "Global options, before or after the command: --database-url URL"
  assert_out_contains "migrate upgrade +1              the next one only"
  run_migrate history --help
  assert_rc 0
  assert_out_contains "Examples:"
  run_migrate help lock clear
  assert_rc 0
  assert_out_contains "--stale-after"
  run_migrate help lock frob
  assert_rc 2
  assert_err_contains "migrate: error: no command 'lock frob'"
  run_migrate lock
  assert_rc 2
  assert_err_contains "migrate: error: lock needs a command: status or clear
hint: \`migrate help lock\` describes them"
  run_migrate lock stauts
  assert_rc 2
  assert_err_contains "migrate: error: unknown command 'lock stauts' (did you mean 'status'?)"

  fresh_project
  users_and_an_expand
  run_migrate downgrade
  assert_rc 2
  assert_err_contains "migrate: error: downgrade needs a target: -N undoes the last N revisions, base undoes them all, and a revision id or prefix keeps that revision and undoes what came after it"
  run_migrate upgrade a1a1a1a1a1a2
  assert_rc 2
  assert_err_contains "migrate: error: no revision 'a1a1a1a1a1a2' in the migration files (did you mean 'a1a1a1a1a1a1'?)
hint: a target is head, heads, +N (upgrade), base, -N (downgrade), or a revision id or a prefix of it"
  assert_db_untouched "$DATABASE_URL"
}

hints_where_missing() {
  fresh_project
  users_and_an_expand
  local name role
  name=${DATABASE_URL#postgresql:///}
  name=${name%%\?*}
  role="loop_app_$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')"
  psql_db "$DATABASE_URL" "CREATE ROLE $role LOGIN"
  on_exit psql -XAtq -d "$DATABASE_URL" -c "DROP ROLE IF EXISTS $role"
  run_migrate --database-url "postgresql:///$name?host=$PGHOST&port=$PGPORT&user=$role" upgrade
  assert_rc 1
  assert_err_contains "migrate: error: cannot create migrate's state schema \"migrate\": role $role lacks CREATE on database $name (permission denied for database $name)
hint: as the database's owner or a superuser, run \`GRANT CREATE ON DATABASE $name TO $role;\`"
  assert_db_untouched "$DATABASE_URL"

  # The server ends the session mid-transaction: said as a lost connection, with what to do.
  cat >migrations/c3c3c3c3c3c3_slow.sql <<'EOF'
-- migrate:revision c3c3c3c3c3c3
-- migrate:parents b2b2b2b2b2b2
-- migrate:message slow
-- migrate:up
CREATE TABLE slow (id int);
SELECT pg_sleep(30);
-- migrate:down
DROP TABLE slow;
EOF
  "$MIGRATE_BIN" upgrade >"$PWD/lost.out" 2>"$PWD/lost.err" &
  local pid=$! tries
  for ((tries = 0; tries < 200; tries++)); do
    [[ "$(psql_db "$DATABASE_URL" "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
            WHERE query LIKE '%pg_sleep(30)%' AND pid <> pg_backend_pid()")" == t ]] && break
    sleep 0.1
  done
  RC=0
  wait "$pid" || RC=$?
  ERR=$(<"$PWD/lost.err")
  assert_rc 1
  assert_err_contains "migrate: error: lost the connection to the database during a transaction: terminating connection due to administrator command
hint: the server rolled that transaction back, so nothing of it was recorded;"
  rm migrations/c3c3c3c3c3c3_slow.sql
  table_exists "$DATABASE_URL" slow && fail "the terminated transaction left its table"

  run_migrate upgrade
  assert_rc 0
  run_migrate show a1a1a1a1a1a2
  assert_rc 2
  assert_err_contains "migrate: error: no revision 'a1a1a1a1a1a2' in migrations or in the database (did you mean 'a1a1a1a1a1a1'?)"
  run_migrate show a1a1a1a1a1a1 --write
  assert_rc 2
  assert_err_contains "migrate: error: a1a1a1a1a1a1 is already in migrations (migrations/a1a1a1a1a1a1_create_users.sql); --write restores only a revision the files lack
hint: \`migrate show a1a1a1a1a1a1 --recorded\` prints the database's copy, to compare with the file"
}

commands_people_reach_for() {
  fresh_project
  users_and_an_expand
  run_migrate current
  assert_rc 0
  assert_eq "" "$OUT" "current of an empty database prints nothing"
  run_migrate status --exit-code
  assert_rc 9
  run_migrate upgrade a1a1
  assert_rc 0
  run_migrate status --exit-code
  assert_rc 9
  run_migrate upgrade
  assert_rc 0
  run_migrate status --exit-code
  assert_rc 0
  run_migrate current
  assert_rc 0
  assert_eq "b2b2b2b2b2b2" "$OUT" "current prints the database head"
  run_migrate --json current
  assert_eq "expanded" "$(json_out 'd["heads"][0]["phase"]')"

  # A branch and a merge: c3 beside b2, m4 joining them.
  cat >migrations/c3c3c3c3c3c3_index.sql <<'EOF'
-- migrate:revision c3c3c3c3c3c3
-- migrate:parents a1a1a1a1a1a1
-- migrate:message index users
-- migrate:up
CREATE TABLE notes (id bigint PRIMARY KEY);
-- migrate:down
DROP TABLE notes;
EOF
  cat >migrations/d4d4d4d4d4d4_merge.sql <<'EOF'
-- migrate:revision d4d4d4d4d4d4
-- migrate:parents b2b2b2b2b2b2 c3c3c3c3c3c3
-- migrate:message merge
-- migrate:up
-- migrate:down
EOF
  run_migrate history --graph
  assert_rc 0
  assert_eq "*    d4d4d4d4d4d4  merge (head, merge)
|\\
| *  c3c3c3c3c3c3  index users
* |  b2b2b2b2b2b2  add first (expanded)
|/
*    a1a1a1a1a1a1  create users (applied, branch point, base)" "$OUT" "history --graph"
  run_migrate history -r c3c3:
  assert_rc 0
  assert_eq "b2b2b2b2b2b2, c3c3c3c3c3c3 -> d4d4d4d4d4d4  merge (head, merge)
a1a1a1a1a1a1 -> c3c3c3c3c3c3  index users" "$OUT" "history -r c3c3:"
  run_migrate history -v -r :a1a1
  assert_rc 0
  assert_out_matches "^    applied [0-9-]+T[0-9:]+Z by $PGUSER@local from .*, took [0-9]+ ms, migrate [0-9.]+, file migrations/a1a1a1a1a1a1_create_users.sql$"

  run_migrate dump --file schema.sql
  assert_rc 0
  grep -q "CREATE TABLE public.users" schema.sql || fail "dump lacks the users table"
  local varying='^(SET |-- Dumped |\\restrict )|SCHEMA migrate;|migrate\.revisions'
  if grep -qE "$varying" schema.sql; then
    fail "dump holds lines that vary or migrate's own state: $(grep -E "$varying" schema.sql)"
  fi
  run_migrate dump
  assert_rc 0
  assert_eq "$(cat schema.sql)" "$OUT" "two dumps of one schema are the same"
  # A function body's own lines are the schema's, even when they look like pg_dump's.
  psql_db "$DATABASE_URL" "CREATE FUNCTION public.in_app() RETURNS void LANGUAGE plpgsql AS \$f\$
BEGIN
SET search_path = app;
END
\$f\$" >/dev/null
  run_migrate dump
  assert_rc 0
  assert_out_contains $'\nSET search_path = app;\nEND\n'
  assert_out_not_contains "SET statement_timeout"
  psql_db "$DATABASE_URL" "DROP FUNCTION public.in_app()" >/dev/null

  printf -- '-- edited after it was applied\n' >>migrations/a1a1a1a1a1a1_create_users.sql
  run_migrate show a1a1a1a1a1a1 --recorded
  assert_rc 0
  assert_out_not_contains "edited after it was applied"
  assert_out_contains "CREATE TABLE users"
  assert_err_contains "has changed since a1a1a1a1a1a1 was applied"

  run_migrate wait
  assert_rc 0
  assert_out_contains "answers (PostgreSQL "
  run_migrate --wait 1s --database-url "postgresql:///x?host=$PWD/no-such-socket-dir" wait
  assert_rc 1
  assert_err_contains "waiting up to 1.0s for the database to answer"
  assert_err_contains "migrate: error: no answer after waiting 1.0s: cannot connect to the database"
}

# The raw bytes a command wrote to an 80-column pseudo-terminal.
in_terminal() {
  local log=$1
  shift
  script -qfec "stty cols 80; $(printf '%q ' "$@")" "$log" >/dev/null 2>&1 </dev/null || true
}

progress_fits_the_terminal() {
  fresh_project
  users_and_an_expand 3000
  local log=$PWD/tty.log
  in_terminal "$log" env DATABASE_URL="$DATABASE_URL" COLUMNS=200 "$MIGRATE_BIN" upgrade \
    --batch-size 100 --batch-pause 40ms
  grep -q "backfilled 3000 rows of public.users" "$log" || fail "no backfill in the terminal: $(cat -v "$log")"
  # Each redraw replaces the line (\r); none of them may reach the last column.
  local widest
  widest=$(python3 - "$log" <<'EOF'
import re, sys
text = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", open(sys.argv[1], encoding="utf-8", errors="replace").read())
print(max(len(part) for line in text.split("\n") for part in line.split("\r") if "backfill" in part))
EOF
)
  ((widest < 80)) || fail "a line of $widest columns wraps at 80: $(cat -v "$log")"
  grep -q "backfill public.users \[" "$log" || fail "no progress bar was drawn: $(cat -v "$log")"
  [[ "$(grep -c "backfill public.users \[" "$log")" == 1 ]] ||
    fail "the bar took several lines instead of redrawing one: $(cat -v "$log")"

  # Interrupted mid-backfill: the error starts a line of its own.
  fresh_project
  users_and_an_expand 3000
  in_terminal "$log" env DATABASE_URL="$DATABASE_URL" timeout -s INT 1.5 "$MIGRATE_BIN" upgrade \
    --batch-size 50 --batch-pause 100ms
  grep -q "migrate: error: " "$log" || fail "no error after the interrupt: $(cat -v "$log")"
  grep -qE $'(^|\r)migrate: error: ' "$log" || fail "the error is glued to the bar: $(cat -v "$log")"

  # --color never and NO_COLOR: no colours; TERM=dumb: no escape sequences at all.
  fresh_project
  users_and_an_expand 10
  in_terminal "$log" env DATABASE_URL="$DATABASE_URL" "$MIGRATE_BIN" --color never upgrade
  grep -qE $'\e\\[[0-9;]*m' "$log" && fail "--color never still wrote colours: $(cat -v "$log")"
  in_terminal "$log" env DATABASE_URL="$DATABASE_URL" NO_COLOR=1 "$MIGRATE_BIN" status
  grep -qE $'\e\\[[0-9;]*m' "$log" && fail "NO_COLOR still wrote colours: $(cat -v "$log")"
  in_terminal "$log" env DATABASE_URL="$DATABASE_URL" "$MIGRATE_BIN" downgrade base
  in_terminal "$log" env DATABASE_URL="$DATABASE_URL" TERM=dumb "$MIGRATE_BIN" upgrade
  grep -q "backfilled 10 rows" "$log" || fail "no backfill under TERM=dumb: $(cat -v "$log")"
  grep -q $'\e' "$log" && fail "TERM=dumb still wrote escape sequences: $(cat -v "$log")"
  in_terminal "$log" env DATABASE_URL="$DATABASE_URL" "$MIGRATE_BIN" history
  grep -qE $'\e\\[[0-9;]*m' "$log" || fail "a terminal gets colours by default: $(cat -v "$log")"
  run_migrate --color always heads
  [[ "$OUT" == *$'\e['* ]] || fail "--color always colours a pipe too"
}

section drafts_do_not_block drafts_do_not_block
section upgrade_says_what_comes_next upgrade_says_what_comes_next
section help_that_helps help_that_helps
section hints_where_missing hints_where_missing
section commands_people_reach_for commands_people_reach_for
section progress_fits_the_terminal progress_fits_the_terminal
finish_sections
