/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shared between the rule engine's files: the arena every AST node and
 * string lives in, the condition AST, the field table.
 *   rules_parse.c  condition lexer and parser -> AST
 *   rules_expr.c   fields: names, types, extraction from an event
 *   rules.c        rules files: lists, macros, rules, append/override,
 *                  exceptions; compilation and the evt.type index
 *   ruleeval.c     evaluation of compiled conditions, output rendering
 */
#pragma once

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "basic/error.h"
#include "runtime/event.h"
#include "runtime/rules.h"

/* ---- arena: freed all at once with the engine ---- */
struct arena_block;
struct arena {
	struct arena_block *head;
	size_t used, cap;
	size_t total; /* bytes handed out, bounded */
	bool over;    /* an allocation failed because of ARENA_MAX */
};
#define ARENA_MAX (512u << 20)
void *arena_alloc(struct arena *a, size_t n); /* zeroed; NULL on OOM or over ARENA_MAX */
char *arena_strndup(struct arena *a, const char *s, size_t n);
void arena_free(struct arena *a);

/* ---- fields ---- */
enum ftype { FT_STR, FT_INT, FT_BOOL, FT_IP, FT_EVTTYPE };
enum farg { FA_NONE, FA_INDEX, FA_INDEX_OPT, FA_KEY };

struct field_def {
	const char *name;
	int id;
	enum ftype type;
	enum farg arg;
	bool supported; /* false: a Falco field customs cannot fill */
	bool multi;	/* several values (any-of semantics) */
};

enum transformer { TR_NONE = 0, TR_TOLOWER, TR_TOUPPER, TR_B64, TR_BASENAME, TR_LEN };
#define MAX_TRANSFORMERS 4

struct fieldref {
	const char *name;	      /* as written, without argument */
	const char *arg;	      /* text inside [...] or after evt.arg. ; NULL when none */
	long index;		      /* numeric arg, -1 none */
	uint8_t tr[MAX_TRANSFORMERS]; /* outermost last */
	uint8_t n_tr;
	const struct field_def *def; /* resolved at compile */
};

/* look up a field by name (arg split off); NULL when unknown */
const struct field_def *field_lookup(const char *name, const char **arg_out);
/* resolve name/arg/index of f; returns 0 or -CS_E_UNSUPPORTED / -CS_E_INPUT */
int field_resolve(struct fieldref *f, const char *full, struct arena *a, struct cs_error *err);

/* A value extracted from an event: string (s,len) or integer n. */
struct fval {
	enum ftype type;
	const char *s;
	size_t len;
	int64_t n;
};
#define SCRATCH_MAX 8192
/*
 * Value number k (0 for single-valued fields) of f in e. Returns 1 with *v
 * set, 0 when the value is not known, -1 when k is past the last value.
 * scratch (SCRATCH_MAX bytes) holds composed strings.
 */
int field_extract(const struct fieldref *f, const struct cs_rt_event *e, unsigned k, struct fval *v,
		  char *scratch);
/* render v as text into buf */
size_t fval_render(const struct fval *v, char *buf, size_t cap);

/* ---- AST ---- */
enum op {
	OP_EQ,
	OP_NE,
	OP_LT,
	OP_LE,
	OP_GT,
	OP_GE,
	OP_CONTAINS,
	OP_ICONTAINS,
	OP_BCONTAINS,
	OP_STARTSWITH,
	OP_BSTARTSWITH,
	OP_ENDSWITH,
	OP_GLOB,
	OP_IN,
	OP_INTERSECTS,
	OP_PMATCH,
	OP_EXISTS,
	OP_REGEX,
};
const char *op_name(enum op o);

enum nkind { N_AND, N_OR, N_NOT, N_CMP, N_REF, N_TRUE, N_FALSE };

/* a constant on the right of a comparison, compiled for the field type */
struct cval {
	const char *s;
	size_t len;
	int64_t n;
	uint32_t net, mask; /* FT_IP: address/prefix as host order (IPv4) */
	bool cidr;
};

struct rnode {
	enum nkind kind;
	unsigned pos; /* byte offset in the condition, for errors */
	/* N_AND/N_OR */
	struct rnode **kids;
	size_t n_kids;
	/* N_NOT: kids[0] */
	/* N_REF */
	const char *ref;
	/* N_CMP */
	struct fieldref lhs;
	enum op op;
	const char **vals; /* raw values as written */
	bool *quoted;	   /* a quoted value is never a list reference */
	size_t n_vals;
	bool rhs_list; /* written as (a, b) */
	/* compiled */
	struct cval *cv;
	size_t n_cv;
	bool sorted;	   /* cv sorted by (s,len) for bsearch */
	uint64_t types[2]; /* evt.type comparisons: the set of the constants */
	regex_t *re;
	/* a macro's root: 1 + its slot in evalctx.memo (0: not memoised) */
	uint32_t memo;
};

/* Parse cond into an AST in a; -CS_E_INPUT with err "at column N: ..." */
int cond_parse(struct arena *a, const char *cond, size_t len, struct rnode **ret,
	       struct cs_error *err);

/* rule i's compiled condition (NULL before compile), for analyses beside the evaluator */
const struct rnode *rules_rule_root(const struct cs_rules *r, size_t i);

/*
 * evaluation (ruleeval.c); scratch buffers live once per event, not per
 * comparison. A macro's value depends on the event alone: the first rule
 * that evaluates it keeps it in memo (0 not yet, 1 false, 2 true) for the
 * other rules of the same event; cs_rules_eval clears the slots in use.
 */
#define EVAL_MEMO_MAX 4096
struct evalctx {
	char scratch[SCRATCH_MAX];
	char tbuf[SCRATCH_MAX];
	uint8_t memo[EVAL_MEMO_MAX];
};
bool node_eval(const struct rnode *n, const struct cs_rt_event *e, struct evalctx *x);

/* event type sets */
#define EVT_WORDS CS_RULES_EVTSET_WORDS
_Static_assert(CS_RT_EVT_COUNT <= 64 * EVT_WORDS, "event type bitset too small");
static inline void evset_add(uint64_t *s, unsigned t)
{
	s[t / 64] |= 1ull << (t % 64);
}
static inline bool evset_has(const uint64_t *s, unsigned t)
{
	return (s[t / 64] >> (t % 64)) & 1;
}
