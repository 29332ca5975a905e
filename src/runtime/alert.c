/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Alert routing (alert.h). One thread per target drains that target's
 * bounded queue; the caller only copies the alert into each queue under a
 * short lock. Rate-limit buckets live in a small open-addressing table,
 * bounded: when it fills up, buckets back at full burst (which carry no
 * state) are forgotten.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <curl/curl.h>
#include "basic/alloc.h"
#include "basic/parse.h"
#include "runtime/alert.h"

#define BUCKETS_MAX	4096 /* power of two */
#define SYSLOG_LINE_MAX 8192
#define FILE_KEEP_MAX	1000
#define DEFAULT_SYSLOG	"/dev/log"
#define SYSLOG_FACILITY 3 /* daemon */

enum target_kind { T_STDOUT, T_FILE, T_SYSLOG, T_WEBHOOK };

struct qitem {
	char *json;
	char *text;
	int severity;
};

struct target {
	enum target_kind kind;
	struct cs_alert_router *router;
	/* file */
	char *path;
	uint64_t max_size, max_age;
	unsigned keep;
	int fd;
	uint64_t size;
	double opened;
	/* syslog */
	char *sock;
	int sfd;
	/* webhook */
	char *url;
	CURL *curl;
	/* the queue */
	pthread_t thread;
	bool started;
	pthread_mutex_t lock;
	pthread_cond_t cond; /* an item or stop */
	pthread_cond_t idle; /* the queue drained */
	struct qitem *q;
	size_t head, n, cap;
	bool busy, stop, abort;
	uint64_t delivered, dropped, failed;
};

struct bucket {
	char *key;
	double tokens, last;
	uint64_t suppressed;
};

struct cs_alert_router {
	struct cs_alert_options o;
	struct target t[CS_ALERT_TARGETS_MAX];
	size_t n;
	pthread_mutex_t lock; /* buckets and the router's counters */
	struct bucket *b;
	size_t n_b;
	uint64_t emitted, rate_limited;
};

static double mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double now(const struct cs_alert_router *r)
{
	return r->o.clock ? r->o.clock() : mono_now();
}

/* --- target specs --- */

static int parse_number_suffix(const char *s, const char *suffixes, const uint64_t *mult,
			       uint64_t *ret)
{
	char *end;
	unsigned long long v;

	errno = 0;
	if (!s || !*s || *s == '-')
		return -EINVAL;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -EINVAL;
	if (*end) {
		const char *k = strchr(suffixes, *end);

		if (!k || end[1])
			return -EINVAL;
		if (v > UINT64_MAX / mult[k - suffixes])
			return -ERANGE;
		v *= mult[k - suffixes];
	}
	*ret = v;
	return 0;
}

static int parse_file_spec(struct target *t, const char *spec, struct cs_error *err)
{
	static const uint64_t size_mult[] = { 1024, 1024 * 1024, 1024ULL * 1024 * 1024 };
	static const uint64_t age_mult[] = { 1, 60, 3600, 86400 };
	const char *q = strchr(spec, '?');
	_cleanup_free_ char *opts = NULL;

	t->keep = 5;
	t->path = q ? cs_strndup(spec, (size_t)(q - spec)) : cs_strdup(spec);
	if (!t->path)
		return -ENOMEM;
	if (!*t->path)
		return cs_error_set(err, -CS_E_USAGE, "alert target 'file:': no path");
	if (!q)
		return 0;
	opts = cs_strdup(q + 1);
	if (!opts)
		return -ENOMEM;
	for (char *save = NULL, *kv = strtok_r(opts, "&", &save); kv;
	     kv = strtok_r(NULL, "&", &save)) {
		char *v = strchr(kv, '=');
		uint64_t x = 0;
		int r = -EINVAL;

		if (v) {
			*v++ = 0;
			if (!strcmp(kv, "max_size"))
				r = parse_number_suffix(v, "KMG", size_mult, &t->max_size);
			else if (!strcmp(kv, "max_age"))
				r = parse_number_suffix(v, "smhd", age_mult, &t->max_age);
			else if (!strcmp(kv, "keep")) {
				r = parse_number_suffix(v, "", NULL, &x);
				if (r == 0 && (x < 1 || x > FILE_KEEP_MAX))
					r = -ERANGE;
				t->keep = (unsigned)x;
			}
		}
		if (r < 0)
			return cs_error_set(
				err, -CS_E_USAGE,
				"alert target 'file:%s': bad option '%s' (max_size=10M, "
				"max_age=1h, keep=1..%d)",
				t->path, kv, FILE_KEEP_MAX);
	}
	return 0;
}

