# The revisions and the checks of the fault tests (test_faults.sh: killed
# backends; test_crash_durability.sh: immediate shutdowns): one transaction,
# one outside a transaction (CREATE INDEX CONCURRENTLY) and a batched
# backfill. Source after lib.sh; the test defines `url` and `q SQL` (psql_db
# on it) and runs from the directory that holds m/.

# The upgrade every fault run starts.
FAULT_UPGRADE=(--dir m --database-url "$url" upgrade --batch-size 500 --batch-pause 10ms)

# write_fault_revisions: the three revisions, in m/.
write_fault_revisions() {
mkdir -p m
cat >m/a00000000001.sql <<'SQL'
-- migrate:revision a00000000001
-- migrate:parents
-- migrate:message items, in one transaction

-- migrate:up
CREATE TABLE items (id bigint PRIMARY KEY, name text NOT NULL);
INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 5000) AS g;
SELECT pg_sleep(0.15);

-- migrate:down
DROP TABLE items;
SQL
cat >m/a00000000002.sql <<'SQL'
-- migrate:revision a00000000002
-- migrate:parents a00000000001
-- migrate:message items by name, concurrently
-- migrate:transaction off

-- migrate:up
SELECT pg_sleep(0.15);
CREATE INDEX CONCURRENTLY items_name ON items (name);

-- migrate:down
DROP INDEX CONCURRENTLY items_name;
SQL
cat >m/a00000000003.yaml <<'YAML'
revision: a00000000003
parents: [a00000000002]
message: an upper-case name, backfilled
operations:
  - add_column: {table: items, column: shout, type: text, up: "upper(name)"}
YAML
}

# reset_fault_database: no table, no state, as before the first run.
reset_fault_database() {
  q "SET client_min_messages = warning; DROP TABLE IF EXISTS items; DROP SCHEMA IF EXISTS migrate CASCADE"
}

phase_of() { q "SELECT coalesce((SELECT phase FROM migrate.revisions WHERE id = '$1'), 'none')"; }

# The state rows against the schema objects they stand for.
check_truth() {
  local run=$1 p1 p2 p3
  if [[ "$(q "SELECT to_regclass('migrate.revisions') IS NOT NULL")" == f ]]; then
    assert_eq f "$(q "SELECT to_regclass('items') IS NOT NULL")" "run $run: no state, no table"
    return
  fi
  p1=$(phase_of a00000000001) p2=$(phase_of a00000000002) p3=$(phase_of a00000000003)
  case "$p1" in
    complete) assert_eq t "$(q "SELECT count(*) = 5000 FROM items")" "run $run: a1 recorded, its rows there" ;;
    none) assert_eq f "$(q "SELECT to_regclass('items') IS NOT NULL")" "run $run: a1 not recorded, no table" ;;
    *) fail "run $run: a1 (one transaction) is $p1" ;;
  esac
  case "$p2" in
    complete) assert_eq t "$(q "SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass('items_name')")" "run $run: a2 recorded, its index valid" ;;
    none) assert_eq f "$(q "SELECT to_regclass('items_name') IS NOT NULL")" "run $run: a2 not recorded, no index" ;;
    in_progress) ;;
    *) fail "run $run: a2 is $p2" ;;
  esac
  case "$p3" in
    expanded) assert_eq 0 "$(q "SELECT count(*) FROM items WHERE shout IS DISTINCT FROM upper(name)")" "run $run: a3 recorded, every row backfilled" ;;
    none) assert_eq f "$(q "SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('items') AND attname = 'shout' AND NOT attisdropped)")" "run $run: a3 not recorded, no column" ;;
    in_progress) ;;
    *) fail "run $run: a3 is $p3" ;;
  esac
  if [[ "$p2" == in_progress || "$p3" == in_progress ]]; then
    run_migrate --dir m --database-url "$url" status
    assert_rc 1
    assert_out_contains "interrupted (no run holds the lock)"
    [[ "$p2" == in_progress ]] && assert_out_contains a00000000002
    [[ "$p3" == in_progress ]] && assert_out_contains a00000000003
  fi
  return 0
}

# rerun_completes RUN: the same upgrade again completes (with --resume when
# the interrupted step may or may not have taken effect), and the state tells
# the truth after it. Sets RESUMED=1 when --resume was needed.
rerun_completes() {
  local run=$1
  RESUMED=0
  run_migrate "${FAULT_UPGRADE[@]}"
  if [[ "$RC" != 0 ]]; then
    assert_err_contains "migrate upgrade --resume"
    run_migrate "${FAULT_UPGRADE[@]}" --resume
    RESUMED=1
  fi
  assert_rc 0
  assert_eq "complete complete expanded" "$(q "SELECT string_agg(phase, ' ' ORDER BY id) FROM migrate.revisions")" "run $run: the rerun completes"
  check_truth "$run (rerun)"
}
