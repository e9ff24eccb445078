#!/usr/bin/env bash
# A database another tool (or a person) built, with no migrate state: every
# writing command refuses it (exit 8) before creating anything, naming what it
# found; status shows the same; --allow-existing-schema runs on purpose
# (recorded); stamp adopts it.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/story_lib.sh"

k_hint_tail='`migrate stamp REV` records revisions that already describe this schema; `--allow-existing-schema` runs anyway (recorded)'
k_refusal='migrate: error: the database holds a schema that migrate did not write, and no migrate state: '

# A project whose only revision creates widgets.
widgets_project() {
  fresh_project
  mkdir migrations
  cat >migrations/0a0a0a0a0a01_create_widgets.sql <<'SQL'
-- migrate:revision 0a0a0a0a0a01
-- migrate:parents
-- migrate:message create widgets

-- migrate:up
CREATE TABLE widgets (id bigint PRIMARY KEY);

-- migrate:down
DROP TABLE widgets;
SQL
}

# refused SETUP_SQL FINDING HINT_STEPS: a database holding SETUP_SQL refuses
# upgrade, downgrade, contract and upgrade --sql with exit 8, the finding and
# the hint, and is byte-identical afterwards; status says the same (exit 8).
refused() {
  local setup=$1 finding=$2 steps=$3 before
  widgets_project
  psql_db "$DATABASE_URL" "$setup"
  before=$(database_dump "$DATABASE_URL")
  local expected="$k_refusal$finding"$'\n'"hint: nothing was changed; adopt the database first: $steps$k_hint_tail"
  for command in "upgrade" "upgrade --sql" "downgrade base" "contract"; do
    # shellcheck disable=SC2086
    run_migrate $command
    assert_rc 8
    assert_eq "$expected" "$ERR" "migrate $command names what it found"
    # A refused --sql prints no script at all: it is printed only whole.
    assert_eq "" "$OUT" "migrate $command prints nothing on stdout"
  done
  assert_eq "$before" "$(database_dump "$DATABASE_URL")" "the refused commands changed the database"
  run_migrate status
  assert_rc 8
  assert_out_contains "UNADOPTED  no migrate state, but the database holds $finding"
  assert_out_contains "writing commands refuse it (exit 8); adopt the database first: $steps"
  run_migrate status --json
  assert_rc 8
  assert_eq "8 False" "$(json_out 'str(d["exit_code"]) + " " + str(d["consistent"])')" "status --json: exit code and consistency"
  assert_eq "$before" "$(database_dump "$DATABASE_URL")" "status changed the database"
}

steps_for() {
  printf '`migrate import --from %s SRC` writes revisions from its history, then `migrate stamp --from-state %s` records them as applied; ' "$1" "$1"
}

alembic() {
  refused "CREATE TABLE alembic_version (version_num varchar(32) NOT NULL,
             CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num));
           INSERT INTO alembic_version VALUES ('1a2b3c4d5e6f');" \
    "Alembic state table public.alembic_version, newest version 1a2b3c4d5e6f" "$(steps_for alembic)"
}

golang_migrate() {
  refused "CREATE TABLE schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL);
           INSERT INTO schema_migrations VALUES (12, false);" \
    "golang-migrate state table public.schema_migrations, newest version 12" "$(steps_for golang-migrate)"
}

dbmate() {
  refused "CREATE TABLE schema_migrations (version varchar(128) PRIMARY KEY);
           INSERT INTO schema_migrations VALUES ('20240101120000'), ('20240102120000');" \
    "dbmate (or Rails) state table public.schema_migrations, newest version 20240102120000" "$(steps_for dbmate)"
}

rails() {
  refused "CREATE TABLE schema_migrations (version varchar PRIMARY KEY);
           CREATE TABLE ar_internal_metadata (key varchar PRIMARY KEY, value varchar);
           INSERT INTO schema_migrations VALUES ('20231231000000');" \
    "dbmate (or Rails) state table public.schema_migrations, newest version 20231231000000" "$(steps_for dbmate)"
}

