#!/usr/bin/env bash
# An applied revision whose file changed is refused (exit 6) until the change is
# accepted on purpose with `stamp --update-checksum`, which is recorded. Edits of
# whitespace or line endings only are not changes. Fixtures: tests/fixtures/story.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/story_lib.sh"

readonly BASE=a5d47eb28402 V2_FIRST=8fb4c8c111aa V2_HEAD=c07e5b1d9a42
readonly BASE_FILE=migrations/a5d47eb28402_create_users.sql
readonly V2_FILE=migrations/8fb4c8c111aa_add_first_and_last_names.sql

# A fresh project with story/base applied from ./migrations.
apply_base() {
  fresh_project
  checkout migrations story/base
  run_migrate upgrade
  assert_rc 0
}

# A real edit: the down section now cascades.
edit_for_real() {
  sed -i 's/^DROP TABLE users;$/DROP TABLE users CASCADE;/' "$1"
  grep -q CASCADE "$1" || fail "the edit of $1 did not apply"
}

an_edited_applied_file_is_refused() {
  apply_base
  edit_for_real "$BASE_FILE"
  checkout migrations story/v2

  run_migrate upgrade
  assert_rc 6
  assert_err_contains "$BASE_FILE"
  assert_eq "$BASE" "$(applied_ids "$DATABASE_URL")" "a refused upgrade applied the pending revisions"
  assert_eq "id name" "$(columns_of "$DATABASE_URL" users)" "a refused upgrade changed the schema"

  run_migrate downgrade base
  assert_rc 6
  table_exists "$DATABASE_URL" users || fail "a refused downgrade ran the changed file"

  run_migrate status
  assert_rc 6
  assert_out_contains "$BASE_FILE"
  run_migrate --json status
  assert_rc 6
  assert_out_json
  assert_eq "[\"$BASE\"]" "$(json_out 'd["changed"]')" "status --json lists the changed revision"
}

# expect_unchanged WHAT: status and upgrade see no change after the edit WHAT.
expect_unchanged() {
  run_migrate status
  [[ "$RC" == 0 ]] || fail "status after $1: expected exit code 0, got $RC"
  run_migrate upgrade
  [[ "$RC" == 0 ]] || fail "upgrade after $1: expected exit code 0, got $RC"
}

# with_pristine_files: puts back the files as they were applied.
with_pristine_files() {
  rm -rf migrations
  checkout migrations story/base story/v2
}

trailing_whitespace_and_crlf_edits_do_not_count() {
  apply_base
  with_pristine_files
  run_migrate upgrade
  assert_rc 0

  sed -i 's/$/  \t/' "$BASE_FILE" "$V2_FILE"
  expect_unchanged "trailing spaces and tabs on every line"
  with_pristine_files
  printf '\n\n\n' >>"$BASE_FILE"
  expect_unchanged "blank lines added at the end"
  with_pristine_files
  sed -i 's/$/\r/' "$BASE_FILE" "$V2_FILE"
  expect_unchanged "CRLF line endings"
}

blank_lines_and_indentation_do_not_count() {
  apply_base
  with_pristine_files
  run_migrate upgrade
  assert_rc 0

  sed -i 's/^\(ALTER TABLE users ADD COLUMN first text;\)$/\1\n/' "$V2_FILE"
  expect_unchanged "a blank line inserted between two statements"
  with_pristine_files
  sed -i 's/^ALTER TABLE/    ALTER TABLE/' "$V2_FILE"
  expect_unchanged "statements indented"
}

update_checksum_accepts_the_change() {
  apply_base
  edit_for_real "$BASE_FILE"
  checkout migrations story/v2

  run_migrate stamp --update-checksum "$BASE"
  assert_rc 0
  assert_eq "1" "$(psql_db "$DATABASE_URL" "SELECT count(*) FROM migrate.revisions
                                            WHERE id = '$BASE' AND note LIKE '%update-checksum%'")" \
    "migrate.revisions.note records the accepted change"
  assert_eq "1" "$(psql_db "$DATABASE_URL" "SELECT count(*) FROM migrate.events
                                            WHERE revision = '$BASE' AND (kind || ' ' || detail) LIKE '%checksum%'")" \
    "migrate.events records the accepted change"

  run_migrate upgrade
  assert_rc 0
  assert_eq "$V2_FIRST $BASE $V2_HEAD" "$(applied_ids "$DATABASE_URL")" "the upgrade proceeds once accepted"
  run_migrate status
  assert_rc 0
}

# Two applied files changed: each is accepted by its own command, one at a time.
update_checksum_one_file_at_a_time() {
  apply_base
  checkout migrations story/v2
  run_migrate upgrade "$V2_FIRST"
  assert_rc 0
  edit_for_real "$BASE_FILE"
  sed -i 's/^ALTER TABLE users DROP COLUMN first;$/ALTER TABLE users DROP COLUMN IF EXISTS first;/' "$V2_FILE"

  run_migrate stamp --update-checksum "$BASE"
  assert_rc 0
  run_migrate upgrade
  assert_rc 6
  assert_err_contains "$V2_FILE"
  assert_err_not_contains "$BASE_FILE"
  run_migrate stamp --update-checksum "$V2_FIRST"
  assert_rc 0
  run_migrate upgrade
  assert_rc 0
  assert_eq "$V2_FIRST $BASE $V2_HEAD" "$(applied_ids "$DATABASE_URL")" "the upgrade proceeds once both are accepted"
}

section an_edited_applied_file_is_refused an_edited_applied_file_is_refused
section trailing_whitespace_and_crlf_edits_do_not_count trailing_whitespace_and_crlf_edits_do_not_count
section blank_lines_and_indentation_do_not_count blank_lines_and_indentation_do_not_count
section update_checksum_accepts_the_change update_checksum_accepts_the_change
section update_checksum_one_file_at_a_time update_checksum_one_file_at_a_time
finish_sections
