/* SPDX-License-Identifier: Apache-2.0 */
/*
 * customs image inspect | ls-files
 */
#include <inttypes.h>
#include <string.h>
#include "basic/alloc.h"
#include "basic/json.h"
#include "basic/parse.h"
#include "basic/table.h"
#include "cli/cli.h"
#include "image/overlay.h"

#define INSPECT_SCHEMA	"customs.image.inspect/v1"
#define LS_FILES_SCHEMA "customs.image.ls-files/v1"

static const char *const table_json[] = { "table", "json", NULL };

static char *join_strv(char *const *v, const char *sep)
{
	struct cs_buf b = CS_BUF_INIT(1 << 20);

	if (!v)
		return NULL;
	for (size_t i = 0; v[i]; i++) {
		if ((i && cs_buf_puts(&b, sep) < 0) || cs_buf_puts(&b, v[i]) < 0)
			break;
	}
	return cs_buf_steal(&b, NULL);
}

/* ["a","b"] as JSON text, for Entrypoint/Cmd in tables (as docker shows them) */
static char *strv_as_json(char *const *v)
{
	struct cs_buf b = CS_BUF_INIT(1 << 20);
	struct cs_json *j = NULL;

	if (!v || cs_json_new_buf(&b, 0, &j) < 0)
		return NULL;
	cs_json_begin_array(j);
	for (size_t i = 0; v[i]; i++)
		cs_json_string(j, v[i]);
	cs_json_end_array(j);
	if (cs_json_finish(j) < 0) {
		cs_json_free(j);
		cs_buf_done(&b);
		return NULL;
	}
	cs_json_free(j);
	return cs_buf_steal(&b, NULL);
}

static const char *short_digest(const char *d, char buf[20])
{
	if (!d)
		return NULL;
	snprintf(buf, 20, "%.19s", d);
	return buf;
}

static void kv_row(struct cs_table *t, const char *k, const char *v)
{
	cs_table_add(t, k, v && *v ? v : "-");
}

static char *duration_str(int64_t ns)
{
	if (ns <= 0)
		return NULL;
	if (ns % 1000000000 == 0)
		return cs_asprintf("%" PRId64 "s", ns / 1000000000);
	return cs_asprintf("%.3fs", (double)ns / 1e9);
}

static void json_healthcheck(struct cs_json *j, const struct cs_healthcheck *h)
{
	cs_json_key(j, "healthcheck");
	if (!h) {
		cs_json_null(j);
		return;
	}
	cs_json_begin_object(j);
	cs_json_kv_strv(j, "test", h->test);
	cs_json_kv_int(j, "intervalNs", h->interval_ns);
	cs_json_kv_int(j, "timeoutNs", h->timeout_ns);
	cs_json_kv_int(j, "startPeriodNs", h->start_period_ns);
	cs_json_kv_int(j, "startIntervalNs", h->start_interval_ns);
	cs_json_kv_int(j, "retries", h->retries);
	cs_json_end_object(j);
}

static void json_size_or_null(struct cs_json *j, const char *key, bool known, uint64_t v)
{
	cs_json_key(j, key);
	if (known)
		cs_json_uint(j, v);
	else
		cs_json_null(j);
}

