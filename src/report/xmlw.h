/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A libxml2 text writer with a sticky first error, for the XML reports
 * (JUnit for scans and audits). Strings from images, feeds and hosts are
 * made valid XML characters first (report_clean): libxml2 escapes markup,
 * but a control character cannot be escaped in XML 1.0.
 */
#pragma once

#include <stddef.h>
#include <stdio.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlwriter.h>

struct report_xml {
	xmlTextWriterPtr w;
	int r; /* first error, sticky */
	xmlGenericErrorFunc old;
	void *old_ctx;
};

/*
 * A writer on f, indented by two spaces, with the XML declaration written;
 * libxml2's own messages are silenced until report_xml_finish (the error
 * is reported once, by the caller).
 */
int report_xml_begin(struct report_xml *x, FILE *f);
/* Ends the document, flushes f and frees the writer: the first error, or 0. */
int report_xml_finish(struct report_xml *x, FILE *f);
void report_xml_start(struct report_xml *x, const char *name);
void report_xml_end(struct report_xml *x);
void report_xml_attr(struct report_xml *x, const char *name, const char *value);
void report_xml_attr_uint(struct report_xml *x, const char *name, size_t v);
void report_xml_text(struct report_xml *x, const char *s);
