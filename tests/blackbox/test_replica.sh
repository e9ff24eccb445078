# A real streaming replica: a private primary, a standby made from it with
# `pg_basebackup -R`, both started and stopped here. (1) Every writing command
# against the standby is refused before anything else and writes nothing;
# status, history and lock status work there and say it is a standby. (2) A
# multi-host URL with target_session_attrs=read-write reaches the primary
# whichever host is listed first, and the headers say which host answered.
# (3) Failover mid-upgrade: the primary is stopped while an upgrade runs
# through the multi-host URL and the standby is promoted; the run fails
# cleanly, a rerun through the same URL completes on the new primary, and
# every revision is recorded once with its table, none lost, none applied
# twice.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/session_lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/story_lib.sh"

readonly N=30
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# --- the primary -------------------------------------------------------------
scratch=$(scratch_dir)
private_cluster "$scratch/primary"
pbase=$CLUSTER_BASE PSOCK=$CLUSTER_SOCK PPORT=$CLUSTER_PORT SUPER=$CLUSTER_USER
purl() { printf 'postgresql:///%s?host=%s&port=%s&user=%s' "$1" "$(_bb_urlencode "$PSOCK")" "$PPORT" "$SUPER"; }
psql_db "$(purl postgres)" "CREATE DATABASE app" >/dev/null

# --- the standby: pg_basebackup -R, its own port and socket ---------------------
sbase=$(mktemp -d /tmp/migrate-standby.XXXXXX)
chmod 755 "$sbase"
mkdir -p "$sbase/data" "$sbase/sock"
chmod 700 "$sbase/data"
: >"$sbase/postgres.log"
[[ $(id -u) == 0 ]] && chown postgres: "$sbase/data" "$sbase/sock" "$sbase/postgres.log"
stop_standby() {
  as_owner "$PG_BIN/pg_ctl" -D "$sbase/data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
  rm -rf "$sbase"
}
on_exit stop_standby
as_owner "$PG_BIN/pg_basebackup" -h "$PSOCK" -p "$PPORT" -U "$SUPER" -D "$sbase/data" -R -X stream -c fast \
  --no-sync >"$scratch/basebackup.log" 2>&1 || fail "pg_basebackup failed: $(cat "$scratch/basebackup.log")"
SSOCK=$sbase/sock
SPORT=$(free_port)
as_owner "$PG_BIN/pg_ctl" -D "$sbase/data" -l "$sbase/postgres.log" -w -t 60 \
  -o "-p $SPORT -k $SSOCK" start >/dev/null 2>&1 || fail "the standby did not start: $(tail -n 20 "$sbase/postgres.log")"
surl() { printf 'postgresql:///%s?host=%s&port=%s&user=%s' "$1" "$(_bb_urlencode "$SSOCK")" "$SPORT" "$SUPER"; }
wait_until "$(purl postgres)" "SELECT count(*) = 1 FROM pg_stat_replication WHERE state = 'streaming'" 300
assert_eq t "$(psql_db "$(surl postgres)" "SELECT pg_is_in_recovery()")" "the standby is in recovery"

# Waits until the standby has replayed everything the primary wrote so far.
caught_up() {
  local lsn
  lsn=$(psql_db "$(purl postgres)" "SELECT pg_current_wal_lsn()")
  wait_until "$(surl postgres)" "SELECT pg_last_wal_replay_lsn() >= '$lsn'::pg_lsn" 300
}

dir=$scratch/revisions
parent=""
for ((i = 1; i <= N; i++)); do
  id=$(printf 'r%011d' "$i")
  write_revision "$dir" "$id" "$parent" "CREATE TABLE t_$i (id int);
INSERT INTO t_$i VALUES ($i);
SELECT pg_sleep(0.05);" "DROP TABLE t_$i;"
  parent=$id
done

run_migrate --dir "$dir" --database-url "$(purl app)" -q upgrade r00000000003
assert_rc 0
caught_up

# --- (1) the standby: writes refused before anything, reads say what it is -----
standby_app=$(surl app)
before=$(database_dump "$standby_app")
for command in "upgrade" "downgrade r00000000001" "contract" "stamp head"; do
  # shellcheck disable=SC2086
  run_migrate --dir "$dir" --database-url "$standby_app" $command
  assert_rc 1
  assert_err_contains "is a standby (pg_is_in_recovery() is true): \`migrate ${command%% *}\` writes"
  assert_err_contains "nothing was done"
  assert_err_contains "target_session_attrs=read-write"
done
assert_eq "$before" "$(database_dump "$standby_app")" "the standby is unchanged"
assert_eq 3 "$(psql_db "$(purl app)" "SELECT count(*) FROM migrate.revisions")" "the primary is unchanged"

run_migrate --dir "$dir" --database-url "$standby_app" status
assert_rc 0
assert_out_contains "(a standby: read-only)"
assert_out_contains "applied    3 revisions, database head r00000000003"
run_migrate --dir "$dir" --database-url "$standby_app" --json status
assert_rc 0
assert_eq true "$(printf '%s' "$OUT" | python3 -c 'import json, sys; print(str(json.load(sys.stdin)["standby"]).lower())')" \
  "status --json says standby"
