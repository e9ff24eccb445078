#!/usr/bin/env bash
# Every YAML operation through the binary on a small table: what `upgrade`
# (expand), `contract`, and `downgrade` (rollback of an expanded revision, down
# of a contracted one) leave in the catalog and the rows. Also what `upgrade
# --sql` prints for a YAML revision, and the rebuild of an index left invalid
# by an interrupted concurrent build.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/story_lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/operations_lib.sh"

# --- add_column ----------------------------------------------------------------

ADD_COLUMN_SETUP="CREATE TABLE teams (id bigint PRIMARY KEY); INSERT INTO teams VALUES (1), (2);
  CREATE TABLE items (id bigserial PRIMARY KEY, name text NOT NULL);
  INSERT INTO items (name) VALUES ('apple'), ('pear'), ('plum');"
ADD_COLUMN_OPS='  - add_column: {table: items, column: code, type: text, up: "upper(name)", nullable: false,
      unique: true, check: "length(code) > 1", default: "'"'"'ZZ'"'"'"}
  - add_column: {table: items, column: team_id, type: bigint, default: "1", references: teams}
  - add_column: {table: items, column: added_at, type: timestamptz, default: "now()"}'

add_column_expand_contract_down() {
  project "$ADD_COLUMN_SETUP" "$ADD_COLUMN_OPS"
  upgrade_ok
  assert_eq expanded "$(phase_of)" "nullable: false and unique leave work for contract"
  expect "SELECT string_agg(code, ',' ORDER BY id) FROM items" "APPLE,PEAR,PLUM" "backfilled from up"
  expect "SELECT count(*) FROM items WHERE team_id = 1" 3 "the constant default fills the rows"
  expect "SELECT count(*) FROM items WHERE added_at IS NULL" 0 "the backfill fills the volatile default"
  assert_eq f "$(not_null items code)" "the new column stays nullable during expand"
  assert_eq "" "$(column_default items code)" "a default with up waits for contract"
  assert_eq "t|t" "$(index items_code_key)" "the unique index is built, valid"
  assert_eq "c|t" "$(constraint items_code_check)" "the check is validated"
  assert_eq "f|t" "$(constraint items_team_id_fkey)" "the foreign key is validated"
  assert_sync_trigger_on items
  # v1 writes name only: the trigger fills code.
  q "INSERT INTO items (name) VALUES ('fig')"
  expect "SELECT code || ' ' || team_id FROM items WHERE name = 'fig'" "FIG 1"
  q "UPDATE items SET name = 'kiwi' WHERE name = 'fig'"
  expect "SELECT code FROM items WHERE name = 'kiwi'" "KIWI" "an update of name recomputes code"
  # The check and the foreign key hold for new rows at once.
  m status --json
  assert_rc 0
  assert_eq '["0p0000000001"]' "$(json_out 'd["expanded"]')" "status shows the revision expanded"

  contract_ok
  assert_eq t "$(not_null items code)" "contract sets NOT NULL"
  assert_eq "u|t" "$(constraint items_code_key)" "contract turns the unique index into a constraint"
  assert_eq "'ZZ'::text" "$(column_default items code)" "contract sets the deferred default"
  expect "SELECT count(*) FROM pg_constraint WHERE conname LIKE 'migrate_nn_%'" 0 "the NOT NULL helper check is gone"
  assert_no_sync_left
  q "INSERT INTO items (name) VALUES ('lime')"
  expect "SELECT code FROM items WHERE name = 'lime'" "ZZ" "after contract the default applies"

  downgrade_ok
  assert_eq "id name" "$(columns_of "$URL" items)" "down drops the added columns"
}

add_column_rollback() {
  project "$ADD_COLUMN_SETUP" "$ADD_COLUMN_OPS"
  upgrade_ok
  downgrade_ok
  assert_eq "id name" "$(columns_of "$URL" items)" "rollback drops the added columns"
  expect "SELECT count(*) FROM pg_class WHERE relname = 'items_code_key'" 0 "the unique index went with its column"
  assert_no_sync_left
  q "INSERT INTO items (name) VALUES ('fig')"
}

# --- drop_column ---------------------------------------------------------------

DROP_COLUMN_SETUP="CREATE TABLE people (id bigserial PRIMARY KEY, nick text NOT NULL, full_name text);
  INSERT INTO people (nick, full_name) VALUES ('ada', 'Ada Lovelace'), ('alan', 'Alan Turing');"
