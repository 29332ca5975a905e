/* SPDX-License-Identifier: Apache-2.0 */
/* The merged view: whiteouts, opaque directories, replacement, lookups. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include "basic/buf.h"
#include "image/overlay.h"

struct fixture {
	struct cs_overlay *ov;
	struct cs_walker w;
};

static int setup(void **state)
{
	static struct fixture f;
	struct cs_limits lim;

	cs_limits_default(&lim);
	lim.max_symlinks = 10;
	assert_int_equal(cs_overlay_new(&lim, &f.ov), 0);
	cs_overlay_walker(f.ov, &f.w);
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	cs_overlay_free(f->ov);
	return 0;
}

static void add(struct fixture *f, unsigned layer, enum cs_entry_type type, const char *path,
		const char *link, uint32_t mode)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_entry e = {
		.path = path,
		.type = type,
		.mode = mode,
		.link = link,
		.layer = layer,
		.size = type == CS_ENTRY_REG ? 7 : 0,
	};

	assert_int_equal(f->w.entry(f->w.userdata, &e, &err), 0);
}

#define DIR(f, l, p)	  add(f, l, CS_ENTRY_DIR, p, NULL, 0755)
#define FILE_(f, l, p)	  add(f, l, CS_ENTRY_REG, p, NULL, 0644)
#define LINK(f, l, p, t)  add(f, l, CS_ENTRY_SYMLINK, p, t, 0777)
#define WHITEOUT(f, l, p) add(f, l, CS_ENTRY_WHITEOUT, p, NULL, 0)
#define OPAQUE(f, l, p)	  add(f, l, CS_ENTRY_OPAQUE, p, NULL, 0)

static int dump_cb(void *ud, const struct cs_overlay_entry *e)
{
	struct cs_buf *b = ud;

	cs_buf_printf(b, "%s %s L%u", e->path[0] ? e->path : "/", cs_entry_type_name(e->type),
		      e->layer);
	if (e->hidden_by >= 0)
		cs_buf_printf(b, " hidden_by=%d", e->hidden_by);
	cs_buf_putc(b, '\n');
	return 0;
}

static void expect_dump(struct fixture *f, bool hidden, const char *want)
{
	struct cs_buf b = CS_BUF_INIT(1 << 20);

	cs_buf_append(&b, "", 0);
	assert_int_equal(cs_overlay_foreach(f->ov, hidden, dump_cb, &b), 0);
	assert_string_equal(b.data, want);
	cs_buf_done(&b);
}

static const struct cs_overlay_entry *expect_found(struct fixture *f, const char *path, bool follow,
						   const char *want_path)
{
	const struct cs_overlay_entry *e = NULL;
	struct cs_error err = CS_ERROR_INIT;
	int r = cs_overlay_lookup(f->ov, path, follow, &e, &err);

	if (r < 0)
		fail_msg("lookup '%s': %s", path, err.msg);
	assert_string_equal(e->path, want_path);
	return e;
}

static void expect_lookup_error(struct fixture *f, const char *path, bool follow, int code)
{
	const struct cs_overlay_entry *e = NULL;
	struct cs_error err = CS_ERROR_INIT;

	assert_int_equal(cs_overlay_lookup(f->ov, path, follow, &e, &err), code);
	assert_non_null(strstr(err.msg, path));
	assert_null(e);
}

static void test_whiteouts(void **state)
{
	struct fixture *f = *state;

	DIR(f, 0, "a");
	FILE_(f, 0, "a/x");
	FILE_(f, 0, "a/y");
	DIR(f, 0, "a/sub");
	FILE_(f, 0, "a/sub/z");
	WHITEOUT(f, 1, "a/x");
	WHITEOUT(f, 1, "a/sub");
	WHITEOUT(f, 1, "nothing/here"); /* deletes nothing */
	FILE_(f, 2, "a/x");		/* re-created above the whiteout */
	expect_dump(f, false,
		    "a dir L0\n"
		    "a/x file L2\n"
		    "a/y file L0\n");
	expect_dump(f, true,
		    "a dir L0\n"
		    "a/sub dir L0 hidden_by=1\n"
		    "a/sub/z file L0 hidden_by=1\n"
		    "a/x file L2\n"
		    "a/x file L0 hidden_by=1\n"
		    "a/y file L0\n");
	assert_int_equal(cs_overlay_count(f->ov, false), 3);
	assert_int_equal(cs_overlay_count(f->ov, true), 3);
	expect_lookup_error(f, "a/sub/z", false, -CS_E_NOTFOUND);
	expect_lookup_error(f, "a/sub", true, -CS_E_NOTFOUND);
	expect_lookup_error(f, "nothing", true, -CS_E_NOTFOUND);
	assert_int_equal(expect_found(f, "a/x", false, "a/x")->layer, 2);
}

