/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The host audit's parsers and rules: permission bits compared as bits
 * (0611 is not within 0644 although 611 < 644), daemon.json (types, lines,
 * malformed input), dockerd flags as dockerd reads them, the ExecStart of
 * a systemd unit, audit rules, and the container checks over inspect
 * documents of the shape Docker and Podman return.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include "audit/host.h"

static void test_mode_bits(void **state)
{
	(void)state;
	assert_true(cs_mode_within(0644, 0644));
	assert_true(cs_mode_within(0600, 0644));
	assert_true(cs_mode_within(0444, 0644));
	assert_true(cs_mode_within(0, 0644));
	assert_true(cs_mode_within(0100644, 0644)); /* file type bits are not permissions */
	/* 611 < 644 as numbers, but 0611 gives group and others execute */
	assert_false(cs_mode_within(0611, 0644));
	assert_true(611 < 644);
	assert_false(cs_mode_within(0645, 0644));
	assert_false(cs_mode_within(0700, 0644));
	assert_false(cs_mode_within(0666, 0644));
	assert_false(cs_mode_within(04644, 0644)); /* setuid is a grant */
	assert_false(cs_mode_within(01644, 0644));
	assert_true(cs_mode_within(0660, 0660));
	assert_false(cs_mode_within(0661, 0660));
	assert_true(cs_mode_within(0400, 0444));
	assert_false(cs_mode_within(0440, 0400));
	assert_true(cs_mode_within(0750, 0755));
	assert_false(cs_mode_within(0757, 0755));
}

static const char *val(const struct cs_daemon_conf *c, const char *k)
{
	const struct cs_daemon_opt *o = cs_daemon_conf_get(c, k);

	return o ? o->value : NULL;
}

static void test_daemon_json(void **state)
{
	static const char doc[] =
		"{\n"
		"  \"icc\": false,\n"
		"  \"live-restore\": true,\n"
		"  \"insecure-registries\": [\"reg.example:5000\", \"10.0.0.1\"],\n"
		"  \"log-driver\": \"syslog\",\n"
		"  \"default-ulimits\": {\"nofile\": {\"Name\": \"nofile\", "
		"\"Soft\": 1024, \"Hard\": 2048}},\n"
		"  \"something-new\": {\"x\": 1}\n"
		"}\n";
	struct cs_daemon_conf c = { 0 };
	struct cs_error err = CS_ERROR_INIT;
	const struct cs_daemon_opt *o;
	size_t n = 0;

	(void)state;
	assert_int_equal(
		cs_daemon_json_parse(doc, strlen(doc), "/etc/docker/daemon.json", &c, &err), 0);
	assert_string_equal(val(&c, "icc"), "false");
	assert_string_equal(val(&c, "live-restore"), "true");
	assert_string_equal(val(&c, "log-driver"), "syslog");
	assert_string_equal(val(&c, "default-ulimits"), "nofile=1024:2048");
	assert_null(val(&c, "something-new"));
	for (size_t i = 0; i < c.n; i++)
		n += !strcmp(c.v[i].key, "insecure-registries");
	assert_int_equal(n, 2);
	o = cs_daemon_conf_get(&c, "icc");
	assert_int_equal(o->line, 2);
	assert_string_equal(o->source, "/etc/docker/daemon.json");
	assert_int_equal(cs_daemon_conf_get(&c, "log-driver")->line, 5);
	cs_daemon_conf_done(&c);

	/* empty files are what packages install */
	assert_int_equal(cs_daemon_json_parse(" \n", 2, "x", &c, &err), 0);
	assert_int_equal(c.n, 0);
}

