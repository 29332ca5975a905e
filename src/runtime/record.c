/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The recorded-event file (record.h). Every field of struct cs_rt_event is
 * described once in a table (tag, kind, offset, size); encoding and
 * decoding walk the table, so a field added to the event needs one line
 * here and a new tag. Tags are stable: never reuse or renumber one.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "basic/alloc.h"
#include "runtime/record.h"

enum kind {
	K_U8 = 1, /* also bool */
	K_U16,
	K_U32,	 /* also enums */
	K_U64,	 /* also int64 */
	K_STR,	 /* NUL-terminated in a fixed array */
	K_BYTES, /* a fixed array with a uint16 length field (len_off) */
};

struct fdesc {
	uint16_t tag;
	uint8_t kind;
	uint32_t off;
	uint32_t size;	  /* of the member */
	uint32_t len_off; /* K_BYTES: the uint16 holding the used length */
	uint32_t max;	  /* K_U32/K_U8: values must be below (0: any) */
};

#define E(m) offsetof(struct cs_rt_event, m)
#define S(m) sizeof(((struct cs_rt_event *)0)->m)
#define F(t, k, m)                         \
	{                                  \
		(t), (k), E(m), S(m), 0, 0 \
	}
#define FMAX(t, k, m, mx)                     \
	{                                     \
		(t), (k), E(m), S(m), 0, (mx) \
	}
#define FB(t, m, l)                               \
	{                                         \
		(t), K_BYTES, E(m), S(m), E(l), 0 \
	}

_Static_assert(sizeof(enum cs_rt_evt_type) == 4, "enums are stored as 32 bits");
_Static_assert(sizeof(enum cs_rt_fd_type) == 4, "enums are stored as 32 bits");
_Static_assert(sizeof(bool) == 1, "bools are stored as 8 bits");
/* integers are copied byte for byte from the host's representation */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "little-endian hosts only");

static const struct fdesc fields[] = {
	/* the event: 1.. */
	FMAX(1, K_U32, type, CS_RT_EVT_COUNT),
	F(2, K_U32, have),
	F(3, K_U32, truncated),
	F(4, K_U64, num),
	F(5, K_U64, ts_ns),
	F(6, K_U64, res),
	F(7, K_U16, cpu),
	F(8, K_STR, hostname),
	/* the process: 100.. */
	F(100, K_U64, proc.pid),
	F(101, K_U64, proc.tid),
	F(102, K_U64, proc.ppid),
	F(103, K_U64, proc.vpid),
	F(104, K_U64, proc.sid),
	F(105, K_U64, proc.vpgid),
	F(106, K_U32, proc.uid),
	F(107, K_U32, proc.gid),
	F(108, K_U32, proc.loginuid),
	F(109, K_U32, proc.tty),
	F(110, K_U64, proc.cap_effective),
	F(111, K_U64, proc.cap_permitted),
	F(112, K_U64, proc.start_ns),
	F(113, K_U64, proc.pstart_ns),
	F(114, K_U32, proc.exe_flags),
	F(115, K_U64, proc.exe_ino),
	F(116, K_U64, proc.exe_ino_ctime_ns),
	F(117, K_U64, proc.exe_ino_mtime_ns),
	F(118, K_STR, proc.name),
	F(119, K_STR, proc.exe),
	F(120, K_STR, proc.exepath),
	F(121, K_STR, proc.cwd),
	FB(122, proc.args, proc.args_len),
	F(123, K_U16, proc.argc),
	FB(124, proc.pargs, proc.pargs_len),
	F(125, K_U16, proc.pargc),
	F(126, K_STR, proc.sname),
	F(127, K_STR, proc.vpgid_name),
	F(128, K_STR, proc.vpgid_exe),
	F(129, K_STR, proc.user),
	F(130, K_STR, proc.loginname),
	F(131, K_STR, proc.homedir),
	F(132, K_STR, proc.shell),
	F(133, K_STR, proc.group),
	FMAX(134, K_U8, proc.n_ancestors, CS_RT_ANCESTORS + 1),
	/* the file descriptor: 300.. */
	F(300, K_U64, fd.num),
	FMAX(301, K_U32, fd.type, CS_RT_FD_TYPE_COUNT),
	F(302, K_STR, fd.name),
	F(303, K_STR, fd.nameraw),
	FMAX(304, K_U8, fd.connected, 2),
	FMAX(305, K_U8, fd.name_changed, 2),
	F(306, K_U16, fd.family),
	F(307, K_U8, fd.l4proto),
	F(308, K_STR, fd.cip),
	F(309, K_STR, fd.sip),
	F(310, K_U16, fd.cport),
	F(311, K_U16, fd.sport),
	FMAX(312, K_U8, fd.server_is_local, 2),
	F(313, K_STR, fd.unix_path),
	/* the event's arguments: 400.. */
	F(400, K_U32, arg.flags),
	F(401, K_U32, arg.mode),
	F(402, K_U64, arg.request),
	F(403, K_U64, arg.pid),
	F(404, K_U32, arg.domain),
	F(405, K_U32, arg.type),
	F(406, K_U32, arg.protocol),
	F(407, K_U32, arg.backlog),
	F(408, K_U64, arg.fd),
	F(409, K_STR, arg.path),
	F(410, K_STR, arg.path1),
	F(411, K_STR, arg.path2),
	F(412, K_STR, arg.name),
	/* the container: 500.. */
	F(500, K_STR, container.id),
	F(501, K_STR, container.full_id),
	F(502, K_STR, container.name),
	F(503, K_STR, container.image),
	F(504, K_STR, container.repository),
	F(505, K_STR, container.tag),
	F(506, K_STR, container.digest),
	F(507, K_STR, container.image_id),
	FMAX(508, K_U8, container.privileged, 2),
	F(509, K_U64, container.start_ns),
	FB(510, container.labels, container.labels_len),
};

