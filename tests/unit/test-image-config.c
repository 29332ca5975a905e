/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The image configuration analyser's parsers and pattern checks: account
 * files, secret names and values, build-history patterns, setuid and
 * volume lists.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "analyze/config.h"
#include "image/overlay.h"

static void parse(const char *text, enum cs_account_file kind, struct cs_account **v, size_t *n,
		  size_t *bad)
{
	struct cs_error err = CS_ERROR_INIT;

	assert_int_equal(cs_accounts_parse(text, strlen(text), kind, v, n, bad, &err), 0);
}

static void test_passwd(void **state)
{
	const char *text = "# comment\n"
			   "root:x:0:0:root:/root:/bin/ash\n"
			   "toor::0:0::/root:/bin/sh\n"
			   "daemon:x:2:2:daemon:/sbin:/sbin/nologin\n"
			   "\n"
			   "+nis\n"
			   "broken:x:1\n"
			   "nobody::65534:65534:nobody:/:/sbin/nologin\r\n"
			   "big:x:99999999999:1::/:\n"
			   "last:x:1000:1000::/home/last:/bin/bash"; /* no final newline */
	struct cs_account *v = NULL;
	size_t n = 0, bad = 0;

	(void)state;
	parse(text, CS_ACCOUNT_PASSWD, &v, &n, &bad);
	assert_int_equal(n, 6);
	assert_int_equal(bad, 1);
	assert_string_equal(v[0].name, "root");
	assert_int_equal(v[0].line, 2);
	assert_true(v[0].has_id);
	assert_int_equal(v[0].id, 0);
	assert_false(v[0].empty_password);
	assert_string_equal(v[0].shell, "/bin/ash");
	assert_string_equal(v[1].name, "toor");
	assert_true(v[1].empty_password);
	assert_int_equal(v[1].id, 0);
	assert_string_equal(v[3].name, "nobody");
	assert_true(v[3].empty_password);
	assert_string_equal(v[3].shell, "/sbin/nologin"); /* \r dropped */
	assert_false(cs_login_shell(v[3].shell));
	assert_string_equal(v[4].name, "big");
	assert_false(v[4].has_id); /* does not fit 32 bits */
	assert_null(v[4].shell);
	assert_string_equal(v[5].name, "last");
	assert_int_equal(v[5].id, 1000);
	assert_string_equal(v[5].shell, "/bin/bash");
	cs_accounts_free(v, n);
}

static void test_shadow_group(void **state)
{
	struct cs_account *v = NULL;
	size_t n = 0, bad = 0;

	(void)state;
	parse("root:*:19000:0:::::\nempty::19000:0:99999:7:::\nlocked:!:1::::::\nshort\n",
	      CS_ACCOUNT_SHADOW, &v, &n, &bad);
	assert_int_equal(n, 3);
	assert_int_equal(bad, 1);
	assert_false(v[0].empty_password);
	assert_true(v[1].empty_password);
	assert_string_equal(v[1].name, "empty");
	assert_false(v[2].empty_password);
	assert_false(v[0].has_id);
	cs_accounts_free(v, n);

	parse("root:x:0:\nwheel:x:10:root\nadm:x:10:\n", CS_ACCOUNT_GROUP, &v, &n, &bad);
	assert_int_equal(n, 3);
	assert_int_equal(v[1].id, 10);
	assert_int_equal(v[2].id, 10);
	assert_null(v[1].shell);
	cs_accounts_free(v, n);

	/* empty input, only junk */
	parse("", CS_ACCOUNT_PASSWD, &v, &n, &bad);
	assert_int_equal(n, 0);
	cs_accounts_free(v, n);
	parse(":x:0:0::/:/bin/sh\n", CS_ACCOUNT_PASSWD, &v, &n, &bad);
	assert_int_equal(n, 0);
	assert_int_equal(bad, 1);
	cs_accounts_free(v, n);
}

