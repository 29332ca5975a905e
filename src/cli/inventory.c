/* SPDX-License-Identifier: Apache-2.0 */
/*
 * customs inventory [--engine unix:///PATH] [--with-scan [--db PATH]]
 * [-f table|json] [-o FILE]: the containers and images of an engine
 * (audit/inventory.h), with each running container's audit counts and,
 * with --with-scan, each image's vulnerability counts. JSON schema:
 * docs/AUDIT-HOST.md.
 */
#include <string.h>
#include "audit/inventory.h"
#include "basic/alloc.h"
#include "basic/json.h"
#include "basic/table.h"
#include "cli/cli.h"
#include "image/engine_api.h"

#define INVENTORY_SCHEMA "customs.inventory/v1"

static const char inventory_help[] =
	"usage: customs inventory [--engine unix:///PATH] [--with-scan [--db PATH]] [OPTIONS]\n\n"
	"List the containers and images of a Docker or Podman engine: names, labels, image\n"
	"digests, state, ports, mounts, each running container's audit result counts\n"
	"(CIS Docker Benchmark section 5) and, with --with-scan, each image's\n"
	"vulnerability counts.\n\n"
	"  -f, --format FORMAT     table (default) or json\n"
	"  -o, --output FILE\n"
	"  --engine unix:///PATH   the engine (default $DOCKER_HOST, then the usual sockets)\n"
	"  --with-scan             scan every image for known vulnerabilities\n"
	"  --db PATH               vulnerability database for --with-scan (default\n"
	"                          $CUSTOMS_DB, $XDG_CACHE_HOME/customs/db.sqlite)\n";

static void kv_labels(struct cs_json *j, const json_t *labels)
{
	const char *k;
	json_t *v;

	cs_json_key(j, "labels");
	cs_json_begin_object(j);
	json_object_foreach ((json_t *)labels, k, v)
		cs_json_kv_string(j, k, json_string_value(v));
	cs_json_end_object(j);
}

