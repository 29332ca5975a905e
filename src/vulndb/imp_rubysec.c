/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ruby-advisory-db importer: gems/<gem>/<ID>.yml, one advisory per file.
 * The id is CVE-<cve> when the advisory has a CVE, else GHSA-<ghsa>, else
 * the file's own id (OSVDB-...); the others become aliases.
 *
 * RubyGems advisories do not list affected ranges but the requirement sets
 * that are safe, so the affected row keeps them as they are, in this ranges
 * encoding (a single-element JSON array):
 *
 *   [{"gem_patched":["~> 5.2.4, >= 5.2.4.3", ">= 6.0.3.1"],
 *     "gem_unaffected":["< 2.1.0"]}]
 *
 * Each string is one RubyGems requirement (its comma-separated parts must
 * all hold). A version is affected when it satisfies none of the patched
 * and none of the unaffected requirements; both lists empty means every
 * version. `fixed` shows the patched requirements joined with "; ".
 */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include "basic/alloc.h"
#include "basic/buf.h"
#include "basic/json.h"
#include "basic/path.h"
#include "vulndb/osv.h"

#define RUBYSEC_NAME_MAX	256
#define RUBYSEC_REQ_MAX		256
#define RUBYSEC_RANGES_MAX	(256u << 10)
#define RUBYSEC_MAX_DIR_ENTRIES 1000000

struct rs_ctx {
	const struct cs_record_sink *sink;
	struct cs_import_report *rep;
	const char *file;
};

#define bad(c, pos, ...) cs_adv_bad((c)->rep, (c)->file, (pos), __VA_ARGS__)

static bool text_ok(const char *s, size_t max)
{
	size_t n = 0;

	if (!s || !*s)
		return false;
	for (; s[n]; n++)
		if (n >= max || (unsigned char)s[n] < ' ' || s[n] == 0x7f)
			return false;
	return true;
}

/* Scalar as text: YAML gives strings, JSON-shaped input may give numbers. */
static const char *scalar(json_t *obj, const char *key, char *tmp, size_t tmpsz, bool *wrong)
{
	json_t *v = json_object_get(obj, key);

	if (!v || json_is_null(v))
		return NULL;
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v)) {
		snprintf(tmp, tmpsz, "%lld", (long long)json_integer_value(v));
		return tmp;
	}
	if (json_is_real(v)) {
		snprintf(tmp, tmpsz, "%g", json_real_value(v));
		return tmp;
	}
	*wrong = true;
	return NULL;
}

/* A CVSS score 0..10 ("9.8"). */
static int parse_score(const char *s, double *ret)
{
	char *end = NULL;
	double x;

	if (!text_ok(s, 16) || !(s[0] >= '0' && s[0] <= '9'))
		return -CS_E_INPUT;
	errno = 0;
	x = strtod(s, &end);
	if (errno || *end || !(x >= 0.0 && x <= 10.0))
		return -CS_E_INPUT;
	*ret = x;
	return 0;
}

/* "2008-7248" or "CVE-2008-7248"; "8fqx-7pv4-3jwm" or "GHSA-8fqx-7pv4-3jwm". */
static bool make_id(const char *prefix, const char *v, char *out, size_t outsz)
{
	size_t pl = strlen(prefix);

	if (!v || !*v)
		return false;
	if (!strncmp(v, prefix, pl))
		v += pl;
	if ((size_t)snprintf(out, outsz, "%s%s", prefix, v) >= outsz)
		return false;
	return cs_adv_id_valid(out);
}

static int req_add(struct rs_ctx *c, const char *key, size_t i, const char *s, struct cs_buf *json,
		   struct cs_buf *join, bool *bad_list)
{
	int r = 0;

	if (!text_ok(s, RUBYSEC_REQ_MAX)) {
		char p[64];

		snprintf(p, sizeof(p), "/%s/%zu", key, i);
		bad(c, p, "requirement is not a string");
		*bad_list = true;
		return 0;
	}
	if (i > 0)
		r = cs_buf_putc(json, ',');
	if (r >= 0)
		r = cs_buf_putc(json, '"');
	if (r >= 0)
		r = cs_json_escape(json, s, strlen(s));
	if (r >= 0)
		r = cs_buf_putc(json, '"');
	if (r >= 0 && join && join->len)
		r = cs_buf_puts(join, "; ");
	if (r >= 0 && join)
		r = cs_buf_puts(join, s);
	return r;
}

/*
 * A requirement list into json (`"a","b"`, inside brackets written by the
 * caller) and, when join is given, into the "; " display join.
 */
static int req_list(struct rs_ctx *c, json_t *root, const char *key, struct cs_buf *json,
		    struct cs_buf *join, bool *bad_list)
{
	json_t *arr = json_object_get(root, key), *v;
	size_t i;
	int r = 0;

