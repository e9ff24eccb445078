# Helpers for black-box tests of YAML operations on a small project: source it
# after lib.sh and story_lib.sh (test_operations.sh, test_column_dependents.sh).

# project SETUP_SQL YAML_OPERATIONS: cd to a new scratch directory holding
# migrations/0p0000000001_op.yaml (a root revision with these operations), and
# a new database (URL in $URL) on which SETUP_SQL ran.
project() {
  cd "$(scratch_dir)" || exit 1
  URL=$(new_db)
  psql_db "$URL" "$1"
  mkdir -p migrations
  printf 'revision: 0p0000000001\nmessage: the operation under test\noperations:\n%s\n' "$2" \
    >migrations/0p0000000001_op.yaml
}

m() { run_migrate --database-url "$URL" "$@"; }

# q SQL: the rows of SQL on the project's database.
q() { psql_db "$URL" "$1"; }

# expect SQL EXPECTED [MESSAGE]
expect() { assert_eq "$2" "$(q "$1")" "${3:-$1}"; }

phase_of() {
  if [[ "$(q "SELECT to_regclass('migrate.revisions') IS NULL")" == t ]]; then
    echo none
  else
    q "SELECT coalesce((SELECT phase FROM migrate.revisions WHERE id = '0p0000000001'), 'none')"
  fi
}

not_null() {
  q "SELECT attnotnull FROM pg_attribute WHERE attrelid = 'public.$1'::regclass AND attname = '$2'"
}

column_default() {
  q "SELECT coalesce(pg_get_expr(adbin, adrelid), '') FROM pg_attrdef d JOIN pg_attribute a
     ON a.attrelid = d.adrelid AND a.attnum = d.adnum WHERE a.attrelid = 'public.$1'::regclass
     AND a.attname = '$2'"
}

column_type() {
  q "SELECT format_type(atttypid, atttypmod) FROM pg_attribute
     WHERE attrelid = 'public.$1'::regclass AND attname = '$2' AND NOT attisdropped"
}

# constraint NAME: "<contype>|<convalidated>", e.g. "c|t"; "" when missing.
constraint() {
  q "SELECT contype, convalidated FROM pg_constraint WHERE conname = '$1'"
}

# index NAME: "<indisvalid>|<indisunique>", e.g. "t|f"; "" when missing.
index() {
  q "SELECT indisvalid, indisunique FROM pg_index WHERE indexrelid = to_regclass('public.$1')"
}

# No sync trigger or function of migrate is left anywhere.
assert_no_sync_left() {
  expect "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal AND tgname LIKE 'migrate%'" 0 \
    "no migrate trigger is left"
  expect "SELECT count(*) FROM pg_proc WHERE proname LIKE 'migrate%'" 0 "no migrate function is left"
}

assert_sync_trigger_on() {
  expect "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'public.$1'::regclass AND tgname LIKE 'migrate_sync_%'" 1 \
    "the sync trigger of $1 exists"
}

# assert_outside_transaction TEXT: the line of stdout holding TEXT is not
# between a BEGIN; and its COMMIT; (as --sql prints them).
assert_outside_transaction() {
  local where
  where=$(awk -v text="$1" '/^BEGIN;$/ {inside = 1} /^COMMIT;$/ {inside = 0}
                            index($0, text) {print (inside ? "inside" : "outside"); exit}' <<<"$OUT")
  assert_eq outside "$where" "$1 runs outside any transaction"
}

upgrade_ok() {
  m upgrade --allow-existing-schema --batch-size 2
  assert_rc 0
}

contract_ok() {
  m contract
  assert_rc 0
  assert_eq complete "$(phase_of)" "contract completes the revision"
}

downgrade_ok() {
  m downgrade base
  assert_rc 0
  assert_eq none "$(phase_of)" "downgrade forgets the revision"
}