static int write_json(FILE *f, const struct cs_inventory *inv, bool with_scan)
{
	static const char *const sev[] = { "unknown", "negligible", "low",
					   "medium",  "high",	    "critical" };
	_cleanup_(cs_json_freep) struct cs_json *j = NULL;

	if (cs_json_new_file(f, CS_JSON_PRETTY, &j) < 0)
		return -ENOMEM;
	cs_json_begin_object(j);
	cs_json_kv_string(j, "schema", INVENTORY_SCHEMA);
	cs_json_kv_string(j, "engine", inv->engine);
	cs_json_key(j, "summary");
	cs_json_begin_object(j);
	cs_json_kv_uint(j, "containers", inv->n_containers);
	cs_json_kv_uint(j, "running", inv->n_running);
	cs_json_kv_uint(j, "images", inv->n_images);
	cs_json_end_object(j);
	cs_json_key(j, "containers");
	cs_json_begin_array(j);
	for (size_t i = 0; i < inv->n_containers; i++) {
		const struct cs_inv_container *c = &inv->containers[i];

		cs_json_begin_object(j);
		cs_json_kv_string(j, "id", c->id);
		cs_json_kv_string(j, "name", c->name);
		cs_json_kv_string(j, "image", c->image);
		cs_json_kv_string(j, "imageId", c->image_id);
		cs_json_kv_string(j, "state", c->state);
		cs_json_kv_string(j, "status", c->status);
		cs_json_kv_int(j, "created", c->created);
		kv_labels(j, c->labels);
		cs_json_key(j, "ports");
		cs_json_begin_array(j);
		for (size_t k = 0; k < c->n_ports; k++) {
			cs_json_begin_object(j);
			cs_json_kv_string(j, "hostIp", c->ports[k].ip);
			cs_json_kv_uint(j, "hostPort", c->ports[k].host_port);
			cs_json_kv_uint(j, "containerPort", c->ports[k].container_port);
			cs_json_kv_string(j, "protocol", c->ports[k].proto);
			cs_json_end_object(j);
		}
		cs_json_end_array(j);
		cs_json_key(j, "mounts");
		cs_json_begin_array(j);
		for (size_t k = 0; k < c->n_mounts; k++) {
			cs_json_begin_object(j);
			cs_json_kv_string(j, "type", c->mounts[k].type);
			cs_json_kv_string(j, "source", c->mounts[k].source);
			cs_json_kv_string(j, "destination", c->mounts[k].destination);
			cs_json_kv_bool(j, "rw", c->mounts[k].rw);
			cs_json_kv_string(j, "propagation", c->mounts[k].propagation);
			cs_json_end_object(j);
		}
		cs_json_end_array(j);
		cs_json_key(j, "audit");
		if (c->audited) {
			cs_json_begin_object(j);
			for (int s = 0; s < _CS_CHECK_STATUS_MAX; s++)
				cs_json_kv_uint(j, cs_check_status_name((enum cs_check_status)s),
						c->counts[s]);
			cs_json_end_object(j);
		} else {
			cs_json_null(j);
		}
		cs_json_end_object(j);
	}
	cs_json_end_array(j);
	cs_json_key(j, "images");
	cs_json_begin_array(j);
	for (size_t i = 0; i < inv->n_images; i++) {
		const struct cs_inv_image *im = &inv->images[i];

		cs_json_begin_object(j);
		cs_json_kv_string(j, "id", im->id);
		cs_json_kv_strv(j, "tags", im->tags);
		cs_json_kv_strv(j, "digests", im->digests);
		cs_json_kv_int(j, "created", im->created);
		cs_json_kv_int(j, "size", im->size);
		kv_labels(j, im->labels);
		cs_json_kv_uint(j, "containers", im->containers);
		if (with_scan) {
			cs_json_key(j, "vulnerabilities");
			if (im->scanned) {
				cs_json_begin_object(j);
				for (int s = CS_SEV_CRITICAL; s >= 0; s--)
					cs_json_kv_uint(j, sev[s], im->vulns[s]);
				cs_json_kv_uint(j, "total", im->vulns_total);
				cs_json_end_object(j);
			} else {
				cs_json_null(j);
				cs_json_kv_string(j, "scanError", im->scan_error);
			}
		}
		cs_json_end_object(j);
	}
	cs_json_end_array(j);
	cs_json_end_object(j);
	return cs_json_finish(j);
}

static int write_table(FILE *f, const struct cs_inventory *inv, bool with_scan, size_t width)
{
	static const char *const ch[] = { "CONTAINER", "ID", "IMAGE", "STATE", "PORTS", "AUDIT" };
	static const char *const ih[] = { "IMAGE", "ID", "CONTAINERS", "VULNERABILITIES" };
	_cleanup_(cs_table_freep) struct cs_table *t = NULL;
	int r;

	r = cs_table_new(6, ch, &t);
	for (size_t i = 0; r >= 0 && i < inv->n_containers; i++) {
		const struct cs_inv_container *c = &inv->containers[i];
		struct cs_buf ports = CS_BUF_INIT(4096);
		_cleanup_free_ char *audit = NULL, *id = cs_strndup(c->id, 12);

		for (size_t k = 0; k < c->n_ports; k++)
			if (c->ports[k].host_port)
				cs_buf_printf(&ports, "%s%s:%u->%u/%s", ports.len ? " " : "",
					      *c->ports[k].ip ? c->ports[k].ip : "0.0.0.0",
					      c->ports[k].host_port, c->ports[k].container_port,
					      c->ports[k].proto);
		audit = c->audited ? cs_asprintf("%zu fail, %zu warn, %zu pass",
						 c->counts[CS_CHECK_FAIL], c->counts[CS_CHECK_WARN],
						 c->counts[CS_CHECK_PASS])
				   : cs_strdup("-");
		r = audit && id ? cs_table_add(t, c->name, id, c->image, c->state,
					       ports.len ? ports.data : "-", audit)
				: -ENOMEM;
		cs_buf_done(&ports);
	}
	if (r >= 0)
		r = cs_table_print(t, f, width);
	if (r < 0)
		return r;
	cs_table_free(CS_TAKE_PTR(t));
	fputc('\n', f);
	r = cs_table_new(with_scan ? 4 : 3, ih, &t);
	for (size_t i = 0; r >= 0 && i < inv->n_images; i++) {
		const struct cs_inv_image *im = &inv->images[i];
		_cleanup_free_ char *n = cs_asprintf("%zu", im->containers), *v = NULL;
		const char *id = strncmp(im->id, "sha256:", 7) ? im->id : im->id + 7;
		_cleanup_free_ char *id12 = cs_strndup(id, 12);

		if (with_scan)
			v = im->scanned ? cs_asprintf("%zu (%zu critical, %zu high)",
						      im->vulns_total, im->vulns[CS_SEV_CRITICAL],
						      im->vulns[CS_SEV_HIGH])
					: cs_strdup("scan failed");
		if (!n || !id12 || (with_scan && !v))
			r = -ENOMEM;
		else
			r = cs_table_add(t, im->tags[0] ? im->tags[0] : "<none>", id12, n, v);
	}
	if (r >= 0)
		r = cs_table_print(t, f, width);
	return r;
}