DROP_COLUMN_OPS='  - drop_column: {table: people, column: nick, down: "lower(split_part(full_name, '"' '"', 1))", type: text}'

drop_column_expand_contract_down() {
  project "$DROP_COLUMN_SETUP" "$DROP_COLUMN_OPS"
  upgrade_ok
  assert_eq expanded "$(phase_of)"
  assert_eq "full_name id nick" "$(columns_of "$URL" people)" "the column stays until contract"
  assert_eq f "$(not_null people nick)" "writers of the new version may leave it out"
  # v2 leaves nick out: the trigger computes it from down.
  q "INSERT INTO people (full_name) VALUES ('Grace Hopper')"
  expect "SELECT nick FROM people WHERE full_name = 'Grace Hopper'" grace "down fills the old column"
  q "INSERT INTO people (nick, full_name) VALUES ('bob', 'Robert Smith')"
  expect "SELECT nick FROM people WHERE full_name = 'Robert Smith'" bob "v1's value is kept"

  contract_ok
  assert_eq "full_name id" "$(columns_of "$URL" people)" "contract drops the column"
  assert_no_sync_left

  downgrade_ok
  assert_eq "full_name id nick" "$(columns_of "$URL" people)" "down adds the column back"
  expect "SELECT string_agg(nick, ',' ORDER BY id) FROM people" "ada,alan,grace,robert" \
    "down backfills the column from down"
}

drop_column_rollback() {
  project "$DROP_COLUMN_SETUP" "$DROP_COLUMN_OPS"
  upgrade_ok
  q "INSERT INTO people (full_name) VALUES ('Grace Hopper')"
  downgrade_ok
  assert_eq "full_name id nick" "$(columns_of "$URL" people)"
  expect "SELECT string_agg(nick, ',' ORDER BY id) FROM people" "ada,alan,grace" "what v2 wrote is in the old column"
  assert_no_sync_left
}

# --- rename_column -------------------------------------------------------------

RENAME_SETUP="CREATE TABLE accounts (id bigserial PRIMARY KEY, mail text NOT NULL DEFAULT 'none');
  INSERT INTO accounts (mail) VALUES ('a@x'), ('b@x');"
RENAME_OPS='  - rename_column: {table: accounts, from: mail, to: email}'

rename_column_expand_contract_down() {
  project "$RENAME_SETUP" "$RENAME_OPS"
  upgrade_ok
  assert_eq expanded "$(phase_of)"
  expect "SELECT string_agg(email, ',' ORDER BY id) FROM accounts" "a@x,b@x" "the new column is backfilled"
  assert_eq text "$(column_type accounts email)" "the new column has the old one's type"
  q "INSERT INTO accounts (mail) VALUES ('v1@x')"
  q "INSERT INTO accounts (email) VALUES ('v2@x')"
  q "UPDATE accounts SET email = 'b2@x' WHERE mail = 'b@x'"
  expect "SELECT count(*) FROM accounts WHERE mail IS DISTINCT FROM email" 0 "both names agree"

  contract_ok
  assert_eq "email id" "$(columns_of "$URL" accounts)" "contract drops the old name"
  assert_eq t "$(not_null accounts email)" "the new column gets the old NOT NULL"
  assert_eq "'none'::text" "$(column_default accounts email)" "and the old default"
  assert_no_sync_left

  downgrade_ok
  assert_eq "id mail" "$(columns_of "$URL" accounts)" "down renames the column back"
  expect "SELECT string_agg(mail, ',' ORDER BY id) FROM accounts" "a@x,b2@x,v1@x,v2@x"
}

rename_column_rollback() {
  project "$RENAME_SETUP" "$RENAME_OPS"
  upgrade_ok
  q "INSERT INTO accounts (email) VALUES ('v2@x')"
  downgrade_ok
  assert_eq "id mail" "$(columns_of "$URL" accounts)" "rollback drops the new name"
  expect "SELECT mail FROM accounts WHERE id = 3" "v2@x" "what v2 wrote is in the old column"
  assert_no_sync_left
}

# --- alter_column ---------------------------------------------------------------

ALTER_SETUP="CREATE TABLE counters (id bigserial PRIMARY KEY, hits integer NOT NULL DEFAULT 0, score integer);
  INSERT INTO counters (hits, score) VALUES (5, 50), (7, NULL);"
ALTER_OPS='  - alter_column: {table: counters, column: hits, type: bigint, old_type: integer}
  - alter_column: {table: counters, column: score, name: score_text, type: text, old_type: integer}'

