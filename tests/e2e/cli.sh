#!/usr/bin/env bash
# The command line contract: usage errors, exit statuses, one-line errors,
# formats, atomic output files, and inspect/ls-files on a real Alpine image
# checked against skopeo and tar.
. "$(dirname "$0")/lib.sh"

oci=$(fixture alpine-3.20.oci)
rootfs_tgz=$CUSTOMS_SHARED/images/alpine/alpine-minirootfs-3.20.3-x86_64.tar.gz

# --- usage ---------------------------------------------------------------
expect_ok "--version" --version
check "version names the product" grep -q '^customs ' <<<"$OUT"
expect_ok "--help" --help
expect_error "no verb is a usage error" 2 "no verb given"
expect_error "image without a verb" 2 "'image' needs a verb" image
expect_error "unknown verb" 2 "unknown verb 'frobnicate'" frobnicate
expect_error "unknown image verb" 2 "unknown verb 'image nope'" image nope
expect_error "inspect without a reference" 2 'takes one image reference' image inspect
expect_error "unknown format" 2 "unknown format 'xml'" image inspect -f xml "oci:$oci:3.20"
expect_error "bad size option" 2 "invalid size 'lots'" image inspect --max-file-size lots "oci:$oci:3.20"
expect_error "bad layer number" 2 "invalid layer number" image ls-files --layer x "oci:$oci:3.20"
expect_error "layer out of range" 2 "there is no layer 7" image ls-files --layer 7 "oci:$oci:3.20"
expect_error "bad reference" 2 "image reference 'UPPER/case' must be lowercase" image inspect UPPER/case
expect_error "missing layout" 2 "/nonexistent" image inspect oci:/nonexistent:x
expect_error "unknown tag" 2 "nosuchtag" image inspect "oci:$oci:nosuchtag"

# --- inspect ---------------------------------------------------------------
expect_ok "inspect table" image inspect "oci:$oci:3.20"
check "table names the config digest" grep -q "^Config  *sha256:" <<<"$OUT"
check "table has a layers section" grep -q "^Layers (1)" <<<"$OUT"

