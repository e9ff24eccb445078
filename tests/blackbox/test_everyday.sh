#!/usr/bin/env bash
# Everyday use as a developer and a CI job see it: init, new, upgrade, status,
# history, heads, downgrade, stamp; offline --sql; --json; where the database URL
# comes from; usage errors; and passwords that never show.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/story_lib.sh"

# fill_revision FILE UP DOWN: writes UP under `-- migrate:up` and DOWN under
# `-- migrate:down`, as a developer does after `migrate new`.
fill_revision() {
  local file=$1 up=$2 down=$3
  UP=$up DOWN=$down python3 - "$file" <<'EOF'
import os, sys
path = sys.argv[1]
lines = open(path).read().split("\n")
out = []
for line in lines:
    out.append(line)
    if line.strip() == "-- migrate:up":
        out.append(os.environ["UP"])
    elif line.strip() == "-- migrate:down":
        out.append(os.environ["DOWN"])
open(path, "w").write("\n".join(out))
EOF
}

# sorted_ids ID...: the ids as applied_ids prints them.
sorted_ids() {
  printf '%s\n' "$@" | LC_ALL=C sort | paste -sd' ' -
}

init_new_and_the_revision_lifecycle() {
  local url first second id1 id2
  cd "$(scratch_dir)" || exit 1
  url=$(new_db)

  run_migrate init
  assert_rc 0
  [[ -d migrations && -f migrate.yaml ]] || fail "init did not create migrations/ and migrate.yaml"

  run_migrate new -m "Create users"
  assert_rc 0
  assert_out_matches '^migrations/[0-9a-f]{12}_create_users\.sql$'
  first=$OUT
  id1=$(basename "$first" | cut -c1-12)
  [[ -f "$first" ]] || fail "new printed $first but did not write it"
  grep -qx -- "-- migrate:revision $id1" "$first" || fail "$first does not hold its id $id1"
  grep -qE -- '^-- migrate:parents *$' "$first" || fail "the first revision must have no parents"
  fill_revision "$first" "CREATE TABLE users (id bigint PRIMARY KEY, name text);" "DROP TABLE users;"

  run_migrate new -m "Add users.email"
  assert_rc 0
  assert_out_matches '^migrations/[0-9a-f]{12}_add_users_email\.sql$'
  second=$OUT
  id2=$(basename "$second" | cut -c1-12)
  grep -qE -- "^-- migrate:parents +$id1 *$" "$second" || fail "the parents of $second must be the head $id1"
  fill_revision "$second" "ALTER TABLE users ADD COLUMN email text;" "ALTER TABLE users DROP COLUMN email;"

  run_migrate heads
  assert_rc 0
  assert_out_contains "$id2"
  assert_out_not_contains "$id1"

  run_migrate --database-url "$url" upgrade
  assert_rc 0
  assert_eq "$(sorted_ids "$id1" "$id2")" "$(applied_ids "$url")" "upgrade applies both revisions"
  assert_eq "email id name" "$(columns_of "$url" users)" "upgrade ran both revisions"

  run_migrate --database-url "$url" status
  assert_rc 0
  assert_out_contains "$id2"

  run_migrate history
  assert_rc 0
  assert_out_contains "Create users"
  assert_out_contains "Add users.email"
  [[ "$OUT" == *"Add users.email"*"Create users"* ]] || fail "history lists the newest revision first"

  run_migrate --database-url "$url" downgrade -1
  assert_rc 0
  assert_eq "$id1" "$(applied_ids "$url")" "downgrade -1 reverts the head only"
  assert_eq "id name" "$(columns_of "$url" users)" "downgrade -1 ran the head's down"

  run_migrate --database-url "$url" downgrade base
  assert_rc 0
  assert_eq "" "$(applied_ids "$url")" "downgrade base reverts everything"
  ! table_exists "$url" users || fail "downgrade base did not drop users"

  run_migrate --database-url "$url" upgrade +1
  assert_rc 0
  assert_eq "$id1" "$(applied_ids "$url")" "upgrade +1 applies one revision"
  assert_eq "id name" "$(columns_of "$url" users)" "upgrade +1 ran only the first revision"

  run_migrate --database-url "$url" stamp head
  assert_rc 0
  assert_eq "$(sorted_ids "$id1" "$id2")" "$(applied_ids "$url")" "stamp head records every revision"
  assert_eq "id name" "$(columns_of "$url" users)" "stamp runs nothing"

  run_migrate --database-url "$url" stamp base --yes
  assert_rc 0
  assert_eq "" "$(applied_ids "$url")" "stamp base forgets every revision"
  table_exists "$url" users || fail "stamp base must not run any down"
}

