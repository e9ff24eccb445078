#!/usr/bin/env bash
# Statements exactly as psql runs them, and failures told as they happened:
# trailing comments, transaction control, COPY and psql meta-commands, the
# server's DETAIL and HINT with the failing statement's line, no replay of a
# failed batch, re-running a revision whose first step failed, bytes that are
# not text, unreadable directories, and sections only parsed when they run.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/story_lib.sh"

# revision ID PARENT TRANSACTION UP [DOWN]: writes migrations/ID_r.sql.
revision() {
  mkdir -p migrations
  {
    printf -- '-- migrate:revision %s\n' "$1"
    [[ -n "$2" ]] && printf -- '-- migrate:parents %s\n' "$2"
    printf -- '-- migrate:message revision %s\n-- migrate:transaction %s\n\n-- migrate:up\n%s\n' "$1" "$3" "$4"
    printf -- '-- migrate:down\n%s\n' "${5:-}"
  } >"migrations/$1_r.sql"
}

trailing_comments_never_swallow_what_follows() {
  fresh_project
  revision aaaaaaaaaaa1 "" on $'CREATE TABLE t (id int);\nALTER TABLE t ADD COLUMN a int -- note\n;\nALTER TABLE t ADD COLUMN b int -- the last one, no semicolon'
  run_migrate upgrade --sql
  assert_rc 0
  assert_out_contains $'ALTER TABLE t ADD COLUMN a int;\nALTER TABLE t ADD COLUMN b int;\nINSERT INTO'
  run_migrate upgrade
  assert_rc 0
  assert_eq "a b id" "$(columns_of "$DATABASE_URL" t)" "a statement after a trailing comment was lost"
}

transaction_control_is_refused_in_a_transactional_revision() {
  local word
  for word in COMMIT "BEGIN" "ROLLBACK" "START TRANSACTION" "END"; do
    fresh_project
    revision aaaaaaaaaaa1 "" on $'CREATE TABLE t (id int);\n'"$word"$';\nCREATE TABLE u (id int);'
    run_migrate upgrade
    assert_rc 2
    assert_err_matches "^migrate: error: migrations/aaaaaaaaaaa1_r\.sql:7: ${word%% *} [a-z ]+ inside a transactional revision: migrate runs the revision and its state row in one transaction, which this would break$"
    assert_err_contains "hint: remove it, or add \`-- migrate:transaction off\` to the header to run the file statement by statement; nothing was applied"
    assert_db_untouched "$DATABASE_URL"
  done
  # Raw SQL of a YAML revision too.
  fresh_project
  mkdir migrations
  printf 'revision: aaaaaaaaaaa1\nmessage: yaml\noperations:\n  - sql:\n      up: "CREATE TABLE t (id int); COMMIT"\n      down: DROP TABLE t\n' >migrations/aaaaaaaaaaa1.yaml
  run_migrate upgrade
  assert_rc 2
  assert_err_contains "migrate: error: migrations/aaaaaaaaaaa1.yaml:4: COMMIT commits inside a transactional revision"
  assert_err_contains "hint: remove it, or set \`transaction: false\` in the file to run its statements one by one; nothing was applied"
  assert_db_untouched "$DATABASE_URL"
  # SAVEPOINT and ROLLBACK TO keep the revision's transaction: fine.
  fresh_project
  revision aaaaaaaaaaa1 "" on $'CREATE TABLE t (id int);\nSAVEPOINT s;\nCREATE TABLE u (id int);\nROLLBACK TO SAVEPOINT s;'
  run_migrate upgrade
  assert_rc 0
  table_exists "$DATABASE_URL" u && fail "ROLLBACK TO SAVEPOINT did not roll back"
  # `transaction off` runs BEGIN ... COMMIT as psql would.
  fresh_project
  revision aaaaaaaaaaa1 "" off $'BEGIN;\nCREATE TABLE t (id int);\nCOMMIT;'
  run_migrate upgrade
  assert_rc 0
  table_exists "$DATABASE_URL" t || fail "BEGIN ... COMMIT in a transaction off revision did not run"
}