static void test_account_limit(void **state)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_account *v = NULL;
	size_t n = 0, len = 0;
	char *big = malloc((size_t)(CS_ACCOUNT_MAX + 1) * 4);
	int r;

	(void)state;
	assert_non_null(big);
	for (size_t i = 0; i <= CS_ACCOUNT_MAX; i++) {
		memcpy(big + len, "a:\n", 3);
		len += 3;
	}
	r = cs_accounts_parse(big, len, CS_ACCOUNT_SHADOW, &v, &n, NULL, &err);
	assert_int_equal(r, -CS_E_LIMIT);
	assert_true(strstr(err.msg, "accounts") != NULL);
	free(big);
}

static void test_login_shell(void **state)
{
	(void)state;
	assert_true(cs_login_shell(NULL));
	assert_true(cs_login_shell(""));
	assert_true(cs_login_shell("/bin/bash"));
	assert_false(cs_login_shell("/usr/sbin/nologin"));
	assert_false(cs_login_shell("/bin/false"));
	assert_false(cs_login_shell("/bin/sync"));
}

static bool name(const char *s)
{
	return cs_secret_name(s, strlen(s));
}

static void test_secret_name(void **state)
{
	(void)state;
	assert_true(name("DB_PASSWORD"));
	assert_true(name("password"));
	assert_true(name("MYSQL_ROOT_PASSWORD"));
	assert_true(name("DBPASSWORD"));
	assert_true(name("GITHUB_TOKEN"));
	assert_true(name("AWS_SECRET_ACCESS_KEY"));
	assert_true(name("API_KEY"));
	assert_true(name("STRIPE_APIKEY"));
	assert_true(name("client-secret"));
	assert_true(name("--password"));
	assert_true(name("PRIVATE_KEY"));
	assert_false(name("PASSWORD_FILE"));
	assert_false(name("DB_PASSWORD_PATH"));
	assert_false(name("TOKEN_URL"));
	assert_false(name("PATH"));
	assert_false(name("PWD"));
	assert_false(name("TOKENIZERS_PARALLELISM"));
	assert_false(name("PASSPORT_ID"));
	assert_false(name("GPG_KEY"));
	assert_false(name("KEY"));
	assert_false(name(""));
	assert_false(name("--"));

	assert_true(cs_secret_value("hunter2", 7));
	assert_false(cs_secret_value("", 0));
	assert_false(cs_secret_value("$DB_PASSWORD", 12));
	assert_false(cs_secret_value("${X}", 4));
	assert_false(cs_secret_value("true", 4));
	assert_false(cs_secret_value("NO", 2));
}

static void test_secret_assignment(void **state)
{
	const char *s = "|2 DB_PASSWORD=s3cr3t-value HTTP_PROXY=x /bin/sh -c "
			"mysql --password=\"quoted pw\" && echo TOKEN=$TOKEN; API_KEY='k1'";
	struct cs_span n, v;
	size_t pos = 0;

	(void)state;
	assert_true(cs_next_secret_assignment(s, strlen(s), &pos, &n, &v));
	assert_int_equal(n.len, strlen("DB_PASSWORD"));
	assert_memory_equal(s + n.off, "DB_PASSWORD", n.len);
	assert_memory_equal(s + v.off, "s3cr3t-value", v.len);
	assert_true(cs_next_secret_assignment(s, strlen(s), &pos, &n, &v));
	assert_memory_equal(s + n.off, "--password", n.len);
	assert_int_equal(v.len, strlen("quoted pw"));
	assert_memory_equal(s + v.off, "quoted pw", v.len);
	/* TOKEN=$TOKEN is a reference, not a literal */
	assert_true(cs_next_secret_assignment(s, strlen(s), &pos, &n, &v));
	assert_memory_equal(s + n.off, "API_KEY", n.len);
	assert_memory_equal(s + v.off, "k1", v.len);
	assert_false(cs_next_secret_assignment(s, strlen(s), &pos, &n, &v));
	assert_int_equal(pos, strlen(s));

	/* not a name: part of a longer word, or no value */
	pos = 0;
	assert_false(cs_next_secret_assignment("x.y/PASSWORD= ", 14, &pos, &n, &v));
	/* an unterminated quote runs to the end */
	pos = 0;
	assert_true(cs_next_secret_assignment("unterminated PASSWORD=\"abc", 26, &pos, &n, &v));
	assert_int_equal(v.len, 3);
	assert_int_equal(pos, 26);
}

