#!/usr/bin/env bash
# Release compatibility: `status --for-release DIR` says whether a release's
# application can run on the database as it is (exit 0, or 10), one rule per
# section; `contract --live-release DIR` refuses to drop a shape a live release
# still reads (exit 10). The releases are the repository's own migrations/
# folders, the demo's v1.0.0, v1.0.1 and v2.0.0/v2.0.1.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/story_lib.sh"

REPO=$MIGRATE_SOURCE_DIR
readonly V1=a62d7d3eca0d HOTFIX=43be85eadede SPLIT=f9d15b8e0c39 MERGE=4898023d9e6f

# release DEST FOLDER...: DEST holds those folders of migrations/, as a checkout of that release.
release() {
  local dest=$1 folder
  shift
  mkdir -p "$dest"
  for folder in "$@"; do cp -R "$REPO/migrations/$folder" "$dest/"; done
}

# sql_revision FILE ID PARENT UP: a plain SQL revision.
sql_revision() {
  printf -- '-- migrate:revision %s\n-- migrate:parents %s\n-- migrate:message %s\n\n-- migrate:up\n%s\n\n-- migrate:down\n' \
    "$2" "$3" "$2" "$4" >"$1"
}

demo_releases() {
  fresh_project
  release v1.0.0 v1.0.0
  release v1.0.1 v1.0.0 v1.0.1
  release v2 v1.0.0 v1.0.1 v2.0.0 v2.0.1
}

the_canary_before_and_after_contract() {
  local before
  demo_releases
  run_migrate --dir v1.0.1 upgrade --source v1.0.1
  assert_rc 0
  run_migrate --dir v2 upgrade --source v2.0.1
  assert_rc 0

  # The canary: rolling back to v1.0.1 is safe, name is still there and kept in sync.
  before=$(schema_snapshot "$DATABASE_URL")
  run_migrate --dir v2 status --for-release v1.0.1
  assert_rc 0
  assert_out_contains "release    v1.0.1 (v1.0.1): 2 revisions, head $HOTFIX"
  assert_out_contains "$V1 applied, known to v1.0.1"
  assert_out_contains "$SPLIT only expanded, on top of $V1: the old shape is still there (its contract drops users.name)"
  assert_out_contains "$MERGE unknown to v1.0.1, on top of $HOTFIX: its up section only adds"
  assert_out_contains "compatible: v1.0.1 can run on this database as it is"
  assert_eq "$before" "$(schema_snapshot "$DATABASE_URL")" "status --for-release writes nothing"
  run_migrate --dir v2 status --for-release v2
  assert_rc 0

  # v1.0.1 still serves traffic: its shape is not dropped.
  run_migrate --dir v2 contract --live-release v2 --live-release v1.0.1
  assert_rc 10
  assert_err_contains "refusing to contract $SPLIT (split name into first and last): its contract drops users.name, which live release v1.0.1 still reads (v1.0.1 does not know this revision)"
  assert_err_contains "hint: nothing was changed. Contract once no instance of v1.0.1 serves traffic"
  assert_eq "$before" "$(schema_snapshot "$DATABASE_URL")" "the refused contract changed nothing"
  run_migrate --dir v2 --json contract --live-release v1.0.1
  assert_rc 10
  assert_eq "incompatible_release 10" "$(json_out "d['kind'] + ' ' + str(d['exit_code'])")" "json: the refusal's kind"

  # Only v2 is left: the contract runs.
  run_migrate --dir v2 contract --live-release v2
  assert_rc 0
  assert_eq "first id last" "$(columns_of "$DATABASE_URL" users)" "contract dropped name"

  run_migrate --dir v2 status --for-release v1.0.1
  assert_rc 10
  assert_out_contains "incompatible: $SPLIT contracted (drops users.name, which v1.0.1 reads)"
  run_migrate --dir v2 --json status --for-release v1.0.1
  assert_rc 10
  assert_out_json
  assert_eq "False" "$(json_out "d['compatible']")" "json: compatible"
  assert_eq "10" "$(json_out "d['exit_code']")" "json: exit_code"
  assert_eq '["'$SPLIT' contracted (drops users.name, which v1.0.1 reads)"]' "$(json_out "d['reasons']")" "json: reasons"
  assert_eq "v1.0.1 v1.0.1 2 $HOTFIX" \
    "$(json_out "' '.join(str(d['release'][k]) for k in ('name', 'source', 'revisions')) + ' ' + ' '.join(d['release']['heads'])")" \
    "json: release"
  assert_eq "$V1:known:True $HOTFIX:known:True $SPLIT:contracted:False $MERGE:only_adds:True" \
    "$(json_out "' '.join(r['id'] + ':' + r['state'] + ':' + str(r['compatible']) for r in sorted(d['revisions'], key=lambda r: ['$V1', '$HOTFIX', '$SPLIT', '$MERGE'].index(r['id'])))")" \
    "json: one entry per revision"
  run_migrate --dir v2 status --for-release v2
  assert_rc 0
}

