#!/usr/bin/env bash
# The v1.0.1 hotfix story (fixtures: tests/fixtures/story, see its README):
# a hotfix applied from its own checkout, a v2 checkout that does not know it and
# is refused, the hotfix merged into v2, resolve-branch, and the upgrade that
# follows. Then --ignore-unknown, a diamond, a three-way merge, and downgrades
# across merges (tests/fixtures/graphs).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/story_lib.sh"

readonly BASE=a5d47eb28402 HOTFIX=3c1f0e9d2b7a V2_FIRST=8fb4c8c111aa V2_HEAD=c07e5b1d9a42
readonly HOTFIX_MESSAGE="index users.name for login lookups"
readonly HOTFIX_FILE=story/hotfix/3c1f0e9d2b7a_index_users_name.sql

# new_file DIR BEFORE: the one file in DIR that the listing BEFORE (files_in) lacks.
new_file() {
  local added
  added=$(comm -13 <(printf '%s\n' "$2") <(files_in "$1"))
  [[ -n "$added" && "$added" != *$'\n'* ]] || fail "expected exactly one new file in $1, got: ${added:-none}"
  printf '%s/%s\n' "$1" "$added"
}

# revision_of FILE: the id in its `-- migrate:revision` line.
revision_of() {
  sed -n 's/^-- migrate:revision[[:space:]]*\([^[:space:]]*\).*/\1/p' "$1" | head -n1
}

# In a fresh project, applies v1.0.0, then the hotfix from the v1.0.1 checkout.
deploy_hotfix() {
  fresh_project
  checkout v1.0.0 story/base
  run_migrate --dir v1.0.0 upgrade
  assert_rc 0
  checkout v1.0.1 story/base story/hotfix
  run_migrate --dir v1.0.1 upgrade --source v1.0.1
  assert_rc 0
  assert_eq "$HOTFIX $BASE" "$(applied_ids "$DATABASE_URL")" "the hotfix is applied"
}

