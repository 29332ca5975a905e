/* SPDX-License-Identifier: Apache-2.0 */
/*
 * customs db build | update | manifest | info
 *
 * The database path is --db PATH, else $CUSTOMS_DB, else
 * $XDG_CACHE_HOME/customs/db.sqlite (~/.cache/customs/db.sqlite): see
 * cli_db_path().
 */
#include <inttypes.h>
#include <string.h>
#include <sys/stat.h>
#include "basic/alloc.h"
#include "basic/json.h"
#include "basic/parse.h"
#include "basic/table.h"
#include "cli/cli.h"
#include "config.h"
#include "vulndb/importer.h"
#include "vulndb/update.h"

#define INFO_SCHEMA	"customs.db.info/v1"
#define MAX_BAD_PRINTED 200

static const char *const table_json[] = { "table", "json", NULL };

/* mkdir -p of the directory holding path */
static int make_parent(const char *path, struct cs_error *err)
{
	_cleanup_free_ char *dir = cs_strdup(path);
	char *slash;

	if (!dir)
		return cs_error_set(err, -ENOMEM, "out of memory");
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return 0;
	*slash = '\0';
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0755) < 0 && errno != EEXIST)
			return cs_error_errno(err, errno, "cannot create directory '%s'", dir);
		*p = '/';
	}
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return cs_error_errno(err, errno, "cannot create directory '%s'", dir);
	return 0;
}

struct bad_state {
	uint64_t printed, total;
};

static void print_bad(void *ud, const char *file, const char *position, const char *reason)
{
	struct bad_state *s = ud;
	_cleanup_free_ char *f = cs_term_sanitize(file);
	_cleanup_free_ char *p = cs_term_sanitize(position);
	_cleanup_free_ char *r = cs_term_sanitize(reason);

	s->total++;
	if (cli_quiet || s->printed >= MAX_BAD_PRINTED)
		return;
	s->printed++;
	if (position && *position)
		fprintf(stderr, "%s: warning: %s:%s: %s\n", cli_program, f ? f : file,
			p ? p : position, r ? r : reason);
	else
		fprintf(stderr, "%s: warning: %s: %s\n", cli_program, f ? f : file, r ? r : reason);
}

static void u64_cell(char *buf, size_t n, uint64_t v)
{
	snprintf(buf, n, "%" PRIu64, v);
}

static int print_sources_table(const struct cs_vulndb_info *info, FILE *f)
{
	static const char *const headers[] = { "SOURCE", "LOCATION", "UPDATED", "RECORDS",
					       "SKIPPED" };
	_cleanup_(cs_table_freep) struct cs_table *t = NULL;
	int r;

	r = cs_table_new(5, headers, &t);
	if (r < 0)
		return r;
	cs_table_set_align(t, 3, CS_ALIGN_RIGHT);
	cs_table_set_align(t, 4, CS_ALIGN_RIGHT);
	for (size_t i = 0; i < info->n_sources; i++) {
		const struct cs_vulndb_source *s = &info->sources[i];
		char rec[24], sk[24];

		u64_cell(rec, sizeof(rec), s->records);
		u64_cell(sk, sizeof(sk), s->skipped);
		r = cs_table_add(t, s->name, s->location && *s->location ? s->location : "-",
				 s->updated ? s->updated : "-", rec, sk);
		if (r < 0)
			return r;
	}
	return cs_table_print(t, f, cli_term_width(f));
}

