/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Dockerfile parser (directives, escape, continuations with comments,
 * heredocs, JSON and shell forms, flags, expansion, ONBUILD, stages,
 * positions, errors naming FILE:LINE, limits) and every lint rule with a
 * Dockerfile that must fire it and one that must not; suppression inline
 * and by configuration.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analyze/dockerfile.h"
#include "basic/alloc.h"

static struct cs_dockerfile *parse_ok(const char *text)
{
	struct cs_dockerfile *df = NULL;
	struct cs_error err = CS_ERROR_INIT;
	int r = cs_dockerfile_parse(text, strlen(text), "Dockerfile", &df, &err);

	if (r < 0)
		fail_msg("parse failed: %s\n--\n%s", err.msg, text);
	return df;
}

static void parse_err(const char *text, const char *want)
{
	struct cs_dockerfile *df = NULL;
	struct cs_error err = CS_ERROR_INIT;
	int r = cs_dockerfile_parse(text, strlen(text), "Dockerfile", &df, &err);

	if (r >= 0)
		fail_msg("parse succeeded, want '%s'\n--\n%s", want, text);
	if (!strstr(err.msg, want))
		fail_msg("error '%s' does not contain '%s'", err.msg, want);
	assert_null(df);
}

static void test_directives_escape(void **state)
{
	struct cs_dockerfile *df;

	(void)state;
	df = parse_ok("# syntax=docker/dockerfile:1.7\n"
		      "#escape = `\n"
		      "# check=skip=JSONArgsRecommended\n"
		      "FROM mcr.microsoft.com/windows/servercore:ltsc2022\n"
		      "COPY testfile.txt c:\\\n"
		      "RUN dir c:\\ `\n"
		      "    && echo done\n");
	assert_int_equal(df->escape, '`');
	assert_string_equal(df->syntax, "docker/dockerfile:1.7");
	assert_string_equal(df->check, "skip=JSONArgsRecommended");
	assert_int_equal(df->n, 3);
	/* the backslash is an ordinary character; the backtick continues the line */
	assert_string_equal(df->v[1].args[1], "c:\\");
	assert_string_equal(df->v[2].rest, "dir c:\\     && echo done");
	assert_int_equal(df->v[2].line, 6);
	assert_int_equal(df->v[2].end_line, 7);
	cs_dockerfile_free(df);

	/* a directive after a comment is a comment */
	df = parse_ok("# hello\n# escape=`\nFROM alpine:3.20\nRUN echo a \\\n b\n");
	assert_int_equal(df->escape, '\\');
	assert_string_equal(df->v[1].rest, "echo a  b");
	cs_dockerfile_free(df);

	parse_err("# escape=x\nFROM alpine\n", "Dockerfile:1: invalid escape token");
	parse_err("# escape=`\n# escape=\\\nFROM alpine\n", "Dockerfile:2: only one escape");
}

static void test_continuations(void **state)
{
	struct cs_dockerfile *df;

	(void)state;
	df = parse_ok("FROM alpine:3.20\n"
		      "\n"
		      "RUN apk add --no-cache \\\n"
		      "    # the shell never sees this\n"
		      "\n"
		      "    curl \\  \n"
		      "    git\n"
		      "  CMD [\"sh\"]\n");
	assert_int_equal(df->n, 3);
	assert_int_equal(df->v[1].cmd, CS_DF_RUN);
	assert_string_equal(df->v[1].rest, "apk add --no-cache     curl     git");
	assert_int_equal(df->v[1].line, 3);
	assert_int_equal(df->v[1].column, 1);
	assert_int_equal(df->v[1].end_line, 7);
	assert_int_equal(df->v[1].end_column, 8);
	assert_int_equal(df->v[2].line, 8);
	assert_int_equal(df->v[2].column, 3);
	assert_int_equal(df->v[2].end_column, 13);
	assert_true(df->v[2].json);
	cs_dockerfile_free(df);
	/* CRLF line ends */
	df = parse_ok("FROM alpine:3.20\r\nRUN echo \\\r\n  hi\r\n");
	assert_string_equal(df->v[1].rest, "echo   hi");
	cs_dockerfile_free(df);
}

static void test_json_shell(void **state)
{
	struct cs_dockerfile *df;

	(void)state;
	df = parse_ok("FROM alpine:3.20\n"
		      "CMD [\"nginx\", \"-g\", \"daemon off;\"]\n"
		      "ENTRYPOINT [\"a\", 1]\n"
		      "RUN [ \"echo\", \"x\" ]\n"
		      "SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\n"
		      "CMD echo '[not json'\n");
	assert_true(df->v[1].json);
	assert_int_equal(df->v[1].n_args, 3);
	assert_string_equal(df->v[1].args[2], "daemon off;");
	assert_false(df->v[2].json); /* not an array of strings: shell form */
	assert_true(df->v[3].json);
	assert_true(df->v[4].json);
	assert_int_equal(df->v[4].n_args, 4);
	assert_false(df->v[5].json);
	cs_dockerfile_free(df);
}

