/* SPDX-License-Identifier: Apache-2.0 */
/*
 * customs scan image REF | rootfs DIR | sbom FILE: packages -> findings,
 * in each report format (docs/SCAN-JSON.md), with --severity, --ignore-unfixed and --exit-code
 * gating for CI, and findings suppressed by an ignore file or VEX.
 */
#include <string.h>
#include <time.h>
#include "basic/alloc.h"
#include "basic/json.h"
#include "basic/log.h"
#include "basic/parse.h"
#include "basic/stream.h"
#include "basic/table.h"
#include "catalog/catalog.h"
#include "cli/cli.h"
#include "match/ignore.h"
#include "match/match.h"
#include "match/vex.h"
#include "analyze/analyze.h"
#include "report/report.h"
#include "sbom/sbom.h"

#define SBOM_INPUT_MAX (256u << 20)
#define SCAN_MAX_VEX   64 /* --vex files */
#define SCAN_MAX_YARA  64 /* --yara-rules paths */
#define SCAN_MAX_AN    8  /* analysers besides vuln */

struct scan_opts {
	const char *db;
	const char *output;
	enum cs_report_format format;
	bool severities[CS_SEV_CRITICAL + 1]; /* shown severities */
	bool ignore_unfixed;
	int exit_code;
	uint64_t db_max_age;
	const char *ignorefile; /* NULL: .customsignore when it exists; "": none */
	const char *vex[SCAN_MAX_VEX];
	size_t n_vex;
	bool vuln; /* --scanners has vuln */
	const struct cs_analyzer *an[SCAN_MAX_AN];
	size_t n_an;
	const char *yara[SCAN_MAX_YARA + 1];
	size_t n_yara;
	struct cs_analyze_options ao;
};

/* --scanners vuln,secret,malware,config */
static int parse_scanners(const char *s, struct scan_opts *so)
{
	_cleanup_free_ char *copy = cs_strdup(s);
	char *save = NULL, *tok;

	if (!copy)
		return -ENOMEM;
	so->vuln = false;
	so->n_an = 0;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		const struct cs_analyzer *a;

		if (!strcmp(tok, "vuln")) {
			so->vuln = true;
			continue;
		}
		a = cs_analyzer_find(tok);
		if (!a)
			return -EINVAL;
		for (size_t i = 0; i < so->n_an; i++)
			if (so->an[i] == a)
				a = NULL;
		if (a && so->n_an < SCAN_MAX_AN)
			so->an[so->n_an++] = a;
	}
	return so->vuln || so->n_an ? 0 : -EINVAL;
}

/*
 * Read the ignore file and the VEX documents before any scanning, so that
 * a malformed one costs nothing (docs/SUPPRESSION.md).
 */
static int load_suppressions(const struct scan_opts *so, struct cs_ignore **ret_ign,
			     struct cs_vex **ret_vex, struct cs_error *err)
{
	const char *path = so->ignorefile;
	int r;

	if (!path && access(".customsignore", F_OK) == 0)
		path = ".customsignore";
	if (path && *path) {
		r = cs_ignore_load(path, ret_ign, err);
		if (r < 0)
			return r;
	}
	if (so->n_vex == 0)
		return 0;
	r = cs_vex_new(ret_vex);
	if (r < 0)
		return cs_error_errno(err, r, "cannot read vex");
	for (size_t i = 0; i < so->n_vex; i++) {
		r = cs_vex_load(*ret_vex, so->vex[i], err);
		if (r < 0)
			return r;
	}
	return 0;
}

/*
 * Suppress what the ignore file, then the VEX documents clear: after
 * matching, before --severity (which only selects the findings shown;
 * suppressed findings are all listed with why).
 */
static int apply_suppressions(const struct cs_ignore *ign, const struct cs_vex *vex,
			      struct cs_image *img, struct cs_catalog *cat, struct cs_findings *fs,
			      struct cs_error *err)
{
	struct cs_vex_target t = { .cat = cat };
	int r;

	r = cs_ignore_apply(ign, fs, (int64_t)time(NULL), err);
	if (r < 0 || !vex)
		return r;
	if (img) {
		t.digests[0] = cs_image_manifest_digest(img);
		t.digests[1] = cs_image_index_digest(img);
		t.digests[2] = cs_image_config_digest(img);
	}
	return cs_vex_apply(vex, fs, &t, err);
}