static int cmd_build(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "from", required_argument, NULL, 'F' },
		{ "db", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	_cleanup_free_ const char **from = NULL;
	_cleanup_free_ char *path = NULL;
	_cleanup_(cs_vulndb_closep) struct cs_vulndb *db = NULL;
	_cleanup_(cs_vulndb_info_freep) struct cs_vulndb_info *info = NULL;
	struct cs_error err = CS_ERROR_INIT;
	struct bad_state bad = { 0 };
	struct cs_import_report rep = { .bad = print_bad, .userdata = &bad };
	const char *dbopt = NULL;
	size_t n = 0, cap = 0;
	int c, r;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'F':
			if (CS_GROW(from, cap, n + 2) < 0)
				return EXIT_INTERNAL;
			from[n++] = optarg;
			from[n] = NULL;
			break;
		case 'd':
			dbopt = optarg;
			break;
		case 'h':
			printf("usage: customs db build --from DIR... [--db PATH]\n\n"
			       "Compile the vulnerability database from advisory feeds in their\n"
			       "upstream formats (Alpine secdb, OSV, ruby-advisory-db, Debian\n"
			       "security tracker, OVAL, CISA KEV, EPSS, NVD). The old database is\n"
			       "replaced only when the whole build succeeded.\n\n"
			       "  --from DIR|FILE   a feed directory or file (repeatable)\n"
			       "  --db PATH         the database (default $CUSTOMS_DB, else\n"
			       "                    $XDG_CACHE_HOME/customs/db.sqlite)\n");
			return 0;
		default:
			return cli_usage_error("see 'customs db build --help'");
		}
	}
	if (optind != argc)
		return cli_usage_error("unexpected argument '%s' (feeds are given with --from)",
				       argv[optind]);
	if (!n)
		return cli_usage_error("db build needs at least one --from DIR");
	path = cli_db_path(dbopt);
	if (!path)
		return EXIT_INTERNAL;
	if (make_parent(path, &err) < 0)
		return cli_fail(&err);
	r = cs_vulndb_build(from, path, &rep, &err);
	if (bad.total > bad.printed && !cli_quiet)
		fprintf(stderr,
			"%s: warning: %" PRIu64 " more skipped records or files not shown\n",
			cli_program, bad.total - bad.printed);
	if (r < 0) {
		cs_error_prefix(&err, "database '%s' not changed", path);
		return cli_fail(&err);
	}
	if (cli_quiet)
		return 0;
	if (cs_vulndb_open(path, &db, &err) < 0 || cs_vulndb_info(db, &info, &err) < 0)
		return cli_fail(&err);
	printf("built %s: %" PRIu64 " vulnerabilities, %" PRIu64 " affected records, %" PRIu64
	       " kev, %" PRIu64 " epss (%" PRIu64 " bad records skipped)\n",
	       path, info->vulns, info->affected, info->kev, info->epss, rep.skipped);
	r = print_sources_table(info, stdout);
	if (r < 0 || fflush(stdout) != 0) {
		cs_error_errno(&err, r < 0 ? r : errno, "cannot write output");
		return cli_fail(&err);
	}
	return 0;
}

static int info_json(const char *path, const struct cs_vulndb_info *info, FILE *f)
{
	_cleanup_(cs_json_freep) struct cs_json *j = NULL;
	int r;

	r = cs_json_new_file(f, CS_JSON_PRETTY, &j);
	if (r < 0)
		return r;
	cs_json_begin_object(j);
	cs_json_kv_string(j, "schema", INFO_SCHEMA);
	cs_json_kv_string(j, "path", path);
	cs_json_kv_int(j, "schema_version", info->schema_version);
	cs_json_kv_string(j, "built", info->built);
	cs_json_kv_string(j, "builder", info->builder);
	cs_json_key(j, "mirror");
	if (info->mirror_url) {
		cs_json_begin_object(j);
		cs_json_kv_string(j, "url", info->mirror_url);
		cs_json_kv_string(j, "kind", info->mirror_kind);
		cs_json_kv_string(j, "manifest_created", info->mirror_created);
		cs_json_kv_string(j, "fetched", info->mirror_fetched);
		cs_json_end_object(j);
	} else {
		cs_json_null(j);
	}
	cs_json_key(j, "sources");
	cs_json_begin_array(j);
	for (size_t i = 0; i < info->n_sources; i++) {
		const struct cs_vulndb_source *s = &info->sources[i];

		cs_json_begin_object(j);
		cs_json_kv_string(j, "name", s->name);
		cs_json_kv_string(j, "kind", s->kind);
		cs_json_kv_string(j, "location", s->location);
		cs_json_kv_string(j, "updated", s->updated);
		cs_json_kv_uint(j, "records", s->records);
		cs_json_kv_uint(j, "skipped", s->skipped);
		cs_json_end_object(j);
	}
	cs_json_end_array(j);
	cs_json_key(j, "totals");
	cs_json_begin_object(j);
	cs_json_kv_uint(j, "vulnerabilities", info->vulns);
	cs_json_kv_uint(j, "affected", info->affected);
	cs_json_kv_uint(j, "aliases", info->aliases);
	cs_json_kv_uint(j, "kev", info->kev);
	cs_json_kv_uint(j, "epss", info->epss);
	cs_json_end_object(j);
	cs_json_end_object(j);
	return cs_json_finish(j);
}

