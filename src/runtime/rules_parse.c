/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Falco condition language: lexer and recursive-descent parser to an AST.
 *   expr    := and ('or' and)*
 *   and     := unary ('and' unary)*
 *   unary   := 'not' unary | '(' expr ')' | check
 *   check   := field OP value | field OP '(' values ')' | field 'exists'
 *            | macro-name
 *   field   := NAME ['[' ARG ']'] | transformer '(' field ')'
 * Precedence: not > and > or. Nesting is bounded (CS_RULES_DEPTH_MAX).
 * The parser knows no macros or lists: a bare name is a macro reference and
 * list names inside (...) are resolved when compiling.
 */
#include <ctype.h>
#include <string.h>
#include "basic/alloc.h"
#include "runtime/rules.h"
#include "runtime/rules_internal.h"

/* ---- arena ---- */
struct arena_block {
	struct arena_block *next;
	size_t cap;
	max_align_t data[];
};

void *arena_alloc(struct arena *a, size_t n)
{
	void *p;
	n = (n + 15) & ~(size_t)15;
	if (n > ARENA_MAX || a->total + n > ARENA_MAX) {
		a->over = true;
		return NULL;
	}
	if (!a->head || a->used + n > a->cap) {
		size_t cap = n > 65536 ? n : 65536;
		struct arena_block *b = calloc(1, sizeof(*b) + cap);
		if (!b)
			return NULL;
		b->next = a->head;
		b->cap = cap;
		a->head = b;
		a->used = 0;
		a->cap = cap;
	}
	p = (char *)a->head->data + a->used;
	a->used += n;
	a->total += n;
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);
	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

void arena_free(struct arena *a)
{
	struct arena_block *b = a->head;
	while (b) {
		struct arena_block *n = b->next;
		free(b);
		b = n;
	}
	a->head = NULL;
	a->used = a->cap = a->total = 0;
}

/* ---- lexer ---- */
enum tok { T_END, T_LP, T_RP, T_COMMA, T_OP, T_WORD, T_STR };

struct lexer {
	const char *s;
	size_t len, pos;
	enum tok t;
	const char *tp; /* token text */
	size_t tl;
	size_t tpos;
	char *str; /* unescaped T_STR */
	size_t strl;
	struct arena *a;
	struct cs_error *err;
	unsigned depth;
};

static int lex_err(struct lexer *l, const char *what)
{
	return cs_error_set(l->err, -CS_E_INPUT, "at column %zu: %s", l->tpos + 1, what);
}

static bool is_word_char(char c)
{
	return c && !isspace((unsigned char)c) && !strchr("(),=<>!\"'", c);
}

static int lex_next(struct lexer *l)
{
	const char *s = l->s;
	while (l->pos < l->len && isspace((unsigned char)s[l->pos]))
		l->pos++;
	l->tpos = l->pos;
	l->tp = s + l->pos;
	if (l->pos >= l->len) {
		l->t = T_END;
		l->tl = 0;
		return 0;
	}
	char c = s[l->pos];
	if (c == '\0')
		return lex_err(l, "NUL byte in condition");
	if (c == '(' || c == ')' || c == ',') {
		l->t = c == '(' ? T_LP : c == ')' ? T_RP : T_COMMA;
		l->tl = 1;
		l->pos++;
		return 0;
	}
	if (c == '=' || c == '<' || c == '>' || c == '!') {
		size_t n = 1;
		if (l->pos + 1 < l->len && s[l->pos + 1] == '=')
			n = 2;
		if (c == '!' && n == 1)
			return lex_err(l, "unexpected '!'");
		l->t = T_OP;
		l->tl = n;
		l->pos += n;
		return 0;
	}
	if (c == '"' || c == '\'') {
		size_t i = l->pos + 1, o = 0;
		char *out = arena_alloc(l->a, l->len - l->pos + 1);
		if (!out)
			return cs_error_set(l->err, -ENOMEM, "out of memory");
		for (;; i++) {
			if (i >= l->len)
				return lex_err(l, "unterminated string");
			if (s[i] == c)
				break;
			if (s[i] == '\\' && i + 1 < l->len) {
				char d = s[++i];
				out[o++] = d == 'n' ? '\n' : d == 't' ? '\t' : d == 'r' ? '\r' : d;
				continue;
			}
			out[o++] = s[i];
		}
		out[o] = '\0';
		l->str = out;
		l->strl = o;
		l->t = T_STR;
		l->tl = i + 1 - l->pos;
		l->pos = i + 1;
		return 0;
	}
	{
		size_t i = l->pos;
		while (i < l->len && is_word_char(s[i])) {
			if (s[i] == '[') {
				/* field argument: everything up to the closing bracket */
				while (i < l->len && s[i] != ']')
					i++;
				if (i >= l->len)
					return lex_err(l, "unterminated '['");
			}
			i++;
		}
		l->t = T_WORD;
		l->tl = i - l->pos;
		l->pos = i;
	}
	return 0;
}