expect_ok "inspect json" image inspect -f json "oci:$oci:3.20"
echo "$OUT" >"$T_TMP/inspect.json"
want_manifest=sha256:$(skopeo inspect --raw "oci:$oci:3.20" | sha256sum | cut -d' ' -f1)
want_config=$(skopeo inspect --raw "oci:$oci:3.20" | json_get 'd["config"]["digest"]')
want_layer=$(skopeo inspect --raw "oci:$oci:3.20" | json_get 'd["layers"][0]["digest"]')
want_diffid=$(skopeo inspect --config "oci:$oci:3.20" | json_get 'd["rootfs"]["diff_ids"][0]')
check "schema is versioned" test "$(json_get 'd["schema"]' <"$T_TMP/inspect.json")" = customs.image.inspect/v1
check "manifest digest equals skopeo's" test "$(json_get 'd["manifestDigest"]' <"$T_TMP/inspect.json")" = "$want_manifest"
check "config digest equals skopeo's" test "$(json_get 'd["configDigest"]' <"$T_TMP/inspect.json")" = "$want_config"
check "layer digest equals skopeo's" test "$(json_get 'd["layers"][0]["digest"]' <"$T_TMP/inspect.json")" = "$want_layer"
check "diff_id equals skopeo's" test "$(json_get 'd["layers"][0]["diffId"]' <"$T_TMP/inspect.json")" = "$want_diffid"
check "platform is linux/amd64" test "$(json_get 'd["os"]+"/"+d["architecture"]' <"$T_TMP/inspect.json")" = linux/amd64
want_size=$(gzip -dc "$rootfs_tgz" | wc -c)
# podman import re-packs the tar: compare with the real uncompressed layer
layer_hex=${want_layer#sha256:}
want_size=$(gzip -dc "$oci/blobs/sha256/$layer_hex" | wc -c)
check "uncompressed size equals gzip -dc" test "$(json_get 'd["layers"][0]["uncompressedSize"]' <"$T_TMP/inspect.json")" = "$want_size"
want_files=$(gzip -dc "$oci/blobs/sha256/$layer_hex" | tar -tvf - | grep -vc '^d')
check "file count equals tar's non-directory entries" test "$(json_get 'd["layers"][0]["files"]' <"$T_TMP/inspect.json")" = "$want_files"
check "compression detected" test "$(json_get 'd["layers"][0]["compression"]' <"$T_TMP/inspect.json")" = gzip

expect_ok "inspect --no-walk" image inspect --no-walk -f json "oci:$oci:3.20"
check "--no-walk leaves sizes null" test "$(json_get 'd["layers"][0]["uncompressedSize"]' <<<"$OUT")" = None

# --- output files are atomic ---------------------------------------------
expect_ok "inspect -o FILE" image inspect -f json -o "$T_TMP/out.json" "oci:$oci:3.20"
check "output file is complete JSON" python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$T_TMP/out.json"
check "nothing on stdout with -o" test -z "$OUT"
echo "previous" >"$T_TMP/keep.json"
expect_error "failure leaves the old file alone" 2 "nosuchtag" image inspect -o "$T_TMP/keep.json" "oci:$oci:nosuchtag"
check "old file untouched" test "$(cat "$T_TMP/keep.json")" = previous
check "no temporary files left" test "$(ls "$T_TMP" | grep -c '\.tmp\.')" = 0
expect_error "unwritable output" 2 "cannot write '/nonexistent/x.json'" image inspect -o /nonexistent/x.json "oci:$oci:3.20"

# --- ls-files ------------------------------------------------------------
expect_ok "ls-files json" image ls-files -f json "oci:$oci:3.20"
echo "$OUT" >"$T_TMP/ls.json"
gzip -dc "$oci/blobs/sha256/$layer_hex" | tar -tf - | sed 's|^\./||; s|/$||' | grep -v '^$' | sort >"$T_TMP/tar-paths"
json_get '"\n".join(e["path"] for e in d["entries"])' <"$T_TMP/ls.json" | sort >"$T_TMP/ls-paths"
check "merged view lists exactly the tar's paths" cmp -s "$T_TMP/tar-paths" "$T_TMP/ls-paths"
check "count matches" test "$(json_get 'd["count"]' <"$T_TMP/ls.json")" = "$(wc -l <"$T_TMP/tar-paths")"
check "busybox is setuid-free and 0755" test "$(json_get '[e["mode"] for e in d["entries"] if e["path"]=="bin/busybox"][0]' <"$T_TMP/ls.json")" = 0755
check "bin/sh is a symlink to busybox" test "$(json_get '[e["link"] for e in d["entries"] if e["path"]=="bin/sh"][0]' <"$T_TMP/ls.json")" = /bin/busybox
expect_ok "ls-files table" image ls-files "oci:$oci:3.20"
check "table shows symlinks with arrows" grep -q ' /bin/sh -> /bin/busybox$' <<<"$OUT"
check "table shows modes" grep -q '^-rwxr-xr-x .* /bin/busybox$' <<<"$OUT"
expect_ok "ls-files --layer 0" image ls-files --layer 0 -f json "oci:$oci:3.20"
check "one layer lists the same count" test "$(json_get 'd["count"]' <<<"$OUT")" = "$(wc -l <"$T_TMP/tar-paths")"

# -o into something that is not a regular file (a FIFO here, /dev/null in
# scripts) writes into it: a temporary file renamed over it would replace it
mkfifo "$T_TMP/fifo"
timeout 30 cat "$T_TMP/fifo" >"$T_TMP/from-fifo" &
expect_ok "-o a FIFO" image inspect -f json -o "$T_TMP/fifo" "oci:$oci:3.20"
wait
check "the FIFO is still a FIFO" test -p "$T_TMP/fifo"
check "the report went through the FIFO" test "$(json_get 'd["configDigest"][:7]' <"$T_TMP/from-fifo")" = sha256:
expect_error "-o a directory" 2 "a directory" image inspect -o "$T_TMP" "oci:$oci:3.20"

finish