static void test_heredocs(void **state)
{
	struct cs_dockerfile *df;

	(void)state;
	df = parse_ok("FROM alpine:3.20\n"
		      "RUN <<EOF\n"
		      "apk add --no-cache curl\n"
		      "echo $HOME\n"
		      "EOF\n"
		      "RUN <<-\"A\" cat >/a && python3 <<'B'\n"
		      "\t\tindented $X\n"
		      "\tA\n"
		      "print(1)\n"
		      "B\n"
		      "COPY <<conf /etc/app.conf\n"
		      "key=value\n"
		      "conf\n"
		      "RUN echo '<<NOT' && cat <<<here && echo $((1<<2)) 2<<x\n"
		      "x\n");
	assert_int_equal(df->n, 5);
	assert_int_equal(df->v[1].n_heredocs, 1);
	assert_string_equal(df->v[1].heredocs[0].name, "EOF");
	assert_string_equal(df->v[1].heredocs[0].content, "apk add --no-cache curl\necho $HOME\n");
	assert_true(df->v[1].heredocs[0].expand);
	assert_int_equal(df->v[1].heredocs[0].line, 3);
	assert_int_equal(df->v[1].end_line, 5);
	assert_int_equal(df->v[2].n_heredocs, 2);
	assert_true(df->v[2].heredocs[0].chomp);
	assert_false(df->v[2].heredocs[0].expand);
	assert_string_equal(df->v[2].heredocs[0].content, "indented $X\n");
	assert_string_equal(df->v[2].heredocs[1].name, "B");
	assert_string_equal(df->v[2].heredocs[1].content, "print(1)\n");
	assert_int_equal(df->v[2].end_line, 10);
	assert_int_equal(df->v[3].cmd, CS_DF_COPY);
	assert_string_equal(df->v[3].heredocs[0].content, "key=value\n");
	assert_int_equal(df->v[4].n_heredocs, 1); /* only "2<<x" */
	assert_string_equal(df->v[4].heredocs[0].name, "x");
	assert_int_equal(df->v[4].line, 14);
	cs_dockerfile_free(df);
	parse_err("FROM alpine\nRUN <<EOF\necho\n", "Dockerfile:2: unterminated heredoc 'EOF'");
}

static void test_flags(void **state)
{
	struct cs_dockerfile *df;
	bool present;

	(void)state;
	df = parse_ok("FROM --platform=$BUILDPLATFORM golang:1.22 AS build\n"
		      "RUN --mount=type=cache,target=/root/.cache --network=none go build\n"
		      "FROM scratch\n"
		      "COPY --from=build --chown=10001:10001 --chmod=0755 --link /out /app\n"
		      "ADD --checksum=sha256:abc --keep-git-dir https://x/y.tgz /z/\n");
	assert_string_equal(cs_df_flag(&df->v[0], "platform", NULL), "$BUILDPLATFORM");
	assert_string_equal(df->stages[0].name, "build");
	assert_string_equal(df->stages[0].image, "golang:1.22");
	assert_string_equal(cs_df_flag(&df->v[1], "mount", NULL), "type=cache,target=/root/.cache");
	assert_string_equal(cs_df_flag(&df->v[1], "network", NULL), "none");
	assert_string_equal(df->v[1].rest, "go build");
	assert_null(cs_df_flag(&df->v[3], "link", &present));
	assert_true(present);
	assert_string_equal(cs_df_flag(&df->v[3], "chmod", NULL), "0755");
	assert_int_equal(df->v[3].n_args, 2);
	assert_string_equal(cs_df_flag(&df->v[4], "checksum", NULL), "sha256:abc");
	cs_dockerfile_free(df);
	parse_err("FROM alpine\nCOPY --nope=1 a b\n",
		  "Dockerfile:2: unknown flag '--nope' for COPY");
}