alter_column_expand_contract_down() {
  project "$ALTER_SETUP" "$ALTER_OPS"
  upgrade_ok
  assert_eq expanded "$(phase_of)"
  expect "SELECT string_agg(migrate_new_hits::text, ',' ORDER BY id) FROM counters" "5,7" "the shadow column is backfilled"
  assert_eq bigint "$(column_type counters migrate_new_hits)"
  expect "SELECT score_text FROM counters WHERE id = 1" 50 "the renamed column is backfilled"
  q "INSERT INTO counters (hits, score) VALUES (3000000, 1)"
  q "INSERT INTO counters (hits, score_text) VALUES (1, '42')"
  q "UPDATE counters SET hits = 8 WHERE id = 2"
  expect "SELECT count(*) FROM counters WHERE migrate_new_hits IS DISTINCT FROM hits" 0 "the shadow follows hits"
  expect "SELECT count(*) FROM counters WHERE score::text IS DISTINCT FROM score_text" 0 "score and score_text agree"

  contract_ok
  assert_eq bigint "$(column_type counters hits)" "contract swaps in the new type"
  assert_eq t "$(not_null counters hits)" "hits keeps NOT NULL"
  assert_eq "0" "$(column_default counters hits)" "hits keeps its default"
  assert_eq "hits id score_text" "$(columns_of "$URL" counters)"
  expect "SELECT string_agg(hits::text, ',' ORDER BY id) FROM counters" "5,8,3000000,1"
  assert_no_sync_left

  downgrade_ok
  assert_eq integer "$(column_type counters hits)" "down changes the type back"
  assert_eq integer "$(column_type counters score)" "down renames and converts score back"
  assert_eq "hits id score" "$(columns_of "$URL" counters)"
  expect "SELECT string_agg(coalesce(score::text, '-'), ',' ORDER BY id) FROM counters" "50,-,1,42"
}

alter_column_rollback() {
  project "$ALTER_SETUP" "$ALTER_OPS"
  upgrade_ok
  downgrade_ok
  assert_eq "hits id score" "$(columns_of "$URL" counters)" "rollback drops the shadow and the new name"
  assert_eq integer "$(column_type counters hits)"
  assert_no_sync_left
}

# --- create_index and drop_index ------------------------------------------------------

INDEX_SETUP="CREATE TABLE docs (id bigserial PRIMARY KEY, title text, slug text);
  CREATE INDEX docs_title_idx ON docs (title);
  INSERT INTO docs (title, slug) VALUES ('a', 'a'), ('b', NULL), ('c', NULL);"
INDEX_OPS='  - create_index: {name: docs_slug_idx, table: docs, columns: [slug], unique: true, where: "slug IS NOT NULL"}
  - drop_index: {name: docs_title_idx, table: docs, columns: [title]}'

index_expand_contract_down() {
  project "$INDEX_SETUP" "$INDEX_OPS"
  m upgrade --allow-existing-schema --sql
  assert_rc 0
  # CONCURRENTLY, and never inside BEGIN ... COMMIT.
  assert_out_contains 'CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "docs_slug_idx" ON "public"."docs" ("slug") WHERE (slug IS NOT NULL)'
  assert_outside_transaction 'CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "docs_slug_idx"'

  upgrade_ok
  assert_eq expanded "$(phase_of)"
  assert_eq "t|t" "$(index docs_slug_idx)" "the index is built, valid and unique"
  expect "SELECT pg_get_expr(indpred, indrelid) FROM pg_index WHERE indexrelid = 'docs_slug_idx'::regclass" \
    "(slug IS NOT NULL)" "the index is partial"
  assert_eq "t|f" "$(index docs_title_idx)" "drop_index keeps the index until contract"

  m contract --sql
  assert_rc 0
  assert_out_contains 'DROP INDEX CONCURRENTLY IF EXISTS "public"."docs_title_idx"'
  assert_outside_transaction 'DROP INDEX CONCURRENTLY IF EXISTS "public"."docs_title_idx"'
  assert_eq "t|f" "$(index docs_title_idx)" "contract --sql touches nothing"
  contract_ok
  assert_eq "" "$(index docs_title_idx)" "contract drops the index"
  assert_eq "t|t" "$(index docs_slug_idx)"

  downgrade_ok
  assert_eq "" "$(index docs_slug_idx)" "down drops the created index"
  assert_eq "t|f" "$(index docs_title_idx)" "down builds the dropped index again"
}

