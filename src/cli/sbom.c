/* SPDX-License-Identifier: Apache-2.0 */
/*
 * customs sbom REF: every OS and language package of an image, root
 * filesystem or directory, as CycloneDX, SPDX, customs JSON or a table.
 */
#include <string.h>
#include <time.h>
#include "basic/alloc.h"
#include "basic/log.h"
#include "basic/parse.h"
#include "basic/table.h"
#include "catalog/catalog.h"
#include "cli/cli.h"
#include "sbom/sbom.h"

/* SOURCE_DATE_EPOCH makes documents reproducible (reproducible-builds.org). */
static int64_t document_time(void)
{
	const char *s = getenv("SOURCE_DATE_EPOCH");
	int64_t t;

	if (s && cs_safe_atoi64(s, &t) == 0 && t >= 0)
		return t;
	return (int64_t)time(NULL);
}

static int print_table(struct cs_catalog *cat, FILE *f, size_t width)
{
	static const char *head[] = { "NAME", "VERSION", "TYPE", "SOURCE", "LAYER", "PATH" };
	_cleanup_(cs_table_freep) struct cs_table *t = NULL;
	const struct cs_os_release *os = cs_catalog_os(cat);
	int r;

	r = cs_table_new(6, head, &t);
	if (r < 0)
		return r;
	cs_table_set_align(t, 4, CS_ALIGN_RIGHT);
	for (size_t i = 0; i < cs_catalog_count(cat); i++) {
		const struct cs_package *p = cs_catalog_get(cat, i);
		char layer[16];

		snprintf(layer, sizeof(layer), "%u", p->introduced);
		_cleanup_free_ char *name =
			p->namespace ? cs_asprintf("%s:%s", p->namespace, p->name) : NULL;

		r = cs_table_add(t, name ? name : p->name, p->version, cs_pkg_type_name(p->type),
				 p->source_name, layer, p->path);
		if (r < 0)
			return r;
	}
	if (os)
		fprintf(f, "OS: %s %s (from %s)\n", os->id ? os->id : "?",
			os->version_id ? os->version_id
				       : (os->version_codename ? os->version_codename : "?"),
			os->detected_from ? os->detected_from : "?");
	else
		fprintf(f, "OS: not detected\n");
	fprintf(f, "Packages: %zu\n\n", cs_catalog_count(cat));
	return cs_table_print(t, f, width);
}

static int parse_sbom_format(const char *s, int *ret)
{
	static const struct {
		const char *name;
		int fmt;
	} names[] = {
		{ "cyclonedx", CS_SBOM_CYCLONEDX }, { "cyclonedx-json", CS_SBOM_CYCLONEDX },
		{ "spdx", CS_SBOM_SPDX },	    { "spdx-json", CS_SBOM_SPDX },
		{ "json", CS_SBOM_NATIVE },	    { "table", -1 },
	};

	for (size_t i = 0; i < CS_ARRAY_SIZE(names); i++)
		if (!strcmp(s, names[i].name)) {
			*ret = names[i].fmt;
			return 0;
		}
	return -EINVAL;
}

int cmd_sbom(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		CLI_IMAGE_LONGOPTS,
		CLI_CACHE_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	_cleanup_(cs_image_freep) struct cs_image *img = NULL;
	_cleanup_(cs_catalog_freep) struct cs_catalog *cat = NULL;
	_cleanup_(cs_layer_cache_freep) struct cs_layer_cache *cache = NULL;
	struct cs_error err = CS_ERROR_INIT;
	struct cli_image_opts io;
	struct cli_output out;
	const char *outpath = NULL;
	int fmt = -1, c, r;

	cli_image_opts_init(&io);
	optind = 1;
	while ((c = getopt_long(argc, argv, "f:o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (parse_sbom_format(optarg, &fmt) < 0) {
				r = cli_usage_error(
					"unknown format '%s' (cyclonedx, spdx, json, table)",
					optarg);
				goto done;
			}
			break;
		case 'o':
			outpath = optarg;
			break;
		case 'h':
			printf("usage: customs sbom [OPTIONS] REF\n\n"
			       "List every OS and language package of an image, root filesystem or\n"
			       "directory (dir:PATH): name, version, source package, architecture,\n"
			       "licence, purl, CPE, the declaring file and the layer that introduced\n"
			       "it.\n\n"
			       "  -f, --format cyclonedx|spdx|json|table   (default table)\n"
			       "  -o, --output FILE\n\n%s%s",
			       cli_image_opts_help, cli_cache_opts_help);
			r = 0;
			goto done;
		default:
			r = cli_image_opts_default(&io, c, optarg, "sbom");
			if (r)
				goto done;
		}
	}
	if (optind + 1 != argc) {
		r = cli_usage_error("sbom takes one image reference (see --help)");
		goto done;
	}
	r = cs_image_open(argv[optind], &io.image, &img, &err);
	if (r >= 0)
		r = cs_catalog_new(&cat) < 0 ? cs_error_errno(&err, ENOMEM, "out of memory") : 0;
	if (r >= 0 && cli_layer_cache_open(&io, &cache) < 0)
		r = cs_error_errno(&err, ENOMEM, "out of memory");
	if (r >= 0)
		r = cs_catalog_image_cached(img, cat, cache, &err);
	if (r < 0) {
		r = cli_fail(&err);
		goto done;
	}
	for (size_t i = 0; i < cs_catalog_warning_count(cat); i++)
		cs_log_warn("%s", cs_catalog_warning(cat, i));
	r = cli_output_open(&out, outpath, &err);
	if (r < 0) {
		r = cli_fail(&err);
		goto done;
	}
	if (fmt < 0) {
		r = print_table(cat, out.f, cli_term_width(out.f));
		if (r < 0)
			cs_error_errno(&err, r, "cannot write the table");
	} else {
		const struct cs_image_config *cfg = cs_image_config(img);
		struct cs_sbom_subject subject = {
			.name = cs_image_ref(img)->input,
			.manifest_digest = cs_image_manifest_digest(img),
			.config_digest = cs_image_config_digest(img),
			.os = cfg->os,
			.architecture = cfg->architecture,
			.created = document_time(),
		};

		r = cs_sbom_write(out.f, (enum cs_sbom_format)fmt, cat, &subject, &err);
	}
	if (r < 0) {
		cli_output_abort(&out);
		r = cli_fail(&err);
		goto done;
	}
	r = cli_output_commit(&out, &err);
	r = r < 0 ? cli_fail(&err) : 0;
done:
	cli_image_opts_done(&io);
	return r;
}
