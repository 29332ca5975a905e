/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cgroup id -> container, by walking the cgroup v2 hierarchy (see
 * container.h). The walk is bounded in depth and in directories; the
 * engine's answers are bounded and type-checked. Never prints.
 */
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>
#include <linux/magic.h>
#include <jansson.h>
#include "basic/alloc.h"
#include "image/engine_api.h"
#include "registry/http.h"
#include "runtime/container.h"

#define ENGINE_BODY_MAX (4u << 20)

/* Where a container's engine request stands (the lookups' thread's view). */
enum ask {
	ASK_NOT_YET, /* never asked, or the last request failed and is due again */
	ASK_QUEUED,  /* queued, in flight or answered but not polled */
	ASK_DONE,    /* the engine answered */
	ASK_FAILED,  /* no answer: ask again after next_try_ms */
};

struct container {
	char full_id[65];
	enum ask ask;
	bool waiting;	      /* lookups say PENDING: no answer yet, not given up */
	uint64_t next_try_ms; /* ASK_FAILED: when to ask the engine again */
	uint32_t backoff_ms;
	struct cs_rt_container info;
};

/* One request to the resolver thread, and its answer. */
struct ask_job {
	int32_t index; /* into containers */
	bool ok;
	char full_id[65];
	struct cs_rt_container info; /* ok: what the engine said */
};

struct slot {
	uint64_t ino;	   /* 0: empty */
	int32_t container; /* index into containers, -1: host */
	uint32_t gen;	   /* the scan that saw it */
};

struct cs_containers {
	char *root;
	char *engine;
	struct slot *slots;
	size_t cap, used;
	struct container *containers;
	size_t n_containers, cap_containers;
	uint64_t last_scan_ms;
	uint32_t gen;
	/*
	 * The resolver thread. Under lock: the queue of requests (todo) and of
	 * answers (done), each bounded by CS_CONTAINERS_QUEUE_MAX through
	 * outstanding (requests not yet polled back). done_count mirrors
	 * n_done so a poll with nothing to take does not lock.
	 */
	pthread_t thread;
	bool thread_started, stopping;
	atomic_bool cancel; /* abandon the request in flight: we are stopping */
	pthread_mutex_t lock;
	pthread_cond_t wake;
	struct ask_job *todo, *done;
	size_t todo_head, n_todo, n_done, outstanding; /* outstanding: lookups' thread only */
	atomic_size_t done_count;
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static bool is_hex64(const char *s, size_t n)
{
	if (n < 64)
		return false;
	for (size_t i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

bool cs_cgroup_name_container_id(const char *name, bool in_docker, char id[65])
{
	static const char *const prefixes[] = { "libpod-", "docker-", "cri-containerd-", "crio-" };
	size_t n = strlen(name);

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		size_t pl = strlen(prefixes[i]);
		const char *rest = name + pl;
		size_t rl = n - pl;

		if (n < pl || strncmp(name, prefixes[i], pl) != 0)
			continue;
		/* <64 hex> or <64 hex>.scope; libpod-conmon-<id> is the monitor, not the container
		 */
		if (!is_hex64(rest, rl) ||
		    !(rl == 64 || (rl == 70 && !strcmp(rest + 64, ".scope"))))
			return false;
		memcpy(id, rest, 64);
		id[64] = '\0';
		return true;
	}
	if (in_docker && n == 64 && is_hex64(name, n)) {
		memcpy(id, name, 65);
		return true;
	}
	return false;
}

static struct slot *slot_find(struct cs_containers *c, uint64_t ino)
{
	size_t mask = c->cap - 1, i = (size_t)(ino * 0x9E3779B97F4A7C15ull) & mask;

	for (;; i = (i + 1) & mask)
		if (c->slots[i].ino == ino || c->slots[i].ino == 0)
			return &c->slots[i];
}

static int slots_grow(struct cs_containers *c)
{
	struct slot *old = c->slots;
	size_t oldcap = c->cap, ncap = oldcap ? oldcap * 2 : 1024;

	c->slots = calloc(ncap, sizeof(*c->slots));
	if (!c->slots) {
		c->slots = old;
		return -ENOMEM;
	}
	c->cap = ncap;
	c->used = 0;
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].ino) {
			*slot_find(c, old[i].ino) = old[i];
			c->used++;
		}
	free(old);
	return 0;
}