index_rollback() {
  project "$INDEX_SETUP" "$INDEX_OPS"
  upgrade_ok
  downgrade_ok
  assert_eq "" "$(index docs_slug_idx)" "rollback drops the created index"
  assert_eq "t|f" "$(index docs_title_idx)" "the index drop_index names was never dropped"
}

# An interrupted CREATE INDEX CONCURRENTLY leaves an INVALID index of that
# name; IF NOT EXISTS alone would keep it. upgrade drops it and builds it again.
invalid_index_rebuilt() {
  project "CREATE TABLE docs (id bigserial PRIMARY KEY, title text, slug text);
    INSERT INTO docs (title, slug) VALUES ('a', 'dup'), ('b', 'dup');" \
    '  - create_index: {name: docs_slug_idx, table: docs, columns: [slug], unique: true}'
  psql -XAtq -d "$URL" -c 'CREATE UNIQUE INDEX CONCURRENTLY docs_slug_idx ON docs (slug)' 2>/dev/null &&
    fail "the duplicate build should have failed"
  assert_eq "f|t" "$(index docs_slug_idx)" "the failed build left an invalid index"
  q "UPDATE docs SET slug = 'b' WHERE title = 'b'"

  upgrade_ok
  assert_err_contains 'warning: index "public"."docs_slug_idx" is invalid'
  assert_err_contains "dropping and rebuilding it"
  assert_eq "t|t" "$(index docs_slug_idx)" "the index is valid after the upgrade"
  assert_eq complete "$(phase_of)"
}

# --- add_constraint ------------------------------------------------------------------

CONSTRAINT_SETUP="CREATE TABLE customers (id bigint PRIMARY KEY); INSERT INTO customers VALUES (1);
  CREATE TABLE orders (id bigserial PRIMARY KEY, qty integer, customer_id bigint, ref text);
  INSERT INTO orders (qty, customer_id, ref) VALUES (1, 1, 'r1'), (2, 1, 'r2');"
CONSTRAINT_OPS='  - add_constraint: {table: orders, name: orders_qty_positive, check: "qty > 0"}
  - add_constraint: {table: orders, name: orders_ref_key, unique: [ref]}
  - add_constraint: {table: orders, name: orders_customer_fk,
      foreign_key: {columns: [customer_id], references: {table: customers}, on_delete: cascade}}'

constraints_expand_down() {
  project "$CONSTRAINT_SETUP" "$CONSTRAINT_OPS"
  m upgrade --allow-existing-schema --sql
  assert_rc 0
  assert_out_contains 'ADD CONSTRAINT "orders_qty_positive" CHECK (qty > 0) NOT VALID'
  assert_out_contains 'ALTER TABLE "public"."orders" VALIDATE CONSTRAINT "orders_qty_positive"'
  assert_out_contains 'REFERENCES "public"."customers" ON DELETE CASCADE NOT VALID'
  assert_out_contains 'CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "orders_ref_key"'
  assert_outside_transaction 'CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "orders_ref_key"'
  # The VALIDATE does not share the transaction of the ADD before it (whose
  # ACCESS EXCLUSIVE lock would be held during the scan).
  awk '/^BEGIN;$/ {block = ""} {block = block $0 "\n"}
       /^COMMIT;$/ && block ~ /orders_qty_positive. CHECK/ && block ~ /VALIDATE CONSTRAINT .orders_qty_positive/ {bad = 1}
       END {exit bad}' <<<"$OUT" || fail "VALIDATE shares a transaction with ADD CONSTRAINT"

  upgrade_ok
  assert_eq complete "$(phase_of)" "add_constraint has no contract work"
  assert_eq "c|t" "$(constraint orders_qty_positive)" "the check is added and validated"
  assert_eq "u|t" "$(constraint orders_ref_key)" "the unique constraint uses its index"
  assert_eq "f|t" "$(constraint orders_customer_fk)" "the foreign key is added and validated"
  psql -XAtq -d "$URL" -c "INSERT INTO orders (qty) VALUES (0)" 2>/dev/null &&
    fail "the check does not hold for new rows"

  downgrade_ok
  expect "SELECT count(*) FROM pg_constraint WHERE conrelid = 'orders'::regclass AND contype <> 'p'" 0 \
    "down drops the constraints"
  assert_eq "" "$(index orders_ref_key)" "down drops the unique index"
}