	if (!arr || json_is_null(arr))
		return 0;
	if (json_is_string(arr)) /* a single requirement written without the list */
		return req_add(c, key, 0, json_string_value(arr), json, join, bad_list);
	if (!json_is_array(arr)) {
		char p[64];

		snprintf(p, sizeof(p), "/%s", key);
		bad(c, p, "not a list of requirements");
		*bad_list = true;
		return 0;
	}
	json_array_foreach (arr, i, v) {
		r = req_add(c, key, i, json_string_value(v), json, join, bad_list);
		if (r < 0 || *bad_list)
			return r;
	}
	return 0;
}

static enum cs_severity cvss2_severity(double s)
{
	/* CVSS v2 has no "critical": NVD's bands are low < 4 <= medium < 7 <= high */
	if (s <= 0)
		return CS_SEV_UNKNOWN;
	return s < 4.0 ? CS_SEV_LOW : s < 7.0 ? CS_SEV_MEDIUM : CS_SEV_HIGH;
}

static int rs_doc(struct rs_ctx *c, json_t *root, struct cs_error *err)
{
	static const char *const text_keys[] = { "title", "description", "url", "date" };
	const char *text[CS_ARRAY_SIZE(text_keys)];
	char tmp[4][64], id[160], ghsa[160] = "", cve[160] = "", fileid[160] = "", osvdb[160] = "";
	const char *gem, *s, *base, *aliases[3];
	struct cs_buf ranges = CS_BUF_INIT(RUBYSEC_RANGES_MAX);
	struct cs_buf fixed = CS_BUF_INIT(RUBYSEC_RANGES_MAX);
	struct cs_vuln v = { 0 };
	bool wrong = false, bad_list = false;
	double x2 = 0;
	size_t n;
	int r;

	if (!json_is_object(root)) {
		bad(c, "", "not a mapping");
		return 0;
	}
	gem = json_string_value(json_object_get(root, "gem"));
	if (!text_ok(gem, RUBYSEC_NAME_MAX) || strchr(gem, ' ') || strchr(gem, '/')) {
		bad(c, "/gem", "missing or invalid gem name");
		return 0;
	}
	for (size_t i = 0; i < CS_ARRAY_SIZE(text_keys); i++) {
		text[i] = scalar(root, text_keys[i], tmp[i], sizeof(tmp[i]), &wrong);
		if (wrong) {
			char p[32];

			snprintf(p, sizeof(p), "/%s", text_keys[i]);
			bad(c, p, "not a string");
			return 0;
		}
	}

	/* ids: CVE, else GHSA, else the file's own name */
	s = scalar(root, "cve", tmp[0], sizeof(tmp[0]), &wrong);
	if (s && !make_id("CVE-", s, cve, sizeof(cve)))
		wrong = true;
	if (wrong) {
		bad(c, "/cve", "invalid cve");
		return 0;
	}
	s = scalar(root, "ghsa", tmp[1], sizeof(tmp[1]), &wrong);
	if (s && !make_id("GHSA-", s, ghsa, sizeof(ghsa)))
		wrong = true;
	if (wrong) {
		bad(c, "/ghsa", "invalid ghsa");
		return 0;
	}
	s = scalar(root, "osvdb", tmp[2], sizeof(tmp[2]), &wrong);
	if (wrong || (s && !make_id("OSVDB-", s, osvdb, sizeof(osvdb)))) {
		bad(c, "/osvdb", "invalid osvdb id");
		return 0;
	}
	base = cs_path_basename(c->file);
	n = strlen(base);
	if (n > 4 && !strcmp(base + n - 4, ".yml"))
		n -= 4;
	else if (n > 5 && !strcmp(base + n - 5, ".yaml"))
		n -= 5;
	if (n < sizeof(fileid)) {
		memcpy(fileid, base, n);
		fileid[n] = 0;
		if (!cs_adv_id_valid(fileid))
			fileid[0] = 0;
	}
	snprintf(id, sizeof(id), "%s", cve[0] ? cve : ghsa[0] ? ghsa : fileid);
	if (!id[0]) {
		bad(c, "", "no cve, ghsa or usable file name for an id");
		return 0;
	}

	v.id = id;
	v.summary = text[0];
	v.details = text[1];
	v.url = text[2];
	v.published = text[3];
	s = scalar(root, "cvss_v3", tmp[3], sizeof(tmp[3]), &wrong);
	if (s && parse_score(s, &v.cvss3_score) < 0)
		wrong = true;
	s = scalar(root, "cvss_v4", tmp[3], sizeof(tmp[3]), &wrong);
	if (s && parse_score(s, &v.cvss4_score) < 0)
		wrong = true;
	s = scalar(root, "cvss_v2", tmp[3], sizeof(tmp[3]), &wrong);
	if (s && parse_score(s, &x2) < 0)
		wrong = true;
	if (wrong) {
		bad(c, "", "invalid cvss score");
		v.cvss3_score = v.cvss4_score = x2 = 0;
	}
	if (v.cvss3_score > 0)
		v.severity = cs_severity_from_cvss(v.cvss3_score);
	else if (v.cvss4_score > 0) /* v4 keeps v3's qualitative bands */
		v.severity = cs_severity_from_cvss(v.cvss4_score);
	else
		v.severity = cvss2_severity(x2);

	r = cs_buf_puts(&ranges, "[{\"gem_patched\":[");
	if (r >= 0)
		r = req_list(c, root, "patched_versions", &ranges, &fixed, &bad_list);
	if (r >= 0)
		r = cs_buf_puts(&ranges, "],\"gem_unaffected\":[");
	if (r >= 0)
		r = req_list(c, root, "unaffected_versions", &ranges, NULL, &bad_list);
	if (r >= 0)
		r = cs_buf_puts(&ranges, "]}]");
	if (r == -CS_E_LIMIT) {
		bad(c, "/patched_versions", "too many requirements");
		r = 0;
		goto out;
	}
	if (r < 0 || bad_list)
		goto out; /* reported; a half-read requirement list must not widen the range */

	r = c->sink && c->sink->vuln ? c->sink->vuln(c->sink->userdata, &v, err) : 0;
	if (r >= 0 && c->rep && v.published && text_ok(v.published, 39))
		cs_import_report_updated(c->rep, v.published);
	aliases[0] = ghsa;
	aliases[1] = fileid;
	aliases[2] = osvdb;
	for (size_t i = 0; r >= 0 && i < CS_ARRAY_SIZE(aliases); i++) {
		bool dup = !aliases[i][0] || !strcmp(aliases[i], id);

		for (size_t j = 0; j < i; j++)
			dup = dup || !strcmp(aliases[i], aliases[j]);
		if (dup || !c->sink || !c->sink->alias)
			continue;
		r = c->sink->alias(c->sink->userdata, id, aliases[i], err);
		if (r >= 0)
			r = c->sink->alias(c->sink->userdata, aliases[i], id, err);
	}
	if (r >= 0 && c->sink && c->sink->affected) {
		struct cs_affected a = {
			.namespace = "rubygems",
			.package = gem,
			.vuln_id = id,
			.source = "rubysec",
			.scheme = CS_VERSION_GEM,
			.ranges = ranges.data,
			.fixed = fixed.len ? fixed.data : NULL,
			.fix_state = fixed.len ? CS_FIX_FIXED : CS_FIX_AFFECTED,
		};

		r = c->sink->affected(c->sink->userdata, &a, err);
	}
out:
	cs_buf_done(&ranges);
	cs_buf_done(&fixed);
	return r;
}

