#!/usr/bin/env bash
# customs lint dockerfile on the Dockerfiles in tests/data/dockerfile: each
# file states the rule ids it must raise on a "# expect:" line (and nothing
# else); exit codes, formats, stdin, several files in one report, inline
# and configured suppression, malformed input, and a podman build of a
# "good" file to show the fixtures are real Dockerfiles.
. "$(dirname "$0")/lib.sh"

data=$CUSTOMS_TESTDATA/dockerfile
ids() { json_get "','.join(sorted(set(i['ruleId'] for i in d['issues'])))"; }

# --- every file raises exactly the rules it expects ----------------------
for f in "$data"/*.Dockerfile; do
	name=$(basename "$f")
	grep -q '^# expect-error:' "$f" && continue
	want=$(sed -n 's/^# expect:[[:space:]]*//p' "$f" | head -n1 | tr ',' '\n' | sed '/^$/d' | sort -u | paste -sd, -)
	run lint dockerfile -f json "$f"
	if [ "$RC" -ne 0 ]; then
		fail "$name: exit $RC: $ERR"
		continue
	fi
	got=$(ids <<<"$OUT")
	if [ "$got" = "$want" ]; then pass "$name raises {$want}"; else fail "$name: want {$want}, got {$got}"; fi
done

# --- positions, paths and evidence ---------------------------------------
run lint dockerfile -f json "$data/bad-secrets.Dockerfile"
check "secret: ENV line 4, columns 1-67, redacted" test \
	"$(json_get "[(i['line'],i['column'],i['endLine'],i['endColumn'],'wJalrXUt' in i['excerpt']) for i in d['issues'] if i['ruleId']=='CS-DF-009'][0]" <<<"$OUT")" = "(4, 1, 4, 67, False)"
check "issues carry the file's path" test \
	"$(json_get "set(i['path'] for i in d['issues'])=={'$data/bad-secrets.Dockerfile'}" <<<"$OUT")" = True
check "CS-DF-051 only for the RUN without a secret mount (line 6)" test \
	"$(json_get "[i['line'] for i in d['issues'] if i['ruleId']=='CS-DF-051']" <<<"$OUT")" = "[6]"
run lint dockerfile -f json "$data/bad-apt.Dockerfile"
check "continued RUN spans its lines (bad-download: 5..5, bad-misc heredoc-free)" test \
	"$(json_get "[(i['line'],i['endLine']) for i in d['issues'] if i['ruleId']=='CS-DF-013'][0]" <<<"$OUT")" = "(4, 4)"

# --- exit codes and gating -----------------------------------------------
run lint dockerfile --exit-code 5 "$data/bad-root.Dockerfile"
check "issues + --exit-code 5 -> 5" test "$RC" -eq 5
run lint dockerfile --exit-code 5 "$data/good-alpine.Dockerfile"
check "clean file + --exit-code 5 -> 0" test "$RC" -eq 0
run lint dockerfile --exit-code 4 --severity critical "$data/bad-apt.Dockerfile"
check "--severity critical hides everything -> 0" test "$RC" -eq 0
run lint dockerfile -f json --severity high "$data/bad-root.Dockerfile"
check "--severity high keeps only CS-DF-004" test "$(ids <<<"$OUT")" = CS-DF-004

# --- formats, stdin, several files ---------------------------------------
for fmt in table json sarif junit html; do
	expect_ok "format $fmt" lint dockerfile -f "$fmt" "$data/bad-root.Dockerfile"
done
run lint dockerfile -f sarif "$data/bad-root.Dockerfile"
check "sarif is JSON" python3 -c 'import json,sys; json.loads(sys.argv[1])' "$OUT"
expect_error "cyclonedx is not a lint format" 2 "unknown format 'cyclonedx'" \
	lint dockerfile -f cyclonedx "$data/bad-root.Dockerfile"
OUT=$("$CUSTOMS" lint dockerfile -f json - <"$data/bad-root.Dockerfile" 2>"$T_TMP/err")
check "stdin ('-') is linted" test "$(ids <<<"$OUT")" = CS-DF-001,CS-DF-004,CS-DF-029,CS-DF-031,CS-DF-032
run lint dockerfile -f json "$data/bad-root.Dockerfile" "$data/bad-download.Dockerfile"
check "two files, one report, both paths" test \
	"$(json_get "len(set(i['path'] for i in d['issues']))" <<<"$OUT")" = 2
check "the target names both files" test \
	"$(json_get "d['target']['name']" <<<"$OUT")" = "$data/bad-root.Dockerfile, $data/bad-download.Dockerfile"
run lint dockerfile -o "$T_TMP/report.json" -f json "$data/bad-root.Dockerfile"
check "-o writes the report" test -s "$T_TMP/report.json"

