/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <string.h>
#include "error.h"

static void make_one_line(char *s)
{
	for (; *s; s++)
		if (*s == '\n' || *s == '\r' || *s == '\t')
			*s = ' ';
}

int cs_error_setv(struct cs_error *err, int code, const char *fmt, va_list ap)
{
	if (code >= 0)
		code = -CS_E_INTERNAL;
	if (!err)
		return code;
	err->code = code;
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	make_one_line(err->msg);
	return code;
}

int cs_error_set(struct cs_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	code = cs_error_setv(err, code, fmt, ap);
	va_end(ap);
	return code;
}

int cs_error_errno(struct cs_error *err, int errnum, const char *fmt, ...)
{
	va_list ap;
	int code = errnum > 0 ? -errnum : errnum;
	size_t n;

	if (code == 0)
		code = -EIO;
	if (!err)
		return code;
	va_start(ap, fmt);
	cs_error_setv(err, code, fmt, ap);
	va_end(ap);
	n = strlen(err->msg);
	snprintf(err->msg + n, sizeof(err->msg) - n, ": %s", strerror(-code));
	return code;
}

int cs_error_prefix(struct cs_error *err, const char *fmt, ...)
{
	char prefix[CS_ERROR_MSG_MAX];
	char old[CS_ERROR_MSG_MAX];
	va_list ap;

	if (!err)
		return -CS_E_INTERNAL;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	if (old[0])
		snprintf(err->msg, sizeof(err->msg), "%s: %s", prefix, old);
	else
		snprintf(err->msg, sizeof(err->msg), "%s", prefix);
	make_one_line(err->msg);
	if (err->code >= 0)
		err->code = -CS_E_INTERNAL;
	return err->code;
}

void cs_error_clear(struct cs_error *err)
{
	if (err) {
		err->code = 0;
		err->msg[0] = '\0';
	}
}

const char *cs_strerror(int code)
{
	switch (-code) {
	case CS_E_INPUT:
		return "malformed input";
	case CS_E_LIMIT:
		return "limit exceeded";
	case CS_E_DIGEST:
		return "digest mismatch";
	case CS_E_UNSUPPORTED:
		return "not supported";
	case CS_E_NOTFOUND:
		return "not found";
	case CS_E_AUTH:
		return "authentication failed";
	case CS_E_NETWORK:
		return "network failure";
	case CS_E_USAGE:
		return "usage error";
	case CS_E_INTERNAL:
		return "internal error";
	default:
		return strerror(code < 0 ? -code : code);
	}
}

int cs_error_exit_status(int code)
{
	if (code == -ENOMEM || code == -CS_E_INTERNAL)
		return 3;
	return 2;
}
