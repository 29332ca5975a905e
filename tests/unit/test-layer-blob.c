/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The analysers' per-layer cache: the blob format of image/layercache.h
 * (round trip, every kind of corruption, the store), the payload codec of
 * analyze.h, and the secret, malware and config analysers' save/restore
 * hooks on real walks of a handmade layer.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "analyze/analyze.h"
#include "analyze/config.h"
#include "analyze/malware.h"
#include "analyze/secret.h"
#include "basic/alloc.h"
#include "basic/buf.h"
#include "basic/log.h"
#include "image/image.h"
#include "image/layercache.h"

#define KEY  "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define KEY2 "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"

static void test_blob_round_trip(void **state)
{
	struct cs_buf b = CS_BUF_INIT(1 << 20);
	struct cs_error err = CS_ERROR_INIT;
	const void *p;
	size_t n;

	(void)state;
	assert_int_equal(cs_layer_blob_make(&b, KEY, "hello\0world", 11), 0);
	assert_int_equal(cs_layer_blob_parse(b.data, b.len, KEY, &p, &n, &err), 0);
	assert_int_equal(n, 11);
	assert_memory_equal(p, "hello\0world", 11);
	/* any key */
	assert_int_equal(cs_layer_blob_parse(b.data, b.len, NULL, &p, &n, &err), 0);
	/* an empty payload */
	assert_int_equal(cs_layer_blob_make(&b, KEY, NULL, 0), 0);
	assert_int_equal(cs_layer_blob_parse(b.data, b.len, KEY, &p, &n, &err), 0);
	assert_int_equal(n, 0);
	/* an invalid key is refused when writing */
	assert_int_equal(cs_layer_blob_make(&b, "abc", "x", 1), -EINVAL);
	cs_buf_done(&b);
}

static void test_blob_corruption(void **state)
{
	struct cs_buf b = CS_BUF_INIT(1 << 20);
	struct cs_error err = CS_ERROR_INIT;
	const void *p;
	size_t n;
	char *c;

	(void)state;
	assert_int_equal(cs_layer_blob_make(&b, KEY, "payload bytes", 13), 0);
	c = cs_memdup(b.data, b.len);
	assert_non_null(c);
	/* every single flipped byte is caught */
	for (size_t i = 0; i < b.len; i++) {
		c[i] ^= 0x20;
		err = (struct cs_error)CS_ERROR_INIT;
		assert_int_equal(cs_layer_blob_parse(c, b.len, KEY, &p, &n, &err), -CS_E_INPUT);
		assert_true(err.msg[0] != '\0');
		c[i] ^= 0x20;
	}
	/* every truncation */
	for (size_t len = 0; len < b.len; len++)
		assert_int_equal(cs_layer_blob_parse(c, len, KEY, &p, &n, &err), -CS_E_INPUT);
	/* another key */
	assert_int_equal(cs_layer_blob_parse(c, b.len, KEY2, &p, &n, &err), -CS_E_INPUT);
	assert_non_null(strstr(err.msg, "another key"));
	assert_int_equal(cs_layer_blob_parse(c, b.len, "short", &p, &n, &err), -CS_E_INPUT);
	/* a layer record is not a blob */
	memcpy(c, "CSLAYER\n", 8);
	assert_int_equal(cs_layer_blob_parse(c, b.len, KEY, &p, &n, &err), -CS_E_INPUT);
	assert_non_null(strstr(err.msg, "not a layer cache blob"));
	free(c);
	cs_buf_done(&b);
}

