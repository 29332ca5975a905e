#!/usr/bin/env bash
# customs scan --scanners secret on an image built here with podman from the
# Alpine 3.20 fixture: an AWS key pair in a file (layer 1), a private key in
# a file that a later layer deletes (layer 2, removed by layer 3), a GitHub
# token in ENV, a GitLab token in a label and a password on a RUN line
# (image config and history). Each
# must be found where it is, and no secret may appear in any report format
# or on stderr. Then a clean Debian image must give no finding at all
# (or only ones explained in ALLOWED below). The secrets are random,
# generated at run time.
. "$(dirname "$0")/lib.sh"

command -v podman >/dev/null || skip_all "podman is not installed"
command -v openssl >/dev/null || skip_all "openssl is not installed"
[ "$(id -u)" -eq 0 ] || skip_all "needs root for podman with private storage"
alpine_archive=$(fixture alpine-3.20.oci.tar)
debian=$(fixture debian-bookworm.oci)

rand() { # rand N ALPHABET
	LC_ALL=C tr -dc "$2" </dev/urandom | head -c "$1"
}
akid=AKIA$(rand 16 'A-Z2-7')
aksec=$(rand 40 'A-Za-z0-9')
ghp=ghp_$(rand 36 'A-Za-z0-9')
glpat=glpat-$(rand 20 'A-Za-z0-9')
pw=$(rand 12 'A-Za-z')$(rand 4 '0-9')

ctx=$T_TMP/ctx
mkdir -p "$ctx"
printf '[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n' "$akid" "$aksec" \
	>"$ctx/credentials"
openssl genpkey -algorithm ed25519 -out "$ctx/id_ed25519" 2>/dev/null ||
	skip_all "openssl cannot make a key"
pkline=$(sed -n 2p "$ctx/id_ed25519")
cat >"$ctx/Containerfile" <<CF
FROM localhost/alpine:3.20
COPY credentials /root/.aws/credentials
COPY id_ed25519 /root/.ssh/id_ed25519
RUN rm /root/.ssh/id_ed25519
ENV GITHUB_TOKEN=$ghp
LABEL ci.token="$glpat"
RUN echo "db_password=$pw" >/dev/null
CF

t_podman pull --quiet "oci-archive:$alpine_archive" >/dev/null &&
	t_podman tag "$(t_podman images -q | head -1)" localhost/alpine:3.20 ||
	skip_all "cannot load the alpine fixture into podman"
t_podman build --quiet --network none --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 \
	-t localhost/leaky:1 -f "$ctx/Containerfile" "$ctx" >"$T_TMP/build.log" 2>&1 ||
	skip_all "podman build failed: $(tail -3 "$T_TMP/build.log")"
img=$T_TMP/leaky.oci.tar
t_podman save --quiet --format oci-archive -o "$img" localhost/leaky:1

# --- the leaky image -------------------------------------------------------
expect_ok "scan the leaky image" scan image "oci-archive:$img" --scanners secret -f json
echo "$OUT" >"$T_TMP/leaky.json"
echo "$ERR" >"$T_TMP/leaky.stderr"
q() { json_get "$1" <"$T_TMP/leaky.json"; }
check "the AWS key id: root/.aws/credentials, layer 1, line 2, present" test \
	"$(q "[(i['layer'], i['deleted'], i['line'], i['column']) for i in d['issues'] if i['ruleId']=='aws-access-key-id' and i['path']=='root/.aws/credentials']")" = \
	"[(1, False, 2, 21)]"
check "the AWS secret key: same file, line 3, critical" test \
	"$(q "[(i['layer'], i['deleted'], i['line'], i['severity']) for i in d['issues'] if i['ruleId']=='aws-secret-access-key']")" = \
	"[(1, False, 3, 'critical')]"
check "the private key: layer 2, deleted by layer 3" test \
	"$(q "[(i['layer'], i['deleted'], i['line']) for i in d['issues'] if i['ruleId']=='private-key' and i['path']=='root/.ssh/id_ed25519']")" = \
	"[(2, True, 1)]"
check "the GitHub token in config.Env (no path, no layer: null in JSON)" test \
	"$(q "[(i['path'], i['layer']) for i in d['issues'] if i['ruleId']=='github-pat' and (i['where'] or '').startswith('config.Env[')]")" = \
	"[(None, None)]"
