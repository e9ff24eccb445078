# Configuration mistakes a user can make exit 2 and name the file (and the
# line): a key that is a list or a mapping in a revision or in migrate.yaml,
# --config naming a directory or a file that does not exist, migrate.yaml
# being a directory. Never yaml-cpp's "bad conversion" or the C++ library's
# "basic_filebuf::underflow".
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

cd "$(scratch_dir)"
mkdir migrations

# expect_usage_error STDERR ARGS...: migrate ARGS exits 2 with exactly STDERR.
expect_usage_error() {
  local expected=$1
  shift
  run_migrate "$@"
  assert_rc 2
  assert_eq "$expected" "$ERR" "stderr of migrate $*"
}

# --- revision files ------------------------------------------------------------
printf 'revision: r1\n[a, b]: x\noperations:\n  - sql: {up: SELECT 1}\n' >migrations/r1.yaml
expect_usage_error "migrate: error: migrations/r1.yaml:2: a key must be one of revision, parents, message, transaction, statement_timeout, operations, not a list or a mapping
hint: fix the files above; nothing was applied" lint
printf 'revision: r1\noperations:\n  - sql: {up: SELECT 1, {x: 1}: 2}\n' >migrations/r1.yaml
expect_usage_error "migrate: error: migrations/r1.yaml:3: a key in 'sql' must be text, not a list or a mapping
hint: fix the files above; nothing was applied" upgrade --sql
rm migrations/r1.yaml

# --- migrate.yaml --------------------------------------------------------------
printf 'dir: migrations\n? [database_url]\n: postgresql:///x\n' >migrate.yaml
expect_usage_error "migrate: error: migrate.yaml:2: a key must be one of database_url, dir, schema, not a list or a mapping" status
rm migrate.yaml
mkdir migrate.yaml
expect_usage_error "migrate: error: migrate.yaml: is a directory, not a configuration file
hint: --config names a YAML file such as migrate.yaml" lint
rmdir migrate.yaml

# --- --config ------------------------------------------------------------------
mkdir settings
expect_usage_error "migrate: error: settings: is a directory, not a configuration file
hint: --config names a YAML file such as migrate.yaml" --config settings status
expect_usage_error "migrate: error: settings/migrate.yaml: no such configuration file
hint: check --config, or leave it out to read migrate.yaml when there is one" --config settings/migrate.yaml lint
printf 'dir: elsewhere\n' >settings/migrate.yaml
run_migrate --config settings/migrate.yaml lint
assert_rc 2
assert_err_contains "migrations directory 'elsewhere' does not exist"

# --- a revision file above the size limit is refused before it is read -------
mkdir big
printf -- '-- migrate:revision b1\n-- migrate:up\n' >big/b1.sql
truncate -s 17M big/b1.sql
expect_usage_error "migrate: error: big/b1.sql: 17.0 MiB is more than a revision file may hold (16 MiB)
hint: split it into several revisions, or load bulk data with COPY ... FROM a file" --dir big lint
