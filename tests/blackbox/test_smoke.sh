#!/usr/bin/env bash
# The harness itself: the binary runs, and the private cluster gives us databases.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

run_migrate --version
assert_rc 0
assert_out_contains "migrate"

url=$(new_db)
assert_eq "1" "$(psql_db "$url" 'SELECT 1')" "SELECT 1 on a fresh database"
assert_eq "0" "$(psql_db "$url" "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")" \
  "a fresh database is empty"
