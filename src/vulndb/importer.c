/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The importer table and the report helpers shared by every importer.
 * The table order is the order in which build.c asks detect(): the more
 * specific formats first.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>
#include "basic/alloc.h"
#include "vulndb/importer.h"

extern const struct cs_importer cs_importer_secdb;
extern const struct cs_importer cs_importer_osv;
extern const struct cs_importer cs_importer_rubysec;
extern const struct cs_importer cs_importer_debian;
extern const struct cs_importer cs_importer_oval;
extern const struct cs_importer cs_importer_kev;
extern const struct cs_importer cs_importer_epss;
extern const struct cs_importer cs_importer_nvd;

const struct cs_importer *const cs_importers[] = {
	&cs_importer_secdb,  &cs_importer_osv,	&cs_importer_rubysec,
	&cs_importer_debian, &cs_importer_oval, &cs_importer_kev,
	&cs_importer_epss,   &cs_importer_nvd,	NULL,
};

void cs_import_report_bad(struct cs_import_report *r, const char *file, const char *position,
			  const char *fmt, ...)
{
	char reason[512];
	va_list ap;

	if (!r)
		return;
	r->skipped++;
	if (!r->bad)
		return;
	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	/* one line: a hostile feed must not inject newlines into the report */
	for (char *p = reason; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	r->bad(r->userdata, file ? file : "", position ? position : "", reason);
}

void cs_import_report_updated(struct cs_import_report *r, const char *date)
{
	size_t n;

	if (!r || !date || !*date)
		return;
	n = strnlen(date, sizeof(r->updated));
	if (n >= sizeof(r->updated))
		return;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)date[i] <= 0x20 || (unsigned char)date[i] >= 0x7f)
			return;
	/* ISO dates compare as strings */
	if (strcmp(date, r->updated) > 0)
		memcpy(r->updated, date, n + 1);
}

int cs_import_read_file(const char *path, size_t max, char **ret, size_t *ret_len,
			struct cs_error *err)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *buf = NULL;
	struct stat st;
	size_t len = 0, cap;
	gzFile gz;
	int r = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return cs_error_errno(err, errno, "cannot open '%s'", path);
	if (fstat(fd, &st) < 0)
		return cs_error_errno(err, errno, "cannot stat '%s'", path);
	if (!S_ISREG(st.st_mode))
		return cs_error_set(err, -CS_E_INPUT, "cannot read '%s': not a regular file", path);
	if (max > SIZE_MAX / 2 - 1)
		max = SIZE_MAX / 2 - 1;
	/* gzip is read transparently (gzread passes other files through) */
	cap = (size_t)CS_MIN((uint64_t)st.st_size, (uint64_t)max) + 1;
	buf = cs_malloc(cap);
	if (!buf)
		return cs_error_set(err, -ENOMEM, "out of memory reading '%s'", path);
	gz = gzdopen(fd, "rb");
	if (!gz)
		return cs_error_set(err, -ENOMEM, "out of memory reading '%s'", path);
	fd = -1; /* owned by gz now */
	for (;;) {
		int n;

		if (len + 1 >= cap) {
			size_t ncap;
			char *nb;

			if (len >= max) {
				char c;

				/* exactly max bytes is fine; one more is not */
				if (gzread(gz, &c, 1) == 0)
					break;
				r = cs_error_set(err, -CS_E_LIMIT,
						 "cannot read '%s': larger than %zu bytes", path,
						 max);
				break;
			}
			ncap = CS_MIN(cap * 2, max + 1);
			nb = realloc(buf, ncap);
			if (!nb) {
				r = cs_error_set(err, -ENOMEM, "out of memory reading '%s'", path);
				break;
			}
			buf = nb;
			cap = ncap;
		}
		n = gzread(gz, buf + len, (unsigned)CS_MIN(cap - 1 - len, (size_t)1 << 30));
		if (n < 0) {
			int code;
			const char *msg = gzerror(gz, &code);

			if (code == Z_ERRNO)
				r = cs_error_errno(err, errno, "cannot read '%s'", path);
			else
				r = cs_error_set(err, -CS_E_INPUT, "cannot read '%s': %s", path,
						 msg ? msg : "bad gzip stream");
			break;
		}
		if (n == 0) {
			int code;

			/* a truncated gzip stream reads as a short EOF */
			gzerror(gz, &code);
			if (code != Z_OK && code != Z_BUF_ERROR) {
				r = cs_error_set(err, -CS_E_INPUT,
						 "cannot read '%s': bad gzip stream", path);
			} else if (code == Z_BUF_ERROR) {
				r = cs_error_set(err, -CS_E_INPUT,
						 "cannot read '%s': truncated gzip stream", path);
			}
			break;
		}
		len += (size_t)n;
	}
	gzclose(gz);
	if (r < 0)
		return r;
	buf[len] = '\0';
	*ret = CS_TAKE_PTR(buf);
	*ret_len = len;
	return 0;
}
/* --- the sink that writes records into the database --- */

static int ws_vuln(void *ud, const struct cs_vuln *v, struct cs_error *err)
{
	struct cs_record_writer_sink *s = ud;
	int r = cs_vulndb_put_vuln(s->w, v, err);

	if (r >= 0 && s->rep)
		s->rep->vulns++;
	return r;
}

static int ws_alias(void *ud, const char *id, const char *alias, struct cs_error *err)
{
	struct cs_record_writer_sink *s = ud;

	return cs_vulndb_put_alias(s->w, id, alias, err);
}

static int ws_affected(void *ud, const struct cs_affected *a, struct cs_error *err)
{
	struct cs_record_writer_sink *s = ud;
	int r = cs_vulndb_put_affected(s->w, a, err);

	if (r >= 0 && s->rep)
		s->rep->records++;
	return r;
}

void cs_record_writer_sink_init(struct cs_record_writer_sink *s, struct cs_vulndb_writer *w,
				struct cs_import_report *rep)
{
	s->w = w;
	s->rep = rep;
	s->sink.vuln = ws_vuln;
	s->sink.alias = ws_alias;
	s->sink.affected = ws_affected;
	s->sink.userdata = s;
}
