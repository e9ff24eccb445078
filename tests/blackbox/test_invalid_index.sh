#!/usr/bin/env bash
# No success with an INVALID index: a `transaction off` revision whose
# CREATE UNIQUE INDEX CONCURRENTLY failed on duplicates leaves an INVALID
# index; status reports it (exit 1), `upgrade --resume` after the data is
# fixed drops it and builds it again, and a revision is never recorded while
# the index it builds is INVALID (--skip-interrupted). Fixtures:
# tests/fixtures/invalid_index.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/story_lib.sh"

INDEX_FILE=migrations/0b0000000002_unique_email.sql

# index_state: "<indisvalid>" of public.users_email_key, "" when missing.
index_state() {
  psql_db "$DATABASE_URL" "SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass('public.users_email_key')"
}

# A failed build: the index is left INVALID, the revision in progress.
failed_unique_build() {
  fresh_project
  checkout migrations invalid_index
  run_migrate upgrade
  assert_rc 1
  assert_err_contains "$INDEX_FILE:7: statement failed"
  assert_eq "f" "$(index_state)" "the failed build left the index INVALID"
}

status_reports_the_invalid_index() {
  assert_rc 1
  assert_out_contains "indexes    1 INVALID index"
  assert_out_contains "    public.users_email_key  on public.users"
  assert_out_contains "\`migrate upgrade --resume\` drops and rebuilds its index"
}

resume_after_fixing_the_data_rebuilds_the_index() {
  failed_unique_build
  run_migrate status
  status_reports_the_invalid_index
  run_migrate status --json
  assert_rc 1
  assert_eq '[{"index": "public.users_email_key", "table": "public.users"}]' "$(json_out 'd["invalid_indexes"]')" \
    "status --json lists the invalid index"

  psql_db "$DATABASE_URL" "DELETE FROM users WHERE id = 2"
  run_migrate upgrade --resume
  assert_rc 0
  assert_err_contains 'index "users_email_key" is invalid (an interrupted concurrent build); dropping and rebuilding it'
  assert_eq "t" "$(index_state)" "upgrade --resume rebuilt the index, valid"
  assert_eq "complete" "$(psql_db "$DATABASE_URL" "SELECT phase FROM migrate.revisions WHERE id = '0b0000000002'")"
  ! psql_db "$DATABASE_URL" "INSERT INTO users VALUES (4, 'e1')" 2>/dev/null || fail "the rebuilt index accepts duplicates"

  run_migrate status
  assert_rc 0
  assert_out_not_contains "INVALID"
}

skipping_the_build_is_not_success() {
  failed_unique_build
  psql_db "$DATABASE_URL" "DELETE FROM users WHERE id = 2"
  run_migrate upgrade --skip-interrupted
  assert_rc 1
  assert_err_contains "migrate: error: $INDEX_FILE:7: revision 0b0000000002 is not recorded: index \"users_email_key\" is INVALID: its concurrent build did not finish, so it enforces nothing"
  assert_err_contains "hint: fix what made the build fail (for a unique index: the duplicate rows), then run \`migrate upgrade --resume\`: it drops the invalid index and builds it again"
  assert_eq "in_progress 0" \
    "$(psql_db "$DATABASE_URL" "SELECT phase || ' ' || steps_done FROM migrate.revisions WHERE id = '0b0000000002'")" \
    "the revision stays in progress, back at its index build"
  run_migrate status
  status_reports_the_invalid_index

  run_migrate upgrade --resume
  assert_rc 0
  assert_eq "t" "$(index_state)" "upgrade --resume rebuilt the index after the refused skip"
}

# status looks at the whole database, not only at indexes revisions build:
# a REINDEX CONCURRENTLY that failed leaves its copy, named *_ccnew.
status_reports_reindex_leftovers() {
  fresh_project
  checkout migrations invalid_index
  run_migrate upgrade 0b0000000001
  assert_rc 0
  psql_db "$DATABASE_URL" "CREATE INDEX CONCURRENTLY users_email_idx_ccnew ON users ((1 / (id - 2)))" 2>/dev/null &&
    fail "the build meant to fail succeeded"
  run_migrate status
  assert_rc 1
  assert_out_contains "    public.users_email_idx_ccnew  on public.users"
  assert_out_contains "(\`*_ccnew\`: left by REINDEX CONCURRENTLY)"
}

section resume_after_fixing_the_data_rebuilds_the_index resume_after_fixing_the_data_rebuilds_the_index
section skipping_the_build_is_not_success skipping_the_build_is_not_success
section status_reports_reindex_leftovers status_reports_reindex_leftovers
finish_sections