/* What is known of a container before the engine answers: its ids, the short id as name. */
static void info_base(struct cs_rt_container *i, const char *full_id)
{
	memset(i, 0, sizeof(*i));
	memcpy(i->full_id, full_id, 65);
	memcpy(i->id, full_id, 12);
	i->id[12] = '\0';
	/* as Falco shows a container it knows no name of */
	memcpy(i->name, i->id, 13);
}

static int32_t container_index(struct cs_containers *c, const char *full_id)
{
	struct container *k;

	for (size_t i = 0; i < c->n_containers; i++)
		if (!strcmp(c->containers[i].full_id, full_id))
			return (int32_t)i;
	if (c->n_containers >= CS_CONTAINERS_MAX)
		return -1;
	if (c->n_containers == c->cap_containers) {
		size_t ncap = c->cap_containers ? c->cap_containers * 2 : 16;
		struct container *n = reallocarray(c->containers, ncap, sizeof(*n));

		if (!n)
			return -1;
		c->containers = n;
		c->cap_containers = ncap;
	}
	k = &c->containers[c->n_containers];
	memset(k, 0, sizeof(*k));
	memcpy(k->full_id, full_id, 65);
	info_base(&k->info, full_id);
	k->waiting = c->thread_started;
	k->backoff_ms = CS_CONTAINERS_RETRY_MIN_MS;
	return (int32_t)c->n_containers++;
}

static int map_cgroup(struct cs_containers *c, uint64_t ino, int32_t container)
{
	struct slot *s;

	if (c->used + 1 > c->cap / 2) {
		if (c->used >= CS_CONTAINERS_MAX_CGROUPS)
			return -CS_E_LIMIT;
		if (slots_grow(c) < 0)
			return -ENOMEM;
	}
	s = slot_find(c, ino);
	if (!s->ino) {
		s->ino = ino;
		c->used++;
	}
	s->container = container;
	s->gen = c->gen;
	return 0;
}