static int info_table(const char *path, const struct cs_vulndb_info *info, FILE *f)
{
	_cleanup_(cs_table_freep) struct cs_table *t = NULL;
	char num[6][24];
	int r;

	static const char *const head[] = { "FIELD", "VALUE" };

	r = cs_table_new(2, head, &t);
	if (r < 0)
		return r;
	snprintf(num[0], sizeof(num[0]), "%d", info->schema_version);
	u64_cell(num[1], sizeof(num[1]), info->vulns);
	u64_cell(num[2], sizeof(num[2]), info->affected);
	u64_cell(num[3], sizeof(num[3]), info->aliases);
	u64_cell(num[4], sizeof(num[4]), info->kev);
	u64_cell(num[5], sizeof(num[5]), info->epss);
	if (cs_table_add(t, "Database", path) < 0 ||
	    cs_table_add(t, "Schema version", num[0]) < 0 ||
	    cs_table_add(t, "Built", info->built ? info->built : "-") < 0 ||
	    cs_table_add(t, "Builder", info->builder ? info->builder : "-") < 0 ||
	    (info->mirror_url &&
	     (cs_table_add(t, "Mirror", info->mirror_url) < 0 ||
	      cs_table_add(t, "Mirror kind", info->mirror_kind ? info->mirror_kind : "-") < 0 ||
	      cs_table_add(t, "Manifest created",
			   info->mirror_created ? info->mirror_created : "-") < 0 ||
	      cs_table_add(t, "Fetched", info->mirror_fetched ? info->mirror_fetched : "-") < 0)) ||
	    cs_table_add(t, "Vulnerabilities", num[1]) < 0 ||
	    cs_table_add(t, "Affected records", num[2]) < 0 ||
	    cs_table_add(t, "Aliases", num[3]) < 0 || cs_table_add(t, "KEV entries", num[4]) < 0 ||
	    cs_table_add(t, "EPSS scores", num[5]) < 0)
		return -ENOMEM;
	r = cs_table_print(t, f, cli_term_width(f));
	if (r < 0)
		return r;
	fputc('\n', f);
	return print_sources_table(info, f);
}

