/* SPDX-License-Identifier: Apache-2.0 */
/*
 * FIRST EPSS scores importer (epss_scores-YYYY-MM-DD.csv[.gz]):
 *   #model_version:v2025.03.14,score_date:2025-08-25T12:55:00Z
 *   cve,epss,percentile
 *   CVE-1999-0001,0.01064,0.76784
 * Scores and percentiles are probabilities in [0, 1]. The score date from
 * the comment line is stored with every row.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "basic/alloc.h"
#include "vulndb/importer.h"

#define EPSS_MAX_FILE (256u << 20)
#define EPSS_MAX_LINE 256

static bool detect(const char *path, bool is_dir, const void *head, size_t n)
{
	const unsigned char *h = head;
	const char *base;

	if (is_dir || !head)
		return false;
	if ((n >= 14 && !memcmp(h, "#model_version", 14)) ||
	    (n >= 19 && !memcmp(h, "cve,epss,percentile", 19)))
		return true;
	/* the published file is gzip-compressed: trust the name then */
	base = strrchr(path, '/');
	base = base ? base + 1 : path;
	return n >= 2 && h[0] == 0x1f && h[1] == 0x8b && !strncmp(base, "epss", 4);
}

static bool valid_cve(const char *s, size_t n)
{
	if (n < 13 || n > 32 || memcmp(s, "CVE-", 4) || s[8] != '-')
		return false;
	for (size_t i = 4; i < n; i++)
		if (i != 8 && (s[i] < '0' || s[i] > '9'))
			return false;
	return true;
}

/* A probability written as a plain decimal ("0.01064", "1", "1.0e-05" is not accepted). */
static bool parse_prob(const char *s, size_t n, double *ret)
{
	char buf[40];
	char *end;
	double v;

	if (n == 0 || n >= sizeof(buf) || strspn(s, "0123456789.") < n)
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	errno = 0;
	v = strtod(buf, &end);
	if (errno || end != buf + n || !isfinite(v) || v < 0.0 || v > 1.0)
		return false;
	*ret = v;
	return true;
}

/* Split a line into exactly `want` comma-separated fields. */
static bool split(const char *line, size_t n, const char **f, size_t *fl, size_t want)
{
	size_t k = 0, start = 0;

	for (size_t i = 0; i <= n; i++) {
		if (i == n || line[i] == ',') {
			if (k >= want)
				return false;
			f[k] = line + start;
			fl[k] = i - start;
			k++;
			start = i + 1;
		}
	}
	return k == want;
}

static int import(struct cs_vulndb_writer *w, const char *path, struct cs_import_report *rep,
		  struct cs_error *err)
{
	_cleanup_free_ char *data = NULL;
	char date[40] = "";
	size_t len, off = 0;
	uint64_t lineno = 0;
	bool header = false;
	int r;

	r = cs_import_read_file(path, EPSS_MAX_FILE, &data, &len, err);
	if (r < 0)
		return r;
	while (off < len) {
		const char *line = data + off, *nl = memchr(line, '\n', len - off);
		size_t n = nl ? (size_t)(nl - line) : len - off;
		const char *f[3];
		size_t fl[3];
		char pos[40], cve[40];
		double score, pct;

		off += n + (nl ? 1 : 0);
		lineno++;
		if (n && line[n - 1] == '\r')
			n--;
		snprintf(pos, sizeof(pos), "line %" PRIu64, lineno);
		if (n == 0)
			continue;
		if (n > EPSS_MAX_LINE) {
			if (!header)
				return cs_error_set(err, -CS_E_INPUT,
						    "cannot parse '%s': line %" PRIu64 " too long",
						    path, lineno);
			cs_import_report_bad(rep, path, pos, "line too long");
			continue;
		}
		if (line[0] == '#') {
			const char *sd = memmem(line, n, "score_date:", 11);

			if (sd) {
				const char *s = sd + 11;
				size_t rest = n - (size_t)(s - line), dl = 0;

				while (dl < rest && s[dl] != ',')
					dl++;
				if (dl >= 10 && dl < sizeof(date)) {
					memcpy(date, s, dl);
					date[dl] = '\0';
					for (size_t i = 0; i < dl; i++)
						if ((unsigned char)date[i] <= 0x20 ||
						    (unsigned char)date[i] >= 0x7f)
							date[0] = '\0';
					cs_import_report_updated(rep, date);
				}
			}
			continue;
		}
		if (!header) {
			if (n != 19 || memcmp(line, "cve,epss,percentile", 19))
				return cs_error_set(err, -CS_E_INPUT,
						    "cannot parse '%s': line %" PRIu64
						    ": expected the header 'cve,epss,percentile'",
						    path, lineno);
			header = true;
			continue;
		}
		if (!split(line, n, f, fl, 3) || !valid_cve(f[0], fl[0])) {
			cs_import_report_bad(rep, path, pos, "expected CVE-ID,score,percentile");
			continue;
		}
		if (!parse_prob(f[1], fl[1], &score) || !parse_prob(f[2], fl[2], &pct)) {
			cs_import_report_bad(rep, path, pos, "score or percentile not in [0, 1]");
			continue;
		}
		memcpy(cve, f[0], fl[0]);
		cve[fl[0]] = '\0';
		r = cs_vulndb_put_epss(w, cve, score, pct, date[0] ? date : NULL, err);
		if (r < 0)
			return r;
		rep->records++;
	}
	if (!header)
		return cs_error_set(err, -CS_E_INPUT,
				    "cannot parse '%s': no 'cve,epss,percentile' header", path);
	return 0;
}

const struct cs_importer cs_importer_epss = {
	.name = "epss",
	.detect = detect,
	.import = import,
};