/* When the database was built (new string, NULL if unknown); warn when it is old. */
static char *db_built(struct cs_vulndb *db, uint64_t max_age)
{
	_cleanup_(cs_vulndb_info_freep) struct cs_vulndb_info *info = NULL;
	struct cs_error err = CS_ERROR_INIT;
	struct tm tm = { 0 };

	if (cs_vulndb_info(db, &info, &err) < 0 || !info->built)
		return NULL;
	if (max_age > 0 && strptime(info->built, "%Y-%m-%dT%H:%M:%S", &tm) &&
	    time(NULL) - timegm(&tm) > (time_t)max_age)
		cs_log_warn("the vulnerability database was built %s, more than %llu days ago: "
			    "run 'customs db build' or 'customs db update'",
			    info->built, (unsigned long long)(max_age / 86400));
	return cs_strdup(info->built);
}

static bool severity_selected(const struct cs_finding *f, void *ud)
{
	const bool *sev = ud;

	return sev[f->severity];
}

static const char scan_help[] =
	"usage: customs scan image REF | rootfs DIR | fs DIR | sbom FILE [OPTIONS]\n\n"
	"Find known vulnerabilities in an image, a root filesystem or an SBOM\n"
	"(CycloneDX or SPDX JSON); with --scanners, also secrets, malware and risky\n"
	"configuration in the same pass over the layers.\n\n"
	"  -f, --format FORMAT     table, json, sarif, cyclonedx, junit or html\n"
	"  -o, --output FILE\n"
	"  --db PATH               vulnerability database (default $CUSTOMS_DB,\n"
	"                          $XDG_CACHE_HOME/customs/db.sqlite)\n"
	"  --severity LIST         show only these severities (critical,high,medium,low,\n"
	"                          negligible,unknown)\n"
	"  --ignore-unfixed        hide vulnerabilities without a fixed version\n"
	"  --scanners LIST         vuln,secret,malware,config (default vuln; fs: vuln,secret)\n"
	"  --secret-config FILE    secret rules: customs or gitleaks TOML (default built-in)\n"
	"  --yara-rules PATH       YARA rules file or directory (repeatable)\n"
	"  --malware-blocklist FILE  SHA-256 blocklist, one hash per line\n"
	"  --exit-code N           exit with N when anything is shown (default 0)\n"
	"  --ignorefile FILE       suppress what FILE lists (default .customsignore when it\n"
	"                          exists; '' for none)\n"
	"  --vex FILE              suppress what an OpenVEX or CycloneDX VEX document says\n"
	"                          does not affect a package (repeatable)\n"
	"  --db-max-age DURATION   warn when the database is older (default 7d, 0: never)\n\n";

