/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The admission webhook server. libmicrohttpd (GnuTLS) runs a small pool of
 * HTTP threads; each image of a request becomes a job on its own thread
 * (resolve the tag, look the decision up, evaluate on a miss) and the HTTP
 * thread waits for it until the request's deadline. A job that outlives its
 * request still finishes and fills the cache. Evaluations run one at a
 * time (the vulnerability database and the layer cache are not shared
 * between threads); caches and counters are under locks. Must never let a
 * hostile body grow without bound or crash the process.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <string.h>
#include <time.h>
#include "basic/alloc.h"
#include "basic/buf.h"
#include "basic/hash.h"
#include "basic/log.h"
#include "basic/parse.h"
#include "basic/stream.h"
#include "image/ref.h"
#include "policy/admission.h"
#include "registry/http.h"
#include "registry/registry.h"
#include "server/webhook.h"

#define PEM_MAX		 (1u << 20)
#define MAX_JOBS	 64
#define MAX_MESSAGE	 (64u << 10)
#define MANIFEST_MAX	 (4u << 20)
#define DEFAULT_THREADS	 4
#define DEFAULT_TIMEOUT	 10000
#define DEFAULT_TTL	 300
#define DEFAULT_CACHEMAX 4096
#define POOL_MAX	 32

struct cache_entry {
	uint64_t hash;
	char *key;
	void *value;
	int64_t expires, used; /* ms */
};

struct cache {
	struct cache_entry *v;
	size_t n, max;
	int64_t ttl_ms;
	void (*free_value)(void *);
};

struct counters {
	uint64_t requests, allowed, denied, bad_requests, cache_hits, cache_misses, evaluations,
		errors, timeouts, tag_hits;
};

struct cs_webhook {
	struct MHD_Daemon *d;
	char *cert, *key;
	uint16_t port;
	const struct cs_policy *policy;
	struct cs_image_options image;
	struct cs_registry_options reg;
	struct cs_vulndb *db;
	struct cs_layer_cache *lcache;
	const struct cs_policy_evidence *evidence;
	int64_t timeout_ms;
	size_t max_body;