static void test_history_instr(void **state)
{
	const char *args = NULL;

	(void)state;
	assert_int_equal(cs_history_instr("/bin/sh -c #(nop) ADD file:ab12 in / ", &args),
			 CS_HIST_ADD);
	assert_string_equal(args, "file:ab12 in / ");
	assert_int_equal(cs_history_instr("/bin/sh -c #(nop)  ENV A=b", &args), CS_HIST_ENV);
	assert_string_equal(args, "A=b");
	assert_int_equal(cs_history_instr("/bin/sh -c apk add x", &args), CS_HIST_RUN);
	assert_string_equal(args, "apk add x");
	assert_int_equal(cs_history_instr("|1 A=b /bin/sh -c make", &args), CS_HIST_RUN);
	assert_string_equal(args, "make");
	assert_int_equal(cs_history_instr("RUN /bin/sh -c make # buildkit", &args), CS_HIST_RUN);
	assert_string_equal(args, "make # buildkit");
	assert_int_equal(cs_history_instr("COPY . /app # buildkit", &args), CS_HIST_COPY);
	assert_int_equal(cs_history_instr("CMD [\"sh\"]", &args), CS_HIST_OTHER);
	assert_int_equal(cs_history_instr(NULL, &args), CS_HIST_OTHER);
}

static void test_history_check(void **state)
{
	(void)state;
	assert_int_equal(cs_history_check("/bin/sh -c apt-get update"), CS_HIST_UPDATE_ALONE);
	assert_int_equal(cs_history_check("/bin/sh -c apt-get -q update && apt-get install -y x"),
			 0);
	assert_int_equal(cs_history_check("/bin/sh -c apt update; apt install x"), 0);
	assert_int_equal(cs_history_check("/bin/sh -c apk update"), CS_HIST_APK_UPDATE_ALONE);
	assert_int_equal(cs_history_check("/bin/sh -c apk update && apk add curl"), 0);
	assert_int_equal(cs_history_check("/bin/sh -c apk add --no-cache curl"), 0);
	assert_int_equal(cs_history_check("/bin/sh -c yum -y update && yum clean all"),
			 CS_HIST_YUM_UPDATE);
	assert_int_equal(cs_history_check("/bin/sh -c dnf upgrade -y"), CS_HIST_YUM_UPDATE);
	assert_int_equal(cs_history_check("/bin/sh -c apt-get update && apt-get dist-upgrade -y && "
					  "apt-get install -y x"),
			 CS_HIST_DIST_UPGRADE);
	assert_int_equal(cs_history_check("/bin/sh -c /usr/bin/apt-get update"),
			 CS_HIST_UPDATE_ALONE);
	/* a word that merely contains the tool name */
	assert_int_equal(cs_history_check("/bin/sh -c echo my-apt-get update"), 0);
	assert_int_equal(cs_history_check("/bin/sh -c echo apt-get"), 0);
	/* ADD */
	assert_int_equal(cs_history_check("/bin/sh -c #(nop) ADD file:1bccf1 in / "), 0);
	assert_int_equal(cs_history_check("/bin/sh -c #(nop) ADD https://example.com/x.tgz /opt"),
			 CS_HIST_ADD_REMOTE);
	assert_int_equal(cs_history_check("ADD --chown=1:1 http://e.com/a /a # buildkit"),
			 CS_HIST_ADD_REMOTE);
	assert_int_equal(cs_history_check("/bin/sh -c #(nop) ADD file:abc in /app"),
			 CS_HIST_ADD_LOCAL);
	assert_int_equal(cs_history_check("/bin/sh -c #(nop) COPY file:abc in /app"), 0);
	assert_int_equal(cs_history_check(""), 0);
}