static int run_scan(const char *kind, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "db", required_argument, NULL, 2000 },
		{ "severity", required_argument, NULL, 2001 },
		{ "ignore-unfixed", no_argument, NULL, 2002 },
		{ "exit-code", required_argument, NULL, 2003 },
		{ "db-max-age", required_argument, NULL, 2004 },
		{ "ignorefile", required_argument, NULL, 2100 },
		{ "vex", required_argument, NULL, 2101 },
		{ "scanners", required_argument, NULL, 2200 },
		{ "secret-config", required_argument, NULL, 2201 },
		{ "yara-rules", required_argument, NULL, 2202 },
		{ "malware-blocklist", required_argument, NULL, 2203 },
		{ "help", no_argument, NULL, 'h' },
		CLI_IMAGE_LONGOPTS,
		CLI_CACHE_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	_cleanup_(cs_image_freep) struct cs_image *img = NULL;
	_cleanup_(cs_catalog_freep) struct cs_catalog *cat = NULL;
	_cleanup_(cs_vulndb_closep) struct cs_vulndb *db = NULL;
	_cleanup_(cs_findings_freep) struct cs_findings *fs = NULL;
	_cleanup_(cs_issues_freep) struct cs_issues *issues = NULL;
	_cleanup_(cs_ignore_freep) struct cs_ignore *ign = NULL;
	_cleanup_(cs_vex_freep) struct cs_vex *vex = NULL;
	_cleanup_(cs_layer_cache_freep) struct cs_layer_cache *cache = NULL;
	_cleanup_free_ char *dbpath = NULL, *ref = NULL, *built = NULL;
	struct cs_match_options mo = { 0 };
	struct cs_error err = CS_ERROR_INIT;
	struct scan_opts so = { .db_max_age = 7 * 86400, .vuln = true };
	struct cli_image_opts io;
	struct cli_output out;
	struct cs_scan_report rep = { 0 };
	struct cs_report_options ropts = { 0 };
	const char *target;
	int c, r;

	for (int s = 0; s <= CS_SEV_CRITICAL; s++)
		so.severities[s] = true;
	cli_image_opts_init(&io);
	if (!strcmp(kind, "fs") && parse_scanners("vuln,secret", &so) < 0) {
		r = EXIT_INTERNAL;
		goto done;
	}
	optind = 1;
	while ((c = getopt_long(argc, argv, "f:o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			c = cs_report_format_from_name(optarg);
			if (c < 0) {
				r = cli_usage_error("unknown format '%s' (table, json, sarif, "
						    "cyclonedx, junit, html)",
						    optarg);
				goto done;
			}
			so.format = (enum cs_report_format)c;
			break;
		case 'o':
			so.output = optarg;
			break;
		case 2000:
			so.db = optarg;
			break;
		case 2001:
			if (cli_parse_severities(optarg, so.severities) < 0) {
				r = cli_usage_error(
					"invalid --severity '%s' (critical,high,medium,low,"
					"negligible,unknown)",
					optarg);
				goto done;
			}
			break;
		case 2002:
			so.ignore_unfixed = true;
			break;
		case 2003:
			r = cli_parse_exit_code(optarg, &so.exit_code);
			if (r)
				goto done;
			break;
		case 2004:
			if (cs_parse_duration(optarg, &so.db_max_age) < 0) {
				r = cli_usage_error("invalid --db-max-age '%s'", optarg);
				goto done;
			}
			break;
		case 2100:
			so.ignorefile = optarg;
			break;
		case 2101:
			if (so.n_vex >= SCAN_MAX_VEX) {
				r = cli_usage_error("more than %d --vex files", SCAN_MAX_VEX);
				goto done;
			}
			so.vex[so.n_vex++] = optarg;
			break;
		case 2200:
			if (parse_scanners(optarg, &so) < 0) {
				r = cli_usage_error("invalid --scanners '%s' (vuln%s%s)", optarg,
						    *cs_analyzer_names() ? "," : "",
						    cs_analyzer_names());
				goto done;
			}
			break;
		case 2201:
			so.ao.secret_config = optarg;
			break;
		case 2202:
			if (so.n_yara >= SCAN_MAX_YARA) {
				r = cli_usage_error("more than %d --yara-rules", SCAN_MAX_YARA);
				goto done;
			}
			so.yara[so.n_yara++] = optarg;
			so.ao.yara_rules = so.yara;
			break;
		case 2203:
			so.ao.malware_blocklist = optarg;
			break;
		case 'h':
			printf("%s%s%s", scan_help, cli_image_opts_help, cli_cache_opts_help);
			r = 0;
			goto done;
		default: {
			char verb[64];

			snprintf(verb, sizeof(verb), "scan %s", kind);
			r = cli_image_opts_default(&io, c, optarg, verb);
			if (r)
				goto done;
		}
		}
	}
	if (optind + 1 != argc) {
		r = cli_usage_error("scan %s takes one %s (see --help)", kind,
				    !strcmp(kind, "image")  ? "image reference"
				    : !strcmp(kind, "sbom") ? "file"
							    : "directory");
		goto done;
	}
	target = argv[optind];
	r = load_suppressions(&so, &ign, &vex, &err);
	if (r < 0) {
		r = cli_fail(&err);
		goto done;
	}
	if (so.n_an && !strcmp(kind, "sbom")) {
		r = cli_usage_error("scan sbom has packages only: --scanners %s needs an image "
				    "or a root filesystem",
				    so.an[0]->name);
		goto done;
	}
	if (cs_issues_new(&issues) < 0) {
		r = EXIT_INTERNAL;
		goto done;
	}
	if (so.vuln) {
		dbpath = cli_db_path(so.db);
		if (!dbpath) {
			r = EXIT_INTERNAL;
			goto done;
		}
		/* open the database first: a missing one should not cost a whole walk */
		r = cs_vulndb_open(dbpath, &db, &err);
		if (r < 0) {
			r = cli_fail(&err);
			goto done;
		}
	}
	built = db ? db_built(db, so.db_max_age) : NULL;
	if (!strcmp(kind, "sbom")) {
		_cleanup_(cs_stream_freep) struct cs_stream *s = NULL;
		struct cs_buf b = CS_BUF_INIT(SBOM_INPUT_MAX);

		r = cs_stream_open_file(target, &s, &err);
		if (r >= 0)
			r = cs_stream_read_all(s, &b, &err);
		if (r >= 0)
			r = cs_sbom_read(b.data ? b.data : "", b.len, &cat, NULL, &err);
		cs_buf_done(&b);
		if (r < 0)
			cs_error_prefix(&err, "sbom '%s'", target);
	} else {
		ref = strcmp(kind, "image") ? cs_asprintf("dir:%s", target) : cs_strdup(target);
		r = ref ? cs_image_open(ref, &io.image, &img, &err) : -ENOMEM;
		if (r >= 0)
			r = cs_catalog_new(&cat);
		if (r >= 0 && cli_layer_cache_open(&io, &cache) < 0)
			r = -ENOMEM;
		if (r >= 0)
			r = cs_analyze_image(img, cat, cache, so.an, so.n_an, &so.ao, issues, &err);
	}
	if (r >= 0 && so.vuln) {
		mo.ignore_unfixed = so.ignore_unfixed;
		r = cs_match_catalog(db, cat, &mo, &fs, &err);
	} else if (r >= 0) {
		fs = cs_zalloc(sizeof(*fs));
		r = fs ? 0 : -ENOMEM;
	}
	if (r >= 0)
		r = apply_suppressions(ign, vex, img, cat, fs, &err);
	if (r < 0) {
		if (!err.code)
			cs_error_errno(&err, r, "cannot scan '%s'", target);
		r = cli_fail(&err);
		goto done;
	}
	for (size_t i = 0; i < fs->n_warnings; i++)
		cs_log_warn("%s", fs->warnings[i]);
	for (size_t i = 0; i < cs_catalog_warning_count(cat); i++)
		cs_log_warn("%s", cs_catalog_warning(cat, i));
	for (size_t i = 0; i < issues->n_warnings; i++)
		cs_log_warn("%s", issues->warnings[i]);
	cs_findings_filter(fs, severity_selected, so.severities);
	cs_issues_filter(issues, cli_issue_severity_selected, so.severities);
	r = cli_output_open(&out, so.output, &err);
	if (r < 0) {
		r = cli_fail(&err);
		goto done;
	}
	rep.kind = kind;
	rep.target = target;
	rep.img = img;
	rep.cat = cat;
	rep.findings = fs;
	rep.issues = so.n_an ? issues : NULL; /* NULL: no issue scanner ran */
	rep.no_vulns = !so.vuln;
	rep.db_built = built;
	ropts.width = cli_term_width(out.f);
	ropts.colour = out.tty && !getenv("NO_COLOR");
	r = cs_report_write(so.format, &rep, &ropts, out.f, &err);
	if (r < 0) {
		if (!err.code)
			cs_error_errno(&err, r, "cannot write the report");
		cli_output_abort(&out);
		r = cli_fail(&err);
		goto done;
	}
	r = cli_output_commit(&out, &err);
	if (r < 0)
		r = cli_fail(&err);
	else
		r = fs->n > 0 || issues->n > 0 ? so.exit_code : 0;
done:
	cli_image_opts_done(&io);
	return r;
}

static int cmd_scan_image(int argc, char **argv)
{
	return run_scan("image", argc, argv);
}

static int cmd_scan_rootfs(int argc, char **argv)
{
	return run_scan("rootfs", argc, argv);
}

/* a project tree: lock files, manifests and sources, secrets included by default */
static int cmd_scan_fs(int argc, char **argv)
{
	return run_scan("fs", argc, argv);
}

static int cmd_scan_sbom(int argc, char **argv)
{
	return run_scan("sbom", argc, argv);
}

int cmd_scan(int argc, char **argv)
{
	static const struct cli_verb verbs[] = {
		{ "image", cmd_scan_image, "find known vulnerabilities in an image" },
		{ "rootfs", cmd_scan_rootfs, "find known vulnerabilities in a root filesystem" },
		{ "fs", cmd_scan_fs, "find vulnerabilities and secrets in a project directory" },
		{ "sbom", cmd_scan_sbom, "find known vulnerabilities in a CycloneDX or SPDX SBOM" },
	};

	return cli_dispatch("scan", verbs, CS_ARRAY_SIZE(verbs), argc, argv);
}