# A check that existing rows break: VALIDATE fails, exit 1; the constraint
# stays NOT VALID (new rows are checked) and the revision shows in progress.
constraint_validation_fails() {
  project "CREATE TABLE orders (id bigserial PRIMARY KEY, qty integer); INSERT INTO orders (qty) VALUES (0);" \
    '  - add_constraint: {table: orders, name: orders_qty_positive, check: "qty > 0"}'
  m upgrade --allow-existing-schema
  assert_rc 1
  assert_err_contains "orders_qty_positive"
  assert_eq "c|f" "$(constraint orders_qty_positive)" "the constraint stays NOT VALID"
  assert_eq in_progress "$(phase_of)"
  q "UPDATE orders SET qty = 1"
  upgrade_ok
  assert_eq "c|t" "$(constraint orders_qty_positive)" "the retry validates it"
}

# --- create_table and drop_table -----------------------------------------------------

TABLE_SETUP="CREATE TABLE legacy (id int); INSERT INTO legacy VALUES (1);"
TABLE_OPS='  - create_table:
      table: tags
      columns:
        - {name: id, type: bigserial, primary_key: true}
        - {name: label, type: text, nullable: false, unique: true}
        - {name: weight, type: integer, default: "1", check: "weight > 0"}
  - drop_table: {table: legacy, down: "CREATE TABLE legacy (id int);"}'

tables_expand_contract_down() {
  project "$TABLE_SETUP" "$TABLE_OPS"
  upgrade_ok
  assert_eq expanded "$(phase_of)"
  assert_eq "id label weight" "$(columns_of "$URL" tags)" "create_table creates the table"
  q "INSERT INTO tags (label) VALUES ('x')"
  expect "SELECT weight FROM tags" 1
  table_exists "$URL" legacy || fail "drop_table keeps the table until contract"

  contract_ok
  ! table_exists "$URL" legacy || fail "contract drops the table"

  downgrade_ok
  ! table_exists "$URL" tags || fail "down drops the created table"
  table_exists "$URL" legacy || fail "down re-creates the dropped table"
}

tables_rollback() {
  project "$TABLE_SETUP" "$TABLE_OPS"
  upgrade_ok
  downgrade_ok
  ! table_exists "$URL" tags || fail "rollback drops the created table"
  expect "SELECT count(*) FROM legacy" 1 "the dropped table and its rows are still there"
}

# --- sql -------------------------------------------------------------------------------

SQL_OPS='  - sql:
      up: "CREATE TABLE audit (id int); INSERT INTO audit VALUES (1);"
      contract: "ALTER TABLE audit ADD COLUMN done boolean NOT NULL DEFAULT true;"
      down: "DROP TABLE IF EXISTS audit;"'

sql_expand_contract_down() {
  project "CREATE TABLE unrelated (id int)" "$SQL_OPS"
  upgrade_ok
  assert_eq expanded "$(phase_of)" "a contract part leaves the revision expanded"
  assert_eq "id" "$(columns_of "$URL" audit)"
  contract_ok
  assert_eq "done id" "$(columns_of "$URL" audit)" "contract runs the contract part"
  downgrade_ok
  ! table_exists "$URL" audit || fail "down runs the down part"
}

sql_rollback() {
  project "CREATE TABLE unrelated (id int)" "$SQL_OPS"
  upgrade_ok
  downgrade_ok
  ! table_exists "$URL" audit || fail "rollback runs the down part"
}

# --- upgrade --sql of the canary revision ---------------------------------------------

CANARY_OPS='  - add_column: {table: users, column: first, type: text, up: "split_part(name, '"' '"', 1)"}
  - add_column: {table: users, column: last, type: text, up: "split_part(name, '"' '"', 2)"}
  - drop_column: {table: users, column: name, down: "first || '"' '"' || last", type: text}'