static void test_setid_volume(void **state)
{
	(void)state;
	assert_true(cs_setid_expected("usr/bin/passwd"));
	assert_true(cs_setid_expected("bin/su"));
	assert_true(cs_setid_expected("bin/bbsuid"));
	assert_false(cs_setid_expected("usr/local/bin/suidbox"));
	assert_false(cs_setid_expected("opt/app/passwd")); /* right name, odd place */
	assert_false(cs_setid_expected("usr/bin/python3"));

	assert_true(cs_volume_sensitive("/"));
	assert_true(cs_volume_sensitive("/etc"));
	assert_true(cs_volume_sensitive("/etc/"));
	assert_true(cs_volume_sensitive("//etc/ssl"));
	assert_true(cs_volume_sensitive("/var/run/docker.sock"));
	assert_true(cs_volume_sensitive("/proc"));
	assert_true(cs_volume_sensitive("/sys/fs/cgroup"));
	assert_true(cs_volume_sensitive("/root/.ssh"));
	assert_false(cs_volume_sensitive("/data"));
	assert_false(cs_volume_sensitive("/var/lib/postgresql/data"));
	assert_false(cs_volume_sensitive("/etcetera"));
	assert_false(cs_volume_sensitive("/procfs"));
	assert_false(cs_volume_sensitive("/root/data"));
}

/* The analyser end to end on a hand-fed walk: overlay + its walker, then finish(). */
struct walk {
	struct cs_overlay *ov;
	struct cs_walker ow, cw;
	void *state;
};

static void feed(struct walk *w, unsigned layer, enum cs_entry_type type, const char *path,
		 uint32_t mode, const char *content)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_entry e = {
		.path = path,
		.type = type,
		.mode = mode,
		.layer = layer,
		.size = content ? strlen(content) : 0,
	};
	int want;

	assert_int_equal(w->ow.entry(w->ow.userdata, &e, &err), 0);
	want = w->cw.entry(w->cw.userdata, &e, &err);
	assert_true(want >= 0);
	if (want == 1) {
		size_t n = strlen(content), half = n / 2;

		/* in two pieces, as a layer read delivers content */
		assert_int_equal(w->cw.data(w->cw.userdata, &e, content, half, &err), 0);
		assert_int_equal(w->cw.data(w->cw.userdata, &e, content + half, n - half, &err), 0);
		assert_int_equal(w->cw.data_end(w->cw.userdata, &e, &err), 0);
	}
}

static const struct cs_issue *find(const struct cs_issues *is, const char *rule, size_t nth)
{
	for (size_t i = 0; i < is->n; i++)
		if (!strcmp(is->v[i].rule_id, rule) && nth-- == 0)
			return &is->v[i];
	return NULL;
}

static size_t count(const struct cs_issues *is, const char *rule)
{
	size_t n = 0;

	while (find(is, rule, n))
		n++;
	return n;
}