psql_meta_commands_are_refused_with_their_line() {
  local command
  for command in '\i other.sql' '\set ON_ERROR_STOP on' '\connect other'; do
    fresh_project
    revision aaaaaaaaaaa1 "" on $'CREATE TABLE t (id int);\n'"$command"
    run_migrate upgrade
    assert_rc 2
    assert_err_contains "migrate: error: migrations/aaaaaaaaaaa1_r.sql:7: '${command%% *}' is a psql meta-command, not SQL: migrate sends SQL to the server without psql; remove it (put the SQL it stands for in the file)"
    assert_db_untouched "$DATABASE_URL"
  done
  fresh_project
  revision aaaaaaaaaaa1 "" on $'CREATE TABLE t (id int);\nCOPY t FROM stdin;\n1\n2'
  run_migrate upgrade
  assert_rc 2
  assert_err_contains "migrations/aaaaaaaaaaa1_r.sql:7: COPY ... FROM stdin: its data has no end line \`\\.\`; add a line holding only \`\\.\` after the last row"
  assert_db_untouched "$DATABASE_URL"
}

copy_runs_in_both_kinds_of_revision_and_prints_verbatim() {
  local mode
  for mode in on off; do
    fresh_project
    revision aaaaaaaaaaa1 "" "$mode" $'CREATE TABLE t (id int, s text);\nCOPY t (id, s) FROM stdin;\n1\tone\n2\t\\N\n\\.\nINSERT INTO t VALUES (3, \'three\');'
    run_migrate upgrade
    assert_rc 0
    assert_eq "1:one 2: 3:three" "$(psql_db "$DATABASE_URL" "SELECT string_agg(id || ':' || coalesce(s, ''), ' ' ORDER BY id) FROM t")" \
      "COPY with transaction $mode"
  done
  fresh_project
  revision aaaaaaaaaaa1 "" on $'CREATE TABLE t (id int, s text);\nCOPY t (id, s) FROM stdin;\n1\tone\n2\t\\N\n\\.\nINSERT INTO t VALUES (3, \'three\');'
  run_migrate upgrade --sql
  assert_rc 0
  assert_out_contains $'COPY t (id, s) FROM stdin;\n1\tone\n2\t\\N\n\\.\nINSERT INTO t VALUES (3, \'three\');'
  # Bad data fails like any statement, with the server's words and its line.
  fresh_project
  revision aaaaaaaaaaa1 "" on $'CREATE TABLE t (id int);\nCOPY t FROM stdin;\n1\nnot a number\n\\.'
  run_migrate upgrade
  assert_rc 1
  assert_err_contains 'migrations/aaaaaaaaaaa1_r.sql:7: statement failed: invalid input syntax for type integer: "not a number"'
  table_exists "$DATABASE_URL" t && fail "a failed COPY left its revision's table"
  true
}

failures_name_the_statement_and_keep_detail_and_hint() {
  fresh_project
  revision aaaaaaaaaaa1 "" on $'CREATE TABLE users (email text);\nINSERT INTO users VALUES (\'e1\'), (\'e1\');\n\nCREATE UNIQUE INDEX users_email ON users (email);'
  run_migrate upgrade
  assert_rc 1
  assert_err_contains "migrate: error: migrations/aaaaaaaaaaa1_r.sql:9: statement failed: could not create unique index \"users_email\""
  assert_err_contains "  DETAIL: Key (email)=(e1) is duplicated."
  assert_err_contains "hint: its transaction was rolled back and nothing of it was recorded"
  table_exists "$DATABASE_URL" users && fail "a failed revision left its table"
  assert_eq "" "$(applied_ids "$DATABASE_URL")" "a failed revision was recorded"
  # The server's HINT comes along too.
  fresh_project
  revision aaaaaaaaaaa1 "" on $'CREATE TABLE t (id int);\nSELECT lower(1, 2);'
  run_migrate upgrade
  assert_rc 1
  assert_err_contains "migrations/aaaaaaaaaaa1_r.sql:7: statement failed: function lower(integer, integer) does not exist"
  assert_err_contains "  HINT: No function matches the given name and argument types."
}

