# A server that accepts connections and never answers: status, upgrade and
# lock status give up after connect_timeout (10 s by default) with exit 1 and
# a clear error, and the first SIGTERM or SIGINT while connecting ends the run
# at once with exit 130.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/session_lib.sh"

work=$(scratch_dir)
cd "$work"
write_revision m a00000000001 "" "SELECT 1;"

# Accepts every connection and holds it open without sending a byte.
python3 -c '
import socket, sys
server = socket.socket()
server.bind(("127.0.0.1", 0))
server.listen(64)
print(server.getsockname()[1], flush=True)
held = []
while True:
    held.append(server.accept()[0])
' >port &
on_exit kill_quietly $!
for _ in $(seq 50); do [[ -s port ]] && break; sleep 0.1; done
port=$(<port)
[[ -n "$port" ]] || fail "the silent listener did not start"
url="postgresql://app:S3NT1NEL@127.0.0.1:$port/db"

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# assert_gave_up_within MS: the last run failed on the connect timeout, within MS.
assert_gave_up_within() {
  local took=$(($(now_ms) - started))
  assert_rc 1
  assert_err_contains "migrate: error: cannot connect to the database: connection to server at \"127.0.0.1\", port $port failed: timeout expired"
  assert_err_contains "hint: the server did not answer within connect_timeout (10 s unless the connection string or PGCONNECT_TIMEOUT says otherwise)"
  assert_err_not_contains "S3NT1NEL"
  ((took < $1)) || fail "gave up after $took ms, expected under $1 ms"
}

# --- connect_timeout in the URL is honoured ----------------------------------
for command in status upgrade "lock status"; do
  started=$(now_ms)
  # shellcheck disable=SC2086
  run_migrate --dir m --database-url "$url?connect_timeout=1" $command
  assert_gave_up_within 4000
done

# --- PGCONNECT_TIMEOUT, libpq's own variable, is honoured too ----------------
started=$(now_ms)
PGCONNECT_TIMEOUT=1 run_migrate --dir m --database-url "$url" lock status
assert_gave_up_within 4000

# --- without either, the default: 10 s ---------------------------------------
started=$(now_ms)
run_migrate --dir m --database-url "host=127.0.0.1 port=$port dbname=db" status
assert_gave_up_within 14000
(($(now_ms) - started >= 9000)) || fail "gave up before the 10 s default"

# --- the first signal while connecting ends the run: exit 130 ----------------
# run_signalled SIGNAL ARGS...: migrate ARGS, sent SIGNAL after 1 s.
run_signalled() {
  local signal=$1
  shift
  started=$(now_ms)
  if timeout --preserve-status -s "$signal" 1 "$MIGRATE_BIN" "$@" >out 2>err </dev/null; then RC=0; else RC=$?; fi
  OUT=$(<out)
  ERR=$(<err)
  LAST_COMMAND="timeout -s $signal 1 migrate $*"
}
run_signalled TERM --dir m --database-url "$url" status
assert_rc 130
assert_eq "migrate: error: interrupted while connecting to the database; nothing was changed" "$ERR" "stderr"
(($(now_ms) - started < 3000)) || fail "SIGTERM was not honoured promptly"

run_signalled INT --dir m --database-url "$url" upgrade
assert_rc 130
assert_err_contains "interrupted while connecting to the database; nothing was changed"
(($(now_ms) - started < 3000)) || fail "SIGINT was not honoured promptly"

run_signalled TERM --dir m --database-url "$url" --json lock status
assert_rc 130
[[ "$(python3 -c 'import json, sys; print(json.load(sys.stdin)["exit_code"])' <<<"$OUT")" == 130 ]] ||
  fail "--json: no error object with exit_code 130 on stdout"
assert_out_contains '"error": "interrupted while connecting to the database; nothing was changed"'