static void test_analyzer_walk(void **state)
{
	const struct cs_analyzer *an = cs_analyzer_find("config");
	struct cs_analyze_context ctx = { 0 };
	struct cs_error err = CS_ERROR_INIT;
	struct cs_issues *is = NULL;
	struct cs_limits lim;
	struct walk w = { 0 };
	const struct cs_issue *x;

	(void)state;
	assert_ptr_equal(an, &cs_analyzer_config);
	cs_limits_default(&lim);
	assert_int_equal(cs_overlay_new(&lim, &w.ov), 0);
	cs_overlay_walker(w.ov, &w.ow);
	assert_int_equal(an->state_new(NULL, &w.state, &err), 0);
	an->walker(w.state, &w.cw);

	feed(&w, 0, CS_ENTRY_DIR, "etc", 0755, NULL);
	feed(&w, 0, CS_ENTRY_REG, "etc/passwd", 0644,
	     "root:x:0:0::/root:/bin/sh\nadmin::0:0::/:/bin/sh\n");
	feed(&w, 0, CS_ENTRY_REG, "etc/shadow", 0640, "root::1::::::\n");
	feed(&w, 0, CS_ENTRY_REG, "etc/group", 0644, "a:x:5:\nb:x:5:\n");
	feed(&w, 0, CS_ENTRY_DIR, "usr/bin", 0755, NULL);
	feed(&w, 0, CS_ENTRY_REG, "usr/bin/passwd", 04755, "");
	feed(&w, 0, CS_ENTRY_REG, "usr/bin/evil", 02755, "");
	feed(&w, 0, CS_ENTRY_DIR, "srv/w", 0777, NULL);
	feed(&w, 0, CS_ENTRY_DIR, "tmp", 01777, NULL);
	feed(&w, 0, CS_ENTRY_REG, "tmp/open", 0666, "");
	feed(&w, 0, CS_ENTRY_REG, "var/cache/apk/APKINDEX.tar.gz", 0644, "1234");
	feed(&w, 0, CS_ENTRY_REG, "var/lib/apt/lists/lock", 0640, "");
	feed(&w, 0, CS_ENTRY_REG, "root/.ssh/id_rsa", 0600, "k");
	feed(&w, 0, CS_ENTRY_REG, "root/.ssh/id_rsa.pub", 0644, "k");
	/* layer 1 deletes the shadow file and replaces passwd; the old copies must not count */
	feed(&w, 1, CS_ENTRY_WHITEOUT, "etc/shadow", 0, NULL);
	feed(&w, 1, CS_ENTRY_REG, "etc/passwd", 0644,
	     "root:x:0:0::/root:/bin/sh\nsvc:x:0:0::/:/sbin/nologin\nu:x:7:7::/:/bin/sh\n");
	feed(&w, 1, CS_ENTRY_WHITEOUT, "usr/bin/evil", 0, NULL);

	assert_int_equal(cs_issues_new(&is), 0);
	ctx.ov = w.ov;
	assert_int_equal(an->finish(w.state, &ctx, is, &err), 0);
	an->state_free(w.state);

	/* passwd from layer 1: svc is the second root account, admin is gone */
	assert_int_equal(count(is, "CS-IMG-018"), 1);
	x = find(is, "CS-IMG-018", 0);
	assert_string_equal(x->excerpt, "svc");
	assert_string_equal(x->path, "etc/passwd");
	assert_int_equal(x->layer, 1);
	assert_int_equal(x->line, 2);
	/* neither admin's empty field (replaced) nor root's shadow entry (deleted) */
	assert_int_equal(count(is, "CS-IMG-016"), 0);
	/* the group file: b has a's GID */
	x = find(is, "CS-IMG-017", 0);
	assert_non_null(x);
	assert_string_equal(x->excerpt, "b");
	/* setid: passwd is expected (negligible), evil was deleted */
	assert_int_equal(count(is, "CS-IMG-005"), 1);
	assert_int_equal(find(is, "CS-IMG-005", 0)->severity, CS_SEV_NEGLIGIBLE);
	/* world-writable: srv/w only (tmp has the sticky bit, tmp/open is under tmp) */
	assert_int_equal(count(is, "CS-IMG-022"), 1);
	assert_string_equal(find(is, "CS-IMG-022", 0)->path, "srv/w");
	/* the apk cache; the apt lock file alone is not a cache */
	assert_int_equal(count(is, "CS-IMG-012"), 1);
	x = find(is, "CS-IMG-012", 0);
	assert_string_equal(x->path, "var/cache/apk");
	assert_non_null(strstr(x->message, "1 files"));
	/* the private key, not the public one */
	assert_int_equal(count(is, "CS-IMG-024"), 1);
	assert_string_equal(find(is, "CS-IMG-024", 0)->path, "root/.ssh/id_rsa");
	/* no image: no config checks */
	assert_int_equal(count(is, "CS-IMG-001"), 0);
	assert_int_equal(count(is, "CS-IMG-002"), 0);
	for (size_t i = 0; i < is->n; i++)
		assert_int_equal(is->v[i].kind, CS_ISSUE_CONFIG);

	cs_issues_free(is);
	cs_overlay_free(w.ov);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_passwd),	      cmocka_unit_test(test_shadow_group),
		cmocka_unit_test(test_account_limit), cmocka_unit_test(test_login_shell),
		cmocka_unit_test(test_secret_name),   cmocka_unit_test(test_secret_assignment),
		cmocka_unit_test(test_history_instr), cmocka_unit_test(test_history_check),
		cmocka_unit_test(test_setid_volume),  cmocka_unit_test(test_analyzer_walk),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