static bool tok_is(const struct lexer *l, const char *w)
{
	return l->t == T_WORD && strlen(w) == l->tl && !memcmp(l->tp, w, l->tl);
}

static const struct {
	const char *name;
	enum op op;
} word_ops[] = {
	{ "contains", OP_CONTAINS },
	{ "icontains", OP_ICONTAINS },
	{ "bcontains", OP_BCONTAINS },
	{ "startswith", OP_STARTSWITH },
	{ "bstartswith", OP_BSTARTSWITH },
	{ "endswith", OP_ENDSWITH },
	{ "glob", OP_GLOB },
	{ "in", OP_IN },
	{ "intersects", OP_INTERSECTS },
	{ "pmatch", OP_PMATCH },
	{ "exists", OP_EXISTS },
	{ "regex", OP_REGEX },
};

const char *op_name(enum op o)
{
	static const char *const sym[] = { [OP_EQ] = "=",  [OP_NE] = "!=", [OP_LT] = "<",
					   [OP_LE] = "<=", [OP_GT] = ">",  [OP_GE] = ">=" };
	if (o <= OP_GE)
		return sym[o];
	for (size_t i = 0; i < CS_ARRAY_SIZE(word_ops); i++)
		if (word_ops[i].op == o)
			return word_ops[i].name;
	return "?";
}

/* the comparison operator at the current token, or -1 */
static int tok_op(const struct lexer *l)
{
	if (l->t == T_OP) {
		if (l->tl == 1)
			return l->tp[0] == '=' ? OP_EQ : l->tp[0] == '<' ? OP_LT : OP_GT;
		switch (l->tp[0]) {
		case '=':
			return OP_EQ;
		case '!':
			return OP_NE;
		case '<':
			return OP_LE;
		default:
			return OP_GE;
		}
	}
	for (size_t i = 0; i < CS_ARRAY_SIZE(word_ops); i++)
		if (tok_is(l, word_ops[i].name))
			return word_ops[i].op;
	return -1;
}

static const struct {
	const char *name;
	enum transformer tr;
} transformers[] = {
	{ "tolower", TR_TOLOWER },   { "toupper", TR_TOUPPER }, { "b64", TR_B64 },
	{ "basename", TR_BASENAME }, { "len", TR_LEN },
};

static struct rnode *node_new(struct lexer *l, enum nkind k)
{
	struct rnode *n = arena_alloc(l->a, sizeof(*n));
	if (!n) {
		cs_error_set(l->err, -ENOMEM, "out of memory");
		return NULL;
	}
	n->kind = k;
	n->pos = (unsigned)l->tpos;
	n->lhs.index = -1;
	return n;
}

static int parse_expr(struct lexer *l, struct rnode **ret);