static void test_expansion(void **state)
{
	struct cs_dockerfile *df;

	(void)state;
	df = parse_ok("ARG REG=docker.io\n"
		      "ARG TAG\n"
		      "FROM ${REG}/library/alpine:${TAG:-3.20} AS base\n"
		      "ARG REG\n"
		      "ENV DIR=/opt/app HOME2=\"$HOME x\" LIT=\\$DIR\n"
		      "WORKDIR ${DIR}/sub\n"
		      "ENV ALT=${DIR:+set} UN=${NOPE:+set} D2=${NOPE-dflt}\n"
		      "USER '$DIR'\n"
		      "LABEL a=\"$REG\"\n"
		      "ENV legacy value with spaces\n");
	assert_string_equal(df->stages[0].image, "docker.io/library/alpine:3.20");
	assert_string_equal(df->v[3].kv[0].key, "REG");
	assert_string_equal(df->v[4].kv[0].expanded, "/opt/app");
	assert_string_equal(df->v[4].kv[1].expanded, " x");
	assert_string_equal(df->v[4].kv[2].expanded, "$DIR");
	assert_string_equal(df->v[5].args[0], "/opt/app/sub");
	assert_string_equal(df->v[6].kv[0].expanded, "set");
	assert_string_equal(df->v[6].kv[1].expanded, "");
	assert_string_equal(df->v[6].kv[2].expanded, "dflt");
	assert_string_equal(df->v[7].args[0], "$DIR"); /* single quotes: no expansion */
	assert_string_equal(df->v[8].kv[0].expanded, "docker.io");
	assert_string_equal(df->v[9].kv[0].key, "legacy");
	assert_string_equal(df->v[9].kv[0].value, "value with spaces");
	cs_dockerfile_free(df);

	{
		char *s = NULL;

		assert_int_equal(cs_df_expand("a \\$b ${c:-d}", '\\', NULL, NULL, &s), 0);
		assert_string_equal(s, "a $b d");
		free(s);
		assert_true(cs_df_expand("${a", '\\', NULL, NULL, &s) < 0);
	}
	parse_err("FROM alpine\nWORKDIR ${a\n", "Dockerfile:2: bad variable substitution");
	parse_err("FROM alpine\nENV a=${b\n", "Dockerfile:2: bad variable substitution");
	parse_err("FROM alpine\nLABEL a ${b\n", "Dockerfile:2: bad variable substitution");
}

static void test_onbuild_healthcheck_stages(void **state)
{
	struct cs_dockerfile *df;

	(void)state;
	df = parse_ok(
		"FROM alpine:3.20 AS Base\n"
		"ONBUILD RUN apk add curl\n"
		"HEALTHCHECK --interval=30s --retries=3 CMD [\"wget\", \"-q\", \"http://x\"]\n"
		"FROM base AS final\n"
		"HEALTHCHECK NONE\n"
		"maintainer someone\n");
	assert_int_equal(df->n_stages, 2);
	assert_string_equal(df->stages[0].name, "base");
	assert_int_equal(df->stages[1].base_stage, 0);
	assert_int_equal(df->stages[1].first, 3);
	assert_int_equal(df->stages[1].count, 3);
	assert_int_equal(df->v[1].sub->cmd, CS_DF_RUN);
	assert_string_equal(df->v[1].sub->rest, "apk add curl");
	assert_int_equal(df->v[2].sub->cmd, CS_DF_CMD);
	assert_true(df->v[2].sub->json);
	assert_string_equal(cs_df_flag(&df->v[2], "retries", NULL), "3");
	assert_true(df->v[4].healthcheck_none);
	assert_int_equal(df->v[5].cmd, CS_DF_MAINTAINER);
	cs_dockerfile_free(df);

	parse_err("FROM a\nONBUILD ONBUILD RUN x\n", "Dockerfile:2: ONBUILD isn't allowed");
	parse_err("FROM a\nONBUILD FROM b\n", "isn't allowed as an ONBUILD trigger");
	parse_err("FROM a\nHEALTHCHECK\n", "HEALTHCHECK requires NONE or CMD");
	parse_err("FROM a\nFROM b c\n", "Dockerfile:2: FROM requires either one or three");
	parse_err("FROM a\nBOGUS x\n", "Dockerfile:2: unknown instruction 'BOGUS'");
	parse_err("RUN x\n", "Dockerfile:1: RUN before the first FROM");
	parse_err("# only a comment\n", "contains no instructions");
	parse_err("FROM a\nCOPY onlyone\n", "COPY requires at least two arguments");
	parse_err("FROM a\nENV =x\n", "ENV names can not be blank");
}

