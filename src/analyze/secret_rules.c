/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The built-in secret rules: the common credentials found in images, written
 * for this project (PCRE2 syntax, documented in docs/SECRETS.md). Specific
 * rules come before generic ones: when two findings cover the same bytes,
 * the generic one is dropped.
 */
#include "analyze/secret_internal.h"

#define S(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define ALLOW(...)                                                             \
	.allow = (const struct secret_allow_spec[]){ __VA_ARGS__ },            \
	.n_allow = sizeof((const struct secret_allow_spec[]){ __VA_ARGS__ }) / \
		   sizeof(struct secret_allow_spec)

/* Values that are references or placeholders, never secrets. */
#define PLACEHOLDERS                                                                          \
	"^\\$(?:\\{[^}]*\\}?|\\(|[A-Za-z_][A-Za-z0-9_]*)", "^%[A-Za-z_]+%?$", "^<[^>]*>?$",   \
		"^\\{\\{", "^@[A-Za-z_]+@?$", "(?i)^(?:true|false|null|none|nil|undefined)$", \
		"^(.)\\1+$", "(?i)^(?:x+|\\*+|\\.+|-+|#+)$"

const struct secret_rule_spec secret_builtin_rules[] = {
	{
		.id = "private-key",
		.description = "Private key",
		.regex =
			"-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----[A-Za-z0-9+/=\\s:,.-]{64,}?"
			"-----END[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----",
		.keywords = S("-----begin"),
		.severity = CS_SEV_CRITICAL,
		/* documentation and templates show the armour with a placeholder body */
		ALLOW({ .target = "match",
			.regexes = S("(?i)-----\\s*\\.\\.\\.|<[^>]*key[^>]*>") }),
	},
	{
		.id = "aws-access-key-id",
		.description = "AWS access key ID",
		.regex = "\\b((?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})\\b",
		.keywords = S("akia", "asia", "abia", "acca", "a3t"),
		.entropy = 3.0,
		.severity = CS_SEV_HIGH,
		/* AWS documentation's example key ids end in EXAMPLE */
		ALLOW({ .regexes = S(".+EXAMPLE$") }),
	},
	{
		.id = "aws-secret-access-key",
		.description = "AWS secret access key",
		.regex =
			"(?i)aws.{0,20}?(?:secret|private)?.{0,10}?(?:access)?.{0,5}?key[\"']?"
			"\\s{0,30}(?::|=>|=|:=)\\s{0,30}[\"']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])",
		.keywords = S("aws"),
		.entropy = 4.0,
		.severity = CS_SEV_CRITICAL,
		ALLOW({ .regexes = S("EXAMPLEKEY$") }),
	},
	{
		.id = "github-pat",
		.description = "GitHub personal access token",
		.regex = "\\bghp_[0-9A-Za-z]{36}\\b",
		.keywords = S("ghp_"),
		.entropy = 3.0,
		.severity = CS_SEV_HIGH,
	},
	{
		.id = "github-fine-grained-pat",
		.description = "GitHub fine-grained personal access token",
		.regex = "\\bgithub_pat_[0-9A-Za-z_]{82}\\b",
		.keywords = S("github_pat_"),
		.entropy = 3.0,
		.severity = CS_SEV_HIGH,
	},
	{
		.id = "github-oauth",
		.description = "GitHub OAuth access token",
		.regex = "\\bgho_[0-9A-Za-z]{36}\\b",
		.keywords = S("gho_"),
		.entropy = 3.0,
		.severity = CS_SEV_HIGH,
	},
	{
		.id = "github-app-token",
		.description = "GitHub App token",
		.regex = "\\b(?:ghu|ghs|ghr)_[0-9A-Za-z]{36}\\b",
		.keywords = S("ghu_", "ghs_", "ghr_"),
		.entropy = 3.0,
		.severity = CS_SEV_HIGH,
	},
	{
		.id = "gitlab-pat",
		.description = "GitLab personal access token",
		.regex = "\\bglpat-[0-9A-Za-z_-]{20}(?:\\.[0-9A-Za-z_.-]{9,})?(?![0-9A-Za-z_-])",
		.keywords = S("glpat-"),
		.entropy = 3.0,
		.severity = CS_SEV_HIGH,
	},
	{
		.id = "slack-token",
		.description = "Slack token",
		.regex = "\\b(xox[baprseo]-[0-9]{6,}(?:-[0-9A-Za-z]{6,})+)\\b",
		.keywords = S("xoxb-", "xoxa-", "xoxp-", "xoxr-", "xoxs-", "xoxe-", "xoxo-"),
		.entropy = 3.0,
		.severity = CS_SEV_HIGH,
	},
	{
		.id = "slack-webhook-url",
		.description = "Slack incoming webhook URL",
		.regex =
			"hooks\\.slack\\.com/(?:services|workflows|triggers)/([A-Za-z0-9+/]{40,60})",
		.keywords = S("hooks.slack.com"),
		.entropy = 3.0,
		.severity = CS_SEV_HIGH,
	},
	{
		.id = "stripe-key",
		.description = "Stripe secret or restricted API key",
		.regex = "\\b((?:sk|rk)_(?:live|test|prod)_[0-9A-Za-z]{10,99})\\b",
		.keywords =
			S("sk_live_", "sk_test_", "sk_prod_", "rk_live_", "rk_test_", "rk_prod_"),
		.entropy = 3.0,
		.severity = CS_SEV_HIGH,
	},
	{
		.id = "gcp-api-key",
		.description = "Google API key",
		.regex = "\\b(AIza[0-9A-Za-z_-]{35})(?![0-9A-Za-z_-])",
		.keywords = S("aiza"),
		.entropy = 3.0,
		.severity = CS_SEV_HIGH,
	},
	{
		.id = "npm-access-token",
		.description = "npm access token",
		.regex = "\\b(npm_[0-9A-Za-z]{36})\\b",
		.keywords = S("npm_"),
		.entropy = 3.0,
		.severity = CS_SEV_HIGH,
	},
	{
		.id = "npmrc-auth-token",
		.description = "npm registry token in an .npmrc",
		.regex = "(?i)(?:^|\\n)[ \\t]*(?://[^\\s=]+/:)?_auth(?:Token)?[ \\t]*=[ \\t]*"
			 "[\"']?([0-9A-Za-z._~+/=-]{16,})",
		.keywords = S("_auth"),
		.entropy = 3.0,
		.severity = CS_SEV_HIGH,
		ALLOW({ .regexes = S(PLACEHOLDERS) }),
	},
	{
		.id = "pypi-upload-token",
		.description = "PyPI upload token",
		.regex = "\\bpypi-AgEIcHlwaS5vcmc[0-9A-Za-z_-]{50,1000}",
		.keywords = S("pypi-ageichlwas5vcmc"),
		.entropy = 3.0,
		.severity = CS_SEV_HIGH,
	},
	{
		.id = "docker-config-auth",
		.description = "Registry credentials in a Docker/Podman auth file",
		.regex = "\"auth\"\\s*:\\s*\"([A-Za-z0-9+/]{8,}={0,2})\"",
		.path = "(?:^|/)(?:\\.docker/config\\.json|auth\\.json|\\.dockercfg|config\\.json)$",
		.keywords = S("\"auth\""),
		.entropy = 2.5,
		.severity = CS_SEV_HIGH,
	},
	{
		.id = "jwt",
		.description = "JSON Web Token",
		.regex = "\\b(eyJ[0-9A-Za-z_-]{10,}\\.eyJ[0-9A-Za-z_-]{10,}\\.[0-9A-Za-z_-]{10,})"
			 "(?![0-9A-Za-z_-])",
		.keywords = S("eyj"),
		.entropy = 3.0,
		.severity = CS_SEV_MEDIUM,
	},
	{
		.id = "generic-password",
		.description = "Password, token or key assigned in clear",
		.regex =
			"(?i)(?:password|passwd|passphrase|pwd|secret|token|api[_.-]?key|access[_.-]?key|"
			"auth[_.-]?key|private[_.-]?key)[\\w.-]{0,20}[\"']?[ \\t]{0,5}"
			"(?::|=|:=|=>)[ \\t]{0,5}[\"']?([\\w!#%&*+.?@^~=-]{8,128})"
			"(?![\\w!#$%&*+./:?@^~=([-])",
		.keywords = S("pass", "pwd", "secret", "token", "key"),
		.entropy = 3.0,
		.severity = CS_SEV_MEDIUM,
		ALLOW({ .regexes =
				S(PLACEHOLDERS, "^[a-z]+(?:[_.-][a-z]+)*$",
				  /* code: dotted names (self.token, exports.KEY) */
				  "^[A-Za-z_]\\w*(?:\\.[A-Za-z_]\\w*)+$", "^[A-Za-z_][\\w.]*\\.$",
				  /* constants: CURLOPTTYPE_OBJECTPOINT, _IMDS_TOKEN_TTL */
				  "^_?[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$"),
			.stopwords = S("example", "changeme", "change_me", "placeholder", "dummy",
				       "xxxxxx", "your_", "your-", "redacted", "secret_key_base",
				       "password", "fixme", "todo") },
		      /* test suites and documentation of packaged software */
		      { .paths = S("(?:^|/)(?:tests?|testing|testdata|__tests__|spec|examples?)/",
				   "(?:^|/)usr/share/doc/") },
		      { .target = "match",
			.regexes = S("(?i)(?:token|key)[_.-]?(?:url|uri|file|path|"
				     "name|id|type|size|length|endpoint|ref)") }),
	},
};

const size_t secret_builtin_n_rules = CS_ARRAY_SIZE(secret_builtin_rules);

/*
 * Files where credential-shaped strings are data, not secrets: package
 * manager databases, checksums, translations, test vectors of language
 * runtimes.
 */
const struct secret_allow_spec secret_builtin_global_allow = {
	.description = "built-in global allowlist",
	.paths = S("(?:^|/)var/lib/dpkg/(?:status|info/.*\\.(?:md5sums|list))(?:-old)?$",
		   "(?:^|/)lib/apk/db/installed$", "(?:^|/)var/lib/rpm/",
		   "(?:^|/)usr/share/locale/", "(?:^|/)usr/share/i18n/",
		   "(?:^|/)(?:go\\.sum|package-lock\\.json|yarn\\.lock|pnpm-lock\\.yaml|"
		   "Cargo\\.lock|poetry\\.lock|Pipfile\\.lock|composer\\.lock)$"),
	.regexes = S("^\\$\\{?[A-Za-z_][A-Za-z0-9_]*\\}?$"),
};
