#!/usr/bin/env bash
# YAML operations never drop what they don't own: rename_column and
# alter_column (a new type through a shadow column) replace the old column in
# contract, and whatever depends on it would go with it. They carry over the
# default and NOT NULL (test_operations.sh), and refuse, before anything is
# written, each other kind of dependent object: index, unique, check and
# foreign-key constraints (both ends), view. Again in contract, for objects
# created after the expand.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/story_lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/operations_lib.sh"

SETUP="CREATE TABLE emails (address text PRIMARY KEY); INSERT INTO emails VALUES ('a@x'), ('b@x');
  CREATE TABLE accounts (id bigserial PRIMARY KEY, mail text NOT NULL DEFAULT 'none', hits integer);
  INSERT INTO accounts (mail, hits) VALUES ('a@x', 1), ('b@x', 2);"
RENAME='  - rename_column: {table: accounts, from: mail, to: email}'
RETYPE='  - alter_column: {table: accounts, column: mail, type: varchar(200), old_type: text}'
FILE=migrations/0p0000000001_op.yaml

# Each kind of dependent object: the SQL that creates it, and how the refusal names it.
DEPENDENT_SQL=(
  "CREATE INDEX accounts_mail_idx ON accounts (mail)"
  "ALTER TABLE accounts ADD CONSTRAINT accounts_mail_key UNIQUE (mail)"
  "ALTER TABLE accounts ADD CONSTRAINT accounts_mail_check CHECK (mail <> '')"
  "ALTER TABLE accounts ADD CONSTRAINT accounts_mail_fkey FOREIGN KEY (mail) REFERENCES emails (address)"
  "CREATE UNIQUE INDEX accounts_mail_uniq ON accounts (mail);
   CREATE TABLE logins (mail text REFERENCES accounts (mail))"
  "CREATE VIEW account_mails AS SELECT id, mail FROM accounts"
)
DEPENDENT_NAMED=(
  "index accounts_mail_idx"
  "unique constraint accounts_mail_key on accounts"
  "check constraint accounts_mail_check on accounts"
  "foreign key accounts_mail_fkey on accounts"
  "foreign key logins_mail_fkey on logins, index accounts_mail_uniq"
  "view account_mails"
)

# What the user owns, before and after: the schema without migrate's own, and the rows.
user_snapshot() {
  pg_dump --schema-only --no-owner --exclude-schema=migrate -d "$URL" | grep -Ev '^(--|$|\\(un)?restrict )'
  q "SELECT string_agg(id || ':' || mail, ',' ORDER BY id) FROM accounts"
}

# refused OPS ACTION HINT_DDL: upgrade of OPS refuses each dependent kind,
# exit 1, naming it, with nothing written.
refused() {
  local ops=$1 action=$2 in_place=$3 i before
  for i in "${!DEPENDENT_SQL[@]}"; do
    project "$SETUP" "$ops"
    q "${DEPENDENT_SQL[$i]}"
    before=$(user_snapshot)
    m upgrade --allow-existing-schema
    assert_rc 1
    assert_err_contains "migrate: error: $FILE:4: $action would lose what depends on public.accounts.mail: ${DEPENDENT_NAMED[$i]}
hint: migrate carries over the default and NOT NULL of public.accounts.mail, nothing else. Drop these objects in a revision before this one and create them on the new column in one after it (a view likewise), or, if the old application version no longer runs, use a \`sql\` operation with $in_place, which keeps them"
    assert_eq "$before" "$(user_snapshot)" "a refused upgrade changed the database (${DEPENDENT_NAMED[$i]})"
    assert_eq none "$(phase_of)" "a refused upgrade recorded the revision (${DEPENDENT_NAMED[$i]})"
  done
}

rename_column_refuses_each_dependent() {
  refused "$RENAME" "renaming public.accounts.mail to email" "ALTER TABLE ... RENAME COLUMN"
}

alter_column_refuses_each_dependent() {
  refused "$RETYPE" "changing the type of public.accounts.mail" \
    "ALTER TABLE ... ALTER COLUMN ... TYPE (it rewrites the table under an ACCESS EXCLUSIVE lock)"
}

several_dependents_are_named_together() {
  project "$SETUP" "$RENAME"
  q "${DEPENDENT_SQL[0]}; ${DEPENDENT_SQL[5]}"
  m upgrade --allow-existing-schema
  assert_rc 1
  assert_err_contains "would lose what depends on public.accounts.mail: index accounts_mail_idx, view account_mails"
}

# Objects created between expand and contract: contract refuses, the old
# column and the revision stay as they were.
contract_refuses_what_came_meanwhile() {
  project "$SETUP" "$RENAME"
  upgrade_ok
  q "${DEPENDENT_SQL[0]}"
  local before
  before=$(user_snapshot)
  m contract
  assert_rc 1
  assert_err_contains "migrate: error: $FILE:4: renaming public.accounts.mail to email would lose what depends on public.accounts.mail: index accounts_mail_idx"
  assert_eq "$before" "$(user_snapshot)" "a refused contract changed the database"
  assert_eq expanded "$(phase_of)" "a refused contract changed the revision's phase"

  q "DROP INDEX accounts_mail_idx"
  contract_ok
  assert_eq "email hits id" "$(columns_of "$URL" accounts)"
}

# Without a database migrate cannot know the dependents: the printed script
# checks them itself, first, and stops there when run with psql.
offline_script_checks_the_dependents() {
  project "$SETUP" "$RENAME"
  q "${DEPENDENT_SQL[0]}"
  m upgrade --allow-existing-schema --sql
  assert_rc 0
  assert_out_contains "would lose what depends on public.accounts.mail: "
  local before
  before=$(user_snapshot)
  printf '%s\n' "$OUT" >script.sql
  ! psql -XAtq -v ON_ERROR_STOP=1 -d "$URL" -f script.sql >/dev/null 2>psql.err || fail "psql ran the whole script"
  grep -q "renaming public.accounts.mail to email would lose what depends on public.accounts.mail: index accounts_mail_idx" psql.err ||
    fail "psql did not stop at the check: $(cat psql.err)"
  assert_eq "id mail hits" "$(q "SELECT string_agg(attname, ' ' ORDER BY attnum) FROM pg_attribute WHERE attrelid = 'accounts'::regclass AND attnum > 0 AND NOT attisdropped")" \
    "the script stopped at the check, before adding the new column"
}

section rename_column_refuses_each_dependent rename_column_refuses_each_dependent
section alter_column_refuses_each_dependent alter_column_refuses_each_dependent
section several_dependents_are_named_together several_dependents_are_named_together
section contract_refuses_what_came_meanwhile contract_refuses_what_came_meanwhile
section offline_script_checks_the_dependents offline_script_checks_the_dependents
finish_sections
