# shellcheck shell=bash
# Helpers shared by the black-box scripts, on top of lib.sh (source lib.sh first):
#
#   source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#   source "$(dirname "${BASH_SOURCE[0]}")/story_lib.sh"
#
#   fresh_project                  cd to a new scratch directory; DATABASE_URL (exported) is a new database
#   checkout DEST FIXTURE...       copies the revision files of tests/fixtures/FIXTURE...
#                                  into DEST (created), e.g. `checkout migrations story/base story/v2`
#   assert_db_untouched URL        no `migrate` schema and no table outside the system schemas
#   schema_snapshot URL            pg_dump --schema-only plus the rows of migrate.revisions
#   database_dump URL              pg_dump of schema and rows, for byte-identical comparisons
#   applied_ids URL                ids in migrate.revisions, sorted, one line, space-separated
#   columns_of URL TABLE           column names of public.TABLE, sorted, space-separated
#   table_exists URL TABLE         exit 0 when public.TABLE exists
#   files_in DIR                   file names in DIR, sorted, one a line
#   assert_out_json                stdout is valid JSON
#   json_out EXPR                  prints the Python expression EXPR over stdout's JSON (`d`)
#   assert_out_matches RE | assert_err_matches RE    extended regular expressions (grep -E)
#   section NAME FUNCTION [ARG...] runs FUNCTION in a subshell; a failure is remembered, and the
#                                  next sections still run
#   finish_sections                fails the test when any section failed (call it last)

fresh_project() {
  cd "$(scratch_dir)" || exit 1
  DATABASE_URL=$(new_db)
  export DATABASE_URL
}

checkout() {
  local dest=$1 fixture file
  shift
  mkdir -p "$dest"
  for fixture in "$@"; do
    [[ -d "$MIGRATE_FIXTURES/$fixture" ]] || fail "no fixture directory $fixture"
    for file in "$MIGRATE_FIXTURES/$fixture"/*; do
      case "$file" in
        *.sql | *.yaml | *.yml) cp "$file" "$dest"/ ;;
      esac
    done
  done
}

assert_db_untouched() {
  local schemas tables
  schemas=$(psql_db "$1" "SELECT string_agg(nspname, ' ') FROM pg_namespace WHERE nspname = 'migrate'")
  tables=$(psql_db "$1" "SELECT string_agg(schemaname || '.' || tablename, ' ') FROM pg_tables
                          WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")
  [[ -z "$schemas" ]] || fail "the database was touched: schema '$schemas' exists"
  [[ -z "$tables" ]] || fail "the database was touched: tables $tables exist"
}

schema_snapshot() {
  # \restrict and \unrestrict lines carry a random key per run.
  pg_dump --schema-only --no-owner --no-privileges -d "$1" | grep -Ev '^(--|$|\\(un)?restrict )'
  psql_db "$1" "SELECT id, array_to_string(parents, ' '), phase, checksum, applied_at, source, note
                FROM migrate.revisions ORDER BY id"
}

applied_ids() {
  psql_db "$1" "SELECT coalesce(string_agg(id, ' ' ORDER BY id COLLATE \"C\"), '') FROM migrate.revisions"
}

columns_of() {
  psql_db "$1" "SELECT coalesce(string_agg(column_name, ' ' ORDER BY column_name), '')
                FROM information_schema.columns WHERE table_schema = 'public' AND table_name = '$2'"
}

table_exists() {
  [[ "$(psql_db "$1" "SELECT to_regclass('public.$2') IS NOT NULL")" == t ]]
}

files_in() {
  (cd "$1" && ls -1 | LC_ALL=C sort)
}

assert_out_json() {
  printf '%s' "$OUT" | python3 -c 'import json, sys; json.load(sys.stdin)' 2>/dev/null ||
    fail "expected stdout to be valid JSON"
}

json_out() {
  printf '%s' "$OUT" | python3 -c "import json, sys; d = json.load(sys.stdin); r = $1
print(json.dumps(r) if isinstance(r, (list, dict)) else r)"
}

assert_out_matches() {
  grep -Eq -- "$1" <<<"$OUT" || fail "expected stdout to match: $1"
}

assert_err_matches() {
  grep -Eq -- "$1" <<<"$ERR" || fail "expected stderr to match: $1"
}

_SECTIONS_FAILED=()

section() {
  local name=$1 rc
  shift
  echo "--- section: $name" >&2
  set +e
  (
    set -e
    "$@"
  )
  rc=$?
  set -e
  if ((rc != 0)); then
    _SECTIONS_FAILED+=("$name")
    echo "--- section FAILED: $name" >&2
  fi
}

finish_sections() {
  if ((${#_SECTIONS_FAILED[@]} > 0)); then
    echo "FAILED sections: ${_SECTIONS_FAILED[*]}" >&2
    exit 1
  fi
}

# database_dump URL: pg_dump of the whole database (schema and rows), without
# the lines that change from run to run; for "changed nothing" comparisons.
database_dump() {
  pg_dump --no-owner --no-privileges -d "$1" | grep -Ev '^(--|$|\\(un)?restrict )'
}
