/* SPDX-License-Identifier: Apache-2.0 */
/* The XML reports' writer (see xmlw.h). */
#include <errno.h>
#include <stdlib.h>
#include "basic/alloc.h"
#include "report/internal.h"
#include "report/xmlw.h"

static void silent(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

static void check(struct report_xml *x, int rc)
{
	if (rc < 0 && x->r >= 0)
		x->r = -EIO;
}

int report_xml_begin(struct report_xml *x, FILE *f)
{
	xmlOutputBufferPtr out;

	x->r = 0;
	x->old = xmlGenericError;
	x->old_ctx = xmlGenericErrorContext;
	xmlSetGenericErrorFunc(NULL, silent);
	out = xmlOutputBufferCreateFile(f, NULL);
	x->w = out ? xmlNewTextWriter(out) : NULL;
	if (!x->w) {
		if (out)
			xmlOutputBufferClose(out);
		xmlSetGenericErrorFunc(x->old_ctx, x->old);
		return -ENOMEM;
	}
	check(x, xmlTextWriterSetIndent(x->w, 1));
	check(x, xmlTextWriterSetIndentString(x->w, BAD_CAST "  "));
	check(x, xmlTextWriterStartDocument(x->w, "1.0", "UTF-8", NULL));
	return 0;
}

int report_xml_finish(struct report_xml *x, FILE *f)
{
	if (x->r >= 0)
		check(x, xmlTextWriterEndDocument(x->w));
	if (x->r >= 0)
		check(x, xmlTextWriterFlush(x->w));
	xmlFreeTextWriter(x->w);
	x->w = NULL;
	xmlSetGenericErrorFunc(x->old_ctx, x->old);
	if (x->r >= 0 && (fflush(f) != 0 || ferror(f)))
		x->r = errno > 0 ? -errno : -EIO;
	return x->r;
}

void report_xml_start(struct report_xml *x, const char *name)
{
	if (x->r >= 0)
		check(x, xmlTextWriterStartElement(x->w, BAD_CAST name));
}

void report_xml_end(struct report_xml *x)
{
	if (x->r >= 0)
		check(x, xmlTextWriterEndElement(x->w));
}

/* an attribute from any string: cleaned, then escaped by libxml2 */
void report_xml_attr(struct report_xml *x, const char *name, const char *value)
{
	_cleanup_free_ char *v = NULL;

	if (x->r < 0)
		return;
	v = report_clean(value);
	if (!v) {
		x->r = -ENOMEM;
		return;
	}
	check(x, xmlTextWriterWriteAttribute(x->w, BAD_CAST name, BAD_CAST v));
}

void report_xml_attr_uint(struct report_xml *x, const char *name, size_t v)
{
	char b[32];

	snprintf(b, sizeof(b), "%zu", v);
	report_xml_attr(x, name, b);
}

void report_xml_text(struct report_xml *x, const char *s)
{
	_cleanup_free_ char *v = NULL;

	if (x->r < 0)
		return;
	v = report_clean(s);
	if (!v) {
		x->r = -ENOMEM;
		return;
	}
	check(x, xmlTextWriterWriteString(x->w, BAD_CAST v));
}
