#!/usr/bin/env bash
# Lint as a team lives with it: upgrade's warnings survive -q, a long history
# is summarised, suppressions silence what they name (and a misspelt rule is
# an error naming file and line), and --pending checks only what is not applied.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

work=$(scratch_dir)
mkdir -p "$work/migrations"
# Revision N: an index built without CONCURRENTLY on a table created by revision 1.
write_revision() {  # N PARENT BODY
  local id parent=""
  id=$(printf 'a%011d' "$1")
  [[ -n "$2" ]] && parent="-- migrate:parents $(printf 'a%011d' "$2")"
  printf -- '-- migrate:revision %s\n%s\n-- migrate:message r%s\n\n-- migrate:up\n%s\n\n-- migrate:down\nSELECT 1;\n' \
    "$id" "$parent" "$1" "$3" >"$work/migrations/${id}_r$1.sql"
}
write_revision 1 "" "CREATE TABLE users (id int PRIMARY KEY, name text);"
write_revision 2 1 "CREATE INDEX users_name ON users (name);"
url=$(new_db)

# -q keeps lint's warnings (and still hides progress).
run_migrate --dir "$work/migrations" --database-url "$url" -q upgrade
assert_rc 0
assert_err_contains "a00000000002_r2.sql:6: warning[index-not-concurrent]: CREATE INDEX on public.users"
assert_err_not_contains "applied"

# Suppressions: the next statement, for the rules named.
write_revision 3 2 "-- migrate:lint-ignore index-not-concurrent (users is small)
CREATE INDEX users_id_name ON users (id, name);"
run_migrate --dir "$work/migrations" lint
assert_rc 0
assert_out_not_contains "a00000000003_r3.sql"
assert_out_contains "3 revisions checked: 0 errors, 1 warning"

# lint --pending: only revision 3 is not applied, and it is silenced.
run_migrate --dir "$work/migrations" --database-url "$url" lint --pending
assert_rc 0
assert_out_contains "1 revision checked (pending only): 0 errors, 0 warnings"

# A misspelt rule is an error at the directive's line, and stops upgrade.
write_revision 3 2 "-- migrate:lint-ignore index-not-concurent (users is small)
CREATE INDEX users_id_name ON users (id, name);"
run_migrate --dir "$work/migrations" lint
assert_rc 7
assert_out_contains "a00000000003_r3.sql:6: error[lint-ignore]: unknown lint rule 'index-not-concurent' in migrate:lint-ignore (did you mean 'index-not-concurrent'?)"
run_migrate --dir "$work/migrations" --database-url "$url" upgrade
assert_rc 7
rm "$work/migrations/a00000000003_r3.sql"

# The first upgrade of a long history: more than 20 warnings are summarised.
for n in $(seq 3 30); do write_revision "$n" $((n - 1)) "CREATE INDEX users_name_$n ON users (name);"; done
fresh=$(new_db)
run_migrate --dir "$work/migrations" --database-url "$fresh" upgrade
assert_rc 0
shown=$(grep -c 'warning\[index-not-concurrent\]' <<<"$ERR" || true)
assert_eq "5" "$shown" "warnings shown before the summary"
assert_err_contains "... and 24 more lint warnings; run \`migrate lint\` to see them all"

# A default calling a VOLATILE user function: the database is asked, when connected.
vol=$(scratch_dir)
mkdir -p "$vol/migrations"
printf -- '-- migrate:revision b1\n-- migrate:message codes\n\n-- migrate:up\nALTER TABLE users ADD COLUMN code text DEFAULT next_code();\n\n-- migrate:down\nSELECT 1;\n' \
  >"$vol/migrations/b1_codes.sql"
db=$(new_db)
psql_db "$db" "CREATE TABLE users (id int PRIMARY KEY); CREATE FUNCTION next_code() RETURNS text LANGUAGE sql VOLATILE AS \$\$SELECT md5(random()::text)\$\$" >/dev/null
run_migrate --dir "$vol/migrations" lint
assert_rc 0
assert_out_contains "1 revision checked: 0 errors, 0 warnings"
run_migrate --dir "$vol/migrations" --database-url "$db" lint --pending
assert_rc 0
assert_out_contains "b1_codes.sql:5: warning[add-column-volatile-default]: adding column public.users.code with default next_code(), a VOLATILE function rewrites the whole table"
run_migrate --dir "$vol/migrations" --database-url "$db" upgrade --allow-existing-schema
assert_rc 0
assert_err_contains "warning[add-column-volatile-default]: adding column public.users.code with default next_code(), a VOLATILE function"