static void test_blob_store(void **state)
{
	char tmpl[] = "/tmp/customs-test-layer-blob.XXXXXX";
	struct cs_layer_cache *c = NULL;
	struct cs_buf b = CS_BUF_INIT(1 << 20);
	struct cs_error err = CS_ERROR_INIT;
	struct cs_layer_record *rec = NULL;
	struct cs_limits lim;
	const void *p;
	void *owned = NULL;
	size_t n;
	char *path;
	FILE *f;

	(void)state;
	cs_limits_default(&lim);
	assert_non_null(mkdtemp(tmpl));
	assert_int_equal(cs_layer_cache_new(tmpl, &c), 0);
	assert_int_equal(cs_layer_cache_load_blob(c, KEY, &owned, &p, &n, &err), -CS_E_NOTFOUND);
	assert_int_equal(cs_layer_blob_make(&b, KEY, "abc", 3), 0);
	assert_int_equal(cs_layer_cache_store(c, KEY, b.data, b.len, &err), 0);
	assert_int_equal(cs_layer_cache_load_blob(c, KEY, &owned, &p, &n, &err), 0);
	assert_int_equal(n, 3);
	assert_memory_equal(p, "abc", 3);
	free(owned);
	owned = NULL;
	/* a blob is no layer record, and a blob under another key's name is refused */
	assert_int_equal(cs_layer_cache_load(c, KEY, &lim, &rec, &err), -CS_E_INPUT);
	path = cs_asprintf("%s/%s", tmpl, KEY2);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(b.data, 1, b.len, f), b.len);
	fclose(f);
	assert_int_equal(cs_layer_cache_load_blob(c, KEY2, &owned, &p, &n, &err), -CS_E_INPUT);
	assert_null(owned);
	unlink(path);
	free(path);
	path = cs_asprintf("%s/%s", tmpl, KEY);
	unlink(path);
	free(path);
	rmdir(tmpl);
	cs_layer_cache_free(c);
	cs_buf_done(&b);
}

static void test_codec(void **state)
{
	struct cs_buf b = CS_BUF_INIT(1 << 20);
	struct cs_issue x = { .kind = CS_ISSUE_SECRET,
			      .rule_id = "aws-access-token",
			      .title = "AWS",
			      .severity = CS_SEV_HIGH,
			      .path = "root/.aws/credentials",
			      .line = 3,
			      .column = 21,
			      .end_line = 3,
			      .end_column = 41,
			      .layer = 7,
			      .deleted = true,
			      .excerpt = "AKIA*****" };
	struct cs_cache_reader rd;
	struct cs_issue y;
	size_t n;

	(void)state;
	assert_int_equal(cs_cache_put_u64(&b, 2), 0);
	assert_int_equal(cs_cache_put_issue(&b, &x), 0);
	assert_int_equal(cs_cache_put_str(&b, NULL), 0);
	assert_int_equal(cs_cache_put_mem(&b, "a\0b", 3), 0);
	rd = (struct cs_cache_reader){ (const unsigned char *)b.data, b.len, 0, false };
	assert_int_equal(cs_cache_get_count(&rd, 8), 2);
	cs_cache_get_issue(&rd, 2, &y);
	assert_false(rd.bad);
	assert_int_equal(y.kind, CS_ISSUE_SECRET);
	assert_int_equal(y.severity, CS_SEV_HIGH);
	assert_string_equal(y.rule_id, "aws-access-token");
	assert_string_equal(y.path, "root/.aws/credentials");
	assert_string_equal(y.excerpt, "AKIA*****");
	assert_null(y.where);
	assert_int_equal(y.line, 3);
	assert_int_equal(y.end_column, 41);
	assert_int_equal(y.layer, 2); /* the layer it is restored for */
	assert_false(y.deleted);      /* decided in finish() */
	assert_null(cs_cache_get_str(&rd));
	assert_false(rd.bad);
	assert_memory_equal(cs_cache_get_mem(&rd, 10, &n), "a\0b", 3);
	assert_int_equal(n, 3);
	assert_int_equal(rd.pos, rd.len);
	/* reading past the end, counts larger than the data, bad kinds */
	assert_int_equal(cs_cache_get_u64(&rd), 0);
	assert_true(rd.bad);
	rd = (struct cs_cache_reader){ (const unsigned char *)b.data, 8, 0, false };
	assert_int_equal(cs_cache_get_count(&rd, 1), 0);
	assert_true(rd.bad);
	cs_buf_reset(&b);
	x.kind = (enum cs_issue_kind)_CS_ISSUE_KIND_MAX;
	assert_int_equal(cs_cache_put_issue(&b, &x), 0);
	rd = (struct cs_cache_reader){ (const unsigned char *)b.data, b.len, 0, false };
	cs_cache_get_issue(&rd, 0, &y);
	assert_true(rd.bad);
	/* a string without its NUL */
	cs_buf_reset(&b);
	assert_int_equal(cs_cache_put_str(&b, "abc"), 0);
	((char *)b.data)[b.len - 1] = 'x';
	rd = (struct cs_cache_reader){ (const unsigned char *)b.data, b.len, 0, false };
	assert_null(cs_cache_get_str(&rd));
	assert_true(rd.bad);
	cs_buf_done(&b);
}