	pthread_mutex_t lock; /* caches, counters, jobs */
	pthread_cond_t cond;  /* a job finished */
	struct cache decisions, tags;
	struct pooled {
		char *repo; /* "domain/path" */
		struct cs_registry *reg;
	} pool[POOL_MAX]; /* idle registry clients: connections and the scheme are kept */
	size_t n_pool;
	struct counters n;
	unsigned jobs;
	/* job threads that have finished their work, to be joined: joining (not
	 * detaching) lets their thread-local state (OpenSSL's) go before exit */
	pthread_t *done_threads;
	size_t n_done, cap_done;
	pthread_mutex_t eval_lock; /* one evaluation at a time */
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static uint64_t fnv(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

/* ---- caches (under w->lock) --------------------------------------------- */

static void *cache_get(struct cache *c, const char *key, int64_t now)
{
	uint64_t h = fnv(key);

	for (size_t i = 0; i < c->n; i++) {
		struct cache_entry *e = &c->v[i];

		if (e->hash != h || strcmp(e->key, key))
			continue;
		if (e->expires <= now)
			return NULL;
		e->used = now;
		return e->value;
	}
	return NULL;
}

static void cache_drop(struct cache *c, size_t i)
{
	free(c->v[i].key);
	c->free_value(c->v[i].value);
	c->v[i] = c->v[--c->n];
}

/* Takes value (freed on failure). */
static void cache_put(struct cache *c, const char *key, void *value, int64_t now)
{
	uint64_t h = fnv(key);
	size_t victim = 0;

	for (size_t i = 0; i < c->n; i++)
		if (c->v[i].hash == h && !strcmp(c->v[i].key, key)) {
			cache_drop(c, i);
			break;
		}
	if (c->n >= c->max) {
		/* an expired entry, else the least recently used one */
		for (size_t i = 0; i < c->n; i++) {
			if (c->v[i].expires <= now) {
				victim = i;
				break;
			}
			if (c->v[i].used < c->v[victim].used)
				victim = i;
		}
		cache_drop(c, victim);
	}
	if (!c->v && !(c->v = cs_calloc_array(c->max, sizeof(*c->v)))) {
		c->free_value(value);
		return;
	}
	c->v[c->n].key = cs_strdup(key);
	if (!c->v[c->n].key) {
		c->free_value(value);
		return;
	}
	c->v[c->n].hash = h;
	c->v[c->n].value = value;
	c->v[c->n].expires = now + c->ttl_ms;
	c->v[c->n].used = now;
	c->n++;
}

static void cache_done(struct cache *c)
{
	while (c->n)
		cache_drop(c, c->n - 1);
	free(c->v);
}

static void decision_free_void(void *p)
{
	cs_policy_decision_free(p);
}

#define COUNT(w, field)                           \
	do {                                      \
		pthread_mutex_lock(&(w)->lock);   \
		(w)->n.field++;                   \
		pthread_mutex_unlock(&(w)->lock); \
	} while (0)

/* ---- jobs: one image of one request -------------------------------------- */

struct job {
	struct cs_webhook *w;
	unsigned refs; /* under w->lock */
	bool done;
	char *image; /* as written */
	struct cs_docker_ref ref;
	struct cs_policy_decision *decision;
	struct cs_error err;
	bool cache_hit;
};

static void job_free(struct job *j)
{
	free(j->image);
	cs_docker_ref_done(&j->ref);
	cs_policy_decision_free(j->decision);
	free(j);
}

static void job_unref(struct job *j)
{
	struct cs_webhook *w = j->w;
	bool last;

	pthread_mutex_lock(&w->lock);
	last = --j->refs == 0;
	pthread_mutex_unlock(&w->lock);
	if (last)
		job_free(j);
}

/* An idle client for the repository, or a new one; one user at a time. */
static int pool_take(struct cs_webhook *w, const struct cs_docker_ref *ref, const char *repo,
		     struct cs_registry **ret, struct cs_error *err)
{
	pthread_mutex_lock(&w->lock);
	for (size_t i = w->n_pool; i-- > 0;)
		if (!strcmp(w->pool[i].repo, repo)) {
			*ret = w->pool[i].reg;
			free(w->pool[i].repo);
			w->pool[i] = w->pool[--w->n_pool];
			pthread_mutex_unlock(&w->lock);
			return 0;
		}
	pthread_mutex_unlock(&w->lock);
	return cs_registry_new(ref->domain, ref->path, &w->reg, ret, err);
}

/* Give a client that worked back to the pool (the oldest one leaves when full). */
static void pool_put(struct cs_webhook *w, const char *repo, struct cs_registry *reg)
{
	char *key = cs_strdup(repo);
	struct cs_registry *old = NULL;
	char *old_key = NULL;

	if (!key) {
		cs_registry_free(reg);
		return;
	}
	pthread_mutex_lock(&w->lock);
	if (w->n_pool == POOL_MAX) {
		old = w->pool[0].reg;
		old_key = w->pool[0].repo;
		memmove(w->pool, w->pool + 1, (POOL_MAX - 1) * sizeof(*w->pool));
		w->n_pool--;
	}
	w->pool[w->n_pool].repo = key;
	w->pool[w->n_pool].reg = reg;
	w->n_pool++;
	pthread_mutex_unlock(&w->lock);
	free(old_key);
	cs_registry_free(old);
}

/* The manifest digest a tag points to now (new string). */
static int resolve(struct cs_webhook *w, const struct cs_docker_ref *ref, char **ret,
		   struct cs_error *err)
{
	_cleanup_(cs_registry_freep) struct cs_registry *reg = NULL;
	_cleanup_buf_ struct cs_buf b = CS_BUF_INIT(MANIFEST_MAX);
	_cleanup_free_ char *tagkey = cs_asprintf("%s/%s:%s", ref->domain, ref->path, ref->tag);
	_cleanup_free_ char *repo = cs_asprintf("%s/%s", ref->domain, ref->path);
	char *digest = NULL, *cached;
	int r;

	if (!tagkey || !repo)
		return -ENOMEM;
	pthread_mutex_lock(&w->lock);
	cached = w->tags.ttl_ms > 0 ? cache_get(&w->tags, tagkey, now_ms()) : NULL;
	if (cached) {
		w->n.tag_hits++;
		digest = cs_strdup(cached);
	}
	pthread_mutex_unlock(&w->lock);
	if (cached) {
		*ret = digest;
		return digest ? 0 : -ENOMEM;
	}
	r = pool_take(w, ref, repo, &reg, err);
	if (r >= 0)
		r = cs_registry_get_manifest(reg, ref->tag, &b, NULL, &digest, err);
	if (r < 0)
		return r;
	pool_put(w, repo, CS_TAKE_PTR(reg));
	if (!digest) {
		char d[CS_DIGEST_STR_MAX];

		r = cs_sha256_digest(b.data, b.len, d);
		if (r < 0 || !(digest = cs_strdup(d)))
			return r < 0 ? r : -ENOMEM;
	}
	if (w->tags.ttl_ms > 0) {
		char *copy = cs_strdup(digest);

		pthread_mutex_lock(&w->lock);
		if (copy)
			cache_put(&w->tags, tagkey, copy, now_ms());
		pthread_mutex_unlock(&w->lock);
	}
	*ret = digest;
	return 0;
}

static int job_run(struct job *j)
{
	struct cs_webhook *w = j->w;
	_cleanup_free_ char *resolved = NULL, *name = NULL, *key = NULL, *pinned = NULL;
	_cleanup_(cs_image_freep) struct cs_image *img = NULL;
	struct cs_policy_decision *d;
	const char *digest = j->ref.digest;
	int r = 0;

	if (!digest) {
		r = resolve(w, &j->ref, &resolved, &j->err);
		if (r < 0)
			return r;
		digest = resolved;
	}
	name = cs_asprintf("%s/%s", j->ref.domain, j->ref.path);
	key = cs_asprintf("%s@%s", name, digest);
	if (!name || !key)
		return -ENOMEM;
	pthread_mutex_lock(&w->lock);
	d = cache_get(&w->decisions, key, now_ms());
	if (d) {
		j->decision = cs_policy_decision_dup(d);
		j->cache_hit = true;
		w->n.cache_hits++;
	} else {
		w->n.cache_misses++;
	}
	pthread_mutex_unlock(&w->lock);
	if (j->cache_hit) {
		cs_log_debug("webhook: cache hit for %s", key);
		return j->decision ? 0 : -ENOMEM;
	}

	pthread_mutex_lock(&w->eval_lock);
	/* another job may have evaluated the same image while we waited */
	pthread_mutex_lock(&w->lock);
	d = cache_get(&w->decisions, key, now_ms());
	if (d)
		j->decision = cs_policy_decision_dup(d);
	pthread_mutex_unlock(&w->lock);
	if (!d) {
		struct cs_policy_context ctx = {
			.name = name,
			.db = w->db,
			.cache = w->lcache,
			.evidence = w->evidence,
		};

		cs_log_debug("webhook: evaluating %s", key);
		pinned = cs_asprintf("registry:%s", key);
		r = pinned ? cs_image_open(pinned, &w->image, &img, &j->err) : -ENOMEM;
		if (r >= 0)
			r = cs_policy_eval(w->policy, img, &ctx, &j->decision, &j->err);
		if (r >= 0) {
			struct cs_policy_decision *copy = cs_policy_decision_dup(j->decision);

			pthread_mutex_lock(&w->lock);
			w->n.evaluations++;
			if (copy)
				cache_put(&w->decisions, key, copy, now_ms());
			pthread_mutex_unlock(&w->lock);
		}
	}
	pthread_mutex_unlock(&w->eval_lock);
	if (r < 0)
		return r;
	return j->decision ? 0 : -ENOMEM;
}

static void *job_thread(void *arg)
{
	struct job *j = arg;
	struct cs_webhook *w = j->w;
	int r = job_run(j);
	bool last;

	if (r < 0 && !j->err.code)
		cs_error_errno(&j->err, r, "cannot evaluate '%s'", j->image);
	/* w may be freed as soon as jobs drops to 0: touch it no more after */
	pthread_mutex_lock(&w->lock);
	j->done = true;
	last = --j->refs == 0;
	if (cs_grow((void **)&w->done_threads, &w->cap_done, w->n_done + 1,
		    sizeof(*w->done_threads)) >= 0)
		w->done_threads[w->n_done++] = pthread_self();
	else
		pthread_detach(pthread_self());
	w->jobs--;
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
	if (last)
		job_free(j);
	return NULL;
}

/*
 * The fast path, on the HTTP thread: a digest known without the network (a
 * pinned reference, or a tag in the tag cache) whose decision is cached.
 * True when j was answered.
 */
static bool answer_cached(struct cs_webhook *w, struct job *j)
{
	_cleanup_free_ char *tagkey = NULL, *key = NULL;
	const char *digest = j->ref.digest;
	struct cs_policy_decision *d = NULL;
	int64_t now = now_ms();

	if (!digest && (w->tags.ttl_ms <= 0 || !(tagkey = cs_asprintf("%s/%s:%s", j->ref.domain,
								      j->ref.path, j->ref.tag))))
		return false;
	pthread_mutex_lock(&w->lock);
	if (!digest && (digest = cache_get(&w->tags, tagkey, now)))
		w->n.tag_hits++;
	key = digest ? cs_asprintf("%s/%s@%s", j->ref.domain, j->ref.path, digest) : NULL;
	d = key ? cache_get(&w->decisions, key, now) : NULL;
	if (d && (j->decision = cs_policy_decision_dup(d)))
		w->n.cache_hits++;
	pthread_mutex_unlock(&w->lock);
	if (!j->decision)
		return false;
	cs_log_debug("webhook: cache hit for %s", key);
	j->cache_hit = j->done = true;
	return true;
}

/* Join the job threads that have finished (they exit right after). */
static void reap(struct cs_webhook *w)
{
	pthread_t *v;
	size_t n;

	pthread_mutex_lock(&w->lock);
	v = w->done_threads;
	n = w->n_done;
	w->done_threads = NULL;
	w->n_done = w->cap_done = 0;
	pthread_mutex_unlock(&w->lock);
	for (size_t i = 0; i < n; i++)
		pthread_join(v[i], NULL);
	free(v);
}

/* ---- one admission request -------------------------------------------- */

struct verdict {
	bool allowed;
	struct cs_buf msg; /* violations (and errors when failing closed) */
	char **warnings;
	size_t n_warnings;
};

static void verdict_warn(struct verdict *v, const char *fmt, ...) CS_PRINTF(2, 3);
static void verdict_warn(struct verdict *v, const char *fmt, ...)
{
	char **nw;
	va_list ap;
	char *s;

	if (v->n_warnings >= 64)
		return;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	if (!s)
		return;
	nw = cs_reallocarray(v->warnings, v->n_warnings + 2, sizeof(*nw));
	if (!nw) {
		free(s);
		return;
	}
	v->warnings = nw;
	nw[v->n_warnings++] = s;
	nw[v->n_warnings] = NULL;
}

/* Start the jobs of every image, then wait for them until the deadline. */
static void evaluate(struct cs_webhook *w, const struct cs_admission_request *req,
		     struct verdict *v)
{
	struct job **jobs = cs_calloc_array(req->n_images ? req->n_images : 1, sizeof(*jobs));
	int64_t deadline = now_ms() + w->timeout_ms;
	bool fail_open = cs_policy_failure(w->policy) == CS_POLICY_FAIL_OPEN;
	bool audit = cs_policy_mode(w->policy) == CS_POLICY_AUDIT;
	struct timespec ts;

	reap(w);
	if (!jobs) {
		v->allowed = fail_open;
		cs_buf_puts(&v->msg, "customs: out of memory");
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += w->timeout_ms / 1000;
	ts.tv_nsec += (long)(w->timeout_ms % 1000) * 1000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	for (size_t i = 0; i < req->n_images; i++) {
		struct job *j = cs_zalloc(sizeof(*j));
		struct cs_error perr = CS_ERROR_INIT;
		pthread_t t;
		bool full;

		if (!j)
			continue;
		j->w = w;
		j->refs = 1; /* the request's; the thread takes its own */
		j->image = cs_strdup(req->images[i].image);
		jobs[i] = j;
		if (!j->image) {
			cs_error_errno(&j->err, -ENOMEM, "cannot evaluate");
			j->done = true;
			continue;
		}
		if (cs_docker_ref_parse(j->image, true, &j->ref, &perr) < 0) {
			/* an image Kubernetes could never pull: a violation, not an error */
			j->decision = cs_zalloc(sizeof(*j->decision));
			if (j->decision)
				cs_policy_decision_add(j->decision, "image-reference", "%s",
						       perr.msg);
			j->done = true;
			continue;
		}
		if (answer_cached(w, j))
			continue;
		pthread_mutex_lock(&w->lock);
		full = w->jobs >= MAX_JOBS;
		if (!full) {
			w->jobs++;
			j->refs++;
		}
		pthread_mutex_unlock(&w->lock);
		if (full || pthread_create(&t, NULL, job_thread, j) != 0) {
			pthread_mutex_lock(&w->lock);
			if (!full) {
				w->jobs--;
				j->refs--;
			}
			pthread_mutex_unlock(&w->lock);
			cs_error_set(&j->err, -CS_E_LIMIT, "too many evaluations in flight");
			j->done = true;
			continue;
		}
	}
	pthread_mutex_lock(&w->lock);
	for (size_t i = 0; i < req->n_images; i++)
		while (jobs[i] && !jobs[i]->done && now_ms() < deadline)
			if (pthread_cond_timedwait(&w->cond, &w->lock, &ts) == ETIMEDOUT)
				break;
	pthread_mutex_unlock(&w->lock);

	v->allowed = true;
	for (size_t i = 0; i < req->n_images; i++) {
		const struct cs_admission_image *ai = &req->images[i];
		struct job *j = jobs[i];
		bool done;

		pthread_mutex_lock(&w->lock);
		done = j && j->done;
		if (j && !done)
			w->n.timeouts++;
		pthread_mutex_unlock(&w->lock);
		if (!j || !done || !j->decision) {
			const char *why = !j	  ? "out of memory"
					  : !done ? "evaluation timed out"
						  : j->err.msg;

			COUNT(w, errors);
			cs_log_warn("webhook: %s image '%s': %s", ai->container, ai->image, why);
			if (fail_open) {
				verdict_warn(v,
					     "customs: %s image '%s' was not evaluated (%s); "
					     "admitted by failurePolicy ignore",
					     ai->container, ai->image, why);
			} else {
				v->allowed = false;
				cs_buf_printf(&v->msg, "%s%s image '%s': not evaluated: %s",
					      v->msg.len ? "; " : "", ai->container, ai->image,
					      why);
			}
		} else {
			const struct cs_policy_decision *d = j->decision;

			for (size_t k = 0; k < d->n; k++) {
				if (audit) {
					verdict_warn(v, "customs audit: %s image '%s': %s: %s",
						     ai->container, ai->image, d->v[k].rule,
						     d->v[k].message);
					continue;
				}
				cs_buf_printf(&v->msg, "%s%s image '%s': %s: %s",
					      v->msg.len ? "; " : "", ai->container, ai->image,
					      d->v[k].rule, d->v[k].message);
			}
			if (!d->allowed)
				v->allowed = false;
		}
		if (j)
			job_unref(j);
	}
	free(jobs);
}

/* ---- HTTP ----------------------------------------------------------------- */

struct conn {
	struct cs_buf body;
	bool too_big;
};

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, const char *type,
			     const char *body, size_t len)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;

	resp = MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	ret = MHD_queue_response(c, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result reply_text(struct MHD_Connection *c, unsigned status, const char *fmt, ...)
	CS_PRINTF(3, 4);
static enum MHD_Result reply_text(struct MHD_Connection *c, unsigned status, const char *fmt, ...)
{
	char msg[1200];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if ((size_t)n > sizeof(msg) - 2)
		n = sizeof(msg) - 2;
	msg[n++] = '\n';
	return reply(c, status, "text/plain; charset=utf-8", msg, (size_t)n);
}

static enum MHD_Result metrics(struct cs_webhook *w, struct MHD_Connection *c)
{
	_cleanup_buf_ struct cs_buf b = CS_BUF_INIT(1u << 16);
	struct counters n;
	size_t entries;

	pthread_mutex_lock(&w->lock);
	n = w->n;
	entries = w->decisions.n;
	pthread_mutex_unlock(&w->lock);
#define M(name, v) cs_buf_printf(&b, "customs_webhook_" name " %llu\n", (unsigned long long)(v))
	M("requests_total", n.requests);
	M("allowed_total", n.allowed);
	M("denied_total", n.denied);
	M("bad_requests_total", n.bad_requests);
	M("cache_hits_total", n.cache_hits);
	M("cache_misses_total", n.cache_misses);
	M("tag_cache_hits_total", n.tag_hits);
	M("evaluations_total", n.evaluations);
	M("errors_total", n.errors);
	M("timeouts_total", n.timeouts);
	M("cache_entries", entries);
#undef M
	return reply(c, MHD_HTTP_OK, "text/plain; version=0.0.4", b.data ? b.data : "", b.len);
}

static enum MHD_Result validate(struct cs_webhook *w, struct MHD_Connection *c, struct conn *cn)
{
	_cleanup_(cs_admission_request_freep) struct cs_admission_request *req = NULL;
	_cleanup_buf_ struct cs_buf out = CS_BUF_INIT(1u << 20);
	struct cs_error err = CS_ERROR_INIT;
	struct verdict v = { .allowed = true, .msg = CS_BUF_INIT(MAX_MESSAGE) };
	enum MHD_Result ret;
	int r;

	COUNT(w, requests);
	r = cs_admission_parse(cn->body.data ? cn->body.data : "", cn->body.len, &req, &err);
	if (r < 0) {
		COUNT(w, bad_requests);
		return reply_text(
			c, r == -ENOMEM ? MHD_HTTP_INTERNAL_SERVER_ERROR : MHD_HTTP_BAD_REQUEST,
			"%s", err.msg);
	}
	if (req->n_images)
		evaluate(w, req, &v);
	if (cs_buf_putc(&v.msg, '\0') < 0 && v.msg.data && v.msg.len)
		v.msg.data[v.msg.len - 1] = '\0'; /* the message is bounded: keep what fits */
	cs_log_info("webhook: %s %s %s/%s uid %s: %s", req->operation, req->kind,
		    req->namespace ? req->namespace : "", req->name ? req->name : "", req->uid,
		    v.allowed ? "allowed" : "denied");
	if (v.allowed)
		COUNT(w, allowed);
	else
		COUNT(w, denied);
	r = cs_admission_response(&out, req->uid, v.allowed,
				  v.msg.len && v.msg.data[0] ? v.msg.data : NULL, v.warnings);
	cs_buf_done(&v.msg);
	cs_strv_free(v.warnings);
	if (r < 0)
		return reply_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "cannot write the response");
	ret = reply(c, MHD_HTTP_OK, "application/json", out.data, out.len);
	return ret;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version, const char *upload,
			      size_t *upload_size, void **con_cls)
{
	struct cs_webhook *w = cls;
	struct conn *cn = *con_cls;
	bool post = !strcmp(method, MHD_HTTP_METHOD_POST);
	bool get = !strcmp(method, MHD_HTTP_METHOD_GET) || !strcmp(method, MHD_HTTP_METHOD_HEAD);

	(void)version;
	if (!cn) {
		const char *cl;

		cn = cs_zalloc(sizeof(*cn));
		if (!cn)
			return MHD_NO;
		cs_buf_init(&cn->body, w->max_body);
		*con_cls = cn;
		cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
						 MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl) {
			uint64_t n;

			cn->too_big = cs_safe_atou64(cl, &n) < 0 || n > w->max_body;
		}
		return MHD_YES;
	}
	if (*upload_size) {
		if (!cn->too_big && cs_buf_append(&cn->body, upload, *upload_size) < 0)
			cn->too_big = true;
		*upload_size = 0;
		return MHD_YES;
	}
	if (!strcmp(url, "/validate")) {
		if (!post)
			return reply_text(c, MHD_HTTP_METHOD_NOT_ALLOWED, "use POST");
		if (cn->too_big)
			return reply_text(c, MHD_HTTP_CONTENT_TOO_LARGE,
					  "request body larger than %zu bytes", w->max_body);
		return validate(w, c, cn);
	}
	if (!strcmp(url, "/healthz") || !strcmp(url, "/metrics")) {
		if (!get)
			return reply_text(c, MHD_HTTP_METHOD_NOT_ALLOWED, "use GET");
		if (!strcmp(url, "/healthz"))
			return reply(c, MHD_HTTP_OK, "text/plain", "ok\n", 3);
		return metrics(w, c);
	}
	return reply_text(c, MHD_HTTP_NOT_FOUND, "not found");
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
		      enum MHD_RequestTerminationCode toe)
{
	struct conn *cn = *con_cls;