static int cmd_info(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "db", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	_cleanup_free_ char *path = NULL;
	_cleanup_(cs_vulndb_closep) struct cs_vulndb *db = NULL;
	_cleanup_(cs_vulndb_info_freep) struct cs_vulndb_info *info = NULL;
	struct cs_error err = CS_ERROR_INIT;
	enum cli_format fmt = CLI_FORMAT_TABLE;
	const char *dbopt = NULL;
	int c, r;

	optind = 1;
	while ((c = getopt_long(argc, argv, "f:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (cli_parse_format(optarg, table_json, &fmt) < 0)
				return cli_usage_error("unknown format '%s' (table, json)", optarg);
			break;
		case 'd':
			dbopt = optarg;
			break;
		case 'h':
			printf("usage: customs db info [--db PATH] [-f table|json]\n\n"
			       "Show the database's schema version, build time, sources and totals.\n");
			return 0;
		default:
			return cli_usage_error("see 'customs db info --help'");
		}
	}
	if (optind != argc)
		return cli_usage_error("unexpected argument '%s'", argv[optind]);
	path = cli_db_path(dbopt);
	if (!path)
		return EXIT_INTERNAL;
	if (cs_vulndb_open(path, &db, &err) < 0 || cs_vulndb_info(db, &info, &err) < 0)
		return cli_fail(&err);
	if (fmt == CLI_FORMAT_JSON)
		r = info_json(path, info, stdout);
	else
		r = info_table(path, info, stdout);
	if (r < 0 || fflush(stdout) != 0) {
		cs_error_errno(&err, r < 0 ? r : errno, "cannot write output");
		return cli_fail(&err);
	}
	return 0;
}

static int print_totals(const char *path, const char *verb, uint64_t skipped, struct cs_error *err)
{
	_cleanup_(cs_vulndb_closep) struct cs_vulndb *db = NULL;
	_cleanup_(cs_vulndb_info_freep) struct cs_vulndb_info *info = NULL;
	int r;

	if (cs_vulndb_open(path, &db, err) < 0 || cs_vulndb_info(db, &info, err) < 0)
		return -1;
	printf("%s %s: %" PRIu64 " vulnerabilities, %" PRIu64 " affected records, %" PRIu64
	       " kev, %" PRIu64 " epss (%" PRIu64 " bad records skipped)\n",
	       verb, path, info->vulns, info->affected, info->kev, info->epss, skipped);
	r = print_sources_table(info, stdout);
	if (r < 0 || fflush(stdout) != 0) {
		cs_error_errno(err, r < 0 ? r : errno, "cannot write output");
		return -1;
	}
	return 0;
}

static int cmd_update(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "url", required_argument, NULL, 'u' },
		{ "key", required_argument, NULL, 'k' },
		{ "db", required_argument, NULL, 'd' },
		{ "ca-cert", required_argument, NULL, 'c' },
		{ "insecure", no_argument, NULL, 'i' },
		{ "force", no_argument, NULL, 'f' },
		{ "retries", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	_cleanup_free_ char *path = NULL;
	struct cs_error err = CS_ERROR_INIT;
	struct bad_state bad = { 0 };
	struct cs_import_report rep = { .bad = print_bad, .userdata = &bad };
	struct cs_vulndb_update_options o = { .retries = 3, .rep = &rep };
	struct cs_vulndb_update_result res;
	struct cs_progress progress = { 0 };
	struct cs_progress_term *term = NULL;
	const char *dbopt = NULL, *env = getenv("CUSTOMS_DB_URL");
	uint64_t v;
	int c, r;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'u':
			o.url = optarg;
			break;
		case 'k':
			o.key = optarg;
			break;
		case 'd':
			dbopt = optarg;
			break;
		case 'c':
			o.ca_cert = optarg;
			break;
		case 'i':
			o.insecure = true;
			break;
		case 'f':
			o.force = true;
			break;
		case 'r':
			if (cs_safe_atou64(optarg, &v) < 0 || v > 20)
				return cli_usage_error("invalid number '%s' for --retries (0-20)",
						       optarg);
			o.retries = (unsigned)v;
			break;
		case 'h':
			printf("usage: customs db update [--url URL] [--key PUB.pem] [--db PATH]\n"
			       "                         [--ca-cert FILE] [--insecure] [--force]\n"
			       "                         [--retries N]\n\n"
			       "Replace the database with what a mirror publishes: advisory feeds\n"
			       "(built here) or a ready database, listed with their sizes and\n"
			       "SHA-256 in the mirror's manifest.json. Nothing changes unless every\n"
			       "file matches; an unchanged manifest is not fetched again.\n\n"
			       "  --url URL         https:// base URL, http:// for loopback hosts\n"
			       "                    (or with --insecure), file:// URL or directory\n"
			       "                    (default $CUSTOMS_DB_URL%s%s)\n"
			       "  --key PUB.pem     require manifest.json.sig, an ECDSA P-256\n"
			       "                    signature by this key (cosign sign-blob)\n"
			       "  --db PATH         the database (default $CUSTOMS_DB, else\n"
			       "                    $XDG_CACHE_HOME/customs/db.sqlite)\n"
			       "  --ca-cert FILE    trust this CA bundle as well as the system's\n"
			       "  --insecure        allow plain HTTP to any host, skip certificate checks\n"
			       "  --force           fetch even when the manifest is unchanged\n"
			       "  --retries N       network retries per request (default 3)\n",
			       CUSTOMS_DEFAULT_DB_URL[0] ? ", else " : "", CUSTOMS_DEFAULT_DB_URL);
			return 0;
		default:
			return cli_usage_error("see 'customs db update --help'");
		}
	}
	if (optind != argc)
		return cli_usage_error("unexpected argument '%s'", argv[optind]);
	if (!o.url)
		o.url = env && *env ? env : CUSTOMS_DEFAULT_DB_URL;
	if (!*o.url)
		return cli_usage_error("no mirror to update from: give --url URL or set "
				       "$CUSTOMS_DB_URL");
	path = cli_db_path(dbopt);
	if (!path)
		return EXIT_INTERNAL;
	if (make_parent(path, &err) < 0)
		return cli_fail(&err);
	term = cli_quiet ? NULL : cs_progress_term_new(stderr);
	cs_progress_term_bind(term, &progress);
	o.progress = &progress;
	r = cs_vulndb_update(path, &o, &res, &err);
	cs_progress_term_free(term);
	if (bad.total > bad.printed && !cli_quiet)
		fprintf(stderr,
			"%s: warning: %" PRIu64 " more skipped records or files not shown\n",
			cli_program, bad.total - bad.printed);
	if (r < 0) {
		cs_error_prefix(&err, "database '%s' not changed", path);
		return cli_fail(&err);
	}
	if (res.sig == CS_VULNDB_SIG_IGNORED && !cli_quiet)
		fprintf(stderr, "%s: note: %s/manifest.json.sig not checked (no --key given)\n",
			cli_program, res.base);
	if (cli_quiet)
		return 0;
	if (!res.updated) {
		printf("%s is up to date with %s (manifest created %s)\n", path, res.base,
		       res.created);
		return fflush(stdout) == 0 ? 0 : EXIT_INTERNAL;
	}
	printf("fetched %zu files (%" PRIu64 " bytes, %s, manifest created %s%s) from %s\n",
	       res.files, res.bytes, cs_db_manifest_kind_name(res.kind), res.created,
	       res.sig == CS_VULNDB_SIG_VERIFIED ? ", signature verified" : "", res.base);
	if (print_totals(path, "updated", rep.skipped, &err) < 0)
		return cli_fail(&err);
	return 0;
}