int cmd_inventory(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "engine", required_argument, NULL, 5000 },
		{ "with-scan", no_argument, NULL, 5001 },
		{ "db", required_argument, NULL, 5002 },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const formats[] = { "table", "json", NULL };
	_cleanup_(cs_inventory_freep) struct cs_inventory *inv = NULL;
	_cleanup_(cs_vulndb_closep) struct cs_vulndb *db = NULL;
	_cleanup_free_ char *socket = NULL, *dbpath = NULL;
	struct cs_error err = CS_ERROR_INIT;
	enum cli_format format = CLI_FORMAT_TABLE;
	const char *output = NULL, *engine = NULL, *dbopt = NULL;
	bool with_scan = false;
	struct cli_output out;
	int c, r;

	optind = 1;
	while ((c = getopt_long(argc, argv, "f:o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (cli_parse_format(optarg, formats, &format) < 0)
				return cli_usage_error("unknown format '%s' (table, json)", optarg);
			break;
		case 'o':
			output = optarg;
			break;
		case 5000:
			engine = optarg;
			break;
		case 5001:
			with_scan = true;
			break;
		case 5002:
			dbopt = optarg;
			break;
		case 'h':
			fputs(inventory_help, stdout);
			return 0;
		default:
			return cli_usage_error("see 'customs inventory --help'");
		}
	}
	if (optind != argc)
		return cli_usage_error("inventory takes no arguments (see --help)");
	if (dbopt && !with_scan)
		return cli_usage_error("--db is for --with-scan");
	if (with_scan) {
		/* a missing database should not cost a tour of the engine */
		dbpath = cli_db_path(dbopt);
		if (!dbpath)
			return EXIT_INTERNAL;
		if (cs_vulndb_open(dbpath, &db, &err) < 0)
			return cli_fail(&err);
	}
	if (cs_engine_find_socket(engine, &socket, &err) < 0 ||
	    cs_inventory_collect(socket, &inv, &err) < 0)
		return cli_fail(&err);
	if (with_scan) {
		struct cli_image_opts io;

		cli_image_opts_init(&io);
		io.image.engine_host = engine;
		r = cs_inventory_scan(inv, db, &io.image);
		cli_image_opts_done(&io);
		if (r < 0)
			return EXIT_INTERNAL;
		for (size_t i = 0; i < inv->n_images; i++)
			if (inv->images[i].scan_error)
				fprintf(stderr, "%s: warning: image '%s': %s\n", cli_program,
					inv->images[i].id, inv->images[i].scan_error);
	}
	if (cli_output_open(&out, output, &err) < 0)
		return cli_fail(&err);
	r = format == CLI_FORMAT_JSON ? write_json(out.f, inv, with_scan)
				      : write_table(out.f, inv, with_scan, cli_term_width(out.f));
	if (r < 0) {
		cli_output_abort(&out);
		cs_error_errno(&err, r, "cannot write the inventory");
		return cli_fail(&err);
	}
	if (cli_output_commit(&out, &err) < 0)
		return cli_fail(&err);
	return 0;
}
