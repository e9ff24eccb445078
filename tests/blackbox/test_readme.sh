#!/usr/bin/env bash
# The README's quick start (the lines between its quick-start markers) runs
# as written: only DATABASE_URL points at a test database, and $EDITOR is a
# script that fills in the new revision.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

readme=$MIGRATE_SOURCE_DIR/README.md
block=$(awk '/^<!-- quick-start/ { on = 1; next } /^<!-- \/quick-start -->/ { on = 0 } on && !/^```/' "$readme")
[[ -n "$block" ]] || fail "README.md has no quick-start block between its markers"
grep -q '^export DATABASE_URL=' <<<"$block" || fail "the quick start no longer sets DATABASE_URL: $block"
for command in "migrate init" "migrate new" "migrate upgrade" "migrate status"; do
  grep -q "^$command" <<<"$block" || fail "the quick start no longer runs '$command'"
done

url=$(new_db)
work=$(scratch_dir)
bin=$work/bin
mkdir -p "$bin" "$work/project"
ln -s "$MIGRATE_BIN" "$bin/migrate"
cat >"$bin/fake-editor" <<'SH'
#!/usr/bin/env bash
# Writes what a person would: the up and down sections of the new revision.
set -euo pipefail
for file in "$@"; do
  sed -i -e 's/^-- Statements that expand.*/CREATE TABLE users (id bigint PRIMARY KEY, name text);/' \
    -e 's/^-- Statements that undo.*/DROP TABLE users;/' "$file"
done
SH
chmod +x "$bin/fake-editor"

script=""
while IFS= read -r line; do
  [[ "$line" == "export DATABASE_URL="* ]] && line="export DATABASE_URL=$(printf '%q' "$url")"
  script+=$line$'\n'
done <<<"$block"
set +e
output=$(cd "$work/project" && PATH="$bin:$PATH" EDITOR=fake-editor bash -euo pipefail -c "$script" 2>&1)
rc=$?
set -e
[[ $rc == 0 ]] || fail "the quick start failed (exit $rc): $output"
[[ "$output" == *"created migrations/"* ]] || fail "init said nothing: $output"
[[ "$output" == *"Upgraded 1 revision"* ]] || fail "upgrade did not apply the revision: $output"
assert_eq "1" "$(psql_db "$url" "SELECT count(*) FROM pg_tables WHERE tablename = 'users'")" \
  "the quick start created users"
assert_eq "1" "$(psql_db "$url" "SELECT count(*) FROM migrate.revisions")" "one revision recorded"
