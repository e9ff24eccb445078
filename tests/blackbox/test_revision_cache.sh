#!/usr/bin/env bash
# The cache of parsed revision files (status, heads, history): used when the
# files are unchanged, never trusted over an edit (even one that keeps the
# size and the mtime), rebuilt when damaged, harmless when it cannot be
# written, safe with several runs at once, off with --no-cache. The
# migrations directory itself is never written. Fixtures: tests/fixtures/story.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/story_lib.sh"

readonly BASE_FILE=migrations/a5d47eb28402_create_users.sql

# A project with story/base and story/v2 applied, files older than the two
# seconds within which a change is not recorded, and a cache of its own.
applied_project() {
  fresh_project
  checkout migrations story/base story/v2
  export MIGRATE_CACHE_DIR=$PWD/cache
  run_migrate upgrade
  assert_rc 0
  touch -d '1 minute ago' migrations/*
  sleep 2.1 # the ctime the touch set must be old enough too
}

# rewrite_in_place SED_SCRIPT FILE: edits FILE keeping its inode (sed -i makes a new file).
rewrite_in_place() {
  local text
  text=$(sed "$1" "$2")
  printf '%s\n' "$text" >"$2"
}

# cache_hits: how many files the last -v run took from the cache.
cache_hits() {
  sed -n 's/.*revision files, \([0-9]*\) of them from the cache.*/\1/p' <<<"$ERR"
}

the_second_status_reads_the_cache() {
  applied_project
  local files
  files=$(ls migrations | wc -l)
  run_migrate -v status
  assert_rc 0
  assert_eq 0 "$(cache_hits)" "the first status found a cache"
  [[ -n "$(ls cache)" ]] || fail "status wrote no cache in MIGRATE_CACHE_DIR"
  run_migrate -v status
  assert_rc 0
  assert_eq "$files" "$(cache_hits)" "the second status did not read every file from the cache"
  local cached fresh
  run_migrate --json status
  cached=$OUT
  run_migrate --json --no-cache status
  assert_rc 0
  fresh=$OUT
  assert_eq "$fresh" "$cached" "status --json differs with and without the cache"
  for command in heads history; do
    run_migrate "$command"
    cached=$OUT
    run_migrate --no-cache "$command"
    assert_eq "$OUT" "$cached" "$command differs with and without the cache"
  done
  assert_eq "$files" "$(ls migrations | wc -l)" "the migrations directory gained files"
}

an_edit_keeping_size_and_mtime_is_seen() {
  applied_project
  run_migrate status
  assert_rc 0
  local mtime
  mtime=$(stat -c %y "$BASE_FILE")
  # In place (same inode), same length: `name text` becomes `nick text`.
  rewrite_in_place 's/name text/nick text/' "$BASE_FILE"
  grep -q 'nick text' "$BASE_FILE" || fail "the edit did not apply"
  touch -d "$mtime" "$BASE_FILE"
  run_migrate -v status
  assert_rc 6
  assert_out_contains "$BASE_FILE"
  # Put back within the same second: too new to have been recorded, so read again.
  rewrite_in_place 's/nick text/name text/' "$BASE_FILE"
  touch -d "$mtime" "$BASE_FILE"
  run_migrate status
  assert_rc 0
}

a_new_file_and_a_removed_one_are_seen() {
  applied_project
  run_migrate status
  run_migrate heads
  local before=$OUT
  run_migrate new -m "one more"
  assert_rc 0
  run_migrate -v heads
  assert_rc 0
  assert_out_contains "one more"
  rm "$(ls migrations/*one_more*)"
  run_migrate heads
  assert_eq "$before" "$OUT" "heads after the new file was removed"
}

a_damaged_cache_is_rebuilt() {
  applied_project
  run_migrate status
  local cache
  cache=$(ls cache/*)
  printf 'garbage' | dd of="$cache" bs=1 seek=40 conv=notrunc status=none
  run_migrate -v status
  assert_rc 0
  assert_err_contains "rebuilt"
  assert_eq 0 "$(cache_hits)" "a damaged cache was read"
  head -c 100 "$cache" >"$cache.cut" && mv "$cache.cut" "$cache"
  run_migrate -v status
  assert_rc 0
  assert_eq 0 "$(cache_hits)" "a truncated cache was read"
  run_migrate -v status
  assert_rc 0
  [[ "$(cache_hits)" -gt 0 ]] || fail "the cache was not rebuilt"
}

a_cache_that_cannot_be_written_is_no_failure() {
  applied_project
  : >not_a_directory
  MIGRATE_CACHE_DIR=$PWD/not_a_directory/cache run_migrate -v status
  assert_rc 0
  assert_err_contains "the command works without it"
  MIGRATE_CACHE_DIR=$PWD/not_a_directory/cache run_migrate status
  assert_rc 0
  assert_err_not_contains "cache"
}

no_cache_neither_reads_nor_writes() {
  applied_project
  run_migrate -v --no-cache status
  assert_rc 0
  assert_err_contains "(--no-cache)"
  [[ ! -e cache ]] || fail "--no-cache wrote a cache"
}

the_default_place_is_the_user_cache() {
  applied_project
  unset MIGRATE_CACHE_DIR
  mkdir home
  HOME=$PWD/home XDG_CACHE_HOME='' run_migrate -v status
  assert_rc 0
  ls home/.cache/migrate/revisions-*.cache >/dev/null || fail "no cache under ~/.cache/migrate"
  XDG_CACHE_HOME=$PWD/xdg run_migrate -v status
  ls xdg/migrate/revisions-*.cache >/dev/null || fail "no cache under XDG_CACHE_HOME/migrate"
}

runs_at_once_share_the_cache() {
  applied_project
  local i pids=() rc=0
  for i in 1 2 3 4 5 6 7 8; do
    "$MIGRATE_BIN" --json status >"out.$i" 2>"err.$i" &
    pids+=($!)
  done
  for i in "${pids[@]}"; do wait "$i" || rc=1; done
  ((rc == 0)) || fail "a status run at the same time as others failed: $(cat err.*)"
  for i in 2 3 4 5 6 7 8; do
    cmp -s out.1 "out.$i" || fail "status runs at the same time disagree"
  done
  [[ -z "$(ls -A cache | grep -v '^revisions-.*\.cache$')" ]] || fail "temporary files left in the cache directory"
  run_migrate -v status
  assert_rc 0
  [[ "$(cache_hits)" -gt 0 ]] || fail "the cache written by runs at once is not whole"
}

section the_second_status_reads_the_cache the_second_status_reads_the_cache
section an_edit_keeping_size_and_mtime_is_seen an_edit_keeping_size_and_mtime_is_seen
section a_new_file_and_a_removed_one_are_seen a_new_file_and_a_removed_one_are_seen
section a_damaged_cache_is_rebuilt a_damaged_cache_is_rebuilt
section a_cache_that_cannot_be_written_is_no_failure a_cache_that_cannot_be_written_is_no_failure
section no_cache_neither_reads_nor_writes no_cache_neither_reads_nor_writes
section the_default_place_is_the_user_cache the_default_place_is_the_user_cache
section runs_at_once_share_the_cache runs_at_once_share_the_cache
finish_sections