static int inspect_json(struct cs_image *img, FILE *f, bool walked, struct cs_error *err)
{
	const struct cs_image_config *c = cs_image_config(img);
	const struct cs_ref *ref = cs_image_ref(img);
	struct cs_json *j = NULL;
	int r;

	r = cs_json_new_file(f, CS_JSON_PRETTY, &j);
	if (r < 0)
		return cs_error_errno(err, r, "cannot write JSON");
	cs_json_begin_object(j);
	cs_json_kv_string(j, "schema", INSPECT_SCHEMA);
	cs_json_kv_string(j, "reference", ref->input);
	cs_json_kv_string(j, "transport", cs_transport_name(ref->transport));
	cs_json_kv_string(j, "indexDigest", cs_image_index_digest(img));
	cs_json_kv_string(j, "manifestDigest", cs_image_manifest_digest(img));
	cs_json_kv_string(j, "manifestMediaType", cs_image_manifest_media_type(img));
	cs_json_kv_string(j, "configDigest", cs_image_config_digest(img));
	cs_json_kv_string(j, "os", c->os);
	cs_json_kv_string(j, "architecture", c->architecture);
	cs_json_kv_string(j, "variant", c->variant);
	cs_json_kv_string(j, "created", c->created);
	cs_json_kv_string(j, "author", c->author);
	cs_json_kv_string(j, "user", c->user);
	cs_json_kv_strv(j, "env", c->env);
	cs_json_kv_strv(j, "entrypoint", c->entrypoint);
	cs_json_kv_strv(j, "cmd", c->cmd);
	cs_json_kv_string(j, "workingDir", c->working_dir);
	cs_json_kv_strv(j, "exposedPorts", c->exposed_ports);
	cs_json_kv_strv(j, "volumes", c->volumes);
	cs_json_kv_string(j, "stopSignal", c->stop_signal);
	cs_json_key(j, "labels");
	cs_json_begin_object(j);
	for (size_t i = 0; i < c->n_labels; i++)
		cs_json_kv_string(j, c->labels[i].key, c->labels[i].value);
	cs_json_end_object(j);
	json_healthcheck(j, c->healthcheck);
	cs_json_key(j, "history");
	cs_json_begin_array(j);
	for (size_t i = 0; i < c->n_history; i++) {
		const struct cs_history *h = &c->history[i];

		cs_json_begin_object(j);
		cs_json_kv_string(j, "created", h->created);
		cs_json_kv_string(j, "createdBy", h->created_by);
		cs_json_kv_string(j, "author", h->author);
		cs_json_kv_string(j, "comment", h->comment);
		cs_json_kv_bool(j, "emptyLayer", h->empty_layer);
		cs_json_end_object(j);
	}
	cs_json_end_array(j);
	cs_json_key(j, "layers");
	cs_json_begin_array(j);
	for (size_t i = 0; i < cs_image_layer_count(img); i++) {
		const struct cs_layer_info *l = cs_image_layer(img, i);

		cs_json_begin_object(j);
		cs_json_kv_uint(j, "index", i);
		cs_json_kv_string(j, "digest",
				  l->digest ? l->digest : (walked ? l->computed_digest : NULL));
		cs_json_kv_string(j, "diffId",
				  l->diff_id ? l->diff_id : (walked ? l->computed_diff_id : NULL));
		cs_json_kv_string(j, "mediaType", l->media_type);
		cs_json_kv_string(j, "compression", walked ? l->compression : NULL);
		cs_json_key(j, "compressedSize");
		if (l->compressed_size >= 0)
			cs_json_int(j, l->compressed_size);
		else
			cs_json_null(j);
		json_size_or_null(j, "uncompressedSize", walked, l->uncompressed_size);
		json_size_or_null(j, "files", walked, l->files);
		json_size_or_null(j, "entries", walked, l->entries);
		cs_json_end_object(j);
	}
	cs_json_end_array(j);
	cs_json_end_object(j);
	r = cs_json_finish(j);
	cs_json_free(j);
	if (r < 0)
		return cs_error_errno(err, r, "cannot write JSON");
	return 0;
}

