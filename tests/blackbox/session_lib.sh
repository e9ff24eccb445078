# Helpers for black-box tests that need other database sessions alongside
# migrate: an application session we hold open and drive line by line, and
# migrate runs in the background. Source after lib.sh.

# open_session NAME URL [APPLICATION_NAME]: starts psql reading from a FIFO;
# send it SQL with `session_send NAME "SQL"`, end it with `session_close NAME`.
open_session() {
  local name=$1 url=$2 app=${3:-test-app}
  local dir
  dir=$(scratch_dir)
  mkfifo "$dir/in"
  PGAPPNAME=$app psql -X -q -A -t -d "$url" <"$dir/in" >"$dir/out" 2>&1 &
  eval "_SESSION_PID_$name=$!"
  exec {fd}>"$dir/in"
  eval "_SESSION_FD_$name=$fd"
  eval "_SESSION_DIR_$name=$dir"
  on_exit session_close "$name"
}

session_send() {
  local fd_var="_SESSION_FD_$1"
  printf '%s\n' "$2" >&"${!fd_var}"
}

session_close() {
  local fd_var="_SESSION_FD_$1" pid_var="_SESSION_PID_$1"
  [[ -n "${!fd_var:-}" ]] || return 0
  eval "exec ${!fd_var}>&-"
  wait "${!pid_var}" 2>/dev/null || true
  eval "unset _SESSION_FD_$1"
}

# The backend pid of the first session whose application_name is APP.
backend_pid_of() {
  psql_db "$1" "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = '$2' ORDER BY backend_start LIMIT 1"
}

# wait_until URL SQL [TRIES]: polls until SQL returns 't' (0.1 s steps).
wait_until() {
  local url=$1 sql=$2 tries=${3:-100} i
  for ((i = 0; i < tries; i++)); do
    [[ "$(psql_db "$url" "$sql")" == t ]] && return 0
    sleep 0.1
  done
  fail "timed out waiting for: $sql"
}

# migrate_bg OUTFILE ARGS...: runs migrate in the background; its pid in $BG_PID.
migrate_bg() {
  local out=$1
  shift
  "$MIGRATE_BIN" "$@" >"$out.out" 2>"$out.err" </dev/null &
  BG_PID=$!
  on_exit kill_quietly "$BG_PID"
}

kill_quietly() {
  kill -9 "$1" 2>/dev/null || true
}

# write_revision DIR ID PARENT UP [DOWN] [TRANSACTION]: one SQL revision file.
write_revision() {
  local dir=$1 id=$2 parent=$3 up=$4 down=${5:-SELECT 1;} transaction=${6:-on}
  mkdir -p "$dir"
  cat >"$dir/${id}.sql" <<SQL
-- migrate:revision $id
-- migrate:parents $parent
-- migrate:message revision $id
-- migrate:transaction $transaction

-- migrate:up
$up

-- migrate:down
$down
SQL
}
