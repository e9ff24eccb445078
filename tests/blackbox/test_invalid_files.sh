#!/usr/bin/env bash
# Invalid migration directories (tests/fixtures/invalid/*) are refused whole: exit 2,
# every problem named as file:line, and the database untouched. A statement that
# fails at run time (tests/fixtures/runtime_failure) stops the run with exit 1 and
# its file and line, keeping the revisions before it and nothing of its own.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/story_lib.sh"

# Each problem line of stderr ("migrate: error: migrations/..." or "  migrations/...")
# must carry a line number: "every error in a file names the file and line".
assert_every_problem_has_a_line() {
  local line
  while IFS= read -r line; do
    [[ "$line" =~ ^(migrate:\ error:\ |\ \ )migrations/[^:\ ]+:[0-9]+:\  ]] ||
      fail "a problem without a line number: $line"
  done < <(grep -E '^(migrate: error: |  )migrations/' <<<"$ERR")
}

# refuse_invalid CASE LOCATION MESSAGE: `upgrade` of fixtures/invalid/CASE on a fresh
# database exits 2, stderr matches the regexes LOCATION (file:line) and MESSAGE, and
# the database is untouched.
refuse_invalid() {
  local case=$1 location=$2 message=$3 url
  cd "$(scratch_dir)" || exit 1
  url=$(new_db)
  checkout migrations "invalid/$case"
  run_migrate --database-url "$url" upgrade
  assert_rc 2
  assert_err_matches '^migrate: error: '
  assert_err_matches "$location"
  assert_err_matches "$message"
  assert_every_problem_has_a_line
  assert_db_untouched "$url"
}

section duplicate_ids refuse_invalid duplicate_ids \
  'migrations/(a1b2c3d4e5f6_create_users\.sql:1|f6e5d4c3b2a1_create_orders\.sql:2): ' \
  "duplicate.*a1b2c3d4e5f6"
section missing_parent refuse_invalid missing_parent \
  'migrations/b2c3d4e5f6a1_add_email\.sql:[12]: ' "0123456789ab"
section cycle refuse_invalid cycle \
  'migrations/(c1c1c1c1c1c1_first|c2c2c2c2c2c2_second)\.sql:[0-9]+: ' "cycle"
section no_revision_id refuse_invalid no_revision_id \
  'migrations/create_users\.sql:[0-9]+: ' "revision"
section unknown_header_key refuse_invalid unknown_header_key \
  'migrations/d4e5f6a1b2c3_create_users\.sql:3: ' "mesage"
section unknown_yaml_key refuse_invalid unknown_yaml_key \
  'migrations/e5f6a1b2c3d4_create_users\.yaml:4: ' "operatons"
section malformed_yaml refuse_invalid malformed_yaml \
  'migrations/f6a1b2c3d4e5_create_users\.yaml:[67]: ' "YAML"
section operations_not_a_list refuse_invalid operations_not_a_list \
  'migrations/a6b5c4d3e2f1_create_users\.yaml:4: ' "operations"
section empty_up refuse_invalid empty_up \
  'migrations/b6c5d4e3f2a1_create_users\.sql:[56]: ' "up"
# The syntax error is in the third statement of the second pending revision: it is
# found before the first revision runs, and before the state schema is created.
section syntax_error refuse_invalid syntax_error \
  'migrations/d6e5f4a3b2c1_create_orders\.sql:10: ' "TABEL"

# Three revisions; the second creates audit_log, then copies from a table that does
# not exist (its line 8).
runtime_failure() {
  local url
  cd "$(scratch_dir)" || exit 1
  url=$(new_db)
  checkout migrations runtime_failure
  run_migrate --database-url "$url" upgrade
  assert_rc 1
  assert_err_matches '^migrate: error: migrations/f6a5b4c3d2e1_create_audit_log\.sql:8: '
  assert_err_contains "legacy_audit_log"
  assert_eq "e6f5a4b3c2d1" "$(applied_ids "$url")" "only the first revision is recorded"
  table_exists "$url" accounts || fail "the first revision was not applied"
  ! table_exists "$url" audit_log || fail "the failed revision's first statement was not rolled back"
  ! table_exists "$url" invoices || fail "the revision after the failure ran"

  run_migrate --database-url "$url" status --json
  assert_rc 0
  assert_eq '["f6a5b4c3d2e1", "a7b6c5d4e3f2"]' "$(json_out 'd["pending"]')" "the rest is pending"
}
section runtime_failure runtime_failure

finish_sections
