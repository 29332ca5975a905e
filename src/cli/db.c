/* SPDX-License-Identifier: Apache-2.0 */
/*
 * customs db build | info
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
#include "basic/table.h"
#include "cli/cli.h"
#include "vulndb/importer.h"

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

int cmd_db(int argc, char **argv)
{
	static const struct cli_verb verbs[] = {
		{ "build", cmd_build, "compile the database from feed directories" },
		{ "info", cmd_info, "show the database's sources and totals" },
	};

	return cli_dispatch("db", verbs, CS_ARRAY_SIZE(verbs), argc, argv);
}
