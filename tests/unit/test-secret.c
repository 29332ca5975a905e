/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Secret scanning: every built-in rule on a positive and a negative sample,
 * entropy, allowlists (rule and global, OR and AND, each regexTarget),
 * redaction (no field ever holds the secret), line and column, the TOML
 * reader, the customs JSON format, limits, and gitleaks' own rule file
 * (every rule compiles; well-known rules find realistic fake tokens).
 *
 * Fake secrets are assembled at run time so that this file itself holds no
 * credential-shaped string.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analyze/secret.h"
#include "analyze/toml.h"
#include "basic/alloc.h"

static struct cs_secret_rules *builtin;

static int setup(void **state)
{
	struct cs_error err = CS_ERROR_INIT;

	(void)state;
	if (cs_secret_rules_builtin(&builtin, &err) < 0) {
		fprintf(stderr, "%s\n", err.msg);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	cs_secret_rules_free(builtin);
	return 0;
}

/* A pseudo-random token body (fixed seed: reproducible, high entropy). */
static char *rnd(const char *prefix, size_t n, const char *alphabet)
{
	static unsigned long long seed = 88172645463325252ULL;
	size_t k = strlen(alphabet), pl = strlen(prefix);
	char *s = cs_malloc(pl + n + 1);

	assert_non_null(s);
	memcpy(s, prefix, pl);
	for (size_t i = 0; i < n; i++) {
		seed ^= seed << 13;
		seed ^= seed >> 7;
		seed ^= seed << 17;
		s[pl + i] = alphabet[seed % k];
	}
	s[pl + n] = '\0';
	return s;
}

#define ALNUM	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
#define UPPER32 "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
#define HEX	"0123456789abcdef"

static struct cs_issues *scan_rs(struct cs_secret_rules *rs, const char *path, const char *text)
{
	struct cs_issues *is = NULL;
	struct cs_error err = CS_ERROR_INIT;
	int r;

	assert_int_equal(cs_issues_new(&is), 0);
	r = cs_secret_scan(rs, path, 0, path ? NULL : "config.Env[0]", text, strlen(text), is,
			   &err);
	if (r < 0)
		fail_msg("scan: %s", err.msg);
	return is;
}

static const struct cs_issue *find(const struct cs_issues *is, const char *rule)
{
	for (size_t i = 0; i < is->n; i++)
		if (!strcmp(is->v[i].rule_id, rule))
			return &is->v[i];
	return NULL;
}

static bool field_has(const char *f, const char *secret)
{
	return f && strstr(f, secret);
}

/* No field of any issue or warning carries the secret. */
static void assert_not_leaked(const struct cs_issues *is, const char *secret)
{
	for (size_t i = 0; i < is->n; i++) {
		const struct cs_issue *x = &is->v[i];

		assert_false(field_has(x->title, secret));
		assert_false(field_has(x->message, secret));
		assert_false(field_has(x->excerpt, secret));
		assert_false(field_has(x->where, secret));
		assert_false(field_has(x->path, secret));
		assert_false(field_has(x->remediation, secret));
	}
	for (size_t i = 0; i < is->n_warnings; i++)
		assert_false(field_has(is->warnings[i], secret));
}

static void expect_rule(struct cs_secret_rules *rs, const char *path, const char *text,
			const char *rule, const char *secret)
{
	struct cs_issues *is = scan_rs(rs, path, text);
	const struct cs_issue *x = find(is, rule);

	if (!x)
		fail_msg("rule '%s' did not fire (%zu issues) on %s", rule, is->n,
			 path ? path : "(config)");
	assert_int_equal(x->kind, CS_ISSUE_SECRET);
	assert_non_null(x->excerpt);
	assert_non_null(strstr(x->excerpt, "*****"));
	if (secret)
		assert_not_leaked(is, secret);
	cs_issues_free(is);
}

static void expect_none(struct cs_secret_rules *rs, const char *path, const char *text,
			const char *rule)
{
	struct cs_issues *is = scan_rs(rs, path, text);
	const struct cs_issue *x = rule ? find(is, rule) : (is->n ? &is->v[0] : NULL);

	if (x)
		fail_msg("rule '%s' fired on a negative sample: %s", x->rule_id,
			 x->excerpt ? x->excerpt : "");
	cs_issues_free(is);
}

static void test_builtin_rules(void **state)
{
	_cleanup_free_ char *akid = rnd("AKIA", 16, UPPER32);
	_cleanup_free_ char *aksec = rnd("", 40, ALNUM "/+");
	_cleanup_free_ char *ghp = rnd("ghp_", 36, ALNUM);
	_cleanup_free_ char *gho = rnd("gho_", 36, ALNUM);
	_cleanup_free_ char *ghs = rnd("ghs_", 36, ALNUM);
	_cleanup_free_ char *ghpat = rnd("github_pat_", 82, ALNUM "_");
	_cleanup_free_ char *glpat = rnd("glpat-", 20, ALNUM);
	_cleanup_free_ char *slack = rnd("xoxb-1234567890-", 24, ALNUM);
	_cleanup_free_ char *hook = rnd("https://hooks.slack.com/services/T0", 42, ALNUM);
	_cleanup_free_ char *stripe = rnd("sk_live_", 24, ALNUM);
	_cleanup_free_ char *gcp = rnd("AIza", 35, ALNUM "_-");
	_cleanup_free_ char *npm = rnd("npm_", 36, ALNUM);
	_cleanup_free_ char *npmrc = rnd("", 36, ALNUM);
	_cleanup_free_ char *pypi = rnd("pypi-AgEIcHlwaS5vcmc", 80, ALNUM "_-");
	_cleanup_free_ char *dauth = rnd("", 32, ALNUM "+/");
	_cleanup_free_ char *jwt1 = rnd("eyJ", 20, ALNUM), *jwt2 = rnd("eyJ", 40, ALNUM);
	_cleanup_free_ char *jwt3 = rnd("", 43, ALNUM "_-");
	_cleanup_free_ char *pw = rnd("", 14, ALNUM "!#%");
	_cleanup_free_ char *pkbody = rnd("", 64 * 6, ALNUM "+/");
	char buf[4096];

	(void)state;
	snprintf(buf, sizeof(buf), "export AWS_ACCESS_KEY_ID=%s\n", akid);
	expect_rule(builtin, "etc/profile.d/aws.sh", buf, "aws-access-key-id", akid);
	expect_none(builtin, "a", "AKIA is a prefix; AKIAlowercase0000000000\n", NULL);

	snprintf(buf, sizeof(buf), "aws_secret_access_key = %s\n", aksec);
	expect_rule(builtin, "root/.aws/credentials", buf, "aws-secret-access-key", aksec);
	expect_none(builtin, "a", "aws_secret_access_key = \n", "aws-secret-access-key");

	snprintf(buf, sizeof(buf), "token: %s\n", ghp);
	expect_rule(builtin, "a.yml", buf, "github-pat", ghp);
	expect_none(builtin, "a", "ghp_short\n", NULL);
	snprintf(buf, sizeof(buf), "%s\n", gho);
	expect_rule(builtin, "a", buf, "github-oauth", gho);
	snprintf(buf, sizeof(buf), "%s\n", ghs);
	expect_rule(builtin, "a", buf, "github-app-token", ghs);
	snprintf(buf, sizeof(buf), "GH=%s\n", ghpat);
	expect_rule(builtin, "a", buf, "github-fine-grained-pat", ghpat);
	expect_none(builtin, "a", "github_pat_ is the prefix of fine-grained tokens\n", NULL);

	snprintf(buf, sizeof(buf), "CI_TOKEN %s\n", glpat);
	expect_rule(builtin, "a", buf, "gitlab-pat", glpat);
	expect_none(builtin, "a", "glpat-xxxxxxxxxxxxxxxxxxxx\n", NULL);

	snprintf(buf, sizeof(buf), "%s\n", slack);
	expect_rule(builtin, "a", buf, "slack-token", slack);
	expect_none(builtin, "a", "xoxb-not-a-token\n", NULL);
	snprintf(buf, sizeof(buf), "url = \"%s\"\n", hook);
	expect_rule(builtin, "a", buf, "slack-webhook-url", hook + 33);
	expect_none(builtin, "a", "see https://hooks.slack.com/services/\n", NULL);

	snprintf(buf, sizeof(buf), "STRIPE=%s\n", stripe);
	expect_rule(builtin, "a", buf, "stripe-key", stripe);
	expect_none(builtin, "a", "sk_live_\n", NULL);

	snprintf(buf, sizeof(buf), "key=\"%s\"\n", gcp);
	expect_rule(builtin, "a", buf, "gcp-api-key", gcp);
	expect_none(builtin, "a", "AIza-too-short\n", NULL);

	snprintf(buf, sizeof(buf), "%s\n", npm);
	expect_rule(builtin, "a", buf, "npm-access-token", npm);
	snprintf(buf, sizeof(buf), "//registry.npmjs.org/:_authToken=%s\n", npmrc);
	expect_rule(builtin, "root/.npmrc", buf, "npmrc-auth-token", npmrc);
	expect_none(builtin, "root/.npmrc", "//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n",
		    NULL);

	snprintf(buf, sizeof(buf), "password = %s\n", pypi);
	expect_rule(builtin, "root/.pypirc", buf, "pypi-upload-token", pypi);
	expect_none(builtin, "a", "pypi-AgEIcHlwaS5vcmc\n", NULL);

	snprintf(buf, sizeof(buf), "{\"auths\": {\"registry.example\": {\"auth\": \"%s\"}}}\n",
		 dauth);
	expect_rule(builtin, "root/.docker/config.json", buf, "docker-config-auth", dauth);
	/* the path restricts it */
	expect_none(builtin, "srv/data.json", buf, "docker-config-auth");

	snprintf(buf, sizeof(buf), "Authorization: Bearer %s.%s.%s\n", jwt1, jwt2, jwt3);
	expect_rule(builtin, "a", buf, "jwt", jwt2);
	expect_none(builtin, "a", "eyJhbGciOi\n", NULL);

	snprintf(buf, sizeof(buf), "DB_PASSWORD=%s7\n", pw);
	expect_rule(builtin, "a", buf, "generic-password", pw);
	expect_none(builtin, "a",
		    "password=${DB_PASSWORD}\npassword = <your password>\n"
		    "password: changeme123\ntoken_url = https\n",
		    NULL);

	snprintf(buf, sizeof(buf),
		 "-----BEGIN OPENSSH PRIVATE KEY-----\n%.64s\n%.64s\n%.64s\n"
		 "-----END OPENSSH PRIVATE KEY-----\n",
		 pkbody, pkbody + 64, pkbody + 128);
	expect_rule(builtin, "root/.ssh/id_ed25519", buf, "private-key", pkbody + 64);
	expect_none(builtin, "a", "-----BEGIN RSA PRIVATE KEY-----\n...\n", NULL);
	expect_none(builtin, "a",
		    "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcD"
		    "QgAE\n-----END PUBLIC KEY-----\n",
		    NULL);
}

static void test_example_keys_allowlisted(void **state)
{
	(void)state;
	/* AWS documentation's example key id is allowlisted, as gitleaks does */
	expect_none(builtin, "a", "AKIAIOSFODNN7EXAMPLE\n", NULL);
	expect_none(builtin, "a",
		    "aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n", NULL);
}

static void test_entropy(void **state)
{
	(void)state;
	assert_true(fabs(cs_secret_entropy("aaaa", 4)) < 1e-9);
	assert_true(fabs(cs_secret_entropy("abab", 4) - 1.0) < 1e-9);
	assert_true(fabs(cs_secret_entropy("abcd", 4) - 2.0) < 1e-9);
	assert_true(fabs(cs_secret_entropy("", 0)) < 1e-9);
	/* a low-entropy value is not a secret */
	expect_none(builtin, "a", "ghp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n", NULL);
	expect_none(builtin, "a", "password=aaaaaaaa1111\n", NULL);
}

static void test_position_and_redaction(void **state)
{
	_cleanup_free_ char *a = rnd("ghp_", 36, ALNUM), *b = rnd("glpat-", 20, ALNUM);
	char buf[512];
	struct cs_issues *is;
	const struct cs_issue *x, *y;

	(void)state;
	snprintf(buf, sizeof(buf), "first line\n\n  x = %s and %s\n", a, b);
	is = scan_rs(builtin, "etc/x", buf);
	x = find(is, "github-pat");
	y = find(is, "gitlab-pat");
	assert_non_null(x);
	assert_non_null(y);
	assert_int_equal(x->line, 3);
	assert_int_equal(x->column, 7);
	assert_int_equal(x->end_line, 3);
	assert_int_equal(x->end_column, 7 + 40);
	assert_int_equal(y->column, 7 + 40 + 5);
	assert_string_equal(x->path, "etc/x");
	assert_int_equal(x->layer, 0);
	/* both secrets on the line are redacted in both excerpts */
	assert_string_equal(x->excerpt, "  x = ghp_***** and glpa*****");
	assert_string_equal(y->excerpt, x->excerpt);
	assert_not_leaked(is, a);
	assert_not_leaked(is, b);
	/* the redaction itself: at most 4 characters and never more than a quarter */
	{
		_cleanup_free_ char *r1 = cs_issue_redact("abcdefgh", 8);
		_cleanup_free_ char *r2 = cs_issue_redact("abc", 3);

		assert_string_equal(r1, "ab*****");
		assert_string_equal(r2, "*****");
	}
	cs_issues_free(is);

	/* config strings: no path, where set, layer -1 */
	snprintf(buf, sizeof(buf), "GITHUB_TOKEN=%s", a);
	is = scan_rs(builtin, NULL, buf);
	assert_int_equal(is->n, 1); /* the generic rule yields to the specific one */
	assert_string_equal(is->v[0].rule_id, "github-pat");
	assert_null(is->v[0].path);
	assert_string_equal(is->v[0].where, "config.Env[0]");
	assert_int_equal(is->v[0].column, 14);
	assert_not_leaked(is, a);
	cs_issues_free(is);
}

static struct cs_secret_rules *parse(const char *doc, int expect, const char *msg)
{
	struct cs_secret_rules *rs = NULL;
	struct cs_error err = CS_ERROR_INIT;
	int r = cs_secret_rules_parse(doc, strlen(doc), "t.toml", 0, &rs, &err);

	if (expect == 0 && r < 0)
		fail_msg("parse failed: %s", err.msg);
	if (expect) {
		assert_int_equal(r, expect);
		assert_null(rs);
		if (msg && !strstr(err.msg, msg))
			fail_msg("error '%s' lacks '%s'", err.msg, msg);
	}
	return rs;
}

static void test_allowlists(void **state)
{
	struct cs_secret_rules *rs;

	(void)state;
	rs = parse("[allowlist]\n"
		   "paths = ['''^vendor/''']\n"
		   "stopwords = ['dummy']\n"
		   "[[rules]]\n"
		   "id = 'tok'\n"
		   "regex = '''tok_([a-z0-9]{8})'''\n"
		   "keywords = ['TOK_']\n"
		   "[[rules.allowlists]]\n"
		   "regexes = ['''^0+$''']\n"
		   "[[rules.allowlists]]\n"
		   "regexTarget = 'line'\n"
		   "regexes = ['''#\\s*nosecret''']\n"
		   "[[rules.allowlists]]\n"
		   "condition = 'AND'\n"
		   "paths = ['''\\.md$''']\n"
		   "regexTarget = 'match'\n"
		   "regexes = ['''tok_abc''']\n",
		   0, NULL);
	expect_rule(rs, "src/a.c", "x tok_k3j4h5g6\n", "tok", "k3j4h5g6");
	/* keywords are case-insensitive; the regex is not */
	expect_none(rs, "src/a.c", "TOK_k3j4h5g6\n", NULL);
	expect_none(rs, "vendor/a.c", "tok_k3j4h5g6\n", NULL);	       /* global path */
	expect_none(rs, "src/a.c", "tok_dummy123\n", NULL);	       /* global stopword */
	expect_none(rs, "src/a.c", "tok_00000000\n", NULL);	       /* secret regex */
	expect_none(rs, "src/a.c", "tok_k3j4h5g6 # nosecret\n", NULL); /* line target */
	expect_none(rs, "doc/a.md", "tok_abc12345\n", NULL);	       /* AND: both */
	expect_rule(rs, "doc/a.c", "tok_abc12345\n", "tok", NULL);     /* AND: path fails */
	expect_rule(rs, "doc/a.md", "tok_k3j4h5g6\n", "tok", NULL);    /* AND: regex fails */
	cs_secret_rules_free(rs);

	/* secretGroup, path-only rules */
	rs = parse("[[rules]]\nid = 'grp'\nregex = '''(a+)-(b[0-9]+)'''\nsecretGroup = 2\n"
		   "[[rules]]\nid = 'p12'\npath = '''\\.p12$'''\n",
		   0, NULL);
	{
		struct cs_issues *is = scan_rs(rs, "f", "xx aaa-b123 yy\n");

		assert_int_equal(is->n, 1);
		assert_int_equal(is->v[0].column, 8);
		assert_string_equal(is->v[0].excerpt, "xx aaa-b***** yy");
		cs_issues_free(is);
	}
	cs_secret_rules_free(rs);
}

static void test_toml_reader(void **state)
{
	struct cs_tv *v = NULL;
	struct cs_error err = CS_ERROR_INIT;
	const char *doc = "# c\n"
			  "title = \"a\\tb\\u00e9\" # trailing\n"
			  "n = 1_000\nf = 2.5\nb = true\n"
			  "m = '''\nline1\nline2'''\n"
			  "mb = \"\"\"\nx \\\n   y\"\"\"\n"
			  "arr = [ 'x', \"y\",\n # comment\n 'z', ]\n"
			  "[t.\"q k\"]\nk = 1\n"
			  "[[a]]\nx = 1\n[a.sub]\ny = 2\n[[a]]\nx = 2\n";
	const struct cs_tv *a;

	(void)state;
	assert_int_equal(cs_toml_parse(doc, strlen(doc), &v, &err), 0);
	assert_string_equal(cs_tv_get(v, "title")->s, "a\tb\xc3\xa9");
	assert_int_equal(cs_tv_get(v, "n")->i, 1000);
	assert_true(cs_tv_get(v, "f")->f == 2.5);
	assert_true(cs_tv_get(v, "b")->b);
	assert_string_equal(cs_tv_get(v, "m")->s, "line1\nline2");
	assert_string_equal(cs_tv_get(v, "mb")->s, "x y");
	assert_int_equal(cs_tv_get(v, "arr")->n, 3);
	assert_int_equal(cs_tv_get(cs_tv_get(cs_tv_get(v, "t"), "q k"), "k")->i, 1);
	a = cs_tv_get(v, "a");
	assert_int_equal(a->n, 2);
	assert_int_equal(cs_tv_get(cs_tv_get(a->items[0], "sub"), "y")->i, 2);
	assert_int_equal(cs_tv_get(a->items[1], "x")->i, 2);
	cs_tv_free(v);

	static const struct {
		const char *doc, *msg;
	} bad[] = {
		{ "a = 'x", "line 1: unterminated string" },
		{ "a = 1\na = 2\n", "line 2: duplicate key" },
		{ "[t]\n[t]\n", "line 2: table defined twice" },
		{ "a = [1, 2\n", "in an array" },
		{ "a = 1979-05-27\n", "dates are not supported" },
		{ "a = {x = 1}\n", "inline tables" },
		{ "a = \"\\q\"\n", "invalid escape" },
		{ "a = 1 b = 2\n", "end of the line" },
		{ "= 1\n", "expected a key" },
		{ "a = \"\\u0000\"\n", "invalid unicode" },
		{ "a = [[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]\n", "nested too deep" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cs_error_clear(&err);
		v = NULL;
		assert_true(cs_toml_parse(bad[i].doc, strlen(bad[i].doc), &v, &err) < 0);
		assert_null(v);
		if (!strstr(err.msg, bad[i].msg))
			fail_msg("'%s': error '%s' lacks '%s'", bad[i].doc, err.msg, bad[i].msg);
	}
}

static void test_rule_errors(void **state)
{
	(void)state;
	parse("[[rules]]\nid = 'bad'\nregex = '''(unclosed'''\n", -CS_E_INPUT,
	      "rule 'bad': cannot compile regex");
	parse("[[rules]]\nid = 'x'\n", -CS_E_INPUT, "rule 'x': needs a regex or a path");
	parse("[[rules]]\nregex = 'a'\n", -CS_E_INPUT, "missing or invalid id");
	parse("[[rules]]\nid = 'x'\nregex = 'a'\nentropy = 'high'\n", -CS_E_INPUT,
	      "'entropy' must be a float");
	parse("[[rules]]\nid = 'x'\nregex = 'a'\nsecretGroup = 3\n", -CS_E_INPUT,
	      "secretGroup 3 but the regex has 0 groups");
	parse("[[rules]]\nid = 'x'\nregex = 'a'\n[[rules]]\nid = 'x'\nregex = 'b'\n", -CS_E_INPUT,
	      "defined twice");
	parse("[[rules]]\nid = 'x'\nregex = 'a'\n[rules.allowlist]\nregexTarget = 'file'\n",
	      -CS_E_INPUT, "regexTarget");
	parse("title = 'no rules'\n", -CS_E_INPUT, "no rules");
	parse("[extend]\npath = 'other.toml'\n", -CS_E_UNSUPPORTED, "extend.path");
	{
		/* limits: regex length */
		size_t n = CS_SECRET_MAX_REGEX + 100;
		char *doc = cs_malloc(n + 64);
		int o = snprintf(doc, 64, "[[rules]]\nid = 'long'\nregex = '");

		memset(doc + o, 'a', n);
		memcpy(doc + o + n, "'\n", 3);
		parse(doc, -CS_E_LIMIT, "rule 'long': regex longer than");
		free(doc);
	}
	/* the error names the file */
	{
		struct cs_secret_rules *rs = NULL;
		struct cs_error err = CS_ERROR_INIT;

		assert_true(cs_secret_rules_load("/nonexistent/rules.toml", &rs, &err) < 0);
		assert_non_null(strstr(err.msg, "secret rules '/nonexistent/rules.toml'"));
	}
}

static void test_json_format(void **state)
{
	_cleanup_free_ char *ghp = rnd("ghp_", 36, ALNUM);
	struct cs_secret_rules *rs;
	char buf[256];

	(void)state;
	rs = parse("{\"rules\": [{\"id\": \"corp-token\", \"description\": \"Corp token\",\n"
		   "  \"regex\": \"corp_[0-9a-f]{16}\", \"keywords\": [\"corp_\"],\n"
		   "  \"severity\": \"critical\", \"entropy\": 2.0,\n"
		   "  \"allowlists\": [{\"stopwords\": [\"0000\"]}]}],\n"
		   " \"extend\": {\"useDefault\": true, \"disabledRules\": [\"jwt\"]}}\n",
		   0, NULL);
	/* the built-ins minus jwt, plus one */
	assert_int_equal(cs_secret_rules_count(rs), cs_secret_rules_count(builtin));
	expect_rule(rs, "a", "corp_9f8e7d6c5b4a3f2e\n", "corp-token", "9f8e7d6c5b4a3f2e");
	expect_none(rs, "a", "corp_0000123456789abc\n", NULL);
	snprintf(buf, sizeof(buf), "%s\n", ghp);
	expect_rule(rs, "a", buf, "github-pat", ghp);
	{
		struct cs_issues *is = scan_rs(rs, "a", "corp_9f8e7d6c5b4a3f2e\n");

		assert_int_equal(is->v[0].severity, CS_SEV_CRITICAL);
		assert_string_equal(is->v[0].title, "Corp token");
		cs_issues_free(is);
	}
	cs_secret_rules_free(rs);
	parse("{\"rules\": [{\"id\": 5}]}", -CS_E_INPUT, "'id' must be a string");
	parse("{\"rules\": [}", -CS_E_INPUT, "secret rules 't.toml'");
}

static void test_gitleaks_config(void **state)
{
	const char *shared = getenv("CUSTOMS_SHARED");
	char path[4096];
	struct cs_secret_rules *rs = NULL;
	struct cs_error err = CS_ERROR_INIT;
	_cleanup_free_ char *akid = rnd("AKIA", 16, UPPER32), *ghp = rnd("ghp_", 36, ALNUM);
	_cleanup_free_ char *glpat = rnd("glpat-", 20, ALNUM);
	_cleanup_free_ char *slack = rnd("xoxb-1234567890-1234567890", 24, ALNUM);
	_cleanup_free_ char *stripe = rnd("sk_live_", 24, ALNUM);
	_cleanup_free_ char *gcp = rnd("AIza", 35, ALNUM);
	_cleanup_free_ char *npm = rnd("npm_", 36, "abcdefghijklmnopqrstuvwxyz0123456789");
	_cleanup_free_ char *pypi = rnd("pypi-AgEIcHlwaS5vcmc", 60, ALNUM);
	_cleanup_free_ char *dop = rnd("dop_v1_", 64, HEX);
	_cleanup_free_ char *sg = rnd("SG.", 66, ALNUM);
	_cleanup_free_ char *jwt1 = rnd("eyJ", 20, ALNUM), *jwt2 = rnd("eyJ", 30, ALNUM);
	_cleanup_free_ char *jwt3 = rnd("", 30, ALNUM);
	_cleanup_free_ char *shopify = rnd("shpat_", 32, HEX);
	_cleanup_free_ char *pk = rnd("", 64 * 3, ALNUM);
	char buf[1024];

	(void)state;
	snprintf(path, sizeof(path), "%s/rules/gitleaks/gitleaks.toml",
		 shared ? shared : "../shared/data");
	if (cs_secret_rules_load(path, &rs, &err) < 0)
		fail_msg("%s", err.msg);
	/* every rule of the file, none dropped */
	assert_int_equal(cs_secret_rules_count(rs), 222);
	print_message("gitleaks: %zu rules, %zu outside the prefilter database\n",
		      cs_secret_rules_count(rs), cs_secret_rules_fallback_count(rs));

	static const struct {
		const char *rule, *pre, *post;
		int which;
	} cases[] = {
		{ "aws-access-token", "key = ", "\n", 0 },
		{ "github-pat", "", "\n", 1 },
		{ "gitlab-pat", "", "\n", 2 },
		{ "slack-bot-token", "", "\n", 3 },
		{ "stripe-access-token", "", "\n", 4 },
		{ "gcp-api-key", "'", "'\n", 5 },
		{ "npm-access-token", "", "\n", 6 },
		{ "pypi-upload-token", "", "\n", 7 },
		{ "digitalocean-pat", "", "\n", 8 },
		{ "sendgrid-api-token", "", "\n", 9 },
		{ "shopify-access-token", "", "\n", 10 },
		{ "private-key", "-----BEGIN RSA PRIVATE KEY-----\n",
		  "\n-----END RSA PRIVATE KEY-----\n", 11 },
		{ "generic-api-key", "client_secret = \"", "\"\n", 12 },
	};
	const char *tok[] = { akid, ghp, glpat, slack,	 stripe, gcp, npm,
			      pypi, dop, sg,	shopify, pk,	 jwt3 };
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(buf, sizeof(buf), "%s%s%s", cases[i].pre, tok[cases[i].which],
			 cases[i].post);
		expect_rule(rs, "app/settings.env", buf, cases[i].rule, tok[cases[i].which]);
	}
	snprintf(buf, sizeof(buf), "%s.%s.%s\n", jwt1, jwt2, jwt3);
	expect_rule(rs, "a", buf, "jwt", jwt2);
	/* gitleaks' own allowlists: example key, global stopword, lock files */
	expect_none(rs, "a", "AKIAIOSFODNN7EXAMPLE\n", NULL);
	snprintf(buf, sizeof(buf), "%s\n", ghp);
	expect_none(rs, "node_modules/x/index.js", buf, NULL);
	expect_none(rs, "a", "password = \"${DB_PASSWORD}\"\n", NULL);
	cs_secret_rules_free(rs);
}

/* A regex Vectorscan refuses even as a prefilter runs in PCRE2 alone. */
static void test_prefilter_fallback(void **state)
{
	struct cs_secret_rules *rs;

	(void)state;
	rs = parse("[[rules]]\nid = 'branch-reset'\n"
		   "regex = '''tok_(?|([a-z0-9]{8})|Q([0-9]{4}))'''\nkeywords = ['tok_']\n"
		   "[[rules]]\nid = 'no-keywords'\nregex = '''(?|zz([a-z]{2}[0-9]{6}))'''\n"
		   "[[rules]]\nid = 'plain'\nregex = '''pl_[0-9]{6}'''\n",
		   0, NULL);
	assert_int_equal(cs_secret_rules_count(rs), 3);
	assert_int_equal(cs_secret_rules_fallback_count(rs), 2);
	expect_rule(rs, "a", "x tok_k3j4h5g6\n", "branch-reset", "k3j4h5g6");
	expect_rule(rs, "a", "x tok_Q1234\n", "branch-reset", NULL);
	expect_rule(rs, "a", "zzab123456\n", "no-keywords", "ab123456");
	expect_rule(rs, "a", "pl_123456\n", "plain", NULL);
	expect_none(rs, "a", "nothing here\n", NULL);
	cs_secret_rules_free(rs);
}

static void test_binary_and_empty(void **state)
{
	(void)state;
	expect_none(builtin, "a", "", NULL);
	expect_none(builtin, NULL, "PATH=/usr/local/bin:/usr/bin", NULL);
	expect_none(builtin, NULL, "HOME=/root", NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builtin_rules),
		cmocka_unit_test(test_example_keys_allowlisted),
		cmocka_unit_test(test_entropy),
		cmocka_unit_test(test_position_and_redaction),
		cmocka_unit_test(test_allowlists),
		cmocka_unit_test(test_toml_reader),
		cmocka_unit_test(test_rule_errors),
		cmocka_unit_test(test_json_format),
		cmocka_unit_test(test_gitleaks_config),
		cmocka_unit_test(test_prefilter_fallback),
		cmocka_unit_test(test_binary_and_empty),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
