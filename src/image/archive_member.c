/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Members of an outer image archive (docker-archive, oci-archive) through
 * libarchive. Reads go through pread on one descriptor, so any number of
 * readers of the same file can coexist; skipping over member data is a
 * seek for plain tar and a decompression for compressed archives.
 *
 * Everything in the archive is hostile: names are cleaned and must not
 * escape, entry counts and name lengths are bounded by the limits, links
 * are followed inside the archive only and a bounded number of times. Only
 * the tar format and in-process decompressors are enabled (never external
 * programs).
 */
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <archive.h>
#include <archive_entry.h>
#include "basic/alloc.h"
#include "basic/path.h"
#include "image/archive.h"

#define READ_BLOCK (128 * 1024)

struct cs_archive {
	int fd;
	uint64_t file_size;
	char *label;
	struct cs_limits lim;
	struct cs_archive_member *members;
	size_t n_members;
	size_t *sorted; /* indexes into members, by (name, ordinal) */
};

/* --- pread-based libarchive client --- */

struct reader {
	int fd; /* owned */
	uint64_t off, size;
	char *buf;
};

static la_ssize_t reader_read(struct archive *a, void *ud, const void **buf)
{
	struct reader *r = ud;
	ssize_t n;

	do
		n = pread(r->fd, r->buf, READ_BLOCK, (off_t)r->off);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		archive_set_error(a, errno, "read error");
		return -1;
	}
	r->off += (uint64_t)n;
	*buf = r->buf;
	return n;
}

static la_int64_t reader_skip(struct archive *a, void *ud, la_int64_t request)
{
	struct reader *r = ud;
	uint64_t left = r->off < r->size ? r->size - r->off : 0;
	uint64_t n;

	(void)a;
	if (request <= 0)
		return 0;
	n = CS_MIN((uint64_t)request, left);
	r->off += n;
	return (la_int64_t)n;
}

static int reader_close(struct archive *a, void *ud)
{
	struct reader *r = ud;

	(void)a;
	if (r) {
		if (r->fd >= 0)
			close(r->fd);
		free(r->buf);
		free(r);
	}
	return ARCHIVE_OK;
}

/* A new libarchive reader over a dup of fd. */
static int reader_open(int fd, uint64_t size, const char *label, struct archive **ret,
		       struct cs_error *err)
{
	struct archive *a;
	struct reader *r;

	r = cs_zalloc(sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->size = size;
	r->buf = cs_malloc(READ_BLOCK);
	r->fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	if (!r->buf || r->fd < 0) {
		int e = r->fd < 0 ? errno : ENOMEM;

		reader_close(NULL, r);
		return cs_error_errno(err, e, "cannot open %s", label);
	}
	a = archive_read_new();
	if (!a) {
		reader_close(NULL, r);
		return -ENOMEM;
	}
	archive_read_support_format_tar(a);
	archive_read_support_filter_none(a);
	archive_read_support_filter_gzip(a);
	archive_read_support_filter_bzip2(a);
	archive_read_support_filter_xz(a);
	archive_read_support_filter_zstd(a);
	archive_read_set_read_callback(a, reader_read);
	archive_read_set_skip_callback(a, reader_skip);
	archive_read_set_close_callback(a, reader_close);
	archive_read_set_callback_data(a, r);
	if (archive_read_open1(a) != ARCHIVE_OK) {
		int rr = cs_error_set(err, -CS_E_INPUT, "cannot read %s: %s", label,
				      archive_error_string(a) ? archive_error_string(a)
							      : "not a tar archive");
		archive_read_free(a);
		return rr;
	}
	*ret = a;
	return 0;
}

/* --- listing --- */

static void member_done(struct cs_archive_member *m)
{
	free(m->name);
	free(m->link);
}

void cs_archive_free(struct cs_archive *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->n_members; i++)
		member_done(&a->members[i]);
	free(a->members);
	free(a->sorted);
	free(a->label);
	if (a->fd >= 0)
		close(a->fd);
	free(a);
}

static int cmp_sorted(const void *x, const void *y, void *base)
{
	const struct cs_archive_member *a = &((struct cs_archive_member *)base)[*(const size_t *)x];
	const struct cs_archive_member *b = &((struct cs_archive_member *)base)[*(const size_t *)y];
	int c = strcmp(a->name, b->name);

	if (c)
		return c;
	return a->ordinal < b->ordinal ? -1 : a->ordinal > b->ordinal;
}