known_only_and_pending_needed() {
  demo_releases
  run_migrate --dir v1.0.0 upgrade
  assert_rc 0
  run_migrate --dir v1.0.0 status --for-release v1.0.0
  assert_rc 0
  assert_out_contains "compatible: v1.0.0 can run on this database as it is"
  run_migrate --dir v1.0.0 status --for-release v1.0.1
  assert_rc 10
  assert_out_contains "incompatible: $HOTFIX pending (index users.name for login lookups), which v1.0.1 needs"
}

unknown_plain_sql() {
  demo_releases
  release adder v1.0.0
  sql_revision adder/b1.sql b10000000001 "$V1" "ALTER TABLE users ADD COLUMN email text;"
  run_migrate --dir adder upgrade
  assert_rc 0
  run_migrate --dir adder status --for-release v1.0.0
  assert_rc 0
  assert_out_contains "b10000000001 unknown to v1.0.0, on top of $V1: its up section only adds"

  fresh_project
  release v1.0.0 v1.0.0
  release dropper v1.0.0
  sql_revision dropper/d1.sql d10000000001 "$V1" "ALTER TABLE users DROP COLUMN name;"
  run_migrate --dir dropper upgrade
  assert_rc 0
  run_migrate --dir dropper status --for-release v1.0.0
  assert_rc 10
  assert_out_contains "incompatible: d10000000001 changed the old shape in its up section, with no contract split (drops users.name at dropper/d1.sql:6), which v1.0.0 may read"
  # Read from the database's copy when this checkout lacks the revision too.
  run_migrate --dir v1.0.0 status --for-release v1.0.0
  assert_rc 10
  assert_out_contains "(drops users.name at dropper/d1.sql:6)"
}

git_ref_form() {
  command -v git >/dev/null || skip "git is not installed"
  fresh_project
  git init -q -b main .
  release migrations v1.0.0 v1.0.1
  git add migrations
  git -c user.name=test -c user.email=test@localhost commit -qm v1.0.1
  git tag v1.0.1
  run_migrate upgrade
  assert_rc 0
  # A directory git tracks is named by its version.
  run_migrate status --for-release migrations
  assert_rc 0
  assert_out_contains "release    v1.0.1 (migrations): 2 revisions"
  # The v2 line is checked out; v1.0.1 is read from git, without a checkout.
  rm -rf migrations
  release migrations v1.0.0 v1.0.1 v2.0.0 v2.0.1
  run_migrate upgrade
  assert_rc 0
  run_migrate status --for-release git:v1.0.1:migrations
  assert_rc 0
  assert_out_contains "release    v1.0.1 (git:v1.0.1:migrations): 2 revisions, head $HOTFIX"
  assert_out_contains "compatible: v1.0.1 can run on this database as it is"
  run_migrate contract --live-release git:v1.0.1:migrations
  assert_rc 10
  assert_err_contains "which live release v1.0.1 still reads"
  run_migrate contract
  assert_rc 0
  run_migrate status --for-release git:v1.0.1:migrations
  assert_rc 10
  assert_out_contains "incompatible: $SPLIT contracted (drops users.name, which v1.0.1 reads)"
  run_migrate status --for-release git:v9:migrations
  assert_rc 2
  assert_err_contains "git:v9:migrations: git has no directory migrations at v9"
}

bad_release() {
  fresh_project
  release v1.0.0 v1.0.0
  run_migrate --dir v1.0.0 status --for-release nowhere
  assert_rc 2
  assert_err_contains "release 'nowhere' is not a directory"
  run_migrate --dir v1.0.0 status --for-release git:v1.0.1
  assert_rc 2
  assert_err_contains "'git:v1.0.1' is not a release: git:REF:PATH needs both"
  run_migrate --dir v1.0.0 contract --live-release nowhere
  assert_rc 2
  assert_db_untouched "$DATABASE_URL"
}

section "the canary: compatible before contract, incompatible after" the_canary_before_and_after_contract
section "known revisions only, then a pending one the release needs" known_only_and_pending_needed
section "an unknown plain SQL revision: adds only vs drops a column" unknown_plain_sql
section "git:REF:PATH and a tagged checkout" git_ref_form
section "a release that cannot be read" bad_release
finish_sections
