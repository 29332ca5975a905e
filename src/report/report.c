/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>
#include "basic/macro.h"
#include "report/report.h"

static const char *const format_names[_CS_REPORT_MAX] = {
	[CS_REPORT_TABLE] = "table", [CS_REPORT_JSON] = "json",
	[CS_REPORT_SARIF] = "sarif", [CS_REPORT_CYCLONEDX] = "cyclonedx",
	[CS_REPORT_JUNIT] = "junit", [CS_REPORT_HTML] = "html",
};

int cs_report_format_from_name(const char *name)
{
	for (int i = 0; i < _CS_REPORT_MAX; i++)
		if (format_names[i] && !strcmp(format_names[i], name))
			return i;
	return -1;
}

const char *cs_report_format_name(enum cs_report_format f)
{
	return (unsigned)f < _CS_REPORT_MAX ? format_names[f] : NULL;
}

int cs_report_write(enum cs_report_format format, const struct cs_scan_report *rep,
		    const struct cs_report_options *opts, FILE *f, struct cs_error *err)
{
	static const struct cs_report_options defaults = { 0 };

	if (!opts)
		opts = &defaults;
	switch (format) {
	case CS_REPORT_TABLE:
		return cs_report_table(rep, opts, f, err);
	case CS_REPORT_JSON:
		return cs_report_json(rep, f, err);
	case CS_REPORT_SARIF:
		return cs_report_sarif(rep, f, err);
	case CS_REPORT_CYCLONEDX:
		return cs_report_cyclonedx(rep, f, err);
	case CS_REPORT_JUNIT:
		return cs_report_junit(rep, f, err);
	case CS_REPORT_HTML:
		return cs_report_html(rep, f, err);
	default:
		return cs_error_set(err, -ENOTSUP, "the %s report is not available",
				    cs_report_format_name(format) ?: "unknown");
	}
}