diesel() {
  refused "CREATE TABLE __diesel_schema_migrations (version varchar(50) PRIMARY KEY NOT NULL,
             run_on timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP);
           INSERT INTO __diesel_schema_migrations (version) VALUES ('00000000000000'), ('20240115093000');" \
    "Diesel state table public.__diesel_schema_migrations, newest version 20240115093000" "$(steps_for diesel)"
}

flyway() {
  refused "CREATE TABLE flyway_schema_history (installed_rank int PRIMARY KEY, version varchar(50),
             description varchar(200) NOT NULL, type varchar(20) NOT NULL, script varchar(1000) NOT NULL,
             checksum int, installed_by varchar(100) NOT NULL, installed_on timestamp NOT NULL DEFAULT now(),
             execution_time int NOT NULL, success boolean NOT NULL);
           INSERT INTO flyway_schema_history VALUES
             (1, '1', 'init', 'SQL', 'V1__init.sql', 1, 'app', default, 3, true),
             (2, '1.1', 'more', 'SQL', 'V1_1__more.sql', 2, 'app', default, 3, true),
             (3, NULL, 'views', 'SQL', 'R__views.sql', 3, 'app', default, 3, true);" \
    "Flyway state table public.flyway_schema_history, newest version 1.1" "$(steps_for flyway)"
}

sqitch() {
  refused "CREATE SCHEMA sqitch;
           CREATE TABLE sqitch.changes (change_id text PRIMARY KEY, change text NOT NULL, project text NOT NULL,
             committed_at timestamptz NOT NULL DEFAULT clock_timestamp());
           INSERT INTO sqitch.changes VALUES ('a1', 'appschema', 'flipr', '2024-01-01'), ('b2', 'users', 'flipr', '2024-01-02');" \
    "Sqitch state table sqitch.changes, newest version users" "$(steps_for sqitch)"
}

atlas() {
  refused "CREATE SCHEMA atlas_schema_revisions;
           CREATE TABLE atlas_schema_revisions.atlas_schema_revisions (version varchar PRIMARY KEY,
             description varchar NOT NULL, executed_at timestamptz NOT NULL);
           INSERT INTO atlas_schema_revisions.atlas_schema_revisions VALUES ('20240101000000', 'init', now());" \
    "Atlas state table atlas_schema_revisions.atlas_schema_revisions, newest version 20240101000000" ""
}

pgroll() {
  refused "CREATE SCHEMA pgroll;
           CREATE TABLE pgroll.migrations (schema name NOT NULL, name text NOT NULL, migration jsonb NOT NULL,
             created_at timestamptz NOT NULL DEFAULT now(), done boolean NOT NULL DEFAULT false,
             PRIMARY KEY (schema, name));
           INSERT INTO pgroll.migrations VALUES ('public', '01_create_users', '{}', '2024-01-01', true);" \
    "pgroll state table pgroll.migrations, newest version 01_create_users" ""
}

django() {
  refused "CREATE TABLE django_migrations (id bigserial PRIMARY KEY, app varchar(255) NOT NULL,
             name varchar(255) NOT NULL, applied timestamptz NOT NULL);
           INSERT INTO django_migrations (app, name, applied) VALUES ('contenttypes', '0001_initial', now()),
             ('auth', '0012_alter_user_first_name_max_length', now());" \
    "Django state table public.django_migrations, newest version auth.0012_alter_user_first_name_max_length" ""
}

knex() {
  refused "CREATE TABLE knex_migrations (id serial PRIMARY KEY, name varchar(255), batch int, migration_time timestamptz);
           CREATE TABLE knex_migrations_lock (index serial PRIMARY KEY, is_locked int);
           INSERT INTO knex_migrations (name, batch) VALUES ('20240101_create_users.js', 1);" \
    "Knex state table public.knex_migrations, newest version 20240101_create_users.js" ""
}

sequelize() {
  refused "CREATE TABLE \"SequelizeMeta\" (name varchar(255) NOT NULL PRIMARY KEY);
           INSERT INTO \"SequelizeMeta\" VALUES ('20240101000000-create-user.js');" \
    "Sequelize state table public.SequelizeMeta, newest version 20240101000000-create-user.js" ""
}

