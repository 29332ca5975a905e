/* SPDX-License-Identifier: Apache-2.0 */
#include <stdarg.h>
#include <stdio.h>
#include "log.h"

static cs_log_fn log_fn;
static void *log_userdata;
static enum cs_log_level log_level = CS_LOG_WARN;

void cs_log_set_handler(cs_log_fn fn, void *userdata)
{
	log_fn = fn;
	log_userdata = userdata;
}

void cs_log_set_level(enum cs_log_level max_level)
{
	log_level = max_level;
}

enum cs_log_level cs_log_get_level(void)
{
	return log_level;
}

void cs_log(enum cs_log_level level, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	if (!log_fn || level > log_level)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	for (char *p = msg; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	log_fn(log_userdata, level, msg);
}
