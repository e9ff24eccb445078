#!/usr/bin/env bash
# Adopting another tool's database and history: the fixture history of each
# tool (tests/fixtures/import/TOOL) is applied by the tool itself where it is
# installed (dbmate, Sqitch, Alembic), else by psql as the tool would run it;
# `migrate import` writes the revisions, `migrate stamp --from-state` records
# the tool's applied set, and one new revision is applied. The schema must
# equal the tool's own result with the same statement run after it, and a
# fresh database upgraded by migrate alone must have the same schema too.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/story_lib.sh"

FIX=$MIGRATE_FIXTURES/import
k_nickname="ALTER TABLE users ADD COLUMN nickname text;"

# schema_of URL [PG_DUMP_ARGS...]: the schema without migrate's own.
schema_of() {
  local url=$1
  shift
  pg_dump --schema-only --no-owner --no-privileges --exclude-schema=migrate "$@" -d "$url" |
    grep -Ev '^(--|$|\\(un)?restrict )'
}

psql_file() {
  psql -X -q -v ON_ERROR_STOP=1 -d "$1" -f "$2" >/dev/null
}

# The URL's database name: new_db prints postgresql:///NAME?...
db_name() { local rest=${1#postgresql:///}; printf '%s' "${rest%%\?*}"; }

# --- the tools, or psql running their files as they do ----------------------

apply_dbmate() {
  DATABASE_URL="postgres://$PGUSER@:$PGPORT/$(db_name "$1")?socket=$PGHOST&sslmode=disable" dbmate --no-dump-schema --migrations-dir "$FIX/dbmate/db/migrations" up >/dev/null
}

apply_golang_migrate() {
  local file last=0
  for file in "$FIX"/golang-migrate/*.up.sql; do
    psql_file "$1" "$file"
    last=$((10#$(basename "$file" | cut -d_ -f1)))
  done
  psql_db "$1" "CREATE TABLE schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL);
                INSERT INTO schema_migrations VALUES ($last, false)"
}

apply_diesel() {
  local dir version
  psql_db "$1" "CREATE TABLE __diesel_schema_migrations (version varchar(50) PRIMARY KEY NOT NULL,
                run_on timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP)"
  for dir in "$FIX"/diesel/migrations/*/; do
    psql_file "$1" "$dir/up.sql"
    version=$(basename "$dir" | cut -d_ -f1 | tr -d -)
    psql_db "$1" "INSERT INTO __diesel_schema_migrations (version) VALUES ('$version')"
  done
}

apply_flyway() {
  local file version rank=0
  psql_db "$1" "CREATE TABLE flyway_schema_history (installed_rank int PRIMARY KEY, version varchar(50),
                description varchar(200) NOT NULL, type varchar(20) NOT NULL, script varchar(1000) NOT NULL,
                checksum int, installed_by varchar(100) NOT NULL, installed_on timestamp NOT NULL DEFAULT now(),
                execution_time int NOT NULL, success boolean NOT NULL)"
  # Flyway's order: versions compared part by part, as numbers.
  for file in $(cd "$FIX/flyway/sql" && ls V*.sql | python3 -c '
import re, sys
names = sys.stdin.read().split()
print("\n".join(sorted(names, key=lambda n: [int(p) for p in re.split("[._]", n[1:n.index("__")])])))'); do
    psql_file "$1" "$FIX/flyway/sql/$file"
    version=$(sed -E 's/^V([0-9_.]+)__.*/\1/; s/_/./g' <<<"$file")
    rank=$((rank + 1))
    psql_db "$1" "INSERT INTO flyway_schema_history VALUES ($rank, '$version', 'd', 'SQL', '$file', 0, 'ci', default, 1, true)"
  done
  psql_file "$1" "$FIX/flyway/sql/R__user_names_view.sql"
  rank=$((rank + 1))
  psql_db "$1" "INSERT INTO flyway_schema_history VALUES ($rank, NULL, 'views', 'SQL', 'R__user_names_view.sql', 0, 'ci', default, 1, true)"
}

apply_sqitch() {
  (cd "$FIX/sqitch" && PGHOST=$PGHOST PGPORT=$PGPORT PGUSER=$PGUSER sqitch deploy "db:pg:$(db_name "$1")" >/dev/null)
}

apply_alembic() {
  (cd "$FIX/alembic" && ALEMBIC_URL="postgresql+psycopg2://$PGUSER@/$(db_name "$1")?host=$PGHOST&port=$PGPORT" \
    alembic upgrade head 2>/dev/null)
}

# round_trip TOOL SRC COUNT EXCLUDE...: the whole story for one tool whose
# history holds COUNT migrations; EXCLUDE are pg_dump options leaving out its state.
round_trip() {
  local tool=$1 src=$2 count=$3 apply=apply_${1//-/_} reference adopted fresh file
  shift 3
  cd "$(scratch_dir)" || exit 1
  reference=$(new_db)
  adopted=$(new_db)
  fresh=$(new_db)
  "$apply" "$reference"
  psql_db "$reference" "$k_nickname"
  "$apply" "$adopted"

  run_migrate import --from "$tool" "$FIX/$src"
  assert_rc 0
  assert_eq "$count" "$(ls migrations | wc -l | tr -d ' ')" "import writes one revision per migration"
  run_migrate --database-url "$adopted" upgrade
  assert_rc 8
  assert_err_contains "$tool"
  run_migrate --database-url "$adopted" stamp --from-state "$tool"
  assert_rc 0
  assert_out_contains "recorded $count revisions, 0 already recorded."
  run_migrate --database-url "$adopted" status
  assert_rc 0
  assert_out_contains "pending    none"

  run_migrate new -m "add nickname"
  assert_rc 0
  file=$OUT
  printf -- '-- migrate:revision %s\n-- migrate:parents %s\n-- migrate:message add nickname\n\n-- migrate:up\n%s\n\n-- migrate:down\nALTER TABLE users DROP COLUMN nickname;\n' \
    "$(basename "$file" | cut -c1-12)" "$(grep -- '-- migrate:parents' "$file" | cut -d' ' -f3-)" "$k_nickname" >"$file"
  run_migrate --database-url "$adopted" upgrade
  assert_rc 0
  assert_eq "$(schema_of "$reference")" "$(schema_of "$adopted")" \
    "$tool: adopted, then upgraded by migrate, the schema is the tool's own"

  run_migrate --database-url "$fresh" upgrade
  assert_rc 0
  [[ "$tool" == flyway ]] && psql_file "$fresh" "$FIX/flyway/sql/R__user_names_view.sql"
  assert_eq "$(schema_of "$reference" "$@")" "$(schema_of "$fresh" "$@")" \
    "$tool: migrate alone runs the imported files to the tool's schema"
}

# needs TOOL: false (and the tool remembered) when it is not installed; the
# test then ends as skipped (exit 77) once the other sections passed.
SKIPPED=$(scratch_dir)/skipped
needs() {
  command -v "$1" >/dev/null 2>&1 && return 0
  echo "$1 is not installed (scripts/deps.sh installs it): its round trip does not run" >&2
  echo "$1" >>"$SKIPPED"
  return 1
}

dbmate_history() { needs dbmate || return 0; round_trip dbmate dbmate/db/migrations 11 --exclude-table=public.schema_migrations; }
golang_migrate_history() { round_trip golang-migrate golang-migrate 11 --exclude-table=public.schema_migrations; }
diesel_history() { round_trip diesel diesel/migrations 12 --exclude-table=public.__diesel_schema_migrations; }
flyway_history() { round_trip flyway flyway/sql 11 --exclude-table=public.flyway_schema_history; }
sqitch_history() { needs sqitch || return 0; round_trip sqitch sqitch 11 --exclude-schema=sqitch; }
alembic_history() { needs alembic || return 0; round_trip alembic alembic 11 --exclude-table=public.alembic_version; }

# refused_stamp TOOL SRC SETUP_SQL ERROR HINT: the tool's database, changed
# by SETUP_SQL, is refused by `stamp --from-state` with exit 8, and is
# byte-identical afterwards.
refused_stamp() {
  local tool=$1 src=$2 setup=$3 error=$4 hint=$5 url before
  cd "$(scratch_dir)" || exit 1
  url=$(new_db)
  "apply_${tool//-/_}" "$url"
  psql_db "$url" "$setup"
  run_migrate import --from "$tool" "$FIX/$src"
  assert_rc 0
  before=$(database_dump "$url")
  run_migrate --database-url "$url" stamp --from-state "$tool"
  assert_rc 8
  assert_eq "migrate: error: $error"$'\n'"hint: nothing was recorded; $hint" "$ERR" "stamp --from-state $tool refuses"
  assert_eq "$before" "$(database_dump "$url")" "the refused stamp changed the database"
}

diesel_out_of_order() {
  refused_stamp diesel diesel/migrations \
    "DELETE FROM __diesel_schema_migrations WHERE version IN ('20240105120000', '20240107120000')" \
    "diesel in public.__diesel_schema_migrations applied versions out of order: 20240105120000, 20240107120000 are not applied, but later versions are" \
    "apply them with diesel first, so the applied set is a prefix of the history"
}

flyway_out_of_order() {
  refused_stamp flyway flyway/sql "DELETE FROM flyway_schema_history WHERE version = '1.4'" \
    "flyway in public.flyway_schema_history applied versions out of order: 1.4 is not applied, but later versions are" \
    "apply it with flyway first, so the applied set is a prefix of the history"
}

flyway_failed() {
  refused_stamp flyway flyway/sql "UPDATE flyway_schema_history SET success = false WHERE version = '1.10'" \
    "flyway records version 1.10 in public.flyway_schema_history as failed" \
    "fix the schema by hand and clear that record with flyway first"
}

golang_migrate_dirty() {
  refused_stamp golang-migrate golang-migrate "UPDATE schema_migrations SET dirty = true" \
    "golang-migrate records version 11 in public.schema_migrations as dirty (it failed half-way)" \
    "fix the schema by hand and clear that record with golang-migrate first"
}

unknown_version() {
  refused_stamp diesel diesel/migrations "INSERT INTO __diesel_schema_migrations (version) VALUES ('20991231000000')" \
    "diesel in public.__diesel_schema_migrations records version 20991231000000 that the migration files do not hold" \
    "import the diesel history these versions come from (\`migrate import --from diesel\`)"
}

no_state_table() {
  local url before
  cd "$(scratch_dir)" || exit 1
  url=$(new_db)
  apply_golang_migrate "$url"
  run_migrate import --from golang-migrate "$FIX/golang-migrate"
  before=$(database_dump "$url")
  run_migrate --database-url "$url" stamp --from-state diesel
  assert_rc 8
  assert_eq "migrate: error: the database has no diesel state table (__diesel_schema_migrations)"$'\n'"hint: nothing was recorded; connect to the database that tool migrated, or check search_path" \
    "$ERR" "stamp --from-state names the missing table"
  assert_eq "$before" "$(database_dump "$url")" "the refused stamp changed the database"
}

k_import_hint="hint: nothing was written; these files cannot be imported as they are: change them in the source history, or leave them out and write their revisions by hand"

import_refusals() {
  cd "$(scratch_dir)" || exit 1
  run_migrate import --from goose "$FIX/golang-migrate"
  assert_rc 2
  assert_eq "migrate: error: cannot import from 'goose'"$'\n'"hint: --from takes one of: dbmate, golang-migrate, diesel, flyway, sqitch, alembic" "$ERR"
  run_migrate import --from dbmate nowhere
  assert_rc 2
  assert_eq "migrate: error: 'nowhere' is not a directory"$'\n'"hint: give the directory that holds the other tool's migrations" "$ERR"

  mkdir gm && cp "$FIX"/golang-migrate/* gm/ && printf 'package main\n' >gm/000012_backfill.up.go
  run_migrate import --from golang-migrate gm
  assert_rc 2
  assert_eq "migrate: error: 000012_backfill.up.go: only SQL migrations can be imported, not .go files"$'\n'"$k_import_hint" "$ERR"
  [[ ! -e migrations ]] || fail "a refused import wrote files"

  mkdir -p al && cp -r "$FIX"/alembic/. al/
  printf '"""backfill"""\nfrom alembic import op\nrevision = "ffff00000001"\ndown_revision = "1a2b3c00aaaa"\n\ndef upgrade():\n    rows = op.get_bind().execute("SELECT id FROM users")\n' \
    >al/alembic_env/versions/ffff00000001_backfill.py
  run_migrate import --from alembic al
  assert_rc 2
  assert_eq "migrate: error: alembic_env/versions/ffff00000001_backfill.py:7: the migration reads from the database (get_bind(): Alembic's offline mode cannot show what it runs; write its SQL by hand"$'\n'"$k_import_hint" "$ERR"
  rm al/alembic_env/versions/ffff00000001_backfill.py
  PATH=/nonexistent run_migrate import --from alembic al
  assert_rc 2
  assert_err_contains "migrate: error: importing from Alembic needs Alembic itself, which is not installed"

  run_migrate import --from dbmate "$FIX/dbmate/db/migrations"
  assert_rc 0
  run_migrate import --from dbmate "$FIX/dbmate/db/migrations"
  assert_rc 2
  assert_eq "migrate: error: migrations already holds revision files"$'\n'"hint: import into an empty directory (--dir), so the imported history is the whole graph" "$ERR"
}

for name in dbmate_history golang_migrate_history diesel_history flyway_history sqitch_history alembic_history \
  diesel_out_of_order flyway_out_of_order flyway_failed golang_migrate_dirty unknown_version no_state_table \
  import_refusals; do
  section "$name" "$name"
done
finish_sections
[[ -s "$SKIPPED" ]] && skip "not installed: $(paste -sd' ' "$SKIPPED")"
exit 0
