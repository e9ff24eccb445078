#!/usr/bin/env bash
# Files psql runs, migrate runs identically. Each psql script of
# tests/fixtures/psql runs once with psql (`--single-transaction`, stopping at
# the first error) and, wrapped as the up section of a revision file, with
# `migrate upgrade` in a transactional revision, in a `transaction off` one,
# and as the script `migrate upgrade --sql` prints, run with psql. Every way
# must leave the same schema (pg_dump --schema-only) and the same data.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/story_lib.sh"

# The user's objects, as pg_dump prints them: schema, then data (migrate's own
# schema left out; \restrict lines carry a random key per run).
dump_of() {
  pg_dump --no-owner --no-privileges --exclude-schema=migrate -d "$1" | grep -Ev '^(--|$|\\(un)?restrict )'
}

# revision_of FIXTURE TRANSACTION: the fixture as the up section of a revision.
revision_of() {
  printf -- '-- migrate:revision %s\n-- migrate:message %s\n-- migrate:transaction %s\n\n-- migrate:up\n' \
    0123456789ab "$(basename "$1" .sql)" "$2"
  cat "$1"
  printf '\n-- migrate:down\n'
}

differential() {
  local fixture=$MIGRATE_FIXTURES/psql/$1 expected mode url script
  cd "$(scratch_dir)" || exit 1
  url=$(new_db)
  psql -X -q -v ON_ERROR_STOP=1 --single-transaction -d "$url" -f "$fixture" >/dev/null ||
    fail "psql could not run $1"
  expected=$(dump_of "$url")
  [[ -n "$expected" ]] || fail "psql left nothing to compare for $1"

  for mode in on off; do
    rm -rf migrations && mkdir migrations
    revision_of "$fixture" "$mode" >migrations/0123456789ab_fixture.sql
    url=$(new_db)
    run_migrate --database-url "$url" upgrade
    assert_rc 0
    assert_eq "$expected" "$(dump_of "$url")" "$1 with transaction $mode: migrate and psql differ"

    # The printed script, run with psql, does the same.
    run_migrate upgrade --sql
    assert_rc 0
    script=$(scratch_dir)/upgrade.sql
    printf '%s\n' "$OUT" >"$script"
    url=$(new_db)
    psql -X -q -v ON_ERROR_STOP=1 -d "$url" -f "$script" >/dev/null || fail "psql could not run the --sql script of $1"
    assert_eq "$expected" "$(dump_of "$url")" "$1 with transaction $mode: the --sql script and psql differ"
    assert_eq 0123456789ab "$(applied_ids "$url")" "the --sql script of $1 did not record its revision"
  done
}

for fixture in "$MIGRATE_FIXTURES"/psql/*.sql; do
  section "$(basename "$fixture")" differential "$(basename "$fixture")"
done
finish_sections
