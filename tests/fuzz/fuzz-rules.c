/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The rules file loader and compiler (runtime/rules.c): any bytes as a
 * Falco rules file, layered over a small fixed base (so append/override
 * paths are reached), compiled, then every active rule evaluated on a
 * fixed event and its output rendered. Errors must be one line; rendering
 * must stay within its buffer.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "runtime/event_json.h"
#include "runtime/rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char base[] =
	"- list: shells\n  items: [bash, sh]\n"
	"- macro: spawned\n  condition: evt.type in (execve, execveat)\n"
	"- rule: shell\n  desc: d\n  condition: spawned and proc.name in (shells)\n"
	"  output: shell %proc.name %proc.aname[2] %fd.name\n  priority: WARNING\n";
static const char event[] =
	"{\"evt.type\":\"execve\",\"proc.name\":\"bash\",\"proc.args\":[\"-c\",\"id\"],"
	"\"proc.ancestors\":[{\"pid\":1,\"name\":\"sh\"},{\"pid\":0,\"name\":\"init\"}],"
	"\"fd.name\":\"/etc/shadow\",\"fd.type\":\"file\",\"container.id\":\"abc\"}";

static struct cs_rt_event ev;

static int on_match_ev(size_t rule, void *ud)
{
	const struct cs_rules *r = ud;
	char buf[512];
	size_t n = cs_rules_render_output(r, rule, &ev, buf, sizeof(buf));
	if (n >= sizeof(buf) || buf[n] != '\0')
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_rules *r = NULL;
	int ret;

	if (cs_rt_event_read_json(event, sizeof(event) - 1, &ev, &err) < 0)
		abort();
	if (cs_rules_new(&r) < 0)
		return 0;
	if (cs_rules_load_buf(r, "base", base, sizeof(base) - 1, &err) < 0)
		abort();
	ret = cs_rules_load_buf(r, "fuzz", (const char *)data, size, &err);
	if (ret == 0)
		ret = cs_rules_compile(r, &err);
	if (ret < 0) {
		if (ret != -ENOMEM && (!err.msg[0] || strchr(err.msg, '\n')))
			abort();
	} else {
		struct cs_rules_stats st;
		cs_rules_get_stats(r, &st);
		if (st.active + st.disabled + st.unsupported + st.other_source != st.rules)
			abort();
		cs_rules_eval(r, &ev, on_match_ev, r);
	}
	cs_rules_free(r);
	return 0;
}
