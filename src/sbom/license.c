/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Declared licences as SBOMs want them: an id of the SPDX licence list, a
 * valid SPDX licence expression, or free text. Only the ids listed here are
 * written as ids (the CycloneDX schema checks them against the licence
 * list), so an unknown but real id becomes free text rather than an
 * invalid document. The table is checked against the licence list of the
 * CycloneDX schema by tests/e2e/sbom-schema.sh.
 */
#include <string.h>
#include <strings.h>
#include "basic/alloc.h"
#include "basic/buf.h"
#include "sbom/internal.h"

/* Licences seen in distributions and language registries. */
const char *const sbom_spdx_license_ids[] = {
	"0BSD",
	"AFL-2.1",
	"AFL-3.0",
	"AGPL-3.0",
	"AGPL-3.0-only",
	"AGPL-3.0-or-later",
	"Apache-1.0",
	"Apache-1.1",
	"Apache-2.0",
	"APSL-2.0",
	"Artistic-1.0",
	"Artistic-1.0-Perl",
	"Artistic-2.0",
	"Beerware",
	"BlueOak-1.0.0",
	"BSD-1-Clause",
	"BSD-2-Clause",
	"BSD-2-Clause-Patent",
	"BSD-3-Clause",
	"BSD-3-Clause-Clear",
	"BSD-4-Clause",
	"BSD-4-Clause-UC",
	"BSL-1.0",
	"bzip2-1.0.6",
	"CC-BY-3.0",
	"CC-BY-4.0",
	"CC-BY-SA-3.0",
	"CC-BY-SA-4.0",
	"CC0-1.0",
	"CDDL-1.0",
	"CDDL-1.1",
	"CPL-1.0",
	"curl",
	"ECL-2.0",
	"EFL-2.0",
	"EPL-1.0",
	"EPL-2.0",
	"EUPL-1.1",
	"EUPL-1.2",
	"FTL",
	"GFDL-1.2-only",
	"GFDL-1.2-or-later",
	"GFDL-1.3-only",
	"GFDL-1.3-or-later",
	"GPL-1.0-only",
	"GPL-1.0-or-later",
	"GPL-2.0",
	"GPL-2.0+",
	"GPL-2.0-only",
	"GPL-2.0-or-later",
	"GPL-3.0",
	"GPL-3.0+",
	"GPL-3.0-only",
	"GPL-3.0-or-later",
	"HPND",
	"ICU",
	"IJG",
	"ISC",
	"LGPL-2.0",
	"LGPL-2.0+",
	"LGPL-2.0-only",
	"LGPL-2.0-or-later",
	"LGPL-2.1",
	"LGPL-2.1+",
	"LGPL-2.1-only",
	"LGPL-2.1-or-later",
	"LGPL-3.0",
	"LGPL-3.0+",
	"LGPL-3.0-only",
	"LGPL-3.0-or-later",
	"Libpng",
	"libpng-2.0",
	"libtiff",
	"MIT",
	"MIT-0",
	"MIT-CMU",
	"MPL-1.0",
	"MPL-1.1",
	"MPL-2.0",
	"MPL-2.0-no-copyleft-exception",
	"MS-PL",
	"MS-RL",
	"NCSA",
	"OFL-1.1",
	"OpenSSL",
	"OSL-3.0",
	"PHP-3.0",
	"PHP-3.01",
	"PostgreSQL",
	"PSF-2.0",
	"Python-2.0",
	"Ruby",
	"Sleepycat",
	"Unicode-DFS-2015",
	"Unicode-DFS-2016",
	"Unlicense",
	"UPL-1.0",
	"Vim",
	"W3C",
	"WTFPL",
	"X11",
	"Zlib",
	"ZPL-2.1",
	NULL,
};

/* Licence exceptions (after WITH). */
static const char *const spdx_exceptions[] = {
	"Autoconf-exception-2.0",
	"Autoconf-exception-3.0",
	"Bison-exception-2.2",
	"Classpath-exception-2.0",
	"eCos-exception-2.0",
	"FLTK-exception",
	"Font-exception-2.0",
	"GCC-exception-2.0",
	"GCC-exception-3.1",
	"LLVM-exception",
	"Libtool-exception",
	"Linux-syscall-note",
	"LZMA-exception",
	"Qt-GPL-exception-1.0",
	"Qt-LGPL-exception-1.1",
	"u-boot-exception-2.0",
	"Universal-FOSS-exception-1.0",
	"WxWindows-exception-3.1",
	NULL,
};

static const char *lookup(const char *const *list, const char *s, size_t n)
{
	for (; *list; list++)
		if (strlen(*list) == n && !strncasecmp(*list, s, n))
			return *list;
	return NULL;
}

const char *sbom_spdx_license_id(const char *s)
{
	return s ? lookup(sbom_spdx_license_ids, s, strlen(s)) : NULL;
}

/* --- expressions (SPDX 2.3 annex D) --- */

#define EXPR_MAX_TOKENS 256
#define EXPR_MAX_DEPTH	16

struct tok {
	const char *s;
	size_t n;
};

struct parser {
	struct tok t[EXPR_MAX_TOKENS];
	size_t n, pos;
	struct cs_buf *out;
	bool bad;
	unsigned ops; /* operators and '+' seen: more than a single id */
};

static bool idchar(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '-';
}

static bool tokenize(struct parser *ps, const char *s)
{
	while (*s) {
		size_t n;

		if (*s == ' ' || *s == '\t') {
			s++;
			continue;
		}
		if (ps->n >= EXPR_MAX_TOKENS)
			return false;
		if (*s == '(' || *s == ')') {
			n = 1;
		} else {
			n = strcspn(s, " \t()");
		}
		ps->t[ps->n].s = s;
		ps->t[ps->n].n = n;
		ps->n++;
		s += n;
	}
	return ps->n > 0;
}

