/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Drift (runtime/drift.c): the overlay upperdir of the mount at "/" from
 * mountinfo text, and the executed path's lookup in a real upperdir-like
 * directory tree made here (regular files, symlinks, escapes, whiteouts),
 * then the whole exec-event path over a proc-like tree.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include "runtime/drift.h"

#define ROOT_OVL                                                                   \
	"115 63 0:55 / / rw,relatime - overlay overlay rw,lowerdir=/s/l/A:/s/l/B," \
	"upperdir=/s/over\\040lay/c1/diff,workdir=/s/c1/work,uuid=on\n"

static int parse(const char *text, char *out, size_t outsz)
{
	return cs_drift_upperdir_parse(text, strlen(text), out, outsz);
}

static void test_parse(void **state)
{
	char out[256];

	(void)state;
	/* the root overlay, with an escaped space and optional fields */
	assert_int_equal(parse("22 1 0:21 / /proc rw shared:5 - proc proc rw\n" ROOT_OVL
			       "116 115 0:56 / /dev rw - tmpfs tmpfs rw\n",
			       out, sizeof(out)),
			 1);
	assert_string_equal(out, "/s/over lay/c1/diff");
	assert_int_equal(parse("1 0 0:5 / / rw shared:1 master:2 - overlay o "
			       "rw,lowerdir=/a,upperdir=/u,workdir=/w",
			       out, sizeof(out)),
			 1);
	assert_string_equal(out, "/u");
	/* not an overlay at "/" */
	assert_int_equal(
		parse("29 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n", out, sizeof(out)),
		0);
	/* an overlay elsewhere */
	assert_int_equal(parse("29 1 0:7 / /mnt rw - overlay overlay rw,lowerdir=/a,upperdir=/u,"
			       "workdir=/w\n",
			       out, sizeof(out)),
			 0);
	/* a read-only overlay: no upper layer */
	assert_int_equal(
		parse("29 1 0:7 / / ro - overlay overlay ro,lowerdir=/a:/b\n", out, sizeof(out)),
		0);
	/* a later mount on "/" hides the overlay */
	assert_int_equal(parse(ROOT_OVL "200 115 0:60 / / rw - tmpfs tmpfs rw\n", out, sizeof(out)),
			 0);
	/* ... and a later overlay hides an earlier one */
	assert_int_equal(parse(ROOT_OVL "200 115 0:60 / / rw - overlay overlay upperdir=/v,"
					"lowerdir=/x\n",
			       out, sizeof(out)),
			 1);
	assert_string_equal(out, "/v");
	/* hostile text: truncated lines, no separator, too long for out */
	assert_int_equal(parse("115 63 0:55 / / rw overlay upperdir=/u\n", out, sizeof(out)), 0);
	assert_int_equal(parse("115 63 0:55 / /", out, sizeof(out)), 0);
	assert_int_equal(parse("", out, sizeof(out)), 0);
	assert_int_equal(parse(ROOT_OVL, out, 8), -ENAMETOOLONG);
	/* an empty upperdir, or one with a NUL, is none */
	assert_int_equal(
		parse("1 0 0:5 / / rw - overlay o lowerdir=/l,upperdir=,x", out, sizeof(out)), 0);
	assert_int_equal(parse("1 0 0:5 / / rw - overlay o upperdir=\\000/u", out, sizeof(out)), 0);
	assert_int_equal(parse("1 0 0:5 / / rw - overlay o upperdir=/a\\04", out, sizeof(out)), 1);
	assert_string_equal(out, "/a\\04");
}