/* --- the analysers' hooks on a walk of handmade entries --- */

struct file {
	const char *path;
	const char *content;
};

static const struct file layer_files[] = {
	{ "etc/passwd", "root:x:0:0:root:/root:/bin/sh\ntoor:x:0:0::/root:/bin/sh\n" },
	{ "root/.aws/credentials", "aws_access_key_id = AKIAQ3EGRIMZ4XKT7WLN\n" },
	{ "opt/eicar.com",
	  "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*" },
	{ "srv/plain.txt", "nothing to see\n" },
};

/* Feed w one layer (index layer) of layer_files. */
static void feed(const struct cs_walker *w, unsigned layer)
{
	struct cs_layer_info li = { .index = layer };
	struct cs_error err = CS_ERROR_INIT;

	if (w->layer_begin)
		assert_int_equal(w->layer_begin(w->userdata, &li, &err), 0);
	for (size_t i = 0; i < CS_ARRAY_SIZE(layer_files); i++) {
		struct cs_entry e = { .path = layer_files[i].path,
				      .type = CS_ENTRY_REG,
				      .mode = 0644,
				      .size = strlen(layer_files[i].content),
				      .layer = layer };
		int r = w->entry(w->userdata, &e, &err);

		assert_true(r >= 0);
		if (r > 0 && w->data)
			assert_int_equal(w->data(w->userdata, &e, layer_files[i].content,
						 strlen(layer_files[i].content), &err),
					 0);
		if (r > 0 && w->data_end)
			assert_int_equal(w->data_end(w->userdata, &e, &err), 0);
	}
	if (w->layer_end)
		assert_int_equal(w->layer_end(w->userdata, &li, &err), 0);
}

/* JSON-ish dump of an analyser's finish() without a merged view or image */
static char *finish_dump(const struct cs_analyzer *an, void *st)
{
	struct cs_analyze_context ctx = { 0 };
	struct cs_issues *out = NULL;
	struct cs_error err = CS_ERROR_INIT;
	struct cs_buf b = CS_BUF_INIT(1 << 20);

	assert_int_equal(cs_issues_new(&out), 0);
	assert_int_equal(an->finish(st, &ctx, out, &err), 0);
	for (size_t i = 0; i < out->n; i++) {
		const struct cs_issue *x = &out->v[i];

		assert_int_equal(cs_buf_printf(&b, "%d %s %d %s %u:%u %s|", x->kind, x->rule_id,
					       x->layer, x->path ? x->path : "-", x->line,
					       x->column, x->excerpt ? x->excerpt : "-"),
				 0);
	}
	for (size_t i = 0; i < out->n_warnings; i++)
		assert_int_equal(cs_buf_printf(&b, "W %s|", out->warnings[i]), 0);
	cs_issues_free(out);
	return cs_buf_steal(&b, NULL) ?: cs_strdup("");
}

/*
 * Walk layers 0 and 1 (the same content) with one state; with another,
 * walk layer 0, save it, and restore its results as layer 1: finish() must
 * give the same issues. A corrupt payload is -CS_E_INPUT and leaves the
 * state as it was.
 */