static int file_open(struct target *t, struct cs_error *err)
{
	struct stat st;

	t->fd = open(t->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (t->fd < 0)
		return cs_error_errno(err, errno, "cannot open alert file '%s'", t->path);
	if (fstat(t->fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(t->fd);
		t->fd = -1;
		return cs_error_set(err, -CS_E_USAGE, "alert file '%s' is not a regular file",
				    t->path);
	}
	t->size = (uint64_t)st.st_size;
	t->opened = now(t->router);
	return 0;
}

/* PATH -> PATH.1 -> ... -> PATH.keep (the oldest is overwritten), then a new PATH. */
static int file_rotate(struct target *t)
{
	struct cs_error err = CS_ERROR_INIT;
	char from[4096], to[4096];

	close(t->fd);
	t->fd = -1;
	for (unsigned k = t->keep; k >= 1; k--) {
		if (k == 1)
			snprintf(from, sizeof(from), "%s", t->path);
		else
			snprintf(from, sizeof(from), "%s.%u", t->path, k - 1);
		snprintf(to, sizeof(to), "%s.%u", t->path, k);
		if (rename(from, to) < 0 && errno != ENOENT)
			break;
	}
	return file_open(t, &err);
}

static int parse_target(struct cs_alert_router *r, struct target *t, const char *spec,
			struct cs_error *err)
{
	int k;

	t->router = r;
	t->fd = t->sfd = -1;
	if (!strcmp(spec, "stdout")) {
		t->kind = T_STDOUT;
		return 0;
	}
	if (!strncmp(spec, "file:", 5)) {
		t->kind = T_FILE;
		k = parse_file_spec(t, spec + 5, err);
		return k < 0 ? k : file_open(t, err);
	}
	if (!strcmp(spec, "syslog") || !strncmp(spec, "syslog:", 7)) {
		struct sockaddr_un sa = { .sun_family = AF_UNIX };

		t->kind = T_SYSLOG;
		t->sock = cs_strdup(spec[6] ? spec + 7 : DEFAULT_SYSLOG);
		if (!t->sock)
			return -ENOMEM;
		if (!*t->sock || strlen(t->sock) >= sizeof(sa.sun_path))
			return cs_error_set(err, -CS_E_USAGE, "alert target '%s': bad socket path",
					    spec);
		t->sfd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (t->sfd < 0)
			return cs_error_errno(err, errno, "alert target '%s'", spec);
		memcpy(sa.sun_path, t->sock, strlen(t->sock));
		/* connected now so a missing syslog is reported at start-up */
		if (connect(t->sfd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
			return cs_error_errno(err, errno, "cannot reach syslog at '%s'", t->sock);
		return 0;
	}
	if (!strncmp(spec, "webhook:", 8)) {
		t->kind = T_WEBHOOK;
		if (strncmp(spec + 8, "http://", 7) && strncmp(spec + 8, "https://", 8))
			return cs_error_set(err, -CS_E_USAGE,
					    "alert target '%s': the webhook needs an http(s) URL",
					    spec);
		t->url = cs_strdup(spec + 8);
		t->curl = curl_easy_init();
		if (!t->url || !t->curl)
			return -ENOMEM;
		return 0;
	}
	return cs_error_set(err, -CS_E_USAGE,
			    "unknown alert target '%s' (stdout, file:PATH, syslog[:SOCKET], "
			    "webhook:URL)",
			    spec);
}

/* --- delivery --- */

static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -errno;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int deliver_file(struct target *t, const struct qitem *it)
{
	size_t len = strlen(it->json);

	if (t->fd >= 0 &&
	    ((t->max_size && t->size > 0 && t->size + len + 1 > t->max_size) ||
	     (t->max_age && now(t->router) - t->opened >= (double)t->max_age)) &&
	    file_rotate(t) < 0)
		return -EIO;
	if (t->fd < 0 && file_rotate(t) < 0)
		return -EIO;
	if (write_all(t->fd, it->json, len) < 0 || write_all(t->fd, "\n", 1) < 0)
		return -EIO;
	t->size += len + 1;
	return 0;
}

static int deliver_syslog(struct target *t, const struct qitem *it)
{
	char line[SYSLOG_LINE_MAX], stamp[32];
	time_t wall = time(NULL);
	struct tm tm;
	int n;

	localtime_r(&wall, &tm);
	strftime(stamp, sizeof(stamp), "%b %e %H:%M:%S", &tm);
	n = snprintf(line, sizeof(line), "<%d>%s customs[%d]: %s",
		     SYSLOG_FACILITY * 8 + (it->severity & 7), stamp, (int)getpid(),
		     it->text ? it->text : it->json);
	if (n < 0)
		return -EIO;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	return send(t->sfd, line, (size_t)n, MSG_NOSIGNAL) < 0 ? -errno : 0;
}

static size_t discard(char *p, size_t size, size_t n, void *ud)
{
	(void)p;
	(void)ud;
	return size * n;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static bool aborted(struct target *t)
{
	bool a;

	pthread_mutex_lock(&t->lock);
	a = t->abort;
	pthread_mutex_unlock(&t->lock);
	return a;
}

static int deliver_webhook(struct target *t, const struct qitem *it)
{
	const struct cs_alert_options *o = &t->router->o;
	struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
	unsigned backoff = o->webhook_backoff_ms;
	int r = -EIO;

	if (!h)
		return -ENOMEM;
	for (unsigned attempt = 0; attempt <= o->webhook_retries && !aborted(t); attempt++) {
		long code = 0;
		CURLcode c;

		if (attempt > 0) {
			sleep_ms(backoff);
			backoff = backoff > 30000 ? 60000 : backoff * 2;
		}
		curl_easy_reset(t->curl);
		curl_easy_setopt(t->curl, CURLOPT_URL, t->url);
		curl_easy_setopt(t->curl, CURLOPT_POSTFIELDS, it->json);
		curl_easy_setopt(t->curl, CURLOPT_HTTPHEADER, h);
		curl_easy_setopt(t->curl, CURLOPT_TIMEOUT_MS, (long)o->webhook_timeout_ms);
		curl_easy_setopt(t->curl, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(t->curl, CURLOPT_WRITEFUNCTION, discard);
		curl_easy_setopt(t->curl, CURLOPT_PROTOCOLS_STR, "http,https");
		c = curl_easy_perform(t->curl);
		if (c == CURLE_OK)
			curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &code);
		if (c == CURLE_OK && code >= 200 && code < 300) {
			r = 0;
			break;
		}
		/* a client error other than 429 will not change by retrying */
		if (c == CURLE_OK && code >= 400 && code < 500 && code != 429)
			break;
	}
	curl_slist_free_all(h);
	return r;
}

static int deliver(struct target *t, const struct qitem *it)
{
	switch (t->kind) {
	case T_STDOUT:
		if (fputs(it->json, stdout) == EOF || fputc('\n', stdout) == EOF ||
		    fflush(stdout) == EOF)
			return -EIO;
		return 0;
	case T_FILE:
		return deliver_file(t, it);
	case T_SYSLOG:
		return deliver_syslog(t, it);
	case T_WEBHOOK:
		return deliver_webhook(t, it);
	}
	return -EINVAL;
}

static void item_free(struct qitem *it)
{
	free(it->json);
	free(it->text);
	*it = (struct qitem){ 0 };
}

static void *target_thread(void *ud)
{
	struct target *t = ud;

	pthread_mutex_lock(&t->lock);
	for (;;) {
		struct qitem it;
		int r;

		while (t->n == 0 && !t->stop)
			pthread_cond_wait(&t->cond, &t->lock);
		if (t->n == 0)
			break;
		it = t->q[t->head];
		t->head = (t->head + 1) % t->cap;
		t->n--;
		t->busy = true;
		pthread_mutex_unlock(&t->lock);
		r = deliver(t, &it);
		item_free(&it);
		pthread_mutex_lock(&t->lock);
		t->busy = false;
		if (r < 0)
			t->failed++;
		else
			t->delivered++;
		if (t->n == 0)
			pthread_cond_broadcast(&t->idle);
	}
	pthread_cond_broadcast(&t->idle);
	pthread_mutex_unlock(&t->lock);
	return NULL;
}

/* --- the router --- */

static void target_done(struct target *t)
{
	for (size_t i = 0; i < t->n; i++)
		item_free(&t->q[(t->head + i) % t->cap]);
	free(t->q);
	free(t->path);
	free(t->sock);
	free(t->url);
	if (t->fd >= 0)
		close(t->fd);
	if (t->sfd >= 0)
		close(t->sfd);
	if (t->curl)
		curl_easy_cleanup(t->curl);
}

static void deadline_in(struct timespec *deadline, unsigned timeout_ms)
{
	clock_gettime(CLOCK_REALTIME, deadline);
	deadline->tv_sec += timeout_ms / 1000;
	deadline->tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (deadline->tv_nsec >= 1000000000L) {
		deadline->tv_sec++;
		deadline->tv_nsec -= 1000000000L;
	}
}

bool cs_alert_router_flush(struct cs_alert_router *r, unsigned timeout_ms)
{
	struct timespec deadline;
	bool drained = true;

	deadline_in(&deadline, timeout_ms);
	for (size_t i = 0; i < r->n; i++) {
		struct target *t = &r->t[i];

		if (!t->started)
			continue;
		pthread_mutex_lock(&t->lock);
		while ((t->n > 0 || t->busy) &&
		       pthread_cond_timedwait(&t->idle, &t->lock, &deadline) != ETIMEDOUT)
			;
		drained &= t->n == 0 && !t->busy;
		pthread_mutex_unlock(&t->lock);
	}
	return drained;
}

void cs_alert_router_free(struct cs_alert_router *r, unsigned timeout_ms)
{
	if (!r)
		return;
	(void)cs_alert_router_flush(r, timeout_ms);
	for (size_t i = 0; i < r->n; i++) {
		struct target *t = &r->t[i];

		if (!t->started)
			continue;
		pthread_mutex_lock(&t->lock);
		/* what could not be delivered in time is dropped */
		t->dropped += t->n;
		for (size_t k = 0; k < t->n; k++)
			item_free(&t->q[(t->head + k) % t->cap]);
		t->n = 0;
		t->stop = t->abort = true;
		pthread_cond_broadcast(&t->cond);
		pthread_mutex_unlock(&t->lock);
		pthread_join(t->thread, NULL);
		pthread_mutex_destroy(&t->lock);
		pthread_cond_destroy(&t->cond);
		pthread_cond_destroy(&t->idle);
	}
	for (size_t i = 0; i < r->n; i++)
		target_done(&r->t[i]);
	for (size_t i = 0; i < BUCKETS_MAX && r->b; i++)
		free(r->b[i].key);
	free(r->b);
	pthread_mutex_destroy(&r->lock);
	free(r);
}

int cs_alert_router_new(const char *const *targets, size_t n, const struct cs_alert_options *o,
			struct cs_alert_router **ret, struct cs_error *err)
{
	struct cs_alert_router *r;
	int k = 0;

	if (n == 0 || n > CS_ALERT_TARGETS_MAX)
		return cs_error_set(err, -CS_E_USAGE, "between 1 and %d alert targets",
				    CS_ALERT_TARGETS_MAX);
	r = cs_zalloc(sizeof(*r));
	if (!r)
		return -ENOMEM;
	if (o)
		r->o = *o;
	if (!r->o.queue_max)
		r->o.queue_max = 1024;
	if (!r->o.rate_burst)
		r->o.rate_burst = 10;
	if (r->o.rate_per_sec == 0)
		r->o.rate_per_sec = 1.0 / 6;
	if (!r->o.webhook_retries)
		r->o.webhook_retries = 3;
	if (!r->o.webhook_timeout_ms)
		r->o.webhook_timeout_ms = 5000;
	if (!r->o.webhook_backoff_ms)
		r->o.webhook_backoff_ms = 200;
	pthread_mutex_init(&r->lock, NULL);
	r->b = cs_new0(struct bucket, BUCKETS_MAX);
	if (!r->b) {
		cs_alert_router_free(r, 0);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n && k >= 0; i++) {
		struct target *t = &r->t[i];

		r->n++;
		k = parse_target(r, t, targets[i], err);
		if (k < 0)
			break;
		t->cap = r->o.queue_max;
		t->q = cs_new0(struct qitem, t->cap);
		if (!t->q) {
			k = -ENOMEM;
			break;
		}
		pthread_mutex_init(&t->lock, NULL);
		pthread_cond_init(&t->cond, NULL);
		pthread_cond_init(&t->idle, NULL);
		k = -pthread_create(&t->thread, NULL, target_thread, t);
		if (k < 0) {
			pthread_mutex_destroy(&t->lock);
			pthread_cond_destroy(&t->cond);
			pthread_cond_destroy(&t->idle);
			cs_error_errno(err, k, "cannot start the alert thread");
			break;
		}
		t->started = true;
	}
	if (k < 0) {
		if (k == -ENOMEM && !err->code)
			cs_error_errno(err, k, "alert targets");
		cs_alert_router_free(r, 0);
		return k;
	}
	*ret = r;
	return 0;
}

static size_t key_hash(const char *s)
{
	size_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* Forget buckets back at full burst: they hold no state. */
static void buckets_compact(struct cs_alert_router *r, double t)
{
	struct bucket *old = r->b;
	struct bucket *nb = cs_new0(struct bucket, BUCKETS_MAX);

	if (!nb)
		return;
	r->n_b = 0;
	for (size_t i = 0; i < BUCKETS_MAX; i++) {
		struct bucket *b = &old[i];
		double tokens;

		if (!b->key)
			continue;
		tokens = b->tokens + (t - b->last) * r->o.rate_per_sec;
		if (tokens >= r->o.rate_burst && b->suppressed == 0) {
			free(b->key);
			continue;
		}
		for (size_t j = key_hash(b->key) & (BUCKETS_MAX - 1);;
		     j = (j + 1) & (BUCKETS_MAX - 1))
			if (!nb[j].key) {
				nb[j] = *b;
				r->n_b++;
				break;
			}
	}
	free(old);
	r->b = nb;
}

/* Under r->lock. true: let it pass (*suppressed: how many were held back before). */
static bool rate_pass(struct cs_alert_router *r, const char *key, uint64_t *suppressed)
{
	double t = now(r);
	struct bucket *b = NULL;
	size_t j;

	*suppressed = 0;
	if (!key || r->o.rate_per_sec < 0)
		return true;
	if (r->n_b >= BUCKETS_MAX * 3 / 4)
		buckets_compact(r, t);
	for (j = key_hash(key) & (BUCKETS_MAX - 1);; j = (j + 1) & (BUCKETS_MAX - 1)) {
		if (!r->b[j].key || !strcmp(r->b[j].key, key)) {
			b = &r->b[j];
			break;
		}
	}
	if (!b->key) {
		if (r->n_b >= BUCKETS_MAX - 1)
			return true; /* every bucket busy: do not limit rather than lose state */
		b->key = cs_strdup(key);
		if (!b->key)
			return true;
		b->tokens = r->o.rate_burst;
		b->last = t;
		r->n_b++;
	}
	b->tokens += (t - b->last) * r->o.rate_per_sec;
	if (b->tokens > r->o.rate_burst)
		b->tokens = r->o.rate_burst;
	b->last = t;
	if (b->tokens < 1) {
		b->suppressed++;
		r->rate_limited++;
		return false;
	}
	b->tokens -= 1;
	*suppressed = b->suppressed;
	b->suppressed = 0;
	return true;
}

/* json with ,"suppressed":N before its closing brace (new string). */
static char *with_suppressed(const char *json, uint64_t n)
{
	size_t len = strlen(json);

	while (len > 0 && (json[len - 1] == ' ' || json[len - 1] == '\n'))
		len--;
	if (len < 2 || json[len - 1] != '}')
		return cs_strdup(json);
	return cs_asprintf("%.*s%s\"suppressed\":%llu}", (int)(len - 1), json, len == 2 ? "" : ",",
			   (unsigned long long)n);
}

int cs_alert_router_emit(struct cs_alert_router *r, const struct cs_alert *a)
{
	_cleanup_free_ char *json = NULL;
	uint64_t suppressed;
	bool pass;

	pthread_mutex_lock(&r->lock);
	r->emitted++;
	pass = rate_pass(r, a->key, &suppressed);
	pthread_mutex_unlock(&r->lock);
	if (!pass)
		return 0;
	json = suppressed ? with_suppressed(a->json, suppressed) : cs_strdup(a->json);
	if (!json)
		return -ENOMEM;
	for (size_t i = 0; i < r->n; i++) {
		struct target *t = &r->t[i];
		struct qitem it = { .severity = a->severity };

		pthread_mutex_lock(&t->lock);
		if (t->n == t->cap || strlen(json) > CS_ALERT_LINE_MAX) {
			t->dropped++;
			pthread_mutex_unlock(&t->lock);
			continue;
		}
		pthread_mutex_unlock(&t->lock);
		it.json = cs_strdup(json);
		it.text = a->text ? cs_strdup(a->text) : NULL;
		if (!it.json || (a->text && !it.text)) {
			item_free(&it);
			return -ENOMEM;
		}
		pthread_mutex_lock(&t->lock);
		if (t->n == t->cap) {
			t->dropped++;
			pthread_mutex_unlock(&t->lock);
			item_free(&it);
			continue;
		}
		t->q[(t->head + t->n) % t->cap] = it;
		t->n++;
		pthread_cond_signal(&t->cond);
		pthread_mutex_unlock(&t->lock);
	}
	return 0;
}

void cs_alert_router_stats(struct cs_alert_router *r, struct cs_alert_stats *ret)
{
	*ret = (struct cs_alert_stats){ 0 };
	pthread_mutex_lock(&r->lock);
	ret->emitted = r->emitted;
	ret->rate_limited = r->rate_limited;
	pthread_mutex_unlock(&r->lock);
	for (size_t i = 0; i < r->n; i++) {
		struct target *t = &r->t[i];

		if (!t->started)
			continue;
		pthread_mutex_lock(&t->lock);
		ret->delivered += t->delivered;
		ret->dropped += t->dropped;
		ret->failed += t->failed;
		pthread_mutex_unlock(&t->lock);
	}
}
