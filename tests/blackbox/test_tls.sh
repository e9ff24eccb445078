# TLS with a real server: a test CA and a server certificate for "localhost"
# made here with openssl, a private cluster with ssl = on. sslmode=verify-full
# works and the headers say TLS is in use; a wrong CA and a host name the
# certificate does not name fail with libpq's reason and a hint, exit 1,
# before anything is written; without TLS the header says so.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/session_lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/story_lib.sh"

command -v openssl >/dev/null || skip "openssl is not installed"

scratch=$(scratch_dir)
private_cluster "$scratch/tls-pg"
base=$CLUSTER_BASE SOCK=$CLUSTER_SOCK PORT=$CLUSTER_PORT SUPER=$CLUSTER_USER
admin="postgresql:///postgres?host=$(_bb_urlencode "$SOCK")&port=$PORT&user=$SUPER"
app_socket="postgresql:///app?host=$(_bb_urlencode "$SOCK")&port=$PORT&user=$SUPER"

# --- a CA, a server certificate it signs for localhost, and a CA that signs nothing
certs=$scratch/certs
mkdir -p "$certs"
(
  cd "$certs"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=migrate test CA" \
    -keyout ca.key -out ca.crt
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=another CA" \
    -keyout other-ca.key -out other-ca.crt
  openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout server.key -out server.csr
  printf 'subjectAltName = DNS:localhost\n' >server.ext
  openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 \
    -extfile server.ext -out server.crt
) >"$scratch/openssl.log" 2>&1 || fail "openssl could not make the certificates: $(cat "$scratch/openssl.log")"
cp "$certs/server.crt" "$certs/server.key" "$base/data/"
chmod 600 "$base/data/server.key"
[[ $(id -u) == 0 ]] && chown postgres: "$base/data/server.crt" "$base/data/server.key"
psql_db "$admin" "ALTER SYSTEM SET ssl = on" >/dev/null
psql_db "$admin" "SELECT pg_reload_conf()" >/dev/null
wait_until "$admin" "SELECT current_setting('ssl') = 'on'" 100
psql_db "$admin" "CREATE DATABASE app" >/dev/null

dir=$scratch/revisions
write_revision "$dir" a00000000001 "" "CREATE TABLE notes (id int);" "DROP TABLE notes;"

tls="postgresql://localhost:$PORT/app?hostaddr=127.0.0.1&user=$SUPER&sslmode=verify-full&sslrootcert=$(_bb_urlencode "$certs/ca.crt")"

# --- verify-full with the right CA works, and the headers say TLS ---------------
run_migrate --dir "$dir" --database-url "$tls" upgrade
assert_rc 0
assert_err_contains "(localhost:$PORT, TLS (TLSv1."
run_migrate --dir "$dir" --database-url "$tls" status
assert_rc 0
assert_out_contains "at localhost:$PORT, TLS (TLSv1."
assert_out_contains "pending    none"
run_migrate --dir "$dir" --database-url "$tls" --json status
assert_rc 0
[[ "$(printf '%s' "$OUT" | python3 -c 'import json, sys; print(json.load(sys.stdin)["tls"])')" == TLSv1.* ]] ||
  fail "status --json does not name the TLS protocol"
assert_eq t "$(psql_db "$admin" "SELECT count(*) = 0 FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) WHERE a.application_name LIKE 'migrate%' AND NOT s.ssl")" \
  "no migrate session without TLS"

# --- failures: libpq's reason, a hint, nothing written ---------------------------
before=$(database_dump "$app_socket")
write_revision "$dir" a00000000002 a00000000001 "CREATE TABLE more_notes (id int);" "DROP TABLE more_notes;"

# refused URL REASON HINT: upgrade through URL fails to connect with libpq's
# REASON and migrate's HINT.
refused() {
  run_migrate --dir "$dir" --database-url "$1" upgrade
  assert_rc 1
  assert_err_contains "cannot connect to the database"
  assert_err_contains "$2"
  assert_err_contains "hint: $3"
}
verify_full="sslmode=verify-full&user=$SUPER"
refused "postgresql://localhost:$PORT/app?hostaddr=127.0.0.1&$verify_full&sslrootcert=$(_bb_urlencode "$certs/other-ca.crt")" \
  "certificate verify failed" "the server's certificate is not signed by a CA that sslrootcert names"
wrong_host="postgresql://127.0.0.1:$PORT/app?$verify_full&sslrootcert=$(_bb_urlencode "$certs/ca.crt")"
refused "$wrong_host" "does not match host name \"127.0.0.1\"" "sslmode=verify-full checks that the host"
refused "postgresql://localhost:$PORT/app?hostaddr=127.0.0.1&$verify_full&sslrootcert=$(_bb_urlencode "$scratch/none.crt")" \
  "root certificate file" "sslmode=verify-ca and verify-full need the CA's certificate"

run_migrate --dir "$dir" --database-url "$wrong_host" --json upgrade
assert_rc 1
printf '%s' "$OUT" | python3 -c 'import json, sys; d = json.load(sys.stdin); assert "does not match host name" in d["error"] and "verify-ca" in d["hint"], d' ||
  fail "the --json error does not carry the reason and the hint"

after=$(database_dump "$app_socket")
assert_eq "$before" "$after" "the failed connections changed nothing"

# --- without TLS, the header says so -------------------------------------------
run_migrate --dir "$dir" --database-url "postgresql://127.0.0.1:$PORT/app?user=$SUPER&sslmode=disable" status
assert_rc 0
assert_out_contains "at 127.0.0.1:$PORT, no TLS"