offline_sql_without_a_database() {
  local before
  cd "$(scratch_dir)" || exit 1
  checkout migrations story/base story/v2
  before=$(find . -type f -exec sha256sum {} + | LC_ALL=C sort)

  run_migrate upgrade --sql
  assert_rc 0
  assert_out_contains "BEGIN;"
  assert_out_contains "COMMIT;"
  assert_out_contains "CREATE TABLE users (id bigint PRIMARY KEY, name text NOT NULL);"
  assert_out_contains "ALTER TABLE users ADD COLUMN first text;"
  assert_out_contains "CREATE INDEX users_last_idx ON users (last);"
  assert_eq "$before" "$(find . -type f -exec sha256sum {} + | LC_ALL=C sort)" "upgrade --sql wrote files"

  # With a database to read from, --sql still changes nothing there.
  local url
  url=$(new_db)
  run_migrate --database-url "$url" upgrade --sql
  assert_rc 0
  assert_out_contains "CREATE TABLE users"
  assert_db_untouched "$url"
}

status_json() {
  local url
  cd "$(scratch_dir)" || exit 1
  url=$(new_db)
  checkout migrations story/base story/v2
  run_migrate --database-url "$url" upgrade a5d47eb28402
  assert_rc 0

  run_migrate --database-url "$url" --json status
  assert_rc 0
  assert_out_json
  assert_eq '["a5d47eb28402"]' "$(json_out 'd["applied"]')" "status --json: applied"
  assert_eq '["8fb4c8c111aa", "c07e5b1d9a42"]' "$(json_out 'd["pending"]')" "status --json: pending"
  assert_eq '[]' "$(json_out 'd["unknown"]')" "status --json: unknown"
  assert_eq '["c07e5b1d9a42"]' "$(json_out 'd["heads"]')" "status --json: heads"
}

global_options_after_the_subcommand() {
  local url
  cd "$(scratch_dir)" || exit 1
  url=$(new_db)
  checkout revs story/base

  run_migrate upgrade --dir revs --database-url "$url" -q
  assert_rc 0
  assert_eq "" "$ERR" "-q after the subcommand: nothing on stderr"
  assert_eq "a5d47eb28402" "$(applied_ids "$url")" "--dir and --database-url after the subcommand"

  run_migrate status --dir revs --database-url "$url" --json
  assert_rc 0
  assert_out_json
  assert_eq "revs" "$(json_out 'd["dir"]')" "--dir after the subcommand"

  run_migrate heads --dir revs --json
  assert_rc 0
  assert_out_json
}

database_url_and_migrate_yaml_fallbacks() {
  local from_env from_yaml from_flag
  cd "$(scratch_dir)" || exit 1
  from_env=$(new_db)
  from_yaml=$(new_db)
  from_flag=$(new_db)
  checkout migrations story/base

  DATABASE_URL=$from_env run_migrate upgrade
  assert_rc 0
  assert_eq "a5d47eb28402" "$(applied_ids "$from_env")" "DATABASE_URL is used"

  checkout revs story/base story/v2
  printf "database_url: '%s'\ndir: revs\n" "$from_yaml" >migrate.yaml
  run_migrate upgrade
  assert_rc 0
  assert_eq "8fb4c8c111aa a5d47eb28402 c07e5b1d9a42" "$(applied_ids "$from_yaml")" \
    "migrate.yaml gives the database and the directory"

  # Precedence: --database-url, then DATABASE_URL, then migrate.yaml.
  DATABASE_URL=$from_env run_migrate --json status
  assert_rc 0
  assert_eq '["a5d47eb28402"]' "$(json_out 'd["applied"]')" "DATABASE_URL wins over migrate.yaml"
  DATABASE_URL=$from_env run_migrate --database-url "$from_flag" --json status
  assert_rc 0
  assert_eq '[]' "$(json_out 'd["applied"]')" "--database-url wins over DATABASE_URL"
}

