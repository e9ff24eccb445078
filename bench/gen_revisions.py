#!/usr/bin/python3
"""Writes N linear revisions (CREATE TABLE t_i (id int)) for migrate, Alembic,
dbmate and psql, for the benchmarks. Stdlib only.

  gen_revisions.py KIND N OUT_DIR [DATABASE_URL]

KIND: migrate  OUT_DIR/<id>_create_t_i.sql with -- migrate: metadata
      alembic  OUT_DIR/{alembic.ini,env.py,script.py.mako,versions/*.py};
               DATABASE_URL is a SQLAlchemy URL (env.py prefers
               $BENCH_ALEMBIC_URL when set)
      dbmate   OUT_DIR/db/migrations/<timestamp>_create_t_i.sql
      psql     OUT_DIR/all.sql, the same statements in one file
"""
import os
import sys


def migrate_id(i):
    return "%012d" % i


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def gen_migrate(n, out):
    os.makedirs(out, exist_ok=True)
    for i in range(1, n + 1):
        parents = migrate_id(i - 1) if i > 1 else ""
        write(os.path.join(out, "%s_create_t_%d.sql" % (migrate_id(i), i)),
              "-- migrate:revision %s\n"
              "-- migrate:parents %s\n"
              "-- migrate:message create t_%d\n\n"
              "-- migrate:up\nCREATE TABLE t_%d (id int);\n\n"
              "-- migrate:down\nDROP TABLE t_%d;\n" % (migrate_id(i), parents, i, i, i))


ALEMBIC_INI = """[alembic]
script_location = %(here)s
sqlalchemy.url = {url}

[loggers]
keys = root

[handlers]
keys = console

[formatters]
keys = generic

[logger_root]
level = WARN
handlers = console

[handler_console]
class = StreamHandler
args = (sys.stderr,)
level = NOTSET
formatter = generic

[formatter_generic]
format = %%(levelname)-5.5s [%%(name)s] %%(message)s
"""

# The online part of Alembic's generic template, without logging set-up.
ALEMBIC_ENV = """import os

from alembic import context
from sqlalchemy import engine_from_config, pool

config = context.config
# The benchmarks point one generated environment at several databases.
if os.environ.get("BENCH_ALEMBIC_URL"):
    config.set_main_option("sqlalchemy.url", os.environ["BENCH_ALEMBIC_URL"].replace("%", "%%"))


def run_migrations_offline():
    context.configure(url=config.get_main_option("sqlalchemy.url"), literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    connectable = engine_from_config(config.get_section(config.config_ini_section),
                                     prefix="sqlalchemy.", poolclass=pool.NullPool)
    with connectable.connect() as connection:
        context.configure(connection=connection, target_metadata=None)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
"""

ALEMBIC_MAKO = '''"""${message}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
Create Date: ${create_date}

"""
from alembic import op
import sqlalchemy as sa
${imports if imports else ""}

revision = ${repr(up_revision)}
down_revision = ${repr(down_revision)}
branch_labels = ${repr(branch_labels)}
depends_on = ${repr(depends_on)}


def upgrade() -> None:
    ${upgrades if upgrades else "pass"}


def downgrade() -> None:
    ${downgrades if downgrades else "pass"}
'''

ALEMBIC_REVISION = '''"""create t_{i}

Revision ID: {rev}
Revises: {down}
"""
from alembic import op
import sqlalchemy as sa

revision = {rev!r}
down_revision = {down_repr}
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE TABLE t_{i} (id int)")


def downgrade() -> None:
    op.execute("DROP TABLE t_{i}")
'''


def gen_alembic(n, out, url):
    versions = os.path.join(out, "versions")
    os.makedirs(versions, exist_ok=True)
    write(os.path.join(out, "alembic.ini"), ALEMBIC_INI.format(url=url.replace("%", "%%")))
    write(os.path.join(out, "env.py"), ALEMBIC_ENV)
    write(os.path.join(out, "script.py.mako"), ALEMBIC_MAKO)
    for i in range(1, n + 1):
        rev = "%012x" % i
        down = "%012x" % (i - 1) if i > 1 else None
        write(os.path.join(versions, "%s_create_t_%d.py" % (rev, i)),
              ALEMBIC_REVISION.format(i=i, rev=rev, down=down or "", down_repr=repr(down)))


def gen_dbmate(n, out):
    migrations = os.path.join(out, "db", "migrations")
    os.makedirs(migrations, exist_ok=True)
    for i in range(1, n + 1):
        # dbmate orders by the numeric prefix; 14 digits like its own timestamps.
        write(os.path.join(migrations, "%014d_create_t_%d.sql" % (20000000000000 + i, i)),
              "-- migrate:up\nCREATE TABLE t_%d (id int);\n\n-- migrate:down\nDROP TABLE t_%d;\n" % (i, i))


def gen_psql(n, out):
    os.makedirs(out, exist_ok=True)
    write(os.path.join(out, "all.sql"), "".join("CREATE TABLE t_%d (id int);\n" % i for i in range(1, n + 1)))


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    kind, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    if kind == "migrate":
        gen_migrate(n, out)
    elif kind == "alembic":
        gen_alembic(n, out, sys.argv[4])
    elif kind == "dbmate":
        gen_dbmate(n, out)
    elif kind == "psql":
        gen_psql(n, out)
    else:
        sys.exit("unknown kind %s" % kind)


if __name__ == "__main__":
    main()
