/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The build driver behind `customs db build`: walks feed directories,
 * hands each feed to the importer that recognises it, and records one
 * sources row per importer and top directory. The writer is committed only
 * when every importer succeeded; any error frees it, which leaves the old
 * database in place.
 *
 * Feed trees are untrusted: the walk is depth-limited, visits entries in
 * byte order (so builds are reproducible), skips hidden entries, and
 * follows a symlink only when its target stays inside the top directory.
 */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include "basic/alloc.h"
#include "basic/path.h"
#include "vulndb/build.h"
#include "vulndb/importer.h"

#define WALK_MAX_DEPTH	 16
#define WALK_MAX_ENTRIES 1000000 /* per directory */
#define HEAD_SIZE	 512

struct source_acc {
	const struct cs_importer *imp;
	uint64_t records, skipped;
	char updated[40];
	bool self_reported; /* the importer wrote its own sources rows */
};

struct walk {
	struct cs_vulndb_writer *w;
	struct cs_import_report *rep;
	const char *top; /* as given */
	char *top_real;	 /* realpath of top, for the symlink check */
	struct source_acc acc[16];
	size_t n_acc;
};

static void note_unrecognised(struct walk *wk, const char *path)
{
	if (wk->rep->bad)
		wk->rep->bad(wk->rep->userdata, path, "", "unrecognised format");
}

static struct source_acc *acc_for(struct walk *wk, const struct cs_importer *imp)
{
	for (size_t i = 0; i < wk->n_acc; i++)
		if (wk->acc[i].imp == imp)
			return &wk->acc[i];
	if (wk->n_acc >= CS_ARRAY_SIZE(wk->acc))
		return NULL;
	memset(&wk->acc[wk->n_acc], 0, sizeof(wk->acc[0]));
	wk->acc[wk->n_acc].imp = imp;
	return &wk->acc[wk->n_acc++];
}

static void mtime_date(time_t t, char *buf, size_t n)
{
	struct tm tm;

	if (!gmtime_r(&t, &tm)) {
		buf[0] = '\0';
		return;
	}
	strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int run_importer(struct walk *wk, const struct cs_importer *imp, const char *path,
			time_t mtime, struct cs_error *err)
{
	struct cs_import_report *rep = wk->rep;
	uint64_t records = rep->records, skipped = rep->skipped;
	struct source_acc *acc = acc_for(wk, imp);
	uint64_t calls = cs_vulndb_writer_source_calls(wk->w);
	char date[40];
	int r;

	if (!acc)
		return cs_error_set(err, -CS_E_INTERNAL, "too many importers");

	rep->updated[0] = '\0';
	r = imp->import(wk->w, path, rep, err);
	if (r < 0) {
		if (!strstr(err->msg, path))
			cs_error_prefix(err, "cannot import '%s'", path);
		return r;
	}
	if (cs_vulndb_writer_source_calls(wk->w) != calls)
		acc->self_reported = true;
	acc->records += rep->records - records;
	acc->skipped += rep->skipped - skipped;
	if (rep->updated[0]) {
		if (strcmp(rep->updated, acc->updated) > 0)
			memcpy(acc->updated, rep->updated, sizeof(acc->updated));
	} else {
		mtime_date(mtime, date, sizeof(date));
		if (strcmp(date, acc->updated) > 0)
			snprintf(acc->updated, sizeof(acc->updated), "%s", date);
	}
	return 0;
}

static int read_head(const char *path, char *buf, size_t n, size_t *ret, struct cs_error *err)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	size_t len = 0;

	if (fd < 0)
		return cs_error_errno(err, errno, "cannot open '%s'", path);
	while (len < n) {
		ssize_t k = read(fd, buf + len, n - len);

		if (k < 0) {
			if (errno == EINTR)
				continue;
			return cs_error_errno(err, errno, "cannot read '%s'", path);
		}
		if (k == 0)
			break;
		len += (size_t)k;
	}
	*ret = len;
	return 0;
}

static int walk_file(struct walk *wk, const char *path, const struct stat *st, struct cs_error *err)
{
	char head[HEAD_SIZE];
	size_t n = 0;
	int r;

	r = read_head(path, head, sizeof(head), &n, err);
	if (r < 0)
		return r;
	for (const struct cs_importer *const *imp = cs_importers; *imp; imp++)
		if ((*imp)->detect && (*imp)->detect(path, false, head, n))
			return run_importer(wk, *imp, path, st->st_mtime, err);
	note_unrecognised(wk, path);
	return 0;
}

static int walk_path(struct walk *wk, const char *path, unsigned depth, struct cs_error *err);