static void check_analyser(const char *name, size_t min_issues)
{
	const struct cs_analyzer *an = cs_analyzer_find(name);
	struct cs_analyze_options o = { 0 };
	struct cs_error err = CS_ERROR_INIT;
	struct cs_buf payload = CS_BUF_INIT(1 << 20);
	void *a = NULL, *b = NULL;
	struct cs_walker wa, wb;
	char *da, *db, *bad;

	assert_non_null(an);
	assert_non_null(an->cache_id);
	assert_int_equal(an->state_new(&o, &a, &err), 0);
	assert_int_equal(an->state_new(&o, &b, &err), 0);
	assert_string_equal(an->cache_id(a), an->cache_id(b));
	assert_non_null(strstr(an->cache_id(a), name));
	an->walker(a, &wa);
	an->walker(b, &wb);
	feed(&wa, 0);
	feed(&wa, 1);
	feed(&wb, 0);
	assert_int_equal(an->layer_save(b, 0, &payload), 0);
	/* truncated or trailing bytes: refused, nothing restored */
	for (size_t len = 0; len < payload.len; len += 1 + payload.len / 64)
		assert_int_equal(an->layer_restore(b, 1, payload.data, len), -CS_E_INPUT);
	bad = cs_memdup(payload.data, payload.len + 1);
	assert_int_equal(an->layer_restore(b, 1, bad, payload.len + 1), -CS_E_INPUT);
	free(bad);
	assert_int_equal(an->layer_restore(b, 1, payload.data, payload.len), 0);
	if (!strcmp(name, "config")) {
		/* what finish() reads: the captures, as layer 1 left them */
		struct cs_buf sa = CS_BUF_INIT(1 << 20), sb = CS_BUF_INIT(1 << 20);

		assert_int_equal(an->layer_save(a, 1, &sa), 0);
		assert_int_equal(an->layer_save(b, 1, &sb), 0);
		assert_int_equal(sa.len, sb.len);
		assert_memory_equal(sa.data, sb.data, sa.len);
		assert_true(sa.len > 60); /* the account file is in it */
		cs_buf_done(&sa);
		cs_buf_done(&sb);
		an->state_free(a);
		an->state_free(b);
		cs_buf_done(&payload);
		return;
	}
	da = finish_dump(an, a);
	db = finish_dump(an, b);
	assert_string_equal(da, db);
	assert_true(strlen(da) >= min_issues);
	free(da);
	free(db);
	an->state_free(a);
	an->state_free(b);
	cs_buf_done(&payload);
}

static void test_secret_hooks(void **state)
{
	(void)state;
	check_analyser("secret", 10);
}

static void test_malware_hooks(void **state)
{
	(void)state;
	check_analyser("malware", 10);
}

static void test_config_hooks(void **state)
{
	(void)state;
	check_analyser("config", 0);
}

/* The identity follows the rules' content. */
static void test_identity(void **state)
{
	char path[] = "/tmp/customs-test-secret-rules.XXXXXX.toml";
	const struct cs_analyzer *an = cs_analyzer_find("secret");
	struct cs_analyze_options o = { 0 };
	struct cs_error err = CS_ERROR_INIT;
	void *a = NULL, *b = NULL, *c = NULL;
	int fd;

	(void)state;
	fd = mkstemps(path, 5);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "[[rules]]\nid = \"x\"\nregex = \"abc\"\n", 33), 33);
	close(fd);
	o.secret_config = path;
	assert_int_equal(an->state_new(&o, &a, &err), 0);
	fd = open(path, O_WRONLY | O_TRUNC);
	assert_int_equal(write(fd, "[[rules]]\nid = \"x\"\nregex = \"abd\"\n", 33), 33);
	close(fd);
	assert_int_equal(an->state_new(&o, &b, &err), 0);
	o.secret_config = NULL;
	assert_int_equal(an->state_new(&o, &c, &err), 0);
	assert_string_not_equal(an->cache_id(a), an->cache_id(b));
	assert_string_not_equal(an->cache_id(a), an->cache_id(c));
	o.max_file_size = 1000;
	an->state_free(a);
	assert_int_equal(an->state_new(&o, &a, &err), 0);
	assert_string_not_equal(an->cache_id(a), an->cache_id(c));
	an->state_free(a);
	an->state_free(b);
	an->state_free(c);
	unlink(path);
}

static char *dump_issues(const struct cs_issues *is)
{
	struct cs_buf b = CS_BUF_INIT(1 << 20);

	for (size_t i = 0; i < is->n; i++) {
		const struct cs_issue *x = &is->v[i];

		assert_int_equal(cs_buf_printf(&b, "%d %s %d %d %s %s %u:%u %s|", x->kind,
					       x->rule_id, x->layer, x->deleted,
					       x->path ? x->path : "-", x->where ? x->where : "-",
					       x->line, x->column, x->message ? x->message : "-"),
				 0);
	}
	for (size_t i = 0; i < is->n_warnings; i++)
		assert_int_equal(cs_buf_printf(&b, "W %s|", is->warnings[i]), 0);
	return cs_buf_steal(&b, NULL) ?: cs_strdup("");
}