/* field := NAME | transformer '(' field ')' ; the current token is a word */
static int parse_field(struct lexer *l, struct fieldref *f, unsigned nest)
{
	int r;
	if (l->t != T_WORD)
		return lex_err(l, "expected a field name");
	for (size_t i = 0; i < CS_ARRAY_SIZE(transformers); i++) {
		if (!tok_is(l, transformers[i].name))
			continue;
		size_t save = l->pos;
		/* a transformer only when followed by '(' */
		while (save < l->len && isspace((unsigned char)l->s[save]))
			save++;
		if (save >= l->len || l->s[save] != '(')
			break;
		if (nest >= MAX_TRANSFORMERS)
			return lex_err(l, "too many nested transformers");
		if ((r = lex_next(l)) < 0 || (r = lex_next(l)) < 0)
			return r;
		if ((r = parse_field(l, f, nest + 1)) < 0)
			return r;
		if (l->t != T_RP)
			return lex_err(l, "expected ')' after transformer argument");
		f->tr[f->n_tr++] = (uint8_t)transformers[i].tr;
		return lex_next(l);
	}
	if (l->tl == 3 && !memcmp(l->tp, "val", 3))
		return lex_err(l, "val() is not supported");
	f->name = arena_strndup(l->a, l->tp, l->tl);
	if (!f->name)
		return cs_error_set(l->err, -ENOMEM, "out of memory");
	return lex_next(l);
}

static int add_val(struct lexer *l, struct rnode *n, const char *s, size_t len, bool quoted,
		   size_t *cap)
{
	if (n->n_vals == *cap) {
		size_t nc = *cap ? *cap * 2 : 4;
		const char **v;
		bool *q;
		if (nc > CS_RULES_LIST_ITEMS_MAX)
			return lex_err(l, "too many list items");
		v = arena_alloc(l->a, nc * sizeof(*v));
		q = arena_alloc(l->a, nc * sizeof(*q));
		if (!v || !q)
			return cs_error_set(l->err, -ENOMEM, "out of memory");
		if (n->n_vals) {
			memcpy(v, n->vals, n->n_vals * sizeof(*v));
			memcpy(q, n->quoted, n->n_vals * sizeof(*q));
		}
		n->vals = v;
		n->quoted = q;
		*cap = nc;
	}
	n->vals[n->n_vals] = arena_strndup(l->a, s, len);
	if (!n->vals[n->n_vals])
		return cs_error_set(l->err, -ENOMEM, "out of memory");
	n->quoted[n->n_vals++] = quoted;
	return 0;
}

static int parse_value(struct lexer *l, struct rnode *n, size_t *cap)
{
	int r;
	if (l->t == T_STR)
		r = add_val(l, n, l->str, l->strl, true, cap);
	else if (l->t == T_WORD)
		r = add_val(l, n, l->tp, l->tl, false, cap);
	else
		return lex_err(l, "expected a value");
	if (r < 0)
		return r;
	return lex_next(l);
}

static int parse_check(struct lexer *l, struct rnode **ret)
{
	struct rnode *n;
	int r, op;
	size_t cap = 0;
	if (l->t != T_WORD)
		return lex_err(l, l->t == T_END ? "unexpected end of condition"
						: "expected a field or macro name");
	if (tok_is(l, "and") || tok_is(l, "or"))
		return lex_err(l, "expected a field or macro name");
	if (!(n = node_new(l, N_CMP)))
		return -ENOMEM;
	if ((r = parse_field(l, &n->lhs, 0)) < 0)
		return r;
	op = tok_op(l);
	if (op < 0) {
		if (n->lhs.n_tr)
			return lex_err(l, "expected an operator after a transformed field");
		n->kind = N_REF;
		n->ref = n->lhs.name;
		*ret = n;
		return 0;
	}
	n->op = (enum op)op;
	if ((r = lex_next(l)) < 0)
		return r;
	if (n->op == OP_EXISTS) {
		*ret = n;
		return 0;
	}
	if (l->t == T_LP) {
		if (n->op != OP_IN && n->op != OP_INTERSECTS && n->op != OP_PMATCH)
			return lex_err(l, "a list is only allowed after in, intersects and pmatch");
		n->rhs_list = true;
		if ((r = lex_next(l)) < 0)
			return r;
		if (l->t != T_RP) {
			for (;;) {
				if ((r = parse_value(l, n, &cap)) < 0)
					return r;
				if (l->t == T_RP)
					break;
				if (l->t != T_COMMA)
					return lex_err(l, "expected ',' or ')' in list");
				if ((r = lex_next(l)) < 0)
					return r;
			}
		}
		if ((r = lex_next(l)) < 0)
			return r;
	} else {
		if ((r = parse_value(l, n, &cap)) < 0)
			return r;
		/* `in listname` is accepted as `in (listname)` */
		if (n->op == OP_IN || n->op == OP_INTERSECTS || n->op == OP_PMATCH)
			n->rhs_list = true;
	}
	*ret = n;
	return 0;
}