the_v1_0_1_story() {
  local before listing merge hotfix_row
  deploy_hotfix
  before=$(schema_snapshot "$DATABASE_URL")
  hotfix_row=$(psql_db "$DATABASE_URL" "SELECT applied_at, source FROM migrate.revisions WHERE id = '$HOTFIX'")

  # v2.0.0 was branched before the hotfix: every command that would change the
  # database refuses, says which revision, where it came from and what to do.
  checkout v2.0.0 story/base story/v2
  run_migrate --dir v2.0.0 upgrade
  assert_rc 3
  assert_err_contains "$HOTFIX"
  assert_err_contains "$HOTFIX_MESSAGE"
  assert_err_contains "v1.0.1"
  assert_err_contains "resolve-branch"
  assert_eq "$before" "$(schema_snapshot "$DATABASE_URL")" "a refused upgrade changed the database"
  local refused
  for refused in "downgrade base" "stamp head" "contract"; do
    # shellcheck disable=SC2086
    run_migrate --dir v2.0.0 $refused
    assert_rc 3
    assert_err_contains "$HOTFIX"
    assert_eq "$before" "$(schema_snapshot "$DATABASE_URL")" "a refused $refused changed the database"
  done

  run_migrate --dir v2.0.0 status
  assert_rc 3
  assert_out_contains "$HOTFIX"
  assert_out_contains "$HOTFIX_MESSAGE"
  assert_out_contains "v1.0.1"
  run_migrate --dir v2.0.0 --json status
  assert_rc 3
  assert_out_json
  assert_eq "$HOTFIX v1.0.1" "$(json_out '" ".join([d["unknown"][0]["id"], d["unknown"][0]["source"]])')" \
    "status --json names the unknown revision and its source"

  # The database kept the hotfix's file: show prints it, --write restores it.
  run_migrate --dir v2.0.0 show "$HOTFIX"
  assert_rc 0
  assert_eq "$(<"$MIGRATE_FIXTURES/$HOTFIX_FILE")" "$OUT" "show prints the hotfix as it was applied"
  cp -r v2.0.0 restored
  listing=$(files_in restored)
  run_migrate --dir restored show "$HOTFIX" --write
  assert_rc 0
  cmp -s "$(new_file restored "$listing")" "$MIGRATE_FIXTURES/$HOTFIX_FILE" ||
    fail "show --write did not restore the hotfix file as applied"

  # The hotfix merged into the v2 line: two heads, refused until they are joined.
  checkout merged story/base story/v2 story/hotfix
  run_migrate --dir merged heads
  assert_rc 0
  assert_out_contains "$HOTFIX"
  assert_out_contains "$V2_HEAD"
  run_migrate --dir merged upgrade
  assert_rc 4
  assert_err_contains "$HOTFIX"
  assert_err_contains "$V2_HEAD"
  assert_eq "$before" "$(schema_snapshot "$DATABASE_URL")" "a refused upgrade (two heads) changed the database"

  listing=$(files_in merged)
  run_migrate --dir merged resolve-branch --check
  assert_rc 4
  assert_eq "$listing" "$(files_in merged)" "resolve-branch --check wrote a file"
  run_migrate --dir merged resolve-branch
  assert_rc 0
  merge=$(new_file merged "$listing")
  grep -qE -- "^-- migrate:parents .*$HOTFIX" "$merge" || fail "the merge revision does not list $HOTFIX"
  grep -qE -- "^-- migrate:parents .*$V2_HEAD" "$merge" || fail "the merge revision does not list $V2_HEAD"
  run_migrate --dir merged resolve-branch --check
  assert_rc 0

  # The upgrade applies only what the database lacks; the hotfix row is kept as is.
  run_migrate --dir merged --json upgrade
  assert_rc 0
  assert_eq "[\"$V2_FIRST\", \"$V2_HEAD\", \"$(revision_of "$merge")\"]" "$(json_out 'd["revisions"]')" \
    "the upgrade after resolve-branch applies v2 and the merge only"
  assert_eq "$hotfix_row" \
    "$(psql_db "$DATABASE_URL" "SELECT applied_at, source FROM migrate.revisions WHERE id = '$HOTFIX'")" \
    "the hotfix was applied again"
  run_migrate --dir merged --json status
  assert_rc 0
  assert_eq "1 [] []" "$(json_out '" ".join([str(len(d["heads"])), json.dumps(d["pending"]), json.dumps(d["unknown"])])')" \
    "after the merge: one head, nothing pending, nothing unknown"
}

ignore_unknown_is_recorded() {
  deploy_hotfix
  checkout v2.0.0 story/base story/v2
  run_migrate --dir v2.0.0 upgrade --ignore-unknown
  assert_rc 0
  assert_err_contains "$HOTFIX"
  assert_eq "$HOTFIX $V2_FIRST $BASE $V2_HEAD" "$(applied_ids "$DATABASE_URL")" "--ignore-unknown applied v2"
  assert_eq "2" "$(psql_db "$DATABASE_URL" "SELECT count(*) FROM migrate.revisions
                                          WHERE id IN ('$V2_FIRST', '$V2_HEAD') AND note LIKE '%$HOTFIX%'")" \
    "each revision applied with --ignore-unknown carries a note naming the unknown revision"
  [[ "$(psql_db "$DATABASE_URL" "SELECT count(*) FROM migrate.events
                                 WHERE (kind || ' ' || detail) ILIKE '%ignore%' AND detail LIKE '%$HOTFIX%'")" -ge 1 ]] ||
    fail "no event records the --ignore-unknown run"
  run_migrate --dir v2.0.0 status
  assert_rc 3
}