/* ancestors[i]: tag 1000 + 8 * i + k */
#define A(k, kd, m)                                                   \
	{                                                             \
		(k), (kd), offsetof(struct cs_rt_ancestor, m),        \
			sizeof(((struct cs_rt_ancestor *)0)->m), 0, 0 \
	}
static const struct fdesc ancestor_fields[] = {
	A(0, K_U64, pid),
	A(1, K_STR, name),
	A(2, K_STR, exe),
	A(3, K_STR, exepath),
};
#define ANCESTOR_TAG0 1000
#define ANCESTOR_STEP 8

/* --- encoding --- */

static const struct cs_rt_event *template(void)
{
	static struct cs_rt_event t;
	static bool done;

	if (!done) {
		cs_rt_event_init(&t);
		done = true;
	}
	return &t;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_le(const uint8_t *p, size_t n)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static size_t kind_width(uint8_t kind)
{
	return kind == K_U8 ? 1 : kind == K_U16 ? 2 : kind == K_U32 ? 4 : kind == K_U64 ? 8 : 0;
}

static uint64_t load_int(const uint8_t *base, const struct fdesc *f)
{
	uint64_t v = 0;

	memcpy(&v, base + f->off, kind_width(f->kind)); /* little-endian hosts only */
	return v;
}

/* One field of base (its template tbase) into out at *n. */
static void encode_field(const uint8_t *base, const uint8_t *tbase, const struct fdesc *f,
			 uint16_t tag, uint8_t *out, size_t *n)
{
	size_t len, w = kind_width(f->kind);
	const uint8_t *src = base + f->off;

	if (w) {
		uint64_t v = load_int(base, f);

		if (v == load_int(tbase, f))
			return;
		put16(out + *n, tag);
		put16(out + *n + 2, (uint16_t)w);
		for (size_t i = 0; i < w; i++)
			out[*n + 4 + i] = (uint8_t)(v >> (8 * i));
		*n += 4 + w;
		return;
	}
	if (f->kind == K_STR) {
		len = strnlen((const char *)src, f->size - 1);
		if (len == strnlen((const char *)tbase + f->off, f->size - 1) &&
		    !memcmp(src, tbase + f->off, len))
			return;
	} else {
		uint16_t used;

		memcpy(&used, base + f->len_off, sizeof(used));
		len = used < f->size ? used : f->size;
		if (len == 0)
			return;
	}
	put16(out + *n, tag);
	put16(out + *n + 2, (uint16_t)len);
	memcpy(out + *n + 4, src, len);
	*n += 4 + len;
}

size_t cs_rt_record_encode(const struct cs_rt_event *e, uint8_t *buf)
{
	const uint8_t *base = (const uint8_t *)e, *tbase = (const uint8_t *)template();
	size_t n = 0;
	unsigned na = e->proc.n_ancestors < CS_RT_ANCESTORS ? e->proc.n_ancestors : CS_RT_ANCESTORS;

	for (size_t i = 0; i < CS_ARRAY_SIZE(fields); i++)
		encode_field(base, tbase, &fields[i], fields[i].tag, buf, &n);
	for (unsigned a = 0; a < na; a++) {
		const uint8_t *ab = (const uint8_t *)&e->proc.ancestors[a];
		const uint8_t *tb = (const uint8_t *)&template()->proc.ancestors[a];

		for (size_t i = 0; i < CS_ARRAY_SIZE(ancestor_fields); i++)
			encode_field(ab, tb, &ancestor_fields[i],
				     (uint16_t)(ANCESTOR_TAG0 + ANCESTOR_STEP * a +
						ancestor_fields[i].tag),
				     buf, &n);
	}
	return n;
}

/* --- decoding --- */

static const struct fdesc *find_field(uint16_t tag, uint8_t **base, struct cs_rt_event *e)
{
	for (size_t i = 0; i < CS_ARRAY_SIZE(fields); i++)
		if (fields[i].tag == tag) {
			*base = (uint8_t *)e;
			return &fields[i];
		}
	if (tag >= ANCESTOR_TAG0 && tag < ANCESTOR_TAG0 + ANCESTOR_STEP * CS_RT_ANCESTORS) {
		unsigned a = (tag - ANCESTOR_TAG0) / ANCESTOR_STEP,
			 k = (tag - ANCESTOR_TAG0) % ANCESTOR_STEP;

		for (size_t i = 0; i < CS_ARRAY_SIZE(ancestor_fields); i++)
			if (ancestor_fields[i].tag == k) {
				*base = (uint8_t *)&e->proc.ancestors[a];
				return &ancestor_fields[i];
			}
	}
	return NULL;
}

int cs_rt_record_decode(const void *data, size_t n, struct cs_rt_event *e, struct cs_error *err)
{
	const uint8_t *p = data;
	size_t i = 0;

	cs_rt_event_init(e);
	if (n > CS_RT_RECORD_MAX)
		return cs_error_set(err, -CS_E_INPUT, "record larger than %u bytes",
				    CS_RT_RECORD_MAX);
	while (i < n) {
		uint16_t tag, len;
		const struct fdesc *f;
		uint8_t *base = NULL;
		size_t w;

		if (n - i < 4)
			return cs_error_set(err, -CS_E_INPUT, "truncated field at byte %zu", i);
		tag = (uint16_t)get_le(p + i, 2);
		len = (uint16_t)get_le(p + i + 2, 2);
		i += 4;
		if (len > n - i)
			return cs_error_set(err, -CS_E_INPUT, "field %u longer than its record",
					    tag);
		f = find_field(tag, &base, e);
		if (!f) {
			i += len; /* a field of a later version */
			continue;
		}
		w = kind_width(f->kind);
		if (w) {
			uint64_t v;

			if (len != w)
				return cs_error_set(err, -CS_E_INPUT,
						    "field %u: %u bytes, want %zu", tag, len, w);
			v = get_le(p + i, w);
			if (f->max && v >= f->max)
				return cs_error_set(err, -CS_E_INPUT,
						    "field %u: value %llu out of range", tag,
						    (unsigned long long)v);
			memcpy(base + f->off, &v, w); /* little-endian hosts only */
		} else if (f->kind == K_STR) {
			if (len >= f->size || memchr(p + i, 0, len))
				return cs_error_set(err, -CS_E_INPUT,
						    "field %u: a string of %u bytes does not fit",
						    tag, len);
			memcpy(base + f->off, p + i, len);
			base[f->off + len] = 0;
		} else {
			uint16_t used = len;

			if (len > f->size)
				return cs_error_set(err, -CS_E_INPUT,
						    "field %u: %u bytes do not fit", tag, len);
			memcpy(base + f->off, p + i, len);
			memcpy(base + f->len_off, &used, sizeof(used));
		}
		i += len;
	}
	if (e->proc.n_ancestors > CS_RT_ANCESTORS)
		return cs_error_set(err, -CS_E_INPUT, "more than %d ancestors", CS_RT_ANCESTORS);
	return 0;
}

/* --- files --- */

struct cs_rt_writer {
	FILE *f;
	char *path, *tmp;
	uint64_t count;
	uint8_t *buf;
};

static void header(uint8_t h[CS_RT_HEADER_SIZE])
{
	memset(h, 0, CS_RT_HEADER_SIZE);
	memcpy(h, CS_RT_RECORD_MAGIC, 8);
	put16(h + 8, CS_RT_RECORD_VERSION);
	/* h[10..15]: flags and reserved, zero in version 1 */
}

bool cs_rt_record_sniff(const void *p, size_t n)
{
	return n >= 8 && !memcmp(p, CS_RT_RECORD_MAGIC, 8);
}

static void writer_free(struct cs_rt_writer *w)
{
	if (w->f)
		fclose(w->f);
	free(w->path);
	free(w->tmp);
	free(w->buf);
	free(w);
}

int cs_rt_writer_open(const char *path, struct cs_rt_writer **ret, struct cs_error *err)
{
	struct cs_rt_writer *w = cs_zalloc(sizeof(*w));
	uint8_t h[CS_RT_HEADER_SIZE];
	int fd;

	if (!w || !(w->path = cs_strdup(path)) || !(w->tmp = cs_asprintf("%s.tmp-XXXXXX", path)) ||
	    !(w->buf = malloc(CS_RT_RECORD_MAX + 4))) {
		if (w)
			writer_free(w);
		return cs_error_errno(err, -ENOMEM, "recording '%s'", path);
	}
	fd = mkostemp(w->tmp, O_CLOEXEC);
	if (fd < 0) {
		int e = errno;

		writer_free(w);
		return cs_error_errno(err, e, "cannot create recording '%s'", path);
	}
	w->f = fdopen(fd, "w");
	if (!w->f) {
		close(fd);
		cs_rt_writer_abort(w);
		return cs_error_errno(err, ENOMEM, "recording '%s'", path);
	}
	header(h);
	if (fwrite(h, 1, sizeof(h), w->f) != sizeof(h)) {
		cs_rt_writer_abort(w);
		return cs_error_errno(err, EIO, "cannot write recording '%s'", path);
	}
	*ret = w;
	return 0;
}

int cs_rt_writer_add(struct cs_rt_writer *w, const struct cs_rt_event *e, struct cs_error *err)
{
	size_t n = cs_rt_record_encode(e, w->buf + 4);

	put32(w->buf, (uint32_t)n);
	if (fwrite(w->buf, 1, n + 4, w->f) != n + 4)
		return cs_error_errno(err, errno ? errno : EIO, "cannot write recording '%s'",
				      w->path);
	w->count++;
	return 0;
}

uint64_t cs_rt_writer_count(const struct cs_rt_writer *w)
{
	return w->count;
}

int cs_rt_writer_close(struct cs_rt_writer *w, struct cs_error *err)
{
	int r = 0;

	if (fflush(w->f) != 0 || fsync(fileno(w->f)) < 0)
		r = cs_error_errno(err, errno ? errno : EIO, "cannot write recording '%s'",
				   w->path);
	if (fclose(w->f) != 0 && r == 0)
		r = cs_error_errno(err, errno ? errno : EIO, "cannot write recording '%s'",
				   w->path);
	w->f = NULL;
	if (r == 0 && rename(w->tmp, w->path) < 0)
		r = cs_error_errno(err, errno, "cannot write recording '%s'", w->path);
	if (r < 0)
		unlink(w->tmp);
	writer_free(w);
	return r;
}

void cs_rt_writer_abort(struct cs_rt_writer *w)
{
	if (!w)
		return;
	if (w->f) {
		fclose(w->f);
		w->f = NULL;
	}
	unlink(w->tmp);
	writer_free(w);
}

struct cs_rt_reader {
	FILE *f;
	char *path;
	uint8_t *buf;
	uint64_t bad, offset;
	bool ended;
	char last[256];
};

void cs_rt_reader_free(struct cs_rt_reader *r)
{
	if (!r)
		return;
	if (r->f)
		fclose(r->f);
	free(r->path);
	free(r->buf);
	free(r);
}

int cs_rt_reader_open(const char *path, struct cs_rt_reader **ret, struct cs_error *err)
{
	_cleanup_(cs_rt_reader_freep) struct cs_rt_reader *r = cs_zalloc(sizeof(*r));
	uint8_t h[CS_RT_HEADER_SIZE];
	unsigned version;

	if (!r || !(r->path = cs_strdup(path)) || !(r->buf = malloc(CS_RT_RECORD_MAX)))
		return cs_error_errno(err, -ENOMEM, "recording '%s'", path);
	r->f = fopen(path, "re");
	if (!r->f)
		return cs_error_errno(err, errno, "cannot open recording '%s'", path);
	if (fread(h, 1, sizeof(h), r->f) != sizeof(h) || !cs_rt_record_sniff(h, sizeof(h)))
		return cs_error_set(err, -CS_E_INPUT, "'%s' is not a customs event recording",
				    path);
	version = (unsigned)get_le(h + 8, 2);
	if (version != CS_RT_RECORD_VERSION)
		return cs_error_set(err, -CS_E_INPUT,
				    "recording '%s' has format version %u; this customs reads %d",
				    path, version, CS_RT_RECORD_VERSION);
	r->offset = sizeof(h);
	*ret = CS_TAKE_PTR(r);
	return 0;
}

static void reader_bad(struct cs_rt_reader *r, const char *why)
{
	r->bad++;
	snprintf(r->last, sizeof(r->last), "%s: record at byte %llu: %s", r->path,
		 (unsigned long long)r->offset, why);
}

int cs_rt_reader_next(struct cs_rt_reader *r, struct cs_rt_event *e, struct cs_error *err)
{
	while (!r->ended) {
		struct cs_error rerr = CS_ERROR_INIT;
		uint8_t lb[4];
		size_t got = fread(lb, 1, sizeof(lb), r->f);
		uint32_t len;

		if (got == 0 && feof(r->f))
			return 0;
		if (ferror(r->f))
			return cs_error_errno(err, EIO, "cannot read recording '%s'", r->path);
		if (got < sizeof(lb)) {
			reader_bad(r, "truncated length");
			r->ended = true;
			break;
		}
		len = (uint32_t)get_le(lb, 4);
		if (len > CS_RT_RECORD_MAX) {
			/* the length cannot be trusted: nothing after it can be found */
			reader_bad(r, "length past the limit; the rest of the file is skipped");
			r->ended = true;
			break;
		}
		if (fread(r->buf, 1, len, r->f) != len) {
			if (ferror(r->f))
				return cs_error_errno(err, EIO, "cannot read recording '%s'",
						      r->path);
			reader_bad(r, "truncated record");
			r->ended = true;
			break;
		}
		if (cs_rt_record_decode(r->buf, len, e, &rerr) < 0) {
			reader_bad(r, rerr.msg);
			r->offset += 4 + (uint64_t)len;
			continue;
		}
		r->offset += 4 + (uint64_t)len;
		return 1;
	}
	return 0;
}

uint64_t cs_rt_reader_bad(const struct cs_rt_reader *r)
{
	return r->bad;
}

const char *cs_rt_reader_last_error(const struct cs_rt_reader *r)
{
	return r->bad ? r->last : NULL;
}
