# Passwords never appear in any output or log: a sentinel password in every
# URL form (plain, SQLAlchemy +driver schemes, percent-encoded, unencoded '@',
# '/', '?', '!', a stray '%', keyword strings, a query parameter), given by
# --database-url, DATABASE_URL, migrate.yaml or PGPASSWORD, through every
# command, succeeding and failing, plain, --json and -v; then in every table of
# migrate's schema and in pg_stat_activity while a run holds the lock.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/session_lib.sh"

work=$(scratch_dir)
cd "$work"
secret=S3NT1NEL
url=$(new_db)
db=${url#postgresql:///}
db=${db%%\?*}
host=$(_bb_urlencode "$PGHOST")
where="host=$host&port=$PGPORT"
keywords="host='$PGHOST' port=$PGPORT user=$PGUSER dbname=$db"

mkdir m
cat >m/a00000000001.sql <<'SQL'
-- migrate:revision a00000000001
-- migrate:message a table

-- migrate:up
CREATE TABLE secret_check (id int);

-- migrate:contract
SELECT 1;

-- migrate:down
DROP TABLE secret_check;
SQL

# Forms that connect (trust authentication: the password travels, unused).
connecting=(
  "postgresql://$PGUSER:$secret@/$db?$where"
  "postgresql+psycopg2://$PGUSER:$secret@/$db?$where"
  "postgres+asyncpg://$PGUSER:$secret@/$db?$where"
  "postgresql://$PGUSER:$secret%40%2F%3F%25$secret@/$db?$where"
  "postgresql://$PGUSER:$secret!$secret@/$db?$where"
  "postgresql:///$db?$where&user=$PGUSER&password=$secret"
  "$keywords password=$secret"
  "$keywords password='$secret x\\'$secret'"
)
# Forms refused before connecting: exit 2 and "percent-encode it".
refused=(
  "postgresql://$PGUSER:$secret@$secret@/$db?$where"
  "postgresql://$PGUSER:$secret/$secret@/$db?$where"
  "postgresql://$PGUSER:$secret?$secret@/$db?$where"
  "postgresql+psycopg2://$PGUSER:$secret/$secret@/$db?$where"
  "postgres+asyncpg://$PGUSER:$secret?$secret@localhost:5432/$db"
  "postgresql://$PGUSER:$secret%zz$secret@/$db?$where"
)
# Forms libpq rejects or cannot reach: exit 1, libpq's reason without the password.
failing=(
  "postgresql://$PGUSER:$secret@127.0.0.1:1/$db"
  "postgresql+psycopg2://$PGUSER:$secret@/no_such_db_here?$where"
  "postgresql://$PGUSER:$secret@/$db?$where&sslmode=$secret"
  "$keywords password=$secret dbname"
  "$keywords password='$secret"
  "$keywords password=$secret port=$secret"
)

commands=("upgrade" "status" "history" "heads" "show a00000000001" "lint" "contract" "stamp head"
  "lock status" "lock clear --yes" "downgrade base" "upgrade --sql")
flag_sets=("" "--json" "-v")

runs=0
# check_run CHANNEL FORM ARGS...: runs migrate, then checks no output holds the secret.
check_run() {
  local channel=$1 form=$2
  shift 2
  case "$channel" in
    flag) run_migrate --dir m "$@" --database-url "$form" ;;
    env) DATABASE_URL=$form run_migrate --dir m "$@" ;;
    yaml)
      printf "database_url: '%s'\n" "${form//\'/\'\'}" >migrate.yaml
      run_migrate --dir m "$@"
      rm migrate.yaml
      ;;
    pgpassword) PGPASSWORD=$secret run_migrate --dir m "$@" --database-url "$form" ;;
  esac
  runs=$((runs + 1))
  [[ "$OUT$ERR" != *"$secret"* && "$OUT$ERR" != *S3N* ]] ||
    fail "the password appears ($channel, $form)"
}

