#!/usr/bin/env bash
# schemas/revision.schema.json: the YAML revisions migrate accepts validate,
# and a misspelt operation gets a message naming the allowed operations
# (editors show the validator's message).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

python3 -c 'import jsonschema, yaml' 2>/dev/null || skip "python3-jsonschema and python3-yaml are not installed (scripts/deps.sh)"
schema=$MIGRATE_SOURCE_DIR/schemas/revision.schema.json

# Prints every validation message for one YAML file, one a line.
messages() {
  python3 - "$schema" "$1" <<'PY'
import json, sys, jsonschema, yaml
validator = jsonschema.Draft202012Validator(json.load(open(sys.argv[1])))
for error in validator.iter_errors(yaml.safe_load(open(sys.argv[2]))):
    print(error.message)
PY
}

work=$(scratch_dir)
mkdir -p "$work/migrations"

# What `migrate new --yaml` writes, and the repository's example, validate and load.
(cd "$work" && "$MIGRATE_BIN" new --yaml -m "add email" >/dev/null) || fail "migrate new --yaml failed"
for file in "$work"/migrations/*.yaml "$MIGRATE_SOURCE_DIR"/migrations/v2.0.0/*.yaml; do
  found=$(messages "$file")
  [[ -z "$found" ]] || fail "$file does not validate: $found"
done
run_migrate --dir "$work/migrations" lint
assert_rc 0

# A misspelt operation: the schema names the allowed ones, and so does migrate.
cat >"$work/migrations/b2_typo.yaml" <<'YAML'
revision: b2
message: typo
operations:
  - add_colum: {table: users, column: email, type: text}
YAML
found=$(messages "$work/migrations/b2_typo.yaml")
[[ "$found" == *"'add_colum' is not one of ['add_column', 'drop_column', 'rename_column', 'alter_column', 'create_index', 'drop_index', 'add_constraint', 'create_table', 'drop_table', 'sql']"* ]] ||
  fail "the schema's message for a misspelt operation: $found"
run_migrate --dir "$work/migrations" lint
assert_rc 2
assert_err_contains "unknown operation 'add_colum' (did you mean 'add_column'?)"

# Two operations in one list item.
cat >"$work/migrations/b2_typo.yaml" <<'YAML'
revision: b2
message: two in one
operations:
  - add_column: {table: users, column: email, type: text}
    drop_column: {table: users, column: name}
YAML
found=$(messages "$work/migrations/b2_typo.yaml")
[[ "$found" == *"has too many properties"* ]] || fail "the schema's message for two operations in one item: $found"