liquibase() {
  refused "CREATE TABLE databasechangelog (id varchar(255) NOT NULL, author varchar(255) NOT NULL,
             filename varchar(255) NOT NULL, dateexecuted timestamp NOT NULL, orderexecuted int NOT NULL,
             exectype varchar(10) NOT NULL, md5sum varchar(35));
           CREATE TABLE databasechangeloglock (id int PRIMARY KEY, locked boolean NOT NULL);
           INSERT INTO databasechangelog VALUES ('1', 'ann', 'changelog.xml', now(), 1, 'EXECUTED', NULL),
             ('2', 'ann', 'changelog.xml', now(), 2, 'EXECUTED', NULL);" \
    "Liquibase state table public.databasechangelog, newest version 2" ""
}

plain_tables() {
  refused "CREATE SCHEMA app; CREATE TABLE community (id int); CREATE TABLE app.posts (id int);
           CREATE TABLE app.events (id int) PARTITION BY RANGE (id);
           CREATE TABLE app.events_1 PARTITION OF app.events FOR VALUES FROM (0) TO (10);
           CREATE VIEW community_view AS SELECT * FROM community; INSERT INTO community VALUES (1);" \
    "3 tables (app.events, app.posts, public.community)" ""
}

many_tables_and_a_tool() {
  refused "CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY);
           CREATE TABLE a (id int); CREATE TABLE b (id int); CREATE TABLE c (id int);
           CREATE TABLE d (id int); CREATE TABLE e (id int); CREATE TABLE f (id int); CREATE TABLE g (id int);" \
    "Alembic state table public.alembic_version, no version recorded; 7 tables (public.a, public.b, public.c, public.d, public.e and 2 more)" \
    "$(steps_for alembic)"
}

# Only what migrate itself would leave: nothing to refuse.
an_empty_database_or_functions_only() {
  widgets_project
  psql_db "$DATABASE_URL" "CREATE FUNCTION one() RETURNS int LANGUAGE sql AS 'SELECT 1'"
  run_migrate status
  assert_rc 0
  assert_out_not_contains "UNADOPTED"
  run_migrate upgrade
  assert_rc 0
  assert_eq "0a0a0a0a0a01" "$(applied_ids "$DATABASE_URL")" "upgrade ran on a database without tables"
}

allow_existing_schema_runs_and_is_recorded() {
  widgets_project
  psql_db "$DATABASE_URL" "CREATE TABLE community (id int)"
  run_migrate upgrade --allow-existing-schema
  assert_rc 0
  assert_err_contains "--allow-existing-schema: proceeding although the database holds 1 table (public.community) (recorded)"
  assert_eq "0a0a0a0a0a01" "$(applied_ids "$DATABASE_URL")" "the revision was applied"
  assert_eq "allow-existing-schema|run with --allow-existing-schema on a database that held 1 table (public.community)" \
    "$(psql_db "$DATABASE_URL" "SELECT kind, detail FROM migrate.events")" "the override is recorded"
  # Adopted now: the state exists, nothing more to refuse.
  run_migrate status
  assert_rc 0
}

stamp_adopts() {
  widgets_project
  psql_db "$DATABASE_URL" "CREATE TABLE widgets (id bigint PRIMARY KEY);
                           CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY)"
  run_migrate stamp head
  assert_rc 0
  assert_out_contains "Stamped head: recorded 1 revision"
  assert_eq "adopt|adopted a database that held Alembic state table public.alembic_version, no version recorded; 1 table (public.widgets)" \
    "$(psql_db "$DATABASE_URL" "SELECT kind, detail FROM migrate.events WHERE kind = 'adopt'")" "the adoption is recorded"
  run_migrate upgrade
  assert_rc 0
  run_migrate status
  assert_rc 0
}

for name in alembic golang_migrate dbmate rails diesel flyway sqitch atlas pgroll django knex sequelize liquibase \
  plain_tables many_tables_and_a_tool an_empty_database_or_functions_only allow_existing_schema_runs_and_is_recorded \
  stamp_adopts; do
  section "$name" "$name"
done
finish_sections