static void test_limits(void **state)
{
	struct cs_dockerfile *df = NULL;
	struct cs_error err = CS_ERROR_INIT;
	size_t n = CS_DF_MAX_SIZE + 2;
	char *big = cs_malloc(n);

	(void)state;
	assert_non_null(big);
	memset(big, '\n', n);
	assert_true(cs_dockerfile_parse(big, n, "big", &df, &err) < 0);
	assert_non_null(strstr(err.msg, "big: larger than"));
	/* too many instructions */
	{
		size_t per = strlen("RUN x\n"), cnt = CS_DF_MAX_INSTRUCTIONS + 1, o = 0;

		memcpy(big, "FROM a\n", 7);
		o = 7;
		for (size_t i = 0; i < cnt; i++, o += per)
			memcpy(big + o, "RUN x\n", per);
		cs_error_clear(&err);
		assert_true(cs_dockerfile_parse(big, o, "many", &df, &err) < 0);
		assert_non_null(strstr(err.msg, "more than 20000 instructions"));
	}
	/* nested defaults */
	cs_error_clear(&err);
	{
		const char *deep =
			"FROM a\nWORKDIR ${a:-${a:-${a:-${a:-${a:-${a:-${a:-${a:-${a:-${a:-x}}}}}}}}}}\n";

		assert_true(cs_dockerfile_parse(deep, strlen(deep), "deep", &df, &err) < 0);
		assert_non_null(strstr(err.msg, "deep:2:"));
	}
	free(big);
}

/* ---- rules ---- */

struct rule_case {
	const char *rule;
	const char *fires;  /* Dockerfile that must raise rule */
	const char *quiet;  /* Dockerfile that must not */
	const char *config; /* YAML or NULL */
};

#define GOOD_TAIL "USER 10001\nHEALTHCHECK CMD [\"true\"]\n"
#define DEB	  "FROM debian:bookworm\n"
#define ALP	  "FROM alpine:3.20\n"