int cs_rubysec_parse(const char *data, size_t len, const char *file,
		     const struct cs_record_sink *sink, struct cs_import_report *rep,
		     struct cs_error *err)
{
	struct rs_ctx c = { .sink = sink, .rep = rep, .file = file };
	json_t *root = NULL;
	int r;

	if (len > CS_ADV_DOC_MAX)
		return cs_error_set(err, -CS_E_LIMIT, "larger than %u bytes", CS_ADV_DOC_MAX);
	r = cs_yaml_load(data, len, &root, err);
	if (r < 0)
		return r;
	r = rs_doc(&c, root, err);
	json_decref(root);
	return r;
}

/* --- files and the gems/ tree --- */

static bool is_yml(const char *name)
{
	size_t n = strlen(name);

	return n > 4 && !strcmp(name + n - 4, ".yml") && name[0] != '.';
}

static int rs_file(const char *path, bool in_tree, const struct cs_record_sink *sink,
		   struct cs_import_report *rep, struct cs_error *err)
{
	_cleanup_free_ char *data = NULL;
	struct cs_error e = CS_ERROR_INIT;
	size_t len = 0;
	int r = cs_import_read_file(path, CS_ADV_DOC_MAX, &data, &len, err);

	if (r == -CS_E_LIMIT && in_tree) {
		cs_adv_bad(rep, path, "", "larger than %u bytes", CS_ADV_DOC_MAX);
		r = 0;
	} else if (r >= 0) {
		r = cs_rubysec_parse(data, len, path, sink, rep, &e);
		if (in_tree && (r == -CS_E_INPUT || r == -CS_E_LIMIT)) {
			cs_adv_bad(rep, path, "", "%s", e.msg);
			r = 0;
		} else if (r < 0 && err) {
			*err = e;
			if (r != -ENOMEM)
				cs_error_prefix(err, "cannot import '%s'", path);
		}
	}
	return r;
}

