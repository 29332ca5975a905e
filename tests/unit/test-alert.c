/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Alert routing against real targets: files with size and age rotation, a
 * syslog datagram socket bound by the test, and a real HTTP server
 * (python3's http.server, started here) that fails on purpose to exercise
 * retries, client errors and a full queue; rate limiting on a test clock.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include "runtime/alert.h"

static char dir[64];
static double fake_now;

static double fake_clock(void)
{
	return fake_now;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	size_t n;

	if (!f)
		return NULL;
	buf = calloc(1, 1 << 20);
	assert_non_null(buf);
	n = fread(buf, 1, (1 << 20) - 1, f);
	buf[n] = 0;
	fclose(f);
	return buf;
}

static int count_lines(const char *s)
{
	int n = 0;

	for (; s && *s; s++)
		n += *s == '\n';
	return n;
}

static void emit(struct cs_alert_router *r, const char *key, const char *json)
{
	struct cs_alert a = { .key = key, .severity = 4, .json = json };

	assert_int_equal(cs_alert_router_emit(r, &a), 0);
}

static void test_file_rotation(void **state)
{
	struct cs_alert_options o = { .rate_per_sec = -1 };
	struct cs_error err = CS_ERROR_INIT;
	struct cs_alert_router *r = NULL;
	struct cs_alert_stats st;
	char target[256], path[256], all[8192] = "";
	int last = -1;

	(void)state;
	snprintf(target, sizeof(target), "file:%s/alerts.jsonl?max_size=200&keep=2", dir);
	assert_int_equal(cs_alert_router_new((const char *[]){ target }, 1, &o, &r, &err), 0);
	for (int i = 0; i < 20; i++) {
		char json[128];

		snprintf(json, sizeof(json),
			 "{\"n\":%d,\"pad\":\"0123456789012345678901234567890\"}", i);
		emit(r, NULL, json);
	}
	assert_true(cs_alert_router_flush(r, 5000));
	cs_alert_router_stats(r, &st);
	assert_int_equal(st.delivered, 20);
	assert_int_equal(st.dropped, 0);
	cs_alert_router_free(r, 1000);

	/* alerts.jsonl.2, .1 and alerts.jsonl hold the latest alerts in order */
	for (int k = 2; k >= 0; k--) {
		char *s;
		struct stat sb;

		if (k)
			snprintf(path, sizeof(path), "%s/alerts.jsonl.%d", dir, k);
		else
			snprintf(path, sizeof(path), "%s/alerts.jsonl", dir);
		assert_int_equal(stat(path, &sb), 0);
		assert_true(sb.st_size <= 200);
		assert_int_equal(sb.st_mode & 0777, 0600);
		s = slurp(path);
		assert_non_null(s);
		snprintf(all + strlen(all), sizeof(all) - strlen(all), "%s", s);
		free(s);
	}
	snprintf(path, sizeof(path), "%s/alerts.jsonl.3", dir);
	assert_int_equal(access(path, F_OK), -1);
	for (char *p = all; (p = strstr(p, "{\"n\":")); p++) {
		int n = (int)strtol(p + 5, NULL, 10);

		if (last >= 0)
			assert_int_equal(n, last + 1);
		last = n;
	}
	assert_int_equal(last, 19);
	assert_true(count_lines(all) >= 6);
}

static void test_age_rotation_and_rate_limit(void **state)
{
	struct cs_alert_options o = { .rate_burst = 3, .rate_per_sec = 1, .clock = fake_clock };
	struct cs_error err = CS_ERROR_INIT;
	struct cs_alert_router *r = NULL;
	struct cs_alert_stats st;
	char target[256], path[256];
	char *s;

	(void)state;
	fake_now = 1000;
	snprintf(target, sizeof(target), "file:%s/rl.jsonl?max_age=10s", dir);
	assert_int_equal(cs_alert_router_new((const char *[]){ target }, 1, &o, &r, &err), 0);
	for (int i = 0; i < 10; i++)
		emit(r,
		     "shell\x1f"
		     "c1",
		     "{\"rule\":\"shell\",\"c\":\"c1\"}");
	emit(r,
	     "shell\x1f"
	     "c2",
	     "{\"rule\":\"shell\",\"c\":\"c2\"}");
	assert_true(cs_alert_router_flush(r, 5000));
	cs_alert_router_stats(r, &st);
	assert_int_equal(st.emitted, 11);
	assert_int_equal(st.rate_limited, 7);
	assert_int_equal(st.delivered, 4);
	/* 2.5 s later: two tokens back; the next one says how many were held */
	fake_now += 2.5;
	emit(r,
	     "shell\x1f"
	     "c1",
	     "{\"rule\":\"shell\",\"c\":\"c1\"}");
	assert_true(cs_alert_router_flush(r, 5000));
	snprintf(path, sizeof(path), "%s/rl.jsonl", dir);
	s = slurp(path);
	assert_non_null(strstr(s, "{\"rule\":\"shell\",\"c\":\"c1\",\"suppressed\":7}\n"));
	assert_int_equal(count_lines(s), 5);
	free(s);
	/* older than max_age: the next alert starts a new file */
	fake_now += 11;
	emit(r, NULL, "{\"rule\":\"late\"}");
	assert_true(cs_alert_router_flush(r, 5000));
	cs_alert_router_free(r, 1000);
	s = slurp(path);
	assert_string_equal(s, "{\"rule\":\"late\"}\n");
	free(s);
	snprintf(path, sizeof(path), "%s/rl.jsonl.1", dir);
	s = slurp(path);
	assert_int_equal(count_lines(s), 5);
	free(s);
}

static void test_syslog(void **state)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct cs_error err = CS_ERROR_INIT;
	struct cs_alert_router *r = NULL;
	struct cs_alert a = { .severity = 2, .json = "{\"x\":1}", .text = "Critical shell in c1" };
	char target[256], buf[1024], want[64];
	ssize_t n;
	int fd;

	(void)state;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/log", dir);
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	snprintf(target, sizeof(target), "syslog:%s", sa.sun_path);
	assert_int_equal(cs_alert_router_new((const char *[]){ target }, 1, NULL, &r, &err), 0);
	assert_int_equal(cs_alert_router_emit(r, &a), 0);
	n = recv(fd, buf, sizeof(buf) - 1, 0);
	assert_true(n > 0);
	buf[n] = 0;
	/* facility daemon (3), severity critical (2): <26> */
	assert_memory_equal(buf, "<26>", 4);
	snprintf(want, sizeof(want), " customs[%d]: Critical shell in c1", (int)getpid());
	assert_non_null(strstr(buf, want));
	cs_alert_router_free(r, 1000);
	close(fd);
}