static const struct rule_case cases[] = {
	{ "CS-DF-001", "FROM alpine\n" GOOD_TAIL, ALP GOOD_TAIL, NULL },
	{ "CS-DF-001", "FROM alpine:latest\n" GOOD_TAIL, "FROM alpine@sha256:0123\n" GOOD_TAIL,
	  NULL },
	{ "CS-DF-002", ALP GOOD_TAIL, "FROM alpine:3.20@sha256:0123\n" GOOD_TAIL,
	  "require-digest: true\n" },
	{ "CS-DF-003", "FROM quay.io/x/y:1\n" GOOD_TAIL,
	  "FROM registry.example.com/team/y:1\n" GOOD_TAIL,
	  "trusted-registries: [registry.example.com/team, docker.io]\n" },
	{ "CS-DF-004", ALP "USER root\nHEALTHCHECK NONE\n",
	  ALP "USER root\nUSER app\nHEALTHCHECK NONE\n", NULL },
	{ "CS-DF-004", ALP "USER 0:0\n",
	  "FROM alpine:3.20 AS a\nUSER root\nFROM alpine:3.20\nUSER 1\n", NULL },
	{ "CS-DF-005", ALP "HEALTHCHECK NONE\n", "FROM alpine:3.20 AS a\nUSER x\nFROM a\n", NULL },
	{ "CS-DF-006", ALP "RUN curl -fsSL https://x/i.sh | bash\n",
	  ALP "RUN curl -fsSLo /tmp/i.sh https://x/i.sh && sha256sum -c s && sh /tmp/i.sh\n",
	  NULL },
	{ "CS-DF-006", ALP "RUN sh -c \"$(wget -qO- https://x/i.sh)\"\n",
	  ALP "RUN wget -qO- https://x/a.tgz | tar xz\n", NULL },
	{ "CS-DF-007", ALP "ADD https://x/a.tgz /a/\n",
	  ALP
	  "ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d "
	  "https://x/a.tgz /a/\n",
	  NULL },
	{ "CS-DF-008", ALP "ADD app.py /app/\n", ALP "ADD rootfs.tar.gz /\n", NULL },
	{ "CS-DF-009", ALP "ENV DB_PASSWORD=hunter2\n",
	  ALP "ENV DB_PASSWORD_FILE=/run/secrets/db\n", NULL },
	{ "CS-DF-009", ALP "ARG GITHUB_TOKEN=ghp_abcdef\n",
	  ALP "ENV GPG_KEY=A035C8C19219BA821ECEA86B\n", NULL },
	{ "CS-DF-010", DEB "RUN apt-get install --no-install-recommends curl\n",
	  DEB "RUN apt-get install -qy --no-install-recommends curl\n", NULL },
	{ "CS-DF-011", DEB "RUN apt-get install -y curl\n",
	  DEB "RUN apt-get install -y --no-install-recommends curl\n", NULL },
	{ "CS-DF-012", DEB "RUN apt-get update && apt-get install -y curl\n",
	  DEB "RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n",
	  NULL },
	{ "CS-DF-012", DEB "RUN apt-get install -y curl\n",
	  DEB "RUN --mount=type=cache,target=/var/lib/apt apt-get install -y curl\n", NULL },
	{ "CS-DF-013", DEB "RUN apt-get update && apt-get -y dist-upgrade\n",
	  DEB "RUN apt-get update && apt-get install -y --only-upgrade openssl\n", NULL },
	{ "CS-DF-014", DEB "RUN apt-get update\nRUN apt-get install -y curl\n",
	  DEB "RUN apt-get update && apt-get install -y curl\n", NULL },
	{ "CS-DF-015", DEB "RUN apt-get install -y curl\n",
	  DEB "RUN apt-get install -y curl=7.88.1-10\n", "enable: [CS-DF-015]\n" },
	{ "CS-DF-016", ALP "RUN apk add curl\n", ALP "RUN apk add --no-cache curl\n", NULL },
	{ "CS-DF-017", ALP "RUN apk add --no-cache curl\n",
	  ALP "RUN apk add --no-cache curl=8.9.0-r0\n", "enable: [DL3018]\n" },
	{ "CS-DF-018", "FROM rockylinux:9\nRUN yum install -y httpd\n",
	  "FROM rockylinux:9\nRUN yum install -y httpd && yum clean all\n", NULL },
	{ "CS-DF-019", "FROM fedora:40\nRUN dnf install -y httpd\n",
	  "FROM fedora:40\nRUN dnf install -y httpd && dnf clean all\n", NULL },
	{ "CS-DF-020", ALP "RUN pip install flask==3.0.0\n",
	  ALP "RUN pip3 install --no-cache-dir flask==3.0.0\n", NULL },
	{ "CS-DF-020", ALP "RUN python3 -m pip install -r req.txt\n",
	  ALP "ENV PIP_NO_CACHE_DIR=1\nRUN python3 -m pip install -r req.txt\n", NULL },
	{ "CS-DF-021", ALP "RUN pip install --no-cache-dir flask\n",
	  ALP "RUN pip install --no-cache-dir flask==3.0.0 -r r.txt\n", "enable: [CS-DF-021]\n" },
	{ "CS-DF-022", "FROM node:20\nRUN npm ci\n",
	  "FROM node:20\nRUN npm ci && npm cache clean --force\n", NULL },
	{ "CS-DF-023", DEB "RUN sudo apt-get update\n", DEB "RUN echo sudo\n", NULL },
	{ "CS-DF-024", ALP "WORKDIR app\n", ALP "WORKDIR /app\n", NULL },
	{ "CS-DF-025", ALP "RUN cd /tmp && make\n", ALP "RUN make -C /tmp\n", NULL },
	{ "CS-DF-026", ALP "CMD [\"a\"]\nCMD [\"b\"]\n",
	  "FROM alpine:3.20 AS x\nCMD [\"a\"]\nFROM x\nCMD [\"b\"]\n", NULL },
	{ "CS-DF-027", ALP "ENTRYPOINT [\"a\"]\nENTRYPOINT [\"b\"]\n", ALP "ENTRYPOINT [\"a\"]\n",
	  NULL },
	{ "CS-DF-028", ALP "HEALTHCHECK NONE\nHEALTHCHECK CMD [\"true\"]\n",
	  ALP "HEALTHCHECK CMD true\n", NULL },
	{ "CS-DF-029", ALP "CMD nginx -g 'daemon off;'\n", ALP "CMD [\"nginx\"]\n", NULL },
	{ "CS-DF-029", ALP "ENTRYPOINT /entry.sh\n", ALP "ENTRYPOINT [\"/entry.sh\"]\n", NULL },
	{ "CS-DF-030", ALP "EXPOSE 80/http\n", ALP "EXPOSE 80/tcp 53/udp 8000-8010 $PORT\n", NULL },
	{ "CS-DF-030", ALP "EXPOSE 70000\n", ALP "EXPOSE 65535/TCP\n", NULL },
	{ "CS-DF-031", ALP "USER 1\n", ALP "USER 1\nHEALTHCHECK CMD [\"true\"]\n", NULL },
	{ "CS-DF-032", ALP "MAINTAINER me@example.com\n",
	  ALP "LABEL org.opencontainers.image.authors=me\n", NULL },
	{ "CS-DF-033", "FROM alpine:3.20 AS a\nCOPY --from=a /x /y\n",
	  "FROM alpine:3.20 AS a\nFROM alpine:3.20\nCOPY --from=a /x /y\n", NULL },
	{ "CS-DF-033", "FROM alpine:3.20\nCOPY --from=0 /x /y\n",
	  "FROM alpine:3.20\nFROM alpine:3.20\nCOPY --from=0 /x /y\n", NULL },
	{ "CS-DF-034", "FROM alpine:3.20\nCOPY --from=builder /x /y\nFROM alpine:3.20 AS builder\n",
	  "FROM alpine:3.20 AS builder\nFROM alpine:3.20\nCOPY --from=builder /x /y\n", NULL },
	{ "CS-DF-034", ALP "COPY --from=3 /x /y\n", ALP "COPY --from=nginx:1.27 /x /y\n", NULL },
	{ "CS-DF-035", "FROM alpine:3.20 AS a\nFROM alpine:3.20 AS A\n",
	  "FROM alpine:3.20 AS a\nFROM alpine:3.20 AS b\n", NULL },
	{ "CS-DF-036", "FROM --platform=linux/amd64 alpine:3.20\n",
	  "FROM --platform=$BUILDPLATFORM alpine:3.20\n", NULL },
	{ "CS-DF-037", ALP "SHELL /bin/bash -c\n", ALP "SHELL [\"/bin/bash\", \"-c\"]\n", NULL },
	{ "CS-DF-038", ALP "RUN useradd -u 1000000 app\n", ALP "RUN useradd -l -u 1000000 app\n",
	  NULL },
	{ "CS-DF-039", ALP "RUN chmod -R 777 /app\n",
	  ALP "RUN chmod 1777 /scratch && chmod 755 /app\n", NULL },
	{ "CS-DF-040", ALP "COPY id_rsa /root/.ssh/\n", ALP "COPY id_rsa.pub /x/\n", NULL },
	{ "CS-DF-040", ALP "COPY .ssh/ /root/.ssh/\n", ALP "RUN --mount=type=ssh git clone x\n",
	  NULL },
	{ "CS-DF-041", ALP "COPY --from=nginx:latest /x /y\n", ALP "COPY --from=nginx:1.27 /x /y\n",
	  NULL },
	{ "CS-DF-042", ALP "RUN wget https://x/a.tgz\n",
	  ALP "RUN wget --progress=dot:giga https://x\n", NULL },
	{ "CS-DF-043", DEB "RUN apt install -y curl\n", DEB "RUN apt-get install -y curl\n", NULL },
	{ "CS-DF-044", "FROM opensuse/leap:15\nRUN zypper install httpd\n",
	  "FROM opensuse/leap:15\nRUN zypper -n install httpd\n", NULL },
	{ "CS-DF-045", "FROM fedora:40\nRUN dnf install httpd\n",
	  "FROM fedora:40\nRUN dnf install -y httpd\n", NULL },
	{ "CS-DF-045", "FROM ubi9/ubi-minimal:9\nRUN microdnf install httpd\n",
	  "FROM ubi9/ubi-minimal:9\nRUN microdnf -y install httpd\n", NULL },
	{ "CS-DF-046", "FROM centos:7\nRUN yum install httpd\n",
	  "FROM centos:7\nRUN yum install --assumeyes httpd\n", NULL },
	{ "CS-DF-047", "FROM opensuse/leap:15\nRUN zypper -n dup\n",
	  "FROM opensuse/leap:15\nRUN zypper -n patch\n", NULL },
	{ "CS-DF-048", ALP "RUN apk upgrade\n", ALP "RUN apk add --no-cache --upgrade openssl\n",
	  NULL },
	{ "CS-DF-049", ALP "RUN wget -qO- https://x | tar xz\n",
	  ALP
	  "SHELL [\"/bin/ash\", \"-eo\", \"pipefail\", \"-c\"]\nRUN wget -qO- https://x | tar xz\n",
	  NULL },
	{ "CS-DF-049", ALP "RUN ls | wc -l\n", ALP "RUN set -o pipefail && ls | wc -l\n", NULL },
	{ "CS-DF-050", ALP "COPY a b /dest\n", ALP "COPY a b /dest/\n", NULL },
	{ "CS-DF-051", ALP "ARG NPM_TOKEN\nRUN echo \"//r/:_authToken=${NPM_TOKEN}\" > .npmrc\n",
	  ALP "ARG NPM_TOKEN\nRUN --mount=type=secret,id=npm,env=NPM_TOKEN npm ci\n", NULL },
	{ "CS-DF-052", ALP "EXPOSE 22\n", ALP "EXPOSE 2222\n", NULL },
	{ "CS-DF-053", "FROM node:20\nRUN npm install -g express\n",
	  "FROM node:20\nRUN npm install -g express@4.19.2\n", "enable: [CS-DF-053]\n" },
	{ "CS-DF-054", "FROM ruby:3\nRUN gem install rails\n",
	  "FROM ruby:3\nRUN gem install rails:7.1.3\n", "enable: [CS-DF-054]\n" },
	{ "CS-DF-055", ALP "RUN wget -q https://x && curl -fO https://y\n",
	  ALP "RUN curl -fO https://y\n", NULL },
	{ "CS-DF-056", DEB "RUN service nginx start\n", DEB "RUN nginx -t\n", NULL },
	{ "CS-DF-057", ALP "COPY app.py app/\n", ALP "WORKDIR /srv\nCOPY app.py app/\n", NULL },
	{ "CS-DF-058", "FROM opensuse/leap:15\nRUN zypper -n install httpd\n",
	  "FROM opensuse/leap:15\nRUN zypper -n install httpd && zypper clean -a\n", NULL },
	{ "CS-DF-059", ALP "RUN mkdir /app\nRUN chown 1000 /app\n",
	  ALP "RUN mkdir /app\nWORKDIR /app\nRUN chown 1000 /app\n", NULL },
	/* chained on purpose, or different mounts: not consolidation candidates */
	{ "CS-DF-059", ALP "RUN [\"true\"]\n# a comment between\nRUN [\"false\"]\n",
	  ALP "RUN mkdir /a && mkdir /b\nRUN chown 1000 /a\n", NULL },
	{ "CS-DF-059",
	  ALP "RUN --mount=type=cache,target=/c make\nRUN --mount=type=cache,target=/c make "
	      "install\n",
	  ALP "RUN --mount=type=cache,target=/c make\nRUN --mount=type=cache,target=/d make\n",
	  NULL },
	{ "CS-DF-060", ALP "RUN ln -sf /bin/bash /bin/sh\n",
	  ALP "RUN ln -sf /bin/bash /usr/local/bin/sh\n", NULL },
	/* the rules also look inside ONBUILD and heredoc scripts */
	{ "CS-DF-016", ALP "ONBUILD RUN apk add curl\n",
	  ALP "ONBUILD RUN apk add --no-cache curl\n", NULL },
	{ "CS-DF-016", ALP "RUN <<EOF\nset -e\napk add curl\nEOF\n",
	  ALP "RUN <<EOF\napk add --no-cache curl\nEOF\n", NULL },
	{ "CS-DF-006", ALP "RUN [\"sh\", \"-c\", \"curl -s https://x | sh\"]\n",
	  ALP "RUN [\"curl\", \"-fsO\", \"https://x\"]\n", NULL },
};