# every_command CHANNEL FORM EXPECT: every command with every flag set; EXPECT
# is the exit code of the commands that connect (lint, heads, history and show
# of a revision in the files do not), or "any".
every_command() {
  local channel=$1 form=$2 expect=$3 command flags i=0
  for command in "${commands[@]}"; do
    flags=${flag_sets[i % ${#flag_sets[@]}]}
    i=$((i + 1))
    # shellcheck disable=SC2086
    check_run "$channel" "$form" $flags $command
    if [[ "$expect" != any && ! "$command" =~ ^(lint|heads|history|show) ]]; then
      assert_rc "$expect"
    fi
  done
}

for channel in flag env yaml; do
  for form in "${connecting[@]}"; do every_command "$channel" "$form" 0; done
  for form in "${refused[@]}"; do
    every_command "$channel" "$form" 2
    check_run "$channel" "$form" status
    assert_err_contains "in the database URL holds"
    assert_err_contains "percent-encode it"
  done
  for form in "${failing[@]}"; do every_command "$channel" "$form" any; done
done
# Every flag set on every command once more, with the password from PGPASSWORD.
for flags in "${flag_sets[@]}"; do
  for command in "${commands[@]}"; do
    # shellcheck disable=SC2086
    check_run pgpassword "postgresql://$PGUSER@/$db?$where" $flags $command
  done
done

# A SQLAlchemy scheme connects, with a note.
check_run flag "postgresql+psycopg2://$PGUSER:$secret@/$db?$where" status
assert_rc 0
assert_err_contains "note: the database URL names the SQLAlchemy driver 'psycopg2'; migrate connects with libpq and ignores it"
assert_out_contains "postgresql+psycopg2://$PGUSER:***@/$db"
# libpq's reasons are kept, with the password masked.
check_run flag "$keywords password=$secret port=$secret" --json status
assert_rc 1
assert_out_contains 'invalid integer value \"***\" for connection option \"port\"'
check_run flag "postgresql://$PGUSER:$secret/$secret@/$db?$where" --json status
assert_rc 2
assert_out_contains '"exit_code": 2'
# A connection string where an argument was expected is quoted back masked.
check_run flag "postgresql://$PGUSER:$secret@/$db?$where" status "postgresql://$PGUSER:$secret@$secret@h/db"
assert_rc 2

# --- migrate's schema and pg_stat_activity, while a run holds the lock -------
cat >m/b00000000002.sql <<'SQL'
-- migrate:revision b00000000002
-- migrate:parents a00000000001
-- migrate:message a slow one

-- migrate:up
SELECT pg_sleep(3);
SQL
full="postgresql+psycopg2://$PGUSER:$secret@/$db?$where&application_name=x"
run_migrate --dir m --database-url "$full" upgrade a00000000001
migrate_bg slow --dir m --database-url "$full" -v upgrade
wait_until "$url" "SELECT count(*) > 0 FROM migrate.lock_holder"
activity=$(psql_db "$url" "SELECT row_to_json(a)::text FROM pg_stat_activity a WHERE pid <> pg_backend_pid()")
[[ "$activity" == *"migrate upgrade@"* ]] || fail "the run is not in pg_stat_activity: $activity"
[[ "$activity" != *"$secret"* ]] || fail "the password is in pg_stat_activity: $activity"
check_run flag "$full" lock status
assert_rc 0
check_run flag "$full" --json -v lock clear --yes --force
wait "$BG_PID" || true
[[ "$(<slow.out)$(<slow.err)" != *"$secret"* ]] || fail "the password is in the output of the run"
check_run env "$full" -v upgrade
assert_rc 0
tables=$(psql_db "$url" "SELECT tablename FROM pg_tables WHERE schemaname = 'migrate'")
[[ -n "$tables" ]] || fail "migrate's schema has no tables"
for table in $tables; do
  rows=$(psql_db "$url" "SELECT row_to_json(t)::text FROM migrate.$table t")
  [[ "$rows" != *"$secret"* ]] || fail "the password is in migrate.$table: $rows"
done

# --- migrate dump: pg_dump's arguments (readable by every user through ps and
# /proc) never hold the password; it reaches pg_dump in its environment.
real_pg_dump=$(command -v pg_dump)
mkdir spy
cat >spy/pg_dump <<SPY
#!/usr/bin/env bash
printf '%s\n' "\$@" >"$work/pg_dump.args"
printf '%s' "\${PGPASSWORD:-}" >"$work/pg_dump.password"
exec "$real_pg_dump" "\$@"
SPY
chmod +x spy/pg_dump
for form in "postgresql+psycopg2://$PGUSER:$secret@/$db?$where" "$keywords password=$secret"; do
  rm -f pg_dump.args pg_dump.password
  PATH="$work/spy:$PATH" check_run flag "$form" dump
  assert_rc 0
  assert_out_contains "CREATE TABLE"
  [[ -s pg_dump.args ]] || fail "migrate dump did not run pg_dump from PATH"
  [[ "$(<pg_dump.args)" != *"$secret"* ]] || fail "the password is in pg_dump's arguments: $(<pg_dump.args)"
  [[ "$(<pg_dump.password)" == "$secret" ]] || fail "pg_dump did not get the password in PGPASSWORD"
done
echo "$runs runs, no password shown"