static int entry_name(struct archive_entry *e, const char *label, struct cs_buf *clean,
		      struct cs_error *err)
{
	const char *name = archive_entry_pathname(e);
	int r;

	if (!name)
		name = archive_entry_pathname_utf8(e);
	if (!name)
		return cs_error_set(err, -CS_E_INPUT, "%s has a member without a name", label);
	r = cs_path_clean(name, strlen(name), clean, err);
	if (r < 0)
		return cs_error_prefix(err, "%s", label);
	return 0;
}

static int list_members(struct cs_archive *a, struct cs_error *err)
{
	struct cs_buf clean = CS_BUF_INIT(a->lim.max_path + 1);
	struct archive *ar = NULL;
	struct archive_entry *e;
	size_t cap = 0;
	int r;

	r = reader_open(a->fd, a->file_size, a->label, &ar, err);
	if (r < 0)
		return r;
	for (;;) {
		struct cs_archive_member *m;
		const char *link;
		int st = archive_read_next_header(ar, &e);

		if (st == ARCHIVE_EOF)
			break;
		if (st != ARCHIVE_OK && st != ARCHIVE_WARN) {
			r = cs_error_set(err, -CS_E_INPUT, "cannot read %s: %s", a->label,
					 archive_error_string(ar) ? archive_error_string(ar)
								  : "corrupt archive");
			goto out;
		}
		if (a->n_members >= a->lim.max_entries) {
			r = cs_error_set(err, -CS_E_LIMIT, "%s has more than %llu members",
					 a->label, (unsigned long long)a->lim.max_entries);
			goto out;
		}
		r = entry_name(e, a->label, &clean, err);
		if (r < 0)
			goto out;
		r = CS_GROW(a->members, cap, a->n_members + 1);
		if (r < 0)
			goto out;
		m = &a->members[a->n_members];
		memset(m, 0, sizeof(*m));
		m->ordinal = a->n_members;
		m->name = cs_strdup(clean.data ? clean.data : "");
		if (!m->name) {
			r = -ENOMEM;
			goto out;
		}
		a->n_members++;
		if ((link = archive_entry_hardlink(e))) {
			m->type = CS_ARCHIVE_HARDLINK;
			r = cs_path_clean(link, strlen(link), &clean, err);
			if (r < 0) {
				cs_error_prefix(err, "%s: hardlink '%s'", a->label, m->name);
				goto out;
			}
			m->link = cs_strdup(clean.data ? clean.data : "");
		} else {
			switch (archive_entry_filetype(e)) {
			case AE_IFREG:
				m->type = CS_ARCHIVE_FILE;
				m->size = archive_entry_size(e) > 0
						  ? (uint64_t)archive_entry_size(e)
						  : 0;
				break;
			case AE_IFDIR:
				m->type = CS_ARCHIVE_DIR;
				break;
			case AE_IFLNK:
				m->type = CS_ARCHIVE_SYMLINK;
				link = archive_entry_symlink(e);
				if (!link)
					link = archive_entry_symlink_utf8(e);
				if (!link || strlen(link) > a->lim.max_path) {
					r = cs_error_set(err, -CS_E_INPUT,
							 "%s: symlink '%s' has no usable target",
							 a->label, m->name);
					goto out;
				}
				m->link = cs_strdup(link);
				break;
			default:
				m->type = CS_ARCHIVE_OTHER;
				break;
			}
		}
		if ((m->type == CS_ARCHIVE_HARDLINK || m->type == CS_ARCHIVE_SYMLINK) && !m->link) {
			r = -ENOMEM;
			goto out;
		}
	}
	a->sorted = cs_new0(size_t, a->n_members ? a->n_members : 1);
	if (!a->sorted) {
		r = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < a->n_members; i++)
		a->sorted[i] = i;
	qsort_r(a->sorted, a->n_members, sizeof(*a->sorted), cmp_sorted, a->members);
	r = 0;
out:
	archive_read_free(ar);
	cs_buf_done(&clean);
	return r;
}

int cs_archive_open(const char *path, int fd, const char *label, const struct cs_limits *lim,
		    struct cs_archive **ret, struct cs_error *err)
{
	_cleanup_(cs_archive_freep) struct cs_archive *a = NULL;
	struct stat st;
	int r;

