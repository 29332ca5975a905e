/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The host audit's parsers of hostile files: daemon.json, a systemd unit's
 * ExecStart (dockerd's flags), audit rules, and a container inspect
 * document from the engine. Every failure has a one-line message; every
 * parsed setting has a key, a value and a source.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "audit/host.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_conf(const struct cs_daemon_conf *c)
{
	for (size_t i = 0; i < c->n; i++)
		if (!c->v[i].key || !c->v[i].value || !c->v[i].source)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data;
	struct cs_daemon_conf c = { 0 };
	struct cs_audit_watches w = { 0 };
	struct cs_error err = CS_ERROR_INIT;
	bool found;
	int r;

	if (size > (1u << 20))
		return 0;
	r = cs_daemon_json_parse(p, size, "daemon.json", &c, &err);
	if (r < 0 && r != -ENOMEM && (!err.msg[0] || strchr(err.msg, '\n')))
		abort();
	check_conf(&c);
	cs_daemon_conf_done(&c);

	err = (struct cs_error)CS_ERROR_INIT;
	r = cs_daemon_unit_parse(p, size, "docker.service", &c, &found, &err);
	if (r < 0 && r != -ENOMEM && (!err.msg[0] || strchr(err.msg, '\n')))
		abort();
	check_conf(&c);
	cs_daemon_conf_done(&c);

	err = (struct cs_error)CS_ERROR_INIT;
	r = cs_audit_rules_parse(p, size, &w, &err);
	if (r < 0 && r != -ENOMEM && (!err.msg[0] || strchr(err.msg, '\n')))
		abort();
	for (size_t i = 0; i < w.n; i++)
		if (w.v[i][0] != '/' || !cs_audit_watched(&w, w.v[i]))
			abort();
	cs_audit_watches_done(&w);

	{
		json_t *j = json_loadb(p, size, JSON_REJECT_DUPLICATES, NULL);
		struct cs_audit *a = NULL;

		if (j && cs_audit_new("host", &a) == 0) {
			if (cs_audit_container(j, j, "/run/docker.sock", a) == 0 &&
			    json_is_object(j) && a->n == 0)
				abort();
			cs_audit_free(a);
		}
		json_decref(j);
	}
	return 0;
}