static unsigned n_layer_hits, n_result_hits;

static void count_hits(void *ud, enum cs_log_level level, const char *msg)
{
	(void)ud;
	(void)level;
	if (strstr(msg, " results from cache ("))
		n_result_hits++;
	else if (strstr(msg, " from cache ("))
		n_layer_hits++;
}

static size_t count_files(const char *dir)
{
	char cmd[512];
	size_t n = 0;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "ls -A '%s' | wc -l", dir);
	f = popen(cmd, "r");
	assert_non_null(f);
	assert_int_equal(fscanf(f, "%zu", &n), 1);
	pclose(f);
	return n;
}

/*
 * No catalog (cat NULL): the merged view's entries-only records and the
 * analysers' blobs; a multilayer image, without the cache, cold and warm,
 * gives the same issues.
 */
static void test_walk_without_catalog(void **state)
{
	const char *fx = getenv("CUSTOMS_FIXTURES");
	const char *src = getenv("CUSTOMS_SRC");
	const struct cs_analyzer *an[3] = { cs_analyzer_find("secret"), cs_analyzer_find("malware"),
					    cs_analyzer_find("config") };
	char tmpl[] = "/tmp/customs-test-layer-blob-walk.XXXXXX";
	char ref[1024], rmcmd[1100];
	struct cs_analyze_options o = { 0 };
	struct cs_image_options io;
	struct cs_layer_cache *cache = NULL;
	char *dumps[3];

	(void)state;
	if (fx)
		snprintf(ref, sizeof(ref), "%s/multilayer.oci", fx);
	else
		snprintf(ref, sizeof(ref), "%s/build/fixtures/multilayer.oci", src ? src : ".");
	if (access(ref, F_OK) != 0)
		skip();
	memmove(ref + 4, ref, strlen(ref) + 1);
	memcpy(ref, "oci:", 4);
	assert_non_null(mkdtemp(tmpl));
	assert_int_equal(cs_layer_cache_new(tmpl, &cache), 0);
	cs_image_options_default(&io);
	cs_log_set_level(CS_LOG_DEBUG);
	cs_log_set_handler(count_hits, NULL);
	for (int run = 0; run < 3; run++) {
		struct cs_error err = CS_ERROR_INIT;
		struct cs_image *img = NULL;
		struct cs_issues *is = NULL;

		assert_int_equal(cs_image_open(ref, &io, &img, &err), 0);
		assert_int_equal(cs_issues_new(&is), 0);
		n_layer_hits = n_result_hits = 0;
		if (cs_analyze_image(img, NULL, run ? cache : NULL, an, 3, &o, is, &err) < 0)
			fail_msg("%s", err.msg);
		dumps[run] = dump_issues(is);
		cs_issues_free(is);
		cs_image_free(img);
		/* five layers: five entries-only records and three blobs each */
		if (run)
			assert_int_equal(count_files(tmpl), 5 * 4);
		/* the warm run skips every layer */
		assert_int_equal(n_layer_hits, run == 2 ? 5 : 0);
		assert_int_equal(n_result_hits, run == 2 ? 15 : 0);
	}
	cs_log_set_handler(NULL, NULL);
	assert_true(strlen(dumps[0]) > 0);
	assert_string_equal(dumps[0], dumps[1]);
	assert_string_equal(dumps[0], dumps[2]);
	for (int run = 0; run < 3; run++)
		free(dumps[run]);
	cs_layer_cache_free(cache);
	snprintf(rmcmd, sizeof(rmcmd), "rm -rf '%s'", tmpl);
	assert_int_equal(system(rmcmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_blob_round_trip),	     cmocka_unit_test(test_blob_corruption),
		cmocka_unit_test(test_blob_store),	     cmocka_unit_test(test_codec),
		cmocka_unit_test(test_secret_hooks),	     cmocka_unit_test(test_malware_hooks),
		cmocka_unit_test(test_config_hooks),	     cmocka_unit_test(test_identity),
		cmocka_unit_test(test_walk_without_catalog),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