static void test_daemon_json_bad(void **state)
{
	static const struct {
		const char *doc, *msg;
	} bad[] = {
		{ "{\"icc\": false,", "line 1" },
		{ "{\n\"icc\": \"no\"\n}", "line 2: 'icc' has the wrong type (want a boolean)" },
		{ "{\"insecure-registries\": \"x\"}", "want an array of strings" },
		{ "{\"insecure-registries\": [1]}", "want an array of strings" },
		{ "[1, 2]", "not a JSON object" },
		{ "{\"icc\": true, \"icc\": false}", "duplicate" },
		{ "{\"default-ulimits\": {\"nofile\": 3}}", "Soft" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct cs_daemon_conf c = { 0 };
		struct cs_error err = CS_ERROR_INIT;

		assert_int_equal(
			cs_daemon_json_parse(bad[i].doc, strlen(bad[i].doc), "x", &c, &err),
			-CS_E_INPUT);
		if (!strstr(err.msg, bad[i].msg))
			fail_msg("'%s': message '%s' lacks '%s'", bad[i].doc, err.msg, bad[i].msg);
		assert_null(strchr(err.msg, '\n'));
		cs_daemon_conf_done(&c);
	}
}

static void test_daemon_args(void **state)
{
	char *argv[] = { "-H",
			 "fd://",
			 "--containerd=/run/containerd/containerd.sock",
			 "--icc=false",
			 "--userland-proxy=false",
			 "--live-restore",
			 "-Htcp://0.0.0.0:2375",
			 "--insecure-registry",
			 "r.example",
			 "--log-level",
			 "debug",
			 "-s",
			 "aufs",
			 "--experimental=true" };
	struct cs_daemon_conf c = { 0 };
	struct cs_error err = CS_ERROR_INIT;
	size_t hosts = 0;

	(void)state;
	assert_int_equal(
		cs_daemon_args_parse(argv, sizeof(argv) / sizeof(argv[0]), "cmdline", 0, &c, &err),
		0);
	assert_string_equal(val(&c, "icc"), "false");
	assert_string_equal(val(&c, "userland-proxy"), "false");
	assert_string_equal(val(&c, "live-restore"), "true");
	assert_string_equal(val(&c, "insecure-registries"), "r.example");
	assert_string_equal(val(&c, "log-level"), "debug");
	assert_string_equal(val(&c, "storage-driver"), "aufs");
	assert_string_equal(val(&c, "experimental"), "true");
	for (size_t i = 0; i < c.n; i++)
		if (!strcmp(c.v[i].key, "hosts"))
			hosts++;
	assert_int_equal(hosts, 2);
	assert_string_equal(val(&c, "hosts"), "tcp://0.0.0.0:2375");
	cs_daemon_conf_done(&c);

	{
		char *bad[] = { "--icc=maybe" };

		assert_int_equal(cs_daemon_args_parse(bad, 1, "x", 0, &c, &err), -CS_E_INPUT);
		cs_daemon_conf_done(&c);
	}
}

static void test_unit(void **state)
{
	static const char unit[] =
		"[Unit]\n"
		"Description=Docker\n"
		"ExecStart=/bin/false --icc=true\n"
		"[Service]\n"
		"Type=notify\n"
		"ExecStart=/usr/bin/dockerd -H fd:// \\\n"
		"   --icc=false --tlsverify --tlscacert \"/etc/docker/ca dir/ca.pem\"\n"
		"ExecReload=/bin/kill -s HUP $MAINPID\n";
	struct cs_daemon_conf c = { 0 };
	struct cs_error err = CS_ERROR_INIT;
	bool found = false;

	(void)state;
	assert_int_equal(
		cs_daemon_unit_parse(unit, strlen(unit), "docker.service", &c, &found, &err), 0);
	assert_true(found);
	assert_string_equal(val(&c, "icc"), "false");
	assert_string_equal(val(&c, "tlsverify"), "true");
	assert_string_equal(val(&c, "tlscacert"), "/etc/docker/ca dir/ca.pem");
	assert_int_equal(cs_daemon_conf_get(&c, "icc")->line, 6);
	cs_daemon_conf_done(&c);

	/* an ExecStart that runs something else is not the daemon's command line */
	{
		static const char other[] = "[Service]\nExecStart=/usr/bin/podman system service\n";

		assert_int_equal(cs_daemon_unit_parse(other, strlen(other), "x", &c, &found, &err),
				 0);
	}
	assert_false(found);
	assert_int_equal(c.n, 0);
}

static void test_audit_rules(void **state)
{
	static const char rules[] = "## docker\n"
				    "-w /usr/bin/dockerd -k docker\n"
				    "-w /etc/docker/ -p wa\n"
				    "-a always,exit -F path=/usr/bin/runc -F perm=x -k docker\n"
				    "-a always,exit -F dir=/var/lib/docker -k docker\n"
				    "# -w /run/containerd\n"
				    "-W /usr/bin/containerd\n"
				    "-F path=/usr/bin/containerd-shim\n";
	struct cs_audit_watches w = { 0 };
	struct cs_error err = CS_ERROR_INIT;

	(void)state;
	assert_int_equal(cs_audit_rules_parse(rules, strlen(rules), &w, &err), 0);
	assert_true(cs_audit_watched(&w, "/usr/bin/dockerd"));
	assert_true(cs_audit_watched(&w, "/etc/docker"));
	assert_true(cs_audit_watched(&w, "/etc/docker/daemon.json"));
	assert_true(cs_audit_watched(&w, "/usr/bin/runc"));
	assert_true(cs_audit_watched(&w, "/var/lib/docker"));
	assert_false(cs_audit_watched(&w, "/etc/dockerx"));
	assert_false(cs_audit_watched(&w, "/run/containerd"));		/* a comment */
	assert_false(cs_audit_watched(&w, "/usr/bin/containerd"));	/* -W removes */
	assert_false(cs_audit_watched(&w, "/usr/bin/containerd-shim")); /* no -a */
	assert_false(cs_audit_watched(&w, "/usr/bin/docker"));
	cs_audit_watches_done(&w);
}

static const struct cs_check *find(const struct cs_audit *a, const char *id)
{
	for (size_t i = 0; i < a->n; i++)
		if (!strcmp(a->v[i].id, id))
			return &a->v[i];
	fail_msg("no result %s", id);
	return NULL;
}

static void test_container(void **state)
{
	static const char bad[] =
		"{\"Id\": \"0123456789abcdef0123\", \"Name\": \"/web\","
		" \"Config\": {\"User\": \"\"},"
		" \"HostConfig\": {\"Privileged\": true, \"CapAdd\": [\"CAP_SYS_ADMIN\"],"
		"  \"NetworkMode\": \"host\", \"PidMode\": \"host\", \"SecurityOpt\": "
		"[\"seccomp=unconfined\"], \"PortBindings\": {\"80/tcp\": [{\"HostIp\": \"\", "
		"\"HostPort\": \"80\"}]}, \"RestartPolicy\": {\"Name\": \"on-failure\", "
		"\"MaximumRetryCount\": 10}},"
		" \"Mounts\": [{\"Type\": \"bind\", \"Source\": \"/\", \"Destination\": \"/host\", "
		"\"RW\": true, \"Propagation\": \"rshared\"}, {\"Type\": \"bind\", \"Source\": "
		"\"/run/podman/podman.sock\", \"Destination\": \"/var/run/docker.sock\"}]}";
	static const char good[] =
		"{\"Id\": \"abcdef0123456789abcd\", \"Name\": \"/ok\","
		" \"Config\": {\"User\": \"1000\", \"Healthcheck\": {\"Test\": [\"CMD\", \"true\"]}},"
		" \"HostConfig\": {\"Memory\": 67108864, \"NanoCpus\": 500000000, \"PidsLimit\": 100,"
		"  \"ReadonlyRootfs\": true, \"NetworkMode\": \"mynet\", \"SecurityOpt\": "
		"[\"no-new-privileges\"], \"PortBindings\": {\"8080/tcp\": [{\"HostIp\": "
		"\"127.0.0.1\", \"HostPort\": \"8080\"}]}}}";
	struct cs_audit *a = NULL;
	json_t *j;

	(void)state;
	assert_int_equal(cs_audit_new("host", &a), 0);
	j = json_loads(bad, 0, NULL);
	assert_non_null(j);
	assert_int_equal(cs_audit_container(j, NULL, "/run/podman/podman.sock", a), 0);
	json_decref(j);
	assert_string_equal(find(a, "CS-CTR-5.4")->target, "container web (0123456789ab)");
	assert_int_equal(find(a, "CS-CTR-4.1")->status, CS_CHECK_FAIL);
	assert_int_equal(find(a, "CS-CTR-5.3")->status, CS_CHECK_FAIL);
	assert_int_equal(find(a, "CS-CTR-5.4")->status, CS_CHECK_FAIL);
	assert_int_equal(find(a, "CS-CTR-5.5")->status, CS_CHECK_FAIL);
	assert_int_equal(find(a, "CS-CTR-5.7")->status, CS_CHECK_FAIL);
	assert_int_equal(find(a, "CS-CTR-5.9")->status, CS_CHECK_FAIL);
	assert_int_equal(find(a, "CS-CTR-5.10")->status, CS_CHECK_FAIL);
	assert_int_equal(find(a, "CS-CTR-5.13")->status, CS_CHECK_FAIL);
	assert_int_equal(find(a, "CS-CTR-5.14")->status, CS_CHECK_FAIL);
	assert_int_equal(find(a, "CS-CTR-5.15")->status, CS_CHECK_FAIL);
	assert_int_equal(find(a, "CS-CTR-5.19")->status, CS_CHECK_FAIL);
	assert_int_equal(find(a, "CS-CTR-5.21")->status, CS_CHECK_FAIL);
	assert_int_equal(find(a, "CS-CTR-5.25")->status, CS_CHECK_FAIL);
	assert_int_equal(find(a, "CS-CTR-5.26")->status, CS_CHECK_FAIL);
	assert_int_equal(find(a, "CS-CTR-5.28")->status, CS_CHECK_FAIL);
	assert_int_equal(find(a, "CS-CTR-5.31")->status, CS_CHECK_FAIL);
	cs_audit_free(a);

	assert_int_equal(cs_audit_new("host", &a), 0);
	j = json_loads(good, 0, NULL);
	assert_int_equal(cs_audit_container(j, NULL, "/run/podman/podman.sock", a), 0);
	json_decref(j);
	for (size_t i = 0; i < a->n; i++)
		if (a->v[i].status == CS_CHECK_FAIL)
			fail_msg("%s fails on a hardened container: %s", a->v[i].id,
				 a->v[i].evidence);
	assert_int_equal(find(a, "CS-CTR-5.13")->status, CS_CHECK_PASS);
	assert_int_equal(find(a, "CS-CTR-5.11")->status, CS_CHECK_PASS);
	cs_audit_free(a);
}

static void test_top(void **state)
{
	static const char inspect[] = "{\"Id\": \"0123456789abcdef0123\", \"Name\": \"/t\"}";
	static const struct {
		const char *top;
		enum cs_check_status want;
	} cases[] = {
		/* Docker: columns */
		{ "{\"Titles\": [\"UID\", \"PID\", \"CMD\"], \"Processes\": [[\"root\", \"1\", "
		  "\"/usr/sbin/sshd -D\"]]}",
		  CS_CHECK_FAIL },
		{ "{\"Titles\": [\"UID\", \"PID\", \"CMD\"], \"Processes\": [[\"root\", \"7\", "
		  "\"sshd: alice@pts/0\"]]}",
		  CS_CHECK_FAIL },
		/* Podman's compatible API: one string, busybox ps */
		{ "{\"Titles\": [\"PID   USER     TIME  COMMAND\"], \"Processes\": [[\"1 root 0:00 "
		  "{sshd} /bin/sh /tmp/sshd\"]]}",
		  CS_CHECK_FAIL },
		{ "{\"Titles\": [\"PID   USER     TIME  COMMAND\"], \"Processes\": [[\"1 root 0:00 "
		  "sleep 600\"], [\"2 root 0:00 /usr/bin/sshdx\"]]}",
		  CS_CHECK_PASS },
		{ "{\"message\": \"no such container\"}", CS_CHECK_MANUAL },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct cs_audit *a = NULL;
		json_t *j = json_loads(inspect, 0, NULL), *t = json_loads(cases[i].top, 0, NULL);

		assert_non_null(t);
		assert_int_equal(cs_audit_new("host", &a), 0);
		assert_int_equal(cs_audit_container(j, t, NULL, a), 0);
		if (find(a, "CS-CTR-5.6")->status != cases[i].want)
			fail_msg("case %zu: %s", i, find(a, "CS-CTR-5.6")->evidence);
		json_decref(j);
		json_decref(t);
		cs_audit_free(a);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mode_bits),
		cmocka_unit_test(test_daemon_json),
		cmocka_unit_test(test_daemon_json_bad),
		cmocka_unit_test(test_daemon_args),
		cmocka_unit_test(test_unit),
		cmocka_unit_test(test_audit_rules),
		cmocka_unit_test(test_container),
		cmocka_unit_test(test_top),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