static int walk_dir(struct walk *wk, const char *path, const struct stat *st, unsigned depth,
		    struct cs_error *err)
{
	_cleanup_strv_free_ char **names = NULL;
	size_t n = 0;
	int r;

	for (const struct cs_importer *const *imp = cs_importers; *imp; imp++)
		if ((*imp)->detect && (*imp)->detect(path, true, NULL, 0))
			return run_importer(wk, *imp, path, st->st_mtime, err);

	if (depth >= WALK_MAX_DEPTH)
		return cs_error_set(err, -CS_E_LIMIT, "cannot read '%s': nested deeper than %d",
				    path, WALK_MAX_DEPTH);
	/* hidden entries are skipped: ., .., .git, editor files */
	r = cs_dir_names(path, WALK_MAX_ENTRIES, NULL, &names, &n, err);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *child = NULL;
		size_t pl = strlen(path);

		child = cs_asprintf("%s%s%s", path, pl && path[pl - 1] == '/' ? "" : "/", names[i]);
		if (!child)
			return cs_error_set(err, -ENOMEM, "out of memory");
		r = walk_path(wk, child, depth + 1, err);
		if (r < 0)
			return r;
	}
	return 0;
}

static int walk_path(struct walk *wk, const char *path, unsigned depth, struct cs_error *err)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return cs_error_errno(err, errno, "cannot read '%s'", path);
	if (S_ISLNK(st.st_mode)) {
		_cleanup_free_ char *real = realpath(path, NULL);

		/* dangling or leaving the feed: not ours to read */
		if (!real || !cs_path_is_under(real + 1, wk->top_real + 1) || stat(real, &st) < 0) {
			note_unrecognised(wk, path);
			return 0;
		}
	}
	if (S_ISDIR(st.st_mode))
		return walk_dir(wk, path, &st, depth, err);
	if (S_ISREG(st.st_mode))
		return walk_file(wk, path, &st, err);
	note_unrecognised(wk, path);
	return 0;
}

static int walk_top(struct walk *wk, const char *top, struct cs_error *err)
{
	struct stat st;
	int r;

	wk->top = top;
	wk->n_acc = 0;
	if (stat(top, &st) < 0)
		return cs_error_errno(err, errno, "cannot read feed '%s'", top);
	if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode))
		return cs_error_set(err, -CS_E_INPUT,
				    "cannot read feed '%s': not a file or directory", top);
	free(wk->top_real);
	wk->top_real = realpath(top, NULL);
	if (!wk->top_real)
		return cs_error_errno(err, errno, "cannot read feed '%s'", top);
	if (S_ISREG(st.st_mode)) {
		r = walk_file(wk, top, &st, err);
	} else {
		r = walk_dir(wk, top, &st, 0, err);
	}
	if (r < 0)
		return r;
	for (size_t i = 0; i < wk->n_acc; i++) {
		struct source_acc *a = &wk->acc[i];

		if (a->self_reported)
			continue;
		r = cs_vulndb_put_source(wk->w, a->imp->name, a->imp->name, wk->top_real,
					 a->updated, a->records, a->skipped, err);
		if (r < 0)
			return r;
	}
	return 0;
}

int cs_vulndb_build(const char *const *paths, const char *out_path, struct cs_import_report *rep,
		    struct cs_error *err)
{
	return cs_vulndb_build_with(paths, out_path, rep, NULL, NULL, err);
}

int cs_vulndb_build_with(const char *const *paths, const char *out_path,
			 struct cs_import_report *rep, cs_vulndb_build_hook before_commit, void *ud,
			 struct cs_error *err)
{
	_cleanup_(cs_vulndb_writer_freep) struct cs_vulndb_writer *w = NULL;
	struct cs_import_report dummy = { 0 };
	struct cs_error local = CS_ERROR_INIT;
	struct walk wk = { 0 };
	int r;

	if (!err)
		err = &local;
	if (!paths || !paths[0])
		return cs_error_set(err, -EINVAL, "no feeds given");
	if (!rep)
		rep = &dummy;
	r = cs_vulndb_writer_new(out_path, &w, err);
	if (r < 0)
		return r;
	wk.w = w;
	wk.rep = rep;
	for (size_t i = 0; paths[i]; i++) {
		r = walk_top(&wk, paths[i], err);
		if (r < 0)
			break;
	}
	free(wk.top_real);
	if (r >= 0 && before_commit)
		r = before_commit(ud, w, err);
	if (r < 0)
		return r;
	return cs_vulndb_writer_commit(w, err);
}