static int inspect_table(struct cs_image *img, FILE *f, size_t width, bool walked)
{
	const struct cs_image_config *c = cs_image_config(img);
	_cleanup_(cs_table_freep) struct cs_table *t = NULL, *h = NULL, *l = NULL;
	static const char *kv_head[] = { "FIELD", "VALUE" };
	static const char *h_head[] = { "#", "CREATED", "CREATED BY", "LAYER", "COMMENT" };
	static const char *l_head[] = { "#",	      "DIGEST",	      "DIFF ID", "MEDIA TYPE",
					"COMPRESSED", "UNCOMPRESSED", "FILES" };
	char plat[128], num[32];
	size_t layer_no = 0;
	int r;

	if (cs_table_new(2, kv_head, &t) < 0 || cs_table_new(5, h_head, &h) < 0 ||
	    cs_table_new(7, l_head, &l) < 0)
		return -ENOMEM;
	kv_row(t, "Reference", cs_image_ref(img)->input);
	kv_row(t, "Index", cs_image_index_digest(img));
	kv_row(t, "Manifest", cs_image_manifest_digest(img));
	kv_row(t, "Media type", cs_image_manifest_media_type(img));
	kv_row(t, "Config", cs_image_config_digest(img));
	snprintf(plat, sizeof(plat), "%s/%s%s%s", c->os ? c->os : "?",
		 c->architecture ? c->architecture : "?", c->variant ? "/" : "",
		 c->variant ? c->variant : "");
	kv_row(t, "Platform", c->os || c->architecture ? plat : NULL);
	kv_row(t, "Created", c->created);
	kv_row(t, "Author", c->author);
	kv_row(t, "User",
	       c->user && *c->user ? c->user : (cs_image_config_digest(img) ? "(root)" : NULL));
	for (size_t i = 0; c->env && c->env[i]; i++)
		kv_row(t, i ? "" : "Env", c->env[i]);
	if (!c->env)
		kv_row(t, "Env", NULL);
	{
		_cleanup_free_ char *ep = strv_as_json(c->entrypoint), *cmd = strv_as_json(c->cmd),
				    *ports = join_strv(c->exposed_ports, ", "),
				    *vols = join_strv(c->volumes, ", ");

		kv_row(t, "Entrypoint", ep);
		kv_row(t, "Cmd", cmd);
		kv_row(t, "Working dir", c->working_dir);
		kv_row(t, "Exposed ports", ports);
		kv_row(t, "Volumes", vols);
	}
	kv_row(t, "Stop signal", c->stop_signal);
	if (c->healthcheck) {
		_cleanup_free_ char *test = strv_as_json(c->healthcheck->test);
		_cleanup_free_ char *iv = duration_str(c->healthcheck->interval_ns);
		_cleanup_free_ char *to = duration_str(c->healthcheck->timeout_ns);
		_cleanup_free_ char *hc = cs_asprintf("%s interval=%s timeout=%s retries=%" PRId64,
						      test ? test : "[]", iv ? iv : "default",
						      to ? to : "default", c->healthcheck->retries);

		kv_row(t, "Healthcheck", hc);
	} else {
		kv_row(t, "Healthcheck", NULL);
	}
	for (size_t i = 0; i < c->n_labels; i++) {
		_cleanup_free_ char *kv = cs_asprintf("%s=%s", c->labels[i].key,
						      c->labels[i].value ? c->labels[i].value : "");

		kv_row(t, i ? "" : "Labels", kv);
	}
	if (!c->n_labels)
		kv_row(t, "Labels", NULL);

	for (size_t i = 0; i < c->n_history; i++) {
		const struct cs_history *hi = &c->history[i];
		char idx[16], lay[16];

		snprintf(idx, sizeof(idx), "%zu", i);
		if (hi->empty_layer)
			snprintf(lay, sizeof(lay), "-");
		else
			snprintf(lay, sizeof(lay), "%zu", layer_no++);
		cs_table_add(h, idx, hi->created, hi->created_by, lay, hi->comment);
	}

	for (size_t i = 0; i < cs_image_layer_count(img); i++) {
		const struct cs_layer_info *li = cs_image_layer(img, i);
		char idx[16], d1[20], d2[20], cs[32], us[32], files[32];
		const char *dig = li->digest ? li->digest : (walked ? li->computed_digest : NULL);
		const char *did =
			li->diff_id ? li->diff_id : (walked ? li->computed_diff_id : NULL);

		snprintf(idx, sizeof(idx), "%zu", i);
		if (li->compressed_size >= 0)
			cs_format_size((uint64_t)li->compressed_size, cs, sizeof(cs));
		snprintf(files, sizeof(files), "%" PRIu64, li->files);
		cs_table_add(l, idx, short_digest(dig, d1), short_digest(did, d2),
			     li->media_type ? li->media_type : (walked ? li->compression : NULL),
			     li->compressed_size >= 0 ? cs : NULL,
			     walked ? cs_format_size(li->uncompressed_size, us, sizeof(us)) : NULL,
			     walked ? files : NULL);
	}
	for (size_t i = 0; i < 7; i++)
		if (i == 0 || i >= 4)
			cs_table_set_align(l, i, CS_ALIGN_RIGHT);
	cs_table_set_align(h, 0, CS_ALIGN_RIGHT);

	r = cs_table_print(t, f, width);
	if (r >= 0 && cs_table_rows(h)) {
		fprintf(f, "\nHistory\n");
		r = cs_table_print(h, f, width);
	}
	if (r >= 0) {
		snprintf(num, sizeof(num), "%zu", cs_image_layer_count(img));
		fprintf(f, "\nLayers (%s)\n", num);
		r = cs_table_print(l, f, width);
	}
	return r;
}