# --- suppression ---------------------------------------------------------
run lint dockerfile -f json "$data/ignored.Dockerfile"
check "inline ignore: suppressed with the comment's line" test \
	"$(json_get "sorted((i['ruleId'],i['suppressedBy']) for i in d['suppressedIssues'])" <<<"$OUT")" = \
	"[('CS-DF-001', 'inline:2'), ('CS-DF-016', 'inline:4'), ('CS-DF-025', 'inline:4')]"
run lint dockerfile -f json --config "$data/lint.yaml" "$data/bad-root.Dockerfile"
check "config: CS-DF-031 and DL3025 (CS-DF-029) suppressed by config:FILE" test \
	"$(json_get "sorted((i['ruleId'],i['suppressedBy']) for i in d['suppressedIssues'])" <<<"$OUT")" = \
	"[('CS-DF-029', 'config:$data/lint.yaml'), ('CS-DF-031', 'config:$data/lint.yaml')]"
check "config: CS-DF-004 raised to critical" test \
	"$(json_get "[i['severity'] for i in d['issues'] if i['ruleId']=='CS-DF-004'][0]" <<<"$OUT")" = critical
run lint dockerfile -f json --config "$data/lint.yaml" "$data/bad-apt.Dockerfile" "$data/windows.Dockerfile"
check "config: require-digest and trusted-registries" test \
	"$(json_get "sorted(set(i['ruleId'] for i in d['issues'] if i['ruleId'] in ('CS-DF-002','CS-DF-003')))" <<<"$OUT")" = "['CS-DF-002', 'CS-DF-003']"

# --- bad input: one line naming FILE:LINE, exit 2, nothing written --------
msg=$(sed -n 's/^# expect-error:[[:space:]]*//p' "$data/malformed.Dockerfile")
cp "$data/malformed.Dockerfile" "$T_TMP/malformed.Dockerfile"
(cd "$T_TMP" && "$CUSTOMS" lint dockerfile -o "$T_TMP/bad.json" malformed.Dockerfile 2>"$T_TMP/err")
rc=$?
check "malformed: exit 2" test "$rc" -eq 2
check "malformed: '$msg'" grep -qF "$msg" "$T_TMP/err"
check "malformed: no report file" test ! -e "$T_TMP/bad.json"
expect_error "malformed file among good ones fails the run" 2 "malformed.Dockerfile:4: unterminated heredoc" \
	lint dockerfile "$data/good-alpine.Dockerfile" "$data/malformed.Dockerfile"
printf 'FROM alpine:3.20\nFROBNICATE x\n' >"$T_TMP/unknown"
expect_error "unknown instruction names file:line" 2 "unknown:2: unknown instruction 'FROBNICATE'" \
	lint dockerfile "$T_TMP/unknown"
head -c 5000000 /dev/zero | tr '\0' '\n' >"$T_TMP/huge"
expect_error "a file over 4 MiB is refused" 2 "huge: larger than" lint dockerfile "$T_TMP/huge"
expect_error "missing file" 2 "nope" lint dockerfile "$T_TMP/nope"
printf 'ignore: [NOT-A-RULE]\n' >"$T_TMP/bad.yaml"
expect_error "config with an unknown rule" 2 "bad.yaml:1: unknown rule 'NOT-A-RULE'" \
	lint dockerfile --config "$T_TMP/bad.yaml" "$data/good-alpine.Dockerfile"
expect_error "no files" 2 "one or more files" lint dockerfile
expect_error "unknown lint target" 2 "." lint nothing

# --- a good file is a real, buildable Dockerfile --------------------------
if command -v podman >/dev/null && [ "$(id -u)" -eq 0 ] && [ -e "$CUSTOMS_FIXTURES/alpine-3.20.oci" ]; then
	if t_podman pull -q "oci:$CUSTOMS_FIXTURES/alpine-3.20.oci" >"$T_TMP/pull" 2>&1 &&
		t_podman tag "$(tail -n1 "$T_TMP/pull")" localhost/customs-alpine:3.20; then
		mkdir -p "$T_TMP/ctx"
		check "podman builds good-alpine.Dockerfile" t_podman build -q --pull=never \
			--ulimit nofile=1024:1024 --ulimit nproc=1024:1024 \
			-f "$data/good-alpine.Dockerfile" -t localhost/customs-good "$T_TMP/ctx"
		check "the built image runs" test "$(t_podman run --rm --ulimit nofile=1024:1024 \
			--ulimit nproc=1024:1024 localhost/customs-good 2>/dev/null)" = "hello from customs"
	else
		fail "podman could not load the alpine fixture: $(cat "$T_TMP/pull")"
	fi
else
	echo "# skipped: podman build (needs podman, root and the alpine-3.20.oci fixture)"
fi

finish