static int parse_unary(struct lexer *l, struct rnode **ret)
{
	int r;
	if (++l->depth > CS_RULES_DEPTH_MAX)
		return lex_err(l, "condition nested too deeply");
	if (tok_is(l, "not")) {
		struct rnode *n = node_new(l, N_NOT), *k;
		if (!n)
			return -ENOMEM;
		if ((r = lex_next(l)) < 0 || (r = parse_unary(l, &k)) < 0)
			return r;
		n->kids = arena_alloc(l->a, sizeof(*n->kids));
		if (!n->kids)
			return cs_error_set(l->err, -ENOMEM, "out of memory");
		n->kids[0] = k;
		n->n_kids = 1;
		*ret = n;
	} else if (l->t == T_LP) {
		if ((r = lex_next(l)) < 0 || (r = parse_expr(l, ret)) < 0)
			return r;
		if (l->t != T_RP)
			return lex_err(l, "expected ')'");
		if ((r = lex_next(l)) < 0)
			return r;
	} else if ((r = parse_check(l, ret)) < 0) {
		return r;
	}
	l->depth--;
	return 0;
}

static int parse_binary(struct lexer *l, const char *kw, enum nkind kind, struct rnode **ret)
{
	struct rnode *first, *n;
	struct rnode *kids[64], **many = NULL;
	size_t nk = 0, cap = CS_ARRAY_SIZE(kids);
	int r = kind == N_OR ? parse_binary(l, "and", N_AND, &first) : parse_unary(l, &first);
	if (r < 0)
		return r;
	if (!tok_is(l, kw)) {
		*ret = first;
		return 0;
	}
	kids[nk++] = first;
	while (tok_is(l, kw)) {
		struct rnode *k;
		if ((r = lex_next(l)) < 0)
			return r;
		r = kind == N_OR ? parse_binary(l, "and", N_AND, &k) : parse_unary(l, &k);
		if (r < 0)
			return r;
		if (nk == cap) {
			struct rnode **m;
			if (cap * 2 > CS_RULES_LIST_ITEMS_MAX)
				return lex_err(l, "too many operands");
			m = arena_alloc(l->a, cap * 2 * sizeof(*m));
			if (!m)
				return cs_error_set(l->err, -ENOMEM, "out of memory");
			memcpy(m, many ? many : kids, nk * sizeof(*m));
			many = m;
			cap *= 2;
		}
		(many ? many : kids)[nk++] = k;
	}
	if (!(n = node_new(l, kind)))
		return -ENOMEM;
	n->pos = first->pos;
	n->kids = arena_alloc(l->a, nk * sizeof(*n->kids));
	if (!n->kids)
		return cs_error_set(l->err, -ENOMEM, "out of memory");
	memcpy(n->kids, many ? many : kids, nk * sizeof(*n->kids));
	n->n_kids = nk;
	*ret = n;
	return 0;
}

static int parse_expr(struct lexer *l, struct rnode **ret)
{
	return parse_binary(l, "or", N_OR, ret);
}

int cond_parse(struct arena *a, const char *cond, size_t len, struct rnode **ret,
	       struct cs_error *err)
{
	struct lexer l = { .s = cond, .len = len, .a = a, .err = err };
	struct rnode *n;
	int r;
	if (len > CS_RULES_COND_MAX)
		return cs_error_set(err, -CS_E_LIMIT, "condition of %zu bytes is over the %u limit",
				    len, CS_RULES_COND_MAX);
	if ((r = lex_next(&l)) < 0)
		return r;
	if (l.t == T_END)
		return cs_error_set(err, -CS_E_INPUT, "empty condition");
	if ((r = parse_expr(&l, &n)) < 0)
		return r;
	if (l.t != T_END)
		return lex_err(&l, "unexpected text after the condition");
	*ret = n;
	return 0;
}

int cs_rules_check_condition(const char *cond, size_t len, struct cs_error *err)
{
	struct arena a = { 0 };
	struct rnode *n;
	int r = cond_parse(&a, cond, len, &n, err);
	arena_free(&a);
	return r < 0 ? r : 0;
}
