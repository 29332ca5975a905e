/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Falco-compatible rule engine: the condition parser (every operator,
 * precedence, syntax errors), macros and lists (expansion, cycles), fields
 * and transformers, exceptions, append/override layering, the evt.type
 * index, output rendering, the event JSON form, and the real
 * falco_rules.yaml loaded whole with its counts asserted.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "basic/json.h"
#include "runtime/event_json.h"
#include "runtime/record.h"
#include "runtime/rules.h"

/* an execve of bash in a container, with a parent chain, a file and a socket */
static const char base_event[] =
	"{\"evt.type\":\"execve\",\"evt.num\":7,\"evt.time\":1765000000000000000,"
	"\"evt.rawres\":0,\"proc.pid\":100,\"proc.ppid\":99,\"proc.name\":\"bash\","
	"\"proc.exe\":\"/bin/bash\",\"proc.exepath\":\"/usr/bin/bash\","
	"\"proc.args\":[\"-c\",\"echo hi\"],\"proc.cwd\":\"/root/\",\"proc.tty\":34816,"
	"\"user.uid\":0,\"user.name\":\"root\",\"user.loginuid\":-1,\"group.gid\":0,"
	"\"proc.exe_flags\":2,\"proc.start_ts\":1764999999000000000,"
	"\"thread.cap_effective\":2097152,"
	"\"proc.ancestors\":[{\"pid\":99,\"name\":\"sshd\",\"exe\":\"sshd\",\"exepath\":\"/usr/"
	"sbin/sshd\"},{\"pid\":1,\"name\":\"systemd\",\"exepath\":\"/usr/lib/systemd/systemd\"}],"
	"\"proc.pargs\":[\"-D\"],"
	"\"fd.num\":3,\"fd.type\":\"file\",\"fd.name\":\"/etc/ssh/sshd_config\","
	"\"container.id\":\"abcdef123456\",\"container.name\":\"web\","
	"\"container.image.repository\":\"docker.io/library/nginx\","
	"\"container.image.tag\":\"1.25\",\"container.labels\":{\"app\":\"shop\"},"
	"\"container.privileged\":false}";

static const char prelude[] = "- list: shells\n"
			      "  items: [bash, sh, zsh]\n"
			      "- list: more_shells\n"
			      "  items: [shells, fish]\n"
			      "- macro: spawned\n"
			      "  condition: evt.type in (execve, execveat)\n"
			      "- macro: in_shell\n"
			      "  condition: spawned and proc.name in (more_shells)\n";

static struct cs_rt_event *event_of(const char *json)
{
	static struct cs_rt_event e;
	struct cs_error err = CS_ERROR_INIT;
	assert_int_equal(cs_rt_event_read_json(json, strlen(json), &e, &err), 0);
	return &e;
}

static int count_match(size_t rule, void *ud)
{
	(void)rule;
	(*(int *)ud)++;
	return 0;
}

/* 1 match, 0 no match, -1 rule not active, -2 invalid (err filled) */
static int eval_yaml(const char *yaml, const struct cs_rt_event *e, struct cs_error *err)
{
	struct cs_rules *r = NULL;
	struct cs_rule_info ri;
	int n = 0;
	assert_int_equal(cs_rules_new(&r), 0);
	if (cs_rules_load_buf(r, "t.yaml", yaml, strlen(yaml), err) < 0 ||
	    cs_rules_compile(r, err) < 0) {
		cs_rules_free(r);
		return -2;
	}
	cs_rules_info(r, cs_rules_count(r) - 1, &ri);
	if (ri.status != CS_RULE_ACTIVE) {
		cs_rules_free(r);
		return -1;
	}
	cs_rules_eval(r, e, count_match, &n);
	cs_rules_free(r);
	return n > 0;
}

static int cond_on(const char *cond, const struct cs_rt_event *e)
{
	char yaml[8192];
	struct cs_error err = CS_ERROR_INIT;
	int r;
	snprintf(yaml, sizeof(yaml),
		 "%s- rule: t\n  desc: d\n  condition: >\n    %s\n  output: o\n  priority: "
		 "WARNING\n",
		 prelude, cond);
	r = eval_yaml(yaml, e, &err);
	if (r == -2)
		fail_msg("condition '%s': %s", cond, err.msg);
	return r;
}

static int cond(const char *c)
{
	return cond_on(c, event_of(base_event));
}