	(void)cls;
	(void)c;
	(void)toe;
	if (!cn)
		return;
	cs_buf_done(&cn->body);
	free(cn);
	*con_cls = NULL;
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];

	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	msg[strcspn(msg, "\n")] = '\0';
	cs_log_debug("webhook: http: %s", msg);
}

static int read_pem(const char *path, const char *what, char **ret, struct cs_error *err)
{
	_cleanup_(cs_stream_freep) struct cs_stream *s = NULL;
	struct cs_buf b = CS_BUF_INIT(PEM_MAX);
	int r;

	r = cs_stream_open_file(path, &s, err);
	if (r >= 0)
		r = cs_stream_read_all(s, &b, err);
	if (r >= 0)
		r = cs_buf_putc(&b, '\0');
	if (r < 0) {
		cs_buf_done(&b);
		return err->code ? cs_error_prefix(err, "%s", what)
				 : cs_error_errno(err, r, "%s '%s'", what, path);
	}
	*ret = cs_buf_steal(&b, NULL);
	return 0;
}

static int parse_listen(const char *s, struct sockaddr_storage *ss, socklen_t *len, uint16_t *port,
			struct cs_error *err)
{
	const char *colon = strrchr(s, ':');
	char host[128];
	size_t hl;
	uint32_t p;