static bool has_rule(const struct cs_issues *is, const char *id, bool suppressed)
{
	const struct cs_issue *v = suppressed ? is->suppressed : is->v;
	size_t n = suppressed ? is->n_suppressed : is->n;

	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i].rule_id, id))
			return true;
	return false;
}

static struct cs_issues *lint(const char *text, const char *config)
{
	struct cs_dockerfile *df = parse_ok(text);
	struct cs_df_config *cfg = NULL;
	struct cs_issues *is = NULL;
	struct cs_error err = CS_ERROR_INIT;

	if (config && cs_df_config_parse(config, strlen(config), "cfg.yaml", &cfg, &err) < 0)
		fail_msg("config: %s", err.msg);
	assert_int_equal(cs_issues_new(&is), 0);
	assert_int_equal(cs_dockerfile_lint(df, cfg, is, &err), 0);
	cs_df_config_free(cfg);
	cs_dockerfile_free(df);
	return is;
}

static void test_rules(void **state)
{
	bool covered[128] = { false };

	(void)state;
	for (size_t i = 0; i < CS_ARRAY_SIZE(cases); i++) {
		const struct rule_case *c = &cases[i];
		struct cs_issues *is;

		is = lint(c->fires, c->config);
		if (!has_rule(is, c->rule, false))
			fail_msg("%s did not fire on:\n%s", c->rule, c->fires);
		cs_issues_free(is);
		is = lint(c->quiet, c->config);
		if (has_rule(is, c->rule, false))
			fail_msg("%s fired on:\n%s", c->rule, c->quiet);
		cs_issues_free(is);
		for (size_t k = 0; k < cs_df_rule_count(); k++)
			if (!strcmp(cs_df_rule(k)->id, c->rule))
				covered[k] = true;
	}
	/* every rule has a case, and off-by-default rules stay off */
	assert_true(cs_df_rule_count() >= 40);
	for (size_t k = 0; k < cs_df_rule_count(); k++) {
		if (!covered[k])
			fail_msg("rule %s has no test case", cs_df_rule(k)->id);
		if (!cs_df_rule(k)->default_on) {
			struct cs_issues *is = NULL;

			for (size_t i = 0; i < CS_ARRAY_SIZE(cases); i++)
				if (!strcmp(cases[i].rule, cs_df_rule(k)->id)) {
					is = lint(cases[i].fires, NULL);
					break;
				}
			assert_non_null(is);
			if (has_rule(is, cs_df_rule(k)->id, false))
				fail_msg("%s is on without configuration", cs_df_rule(k)->id);
			cs_issues_free(is);
		}
	}
}