nothing_to_do_is_success() {
  local url
  cd "$(scratch_dir)" || exit 1
  url=$(new_db)
  mkdir migrations

  run_migrate --database-url "$url" upgrade
  assert_rc 0
  run_migrate --database-url "$url" downgrade base
  assert_rc 0

  checkout migrations story/base
  run_migrate --database-url "$url" upgrade
  assert_rc 0
  run_migrate --database-url "$url" --json upgrade
  assert_rc 0
  assert_out_json
  assert_eq '[]' "$(json_out 'd["revisions"]')" "a second upgrade applies nothing"
  run_migrate --database-url "$url" contract
  assert_rc 0
  run_migrate --database-url "$url" stamp head
  assert_rc 0
}

version_and_usage_errors() {
  cd "$(scratch_dir)" || exit 1
  run_migrate --version
  assert_rc 0
  assert_out_matches '^migrate [0-9]+\.[0-9]+\.[0-9]+'

  run_migrate frobnicate
  assert_rc 2
  assert_err_matches '^migrate: error: '

  run_migrate upgrade --frobnicate
  assert_rc 2
  assert_err_contains "--frobnicate"

  run_migrate new
  assert_rc 2
  run_migrate downgrade
  assert_rc 2
  mkdir migrations
  run_migrate upgrade --lock-timeout banana --database-url "postgresql:///nowhere"
  assert_rc 2
  assert_err_contains "banana"
}

# The cluster trusts local connections, so a password in the URL is accepted and
# ignored: it must still never be printed, whatever happens.
passwords_never_show() {
  local url name good keyword
  cd "$(scratch_dir)" || exit 1
  url=$(new_db)
  name=${url#postgresql:///}
  name=${name%%\?*}
  checkout migrations story/base
  good="postgresql://$PGUSER:s3cr3t@/$name?host=$(printf %s "$PGHOST" | sed 's|/|%2F|g')&port=$PGPORT"

  check_no_password() {
    [[ "$OUT$ERR" != *s3cr3t* ]] || fail "the password shows in the output of $1"
  }

  run_migrate --database-url "$good" status
  assert_rc 0
  check_no_password "status"
  run_migrate --database-url "$good" --json status
  assert_rc 0
  check_no_password "status --json"
  run_migrate --database-url "$good" -v upgrade
  assert_rc 0
  check_no_password "upgrade -v"
  DATABASE_URL=$good run_migrate status
  assert_rc 0
  check_no_password "status with DATABASE_URL"
  ! pg_dump --data-only --schema=migrate -d "$url" | grep -q s3cr3t ||
    fail "the password was written into the migrate schema"

  run_migrate --database-url "postgresql://$PGUSER:s3cr3t@127.0.0.1:1/$name?connect_timeout=5" status
  assert_rc 1
  check_no_password "status against a wrong host"
  run_migrate --database-url "postgresql://$PGUSER:s3cr3t@/$name?host=/nonexistent-socket-dir" status
  assert_rc 1
  check_no_password "status against a missing socket directory"
  run_migrate --database-url "${good/$name/no_such_database}" status
  assert_rc 1
  assert_err_contains "no_such_database"
  check_no_password "status against a database that does not exist"
  DATABASE_URL=${good/$name/no_such_database} run_migrate --json status
  assert_rc 1
  check_no_password "status --json with DATABASE_URL and a database that does not exist"
  keyword="host=$PGHOST port=$PGPORT user=$PGUSER password=s3cr3t dbname=no_such_database"
  run_migrate --database-url "$keyword" status
  assert_rc 1
  check_no_password "status with a keyword string"

  # A URL libpq cannot parse: its error message quotes the whole URI.
  run_migrate --database-url "postgresql://$PGUSER:s3cr3t@[::1/$name" status
  [[ "$RC" == 1 || "$RC" == 2 ]] || fail "a malformed URL is a runtime or usage error (1 or 2)"
  check_no_password "status with a malformed URL"
}

section init_new_and_the_revision_lifecycle init_new_and_the_revision_lifecycle
section offline_sql_without_a_database offline_sql_without_a_database
section status_json status_json
section global_options_after_the_subcommand global_options_after_the_subcommand
section database_url_and_migrate_yaml_fallbacks database_url_and_migrate_yaml_fallbacks
section nothing_to_do_is_success nothing_to_do_is_success
section version_and_usage_errors version_and_usage_errors
section passwords_never_show passwords_never_show
finish_sections