a_failed_batch_is_not_replayed() {
  fresh_project
  revision aaaaaaaaaaa1 "" on 'CREATE SEQUENCE s;'
  run_migrate upgrade
  assert_rc 0
  revision aaaaaaaaaaa2 aaaaaaaaaaa1 on $'SELECT nextval(\'s\');\nCREATE TABLE t (id int);\nSELECT 1 / 0;'
  run_migrate upgrade
  assert_rc 1
  assert_err_contains "migrations/aaaaaaaaaaa2_r.sql:9: statement failed: division by zero"
  # nextval survives the rollback: once, never twice.
  assert_eq 1 "$(psql_db "$DATABASE_URL" "SELECT last_value FROM s")" "the failed batch ran again"
}

a_failed_first_step_reruns_from_the_edited_file() {
  fresh_project
  revision aaaaaaaaaaa1 "" off $'CREATE TABLE t (id int);\nINSERT INTO t VALUES (1), (1);\nCREATE UNIQUE INDEX CONCURRENTLY t_id ON t (id);'
  sed -i 's/^CREATE TABLE t (id int);$/CREATE TABLE t (id int, id int);/' migrations/aaaaaaaaaaa1_r.sql
  run_migrate upgrade
  assert_rc 1
  assert_err_contains "migrations/aaaaaaaaaaa1_r.sql:6: statement failed: column \"id\" specified more than once"
  assert_err_contains "hint: this statement took no effect; fix the cause and run the command again: it runs again from this statement"
  # Fixed as the hint says: no statement had completed, so the edited file runs.
  sed -i 's/^CREATE TABLE t (id int, id int);$/CREATE TABLE t (id int);/' migrations/aaaaaaaaaaa1_r.sql
  sed -i 's/^INSERT INTO t VALUES (1), (1);$/INSERT INTO t VALUES (1), (2);/' migrations/aaaaaaaaaaa1_r.sql
  run_migrate upgrade
  assert_rc 0
  assert_err_contains "migrations/aaaaaaaaaaa1_r.sql: changed since its run stopped before any statement completed; it runs as edited now, and its new checksum is recorded"
  assert_err_contains "migrations/aaaaaaaaaaa1_r.sql:6: this statement failed on the last run, so it took no effect; running it again"
  assert_err_not_contains "may or may not"
  run_migrate status
  assert_rc 0
  # A later statement that fails: the next run says it failed, and reruns it.
  revision aaaaaaaaaaa2 aaaaaaaaaaa1 off $'CREATE TABLE u (id int);\nINSERT INTO u VALUES (1), (1);\nCREATE UNIQUE INDEX CONCURRENTLY u_id ON u (id);'
  run_migrate upgrade
  assert_rc 1
  assert_err_contains "migrations/aaaaaaaaaaa2_r.sql:9: statement failed: could not create unique index \"u_id\""
  assert_err_contains "  DETAIL: Key (id)=(1) is duplicated."
  # The data fixed (and the invalid index the failed build left dropped).
  psql_db "$DATABASE_URL" "DROP INDEX u_id; DELETE FROM u; INSERT INTO u VALUES (1)"
  run_migrate upgrade
  assert_rc 0
  assert_err_contains "migrations/aaaaaaaaaaa2_r.sql:9: this statement failed on the last run, so it took no effect; running it again"
  assert_err_not_contains "may or may not"
  assert_eq "aaaaaaaaaaa1 aaaaaaaaaaa2" "$(applied_ids "$DATABASE_URL")" "the rerun did not finish the revision"
}

bytes_that_are_not_text_are_refused() {
  fresh_project
  revision aaaaaaaaaaa1 "" on $'CREATE TABLE t (s text);\nINSERT INTO t VALUES (\'caf\xe9\');'
  run_migrate upgrade
  assert_rc 2
  assert_err_contains "migrate: error: migrations/aaaaaaaaaaa1_r.sql:7: byte 0xe9 (column 27) is not UTF-8: PostgreSQL and migrate read revision files as UTF-8"
  assert_err_contains "hint: save the file as UTF-8, e.g. \`iconv -f latin1 -t utf-8 FILE > FILE.new\` for Latin-1 text; nothing was applied"
  run_migrate lint
  assert_rc 2
  assert_err_contains "migrations/aaaaaaaaaaa1_r.sql:7: byte 0xe9"
  assert_db_untouched "$DATABASE_URL"

  fresh_project
  revision aaaaaaaaaaa1 "" on 'CREATE TABLE t (s text);'
  sed -i 's/^-- migrate:message revision/-- migrate:message rev\x00ision/' migrations/aaaaaaaaaaa1_r.sql
  run_migrate upgrade
  assert_rc 2
  assert_err_contains "migrations/aaaaaaaaaaa1_r.sql:2: a NUL byte (column 23): revision files are text"
  assert_db_untouched "$DATABASE_URL"

  fresh_project
  mkdir migrations
  printf 'revision: aaaaaaaaaaa1\nmessage: "nul \\0 here"\noperations:\n  - sql:\n      up: CREATE TABLE t (id int)\n      down: DROP TABLE t\n' >migrations/aaaaaaaaaaa1.yaml
  run_migrate upgrade
  assert_rc 2
  assert_err_contains "migrations/aaaaaaaaaaa1.yaml:1: the revision message holds a NUL character"
  assert_db_untouched "$DATABASE_URL"
}

