/* SPDX-License-Identifier: Apache-2.0 */
/*
 * customs cache info | clean | prune: the layer cache that `sbom` and
 * `scan image` keep (image/layercache.h), and the options that point those
 * verbs at it. The directory is --cache-dir DIR, else
 * $XDG_CACHE_HOME/customs/layers (~/.cache/customs/layers): cli_cache_dir().
 */
#include <string.h>
#include "basic/alloc.h"
#include "basic/json.h"
#include "basic/parse.h"
#include "basic/table.h"
#include "cli/cli.h"

#define INFO_SCHEMA "customs.cache.info/v1"

static const char *const table_json[] = { "table", "json", NULL };

const char cli_cache_opts_help[] =
	"layer cache options:\n"
	"  --cache-dir DIR               keep what was learnt of each layer here (default\n"
	"                                $XDG_CACHE_HOME/customs/layers)\n"
	"  --no-cache                    read every layer; neither use nor fill the cache\n";

char *cli_cache_dir(const char *opt)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");

	if (opt)
		return cs_strdup(opt);
	if (xdg && *xdg == '/')
		return cs_asprintf("%s/customs/layers", xdg);
	return cs_asprintf("%s/.cache/customs/layers", home && *home ? home : "/root");
}

int cli_layer_cache_open(const struct cli_image_opts *o, struct cs_layer_cache **ret)
{
	_cleanup_free_ char *dir = NULL;

	*ret = NULL;
	if (o->no_cache)
		return 0;
	dir = cli_cache_dir(o->cache_dir);
	if (!dir || cs_layer_cache_new(dir, ret) < 0)
		return -ENOMEM;
	return 0;
}

/* --cache-dir for the cache verbs themselves */
static int open_cache(const char *opt, struct cs_layer_cache **ret)
{
	_cleanup_free_ char *dir = cli_cache_dir(opt);

	if (!dir || cs_layer_cache_new(dir, ret) < 0)
		return -cli_usage_error("out of memory");
	return 0;
}

static int info_json(struct cs_layer_cache *c, const struct cs_layer_cache_stats *s, FILE *f)
{
	_cleanup_(cs_json_freep) struct cs_json *j = NULL;
	int r;

	r = cs_json_new_file(f, CS_JSON_PRETTY, &j);
	if (r < 0)
		return r;
	cs_json_begin_object(j);
	cs_json_kv_string(j, "schema", INFO_SCHEMA);
	cs_json_kv_string(j, "path", cs_layer_cache_dir(c));
	cs_json_kv_uint(j, "format", CS_LAYER_CACHE_FORMAT);
	cs_json_kv_uint(j, "records", s->records);
	cs_json_kv_uint(j, "bytes", s->bytes);
	cs_json_kv_uint(j, "tempFiles", s->temp_files);
	cs_json_kv_uint(j, "tempBytes", s->temp_bytes);
	cs_json_end_object(j);
	return cs_json_finish(j);
}

static int info_table(struct cs_layer_cache *c, const struct cs_layer_cache_stats *s, FILE *f)
{
	static const char *const head[] = { "FIELD", "VALUE" };
	_cleanup_(cs_table_freep) struct cs_table *t = NULL;
	char fmt[16], rec[24], size[32], tmp[64], tsz[32];
	int r;

	r = cs_table_new(2, head, &t);
	if (r < 0)
		return r;
	snprintf(fmt, sizeof(fmt), "%d", CS_LAYER_CACHE_FORMAT);
	snprintf(rec, sizeof(rec), "%llu", (unsigned long long)s->records);
	cs_format_size(s->bytes, size, sizeof(size));
	snprintf(tmp, sizeof(tmp), "%llu (%s)", (unsigned long long)s->temp_files,
		 cs_format_size(s->temp_bytes, tsz, sizeof(tsz)));
	if (cs_table_add(t, "Directory", cs_layer_cache_dir(c)) < 0 ||
	    cs_table_add(t, "Format", fmt) < 0 || cs_table_add(t, "Layer records", rec) < 0 ||
	    cs_table_add(t, "Size", size) < 0 || cs_table_add(t, "Unfinished writes", tmp) < 0)
		return -ENOMEM;
	return cs_table_print(t, f, cli_term_width(f));
}