	if (!colon || colon == s)
		goto bad;
	hl = (size_t)(colon - s);
	if (s[0] == '[') {
		if (hl < 3 || s[hl - 1] != ']')
			goto bad;
		memcpy(host, s + 1, hl - 2);
		host[hl - 2] = '\0';
	} else {
		if (hl >= sizeof(host))
			goto bad;
		memcpy(host, s, hl);
		host[hl] = '\0';
	}
	if (hl >= sizeof(host) || cs_safe_atou32(colon + 1, &p) < 0 || p > 65535)
		goto bad;
	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, host, &((struct sockaddr_in *)ss)->sin_addr) == 1) {
		((struct sockaddr_in *)ss)->sin_family = AF_INET;
		((struct sockaddr_in *)ss)->sin_port = htons((uint16_t)p);
		*len = sizeof(struct sockaddr_in);
	} else if (inet_pton(AF_INET6, host, &((struct sockaddr_in6 *)ss)->sin6_addr) == 1) {
		((struct sockaddr_in6 *)ss)->sin6_family = AF_INET6;
		((struct sockaddr_in6 *)ss)->sin6_port = htons((uint16_t)p);
		*len = sizeof(struct sockaddr_in6);
	} else {
		goto bad;
	}
	*port = (uint16_t)p;
	return 0;
