#!/usr/bin/env bash
# lint image / scan --scanners config: a "bad" and a "good" image built by
# podman (no network) on the Alpine 3.20 fixture, saved as OCI archives;
# the expected checks fire on the bad one only, and no secret value ever
# reaches any report.
. "$(dirname "$0")/lib.sh"

command -v podman >/dev/null || skip_all "podman is not installed"
[ "$(id -u)" -eq 0 ] || skip_all "needs root for podman with private storage"
base=$(fixture alpine-3.20.oci)

id=$(t_podman pull --quiet "oci:$base:3.20" 2>"$T_TMP/pull.log") ||
	skip_all "cannot load the alpine fixture into podman: $(cat "$T_TMP/pull.log")"
t_podman tag "$id" localhost/alpine:3.20 || skip_all "cannot tag the alpine fixture"

secret_env='Sup3r-S3cret-Env-Value-42'
secret_arg='tok-Build-Arg-Value-9876'

mkdir -p "$T_TMP/bad" "$T_TMP/good"
cat >"$T_TMP/bad/Containerfile" <<EOF
FROM localhost/alpine:3.20
ENV DB_PASSWORD=$secret_env
ARG API_TOKEN
RUN echo building
RUN cp /bin/busybox /usr/local/bin/suidbox && chmod 4755 /usr/local/bin/suidbox && \\
    mkdir -p /srv/shared && chmod 0777 /srv/shared && \\
    mkdir -p /var/cache/apk && echo idx >/var/cache/apk/APKINDEX.deadbeef.tar.gz && \\
    sed -i 's/^root:[^:]*:/root::/' /etc/shadow && \\
    echo 'toor:x:0:0:toor:/root:/bin/sh' >>/etc/passwd && \\
    echo 'toor:*:19000:0:99999:7:::' >>/etc/shadow && \\
    mkdir -p /app/.git /root/.ssh && echo key >/root/.ssh/id_ed25519
RUN apk update || true
VOLUME /etc
EXPOSE 22 8080
EOF
cat >"$T_TMP/good/Containerfile" <<'EOF'
FROM localhost/alpine:3.20
RUN adduser -D -u 1000 app && mkdir -p /data && chown app /data
USER 1000
HEALTHCHECK --interval=30s CMD ["true"]
VOLUME /data
EXPOSE 8080
EOF
build() { # NAME TAG [ARGS...]
	local name=$1 tag=$2
	shift 2
	t_podman build --quiet --network none --format docker \
		--ulimit nofile=1024:1024 --ulimit nproc=1024:1024 "$@" \
		-t "localhost/$name:$tag" "$T_TMP/$name" >"$T_TMP/$name.log" 2>&1 ||
		skip_all "podman build $name failed: $(tail -n3 "$T_TMP/$name.log")"
}
build bad latest --build-arg "API_TOKEN=$secret_arg"
build good 1.0
t_podman save --quiet --format oci-archive -o "$T_TMP/bad.tar" localhost/bad:latest
t_podman save --quiet --format docker-archive -o "$T_TMP/good.tar" localhost/good:1.0

bad="oci-archive:$T_TMP/bad.tar"
good="docker-archive:$T_TMP/good.tar:localhost/good:1.0"

# ids in a JSON report, one per line
ids() { json_get '"\n".join(sorted(set(i["ruleId"] for i in d["issues"])))'; }
has() { grep -qx "$1" <<<"$IDS"; }

expect_ok "lint image (bad) as JSON" lint image -f json "$bad"
printf '%s\n' "$OUT" >"$T_TMP/bad.json"
IDS=$(ids <"$T_TMP/bad.json")
for id in CS-IMG-001 CS-IMG-002 CS-IMG-005 CS-IMG-008 CS-IMG-009 CS-IMG-010 CS-IMG-012 \
	CS-IMG-016 CS-IMG-018 CS-IMG-019 CS-IMG-020 CS-IMG-022 CS-IMG-023 CS-IMG-024 \
	CS-IMG-003; do
	check "bad image: $id fires" has "$id"
done
check "bad image: privileged-port check stays quiet for 8080" eval '! has CS-IMG-021'
q() { json_get "$1" <"$T_TMP/bad.json"; }
check "setuid copy is listed with its layer" test \
	"$(q '[i["layer"] for i in d["issues"] if i["ruleId"]=="CS-IMG-005" and i["path"].endswith("suidbox")][0]')" -ge 1