check "the GitLab token in a label, named by its key" test \
	"$(q "[(i['where'], i['path']) for i in d['issues'] if i['ruleId']=='gitlab-pat' and (i['where'] or '').startswith('config.Labels')]")" = \
	"[('config.Labels.ci.token', None)]"
check "the password on the RUN line, in history" test \
	"$(q "sorted(set(i['ruleId'] for i in d['issues'] if (i['where'] or '').startswith('history[') and i['ruleId']=='generic-password'))")" = \
	"['generic-password']"
check "excerpts are redacted" test \
	"$(q "all('*****' in (i['excerpt'] or '*****') for i in d['issues'])")" = True
check "nothing from the Alpine base layer" test \
	"$(q "[i['path'] for i in d['issues'] if i['layer']==0]")" = "[]"

for f in table sarif; do
	run scan image "oci-archive:$img" --scanners secret -f "$f"
	echo "$OUT" >"$T_TMP/leaky.$f"
	echo "$ERR" >>"$T_TMP/leaky.stderr"
	check "-f $f exits 0" test "$RC" = 0
done
check "the table names the rules" grep -q 'aws-access-key-id' "$T_TMP/leaky.table"
for s in "$akid" "$aksec" "$ghp" "$glpat" "$pw" "$pkline"; do
	check "secret ${s:0:4}... appears in no output" \
		bash -c '! grep -F -q -e "$1" "$2"/leaky.json "$2"/leaky.table "$2"/leaky.sarif "$2"/leaky.stderr' _ "$s" "$T_TMP"
done
# the same without the secret's first four characters, that a redaction may show
for s in "$akid" "$aksec" "$ghp" "$glpat"; do
	check "no tail of ${s:0:4}... either" \
		bash -c '! grep -F -q -e "$1" "$2"/leaky.json "$2"/leaky.table "$2"/leaky.sarif' _ "${s:4:16}" "$T_TMP"
done

run scan image "oci-archive:$img" --scanners secret --exit-code 4 -f json
check "--exit-code 4 exits 4 with secrets" test "$RC" = 4

# --- gitleaks' rules on the same image --------------------------------------
gl=$CUSTOMS_SHARED/rules/gitleaks/gitleaks.toml
expect_ok "scan with gitleaks' rules" scan image "oci-archive:$img" --scanners secret \
	--secret-config "$gl" -f json
check "gitleaks' rules find the AWS key id, the GitHub token and the private key" test \
	"$(echo "$OUT" | json_get "sorted(set(i['ruleId'] for i in d['issues']) & {'aws-access-token','github-pat','private-key'})")" = \
	"['aws-access-token', 'github-pat', 'private-key']"
check "and echo none of them" bash -c '! printf "%s" "$1" | grep -F -q -e "$2" -e "$3" -e "$4"' _ "$OUT" "$akid" "$ghp" "$pkline"

# --- bad rules files ---------------------------------------------------------
printf '[[rules]]\nid = "broken"\nregex = """(unclosed"""\n' >"$T_TMP/bad.toml"
expect_error "a rule that cannot compile is named" 2 "secret rules '.*bad\.toml': rule 'broken': cannot compile regex" \
	scan image "oci-archive:$img" --scanners secret --secret-config "$T_TMP/bad.toml"
printf '[[rules]]\nid = "x"\nregex = "a\n' >"$T_TMP/bad2.toml"
expect_error "a malformed TOML file names the line" 2 "secret rules '.*bad2\.toml': line 3: " \
	scan image "oci-archive:$img" --scanners secret --secret-config "$T_TMP/bad2.toml"
expect_error "a missing rules file" 2 "secret rules '/nonexistent.toml'" \
	scan image "oci-archive:$img" --scanners secret --secret-config /nonexistent.toml

# --- a clean Debian image ------------------------------------------------------
# Findings a real Debian minbase may have, each explained: "path rule reason".
ALLOWED=()
expect_ok "scan the Debian bookworm fixture" scan image "oci:$debian:bookworm" --scanners secret -f json
echo "$OUT" >"$T_TMP/debian.json"
unexplained=$(python3 - "$T_TMP/debian.json" "${ALLOWED[@]}" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
allowed = {tuple(a.split(" ", 2)[:2]) for a in sys.argv[2:]}
for i in d["issues"]:
    if (i["path"], i["ruleId"]) not in allowed:
        print(i["ruleId"], i["path"] or i["where"], i["line"], i["excerpt"])
PY
)
check "no unexplained finding in Debian bookworm${unexplained:+: $unexplained}" test -z "$unexplained"

finish