diamond_and_downgrades_across_a_merge() {
  fresh_project
  checkout diamond graphs/diamond

  run_migrate --dir diamond upgrade
  assert_rc 0
  assert_eq "dd0000000001 dd0000000002 dd0000000003 dd0000000004" "$(applied_ids "$DATABASE_URL")" "the diamond is applied"
  assert_eq "email id plan" "$(columns_of "$DATABASE_URL" accounts)" "both branches ran"

  run_migrate --dir diamond downgrade -1
  assert_rc 0
  assert_eq "dd0000000001 dd0000000002 dd0000000003" "$(applied_ids "$DATABASE_URL")" "downgrade -1 reverts the merge only"
  run_migrate --dir diamond --json status
  assert_rc 0
  assert_eq '["dd0000000002", "dd0000000003"]' "$(json_out 'd["database_heads"]')" "two database heads below the merge"
  run_migrate --dir diamond --json upgrade
  assert_rc 0
  assert_eq '["dd0000000004"]' "$(json_out 'd["revisions"]')" "the upgrade applies the merge only"

  run_migrate --dir diamond downgrade dd0000000002
  assert_rc 0
  assert_eq "dd0000000001 dd0000000002" "$(applied_ids "$DATABASE_URL")" "downgrade to a branch keeps it and its ancestors"
  assert_eq "email id" "$(columns_of "$DATABASE_URL" accounts)" "the other branch was reverted"
  run_migrate --dir diamond upgrade
  assert_rc 0
  run_migrate --dir diamond downgrade dd0000000001
  assert_rc 0
  assert_eq "dd0000000001" "$(applied_ids "$DATABASE_URL")" "downgrade to the branch point reverts both branches"
  assert_eq "id" "$(columns_of "$DATABASE_URL" accounts)" "both branches were reverted"
  run_migrate --dir diamond downgrade base
  assert_rc 0
  ! table_exists "$DATABASE_URL" accounts || fail "downgrade base left accounts"
}

three_way_merge() {
  local listing merge
  fresh_project
  checkout three graphs/three_way

  run_migrate --dir three upgrade
  assert_rc 4
  assert_err_contains "3e00000000a1"
  assert_err_contains "3e00000000b1"
  assert_err_contains "3e00000000c1"
  ! table_exists "$DATABASE_URL" orders || fail "a refused upgrade (three heads) ran a revision"
  run_migrate --dir three upgrade heads
  assert_rc 0
  assert_eq "3e0000000001 3e00000000a1 3e00000000b1 3e00000000c1" "$(applied_ids "$DATABASE_URL")" \
    "upgrade heads applies every branch"

  listing=$(files_in three)
  run_migrate --dir three resolve-branch -m "join total, status and placed_at"
  assert_rc 0
  merge=$(new_file three "$listing")
  local head
  for head in 3e00000000a1 3e00000000b1 3e00000000c1; do
    grep -qE -- "^-- migrate:parents .*$head" "$merge" || fail "the merge revision does not list the head $head"
  done
  run_migrate --dir three --json upgrade
  assert_rc 0
  assert_eq "[\"$(revision_of "$merge")\"]" "$(json_out 'd["revisions"]')" "the upgrade applies the merge only"

  run_migrate --dir three downgrade -1
  assert_rc 0
  run_migrate --dir three --json status
  assert_rc 0
  assert_eq '["3e00000000a1", "3e00000000b1", "3e00000000c1"]' "$(json_out 'd["database_heads"]')" \
    "downgrade -1 below a three-way merge leaves three database heads"
  run_migrate --dir three downgrade 3e0000000001
  assert_rc 0
  assert_eq "3e0000000001" "$(applied_ids "$DATABASE_URL")" "downgrade to the root reverts the three branches"
  assert_eq "id" "$(columns_of "$DATABASE_URL" orders)" "the three branches were reverted"
}

section the_v1_0_1_story the_v1_0_1_story
section ignore_unknown_is_recorded ignore_unknown_is_recorded
section diamond_and_downgrades_across_a_merge diamond_and_downgrades_across_a_merge
section three_way_merge three_way_merge
finish_sections