run_migrate --dir "$dir" --database-url "$standby_app" history
assert_rc 0
assert_err_contains "is a standby (read-only)"
assert_out_contains "r00000000003"
run_migrate --dir "$dir" --database-url "$standby_app" lock status
assert_rc 0
assert_out_contains "This database is a standby (read-only)"

# --- (2) several hosts: read-write finds the primary, the header names it ------
multi_socket="postgresql:///app?host=$(_bb_urlencode "$SSOCK"),$(_bb_urlencode "$PSOCK")&port=$SPORT,$PPORT&user=$SUPER&target_session_attrs=read-write"
run_migrate --dir "$dir" --database-url "$multi_socket" status
assert_rc 0
assert_out_contains "at socket $PSOCK, port $PPORT"
assert_out_not_contains "(a standby"
multi="postgresql://127.0.0.1:$SPORT,127.0.0.1:$PPORT/app?user=$SUPER&target_session_attrs=read-write&connect_timeout=5"
run_migrate --dir "$dir" --database-url "$multi" --json status
assert_rc 0
assert_eq "127.0.0.1 $PPORT" "$(printf '%s' "$OUT" | python3 -c 'import json, sys; d = json.load(sys.stdin); print(d["host"], d["port"])')" \
  "status --json names the host reached"
run_migrate --database-url "$multi" wait
assert_rc 0
assert_out_contains "at 127.0.0.1:$PPORT, no TLS"
# Without read-write, the first host answers: the standby refuses writes.
run_migrate --dir "$dir" --database-url "postgresql://127.0.0.1:$SPORT,127.0.0.1:$PPORT/app?user=$SUPER" upgrade
assert_rc 1
assert_err_contains "is a standby"

# --- (3) failover in the middle of an upgrade ----------------------------------
migrate_bg failover --dir "$dir" --database-url "$multi" upgrade
wait_until "$(purl app)" "SELECT count(*) >= 10 FROM migrate.revisions" 300
# A fast shutdown ends migrate's session and sends the standby all of the WAL
# written before it (what a planned switchover does).
as_owner "$PG_BIN/pg_ctl" -D "$pbase/data" -m fast -w -t 60 stop >/dev/null 2>&1 || fail "could not stop the primary"
rc=0
wait "$BG_PID" || rc=$?
((rc != 0)) || fail "the upgrade succeeded although its primary stopped mid-run: $(cat failover.err)"
grep -q "lost the connection to the database\|terminating connection" failover.err ||
  fail "the interrupted run did not name the lost connection: $(cat failover.err)"
grep -q "please report" failover.err && fail "the lost connection was reported as unexpected: $(cat failover.err)"
as_owner "$PG_BIN/pg_ctl" -D "$sbase/data" -w -t 60 promote >/dev/null 2>&1 || fail "could not promote the standby"
wait_until "$(surl postgres)" "SELECT NOT pg_is_in_recovery()" 300

new_primary=$(surl app)
recorded=$(psql_db "$new_primary" "SELECT count(*) FROM migrate.revisions WHERE phase = 'complete'")
tables=$(psql_db "$new_primary" "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 't\_%'")
((recorded >= 10 && recorded < N)) || fail "expected the failover to cut the run short after 10 revisions, $recorded recorded"
assert_eq "$recorded" "$tables" "after the failover, the new primary's records and tables agree"
# Nothing the interrupted run reported applied is missing on the new primary.
for id in $(sed -n 's/^  applied \(r[0-9]*\) .*/\1/p' failover.err); do
  assert_eq complete "$(psql_db "$new_primary" "SELECT coalesce((SELECT phase FROM migrate.revisions WHERE id = '$id'), 'none')")" \
    "$id, reported applied before the failover, is recorded on the new primary"
done

# The rerun through the same URL finds the new primary and completes.
run_migrate --dir "$dir" --database-url "$multi" upgrade
assert_rc 0
assert_err_contains "(127.0.0.1:$SPORT, no TLS)"
assert_eq "$N|$N" "$(psql_db "$new_primary" "SELECT count(*), count(DISTINCT id) FROM migrate.revisions WHERE phase = 'complete'")" \
  "every revision recorded once"
assert_eq "$N" "$(psql_db "$new_primary" "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 't\_%'")" \
  "every table exists"
assert_eq "$N" "$(psql_db "$new_primary" "SELECT sum((xpath('/row/c/text()', query_to_xml('SELECT count(*) AS c FROM ' || tablename, false, true, '')))[1]::text::int) FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 't\_%'")" \
  "each revision's row was inserted once"
run_migrate --dir "$dir" --database-url "$multi" status
assert_rc 0
assert_out_contains "pending    none"
assert_out_contains "at 127.0.0.1:$SPORT"
