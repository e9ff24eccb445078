#!/usr/bin/env bash
# docs/ci.md's jq steps (the lines after `# ci-snippet: NAME`) run against the
# real output of a successful upgrade, an upgrade with nothing to do, and
# failing upgrades; and `lint --format github` gives workflow commands.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ci_md=$MIGRATE_SOURCE_DIR/docs/ci.md
[[ -f "$ci_md" ]] || fail "no $ci_md"

# The command line after the marker, without its indentation or YAML `- `.
snippet() {
  local line
  line=$(awk -v marker="# ci-snippet: $1" '$0 ~ marker "$" { getline; print; exit }' "$ci_md")
  line=${line#"${line%%[![:space:]]*}"}
  line=${line#- }
  [[ -n "$line" ]] || fail "docs/ci.md has no line after '# ci-snippet: $1'"
  printf '%s\n' "$line"
}

github=$(snippet github-summary)
gitlab=$(snippet gitlab-summary)
[[ "$github" == *migrate-upgrade.json* && "$gitlab" == *migrate-upgrade.json* ]] ||
  fail "the snippets do not read migrate-upgrade.json: $github / $gitlab"

# Runs both snippets in a directory holding migrate-upgrade.json ($1);
# sets GITHUB_OUT (the step summary) and GITLAB_OUT.
run_snippets() {
  local work=$1
  : >"$work/summary.md"
  (cd "$work" && GITHUB_STEP_SUMMARY=$work/summary.md bash -euo pipefail -c "$github") ||
    fail "the GitHub summary step failed on: $(cat "$work/migrate-upgrade.json")"
  GITHUB_OUT=$(cat "$work/summary.md")
  GITLAB_OUT=$(cd "$work" && bash -euo pipefail -c "$gitlab") ||
    fail "the GitLab summary step failed on: $(cat "$work/migrate-upgrade.json")"
}

work=$(scratch_dir)
mkdir -p "$work/migrations"
cat >"$work/migrations/aaaa00000001_users.sql" <<'SQL'
-- migrate:revision aaaa00000001
-- migrate:message create users

-- migrate:up
CREATE TABLE users (id int PRIMARY KEY, name text);

-- migrate:down
DROP TABLE users;
SQL
url=$(new_db)

# Success: what was applied and where the database is.
run_migrate --dir "$work/migrations" --database-url "$url" upgrade --json --lock-wait 10m
assert_rc 0
printf '%s\n' "$OUT" >"$work/migrate-upgrade.json"
run_snippets "$work"
assert_eq "applied: aaaa00000001; database at aaaa00000001" "$GITHUB_OUT" "GitHub summary, applied"
assert_eq "applied: aaaa00000001; database at aaaa00000001" "$GITLAB_OUT" "GitLab summary, applied"

# Nothing to do.
run_migrate --dir "$work/migrations" --database-url "$url" upgrade --json
assert_rc 0
printf '%s\n' "$OUT" >"$work/migrate-upgrade.json"
run_snippets "$work"
assert_eq "applied: nothing; database at aaaa00000001" "$GITHUB_OUT" "GitHub summary, nothing"
assert_eq "applied: nothing; database at aaaa00000001" "$GITLAB_OUT" "GitLab summary, nothing"

# A failing statement (exit 1): the summary names the failure.
cat >"$work/migrations/bbbb00000002_broken.sql" <<'SQL'
-- migrate:revision bbbb00000002
-- migrate:parents aaaa00000001
-- migrate:message broken

-- migrate:up
ALTER TABLE no_such_table ADD COLUMN x int;

-- migrate:down
SELECT 1;
SQL
run_migrate --dir "$work/migrations" --database-url "$url" upgrade --json
assert_rc 1
printf '%s\n' "$OUT" >"$work/migrate-upgrade.json"
run_snippets "$work"
[[ "$GITHUB_OUT" == 'migrate failed (exit 1, database): '*no_such_table* ]] ||
  fail "GitHub summary of a failed statement: $GITHUB_OUT"
[[ "$GITLAB_OUT" == 'migrate failed (exit 1, database): '*no_such_table* ]] ||
  fail "GitLab summary of a failed statement: $GITLAB_OUT"

# A lint error (exit 7).
cat >"$work/migrations/bbbb00000002_broken.sql" <<'SQL'
-- migrate:revision bbbb00000002
-- migrate:parents aaaa00000001
-- migrate:message index in a transaction

-- migrate:up
CREATE INDEX CONCURRENTLY users_name ON users (name);

-- migrate:down
DROP INDEX CONCURRENTLY users_name;
SQL
run_migrate --dir "$work/migrations" --database-url "$url" upgrade --json
assert_rc 7
printf '%s\n' "$OUT" >"$work/migrate-upgrade.json"
run_snippets "$work"
[[ "$GITHUB_OUT" == 'migrate failed (exit 7, lint): lint found 1 error:'* ]] ||
  fail "GitHub summary of a lint error: $GITHUB_OUT"
[[ "$GITLAB_OUT" == 'migrate failed (exit 7, lint): lint found 1 error:'* ]] ||
  fail "GitLab summary of a lint error: $GITLAB_OUT"

# Invalid files (exit 2).
echo "-- migrate:revision cccc" >"$work/migrations/cccc_bad.sql"
run_migrate --dir "$work/migrations" --database-url "$url" upgrade --json
assert_rc 2
printf '%s\n' "$OUT" >"$work/migrate-upgrade.json"
run_snippets "$work"
[[ "$GITHUB_OUT" == 'migrate failed (exit 2, invalid_files): '* ]] ||
  fail "GitHub summary of invalid files: $GITHUB_OUT"
rm "$work/migrations/cccc_bad.sql"

# The lint step of the GitHub workflow annotates the file and line.
run_migrate --dir "$work/migrations" lint --format github
assert_rc 7
assert_out_contains "::error file=$work/migrations/bbbb00000002_broken.sql,line=6,title=migrate lint%3A concurrently-in-transaction::"
assert_out_contains "2 revisions checked: 2 errors, 0 warnings"