static void put(const char *dir, const char *rel, const char *text)
{
	char p[512];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void sub(char *out, size_t n, const char *dir, const char *rel)
{
	snprintf(out, n, "%s/%s", dir, rel);
}

static void test_in_upper(void **state)
{
	char root[] = "/tmp/test-drift-XXXXXX", up[512], p[512];

	(void)state;
	assert_non_null(mkdtemp(root));
	sub(up, sizeof(up), root, "diff");
	assert_int_equal(mkdir(up, 0755), 0);
	sub(p, sizeof(p), up, "tmp");
	assert_int_equal(mkdir(p, 0755), 0);
	sub(p, sizeof(p), up, "usr");
	assert_int_equal(mkdir(p, 0755), 0);
	sub(p, sizeof(p), up, "usr/bin");
	assert_int_equal(mkdir(p, 0755), 0);
	put(up, "tmp/x", "new binary");
	put(up, "usr/bin/tool", "copied up");
	put(root, "outside", "not in the upper layer");
	/* a symlinked directory and a symlink out of the upper layer */
	sub(p, sizeof(p), up, "bin");
	assert_int_equal(symlink("usr/bin", p), 0);
	sub(p, sizeof(p), up, "tmp/escape");
	assert_int_equal(symlink("../../outside", p), 0);
	sub(p, sizeof(p), up, "tmp/abs");
	assert_int_equal(symlink("/bin/sh", p), 0);

	assert_int_equal(cs_drift_in_upper(up, "/tmp/x"), 1);
	assert_int_equal(cs_drift_in_upper(up, "//usr/bin/tool"), 1);
	assert_int_equal(cs_drift_in_upper(up, "/usr/bin/../bin/tool"), 1);
	assert_int_equal(cs_drift_in_upper(up, "/bin/tool"), 0);	  /* through a symlink */
	assert_int_equal(cs_drift_in_upper(up, "/tmp/escape"), 0);	  /* a symlink */
	assert_int_equal(cs_drift_in_upper(up, "/tmp/abs"), 0);		  /* an absolute symlink */
	assert_int_equal(cs_drift_in_upper(up, "/../outside"), 0);	  /* out of it */
	assert_int_equal(cs_drift_in_upper(up, "/tmp/../../outside"), 0); /* out of it */
	assert_int_equal(cs_drift_in_upper(up, "/tmp"), 0);		  /* a directory */
	assert_int_equal(cs_drift_in_upper(up, "/tmp/missing"), 0);
	assert_int_equal(cs_drift_in_upper(up, "/"), 0);
	assert_true(cs_drift_in_upper("/nonexistent-upper-dir", "/tmp/x") < 0);
	/* a whiteout (char device 0:0): a deleted file, not an upper one */
	sub(p, sizeof(p), up, "tmp/deleted");
	if (mknod(p, S_IFCHR | 0600, makedev(0, 0)) == 0)
		assert_int_equal(cs_drift_in_upper(up, "/tmp/deleted"), 0);
	else
		print_message("# no whiteout test: mknod needs CAP_MKNOD\n");
	cs_drift_free(NULL);
	{
		char cmd[600];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
		assert_int_equal(system(cmd), 0);
	}
}

/* The exec-event path over a proc-like tree: PID/mountinfo, PID/exe, PID/cwd. */
static void test_apply(void **state)
{
	char root[] = "/tmp/test-drift-XXXXXX", up[512], proc[512], p[512], mi[1024];
	struct cs_rt_event e;
	struct cs_drift *d;

	(void)state;
	assert_non_null(mkdtemp(root));
	sub(up, sizeof(up), root, "diff");
	assert_int_equal(mkdir(up, 0755), 0);
	sub(p, sizeof(p), up, "tmp");
	assert_int_equal(mkdir(p, 0755), 0);
	put(up, "tmp/x", "new binary");
	sub(proc, sizeof(proc), root, "proc");
	assert_int_equal(mkdir(proc, 0755), 0);
	sub(p, sizeof(p), proc, "77");
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(mi, sizeof(mi), "1 0 0:5 / / rw - overlay overlay lowerdir=/l,upperdir=%s\n", up);
	put(proc, "77/mountinfo", mi);
	sub(p, sizeof(p), proc, "77/cwd");
	assert_int_equal(symlink("/tmp", p), 0);
	sub(p, sizeof(p), proc, "77/exe");
	assert_int_equal(symlink("/bin/busybox", p), 0);
	sub(p, sizeof(p), proc, "88");
	assert_int_equal(mkdir(p, 0755), 0);
	put(proc, "88/mountinfo", "29 1 8:1 / / rw - ext4 /dev/sda1 rw\n");

	d = cs_drift_new(proc);
	assert_non_null(d);
	memset(&e, 0, sizeof(e));
	e.type = CS_RT_EVT_EXECVE;
	e.proc.pid = 77;
	CS_RT_SET(e.container.id, "0123456789ab");
	CS_RT_SET(e.proc.exepath, "/tmp/x");
	assert_int_equal(cs_drift_apply(d, &e), 1);
	assert_true(e.proc.exe_flags & CS_RT_EXE_UPPER_LAYER);
	assert_false(e.proc.exe_flags & CS_RT_EXE_LOWER_LAYER);
	assert_int_equal(e.arg.flags, e.proc.exe_flags);
	/* relative: from the cwd link */
	CS_RT_SET(e.proc.exepath, "./x");
	e.proc.exe_flags = 0;
	assert_int_equal(cs_drift_apply(d, &e), 1);
	assert_true(e.proc.exe_flags & CS_RT_EXE_UPPER_LAYER);
	/* an image binary: lower (the exe link is not in the upper layer either) */
	CS_RT_SET(e.proc.exepath, "/bin/ls");
	assert_int_equal(cs_drift_apply(d, &e), 1);
	assert_true(e.proc.exe_flags & CS_RT_EXE_LOWER_LAYER);
	assert_false(e.proc.exe_flags & CS_RT_EXE_UPPER_LAYER);
	/* cached per container: the mountinfo is not read again */
	sub(p, sizeof(p), proc, "77/mountinfo");
	assert_int_equal(unlink(p), 0);
	CS_RT_SET(e.proc.exepath, "/tmp/x");
	assert_int_equal(cs_drift_apply(d, &e), 1);
	assert_true(e.proc.exe_flags & CS_RT_EXE_UPPER_LAYER);
	/* another container, not on overlay: left as it was */
	CS_RT_SET(e.container.id, "ba9876543210");
	e.proc.pid = 88;
	e.proc.exe_flags = 0;
	assert_int_equal(cs_drift_apply(d, &e), 0);
	assert_int_equal(e.proc.exe_flags, 0);
	/* a gone process of an unknown container, a host process, a non-exec */
	CS_RT_SET(e.container.id, "ffffffffffff");
	e.proc.pid = 99;
	assert_int_equal(cs_drift_apply(d, &e), 0);
	CS_RT_SET(e.container.id, "host");
	e.proc.pid = 77;
	assert_int_equal(cs_drift_apply(d, &e), 0);
	CS_RT_SET(e.container.id, "0123456789ab");
	e.type = CS_RT_EVT_OPEN;
	assert_int_equal(cs_drift_apply(d, &e), 0);
	assert_int_equal(e.proc.exe_flags, 0);
	cs_drift_free(d);
	{
		char cmd[600];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
		assert_int_equal(system(cmd), 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_in_upper),
		cmocka_unit_test(test_apply),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