offline_sql_of_a_yaml_revision() {
  project "CREATE TABLE users (id bigserial PRIMARY KEY, name text NOT NULL);
           INSERT INTO users (name) SELECT 'first' || i || ' last' || i FROM generate_series(1, 2500) i" "$CANARY_OPS"
  m upgrade --allow-existing-schema --sql --batch-size 1000
  assert_rc 0
  assert_out_contains 'CREATE OR REPLACE FUNCTION "public"."migrate_sync_0p0000000001_users"() RETURNS trigger'
  assert_out_contains 'CREATE TRIGGER "migrate_sync_0p0000000001_users" BEFORE INSERT OR UPDATE ON "public"."users"'
  assert_out_contains "-- backfill public.users in batches of 1000 rows by primary key, each batch its own transaction"
  assert_out_contains 'DO $migrate_backfill$'
  assert_out_contains "UPDATE \"public\".\"users\" SET \"first\" = (split_part(name, '' '', 1)), \"last\" = (split_part(name, '' '', 2)) WHERE"
  local script=$OUT
  # The new columns must never be visible without the trigger that keeps them
  # in sync: they are added in the transaction that creates it.
  awk '/^BEGIN;/ {block = ""} {block = block $0 "\n"} /^COMMIT;/ {
         if (block ~ /CREATE TRIGGER "migrate_sync_/) { print block; found = 1 } }
       END { exit !found }' <<<"$OUT" >trigger_block.sql || fail "no transaction creates the trigger"
  grep -qF 'ADD COLUMN IF NOT EXISTS "first" text' trigger_block.sql ||
    fail "\"first\" is added in another transaction than the sync trigger: v2 can write it before the trigger exists"$'\n'"$(cat trigger_block.sql)"
  grep -qF 'ADD COLUMN IF NOT EXISTS "last" text' trigger_block.sql ||
    fail "\"last\" is added in another transaction than the sync trigger"
  grep -qF 'ALTER COLUMN "name" DROP NOT NULL' trigger_block.sql ||
    fail "name becomes nullable in another transaction than the sync trigger"
  assert_eq "" "$(q "SELECT 1 FROM pg_namespace WHERE nspname = 'migrate'")" "--sql creates no state schema"
  assert_eq "id name" "$(columns_of "$URL" users)" "--sql touches nothing"

  # Run with psql, the script does what upgrade does, backfill included, and
  # records the revision as expanded only after the rows are filled.
  printf '%s\n' "$script" >upgrade.sql
  psql -XAtq -v ON_ERROR_STOP=1 -d "$URL" -f upgrade.sql >psql.out 2>&1 || fail "psql could not run the script: $(cat psql.out)"
  expect "SELECT count(*) FROM users WHERE first IS NULL OR last IS NULL" 0 "every old row is backfilled"
  expect "SELECT count(*) FROM users WHERE first || ' ' || last <> name" 0 "backfilled from name"
  assert_eq expanded "$(phase_of)" "the script records the revision as expanded"
  expect "SELECT rows_done, finished FROM migrate.backfill_progress" "" "the finished backfill's progress is cleared"
  m status
  assert_rc 0
  m contract
  assert_rc 0
  expect "SELECT count(*) FROM users WHERE first IS NULL" 0 "contract keeps every name"

  # Without a database, --sql cannot know the primary key the batches walk: it
  # refuses and prints nothing rather than a script that loses data.
  run_migrate upgrade --sql
  assert_rc 2
  assert_err_contains "--sql cannot print the backfill of public.users without a database"
  assert_eq "" "$OUT" "nothing printed"

  # Nor can downgrade --sql know what is applied without a database: it refuses
  # rather than print an empty script.
  run_migrate downgrade base --sql
  assert_rc 2
  assert_err_contains "migrate: error: downgrade --sql needs the database: only it knows which revisions are applied"
  assert_eq "" "$OUT" "nothing printed"

  # downgrade --sql of the expanded revision shows the rollback.
  project "CREATE TABLE users (id bigserial PRIMARY KEY, name text NOT NULL)" "$CANARY_OPS"
  upgrade_ok
  m downgrade base --sql
  assert_rc 0
  assert_out_contains 'DROP TRIGGER IF EXISTS "migrate_sync_0p0000000001_users" ON "public"."users"'
  assert_out_contains 'DROP FUNCTION IF EXISTS "public"."migrate_sync_0p0000000001_users"()'
  assert_out_contains 'ALTER TABLE "public"."users" DROP COLUMN IF EXISTS "first"'
  assert_eq expanded "$(phase_of)" "downgrade --sql touches nothing"
}

section add_column add_column_expand_contract_down
section add_column_rollback add_column_rollback
section drop_column drop_column_expand_contract_down
section drop_column_rollback drop_column_rollback
section rename_column rename_column_expand_contract_down
section rename_column_rollback rename_column_rollback
section alter_column alter_column_expand_contract_down
section alter_column_rollback alter_column_rollback
section index index_expand_contract_down
section index_rollback index_rollback
section invalid_index_rebuilt invalid_index_rebuilt
section constraints constraints_expand_down
section constraint_validation_fails constraint_validation_fails
section tables tables_expand_contract_down
section tables_rollback tables_rollback
section sql sql_expand_contract_down
section sql_rollback sql_rollback
section offline_sql offline_sql_of_a_yaml_revision

finish_sections