check "world-writable directory is srv/shared" test \
	"$(q '[i["path"] for i in d["issues"] if i["ruleId"]=="CS-IMG-022"]')" = "['srv/shared']"
check "empty password is root in etc/shadow" test \
	"$(q '[(i["path"], i["excerpt"]) for i in d["issues"] if i["ruleId"]=="CS-IMG-016"]')" = \
	"[('etc/shadow', 'root')]"
check "second uid 0 account is toor" test \
	"$(q '[i["excerpt"] for i in d["issues"] if i["ruleId"]=="CS-IMG-018"]')" = "['toor']"
check "ENV secret evidence names the variable" test \
	"$(q '[i["where"] for i in d["issues"] if i["ruleId"]=="CS-IMG-008"][0]')" != ""
check "ENV secret excerpt is redacted" test \
	"$(q '[i["excerpt"] for i in d["issues"] if i["ruleId"]=="CS-IMG-008"][0]')" = "DB_PASSWORD=Sup3*****"
check "build argument secret is found in the history" test \
	"$(q '[i["where"] for i in d["issues"] if i["ruleId"]=="CS-IMG-009"][0]')" != ""
check "apk cache counted" eval \
	'q "[i[\"message\"] for i in d[\"issues\"] if i[\"ruleId\"]==\"CS-IMG-012\"][0]" | grep -q "apk package cache: 1 files"'
check "VOLUME /etc is the sensitive volume" test \
	"$(q '[i["excerpt"] for i in d["issues"] if i["ruleId"]=="CS-IMG-019"]')" = "['/etc']"

# the same analyser through scan
expect_ok "scan --scanners config (bad)" scan image "$bad" --scanners config -f json
check "scan reports the same ids" test "$(ids <<<"$OUT")" = "$IDS"

# no output format ever carries a secret value
for f in table json sarif junit html cyclonedx; do
	run lint image -f "$f" "$bad"
	check "lint image -f $f has no secret value" eval \
		'! grep -qF -e "$secret_env" -e "$secret_arg" <<<"$OUT$ERR"'
done

# gating
run lint image --exit-code 5 "$bad"
check "--exit-code applies to config issues" test "$RC" = 5
run lint image --exit-code 5 --severity critical "$bad"
check "--severity filters what gates" test "$RC" = 0

# the layer cache: a second lint of the same image takes its layers (and the
# account files the checks read) from the cache and reports the same issues
expect_ok "lint image (bad), filling a cache" lint image -f json --cache-dir "$T_TMP/lc" "$bad"
echo "$OUT" | grep -v '"generated"' >"$T_TMP/cold.json"
OUT=$("$CUSTOMS" --debug lint image -f json --cache-dir "$T_TMP/lc" "$bad" 2>"$T_TMP/warm.err")
echo "$OUT" | grep -v '"generated"' >"$T_TMP/warm.json"
check "the second lint reads every layer from the cache" test \
	"$(grep -c 'from cache' "$T_TMP/warm.err")" -ge 2
check "and reports exactly the same" cmp -s "$T_TMP/cold.json" "$T_TMP/warm.json"
expect_ok "lint image (good) as JSON" lint image -f json "$good"
IDS=$(ids <<<"$OUT")
for id in CS-IMG-001 CS-IMG-002 CS-IMG-003 CS-IMG-008 CS-IMG-009 CS-IMG-010 CS-IMG-012 \
	CS-IMG-016 CS-IMG-017 CS-IMG-018 CS-IMG-019 CS-IMG-020 CS-IMG-022 CS-IMG-023 \
	CS-IMG-024; do
	check "good image: $id stays quiet" eval "! has $id"
done
check "good image: nothing above low" test \
	"$(json_get 'len([i for i in d["issues"] if i["severity"] in ("critical","high","medium")])' <<<"$OUT")" = 0

expect_error "lint image needs a reference" 2 "takes one image reference" lint image
expect_error "unknown format" 2 "unknown format 'yaml'" lint image -f yaml "$bad"
expect_error "missing archive" 2 "nope.tar" lint image "oci-archive:$T_TMP/nope.tar"

finish