/* Walk dirfd (owned) at depth; container: the enclosing container's index or -1. */
static int walk(struct cs_containers *c, int dirfd, const char *name, unsigned depth,
		int32_t container, int *count)
{
	DIR *d;
	struct dirent *de;
	int r = 0;

	d = fdopendir(dirfd);
	if (!d) {
		close(dirfd);
		return 0; /* vanished or unreadable: not an error of the walk */
	}
	while (r >= 0 && (de = readdir(d))) {
		struct stat st;
		int32_t k = container;
		char id[65];
		int fd;

		if (de->d_type != DT_DIR || !strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		fd = openat(dirfd, de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0)
			continue;
		if (fstat(fd, &st) < 0) {
			close(fd);
			continue;
		}
		if (cs_cgroup_name_container_id(de->d_name, name && !strcmp(name, "docker"), id)) {
			k = container_index(c, id);
			if (k < 0) {
				close(fd);
				r = -CS_E_LIMIT;
				break;
			}
		}
		r = map_cgroup(c, (uint64_t)st.st_ino, k);
		(*count)++;
		if (r < 0) {
			close(fd);
			break;
		}
		if (depth + 1 >= CS_CONTAINERS_MAX_DEPTH)
			close(fd);
		else
			r = walk(c, fd, de->d_name, depth + 1, k, count);
	}
	closedir(d);
	return r;
}

int cs_containers_rescan(struct cs_containers *c, struct cs_error *err)
{
	struct stat st;
	int fd, count = 0, r;

	c->gen++;
	c->last_scan_ms = now_ms();
	fd = open(c->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return cs_error_errno(err, errno, "cannot open cgroup hierarchy '%s'", c->root);
	if (fstat(fd, &st) == 0)
		map_cgroup(c, (uint64_t)st.st_ino, -1);
	r = walk(c, fd, NULL, 0, -1, &count);
	if (r == -CS_E_LIMIT)
		return cs_error_set(err, r, "cgroup hierarchy '%s' has more than %u cgroups",
				    c->root, CS_CONTAINERS_MAX_CGROUPS);
	if (r < 0)
		return cs_error_errno(err, r, "cannot walk cgroup hierarchy '%s'", c->root);
	return count + 1;
}

static void *resolver(void *arg);

static char *default_root(void)
{
	struct statfs sf;

	if (statfs("/sys/fs/cgroup", &sf) == 0 && sf.f_type == CGROUP2_SUPER_MAGIC)
		return cs_strdup("/sys/fs/cgroup");
	return cs_strdup("/sys/fs/cgroup/unified");
}

int cs_containers_new(const char *cgroup_root, const char *engine_socket,
		      struct cs_containers **ret, struct cs_error *err)
{
	struct cs_containers *c = calloc(1, sizeof(*c));
	int r;

	if (!c)
		return -ENOMEM;
	c->root = cgroup_root ? cs_strdup(cgroup_root) : default_root();
	c->engine = engine_socket ? cs_strdup(engine_socket) : NULL;
	if (!c->root || (engine_socket && !c->engine) || slots_grow(c) < 0) {
		cs_containers_free(c);
		return -ENOMEM;
	}
	if (c->engine) {
		c->todo = calloc(CS_CONTAINERS_QUEUE_MAX, sizeof(*c->todo));
		c->done = calloc(CS_CONTAINERS_QUEUE_MAX, sizeof(*c->done));
		if (!c->todo || !c->done) {
			cs_containers_free(c);
			return -ENOMEM;
		}
		/* curl's global state, before a second thread may use it */
		if (cs_http_global_init() < 0) {
			cs_containers_free(c);
			return cs_error_set(err, -CS_E_INTERNAL, "cannot initialise libcurl");
		}
		pthread_mutex_init(&c->lock, NULL);
		pthread_cond_init(&c->wake, NULL);
		r = pthread_create(&c->thread, NULL, resolver, c);
		if (r) {
			pthread_mutex_destroy(&c->lock);
			pthread_cond_destroy(&c->wake);
			cs_containers_free(c);
			return cs_error_errno(err, r, "cannot start the container resolver thread");
		}
		c->thread_started = true;
	}
	r = cs_containers_rescan(c, err);
	if (r < 0) {
		cs_containers_free(c);
		return r;
	}
	*ret = c;
	return 0;
}

void cs_containers_free(struct cs_containers *c)
{
	if (!c)
		return;
	if (c->thread_started) {
		/* a request in flight is abandoned within about a second */
		pthread_mutex_lock(&c->lock);
		c->stopping = true;
		atomic_store(&c->cancel, true);
		pthread_cond_broadcast(&c->wake);
		pthread_mutex_unlock(&c->lock);
		pthread_join(c->thread, NULL);
		pthread_mutex_destroy(&c->lock);
		pthread_cond_destroy(&c->wake);
	}
	free(c->todo);
	free(c->done);
	free(c->root);
	free(c->engine);
	free(c->slots);
	free(c->containers);
	free(c);
}

const char *cs_containers_root(const struct cs_containers *c)
{
	return c->root;
}

static const char *jstr(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* "repo:tag" / "repo@sha256:..." into repository, tag and digest. */
static void split_image(struct cs_rt_container *i)
{
	const char *img = i->image, *at = strchr(img, '@'), *slash = strrchr(img, '/');
	const char *colon = strrchr(img, ':');
	size_t rlen = strlen(img);

	if (at) {
		CS_RT_SET(i->digest, at + 1);
		rlen = (size_t)(at - img);
		colon = memrchr(img, ':', rlen);
	}
	if (colon && (!slash || colon > slash)) {
		cs_rt_strset(i->tag, sizeof(i->tag), colon + 1,
			     (size_t)((at ? at : img + strlen(img)) - colon - 1));
		rlen = (size_t)(colon - img);
	}
	cs_rt_strset(i->repository, sizeof(i->repository), img, rlen);
}

/* k=v into the NUL-separated labels (container.label[k]); left out past the bound. */
static void label_add(struct cs_rt_container *i, const char *key, const char *value)
{
	size_t kl = strlen(key), vl = strlen(value), need = kl + vl + 2;

	if (!kl || memchr(key, '=', kl) || (size_t)i->labels_len + need > sizeof(i->labels))
		return;
	memcpy(i->labels + i->labels_len, key, kl);
	i->labels[i->labels_len + kl] = '=';
	memcpy(i->labels + i->labels_len + kl + 1, value, vl + 1);
	i->labels_len = (uint16_t)(i->labels_len + need);
}

/* Name, image and labels of full_id from the engine into i (the resolver thread). */
static int fetch(const char *engine, const atomic_bool *cancel, const char *full_id,
		 struct cs_rt_container *i)
{
	json_t *root = NULL, *config, *labels, *hostcfg;
	char path[128];
	const char *s, *key;
	json_t *v;

	snprintf(path, sizeof(path), "/containers/%s/json", full_id);
	if (cs_engine_get_json_cancel(engine, path, ENGINE_BODY_MAX, cancel, &root, NULL) < 0 ||
	    !json_is_object(root)) {
		json_decref(root);
		return -CS_E_NETWORK;
	}
	s = jstr(root, "Name");
	if (s) {
		if (*s == '/')
			s++;
		CS_RT_SET(i->name, s);
	}
	config = json_object_get(root, "Config");
	s = jstr(config, "Image");
	if (s) {
		CS_RT_SET(i->image, s);
		split_image(i);
	}
	s = jstr(root, "Image");
	if (s) {
		if (!strncmp(s, "sha256:", 7))
			s += 7;
		cs_rt_strset(i->image_id, sizeof(i->image_id), s, strnlen(s, 12));
	}
	s = jstr(root, "ImageDigest"); /* podman */
	if (s && !i->digest[0])
		CS_RT_SET(i->digest, s);
	hostcfg = json_object_get(root, "HostConfig");
	v = json_object_get(hostcfg, "Privileged");
	i->privileged = json_is_true(v);
	labels = json_object_get(config, "Labels");
	if (json_is_object(labels))
		json_object_foreach (labels, key, v) {
			if (json_is_string(v))
				label_add(i, key, json_string_value(v));
		}
	json_decref(root);
	return 0;
}

static void *resolver(void *arg)
{
	struct cs_containers *c = arg;
	struct ask_job job;

	pthread_mutex_lock(&c->lock);
	for (;;) {
		while (!c->stopping && !c->n_todo)
			pthread_cond_wait(&c->wake, &c->lock);
		if (c->stopping)
			break;
		job.index = c->todo[c->todo_head].index;
		memcpy(job.full_id, c->todo[c->todo_head].full_id, sizeof(job.full_id));
		c->todo_head = (c->todo_head + 1) % CS_CONTAINERS_QUEUE_MAX;
		c->n_todo--;
		pthread_mutex_unlock(&c->lock);
		info_base(&job.info, job.full_id);
		job.ok = fetch(c->engine, &c->cancel, job.full_id, &job.info) == 0;
		pthread_mutex_lock(&c->lock);
		/* n_done <= outstanding <= CS_CONTAINERS_QUEUE_MAX */
		c->done[c->n_done++] = job;
		atomic_store_explicit(&c->done_count, c->n_done, memory_order_release);
	}
	pthread_mutex_unlock(&c->lock);
	return NULL;
}

/* Queue container index for the resolver; when the queue is full, a later lookup asks. */
static void ask(struct cs_containers *c, int32_t index)
{
	struct container *k = &c->containers[index];
	size_t tail;

	if (c->outstanding >= CS_CONTAINERS_QUEUE_MAX)
		return;
	pthread_mutex_lock(&c->lock);
	tail = (c->todo_head + c->n_todo) % CS_CONTAINERS_QUEUE_MAX;
	c->todo[tail].index = index;
	memcpy(c->todo[tail].full_id, k->full_id, sizeof(k->full_id));
	c->n_todo++;
	pthread_cond_signal(&c->wake);
	pthread_mutex_unlock(&c->lock);
	c->outstanding++;
	k->ask = ASK_QUEUED;
}

int cs_containers_poll(struct cs_containers *c,
		       void (*fn)(const char *full_id, bool answered, void *ud), void *ud)
{
	int32_t ended[CS_CONTAINERS_QUEUE_MAX];
	size_t n, n_ended = 0;
	uint64_t now;

	if (!c->thread_started || !atomic_load_explicit(&c->done_count, memory_order_acquire))
		return 0;
	now = now_ms();
	pthread_mutex_lock(&c->lock);
	n = c->n_done;
	for (size_t j = 0; j < n; j++) {
		const struct ask_job *job = &c->done[j];
		struct container *k = &c->containers[job->index];

		c->outstanding--;
		if (job->ok) {
			k->info = job->info;
			k->ask = ASK_DONE;
		} else {
			k->ask = ASK_FAILED;
			k->next_try_ms = now + k->backoff_ms;
			k->backoff_ms = k->backoff_ms * 2 > CS_CONTAINERS_RETRY_MAX_MS
						? CS_CONTAINERS_RETRY_MAX_MS
						: k->backoff_ms * 2;
		}
		if (k->waiting) {
			k->waiting = false;
			ended[n_ended++] = job->index;
		}
	}
	c->n_done = 0;
	atomic_store_explicit(&c->done_count, 0, memory_order_release);
	pthread_mutex_unlock(&c->lock);
	for (size_t j = 0; fn && j < n_ended; j++)
		fn(c->containers[ended[j]].full_id, c->containers[ended[j]].ask == ASK_DONE, ud);
	return (int)n;
}

void cs_containers_give_up(struct cs_containers *c, const char *full_id)
{
	for (size_t i = 0; i < c->n_containers; i++)
		if (!strcmp(c->containers[i].full_id, full_id)) {
			c->containers[i].waiting = false;
			return;
		}
}

enum cs_container_state cs_containers_lookup(struct cs_containers *c, uint64_t cgroup_id,
					     struct cs_rt_container *out)
{
	struct slot *s = slot_find(c, cgroup_id);
	struct container *k;

	if (!s->ino && now_ms() - c->last_scan_ms >= CS_CONTAINERS_RESCAN_MS) {
		cs_containers_rescan(c, NULL);
		s = slot_find(c, cgroup_id);
	}
	if (!s->ino || s->container < 0 || (size_t)s->container >= c->n_containers) {
		cs_rt_container_set_host(out);
		return CS_CONTAINER_HOST;
	}
	k = &c->containers[s->container];
	if (c->thread_started &&
	    (k->ask == ASK_NOT_YET || (k->ask == ASK_FAILED && now_ms() >= k->next_try_ms)))
		ask(c, s->container);
	*out = k->info;
	return k->waiting ? CS_CONTAINER_PENDING : CS_CONTAINER_KNOWN;
}

bool cs_containers_known(struct cs_containers *c, uint64_t cgroup_id)
{
	return cgroup_id && slot_find(c, cgroup_id)->ino == cgroup_id;
}

bool cs_container_matches(const struct cs_rt_container *c, const char *s)
{
	size_t n = strlen(s);

	if (!n)
		return false;
	if (!strcmp(c->name, s))
		return true;
	return n >= 3 && n <= 64 && !strncmp(c->full_id, s, n);
}
