#!/usr/bin/env bash
# Invalid YAML operations through the binary: exit 2, every problem as
# file:line: message (word for word), all problems of the directory in one
# go, and nothing applied.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/story_lib.sh"

HINT="hint: fix the files above; nothing was applied"

# refused OPERATIONS EXPECTED_STDERR: `upgrade` of a revision with these
# operations (from line 4 of migrations/a1a1a1a1a1a1.yaml) exits 2 with
# exactly EXPECTED_STDERR, touches nothing; `lint` and `upgrade --sql` refuse
# it the same way.
refused() {
  local operations=$1 expected=$2 url
  cd "$(scratch_dir)" || exit 1
  url=$(new_db)
  mkdir -p migrations
  printf 'revision: a1a1a1a1a1a1\nmessage: invalid\noperations:\n%s\n' "$operations" \
    >migrations/a1a1a1a1a1a1.yaml
  run_migrate --database-url "$url" upgrade
  assert_rc 2
  assert_eq "$expected" "$ERR" "upgrade's message"
  assert_eq "" "$OUT" "nothing on stdout"
  assert_db_untouched "$url"
  run_migrate --database-url "$url" upgrade --sql
  assert_rc 2
  assert_eq "$expected" "$ERR" "upgrade --sql's message"
  assert_eq "" "$OUT" "--sql prints no SQL for invalid files"
  run_migrate lint
  assert_rc 2
  assert_eq "$expected" "$ERR" "lint's message"
}

unknown_operation() {
  refused '  - add_colum: {table: users, column: first, type: text}' \
    "migrate: error: migrations/a1a1a1a1a1a1.yaml:4: unknown operation 'add_colum' (did you mean 'add_column'?)
$HINT"
}

unknown_key() {
  refused '  - add_column:
      table: users
      column: first
      type: text
      upp: "split_part(name, '"' '"', 1)"' \
    "migrate: error: migrations/a1a1a1a1a1a1.yaml:8: unknown key 'upp' in 'add_column' (did you mean 'up'?)
$HINT"
}

missing_key() {
  refused '  - create_index: {name: users_first, table: users}' \
    "migrate: error: migrations/a1a1a1a1a1a1.yaml:4: 'create_index' needs 'columns'
$HINT"
}

nullable_maybe() {
  refused '  - add_column:
      table: users
      column: first
      type: text
      up: "split_part(name, '"' '"', 1)"
      nullable: maybe' \
    "migrate: error: migrations/a1a1a1a1a1a1.yaml:9: 'nullable' of 'add_column' must be true or false
$HINT"
}

# Every problem of the directory, each with its line, in one run.
several_problems() {
  refused '  - add_colum: {table: users, column: first, type: text}
  - add_column: {table: users, type: text, up: "split_part(name,"}
  - drop_column: {table: users, column: name, dwon: x}' \
    "migrate: error: 4 problems in the migration files:
  migrations/a1a1a1a1a1a1.yaml:4: unknown operation 'add_colum' (did you mean 'add_column'?)
  migrations/a1a1a1a1a1a1.yaml:5: 'add_column' needs 'column'
  migrations/a1a1a1a1a1a1.yaml:5: 'up' of 'add_column' is not an SQL expression: syntax error at or near \")\"
  migrations/a1a1a1a1a1a1.yaml:6: unknown key 'dwon' in 'drop_column' (did you mean 'down'?)
$HINT"
}

section unknown_operation unknown_operation
section unknown_key unknown_key
section missing_key missing_key
section nullable_maybe nullable_maybe
section several_problems several_problems

finish_sections
