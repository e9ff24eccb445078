# The server killed mid-run (pg_ctl stop -m immediate) while revisions commit
# with synchronous_commit off (all but the last of a run): after a restart,
# every recorded revision's table exists and no table exists without its
# record (each revision and its state row one transaction), and running the
# same upgrade again completes. On a cluster of its own (the shared test
# cluster is not to be killed), with fsync and synchronous_commit on.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/session_lib.sh"

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PG_BIN=${MIGRATE_PG_BIN:-/usr/lib/postgresql/15/bin}
readonly N=400

scratch=$(scratch_dir)
pg_dir=$scratch/crash-pg
bash "$REPO/scripts/pg_cluster.sh" start "$pg_dir" >/dev/null 2>&1 || fail "could not start a private cluster"
on_exit bash "$REPO/scripts/pg_cluster.sh" stop "$pg_dir"
base=$pg_dir
[[ -f "$pg_dir/location" ]] && base=$(<"$pg_dir/location")
# shellcheck source=/dev/null
PGHOST=$(. "$pg_dir/env" && echo "$PGHOST")
PGPORT=$(. "$pg_dir/env" && echo "$PGPORT")
as_owner() { if [[ $(id -u) == 0 ]]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi; }

url=$(db_url postgres)
psql_db "$url" "ALTER SYSTEM SET fsync = on" >/dev/null
psql_db "$url" "ALTER SYSTEM SET synchronous_commit = on" >/dev/null
psql_db "$url" "SELECT pg_reload_conf()" >/dev/null
psql_db "$url" "CREATE DATABASE crash" >/dev/null
url=$(db_url crash)

dir=$scratch/revisions
parent=""
for ((i = 1; i <= N; i++)); do
  id=$(printf 'c%011d' "$i")
  write_revision "$dir" "$id" "$parent" "CREATE TABLE t_$i (id int);
INSERT INTO t_$i VALUES ($i);" "DROP TABLE t_$i;"
  parent=$id
done

migrate_bg crashed --dir "$dir" --database-url "$url" upgrade
wait_until "$url" "SELECT to_regclass('migrate.revisions') IS NOT NULL AND (SELECT count(*) >= 40 FROM migrate.revisions)" 300
as_owner "$PG_BIN/pg_ctl" stop -D "$base/data" -m immediate >/dev/null 2>&1 || fail "pg_ctl stop -m immediate failed"
wait "$BG_PID" 2>/dev/null && fail "migrate succeeded although the server was killed during the run"
as_owner "$PG_BIN/pg_ctl" start -D "$base/data" -l "$base/after-crash.log" -w -t 60 -o "-p $PGPORT" >/dev/null 2>&1 ||
  fail "the cluster did not restart: $(tail -n 20 "$base/after-crash.log" 2>/dev/null)"

recorded=$(psql_db "$url" "SELECT count(*) FROM migrate.revisions WHERE phase = 'complete'")
tables=$(psql_db "$url" "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 't\_%'")
((recorded < N)) || fail "the run was not cut short ($recorded of $N recorded)"
assert_eq "$recorded" "$tables" "revisions recorded and tables created agree after the crash"
assert_eq "0" "$(psql_db "$url" "SELECT count(*) FROM migrate.revisions r WHERE to_regclass('public.t_' || ltrim(substr(r.id, 2), '0')) IS NULL")" \
  "every recorded revision's table exists"

run_migrate --dir "$dir" --database-url "$url" -q upgrade
assert_rc 0
assert_eq "$N" "$(psql_db "$url" "SELECT count(*) FROM migrate.revisions WHERE phase = 'complete'")" "the rerun completed"
assert_eq "$N" "$(psql_db "$url" "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 't\_%'")" \
  "every table exists once"
run_migrate --dir "$dir" --database-url "$url" status
assert_rc 0
assert_out_contains "pending    none"
