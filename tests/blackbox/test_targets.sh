#!/usr/bin/env bash
# Targets that cannot surprise: relative steps past the end are refused with
# how many there are, a short or numeric target is not taken as an id prefix,
# and a stamp that forgets applied revisions lists them and asks first.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/story_lib.sh"

# three revisions in migrations/: the story's base and v2, all applied.
three_applied() {
  fresh_project
  checkout migrations story/base story/v2
  run_migrate upgrade
  assert_rc 0
  BEFORE=$(schema_snapshot "$DATABASE_URL")
}

relative_steps_past_the_end_are_refused() {
  three_applied
  run_migrate downgrade -10
  assert_rc 2
  assert_err_contains "migrate: error: cannot downgrade 10 steps: 3 revisions are applied"
  assert_err_contains "hint: use \`migrate downgrade -3\`, or \`migrate downgrade base\` for all of them"
  assert_eq "$BEFORE" "$(schema_snapshot "$DATABASE_URL")" "a refused downgrade -10 changed the database"

  run_migrate downgrade -3
  assert_rc 0
  assert_eq "" "$(applied_ids "$DATABASE_URL")" "downgrade -3 undoes the three"
  BEFORE=$(schema_snapshot "$DATABASE_URL")

  run_migrate upgrade +1000
  assert_rc 2
  assert_err_contains "migrate: error: cannot upgrade 1000 steps: 3 revisions are pending"
  assert_err_contains "hint: use \`migrate upgrade +3\`, or \`migrate upgrade head\` for all of them"
  assert_eq "$BEFORE" "$(schema_snapshot "$DATABASE_URL")" "a refused upgrade +1000 changed the database"
}

a_numeric_target_is_not_an_id_prefix() {
  three_applied
  # c07e5b1d9a42 starts with a digit: `stamp c` or `stamp 0`-like typos must not find it.
  local target
  for target in 0 c c07; do
    run_migrate stamp "$target" --yes
    assert_rc 2
    assert_err_contains "migrate: error: no revision '$target': it is not a whole id, and a prefix needs at least 4 characters"
    assert_err_contains "hint: give the whole id or its first 4 characters or more; \`migrate history\` lists them"
  done
  run_migrate downgrade 8fb
  assert_rc 2
  assert_err_contains "no revision '8fb': it is not a whole id"
  assert_eq "$BEFORE" "$(schema_snapshot "$DATABASE_URL")" "a refused target changed the database"
}

a_stamp_that_forgets_asks_first() {
  three_applied
  run_migrate stamp a5d4
  assert_rc 2
  assert_err_contains "stamp forgets 2 applied revisions (their schema stays; a later upgrade runs them again):
  c07e5b1d9a42  index users by last name
  8fb4c8c111aa  add first and last names"
  assert_err_contains "migrate: error: stamp that forgets applied revisions needs confirmation"
  assert_err_contains "hint: run it on a terminal, or add --yes"
  assert_eq "$BEFORE" "$(schema_snapshot "$DATABASE_URL")" "an unconfirmed stamp changed the records"

  run_migrate stamp a5d4 --yes
  assert_rc 0
  assert_err_contains "  8fb4c8c111aa  add first and last names"
  assert_out_contains "Stamped a5d4: recorded 0 revisions, forgot 2."
  assert_eq "a5d47eb28402" "$(applied_ids "$DATABASE_URL")" "stamp --yes forgot the two"

  # Recording only: nothing to confirm.
  run_migrate stamp head
  assert_rc 0
  assert_err_not_contains "forgets"
  assert_out_contains "recorded 2 revisions, forgot 0"
}

# run_on_terminal ANSWER ARGS...: the binary on a pseudo-terminal (script(1))
# that types ANSWER; sets OUT (everything the terminal showed) and RC.
run_on_terminal() {
  local answer=$1
  shift
  command -v script >/dev/null || skip "script(1) is needed to run migrate on a terminal"
  LAST_COMMAND="migrate$(printf ' %q' "$@") (on a terminal)"
  if OUT=$( (sleep 1; printf '%s\n' "$answer") | DATABASE_URL=$DATABASE_URL script -qec "$(printf '%q ' "$MIGRATE_BIN" "$@")" /dev/null); then
    RC=0
  else
    RC=$?
  fi
  ERR=""
}

a_stamp_on_a_terminal_forgets_only_when_told_yes() {
  three_applied
  run_on_terminal n stamp a5d4
  assert_rc 0
  assert_out_contains "  8fb4c8c111aa  add first and last names"
  assert_out_contains "Forget them? [y/N]"
  assert_out_contains "Forgot nothing; the records are unchanged."
  assert_eq "$BEFORE" "$(schema_snapshot "$DATABASE_URL")" "a stamp answered no changed the records"

  run_on_terminal y stamp a5d4
  assert_rc 0
  assert_out_contains "Stamped a5d4: recorded 0 revisions, forgot 2."
  assert_eq "a5d47eb28402" "$(applied_ids "$DATABASE_URL")" "a stamp answered yes forgot the two"
}

section relative_steps_past_the_end_are_refused relative_steps_past_the_end_are_refused
section a_numeric_target_is_not_an_id_prefix a_numeric_target_is_not_an_id_prefix
section a_stamp_that_forgets_asks_first a_stamp_that_forgets_asks_first
section a_stamp_on_a_terminal_forgets_only_when_told_yes a_stamp_on_a_terminal_forgets_only_when_told_yes
finish_sections
