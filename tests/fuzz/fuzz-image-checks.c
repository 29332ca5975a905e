/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The image configuration analyser's parsers: the input is read as each
 * account file kind (every account has a name, a line within the input
 * and ids only when they parsed) and, NUL-terminated, as a build-history
 * line (instruction detection, pattern checks and secret assignments,
 * whose spans must stay inside the input and have a secret name).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "analyze/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void accounts(const char *p, size_t size, enum cs_account_file kind)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_account *v = NULL;
	size_t n = 0, bad = 0, lines = 1;
	int r;

	for (size_t i = 0; i < size; i++)
		lines += p[i] == '\n';
	r = cs_accounts_parse(p, size, kind, &v, &n, &bad, &err);
	if (r < 0) {
		if (r != -ENOMEM && !err.msg[0])
			abort();
		return;
	}
	if (n + bad > lines)
		abort();
	for (size_t i = 0; i < n; i++) {
		if (!v[i].name || !v[i].name[0] || strchr(v[i].name, ':') || v[i].line == 0 ||
		    v[i].line > lines)
			abort();
		if (kind == CS_ACCOUNT_SHADOW && v[i].has_id)
			abort();
		if (v[i].shell && (kind != CS_ACCOUNT_PASSWD || !v[i].shell[0]))
			abort();
		(void)cs_login_shell(v[i].shell);
	}
	cs_accounts_free(v, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data;
	struct cs_span name, value;
	const char *args = NULL;
	size_t pos = 0, last = 0;
	char *s;

	accounts(p, size, CS_ACCOUNT_PASSWD);
	accounts(p, size, CS_ACCOUNT_SHADOW);
	accounts(p, size, CS_ACCOUNT_GROUP);
	s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	(void)cs_history_instr(s, &args);
	if (!args || args < s || args > s + strlen(s))
		abort();
	(void)cs_history_check(s);
	(void)cs_setid_expected(s);
	(void)cs_volume_sensitive(s);
	while (cs_next_secret_assignment(p, size, &pos, &name, &value)) {
		if (pos <= last || pos > size || name.off < last || name.off + name.len > size ||
		    value.off + value.len > size || value.off < name.off + name.len ||
		    !cs_secret_name(p + name.off, name.len))
			abort();
		last = pos;
	}
	if (pos != size)
		abort();
	free(s);
	return 0;
}
