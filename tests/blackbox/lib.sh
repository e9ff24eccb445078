# Helpers for black-box tests: source it first thing in tests/blackbox/test_*.sh
#
#   source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#
# ctest runs each script with bash from an empty scratch directory under the
# build tree, with MIGRATE_BIN (the binary), MIGRATE_TEST_PGENV (the private
# cluster's env file) and MIGRATE_FIXTURES (tests/fixtures) set.
#
#   url=$(new_db)                 fresh database, dropped on exit; prints its URL
#   psql_db "$url" "SQL"          runs SQL there, prints rows unaligned (-XAtq)
#   run_migrate ARGS...           runs the binary; sets OUT, ERR, RC; never aborts
#   run_migrate_input TEXT ARGS   the same with TEXT on stdin (else /dev/null)
#   assert_rc N | assert_out_contains STR | assert_err_contains STR
#   assert_out_not_contains STR | assert_err_not_contains STR | assert_eq A B MSG
#   fail MSG | skip MSG           fail the test / mark it skipped (exit 77)
#   dir=$(scratch_dir)            temporary directory, removed on exit
#   on_exit CMD...                adds a cleanup step (do not `trap ... EXIT`)
#   private_cluster DIR           a cluster of the test's own (to kill, to
#                                 configure): sets CLUSTER_BASE (its data/ and
#                                 logs), CLUSTER_SOCK, CLUSTER_PORT, CLUSTER_USER
#   as_owner CMD...               runs CMD as the clusters' owner (postgres
#                                 when root); PG_BIN holds the server binaries
#
# The PG* settings of the cluster are plain shell variables here ($PGHOST,
# $PGPORT, $PGUSER), not exported: the binary sees no PG* variable and no
# DATABASE_URL unless a test passes one, e.g. `PGHOST=$PGHOST run_migrate ...`.

set -euo pipefail

if [[ -z "${MIGRATE_BIN:-}" || -z "${MIGRATE_TEST_PGENV:-}" ]]; then
  echo "lib.sh: MIGRATE_BIN and MIGRATE_TEST_PGENV must be set; run black-box tests through ctest / make test" >&2
  exit 1
fi
if [[ ! -f "$MIGRATE_TEST_PGENV" ]]; then
  echo "lib.sh: $MIGRATE_TEST_PGENV is missing: the private cluster is not running (run through ctest / make test)" >&2
  exit 1
fi

# Hermetic: nothing from the caller's environment picks a database.
unset PGHOST PGHOSTADDR PGPORT PGUSER PGDATABASE PGPASSWORD PGPASSFILE PGSERVICE PGSERVICEFILE \
  PGOPTIONS PGSSLMODE DATABASE_URL
# shellcheck source=/dev/null
source "$MIGRATE_TEST_PGENV"

_BB_TMP=$(mktemp -d "${TMPDIR:-/tmp}/migrate-bb.XXXXXX")
# The cache of parsed revision files: the test's own, not the user's.
export MIGRATE_CACHE_DIR=$_BB_TMP/cache
# Databases to drop, one per line; a file because new_db runs in $(...).
_BB_DBS=$_BB_TMP/databases
: >"$_BB_DBS"
_BB_CLEANUPS=()
OUT=""
ERR=""
RC=""
LAST_COMMAND=""

on_exit() {
  _BB_CLEANUPS+=("$(printf '%q ' "$@")")
}

_bb_cleanup() {
  local status=$? cmd name
  set +e
  for cmd in "${_BB_CLEANUPS[@]}"; do
    eval "$cmd"
  done
  while IFS= read -r name; do
    [[ -n "$name" ]] && dropdb -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" --if-exists --force "$name"
  done <"$_BB_DBS"
  rm -rf "$_BB_TMP"
  exit "$status"
}
trap _bb_cleanup EXIT