static int cmd_manifest(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "kind", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	_cleanup_(cs_db_manifest_freep) struct cs_db_manifest *m = NULL;
	_cleanup_buf_ struct cs_buf buf = CS_BUF_INIT(CS_DB_MANIFEST_MAX_SIZE);
	_cleanup_free_ char *outpath = NULL;
	enum cs_db_manifest_kind kind = CS_DB_MANIFEST_FEEDS;
	struct cs_error err = CS_ERROR_INIT;
	struct cli_output out;
	const char *outopt = NULL, *dir;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			outopt = optarg;
			break;
		case 'k':
			if (!strcmp(optarg, "feeds"))
				kind = CS_DB_MANIFEST_FEEDS;
			else if (!strcmp(optarg, "database"))
				kind = CS_DB_MANIFEST_DATABASE;
			else
				return cli_usage_error("--kind takes feeds or database, not '%s'",
						       optarg);
			break;
		case 'h':
			printf("usage: customs db manifest DIR [--out FILE] [--kind feeds|database]\n\n"
			       "Write the manifest.json that makes DIR a mirror for 'customs db\n"
			       "update': every file below DIR (symlinks followed, hidden entries\n"
			       "skipped) with its size and SHA-256. Sign it with\n"
			       "'cosign sign-blob --key KEY manifest.json > manifest.json.sig'.\n\n"
			       "  -o, --out FILE    where to write it (default DIR/manifest.json; - for\n"
			       "                    standard output)\n"
			       "  --kind KIND       feeds (advisory feeds, built by the client; the\n"
			       "                    default) or database (DIR holds one database file,\n"
			       "                    plain, .gz or .zst)\n");
			return 0;
		default:
			return cli_usage_error("see 'customs db manifest --help'");
		}
	}
	if (optind >= argc)
		return cli_usage_error("db manifest needs a directory");
	if (optind + 1 < argc)
		return cli_usage_error("unexpected argument '%s'", argv[optind + 1]);
	dir = argv[optind];
	outpath = outopt ? cs_strdup(outopt) : cs_asprintf("%s/manifest.json", dir);
	if (!outpath)
		return EXIT_INTERNAL;
	if (cs_vulndb_manifest_for_dir(dir, kind, &m, &err) < 0 ||
	    cs_db_manifest_write(m, &buf, &err) < 0)
		return cli_fail(&err);
	if (cli_output_open(&out, outpath, &err) < 0)
		return cli_fail(&err);
	if (fwrite(buf.data, 1, buf.len, out.f) != buf.len) {
		cs_error_errno(&err, errno, "cannot write '%s'", outpath);
		cli_output_abort(&out);
		return cli_fail(&err);
	}
	if (cli_output_commit(&out, &err) < 0)
		return cli_fail(&err);
	if (!cli_quiet && strcmp(outpath, "-") != 0)
		printf("wrote %s: %zu files, %" PRIu64 " bytes, kind %s\n", outpath, m->n_files,
		       m->total_size, cs_db_manifest_kind_name(m->kind));
	return 0;
}

int cmd_db(int argc, char **argv)
{
	static const struct cli_verb verbs[] = {
		{ "build", cmd_build, "compile the database from feed directories" },
		{ "update", cmd_update, "replace the database with a mirror's feeds or database" },
		{ "manifest", cmd_manifest,
		  "write manifest.json to publish a directory as a mirror" },
		{ "info", cmd_info, "show the database's sources and totals" },
	};

	return cli_dispatch("db", verbs, CS_ARRAY_SIZE(verbs), argc, argv);
}