bad:
	return cs_error_set(err, -CS_E_USAGE,
			    "invalid listen address '%s' (ADDR:PORT, an IP address and a port)", s);
}

int cs_webhook_start(const struct cs_webhook_options *o, struct cs_webhook **ret,
		     struct cs_error *err)
{
	struct cs_webhook *w;
	struct sockaddr_storage ss;
	socklen_t sl;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_TLS;
	const union MHD_DaemonInfo *info;
	int r;

	if (!MHD_is_feature_supported(MHD_FEATURE_TLS))
		return cs_error_set(err, -CS_E_UNSUPPORTED, "libmicrohttpd was built without TLS");
	r = cs_http_global_init(); /* before any thread */
	if (r < 0)
		return cs_error_set(err, r, "cannot initialise libcurl");
	w = cs_zalloc(sizeof(*w));
	if (!w)
		return -ENOMEM;
	pthread_mutex_init(&w->lock, NULL);
	pthread_mutex_init(&w->eval_lock, NULL);
	pthread_cond_init(&w->cond, NULL);
	w->policy = o->policy;
	w->image = *o->image;
	w->db = o->db;
	w->lcache = o->cache;
	w->evidence = o->evidence;
	w->timeout_ms = (int64_t)(o->timeout_ms ? o->timeout_ms : DEFAULT_TIMEOUT);
	w->max_body = o->max_body ? o->max_body : CS_ADMISSION_MAX_BODY;
	w->decisions.max = w->tags.max = o->cache_max ? o->cache_max : DEFAULT_CACHEMAX;
	w->decisions.ttl_ms = (int64_t)(o->cache_ttl_s ? o->cache_ttl_s : DEFAULT_TTL) * 1000;
	w->decisions.free_value = decision_free_void;
	w->tags.ttl_ms = (int64_t)o->tag_ttl_s * 1000;
	w->tags.free_value = free;
	cs_registry_options_default(&w->reg);
	w->reg.ca_cert = w->image.ca_cert;
	w->reg.insecure = w->image.insecure;
	w->reg.tls_verify = w->image.tls_verify;
	w->reg.auth_file = w->image.auth_file;
	w->reg.username = w->image.username;
	w->reg.password = w->image.password;
	w->reg.retries = w->image.retries;
	r = parse_listen(o->listen, &ss, &sl, &w->port, err);
	if (r >= 0)
		r = read_pem(o->tls_cert, "TLS certificate", &w->cert, err);
	if (r >= 0)
		r = read_pem(o->tls_key, "TLS key", &w->key, err);
	if (r < 0) {
		cs_webhook_stop(w);
		return r;
	}
	w->d = MHD_start_daemon(
		flags, w->port, NULL, NULL, handle, w, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
		MHD_OPTION_HTTPS_MEM_CERT, w->cert, MHD_OPTION_HTTPS_MEM_KEY, w->key,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(o->threads ? o->threads : DEFAULT_THREADS),
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30, MHD_OPTION_CONNECTION_LIMIT,
		(unsigned)1024, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(128u << 10),
		MHD_OPTION_NOTIFY_COMPLETED, completed, w, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, w,
		MHD_OPTION_END);
	(void)sl;
	if (!w->d) {
		cs_webhook_stop(w);
		return cs_error_set(err, -CS_E_INPUT,
				    "cannot serve HTTPS on '%s' (address in use, or an invalid "
				    "certificate or key)",
				    o->listen);
	}
	info = MHD_get_daemon_info(w->d, MHD_DAEMON_INFO_BIND_PORT);
	if (info && info->port)
		w->port = info->port;
	*ret = w;
	return 0;
}

void cs_webhook_stop(struct cs_webhook *w)
{
	if (!w)
		return;
	if (w->d)
		MHD_stop_daemon(w->d);
	/* jobs that outlived their requests still use the caches and the policy */
	pthread_mutex_lock(&w->lock);
	while (w->jobs)
		pthread_cond_wait(&w->cond, &w->lock);
	pthread_mutex_unlock(&w->lock);
	reap(w);
	cache_done(&w->decisions);
	cache_done(&w->tags);
	for (size_t i = 0; i < w->n_pool; i++) {
		free(w->pool[i].repo);
		cs_registry_free(w->pool[i].reg);
	}
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->lock);
	pthread_mutex_destroy(&w->eval_lock);
	if (w->key)
		explicit_bzero(w->key, strlen(w->key));
	free(w->key);
	free(w->cert);
	free(w);
}

uint16_t cs_webhook_port(const struct cs_webhook *w)
{
	return w->port;
}