_bb_urlencode() {
  local LC_ALL=C
  local s=$1 out="" c hex i
  for ((i = 0; i < ${#s}; i++)); do
    c=${s:i:1}
    case "$c" in
      [A-Za-z0-9._~-]) out+=$c ;;
      *)
        printf -v hex '%%%02X' "'$c"
        out+=$hex
        ;;
    esac
  done
  printf '%s' "$out"
}

# db_url NAME: the URL of database NAME on the private cluster.
db_url() {
  printf 'postgresql:///%s?host=%s&port=%s&user=%s\n' "$(_bb_urlencode "$1")" \
    "$(_bb_urlencode "$PGHOST")" "$(_bb_urlencode "$PGPORT")" "$(_bb_urlencode "$PGUSER")"
}

new_db() {
  local name
  name="bb_$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
  createdb -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" "$name"
  printf '%s\n' "$name" >>"$_BB_DBS"
  db_url "$name"
}

psql_db() {
  psql -XAtq -v ON_ERROR_STOP=1 -d "$1" -c "$2"
}

scratch_dir() {
  mktemp -d "$_BB_TMP/scratch.XXXXXX"
}

_bb_run() {
  local input=$1
  shift
  LAST_COMMAND="migrate$(printf ' %q' "$@")"
  if "$MIGRATE_BIN" "$@" <"$input" >"$_BB_TMP/out" 2>"$_BB_TMP/err"; then
    RC=0
  else
    RC=$?
  fi
  OUT=$(<"$_BB_TMP/out")
  ERR=$(<"$_BB_TMP/err")
}

run_migrate() {
  _bb_run /dev/null "$@"
}

run_migrate_input() {
  local text=$1
  shift
  printf '%s' "$text" >"$_BB_TMP/in"
  _bb_run "$_BB_TMP/in" "$@"
}

# fail MESSAGE: prints it with the last command's output, and fails the test.
fail() {
  {
    echo "FAIL: $*"
    if [[ -n "$LAST_COMMAND" ]]; then
      echo "--- last command: $LAST_COMMAND (exit code $RC)"
      echo "--- stdout:"
      printf '%s\n' "$OUT"
      echo "--- stderr:"
      printf '%s\n' "$ERR"
      echo "---"
    fi
    local i
    for ((i = 1; i < ${#BASH_LINENO[@]}; i++)); do
      [[ "${BASH_SOURCE[i]}" == */lib.sh ]] && continue
      echo "at ${BASH_SOURCE[i]}:${BASH_LINENO[i - 1]}"
      break
    done
  } >&2
  exit 1
}

skip() {
  echo "SKIP: $*" >&2
  exit 77
}

assert_rc() {
  [[ "$RC" == "$1" ]] || fail "expected exit code $1, got $RC"
}

assert_out_contains() {
  [[ "$OUT" == *"$1"* ]] || fail "expected stdout to contain: $1"
}

assert_err_contains() {
  [[ "$ERR" == *"$1"* ]] || fail "expected stderr to contain: $1"
}

assert_out_not_contains() {
  [[ "$OUT" != *"$1"* ]] || fail "expected stdout not to contain: $1"
}

assert_err_not_contains() {
  [[ "$ERR" != *"$1"* ]] || fail "expected stderr not to contain: $1"
}

# assert_eq EXPECTED ACTUAL MESSAGE
assert_eq() {
  [[ "$1" == "$2" ]] || fail "${3:-values differ}"$'\n'"expected: $1"$'\n'"actual:   $2"
}

PG_BIN=${MIGRATE_PG_BIN:-/usr/lib/postgresql/15/bin}
_BB_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

as_owner() {
  if [[ $(id -u) == 0 ]]; then
    (cd / && runuser -u postgres -- "$@")
  else
    (cd / && "$@")
  fi
}

# private_cluster DIR: starts a fresh cluster in DIR (scripts/pg_cluster.sh),
# stopped and removed on exit.
private_cluster() {
  local dir=$1
  bash "$_BB_REPO/scripts/pg_cluster.sh" start "$dir" >/dev/null 2>&1 || fail "could not start a private cluster in $dir"
  on_exit bash "$_BB_REPO/scripts/pg_cluster.sh" stop "$dir"
  CLUSTER_BASE=$dir
  [[ -f "$dir/location" ]] && CLUSTER_BASE=$(<"$dir/location")
  CLUSTER_SOCK=$(. "$dir/env" && echo "$PGHOST")
  CLUSTER_PORT=$(. "$dir/env" && echo "$PGPORT")
  CLUSTER_USER=$(. "$dir/env" && echo "$PGUSER")
}