static int open_image(const char *ref, struct cli_image_opts *o, struct cs_image **ret)
{
	struct cs_error err = CS_ERROR_INIT;
	int r = cs_image_open(ref, &o->image, ret, &err);

	if (r < 0)
		return -cli_fail(&err);
	return 0;
}

static int cmd_inspect(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "no-walk", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		CLI_IMAGE_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	_cleanup_(cs_image_freep) struct cs_image *img = NULL;
	struct cs_error err = CS_ERROR_INIT;
	enum cli_format fmt = CLI_FORMAT_TABLE;
	struct cli_image_opts io;
	struct cli_output out;
	const char *outpath = NULL;
	bool walk = true;
	int c, r;

	cli_image_opts_init(&io);
	optind = 1;
	while ((c = getopt_long(argc, argv, "f:o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (cli_parse_format(optarg, table_json, &fmt) < 0) {
				r = cli_usage_error("unknown format '%s' (table, json)", optarg);
				goto done;
			}
			break;
		case 'o':
			outpath = optarg;
			break;
		case 'n':
			walk = false;
			break;
		case 'h':
			printf("usage: customs image inspect [OPTIONS] REF\n\n"
			       "Print an image's identity, configuration, history and layers.\n\n"
			       "  -f, --format table|json\n"
			       "  -o, --output FILE\n"
			       "  --no-walk       do not read the layers (no uncompressed sizes or"
			       " file counts)\n\n%s",
			       cli_image_opts_help);
			r = 0;
			goto done;
		default:
			r = cli_image_opts_default(&io, c, optarg, "image inspect");
			if (r)
				goto done;
		}
	}
	if (optind + 1 != argc) {
		r = cli_usage_error("image inspect takes one image reference (see --help)");
		goto done;
	}
	r = open_image(argv[optind], &io, &img);
	if (r < 0) {
		r = -r;
		goto done;
	}
	if (walk) {
		r = cs_image_walk(img, NULL, 0, -1, &err);
		if (r < 0) {
			r = cli_fail(&err);
			goto done;
		}
	}
	r = cli_output_open(&out, outpath, &err);
	if (r < 0) {
		r = cli_fail(&err);
		goto done;
	}
	if (fmt == CLI_FORMAT_JSON)
		r = inspect_json(img, out.f, walk, &err);
	else
		r = inspect_table(img, out.f, cli_term_width(out.f), walk);
	if (r < 0) {
		if (!err.code)
			cs_error_errno(&err, r, "cannot write output");
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

/* ls-files */

struct ls_state {
	FILE *f;
	struct cs_json *j;
	bool all;
	uint64_t count;
};

static const char *type_char_mode(enum cs_entry_type t, uint32_t mode, char buf[11])
{
	struct cs_entry e = { .type = t, .mode = mode };

	return cs_entry_mode_string(&e, buf);
}

static void ls_print(struct ls_state *s, const char *path, enum cs_entry_type type, uint32_t mode,
		     uint32_t uid, uint32_t gid, uint64_t size, int64_t mtime, const char *link,
		     unsigned layer, int hidden_by)
{
	char m[11];

	s->count++;
	if (s->j) {
		char octal[8];

		snprintf(octal, sizeof(octal), "%04o", mode & 07777);
		cs_json_begin_object(s->j);
		cs_json_kv_string(s->j, "path", path);
		cs_json_kv_string(s->j, "type", cs_entry_type_name(type));
		cs_json_kv_string(s->j, "mode", octal);
		cs_json_kv_uint(s->j, "uid", uid);
		cs_json_kv_uint(s->j, "gid", gid);
		cs_json_kv_uint(s->j, "size", size);
		cs_json_kv_int(s->j, "mtime", mtime);
		cs_json_kv_string(s->j, "link", link);
		cs_json_kv_uint(s->j, "layer", layer);
		if (s->all) {
			cs_json_key(s->j, "hiddenBy");
			if (hidden_by >= 0)
				cs_json_int(s->j, hidden_by);
			else
				cs_json_null(s->j);
		}
		cs_json_end_object(s->j);
		return;
	}
	{
		_cleanup_free_ char *p = cs_term_sanitize(path),
				    *l = link ? cs_term_sanitize(link) : NULL;
		const char *ms;
		char hid[16] = "";

		if (type == CS_ENTRY_WHITEOUT)
			ms = "whiteout";
		else if (type == CS_ENTRY_OPAQUE)
			ms = "opaque";
		else
			ms = type_char_mode(type, mode, m);
		if (s->all)
			snprintf(hid, sizeof(hid), hidden_by >= 0 ? "%d" : "-", hidden_by);
		fprintf(s->f, "%-10s %5u:%-5u %12" PRIu64 " %3u %s%s/%s%s%s\n", ms, uid, gid, size,
			layer, s->all ? hid : "", s->all ? " " : "", p ? p : "",
			l ? (type == CS_ENTRY_HARDLINK ? " link to " : " -> ") : "", l ? l : "");
	}
}

static int ls_overlay_cb(void *ud, const struct cs_overlay_entry *e)
{
	struct ls_state *s = ud;

	if (!*e->path)
		return 0; /* the root itself */
	ls_print(s, e->path, e->type, e->mode, e->uid, e->gid, e->size, e->mtime, e->link, e->layer,
		 e->hidden_by);
	return 0;
}

static int ls_layer_entry(void *ud, const struct cs_entry *e, struct cs_error *err)
{
	struct ls_state *s = ud;

	(void)err;
	if (!*e->path && e->type == CS_ENTRY_DIR)
		return 0;
	ls_print(s, e->path, e->type, e->mode, e->uid, e->gid, e->size, e->mtime, e->link, e->layer,
		 -1);
	return 0;
}

static int cmd_ls_files(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "layer", required_argument, NULL, 'l' },
		{ "all", no_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		CLI_IMAGE_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	_cleanup_(cs_image_freep) struct cs_image *img = NULL;
	_cleanup_(cs_overlay_freep) struct cs_overlay *ov = NULL;
	struct cs_error err = CS_ERROR_INIT;
	enum cli_format fmt = CLI_FORMAT_TABLE;
	struct ls_state st = { 0 };
	struct cli_image_opts io;
	struct cli_output out = { 0 };
	const char *outpath = NULL;
	struct cs_walker w = { 0 };
	int layer = -1, c, r;
	bool out_open = false;

	cli_image_opts_init(&io);
	optind = 1;
	while ((c = getopt_long(argc, argv, "f:o:l:ah", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (cli_parse_format(optarg, table_json, &fmt) < 0) {
				r = cli_usage_error("unknown format '%s' (table, json)", optarg);
				goto done;
			}
			break;
		case 'o':
			outpath = optarg;
			break;
		case 'l':
			if (cs_safe_atoi(optarg, &layer) < 0 || layer < 0) {
				r = cli_usage_error("invalid layer number '%s'", optarg);
				goto done;
			}
			break;
		case 'a':
			st.all = true;
			break;
		case 'h':
			printf("usage: customs image ls-files [OPTIONS] REF\n\n"
			       "List the merged filesystem of an image (or one layer): mode,\n"
			       "owner, size, the layer each entry came from, path and link target.\n\n"
			       "  -f, --format table|json\n"
			       "  -o, --output FILE\n"
			       "  -l, --layer N   list only layer N (0 = bottom), whiteouts included\n"
			       "  -a, --all       also list versions that later layers deleted or\n"
			       "                  replaced, with the layer that hid them\n\n%s",
			       cli_image_opts_help);
			r = 0;
			goto done;
		default:
			r = cli_image_opts_default(&io, c, optarg, "image ls-files");
			if (r)
				goto done;
		}
	}
	if (optind + 1 != argc) {
		r = cli_usage_error("image ls-files takes one image reference (see --help)");
		goto done;
	}
	if (layer >= 0 && st.all) {
		r = cli_usage_error("--all and --layer cannot be used together");
		goto done;
	}
	r = open_image(argv[optind], &io, &img);
	if (r < 0) {
		r = -r;
		goto done;
	}
	r = cli_output_open(&out, outpath, &err);
	if (r < 0) {
		r = cli_fail(&err);
		goto done;
	}
	out_open = true;
	st.f = out.f;
	if (fmt == CLI_FORMAT_JSON) {
		r = cs_json_new_file(out.f, CS_JSON_PRETTY, &st.j);
		if (r < 0) {
			r = cli_fail(&err);
			goto done;
		}
		cs_json_begin_object(st.j);
		cs_json_kv_string(st.j, "schema", LS_FILES_SCHEMA);
		cs_json_kv_string(st.j, "reference", cs_image_ref(img)->input);
		cs_json_key(st.j, "layer");
		if (layer >= 0)
			cs_json_int(st.j, layer);
		else
			cs_json_null(st.j);
		cs_json_key(st.j, "entries");
		cs_json_begin_array(st.j);
	}
	if (layer >= 0) {
		/* one layer, streamed as it is read */
		w.userdata = &st;
		w.entry = ls_layer_entry;
		r = cs_image_walk(img, &w, 1, layer, &err);
	} else {
		r = cs_overlay_new(&io.image.limits, &ov);
		if (r < 0) {
			cs_error_errno(&err, r, "cannot build the merged view");
		} else {
			cs_overlay_walker(ov, &w);
			r = cs_image_walk(img, &w, 1, -1, &err);
		}
		if (r >= 0)
			r = cs_overlay_foreach(ov, st.all, ls_overlay_cb, &st);
	}
	if (r < 0) {
		if (!err.code)
			cs_error_errno(&err, r, "cannot list files");
		r = cli_fail(&err);
		goto done;
	}
	if (st.j) {
		cs_json_end_array(st.j);
		cs_json_kv_uint(st.j, "count", st.count);
		cs_json_end_object(st.j);
		r = cs_json_finish(st.j);
		if (r < 0) {
			cs_error_errno(&err, r, "cannot write JSON");
			r = cli_fail(&err);
			goto done;
		}
	}
	out_open = false;
	r = cli_output_commit(&out, &err);
	r = r < 0 ? cli_fail(&err) : 0;
done:
	if (out_open)
		cli_output_abort(&out);
	cs_json_free(st.j);
	cli_image_opts_done(&io);
	return r;
}

int cmd_image(int argc, char **argv)
{
	static const struct cli_verb verbs[] = {
		{ "inspect", cmd_inspect, "identity, config, history and layers of an image" },
		{ "ls-files", cmd_ls_files, "list the merged filesystem or one layer" },
	};

	return cli_dispatch("image", verbs, CS_ARRAY_SIZE(verbs), argc, argv);
}