	a = cs_zalloc(sizeof(*a));
	if (!a)
		return -ENOMEM;
	a->fd = -1;
	a->lim = *lim;
	a->label = cs_strdup(label);
	if (!a->label)
		return -ENOMEM;
	if (fd >= 0)
		a->fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	else
		a->fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (a->fd < 0)
		return cs_error_errno(err, errno, "cannot open %s", label);
	if (fstat(a->fd, &st) < 0)
		return cs_error_errno(err, errno, "cannot open %s", label);
	if (S_ISDIR(st.st_mode))
		return cs_error_set(err, -CS_E_INPUT, "cannot open %s: is a directory", label);
	if (!S_ISREG(st.st_mode))
		return cs_error_set(err, -CS_E_INPUT, "cannot open %s: not a regular file", label);
	a->file_size = (uint64_t)st.st_size;
	r = list_members(a, err);
	if (r < 0)
		return r;
	*ret = CS_TAKE_PTR(a);
	return 0;
}

const char *cs_archive_label(const struct cs_archive *a)
{
	return a->label;
}

size_t cs_archive_count(const struct cs_archive *a)
{
	return a->n_members;
}

const struct cs_archive_member *cs_archive_member_at(const struct cs_archive *a, size_t i)
{
	return i < a->n_members ? &a->members[i] : NULL;
}

const struct cs_archive_member *cs_archive_find(const struct cs_archive *a, const char *name)
{
	size_t lo = 0, hi = a->n_members;

	/* first position whose name is > name, then step back */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(a->members[a->sorted[mid]].name, name) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || strcmp(a->members[a->sorted[lo - 1]].name, name) != 0)
		return NULL;
	return &a->members[a->sorted[lo - 1]];
}

/* Replace a symlinked directory prefix of cur, if any. 1 replaced, 0 none, <0 error. */
static int replace_parent_link(const struct cs_archive *a, struct cs_buf *cur, struct cs_buf *tmp)
{
	for (size_t i = 0; i < cur->len; i++) {
		const struct cs_archive_member *pm;
		char save;
		int r;

		if (cur->data[i] != '/')
			continue;
		save = cur->data[i];
		cur->data[i] = '\0';
		pm = cs_archive_find(a, cur->data);
		cur->data[i] = save;
		if (!pm || (pm->type != CS_ARCHIVE_SYMLINK && pm->type != CS_ARCHIVE_HARDLINK))
			continue;
		if (pm->type == CS_ARCHIVE_SYMLINK) {
			r = cs_path_resolve_link(pm->name, pm->link, tmp);
		} else {
			cs_buf_reset(tmp);
			r = cs_buf_puts(tmp, pm->link);
		}
		if (r >= 0)
			r = cs_buf_append(tmp, cur->data + i, cur->len - i);
		if (r < 0)
			return r;
		/* "" + "/rest" or "a/../b": clean again */
		r = cs_path_clean(tmp->data, tmp->len, cur, NULL);
		return r < 0 ? r : 1;
	}
	return 0;
}

int cs_archive_resolve(const struct cs_archive *a, const char *name,
		       const struct cs_archive_member **ret, struct cs_error *err)
{
	struct cs_buf cur = CS_BUF_INIT(a->lim.max_path + 1),
		      tmp = CS_BUF_INIT(a->lim.max_path + 1);
	const struct cs_archive_member *m;
	uint32_t hops = 0;
	int r;

	r = cs_path_clean(name, strlen(name), &cur, err);
	if (r < 0) {
		cs_error_prefix(err, "%s", a->label);
		goto out;
	}
	for (;;) {
		if (hops > a->lim.max_symlinks) {
			r = cs_error_set(err, -CS_E_LIMIT,
					 "'%s' in %s: more than %u links followed", name, a->label,
					 a->lim.max_symlinks);
			goto out;
		}
		m = cs_archive_find(a, cur.data ? cur.data : "");
		if (!m) {
			r = replace_parent_link(a, &cur, &tmp);
			if (r < 0)
				goto limit;
			if (r == 0) {
				r = cs_error_set(err, -CS_E_NOTFOUND, "'%s' not found in %s", name,
						 a->label);
				goto out;
			}
			hops++;
			continue;
		}
		switch (m->type) {
		case CS_ARCHIVE_FILE:
			*ret = m;
			r = 0;
			goto out;
		case CS_ARCHIVE_SYMLINK:
			r = cs_path_resolve_link(m->name, m->link, &tmp);
			break;
		case CS_ARCHIVE_HARDLINK:
			cs_buf_reset(&tmp);
			r = cs_buf_puts(&tmp, m->link);
			break;
		default:
			r = cs_error_set(err, -CS_E_INPUT, "'%s' in %s is not a regular file", name,
					 a->label);
			goto out;
		}
		if (r < 0)
			goto limit;
		cs_buf_reset(&cur);
		r = cs_buf_append(&cur, tmp.data ? tmp.data : "", tmp.len);
		if (r < 0)
			goto limit;
		hops++;
	}
limit:
	if (r == -CS_E_LIMIT)
		r = cs_error_set(err, r, "'%s' in %s: link target too long", name, a->label);
	else if (r == -CS_E_INPUT)
		r = cs_error_set(err, r, "'%s' in %s: invalid link target", name, a->label);
out:
	cs_buf_done(&cur);
	cs_buf_done(&tmp);
	return r;
}