static void test_opaque(void **state)
{
	struct fixture *f = *state;

	DIR(f, 0, "a");
	FILE_(f, 0, "a/x");
	DIR(f, 0, "a/d");
	FILE_(f, 0, "a/d/deep");
	FILE_(f, 0, "b");
	/* the same layer both lists a/new and marks a opaque, in either order */
	FILE_(f, 1, "a/new");
	OPAQUE(f, 1, "a");
	FILE_(f, 1, "a/new2");
	expect_dump(f, true,
		    "a dir L0\n"
		    "a/d dir L0 hidden_by=1\n"
		    "a/d/deep file L0 hidden_by=1\n"
		    "a/new file L1\n"
		    "a/new2 file L1\n"
		    "a/x file L0 hidden_by=1\n"
		    "b file L0\n");
	/* the directory itself stays */
	assert_int_equal(expect_found(f, "a", false, "a")->layer, 0);
}

static void test_replace_dir_by_file(void **state)
{
	struct fixture *f = *state;

	DIR(f, 0, "d");
	FILE_(f, 0, "d/f");
	DIR(f, 0, "m");
	FILE_(f, 0, "m/keep");
	FILE_(f, 1, "d");
	DIR(f, 1, "m"); /* a directory over a directory merges */
	DIR(f, 2, "d"); /* the file goes; d/f stays deleted */
	FILE_(f, 2, "d/g");
	FILE_(f, 0, "x"); /* a lower file replaced by a directory implied by x/y */
	FILE_(f, 3, "x/y");
	expect_dump(f, true,
		    "d dir L2\n"
		    "d file L1 hidden_by=2\n"
		    "d dir L0 hidden_by=1\n"
		    "d/f file L0 hidden_by=1\n"
		    "d/g file L2\n"
		    "m dir L1\n"
		    "m dir L0 hidden_by=1\n"
		    "m/keep file L0\n"
		    "x file L0 hidden_by=3\n"
		    "x/y file L3\n");
	expect_dump(f, false,
		    "d dir L2\n"
		    "d/g file L2\n"
		    "m dir L1\n"
		    "m/keep file L0\n"
		    "x/y file L3\n");
	expect_found(f, "x/y", false, "x/y");
	expect_lookup_error(f, "x", false, -CS_E_NOTFOUND);
}

static void test_same_layer_last_wins(void **state)
{
	struct fixture *f = *state;
	const struct cs_overlay_entry *e;

	FILE_(f, 0, "f");
	add(f, 0, CS_ENTRY_REG, "f", NULL, 0600);
	FILE_(f, 1, "g");
	WHITEOUT(f, 1, "g"); /* a whiteout only deletes from lower layers */
	expect_dump(f, true,
		    "f file L0\n"
		    "g file L1\n");
	e = expect_found(f, "f", false, "f");
	assert_int_equal(e->mode, 0600);
	assert_int_equal(e->hidden_by, -1);
	assert_int_equal(cs_overlay_count(f->ov, false), 2);
	assert_int_equal(cs_overlay_count(f->ov, true), 0);
}

static void test_order(void **state)
{
	struct fixture *f = *state;

	FILE_(f, 0, "b");
	FILE_(f, 0, "a-b");
	FILE_(f, 0, "a/z");
	FILE_(f, 0, "a/\xc3\xa9");
	FILE_(f, 0, "a/B");
	FILE_(f, 0, "A");
	DIR(f, 0, "");
	/* parents before children; siblings in byte order */
	expect_dump(f, false,
		    "/ dir L0\n"
		    "A file L0\n"
		    "a/B file L0\n"
		    "a/z file L0\n"
		    "a/\xc3\xa9 file L0\n"
		    "a-b file L0\n"
		    "b file L0\n");
}