static void test_operators(void **state)
{
	(void)state;
	assert_int_equal(cond("proc.name = bash"), 1);
	assert_int_equal(cond("proc.name == bash"), 1);
	assert_int_equal(cond("proc.name = sh"), 0);
	assert_int_equal(cond("proc.name != sh"), 1);
	assert_int_equal(cond("proc.pid < 101"), 1);
	assert_int_equal(cond("proc.pid < 100"), 0);
	assert_int_equal(cond("proc.pid <= 100"), 1);
	assert_int_equal(cond("proc.pid > 99"), 1);
	assert_int_equal(cond("proc.pid >= 101"), 0);
	assert_int_equal(cond("proc.cmdline contains \"echo hi\""), 1);
	assert_int_equal(cond("proc.cmdline contains ECHO"), 0);
	assert_int_equal(cond("proc.cmdline icontains ECHO"), 1);
	assert_int_equal(cond("proc.name bcontains 6173"), 1); /* "as" */
	/* fd.name is /etc/ssh/sshd_config: first, last, repeated first bytes, past the end */
	assert_int_equal(cond("fd.name contains /etc/"), 1);
	assert_int_equal(cond("fd.name contains sshd_config"), 1);
	assert_int_equal(cond("fd.name contains g"), 1);
	assert_int_equal(cond("fd.name contains sshd_"), 1);
	assert_int_equal(cond("fd.name contains config/"), 0);
	assert_int_equal(cond("fd.name contains gg"), 0);
	assert_int_equal(cond("fd.name contains /etc/ssh/sshd_config/"), 0);
	assert_int_equal(cond("proc.name bstartswith 6261"), 1); /* "ba" */
	assert_int_equal(cond("proc.name bstartswith 6173"), 0);
	assert_int_equal(cond("proc.exepath startswith /usr/"), 1);
	assert_int_equal(cond("proc.exepath endswith /bash"), 1);
	assert_int_equal(cond("proc.exepath endswith /sh"), 0);
	assert_int_equal(cond("proc.exepath glob '/usr/*/ba?h'"), 1);
	assert_int_equal(cond("proc.exepath glob '/bin/*'"), 0);
	assert_int_equal(cond("proc.name in (sh, bash)"), 1);
	assert_int_equal(cond("proc.name in (sh, zsh)"), 0);
	assert_int_equal(cond("proc.name intersects (bash)"), 1);
	assert_int_equal(cond("fd.name pmatch (/etc/ssh, /var)"), 1);
	assert_int_equal(cond("fd.name pmatch (/etc/ss)"), 0);
	assert_int_equal(cond("fd.name pmatch (/etc/ssh/sshd_config)"), 1);
	assert_int_equal(cond("proc.name exists"), 1);
	assert_int_equal(cond("proc.sname exists"), 0);
	assert_int_equal(cond("proc.exepath regex '/usr/(s?bin)/ba.h'"), 1);
	assert_int_equal(cond("proc.exepath regex 'bash'"), 0); /* a full match */
	/* a missing value makes every comparison false, even != */
	assert_int_equal(cond("proc.sname != x"), 0);
	assert_int_equal(cond("not proc.sname = x"), 1);
	/* numbers: hex, negative */
	assert_int_equal(cond("proc.pid = 0x64"), 1);
	assert_int_equal(cond("user.loginuid = -1"), 1);
	assert_int_equal(cond("proc.pid in (1, 100, 1000)"), 1);
	/* a sorted list (8 or more) and a bsearch miss */
	assert_int_equal(cond("proc.name in (a, b, c, d, e, f, g, h, bash)"), 1);
	assert_int_equal(cond("proc.name in (a, b, c, d, e, f, g, h, i)"), 0);
}