unreadable_directories_and_dangling_links_are_errors() {
  fresh_project
  revision aaaaaaaaaaa1 "" on 'CREATE TABLE t (id int);'
  ln -s ../gone.sql migrations/bbbbbbbbbbb1_gone.sql
  run_migrate upgrade
  assert_rc 2
  assert_err_contains "migrate: error: migrations/bbbbbbbbbbb1_gone.sql: a symbolic link to '../gone.sql', which does not exist"
  assert_err_contains "hint: restore the file it points to, or remove the link; nothing was applied"
  assert_db_untouched "$DATABASE_URL"
  rm migrations/bbbbbbbbbbb1_gone.sql

  # Root reads any directory: check as an unprivileged user then.
  mkdir migrations/later
  revision aaaaaaaaaaa2 aaaaaaaaaaa1 on 'CREATE TABLE u (id int);'
  mv migrations/aaaaaaaaaaa2_r.sql migrations/later/
  chmod 000 migrations/later
  local -a as_user=()
  if [[ $EUID == 0 ]]; then
    command -v runuser >/dev/null || skip "runuser is needed to read as a normal user"
    chmod 755 "$PWD" "$(dirname "$PWD")" migrations
    as_user=(runuser -u nobody --)
  fi
  LAST_COMMAND="migrate history"
  RC=0
  ERR=$("${as_user[@]}" "$MIGRATE_BIN" history 2>&1 >/dev/null) || RC=$?
  chmod 755 migrations/later
  assert_rc 2
  assert_err_contains "migrate: error: migrations/later: cannot read this directory: Permission denied"
  assert_err_contains "hint: make it readable (e.g. \`chmod a+rx\`), or move it out of the migrations directory; nothing was applied"
}

only_the_sections_a_command_runs_are_parsed() {
  fresh_project
  # PostgreSQL 17 syntax in down: PostgreSQL 15's grammar cannot parse it.
  revision aaaaaaaaaaa1 "" on $'CREATE TABLE t (id int, d int GENERATED ALWAYS AS (id) STORED);' \
    'ALTER TABLE t ALTER COLUMN d SET EXPRESSION AS (id * 2);'
  run_migrate upgrade
  assert_rc 0
  # This server is PostgreSQL 15: the gate holds for what downgrade runs.
  run_migrate downgrade base
  assert_rc 2
  assert_err_contains "migrations/aaaaaaaaaaa1_r.sql:8: SQL syntax error: syntax error at or near \"EXPRESSION\""
  table_exists "$DATABASE_URL" t || fail "a refused downgrade ran"
  run_migrate status
  assert_rc 0
  assert_out_matches '^server +PostgreSQL 15\.[0-9]+ at socket '
  run_migrate status --json
  [[ "$(json_out 'd["server_version"]')" == 15.* ]] || fail "status --json has no server_version"
}

section trailing_comments trailing_comments_never_swallow_what_follows
section transaction_control transaction_control_is_refused_in_a_transactional_revision
section meta_commands psql_meta_commands_are_refused_with_their_line
section copy copy_runs_in_both_kinds_of_revision_and_prints_verbatim
section failure_messages failures_name_the_statement_and_keep_detail_and_hint
section no_replay a_failed_batch_is_not_replayed
section fix_and_rerun a_failed_first_step_reruns_from_the_edited_file
section bytes bytes_that_are_not_text_are_refused
section unreadable unreadable_directories_and_dangling_links_are_errors
section grammar only_the_sections_a_command_runs_are_parsed
finish_sections