/* --- reading members --- */

struct member_stream {
	struct archive *ar;
	char *what; /* "'name' in docker archive '/x.tar'" */
	uint64_t left;
};

static ssize_t member_read(void *ctx, void *buf, size_t n, struct cs_error *err)
{
	struct member_stream *ms = ctx;
	la_ssize_t got;

	if (ms->left == 0)
		return 0;
	n = (size_t)CS_MIN((uint64_t)n, ms->left);
	got = archive_read_data(ms->ar, buf, n);
	if (got < 0)
		return cs_error_set(err, -CS_E_INPUT, "cannot read %s: %s", ms->what,
				    archive_error_string(ms->ar) ? archive_error_string(ms->ar)
								 : "read error");
	if (got == 0)
		return cs_error_set(err, -CS_E_INPUT, "cannot read %s: unexpected end of archive",
				    ms->what);
	ms->left -= (uint64_t)got;
	return got;
}

static void member_close(void *ctx)
{
	struct member_stream *ms = ctx;

	if (!ms)
		return;
	archive_read_free(ms->ar);
	free(ms->what);
	free(ms);
}

static const struct cs_stream_ops member_ops = {
	.name = "archive member",
	.read = member_read,
	.close = member_close,
};

int cs_archive_open_member(struct cs_archive *a, const char *name, struct cs_stream **ret,
			   struct cs_error *err)
{
	struct cs_buf clean = CS_BUF_INIT(a->lim.max_path + 1);
	const struct cs_archive_member *m;
	struct member_stream *ms;
	struct archive_entry *e;
	int r;

	r = cs_archive_resolve(a, name, &m, err);
	if (r < 0)
		return r;
	ms = cs_zalloc(sizeof(*ms));
	if (!ms)
		return -ENOMEM;
	ms->what = cs_asprintf("'%s' in %s", name, a->label);
	if (!ms->what) {
		free(ms);
		return -ENOMEM;
	}
	r = reader_open(a->fd, a->file_size, a->label, &ms->ar, err);
	if (r < 0)
		goto fail;
	for (size_t i = 0; i <= m->ordinal; i++) {
		int st = archive_read_next_header(ms->ar, &e);

		if (st != ARCHIVE_OK && st != ARCHIVE_WARN) {
			r = cs_error_set(err, -CS_E_INPUT, "cannot read %s: %s", ms->what,
					 st == ARCHIVE_EOF ? "archive changed while reading"
					 : archive_error_string(ms->ar)
						 ? archive_error_string(ms->ar)
						 : "corrupt archive");
			goto fail;
		}
	}
	/* the file may have changed since it was listed */
	r = entry_name(e, a->label, &clean, err);
	if (r < 0)
		goto fail;
	if (strcmp(clean.data ? clean.data : "", m->name) != 0 ||
	    archive_entry_filetype(e) != AE_IFREG) {
		r = cs_error_set(err, -CS_E_INPUT, "cannot read %s: archive changed while reading",
				 ms->what);
		goto fail;
	}
	ms->left = archive_entry_size(e) > 0 ? (uint64_t)archive_entry_size(e) : 0;
	cs_buf_done(&clean);
	return cs_stream_new(&member_ops, ms, ret);
fail:
	cs_buf_done(&clean);
	member_close(ms);
	return r;
}

int cs_archive_read(struct cs_archive *a, const char *name, struct cs_buf *out,
		    struct cs_error *err)
{
	const struct cs_archive_member *m;
	struct cs_stream *s = NULL;
	int r;

	r = cs_archive_resolve(a, name, &m, err);
	if (r < 0)
		return r;
	if (m->size > out->max)
		return cs_error_set(err, -CS_E_LIMIT, "'%s' in %s is larger than %zu bytes", name,
				    a->label, out->max);
	r = cs_archive_open_member(a, name, &s, err);
	if (r < 0)
		return r;
	r = cs_stream_read_all(s, out, err);
	cs_stream_free(s);
	return r < 0 ? r : 0;
}