static int cmd_info(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "cache-dir", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	_cleanup_(cs_layer_cache_freep) struct cs_layer_cache *cache = NULL;
	struct cs_layer_cache_stats st;
	struct cs_error err = CS_ERROR_INIT;
	enum cli_format fmt = CLI_FORMAT_TABLE;
	const char *dir = NULL;
	int c, r;

	optind = 1;
	while ((c = getopt_long(argc, argv, "f:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (cli_parse_format(optarg, table_json, &fmt) < 0)
				return cli_usage_error("unknown format '%s' (table, json)", optarg);
			break;
		case 'd':
			dir = optarg;
			break;
		case 'h':
			printf("usage: customs cache info [--cache-dir DIR] [-f table|json]\n\n"
			       "Show where the layer cache is, how many layer records it holds and\n"
			       "their size.\n");
			return 0;
		default:
			return cli_usage_error("see 'customs cache info --help'");
		}
	}
	if (optind != argc)
		return cli_usage_error("unexpected argument '%s'", argv[optind]);
	r = open_cache(dir, &cache);
	if (r < 0)
		return -r;
	if (cs_layer_cache_stat(cache, &st, &err) < 0)
		return cli_fail(&err);
	r = fmt == CLI_FORMAT_JSON ? info_json(cache, &st, stdout) : info_table(cache, &st, stdout);
	if (r < 0 || fflush(stdout) != 0) {
		cs_error_errno(&err, r < 0 ? r : errno, "cannot write output");
		return cli_fail(&err);
	}
	return 0;
}

static int run_prune(const char *verb, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "cache-dir", required_argument, NULL, 'd' },
		{ "max-size", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	_cleanup_(cs_layer_cache_freep) struct cs_layer_cache *cache = NULL;
	struct cs_layer_cache_stats gone;
	struct cs_error err = CS_ERROR_INIT;
	bool clean = !strcmp(verb, "clean"), have_max = false;
	const char *dir = NULL;
	uint64_t max = 0;
	char sz[32];
	int c, r;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			dir = optarg;
			break;
		case 'm':
			if (clean)
				return cli_usage_error("see 'customs cache clean --help'");
			if (cs_parse_size(optarg, &max) < 0 || max == 0)
				return cli_usage_error("invalid size '%s' for --max-size", optarg);
			have_max = true;
			break;
		case 'h':
			if (clean)
				printf("usage: customs cache clean [--cache-dir DIR]\n\n"
				       "Remove every layer record (and unfinished write) from the "
				       "layer cache.\n");
			else
				printf("usage: customs cache prune --max-size SIZE [--cache-dir "
				       "DIR]\n\n"
				       "Remove the least recently used layer records until the rest "
				       "take at\nmost SIZE (e.g. 2G), and unfinished writes older "
				       "than a day.\n");
			return 0;
		default:
			return cli_usage_error("see 'customs cache %s --help'", verb);
		}
	}
	if (optind != argc)
		return cli_usage_error("unexpected argument '%s'", argv[optind]);
	if (!clean && !have_max)
		return cli_usage_error("cache prune needs --max-size SIZE");
	r = open_cache(dir, &cache);
	if (r < 0)
		return -r;
	if (cs_layer_cache_prune(cache, clean ? 0 : max, &gone, &err) < 0)
		return cli_fail(&err);
	if (!cli_quiet)
		printf("removed %llu layer records (%s) from %s\n",
		       (unsigned long long)gone.records, cs_format_size(gone.bytes, sz, sizeof(sz)),
		       cs_layer_cache_dir(cache));
	return 0;
}

static int cmd_clean(int argc, char **argv)
{
	return run_prune("clean", argc, argv);
}

static int cmd_prune(int argc, char **argv)
{
	return run_prune("prune", argc, argv);
}

int cmd_cache(int argc, char **argv)
{
	static const struct cli_verb verbs[] = {
		{ "info", cmd_info, "show the layer cache's location and size" },
		{ "clean", cmd_clean, "remove every layer record" },
		{ "prune", cmd_prune, "remove least recently used records above a size" },
	};

	return cli_dispatch("cache", verbs, CS_ARRAY_SIZE(verbs), argc, argv);
}
