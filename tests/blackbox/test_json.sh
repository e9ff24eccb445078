#!/usr/bin/env bash
# --json is total: every command prints one JSON document with a
# format_version, on success and on failure, and a failure's document carries
# its kind and data (problems, findings, unknown) as docs/json.md says.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# jq -e on $OUT: fails the test unless the filter is true.
check_json() {
  local filter=$1 what=$2
  jq -e "$filter" >/dev/null <<<"$OUT" || fail "$what: '$filter' is not true of: $OUT"
}
check_error() {  # KIND EXIT_CODE WHAT
  check_json ".format_version == 1 and .kind == \"$1\" and .exit_code == $2 and (.error | type) == \"string\" and (.hint | type) == \"string\"" "$3"
}

work=$(scratch_dir)
cd "$work"

# init and new
run_migrate --json init
assert_rc 0
check_json '.format_version == 1 and .command == "init" and .created == ["migrations", "migrate.yaml"] and .kept == []' "init"
run_migrate --json init
assert_rc 0
check_json '.created == [] and .kept == ["migrations", "migrate.yaml"]' "init again"
run_migrate --json new -m "create users"
assert_rc 0
check_json '.format_version == 1 and .command == "new" and .format == "sql" and .parents == [] and (.path | endswith(".sql")) and (.id | length) > 0' "new"
first=$(jq -r .id <<<"$OUT")
path=$(jq -r .path <<<"$OUT")
[[ -f "$path" ]] || fail "new --json names $path, which does not exist"
cat >"$path" <<SQL
-- migrate:revision $first
-- migrate:message create users

-- migrate:up
CREATE TABLE users (id int PRIMARY KEY, name text);

-- migrate:down
DROP TABLE users;
SQL
run_migrate --json new --yaml -m "add email"
assert_rc 0
check_json ".format == \"yaml\" and .parents == [\"$first\"]" "new --yaml"
rm "$(jq -r .path <<<"$OUT")"

url=$(new_db)

# Success documents.
run_migrate --database-url "$url" --json upgrade
assert_rc 0
check_json ".format_version == 1 and .command == \"upgrade\" and .revisions == [\"$first\"] and .heads == [\"$first\"]" "upgrade"
run_migrate --database-url "$url" --json status
assert_rc 0
check_json ".format_version == 1 and .consistent == true and .exit_code == 0 and .applied == [\"$first\"]" "status"
run_migrate --json lint
assert_rc 0
check_json '.format_version == 1 and .errors == false and .checked == 1 and .findings == []' "lint"
run_migrate --database-url "$url" --json lint --pending
assert_rc 0
check_json '.checked == 0' "lint --pending"
run_migrate --database-url "$url" --json lock status
assert_rc 0
check_json '.format_version == 1 and .held == false and .holder == null' "lock status"
run_migrate --database-url "$url" --json lock clear --yes
assert_rc 0
check_json '.format_version == 1 and .cleared == false and .held == false and .pid == null' "lock clear on a free lock"
run_migrate --json resolve-branch --check
assert_rc 0
check_json ".format_version == 1 and .merged == false and .heads == [\"$first\"]" "resolve-branch --check"
run_migrate --database-url "$url" --json downgrade base
assert_rc 0
check_json '.format_version == 1 and .command == "downgrade" and .heads == []' "downgrade"
run_migrate --database-url "$url" --json stamp head
assert_rc 0
check_json '.format_version == 1 and .command == "stamp"' "stamp"

# A command line that does not parse.
run_migrate --json upgrade --no-such-flag
assert_rc 2
check_error usage 2 "unknown flag"
assert_err_contains "migrate: error: "
run_migrate lint --json --format
assert_rc 2
check_error usage 2 "option without its value"

# A usage error of the command itself.
run_migrate --json lint --format gitlab
assert_rc 2
check_error usage 2 "lint --format gitlab"
check_json '.error == "unknown lint format '"'"'gitlab'"'"'"' "lint --format gitlab message"

# Lint findings (exit 7), from lint and from upgrade.
cat >migrations/bbbb00000002_index.sql <<SQL
-- migrate:revision bbbb00000002
-- migrate:parents $first
-- migrate:message index

-- migrate:up
CREATE INDEX CONCURRENTLY users_name ON users (name);

-- migrate:down
DROP INDEX CONCURRENTLY users_name;
SQL
run_migrate --json lint
assert_rc 7
check_json '.format_version == 1 and .errors == true and any(.findings[]; .rule == "concurrently-in-transaction" and .line == 6)' "lint with an error"
run_migrate --database-url "$url" --json upgrade
assert_rc 7
check_error lint 7 "upgrade refused by lint"
check_json '.findings[0].rule == "concurrently-in-transaction" and .findings[0].line == 6 and (.findings[0].path | endswith("bbbb00000002_index.sql"))' "upgrade lint findings"
rm migrations/bbbb00000002_index.sql

# Invalid files (exit 2): every problem with file and line.
printf -- '-- migrate:revision cccc00000003\n-- migrate:parents nosuchparent\n-- migrate:up\nSELECT 1;\n' >migrations/cccc00000003_bad.sql
run_migrate --database-url "$url" --json upgrade
assert_rc 2
check_error invalid_files 2 "invalid files"
check_json '(.problems | length) >= 1 and (.problems[0].file | endswith("cccc00000003_bad.sql")) and (.problems[0].line | type) == "number" and (.problems[0].message | type) == "string"' "invalid files problems"
rm migrations/cccc00000003_bad.sql

# Unknown revisions (exit 3): who applied them and from where.
mkdir other
cp migrations/*.sql other/
cat >other/dddd00000004_hotfix.sql <<SQL
-- migrate:revision dddd00000004
-- migrate:parents $first
-- migrate:message hotfix

-- migrate:up
SELECT 1;

-- migrate:down
SELECT 1;
SQL
run_migrate --dir other --database-url "$url" upgrade --source v1.0.1@abc123
assert_rc 0
run_migrate --database-url "$url" --json upgrade
assert_rc 3
check_error unknown_revisions 3 "unknown revisions"
check_json '.unknown[0].id == "dddd00000004" and .unknown[0].message == "hotfix" and .unknown[0].source == "v1.0.1@abc123" and (.unknown[0].applied_by | length) > 0' "unknown revisions provenance"

# A database that cannot be reached (exit 1), password masked.
run_migrate --database-url "postgresql://u:s3cret@127.0.0.1:1/none?connect_timeout=2" --json upgrade
assert_rc 1
check_error runtime 1 "unreachable database"
assert_out_not_contains "s3cret"