static void test_issue_fields(void **state)
{
	struct cs_issues *is = lint("FROM alpine:3.20\n"
				    "ENV API_TOKEN=supersecretvalue1234 \\\n"
				    "    X=1\n",
				    NULL);
	const struct cs_issue *x = NULL;

	(void)state;
	for (size_t i = 0; i < is->n; i++)
		if (!strcmp(is->v[i].rule_id, "CS-DF-009"))
			x = &is->v[i];
	assert_non_null(x);
	assert_int_equal(x->kind, CS_ISSUE_DOCKERFILE);
	assert_string_equal(x->path, "Dockerfile");
	assert_int_equal(x->line, 2);
	assert_int_equal(x->column, 1);
	assert_int_equal(x->end_line, 3);
	assert_int_equal(x->end_column, 8);
	assert_int_equal(x->severity, CS_SEV_HIGH);
	assert_null(strstr(x->excerpt, "supersecretvalue1234"));
	assert_non_null(strstr(x->excerpt, "API_TOKEN="));
	assert_non_null(x->remediation);
	cs_issues_free(is);
}

static void test_suppression(void **state)
{
	struct cs_issues *is;
	struct cs_df_config *cfg = NULL;
	struct cs_error err = CS_ERROR_INIT;

	(void)state;
	is = lint("# customs ignore=CS-DF-001,CS-DF-036\n"
		  "FROM --platform=linux/amd64 alpine\n"
		  "# hadolint ignore=DL3019\n"
		  "RUN apk add curl\n"
		  "# hadolint ignore=DL3019\n"
		  "\n"
		  "RUN apk add git\n",
		  NULL);
	assert_false(has_rule(is, "CS-DF-001", false));
	assert_true(has_rule(is, "CS-DF-001", true));
	assert_false(has_rule(is, "CS-DF-036", false));
	/* line 4 is suppressed, line 7 is not: a blank line detaches the comment */
	assert_true(has_rule(is, "CS-DF-016", true));
	assert_true(has_rule(is, "CS-DF-016", false));
	for (size_t i = 0; i < is->n_suppressed; i++)
		if (!strcmp(is->suppressed[i].rule_id, "CS-DF-016"))
			assert_string_equal(is->suppressed[i].suppressed_by, "inline:3");
	cs_issues_free(is);

	is = lint("FROM alpine\nUSER root\n",
		  "ignore: [DL3006]\nseverity: {CS-DF-004: critical, DL3057: negligible}\n");
	assert_true(has_rule(is, "CS-DF-001", true));
	assert_string_equal(is->suppressed[0].suppressed_by, "config:cfg.yaml");
	for (size_t i = 0; i < is->n; i++) {
		if (!strcmp(is->v[i].rule_id, "CS-DF-004"))
			assert_int_equal(is->v[i].severity, CS_SEV_CRITICAL);
		if (!strcmp(is->v[i].rule_id, "CS-DF-031"))
			assert_int_equal(is->v[i].severity, CS_SEV_NEGLIGIBLE);
	}
	cs_issues_free(is);

	is = lint("# hadolint ignore=DL3007\nFROM alpine:latest\nUSER 1\n", NULL);
	assert_true(has_rule(is, "CS-DF-001", true));
	assert_false(has_rule(is, "CS-DF-001", false));
	cs_issues_free(is);

	is = lint("# hadolint global ignore=DL3057\nFROM alpine:3.20\nUSER 1\n", NULL);
	assert_true(has_rule(is, "CS-DF-031", true));
	cs_issues_free(is);

	assert_true(cs_df_config_parse("ignore: [NOPE]\n", 15, "c.yaml", &cfg, &err) < 0);
	assert_string_equal(err.msg, "c.yaml:1: unknown rule 'NOPE'");
	cs_error_clear(&err);
	assert_true(cs_df_config_parse("bogus: 1\n", 9, "c.yaml", &cfg, &err) < 0);
	assert_non_null(strstr(err.msg, "c.yaml:1: unknown key 'bogus'"));
	cs_error_clear(&err);
	assert_true(cs_df_config_parse("ignore: [\n", 10, "c.yaml", &cfg, &err) < 0);
	assert_non_null(strstr(err.msg, "c.yaml:"));
	assert_true(cs_df_config_parse("severity: {DL3006: urgent}\n", 27, "c.yaml", &cfg, &err) <
		    0);
	assert_null(cfg);
	assert_string_equal(cs_df_rule_id("dl3007"), "CS-DF-001");
	assert_string_equal(cs_df_rule_id("DL3022"), "CS-DF-034");
	assert_string_equal(cs_df_rule_id("cs-df-001"), "CS-DF-001");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_directives_escape),
		cmocka_unit_test(test_continuations),
		cmocka_unit_test(test_json_shell),
		cmocka_unit_test(test_heredocs),
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_expansion),
		cmocka_unit_test(test_onbuild_healthcheck_stages),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_issue_fields),
		cmocka_unit_test(test_suppression),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