/* python3 http.server: MODE "flaky" (503 then 200), "reject" (400), "slow" */
static pid_t server(const char *mode, int *port)
{
	static const char script[] =
		"import http.server, sys, time\n"
		"mode, portfile, log = sys.argv[1], sys.argv[2], sys.argv[3]\n"
		"seen = [0]\n"
		"class H(http.server.BaseHTTPRequestHandler):\n"
		"    def do_POST(self):\n"
		"        body = self.rfile.read(int(self.headers['Content-Length']))\n"
		"        seen[0] += 1\n"
		"        open(log, 'a').write(self.headers['Content-Type'] + ' ' + body.decode() + '\\n')\n"
		"        code = 200\n"
		"        if mode == 'flaky' and seen[0] == 1: code = 503\n"
		"        if mode == 'reject': code = 400\n"
		"        if mode == 'slow': time.sleep(2)\n"
		"        self.send_response(code); self.send_header('Content-Length', '0'); self.end_headers()\n"
		"    def log_message(self, *a): pass\n"
		"s = http.server.HTTPServer(('127.0.0.1', 0), H)\n"
		"open(portfile + '.tmp', 'w').write(str(s.server_address[1]))\n"
		"import os; os.rename(portfile + '.tmp', portfile)\n"
		"s.serve_forever()\n";
	char portfile[256], log[256];
	pid_t pid;

	snprintf(portfile, sizeof(portfile), "%s/%s.port", dir, mode);
	snprintf(log, sizeof(log), "%s/%s.log", dir, mode);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		execl("/usr/bin/python3", "python3", "-c", script, mode, portfile, log,
		      (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 200; i++) {
		char *s = slurp(portfile);

		if (s) {
			*port = (int)strtol(s, NULL, 10);
			free(s);
			return pid;
		}
		usleep(50000);
	}
	kill(pid, SIGKILL);
	fail_msg("the test HTTP server did not start");
	return -1;
}

static void stop(pid_t pid)
{
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
}

static void test_webhook(void **state)
{
	struct cs_alert_options o = { .webhook_backoff_ms = 50, .rate_per_sec = -1 };
	struct cs_error err = CS_ERROR_INIT;
	struct cs_alert_router *r = NULL;
	struct cs_alert_stats st;
	char target[256], path[256];
	int port = 0;
	pid_t pid;
	char *s;

	(void)state;
	/* 503 first: retried, then delivered */
	pid = server("flaky", &port);
	snprintf(target, sizeof(target), "webhook:http://127.0.0.1:%d/alerts", port);
	assert_int_equal(cs_alert_router_new((const char *[]){ target }, 1, &o, &r, &err), 0);
	emit(r, NULL, "{\"rule\":\"Terminal shell in container\"}");
	assert_true(cs_alert_router_flush(r, 10000));
	cs_alert_router_stats(r, &st);
	assert_int_equal(st.delivered, 1);
	assert_int_equal(st.failed, 0);
	cs_alert_router_free(r, 1000);
	stop(pid);
	snprintf(path, sizeof(path), "%s/flaky.log", dir);
	s = slurp(path);
	assert_string_equal(s, "application/json {\"rule\":\"Terminal shell in container\"}\n"
			       "application/json {\"rule\":\"Terminal shell in container\"}\n");
	free(s);

	/* 400: not retried, counted as failed */
	pid = server("reject", &port);
	snprintf(target, sizeof(target), "webhook:http://127.0.0.1:%d/", port);
	assert_int_equal(cs_alert_router_new((const char *[]){ target }, 1, &o, &r, &err), 0);
	emit(r, NULL, "{\"a\":1}");
	assert_true(cs_alert_router_flush(r, 10000));
	cs_alert_router_stats(r, &st);
	assert_int_equal(st.failed, 1);
	cs_alert_router_free(r, 1000);
	stop(pid);
	snprintf(path, sizeof(path), "%s/reject.log", dir);
	s = slurp(path);
	assert_int_equal(count_lines(s), 1);
	free(s);

	/* a slow receiver: the queue (2) fills, the rest is dropped, emit does not wait */
	o.queue_max = 2;
	pid = server("slow", &port);
	snprintf(target, sizeof(target), "webhook:http://127.0.0.1:%d/", port);
	assert_int_equal(cs_alert_router_new((const char *[]){ target }, 1, &o, &r, &err), 0);
	for (int i = 0; i < 10; i++)
		emit(r, NULL, "{\"burst\":1}");
	cs_alert_router_stats(r, &st);
	assert_int_equal(st.emitted, 10);
	assert_true(st.dropped >= 7);
	assert_int_equal(st.delivered, 0);
	cs_alert_router_free(r, 0);
	stop(pid);
}

static void test_bad_targets(void **state)
{
	static const struct {
		const char *spec, *msg;
	} bad[] = {
		{ "ftp://x", "unknown alert target 'ftp://x'" },
		{ "file:", "no path" },
		{ "file:/nonexistent-dir/alerts",
		  "cannot open alert file '/nonexistent-dir/alerts'" },
		{ "file:/tmp/x?keep=0", "bad option 'keep'" },
		{ "file:/tmp/x?max_size=12Q", "bad option 'max_size'" },
		{ "syslog:/nonexistent-dir/log", "cannot reach syslog at '/nonexistent-dir/log'" },
		{ "webhook:ftp://host/", "needs an http(s) URL" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct cs_error err = CS_ERROR_INIT;
		struct cs_alert_router *r = NULL;

		assert_true(cs_alert_router_new(&bad[i].spec, 1, NULL, &r, &err) < 0);
		assert_null(r);
		if (!strstr(err.msg, bad[i].msg))
			fail_msg("%s: '%s' lacks '%s'", bad[i].spec, err.msg, bad[i].msg);
		assert_null(strchr(err.msg, '\n'));
	}
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/customs-alert-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_file_rotation),
		cmocka_unit_test(test_age_rotation_and_rate_limit),
		cmocka_unit_test(test_syslog),
		cmocka_unit_test(test_webhook),
		cmocka_unit_test(test_bad_targets),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, setup, teardown);
}