/* a gem's directory, or one of its advisories (a regular .yml file) */
static bool is_kind(const char *dir, const char *name, bool want_dir)
{
	char child[PATH_MAX];
	struct stat st;

	if (!want_dir && !is_yml(name))
		return false;
	if ((size_t)snprintf(child, sizeof(child), "%s/%s", dir, name) >= sizeof(child) ||
	    lstat(child, &st) < 0)
		return false;
	return want_dir ? S_ISDIR(st.st_mode) : S_ISREG(st.st_mode);
}

static bool is_gem_dir(const char *dir, const char *name)
{
	return is_kind(dir, name, true);
}

static bool is_advisory(const char *dir, const char *name)
{
	return is_kind(dir, name, false);
}

static int list_dir(const char *path, bool want_dirs, char ***ret, size_t *ret_n,
		    struct cs_error *err)
{
	return cs_dir_names(path, RUBYSEC_MAX_DIR_ENTRIES, want_dirs ? is_gem_dir : is_advisory,
			    ret, ret_n, err);
}

static int rs_tree(const char *path, const struct cs_record_sink *sink,
		   struct cs_import_report *rep, struct cs_error *err)
{
	_cleanup_strv_free_ char **gems = NULL;
	char child[PATH_MAX], file[PATH_MAX];
	size_t ngems = 0;
	int r = list_dir(path, true, &gems, &ngems, err);

	for (size_t i = 0; r >= 0 && i < ngems; i++) {
		_cleanup_strv_free_ char **files = NULL;
		size_t nfiles = 0;

		if ((size_t)snprintf(child, sizeof(child), "%s/%s", path, gems[i]) >= sizeof(child))
			return cs_error_set(err, -CS_E_LIMIT, "path too long under '%s'", path);
		r = list_dir(child, false, &files, &nfiles, err);
		for (size_t j = 0; r >= 0 && j < nfiles; j++) {
			if ((size_t)snprintf(file, sizeof(file), "%s/%s", child, files[j]) >=
			    sizeof(file))
				return cs_error_set(err, -CS_E_LIMIT, "path too long under '%s'",
						    path);
			r = rs_file(file, true, sink, rep, err);
		}
	}
	return r;
}

static int rs_import(struct cs_vulndb_writer *w, const char *path, struct cs_import_report *rep,
		     struct cs_error *err)
{
	struct cs_record_writer_sink ws;
	struct stat st;

	cs_record_writer_sink_init(&ws, w, rep);
	if (stat(path, &st) < 0)
		return cs_error_errno(err, errno, "cannot stat '%s'", path);
	if (S_ISDIR(st.st_mode))
		return rs_tree(path, &ws.sink, rep, err);
	return rs_file(path, false, &ws.sink, rep, err);
}

/* --- detection --- */

static bool line_key(const char *p, size_t n, const char *key)
{
	char pat[40];
	size_t k = strlen(key);

	if (n > k && !memcmp(p, key, k) && p[k] == ':')
		return true;
	snprintf(pat, sizeof(pat), "\n%s:", key);
	return memmem(p, n, pat, strlen(pat)) != NULL;
}

static bool rs_head(const void *head, size_t n)
{
	return head && line_key(head, n, "gem") &&
	       (line_key(head, n, "patched_versions") || line_key(head, n, "url"));
}

/* gems/: a directory of per-gem directories holding advisories */
static bool rs_dir(const char *path)
{
	_cleanup_strv_free_ char **gems = NULL;
	struct cs_error e = CS_ERROR_INIT;
	size_t ngems = 0;

	if (strcmp(cs_path_basename(path), "gems") || list_dir(path, true, &gems, &ngems, &e) < 0)
		return false;
	for (size_t i = 0; i < ngems && i < 8; i++) {
		_cleanup_strv_free_ char **files = NULL;
		char child[PATH_MAX], head[4096];
		size_t nfiles = 0;
		ssize_t got;
		int fd;

		if ((size_t)snprintf(child, sizeof(child), "%s/%s", path, gems[i]) >=
			    sizeof(child) ||
		    list_dir(child, false, &files, &nfiles, &e) < 0 || nfiles == 0)
			continue;
		if ((size_t)snprintf(child, sizeof(child), "%s/%s/%s", path, gems[i], files[0]) >=
		    sizeof(child))
			continue;
		fd = open(child, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0)
			continue;
		got = read(fd, head, sizeof(head));
		close(fd);
		if (got > 0 && rs_head(head, (size_t)got))
			return true;
	}
	return false;
}

static bool rs_detect(const char *path, bool is_dir, const void *head, size_t n)
{
	if (is_dir)
		return rs_dir(path);
	return is_yml(cs_path_basename(path)) && rs_head(head, n);
}

const struct cs_importer cs_importer_rubysec = {
	.name = "rubysec",
	.detect = rs_detect,
	.import = rs_import,
};