static void test_lookup_symlinks(void **state)
{
	struct fixture *f = *state;
	const struct cs_overlay_entry *e;

	DIR(f, 0, "etc");
	FILE_(f, 0, "etc/passwd");
	LINK(f, 0, "etc/alt", "passwd");
	LINK(f, 0, "etc/abs", "/etc/passwd");
	LINK(f, 0, "up", "../../../../");
	LINK(f, 0, "esc", "../../../etc/passwd");
	DIR(f, 0, "usr");
	DIR(f, 0, "usr/bin");
	FILE_(f, 0, "usr/bin/sh");
	LINK(f, 0, "bin", "usr/bin");
	LINK(f, 0, "usr/bin/rel", "../../bin/sh");
	LINK(f, 0, "loop1", "loop2");
	LINK(f, 0, "loop2", "/loop1");
	LINK(f, 0, "self", "self/x");
	LINK(f, 0, "dangling", "nowhere");
	LINK(f, 0, "through-file", "etc/passwd/x");

	e = expect_found(f, "etc/alt", false, "etc/alt");
	assert_int_equal(e->type, CS_ENTRY_SYMLINK);
	assert_string_equal(e->link, "passwd");
	expect_found(f, "etc/alt", true, "etc/passwd");
	expect_found(f, "/etc/abs", true, "etc/passwd");
	/* escapes are clamped at the root, as inside a chroot */
	expect_found(f, "esc", true, "etc/passwd");
	expect_found(f, "up/etc/passwd", true, "etc/passwd");
	expect_found(f, "up/up/up/etc/alt", true, "etc/passwd");
	expect_found(f, "../../../etc/passwd", false, "etc/passwd");
	expect_found(f, "etc/../../../../etc/passwd", true, "etc/passwd");
	e = expect_found(f, "up", true, "");
	assert_int_equal(e->type, CS_ENTRY_DIR);
	/* directories on the way are followed even without follow */
	expect_found(f, "bin/sh", false, "usr/bin/sh");
	expect_found(f, "bin/rel", true, "usr/bin/sh");
	expect_found(f, "bin/rel", false, "usr/bin/rel");
	/* loops and dead ends */
	expect_lookup_error(f, "loop1", true, -CS_E_LIMIT);
	expect_lookup_error(f, "self", true, -CS_E_LIMIT);
	expect_lookup_error(f, "dangling", true, -CS_E_NOTFOUND);
	expect_lookup_error(f, "through-file", true, -CS_E_NOTFOUND);
	expect_lookup_error(f, "etc/passwd/x", false, -CS_E_NOTFOUND);
	expect_found(f, "loop1", false, "loop1");

	/* a later layer deletes the target: the link now dangles */
	WHITEOUT(f, 1, "usr/bin/sh");
	expect_lookup_error(f, "bin/sh", false, -CS_E_NOTFOUND);
	/* ... and replaces a link by a directory */
	DIR(f, 1, "bin");
	FILE_(f, 1, "bin/sh");
	expect_found(f, "bin/sh", true, "bin/sh");
}

static void test_implicit_parents(void **state)
{
	struct fixture *f = *state;
	const struct cs_overlay_entry *e;

	FILE_(f, 0, "x/y/z");
	expect_found(f, "x/y/z", true, "x/y/z");
	expect_lookup_error(f, "x", false, -CS_E_NOTFOUND);
	e = expect_found(f, "", false, "");
	assert_int_equal(e->type, CS_ENTRY_DIR);
	expect_found(f, "/", false, "");
	expect_dump(f, false, "x/y/z file L0\n");
	assert_int_equal(cs_overlay_count(f->ov, false), 1);
}

static void test_many_entries(void **state)
{
	struct fixture *f = *state;
	char path[64];

	/* enough to grow the table several times */
	for (int i = 0; i < 20000; i++) {
		snprintf(path, sizeof(path), "d%d/f%d", i % 37, i);
		FILE_(f, 0, path);
	}
	for (int i = 0; i < 20000; i += 2) {
		snprintf(path, sizeof(path), "d%d/f%d", i % 37, i);
		WHITEOUT(f, 1, path);
	}
	assert_int_equal(cs_overlay_count(f->ov, false), 10000);
	assert_int_equal(cs_overlay_count(f->ov, true), 10000);
	expect_found(f, "d4/f41", false, "d4/f41");
	expect_lookup_error(f, "d5/f42", false, -CS_E_NOTFOUND);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_whiteouts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_opaque, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replace_dir_by_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_same_layer_last_wins, setup, teardown),
		cmocka_unit_test_setup_teardown(test_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lookup_symlinks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_implicit_parents, setup, teardown),
		cmocka_unit_test_setup_teardown(test_many_entries, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
