# Helpers to run a real docker-registry (CNCF distribution) for e2e tests.
# Source after lib.sh. Each registry lives under $T_TMP/reg-NAME with its own
# config and filesystem storage, listens on 127.0.0.1:<free port>, and is
# stopped when the script ends.

command -v docker-registry >/dev/null || skip_all "docker-registry is not installed"
command -v skopeo >/dev/null || skip_all "skopeo is not installed"
command -v openssl >/dev/null || skip_all "openssl is not installed"

# wait_port PORT: until something listens on 127.0.0.1:PORT (10 s)
wait_port() {
	local i
	for ((i = 0; i < 100; i++)); do
		(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# reg_start NAME [YAML]: start a registry; YAML is added to the config (for
# auth:, or http: tls: lines written with two-space indents at the top level).
# Sets REG_PORT and REG_DIR; REG_STORAGE is the storage root.
reg_start() {
	local name=$1 extra=${2:-} http_extra=${3:-}
	REG_DIR=$T_TMP/reg-$name
	REG_PORT=$(free_port)
	REG_STORAGE=$REG_DIR/storage
	mkdir -p "$REG_STORAGE"
	cat >"$REG_DIR/config.yml" <<YAML
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $REG_STORAGE
  cache:
    blobdescriptor: ""
http:
  addr: 127.0.0.1:$REG_PORT
  secret: customs-test-secret
$http_extra
$extra
YAML
	docker-registry serve "$REG_DIR/config.yml" >"$REG_DIR/log" 2>&1 &
	at_exit "kill $!"
	wait_port "$REG_PORT" || { cat "$REG_DIR/log" >&2; skip_all "docker-registry '$name' did not start"; }
}

# make_ca DIR: a CA and a server certificate for 127.0.0.1 (DIR/ca.crt,
# DIR/server.crt, DIR/server.key)
make_ca() {
	local d=$1
	mkdir -p "$d"
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=customs test CA" \
		-keyout "$d/ca.key" -out "$d/ca.crt" 2>/dev/null || return 1
	openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" \
		-keyout "$d/server.key" -out "$d/server.csr" 2>/dev/null || return 1
	printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >"$d/ext.cnf"
	openssl x509 -req -in "$d/server.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" \
		-CAcreateserial -days 2 -extfile "$d/ext.cnf" -out "$d/server.crt" 2>/dev/null
}

# token_server_start DIR ARGS...: start tests/e2e/token-server.py with a new
# signing key; sets TOKEN_PORT, TOKEN_CERT and TOKEN_LOG
token_server_start() {
	local d=$1
	shift
	mkdir -p "$d"
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=customs token signer" \
		-keyout "$d/token.key" -out "$d/token.crt" 2>/dev/null || return 1
	TOKEN_PORT=$(free_port)
	TOKEN_CERT=$d/token.crt
	TOKEN_LOG=$d/token.log
	: >"$TOKEN_LOG"
	python3 "$CUSTOMS_SRC/tests/e2e/token-server.py" --key "$d/token.key" --cert "$d/token.crt" \
		--port "$TOKEN_PORT" --issuer customs-test-issuer --service customs-test \
		--log "$TOKEN_LOG" "$@" >"$d/token-server.out" 2>&1 &
	at_exit "kill $!"
	wait_port "$TOKEN_PORT" || { cat "$d/token-server.out" >&2; return 1; }
}

# push SRC DEST [SKOPEO ARGS...]: copy an image into a registry with skopeo
push() {
	local src=$1 dest=$2
	shift 2
	skopeo copy -q --dest-tls-verify=false "$@" "$src" "docker://$dest" >/dev/null 2>"$T_TMP/push.err" || {
		cat "$T_TMP/push.err" >&2
		return 1
	}
}