static void test_precedence_and_syntax(void **state)
{
	(void)state;
	/* not > and > or */
	assert_int_equal(cond("proc.name = sh and proc.pid = 1 or proc.pid = 100"), 1);
	assert_int_equal(cond("proc.name = sh and (proc.pid = 1 or proc.pid = 100)"), 0);
	assert_int_equal(cond("not proc.name = sh and proc.pid = 100"), 1);
	assert_int_equal(cond("not (proc.name = bash and proc.pid = 100)"), 0);
	assert_int_equal(cond("not not proc.name = bash"), 1);
	assert_int_equal(cond("((((proc.name = bash))))"), 1);
	/* quoting and escapes */
	assert_int_equal(cond("proc.cmdline = 'bash -c echo hi'"), 1);
	assert_int_equal(cond("proc.cmdline = \"bash -c echo hi\""), 1);
	assert_int_equal(cond("proc.name in ('ba\\sh', \"x\")"), 1);

	struct cs_error err = CS_ERROR_INIT;
	static const struct {
		const char *cond, *msg;
	} bad[] = {
		{ "proc.name =", "expected a value" },
		{ "(proc.name = a", "expected ')'" },
		{ "proc.name = a)", "unexpected text" },
		{ "proc.name = 'a", "unterminated string" },
		{ "and", "expected a field" },
		{ "proc.name = (a, b)", "only allowed after in" },
		{ "proc.name in (a b)", "expected ',' or ')'" },
		{ "proc.name ! a", "unexpected '!'" },
		{ "", "empty condition" },
		{ "tolower(proc.name", "expected ')'" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cs_error_clear(&err);
		if (cs_rules_check_condition(bad[i].cond, strlen(bad[i].cond), &err) != -CS_E_INPUT)
			fail_msg("'%s' parsed", bad[i].cond);
		if (!strstr(err.msg, bad[i].msg))
			fail_msg("'%s': got '%s', want '%s'", bad[i].cond, err.msg, bad[i].msg);
	}
	/* depth is bounded */
	char deep[2000];
	memset(deep, '(', 600);
	memcpy(deep + 600, "a", 2);
	cs_error_clear(&err);
	assert_int_equal(cs_rules_check_condition(deep, strlen(deep), &err), -CS_E_INPUT);
	assert_non_null(strstr(err.msg, "nested too deeply"));
	/* a syntax error in a rules file names file:line */
	static const char y[] = "- rule: r\n  desc: d\n  condition: proc.name = (a\n"
				"  output: o\n  priority: ERROR\n";
	cs_error_clear(&err);
	assert_int_equal(eval_yaml(y, event_of(base_event), &err), -2);
	assert_non_null(strstr(err.msg, "t.yaml:1: rule 'r': condition at column"));
}

static void test_fields_and_transformers(void **state)
{
	(void)state;
	assert_int_equal(cond("proc.pname = sshd"), 1);
	assert_int_equal(cond("proc.aname[1] = sshd"), 1);
	assert_int_equal(cond("proc.aname[2] = systemd"), 1);
	assert_int_equal(cond("proc.aname[0] = bash"), 1);
	assert_int_equal(cond("proc.aname[3] exists"), 0);
	assert_int_equal(cond("proc.aname = systemd"), 1); /* any ancestor */
	assert_int_equal(cond("proc.aname != systemd"), 0);
	assert_int_equal(cond("proc.aname in (init, sshd)"), 1);
	assert_int_equal(cond("proc.aexepath[2] = /usr/lib/systemd/systemd"), 1);
	assert_int_equal(cond("proc.pexepath = /usr/sbin/sshd"), 1);
	assert_int_equal(cond("proc.pcmdline = 'sshd -D'"), 1);
	assert_int_equal(cond("proc.args = '-c echo hi'"), 1);
	assert_int_equal(cond("proc.tty != 0"), 1);
	assert_int_equal(cond("proc.duration >= 1000000000"), 1);
	assert_int_equal(cond("proc.is_exe_upper_layer = true"), 1);
	assert_int_equal(cond("proc.is_exe_writable = true"), 0);
	assert_int_equal(cond("evt.arg.flags contains EXE_UPPER_LAYER"), 1);
	assert_int_equal(cond("thread.cap_effective contains CAP_SYS_ADMIN"), 1);
	assert_int_equal(cond("thread.cap_effective icontains sys_module"), 0);
	assert_int_equal(cond("evt.res = SUCCESS"), 1);
	assert_int_equal(cond("evt.failed = false"), 1);
	assert_int_equal(cond("fd.directory = /etc/ssh and fd.filename = sshd_config"), 1);
	assert_int_equal(cond("fd.typechar = f"), 1);
	assert_int_equal(cond("container.id != host"), 1);
	assert_int_equal(cond("container.label[app] = shop"), 1);
	assert_int_equal(cond("container.label[tier] exists"), 0);
	assert_int_equal(cond("container.privileged = false"), 1);
	assert_int_equal(cond("container.image.repository endswith /nginx"), 1);
	assert_int_equal(cond("tolower(proc.name) = bash"), 1);
	assert_int_equal(cond("toupper(proc.name) = BASH"), 1);
	assert_int_equal(cond("basename(proc.exepath) = bash"), 1);
	assert_int_equal(cond("len(proc.name) = 4"), 1);
	assert_int_equal(cond("len(proc.name) > 4"), 0);
	assert_int_equal(cond("toupper(basename(proc.exepath)) = BASH"), 1);
	/* b64 of "bash" */
	assert_int_equal(cond_on("b64(proc.name) = bash",
				 event_of("{\"evt.type\":\"execve\",\"proc.name\":\"YmFzaA==\"}")),
			 1);
	/* unsupported fields: the rule is kept and marked, never evaluated */
	assert_int_equal(cond("fd.sip.name = x"), -1);
	assert_int_equal(cond("k8s.ns.name = x"), -1);
	assert_int_equal(cond("no.such.field = x"), -1);
	assert_int_equal(cond("evt.arg.nosuch = x"), -1);
	/* networking */
	static const char conn[] =
		"{\"evt.type\":\"connect\",\"evt.rawres\":-115,\"fd.type\":\"ipv4\","
		"\"fd.l4proto\":\"tcp\",\"fd.cip\":\"10.1.2.3\",\"fd.cport\":5555,"
		"\"fd.sip\":\"8.8.8.8\",\"fd.sport\":53,\"proc.name\":\"dig\"}";
	const struct cs_rt_event *c = event_of(conn);
	assert_int_equal(cond_on("fd.snet in (\"8.0.0.0/8\")", c), 1);
	assert_int_equal(cond_on("fd.net = \"10.0.0.0/8\"", c), 1);
	assert_int_equal(cond_on("fd.net != \"127.0.0.0/8\"", c), 1);
	assert_int_equal(cond_on("fd.ip = 8.8.8.8", c), 1);
	assert_int_equal(cond_on("fd.lport = 5555 and fd.rport = 53", c), 1);
	assert_int_equal(cond_on("fd.lip = 10.1.2.3 and fd.rip = 8.8.8.8", c), 1);
	assert_int_equal(cond_on("evt.res = EINPROGRESS and evt.rawres < 0", c), 1);
	assert_int_equal(cond_on("fd.typechar = 4 and fd.l4proto = tcp", c), 1);
}

static void test_macros_lists_index(void **state)
{
	struct cs_error err = CS_ERROR_INIT;
	(void)state;
	assert_int_equal(cond("in_shell"), 1);
	assert_int_equal(cond("proc.name in (more_shells) and not proc.name in (fish)"), 1);
	/* a quoted item is a string, never a list reference */
	assert_int_equal(cond("proc.name in ('shells')"), 0);
	/* the rule applies only to its event types */
	assert_int_equal(cond("evt.type = open and proc.name = bash"), 0);
	assert_int_equal(cond("evt.type != open and proc.name = bash"), 1);
	assert_int_equal(cond("not evt.type in (open, connect)"), 1);
	/* undefined macro, cycles */
	static const char undef[] =
		"- rule: r\n  desc: d\n  condition: nope\n  output: o\n  priority: ERROR\n";
	assert_int_equal(eval_yaml(undef, event_of(base_event), &err), -2);
	assert_non_null(strstr(err.msg, "undefined macro 'nope'"));
	static const char cyc[] =
		"- macro: a\n  condition: b\n- macro: b\n  condition: a\n"
		"- rule: r\n  desc: d\n  condition: a\n  output: o\n  priority: ERROR\n";
	cs_error_clear(&err);
	assert_int_equal(eval_yaml(cyc, event_of(base_event), &err), -2);
	assert_non_null(strstr(err.msg, "refers to itself"));
	static const char lcyc[] =
		"- list: a\n  items: [b]\n- list: b\n  items: [a]\n"
		"- rule: r\n  desc: d\n  condition: proc.name in (a)\n  output: o\n"
		"  priority: ERROR\n";
	cs_error_clear(&err);
	assert_int_equal(eval_yaml(lcyc, event_of(base_event), &err), -2);
	assert_non_null(strstr(err.msg, "refers to itself"));

	/* exponential expansion through shared macros is bounded */
	{
		char big[4096];
		size_t at = (size_t)snprintf(big, sizeof(big),
					     "- macro: m0\n  condition: proc.pid = 1\n");
		for (int i = 1; i <= 30; i++)
			at += (size_t)snprintf(big + at, sizeof(big) - at,
					       "- macro: m%d\n  condition: m%d and m%d\n", i, i - 1,
					       i - 1);
		snprintf(
			big + at, sizeof(big) - at,
			"- rule: r\n  desc: d\n  condition: m30\n  output: o\n  priority: ERROR\n");
		cs_error_clear(&err);
		assert_int_equal(eval_yaml(big, event_of(base_event), &err), -2);
		assert_non_null(strstr(err.msg, "expands to more than 1048576 nodes"));
	}
	/* index: evaluating an open event touches only open rules */
	struct cs_rules *r = NULL;
	static const char two[] =
		"- rule: exec\n  desc: d\n  condition: evt.type = execve\n  output: o\n  priority: ERROR\n"
		"- rule: any\n  desc: d\n  condition: proc.name = bash\n  output: o\n  priority: ERROR\n";
	struct cs_rule_info ri;
	int n = 0;
	assert_int_equal(cs_rules_new(&r), 0);
	assert_int_equal(cs_rules_load_buf(r, "t", two, strlen(two), &err), 0);
	assert_int_equal(cs_rules_compile(r, &err), 0);
	cs_rules_info(r, 0, &ri);
	assert_int_equal(ri.n_evttypes, 1);
	assert_false(ri.all_evttypes);
	assert_int_equal(ri.evttypes[0], 1ull << CS_RT_EVT_EXECVE);
	cs_rules_info(r, 1, &ri);
	assert_true(ri.all_evttypes);
	{
		uint64_t set[CS_RULES_EVTSET_WORDS];
		cs_rules_evtypes(r, set); /* the unrestricted rule: every type */
		for (unsigned t = 1; t < CS_RT_EVT_COUNT; t++)
			assert_true((set[t / 64] >> (t % 64)) & 1);
		assert_false(set[0] & 1); /* CS_RT_EVT_UNKNOWN */
	}
	assert_int_equal(cs_rules_warning_count(r), 1); /* "runs on every event" */
	cs_rules_eval(r, event_of(base_event), count_match, &n);
	assert_int_equal(n, 2);
	cs_rules_free(r);
}

static int match_bits(size_t rule, void *ud)
{
	*(unsigned *)ud |= 1u << rule;
	return 0;
}

/*
 * A macro is evaluated once per event and its value shared by the rules of
 * that event (ruleeval.c): never carried over to the next event, also when
 * the same event object is reused with other content.
 */
static void test_macro_memo(void **state)
{
	static const char y[] =
		"- macro: is_bash\n  condition: proc.name = bash\n"
		"- macro: twice\n  condition: is_bash and proc.pid = 100\n"
		"- rule: with\n  desc: d\n  condition: evt.type = execve and is_bash\n"
		"  output: o\n  priority: ERROR\n"
		"- rule: without\n  desc: d\n  condition: evt.type = execve and not "
		"is_bash\n  output: o\n  priority: ERROR\n"
		"- rule: nested\n  desc: d\n  condition: evt.type = execve and (twice "
		"or proc.name = zsh)\n  output: o\n  priority: ERROR\n";
	struct cs_error err = CS_ERROR_INIT;
	struct cs_rules *r = NULL;
	struct cs_rt_event *e = event_of(base_event);
	unsigned got;

	(void)state;
	assert_int_equal(cs_rules_new(&r), 0);
	assert_int_equal(cs_rules_load_buf(r, "t", y, strlen(y), &err), 0);
	assert_int_equal(cs_rules_compile(r, &err), 0);
	for (int round = 0; round < 2; round++) {
		got = 0;
		CS_RT_SET(e->proc.name, "bash");
		cs_rules_eval(r, e, match_bits, &got);
		assert_int_equal(got, 1u << 0 | 1u << 2); /* with, nested */
		got = 0;
		CS_RT_SET(e->proc.name, "zsh");
		cs_rules_eval(r, e, match_bits, &got);
		assert_int_equal(got, 1u << 1 | 1u << 2); /* without, nested (zsh) */
		got = 0;
		CS_RT_SET(e->proc.name, "fish");
		cs_rules_eval(r, e, match_bits, &got);
		assert_int_equal(got, 1u << 1);
	}
	cs_rules_free(r);
}

static void test_exceptions(void **state)
{
	(void)state;
	char yaml[4096];
	struct cs_error err = CS_ERROR_INIT;
	static const char *const exc[] = {
		/* fields/comps/values: the exception matches -> no alert */
		"    - name: e\n      fields: [proc.name, fd.name]\n      comps: [=, startswith]\n"
		"      values: [[bash, /etc/ssh]]\n",
		/* default comps '=' */
		"    - name: e\n      fields: [proc.name, proc.pname]\n      values: [[zsh, x], [bash, sshd]]\n",
		/* one field as a string, comps in: values are lists */
		"    - name: e\n      fields: proc.name\n      comps: in\n      values: [[zsh, bash]]\n",
		/* list reference inside an in value */
		"    - name: e\n      fields: [proc.name]\n      comps: [in]\n      values: [[shells]]\n",
		/* pmatch */
		"    - name: e\n      fields: [fd.name]\n      comps: [pmatch]\n      values: [[[/etc]]]\n",
	};
	for (size_t i = 0; i < sizeof(exc) / sizeof(exc[0]); i++) {
		snprintf(yaml, sizeof(yaml),
			 "%s- rule: t\n  desc: d\n  condition: spawned\n  output: o\n"
			 "  priority: ERROR\n  exceptions:\n%s",
			 prelude, exc[i]);
		cs_error_clear(&err);
		if (eval_yaml(yaml, event_of(base_event), &err) != 0)
			fail_msg("exception %zu did not suppress: %s", i, err.msg);
	}
	/* not matching: the alert stays */
	snprintf(yaml, sizeof(yaml),
		 "%s- rule: t\n  desc: d\n  condition: spawned\n  output: o\n  priority: ERROR\n"
		 "  exceptions:\n    - name: e\n      fields: [proc.name, fd.name]\n"
		 "      comps: [=, startswith]\n      values: [[bash, /var]]\n",
		 prelude);
	assert_int_equal(eval_yaml(yaml, event_of(base_event), &err), 1);
	/* values appended later by a second item */
	snprintf(yaml, sizeof(yaml),
		 "%s- rule: t\n  desc: d\n  condition: spawned\n  output: o\n  priority: ERROR\n"
		 "  exceptions:\n    - name: e\n      fields: [proc.name]\n      values: [[zsh]]\n"
		 "- rule: t\n  exceptions:\n    - name: e\n      values: [[bash]]\n"
		 "  override:\n    exceptions: append\n",
		 prelude);
	assert_int_equal(eval_yaml(yaml, event_of(base_event), &err), 0);
	/* a value row of the wrong width is an error with file:line */
	snprintf(
		yaml, sizeof(yaml),
		"- rule: t\n  desc: d\n  condition: proc.name = a\n  output: o\n  priority: ERROR\n"
		"  exceptions:\n    - name: e\n      fields: [proc.name, fd.name]\n"
		"      values: [[bash]]\n");
	cs_error_clear(&err);
	assert_int_equal(eval_yaml(yaml, event_of(base_event), &err), -2);
	assert_non_null(strstr(err.msg, "t.yaml:7: exception 'e': a value has 1 items"));
}

static void test_append_override(void **state)
{
	(void)state;
	struct cs_error err = CS_ERROR_INIT;
	char yaml[4096];
	const struct cs_rt_event *e = event_of(base_event);
	static const char rule[] =
		"- rule: t\n  desc: d\n  condition: proc.name = sh\n  output: o\n"
		"  priority: ERROR\n";
	/* legacy append on a rule */
	snprintf(yaml, sizeof(yaml),
		 "%s- rule: t\n  condition: or proc.name = bash\n  append: true\n", rule);
	assert_int_equal(eval_yaml(yaml, e, &err), 1);
	/* override condition: replace / append */
	snprintf(
		yaml, sizeof(yaml),
		"%s- rule: t\n  condition: proc.name = bash\n  override:\n    condition: replace\n",
		rule);
	assert_int_equal(eval_yaml(yaml, e, &err), 1);
	snprintf(
		yaml, sizeof(yaml),
		"%s- rule: t\n  condition: and proc.pid = 100\n  override:\n    condition: append\n",
		rule);
	assert_int_equal(eval_yaml(yaml, e, &err), 0);
	/* enabled: false (override, and the legacy short form), enabled: true again */
	snprintf(
		yaml, sizeof(yaml),
		"- rule: t\n  desc: d\n  condition: proc.name = bash\n  output: o\n  priority: ERROR\n"
		"- rule: t\n  enabled: false\n");
	assert_int_equal(eval_yaml(yaml, e, &err), -1);
	snprintf(
		yaml, sizeof(yaml),
		"- rule: t\n  desc: d\n  condition: proc.name = bash\n  output: o\n  priority: ERROR\n"
		"  enabled: false\n- rule: t\n  enabled: true\n  override:\n    enabled: replace\n");
	assert_int_equal(eval_yaml(yaml, e, &err), 1);
	/* list append and override replace; macro append */
	snprintf(
		yaml, sizeof(yaml),
		"- list: l\n  items: [sh]\n- list: l\n  items: [bash]\n  append: true\n"
		"- rule: t\n  desc: d\n  condition: proc.name in (l)\n  output: o\n  priority: ERROR\n");
	assert_int_equal(eval_yaml(yaml, e, &err), 1);
	snprintf(
		yaml, sizeof(yaml),
		"- list: l\n  items: [bash]\n- list: l\n  items: [sh]\n  override:\n    items: replace\n"
		"- rule: t\n  desc: d\n  condition: proc.name in (l)\n  output: o\n  priority: ERROR\n");
	assert_int_equal(eval_yaml(yaml, e, &err), 0);
	snprintf(
		yaml, sizeof(yaml),
		"- macro: m\n  condition: proc.name = sh\n- macro: m\n  condition: or proc.name = bash\n"
		"  append: true\n"
		"- rule: t\n  desc: d\n  condition: m\n  output: o\n  priority: ERROR\n");
	assert_int_equal(eval_yaml(yaml, e, &err), 1);
	/* a later definition without append replaces */
	snprintf(
		yaml, sizeof(yaml),
		"- macro: m\n  condition: proc.name = bash\n- macro: m\n  condition: proc.name = sh\n"
		"- rule: t\n  desc: d\n  condition: m\n  output: o\n  priority: ERROR\n");
	assert_int_equal(eval_yaml(yaml, e, &err), 0);
	/* errors, each with file:line */
	static const struct {
		const char *yaml, *msg;
	} bad[] = {
		{ "- rule: x\n  condition: a\n  append: true\n",
		  "t.yaml:1: rule 'x' has append but no" },
		{ "- list: x\n  items: [a]\n  append: true\n", "list 'x' has append but no" },
		{ "- macro: x\n  condition: a\n  append: true\n", "macro 'x' has append but no" },
		{ "- rule: x\n  desc: d\n  condition: a\n  output: o\n  priority: LOUD\n",
		  "unknown priority 'LOUD'" },
		{ "- rule: x\n  desc: d\n  output: o\n  priority: ERROR\n", "missing 'condition'" },
		{ "- rule: x\n  desc: d\n  condition: a\n  priority: ERROR\n", "missing 'output'" },
		{ "- list: x\n  items: a\n", "'items' is not a list" },
		{ "- nothing: x\n", "unknown item" },
		{ "rule: x\n", "a rules file is a list of items" },
		{ "- required_engine_version: 99.0.0\n", "requires engine version 99.0.0" },
		{ "\n\n- rule: x\n  desc: d\n  condition: a\n  output: o\n  priority: ERROR\n"
		  "  override:\n    priority: append\n",
		  "t.yaml:3: rule 'x': priority and enabled can only be replaced" },
		{ "- rule: x\n  desc: d\n  condition: a\n  output: o\n  priority: ERROR\n"
		  "- rule: x\n  override:\n    condition: replace\n",
		  "override of 'condition' without a 'condition' key" },
		{ "- rule: x\n  desc: d\n  condition: proc.pid = abc\n  output: o\n  priority: ERROR\n",
		  "'abc' is not a number for 'proc.pid'" },
		{ "- rule: x\n  desc: d\n  condition: proc.name regex '('\n  output: o\n"
		  "  priority: ERROR\n",
		  "invalid regular expression" },
		{ "- rule: x\n  desc: d\n  condition: proc.aname[x] = a\n  output: o\n  priority: ERROR\n",
		  "bad index" },
		{ "- a: [\n", "t.yaml" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cs_error_clear(&err);
		assert_int_equal(eval_yaml(bad[i].yaml, e, &err), -2);
		if (!strstr(err.msg, bad[i].msg))
			fail_msg("case %zu: got '%s', want '%s'", i, err.msg, bad[i].msg);
	}
}

static void test_output(void **state)
{
	(void)state;
	struct cs_error err = CS_ERROR_INIT;
	struct cs_rules *r = NULL;
	char buf[512];
	static const char y[] =
		"- rule: t\n  desc: d\n  condition: evt.type = execve\n"
		"  output: \"shell %proc.name (pid=%proc.pid parent=%proc.aname[1] gp=%proc.aname[2] "
		"x=%proc.aname[5] k=%k8s.pod.name) in %container.id 100% done\"\n"
		"  priority: informational\n  tags: [a, b]\n  source: syscall\n";
	struct cs_rule_info ri;
	assert_int_equal(cs_rules_new(&r), 0);
	assert_int_equal(cs_rules_load_buf(r, "t", y, strlen(y), &err), 0);
	assert_int_equal(cs_rules_compile(r, &err), 0);
	cs_rules_render_output(r, 0, event_of(base_event), buf, sizeof(buf));
	assert_string_equal(buf, "shell bash (pid=100 parent=sshd gp=systemd x=<NA> k=<NA>) in "
				 "abcdef123456 100% done");
	/* truncation keeps a NUL */
	assert_int_equal(cs_rules_render_output(r, 0, event_of(base_event), buf, 8), 7);
	assert_string_equal(buf, "shell b");
	cs_rules_info(r, 0, &ri);
	assert_int_equal(ri.priority, CS_RULE_INFORMATIONAL);
	assert_int_equal(ri.n_tags, 2);
	assert_string_equal(cs_rule_priority_name(ri.priority), "Informational");
	cs_rules_free(r);
}

static void test_event_json(void **state)
{
	(void)state;
	struct cs_error err = CS_ERROR_INIT;
	struct cs_rt_event e2;
	struct cs_buf b = CS_BUF_INIT(1 << 20);
	struct cs_json *j = NULL;
	const struct cs_rt_event *e = event_of(base_event);
	/* write -> read is the identity on the fields */
	assert_int_equal(cs_json_new_buf(&b, 0, &j), 0);
	cs_rt_event_write_json(e, j);
	assert_int_equal(cs_json_finish(j), 0);
	cs_json_free(j);
	assert_int_equal(cs_rt_event_read_json(b.data, b.len, &e2, &err), 0);
	assert_memory_equal(e, &e2, sizeof(e2));
	cs_buf_done(&b);
	/* hostile input */
	static const struct {
		const char *json, *msg;
	} bad[] = {
		{ "[]", "not a json object" },
		{ "{}", "'evt.type': missing" },
		{ "{\"evt.type\":\"nosuch\"}", "unknown event type" },
		{ "{\"evt.type\":\"open\",\"proc.pid\":\"1\"}", "'proc.pid': not an integer" },
		{ "{\"evt.type\":\"open\",\"fd.sport\":70000}", "'fd.sport': out of range" },
		{ "{\"evt.type\":\"open\",\"proc.args\":[1]}", "not an array of strings" },
		{ "{\"evt.type\":\"open\",\"fd.type\":\"x\"}", "unknown fd type" },
		{ "{\"evt.type\":\"open\",\"proc.name\":\"a\",\"proc.name\":\"b\"}",
		  "invalid event json" },
		{ "{\"evt.type\":\"open\"", "invalid event json" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cs_error_clear(&err);
		assert_true(cs_rt_event_read_json(bad[i].json, strlen(bad[i].json), &e2, &err) < 0);
		if (!strstr(err.msg, bad[i].msg))
			fail_msg("case %zu: got '%s', want '%s'", i, err.msg, bad[i].msg);
	}
	/* oversized strings are truncated and flagged */
	char big[3000];
	int n = snprintf(big, sizeof(big), "{\"evt.type\":\"open\",\"fd.name\":\"");
	memset(big + n, 'a', 2000);
	memcpy(big + n + 2000, "\"}", 3);
	assert_int_equal(cs_rt_event_read_json(big, strlen(big), &e2, &err), 0);
	assert_int_equal(strlen(e2.fd.name), CS_RT_PATH_MAX - 1);
	assert_true(e2.truncated & CS_RT_TRUNC_PATH);
}

static void test_falco_rules_file(void **state)
{
	(void)state;
	struct cs_error err = CS_ERROR_INIT;
	struct cs_rules *r = NULL;
	struct cs_rules_stats st;
	char path[4096];
	const char *shared = getenv("CUSTOMS_SHARED");
	size_t unsupported = 0;
	if (!shared)
		skip();
	snprintf(path, sizeof(path), "%s/rules/falco/falco_rules.yaml", shared);
	assert_int_equal(cs_rules_new(&r), 0);
	if (cs_rules_load_file(r, path, &err) < 0 || cs_rules_compile(r, &err) < 0)
		fail_msg("%s", err.msg);
	cs_rules_get_stats(r, &st);
	assert_int_equal(st.lists, 49);
	assert_int_equal(st.macros, 87);
	assert_int_equal(st.rules, 25);
	assert_int_equal(st.active, 24);
	assert_int_equal(st.disabled, 0);
	assert_int_equal(st.unsupported, 1);
	/* exactly these rules cannot run, for exactly these reasons */
	for (size_t i = 0; i < cs_rules_count(r); i++) {
		struct cs_rule_info ri;
		cs_rules_info(r, i, &ri);
		if (ri.status == CS_RULE_ACTIVE) {
			/* every stable rule is indexed by event type, none runs on all */
			assert_false(ri.all_evttypes);
			continue;
		}
		unsupported++;
		assert_string_equal(ri.name, "Contact K8S API Server From Container");
		assert_string_equal(ri.reason, "unsupported field 'fd.sip.name'");
	}
	assert_int_equal(unsupported, 1);
	{
		/* the syscalls a sensor needs for the stable rules, and no others */
		static const enum cs_rt_evt_type want[] = {
			CS_RT_EVT_EXECVE,    CS_RT_EVT_EXECVEAT,    CS_RT_EVT_OPEN,
			CS_RT_EVT_OPENAT,    CS_RT_EVT_OPENAT2,	    CS_RT_EVT_CONNECT,
			CS_RT_EVT_SENDTO,    CS_RT_EVT_DUP,	    CS_RT_EVT_DUP2,
			CS_RT_EVT_DUP3,	     CS_RT_EVT_SOCKET,	    CS_RT_EVT_SYMLINK,
			CS_RT_EVT_SYMLINKAT, CS_RT_EVT_LINK,	    CS_RT_EVT_LINKAT,
			CS_RT_EVT_PTRACE,    CS_RT_EVT_INIT_MODULE, CS_RT_EVT_FINIT_MODULE,
		};
		uint64_t set[CS_RULES_EVTSET_WORDS], exp[CS_RULES_EVTSET_WORDS] = { 0, 0 };
		for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
			exp[want[i] / 64] |= 1ull << (want[i] % 64);
		cs_rules_evtypes(r, set);
		if (set[0] != exp[0] || set[1] != exp[1]) {
			for (unsigned t = 1; t < CS_RT_EVT_COUNT; t++)
				if (((set[t / 64] >> (t % 64)) & 1) !=
				    ((exp[t / 64] >> (t % 64)) & 1))
					print_message("differs: %s\n", cs_rt_evt_type_name(t));
			fail();
		}
	}
	cs_rules_free(r);
}

static int collect_name(size_t rule, void *ud)
{
	void **c = ud;
	const struct cs_rules *r = c[0];
	FILE *out = c[1];
	struct cs_rule_info ri;
	cs_rules_info(r, rule, &ri);
	fprintf(out, "%s\n", ri.name);
	return 0;
}

/*
 * The recorded attacks written as a binary recording (runtime/record.h) and
 * read back evaluate to exactly the rules the JSON form does.
 */
static void test_recording_replay(void **state)
{
	(void)state;
	const char *shared = getenv("CUSTOMS_SHARED"), *data = getenv("CUSTOMS_TESTDATA");
	struct cs_error err = CS_ERROR_INIT;
	struct cs_rules *r = NULL;
	struct cs_rt_writer *w = NULL;
	struct cs_rt_reader *rd = NULL;
	static struct cs_rt_event e;
	char path[4096], tmp[] = "/tmp/test-rules-XXXXXX", rec[64], line[300000];
	char *got = NULL, *want = NULL;
	size_t got_len = 0, want_len = 0, n = 0;
	FILE *f, *out, *exp;
	if (!shared || !data)
		skip();
	assert_non_null(mkdtemp(tmp));
	snprintf(rec, sizeof(rec), "%s/a.cse", tmp);
	snprintf(path, sizeof(path), "%s/runtime/attacks.jsonl", data);
	assert_non_null(f = fopen(path, "r"));
	assert_int_equal(cs_rt_writer_open(rec, &w, &err), 0);
	while (fgets(line, sizeof(line), f)) {
		assert_int_equal(cs_rt_event_read_json(line, strlen(line), &e, &err), 0);
		assert_int_equal(cs_rt_writer_add(w, &e, &err), 0);
		n++;
	}
	fclose(f);
	assert_int_equal(cs_rt_writer_close(w, &err), 0);

	snprintf(path, sizeof(path), "%s/rules/falco/falco_rules.yaml", shared);
	assert_int_equal(cs_rules_new(&r), 0);
	assert_int_equal(cs_rules_load_file(r, path, &err), 0);
	assert_int_equal(cs_rules_compile(r, &err), 0);
	assert_non_null(out = open_memstream(&got, &got_len));
	void *ctx[2] = { r, out };
	assert_int_equal(cs_rt_reader_open(rec, &rd, &err), 0);
	while (cs_rt_reader_next(rd, &e, &err) == 1) {
		cs_rules_eval(r, &e, collect_name, ctx);
		n--;
	}
	assert_int_equal(n, 0);
	assert_int_equal(cs_rt_reader_bad(rd), 0);
	cs_rt_reader_free(rd);
	fclose(out);
	snprintf(path, sizeof(path), "%s/runtime/attacks.expected", data);
	assert_non_null(exp = fopen(path, "r"));
	want = calloc(1, 65536);
	want_len = fread(want, 1, 65535, exp);
	fclose(exp);
	assert_int_equal(got_len, want_len);
	assert_string_equal(got, want);
	free(got);
	free(want);
	cs_rules_free(r);
	unlink(rec);
	rmdir(tmp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_operators),
		cmocka_unit_test(test_precedence_and_syntax),
		cmocka_unit_test(test_fields_and_transformers),
		cmocka_unit_test(test_macros_lists_index),
		cmocka_unit_test(test_macro_memo),
		cmocka_unit_test(test_exceptions),
		cmocka_unit_test(test_append_override),
		cmocka_unit_test(test_output),
		cmocka_unit_test(test_event_json),
		cmocka_unit_test(test_falco_rules_file),
		cmocka_unit_test(test_recording_replay),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