static bool tok_is(const struct tok *t, const char *w)
{
	size_t n = strlen(w);

	/* operators in upper or lower case, never mixed */
	if (t->n != n)
		return false;
	if (!strncmp(t->s, w, n))
		return true;
	for (size_t i = 0; i < n; i++)
		if (t->s[i] != w[i] - 'A' + 'a')
			return false;
	return true;
}

static const struct tok *peek(struct parser *ps)
{
	return ps->pos < ps->n ? &ps->t[ps->pos] : NULL;
}

static void emit(struct parser *ps, const char *s, size_t n)
{
	if (ps->bad)
		return;
	if (ps->out->len && ps->out->data[ps->out->len - 1] != '(' && !(n == 1 && s[0] == ')') &&
	    cs_buf_putc(ps->out, ' ') < 0)
		ps->bad = true;
	if (cs_buf_append(ps->out, s, n) < 0)
		ps->bad = true;
}

/* LicenseRef-x, DocumentRef-y:LicenseRef-x, or a listed id with an optional '+' */
static void simple(struct parser *ps)
{
	const struct tok *t = peek(ps);
	const char *id;
	size_t n;

	if (!t) {
		ps->bad = true;
		return;
	}
	ps->pos++;
	n = t->n;
	if (n > 11 && !strncmp(t->s, "LicenseRef-", 11)) {
		for (size_t i = 11; i < n; i++)
			if (!idchar(t->s[i]))
				ps->bad = true;
		ps->ops++;
		emit(ps, t->s, n);
		return;
	}
	if (n > 12 && !strncmp(t->s, "DocumentRef-", 12)) {
		const char *colon = memchr(t->s, ':', n);

		if (!colon || (size_t)(t->s + n - colon) < 13 ||
		    strncmp(colon + 1, "LicenseRef-", 11))
			ps->bad = true;
		for (const char *c = t->s + 12; !ps->bad && c < t->s + n; c++)
			if (c != colon && !idchar(*c))
				ps->bad = true;
		ps->ops++;
		emit(ps, t->s, n);
		return;
	}
	id = lookup(sbom_spdx_license_ids, t->s, n);
	if (!id && n > 1 && t->s[n - 1] == '+') {
		id = lookup(sbom_spdx_license_ids, t->s, n - 1);
		if (id) {
			ps->ops++;
			emit(ps, id, strlen(id));
			if (!ps->bad && cs_buf_putc(ps->out, '+') < 0)
				ps->bad = true;
			return;
		}
	}
	if (!id) {
		ps->bad = true;
		return;
	}
	emit(ps, id, strlen(id));
}

static void expr(struct parser *ps, unsigned depth);

static void primary(struct parser *ps, unsigned depth)
{
	const struct tok *t = peek(ps);

	if (!t || ps->bad) {
		ps->bad = true;
		return;
	}
	if (t->n == 1 && t->s[0] == '(') {
		ps->pos++;
		ps->ops++;
		emit(ps, "(", 1);
		expr(ps, depth + 1);
		t = peek(ps);
		if (!t || t->n != 1 || t->s[0] != ')') {
			ps->bad = true;
			return;
		}
		ps->pos++;
		emit(ps, ")", 1);
		return;
	}
	simple(ps);
	t = peek(ps);
	if (t && tok_is(t, "WITH")) {
		const char *ex;

		ps->pos++;
		ps->ops++;
		emit(ps, "WITH", 4);
		t = peek(ps);
		ex = t ? lookup(spdx_exceptions, t->s, t->n) : NULL;
		if (!ex) {
			ps->bad = true;
			return;
		}
		ps->pos++;
		emit(ps, ex, strlen(ex));
	}
}

static void expr(struct parser *ps, unsigned depth)
{
	const struct tok *t;

	if (depth > EXPR_MAX_DEPTH) {
		ps->bad = true;
		return;
	}
	primary(ps, depth);
	while (!ps->bad && (t = peek(ps)) && (tok_is(t, "AND") || tok_is(t, "OR"))) {
		ps->pos++;
		ps->ops++;
		emit(ps, tok_is(t, "AND") ? "AND" : "OR", tok_is(t, "AND") ? 3 : 2);
		primary(ps, depth);
	}
}

int sbom_lic_classify(const char *declared, struct sbom_lic *lic)
{
	struct cs_buf out = CS_BUF_INIT(64 * 1024);
	struct parser *ps;
	size_t n;

	memset(lic, 0, sizeof(*lic));
	if (!declared)
		return 0;
	n = strlen(declared);
	while (n && (declared[n - 1] == ' ' || declared[n - 1] == '\t'))
		n--;
	if (n == 0 || !strcasecmp(declared, "NOASSERTION") || !strcasecmp(declared, "NONE"))
		return 0;
	ps = cs_zalloc(sizeof(*ps));
	if (!ps)
		return -ENOMEM;
	ps->out = &out;
	if (tokenize(ps, declared)) {
		expr(ps, 0);
		if (ps->pos != ps->n)
			ps->bad = true;
	} else {
		ps->bad = true;
	}
	if (!ps->bad) {
		lic->kind = ps->ops ? SBOM_LIC_EXPR : SBOM_LIC_ID;
		lic->text = cs_buf_steal(&out, NULL);
	} else {
		lic->kind = SBOM_LIC_TEXT;
		lic->text = cs_strndup(declared, n);
	}
	free(ps);
	cs_buf_done(&out);
	if (!lic->text) {
		lic->kind = SBOM_LIC_NONE;
		return -ENOMEM;
	}
	return 0;
}
