/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Dockerfile parser, after the BuildKit frontend grammar: parser
 * directives at the top (syntax, escape, check), comments, continuations
 * ended by the escape character (comment and empty lines inside them are
 * dropped), exec (JSON) and shell forms, heredocs for RUN/COPY/ADD, flags,
 * ONBUILD, HEALTHCHECK, stages and ARG/ENV expansion where BuildKit expands.
 *
 * The input is hostile and is never trusted to be NUL-terminated; every
 * count is capped and an error names "FILE:LINE". Nothing here prints.
 */
#include <ctype.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include "analyze/dockerfile.h"
#include "basic/alloc.h"
#include "basic/buf.h"

static const char *const cmd_names[_CS_DF_CMD_MAX] = {
	[CS_DF_ADD] = "ADD",
	[CS_DF_ARG] = "ARG",
	[CS_DF_CMD] = "CMD",
	[CS_DF_COPY] = "COPY",
	[CS_DF_ENTRYPOINT] = "ENTRYPOINT",
	[CS_DF_ENV] = "ENV",
	[CS_DF_EXPOSE] = "EXPOSE",
	[CS_DF_FROM] = "FROM",
	[CS_DF_HEALTHCHECK] = "HEALTHCHECK",
	[CS_DF_LABEL] = "LABEL",
	[CS_DF_MAINTAINER] = "MAINTAINER",
	[CS_DF_ONBUILD] = "ONBUILD",
	[CS_DF_RUN] = "RUN",
	[CS_DF_SHELL] = "SHELL",
	[CS_DF_STOPSIGNAL] = "STOPSIGNAL",
	[CS_DF_USER] = "USER",
	[CS_DF_VOLUME] = "VOLUME",
	[CS_DF_WORKDIR] = "WORKDIR",
};

/* the flags BuildKit accepts, per instruction ("" ends a list) */
static const char *const flags_from[] = { "platform", NULL };
static const char *const flags_run[] = { "mount", "network", "security", "device", NULL };
static const char *const flags_copy[] = { "from",    "chown",	"chmod", "link",
					  "parents", "exclude", NULL };
static const char *const flags_add[] = { "chown",	 "chmod",   "link",   "checksum",
					 "keep-git-dir", "exclude", "unpack", NULL };
static const char *const flags_health[] = { "interval",	      "timeout", "start-period",
					    "start-interval", "retries", NULL };

const char *cs_df_cmd_name(enum cs_df_cmd c)
{
	return (unsigned)c < _CS_DF_CMD_MAX ? cmd_names[c] : "UNKNOWN";
}

struct var {
	char *name;
	char *value; /* NULL: declared without a value */
};

struct vars {
	struct var *v;
	size_t n, cap;
};

/* grow arr of n elements to hold n + extra (small arrays without a capacity field) */
#define GROW_N(arr, n, extra)                                                 \
	({                                                                    \
		size_t c_ = (n);                                              \
		cs_grow((void **)&(arr), &c_, (n) + (extra), sizeof(*(arr))); \
	})

struct parser {
	size_t cap_v, cap_stages;
	const char *p, *end;
	const char *path;
	unsigned line; /* the line p starts */
	char escape;
	struct cs_dockerfile *df;
	struct cs_error *err;
	/* "# customs ignore=" seen just above the next instruction */
	char **pend;
	size_t n_pend;
	unsigned pend_line;
	bool reported;	    /* perr() wrote the message */
	struct vars global; /* ARGs before the first FROM */
	struct vars stage;  /* ARGs and ENVs of the current stage */
};

static int perr(struct parser *ps, unsigned line, int code, const char *fmt, ...) CS_PRINTF(4, 5);
static int perr(struct parser *ps, unsigned line, int code, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	ps->reported = true;
	if (code == -ENOMEM)
		return cs_error_errno(ps->err, ENOMEM, "%s:%u", ps->path, line);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return cs_error_set(ps->err, code, "%s:%u: %s", ps->path, line, msg);
}

static void vars_done(struct vars *vs)
{
	for (size_t i = 0; i < vs->n; i++) {
		free(vs->v[i].name);
		free(vs->v[i].value);
	}
	free(vs->v);
	*vs = (struct vars){ 0 };
}

static struct var *vars_find(const struct vars *vs, const char *name, size_t len)
{
	for (size_t i = vs->n; i-- > 0;)
		if (strlen(vs->v[i].name) == len && !memcmp(vs->v[i].name, name, len))
			return &vs->v[i];
	return NULL;
}

/* Set name (value may be NULL); takes neither string. */
static int vars_set(struct vars *vs, const char *name, const char *value)
{
	struct var *v = vars_find(vs, name, strlen(name));
	char *nv = value ? cs_strdup(value) : NULL;

	if (value && !nv)
		return -ENOMEM;
	if (v) {
		free(v->value);
		v->value = nv;
		return 0;
	}
	if (vs->n >= CS_DF_MAX_VARS) {
		free(nv);
		return -CS_E_LIMIT;
	}
	if (CS_GROW(vs->v, vs->cap, vs->n + 1) < 0) {
		free(nv);
		return -ENOMEM;
	}
	vs->v[vs->n].name = cs_strdup(name);
	if (!vs->v[vs->n].name) {
		free(nv);
		return -ENOMEM;
	}
	vs->v[vs->n++].value = nv;
	return 0;
}

static const char *lookup_vars(void *ud, const char *name, size_t len)
{
	const struct var *v = vars_find(ud, name, len);

	return v ? v->value : NULL;
}

/* ---- variable expansion ---- */

struct expander {
	char escape;
	cs_df_lookup_fn lookup;
	void *ud;
	bool remove_quotes; /* word processing: quotes go, escapes go */
};

static bool name_start(char c)
{
	return c == '_' || isalpha((unsigned char)c);
}

static bool name_char(char c)
{
	return c == '_' || isalnum((unsigned char)c);
}

static int expand_into(const struct expander *e, const char *s, size_t len, unsigned depth,
		       struct cs_buf *out);

/*
 * At "${": the whole ${...} (with nested ${} in the word) from *pp; *pp moves
 * past the closing brace.
 */
static int expand_braced(const struct expander *e, const char **pp, const char *end, unsigned depth,
			 struct cs_buf *out)
{
	const char *p = *pp + 2, *name, *word = NULL;
	const char *val;
	size_t nlen, nest = 0;
	char op[3] = { 0 };

	name = p;
	while (p < end && name_char(*p))
		p++;
	nlen = (size_t)(p - name);
	if (nlen == 0)
		return -CS_E_INPUT;
	if (p < end && *p == ':' && p + 1 < end && strchr("-+?", p[1])) {
		op[0] = ':';
		op[1] = p[1];
		p += 2;
	} else if (p < end && strchr("-+?", *p)) {
		op[0] = *p++;
	}
	if (op[0])
		word = p;
	for (; p < end; p++) {
		if (*p == e->escape && p + 1 < end) {
			p++;
			continue;
		}
		if (*p == '$' && p + 1 < end && p[1] == '{') {
			nest++;
			p++;
		} else if (*p == '}') {
			if (nest == 0)
				break;
			nest--;
		}
	}
	if (p >= end)
		return -CS_E_INPUT; /* missing '}' */
	if (!op[0] && p != name + nlen)
		return -CS_E_INPUT; /* ${a b} */
	*pp = p + 1;
	val = e->lookup ? e->lookup(e->ud, name, nlen) : NULL;
	if (!op[0])
		return val ? cs_buf_puts(out, val) : 0;
	{
		bool set = val != NULL, nonempty = val && *val;
		bool use_word;
		char k = op[0] == ':' ? op[1] : op[0];
		bool cond = op[0] == ':' ? nonempty : set;

		if (k == '-')
			use_word = !cond;
		else if (k == '+')
			use_word = cond;
		else /* '?': an error when unset; for a linter, expand to nothing */
			use_word = false;
		if (k == '+' && !cond)
			return 0;
		if (!use_word)
			return val ? cs_buf_puts(out, val) : 0;
		if (depth + 1 > CS_DF_MAX_EXPAND_DEPTH)
			return -CS_E_LIMIT;
		return expand_into(e, word, (size_t)(p - word), depth + 1, out);
	}
}

static int expand_into(const struct expander *e, const char *s, size_t len, unsigned depth,
		       struct cs_buf *out)
{
	const char *p = s, *end = s + len;
	char quote = 0;
	int r = 0;

	while (p < end && r >= 0) {
		char c = *p;

		if (c == e->escape && p + 1 < end) {
			if (!e->remove_quotes) {
				/* only "\$" loses its escape */
				if (p[1] != '$')
					r = cs_buf_putc(out, c);
				if (r >= 0)
					r = cs_buf_putc(out, p[1]);
			} else if (quote == '\'') {
				r = cs_buf_putc(out, c);
				p++;
				continue;
			} else if (quote == '"' && p[1] != '"' && p[1] != '$' &&
				   p[1] != e->escape) {
				r = cs_buf_putc(out, c);
				if (r >= 0)
					r = cs_buf_putc(out, p[1]);
			} else {
				r = cs_buf_putc(out, p[1]);
			}
			p += 2;
			continue;
		}
		if (e->remove_quotes && (c == '\'' || c == '"')) {
			if (!quote) {
				quote = c;
				p++;
				continue;
			}
			if (quote == c) {
				quote = 0;
				p++;
				continue;
			}
		}
		if (c == '$' && quote != '\'' && p + 1 < end) {
			if (p[1] == '{') {
				r = expand_braced(e, &p, end, depth, out);
				continue;
			}
			if (name_start(p[1])) {
				const char *n = ++p, *val;

				while (p < end && name_char(*p))
					p++;
				val = e->lookup ? e->lookup(e->ud, n, (size_t)(p - n)) : NULL;
				if (val)
					r = cs_buf_puts(out, val);
				continue;
			}
		}
		r = cs_buf_putc(out, c);
		p++;
	}
	return r;
}

int cs_df_expand(const char *s, char escape, cs_df_lookup_fn lookup, void *ud, char **ret)
{
	struct expander e = { escape, lookup, ud, false };
	struct cs_buf b = CS_BUF_INIT(CS_DF_MAX_EXPANDED);
	int r;

	r = expand_into(&e, s, strlen(s), 0, &b);
	if (r >= 0)
		r = cs_buf_putc(&b, '\0');
	if (r < 0) {
		cs_buf_done(&b);
		return r;
	}
	*ret = cs_buf_steal(&b, NULL);
	return 0;
}

/* ---- words ---- */

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

/* End of the word at p: the first unquoted blank. */
static const char *word_end(const char *p, const char *end, char escape)
{
	char quote = 0;

	for (; p < end; p++) {
		if (*p == escape && quote != '\'' && p + 1 < end) {
			p++;
			continue;
		}
		if (quote) {
			if (*p == quote)
				quote = 0;
		} else if (*p == '\'' || *p == '"') {
			quote = *p;
		} else if (is_blank(*p)) {
			break;
		}
	}
	return p;
}

/* One word: quotes removed, expanded with vs (NULL: no expansion). */
static int process_word(struct parser *ps, const char *s, size_t len, const struct vars *vs,
			char **ret)
{
	struct expander e = { ps->escape, vs ? lookup_vars : NULL, (void *)vs, true };
	struct cs_buf b = CS_BUF_INIT(CS_DF_MAX_EXPANDED);
	int r;

	if (!vs) {
		/* keep "$x" literally: lookup NULL would erase it, so copy dollars through */
		e.lookup = NULL;
	}
	r = vs ? expand_into(&e, s, len, 0, &b) : 0;
	if (!vs) {
		/* quote removal only */
		const char *p = s, *end = s + len;
		char quote = 0;

		while (p < end && r >= 0) {
			if (*p == ps->escape && quote != '\'' && p + 1 < end) {
				r = cs_buf_putc(&b, p[1]);
				p += 2;
				continue;
			}
			if ((*p == '\'' || *p == '"') && (!quote || quote == *p)) {
				quote = quote ? 0 : *p;
				p++;
				continue;
			}
			r = cs_buf_putc(&b, *p++);
		}
	}
	if (r >= 0)
		r = cs_buf_putc(&b, '\0');
	if (r < 0) {
		cs_buf_done(&b);
		return r;
	}
	*ret = cs_buf_steal(&b, NULL);
	return 0;
}

static int split_words(struct parser *ps, const char *s, const struct vars *vs, char ***ret,
		       size_t *ret_n)
{
	const char *p = s, *end = s + strlen(s);
	char **v = NULL;
	size_t n = 0, cap = 0;
	int r = 0;

	while (p < end) {
		const char *w;

		while (p < end && is_blank(*p))
			p++;
		if (p >= end)
			break;
		w = p;
		p = word_end(p, end, ps->escape);
		if (n + 1 >= CS_DF_MAX_WORDS) {
			r = -CS_E_LIMIT;
			break;
		}
		if (CS_GROW(v, cap, n + 2) < 0) {
			r = -ENOMEM;
			break;
		}
		r = process_word(ps, w, (size_t)(p - w), vs, &v[n]);
		if (r < 0)
			break;
		v[++n] = NULL;
	}
	if (r < 0) {
		for (size_t i = 0; i < n; i++)
			free(v[i]);
		free(v);
		return r;
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

/* ---- instructions ---- */

static void instr_done(struct cs_df_instr *x)
{
	free(x->text);
	free(x->rest);
	for (size_t i = 0; i < x->n_flags; i++) {
		free(x->flags[i].name);
		free(x->flags[i].value);
	}
	free(x->flags);
	for (size_t i = 0; i < x->n_args; i++)
		free(x->args[i]);
	free(x->args);
	for (size_t i = 0; i < x->n_kv; i++) {
		free(x->kv[i].key);
		free(x->kv[i].value);
		free(x->kv[i].expanded);
	}
	free(x->kv);
	for (size_t i = 0; i < x->n_heredocs; i++) {
		free(x->heredocs[i].name);
		free(x->heredocs[i].content);
	}
	free(x->heredocs);
	if (x->sub) {
		instr_done(x->sub);
		free(x->sub);
	}
	cs_strv_free(x->ignore);
}

void cs_dockerfile_free(struct cs_dockerfile *df)
{
	if (!df)
		return;
	for (size_t i = 0; i < df->n; i++)
		instr_done(&df->v[i]);
	free(df->v);
	for (size_t i = 0; i < df->n_stages; i++) {
		free(df->stages[i].image);
		free(df->stages[i].name);
		free(df->stages[i].platform);
	}
	free(df->stages);
	free(df->path);
	free(df->syntax);
	free(df->check);
	cs_strv_free(df->global_ignore);
	free(df);
}

const char *cs_df_flag(const struct cs_df_instr *x, const char *name, bool *present)
{
	const char *v = NULL;
	bool found = false;

	for (size_t i = 0; i < x->n_flags; i++)
		if (!strcmp(x->flags[i].name, name)) {
			found = true;
			v = x->flags[i].value;
		}
	if (present)
		*present = found;
	return v;
}

static int lookup_cmd(const char *w, size_t len)
{
	for (int i = 0; i < _CS_DF_CMD_MAX; i++)
		if (strlen(cmd_names[i]) == len && !strncasecmp(cmd_names[i], w, len))
			return i;
	return -1;
}

static const char *const *cmd_flags(enum cs_df_cmd c)
{
	switch (c) {
	case CS_DF_FROM:
		return flags_from;
	case CS_DF_RUN:
		return flags_run;
	case CS_DF_COPY:
		return flags_copy;
	case CS_DF_ADD:
		return flags_add;
	case CS_DF_HEALTHCHECK:
		return flags_health;
	default:
		return NULL;
	}
}

/* Leading --flags of *pp; *pp moves past them. */
static int parse_flags(struct parser *ps, struct cs_df_instr *x, const char **pp, const char *end)
{
	const char *const *known = cmd_flags(x->cmd);
	const char *p = *pp;
	int r;

	while (p + 2 < end && p[0] == '-' && p[1] == '-' && !is_blank(p[2])) {
		const char *w = p + 2, *we = word_end(p, end, ps->escape), *eq;
		struct cs_df_flag *f;
		bool ok = false;

		eq = memchr(w, '=', (size_t)(we - w));
		if (!known)
			break; /* "--" starts the arguments of instructions without flags */
		for (size_t i = 0; known[i]; i++)
			if (strlen(known[i]) == (size_t)((eq ? eq : we) - w) &&
			    !memcmp(known[i], w, (size_t)((eq ? eq : we) - w)))
				ok = true;
		if (!ok)
			return perr(ps, x->line, -CS_E_INPUT, "unknown flag '--%.*s' for %s",
				    (int)CS_MIN((eq ? eq : we) - w, 64), w, cmd_names[x->cmd]);
		if (x->n_flags >= CS_DF_MAX_FLAGS)
			return perr(ps, x->line, -CS_E_LIMIT, "more than %d flags",
				    CS_DF_MAX_FLAGS);
		if (GROW_N(x->flags, x->n_flags, 1) < 0)
			return -ENOMEM;
		f = &x->flags[x->n_flags];
		*f = (struct cs_df_flag){ 0 };
		f->name = cs_strndup(w, (size_t)((eq ? eq : we) - w));
		if (!f->name)
			return -ENOMEM;
		x->n_flags++;
		if (eq) {
			r = process_word(ps, eq + 1, (size_t)(we - eq - 1), NULL, &f->value);
			if (r < 0)
				return r;
		}
		p = we;
		while (p < end && is_blank(*p))
			p++;
	}
	*pp = p;
	return 0;
}

/* rest as a JSON array of strings: 1 and args set, 0 if it is not one */
static int parse_json(struct cs_df_instr *x)
{
	json_error_t jerr;
	json_t *a, *el;
	size_t i;

	if (!x->rest[0] || x->rest[0] != '[')
		return 0;
	a = json_loads(x->rest, JSON_REJECT_DUPLICATES, &jerr);
	if (!json_is_array(a)) {
		json_decref(a);
		return 0;
	}
	json_array_foreach (a, i, el)
		if (!json_is_string(el)) {
			json_decref(a);
			return 0;
		}
	if (json_array_size(a) >= CS_DF_MAX_WORDS) {
		json_decref(a);
		return -CS_E_LIMIT;
	}
	x->args = cs_new0(char *, json_array_size(a) + 1);
	if (!x->args) {
		json_decref(a);
		return -ENOMEM;
	}
	json_array_foreach (a, i, el) {
		x->args[i] = cs_strndup(json_string_value(el), json_string_length(el));
		if (!x->args[i]) {
			json_decref(a);
			return -ENOMEM;
		}
		x->n_args = i + 1;
	}
	json_decref(a);
	x->json = true;
	return 1;
}

static bool expands(enum cs_df_cmd c)
{
	switch (c) {
	case CS_DF_ADD:
	case CS_DF_COPY:
	case CS_DF_ENV:
	case CS_DF_EXPOSE:
	case CS_DF_FROM:
	case CS_DF_LABEL:
	case CS_DF_STOPSIGNAL:
	case CS_DF_USER:
	case CS_DF_VOLUME:
	case CS_DF_WORKDIR:
		return true;
	default:
		return false;
	}
}

static int add_kv(struct cs_df_instr *x, char *key, char *value, char *expanded)
{
	if (GROW_N(x->kv, x->n_kv, 1) < 0) {
		free(key);
		free(value);
		free(expanded);
		return -ENOMEM;
	}
	x->kv[x->n_kv++] = (struct cs_df_kv){ key, value, expanded };
	return 0;
}

/* ENV, LABEL and ARG: name=value words, or the legacy "ENV name value" */
static int parse_kv(struct parser *ps, struct cs_df_instr *x, const struct vars *vs)
{
	const char *p = x->rest, *end = x->rest + strlen(x->rest);
	const char *first_end = word_end(p, end, ps->escape);
	int r;

	if (x->cmd != CS_DF_ARG && !memchr(p, '=', (size_t)(first_end - p))) {
		/* ENV name value with spaces */
		const char *v = first_end;
		char *key = NULL, *val = NULL, *exp = NULL;

		while (v < end && is_blank(*v))
			v++;
		if (v >= end)
			return perr(ps, x->line, -CS_E_INPUT, "%s must have two arguments",
				    cmd_names[x->cmd]);
		key = cs_strndup(p, (size_t)(first_end - p));
		r = key ? process_word(ps, v, (size_t)(end - v), NULL, &val) : -ENOMEM;
		if (r >= 0)
			r = process_word(ps, v, (size_t)(end - v), vs, &exp);
		if (r < 0) {
			free(key);
			free(val);
			return r;
		}
		return add_kv(x, key, val, exp);
	}
	while (p < end) {
		const char *w, *we, *eq;
		char *key = NULL, *val = NULL, *exp = NULL;

		while (p < end && is_blank(*p))
			p++;
		if (p >= end)
			break;
		w = p;
		we = word_end(p, end, ps->escape);
		p = we;
		if (x->n_kv >= CS_DF_MAX_WORDS)
			return perr(ps, x->line, -CS_E_LIMIT, "too many %s names",
				    cmd_names[x->cmd]);
		eq = memchr(w, '=', (size_t)(we - w));
		if (!eq && x->cmd != CS_DF_ARG)
			return perr(ps, x->line, -CS_E_INPUT, "%s names can not be blank: '%.*s'",
				    cmd_names[x->cmd], (int)CS_MIN(we - w, 64), w);
		if (eq == w)
			return perr(ps, x->line, -CS_E_INPUT, "%s names can not be blank",
				    cmd_names[x->cmd]);
		r = process_word(ps, w, (size_t)((eq ? eq : we) - w), NULL, &key);
		if (r >= 0 && eq)
			r = process_word(ps, eq + 1, (size_t)(we - eq - 1), NULL, &val);
		if (r >= 0 && eq)
			r = process_word(ps, eq + 1, (size_t)(we - eq - 1), vs, &exp);
		if (r < 0) {
			free(key);
			free(val);
			free(exp);
			return r;
		}
		r = add_kv(x, key, val, exp);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Heredoc markers in a RUN/COPY/ADD shell-form line, in order. */
static int find_heredocs(struct parser *ps, struct cs_df_instr *x)
{
	const char *p = x->rest, *end = x->rest + strlen(x->rest);
	char quote = 0;

	for (; p < end; p++) {
		const char *n;
		char q = 0;
		bool chomp = false;
		struct cs_df_heredoc *h;

		if (*p == ps->escape && quote != '\'' && p + 1 < end) {
			p++;
			continue;
		}
		if (quote) {
			if (*p == quote)
				quote = 0;
			continue;
		}
		if (*p == '\'' || *p == '"') {
			quote = *p;
			continue;
		}
		if (!(p[0] == '<' && p + 1 < end && p[1] == '<'))
			continue;
		{
			/* as BuildKit: only a word that is [fd]<<NAME ("$((1<<2))" is none) */
			const char *w = p;

			while (w > x->rest && isdigit((unsigned char)w[-1]))
				w--;
			if (w > x->rest && !is_blank(w[-1])) {
				p++;
				continue;
			}
		}
		if (p + 2 < end && p[2] == '<') { /* <<< here-string */
			p += 2;
			continue;
		}
		p += 2;
		if (p < end && *p == '-') {
			chomp = true;
			p++;
		}
		if (p < end && (*p == '\'' || *p == '"'))
			q = *p++;
		n = p;
		while (p < end && (q ? *p != q : (!is_blank(*p) && !strchr("<>;|&()'\"", *p))))
			p++;
		if (p == n || (q && p >= end)) {
			p--;
			continue;
		}
		if (x->n_heredocs >= CS_DF_MAX_HEREDOCS)
			return perr(ps, x->line, -CS_E_LIMIT, "more than %d heredocs",
				    CS_DF_MAX_HEREDOCS);
		if (GROW_N(x->heredocs, x->n_heredocs, 1) < 0)
			return -ENOMEM;
		h = &x->heredocs[x->n_heredocs];
		*h = (struct cs_df_heredoc){ .chomp = chomp, .expand = !q };
		h->name = cs_strndup(n, (size_t)(p - n));
		if (!h->name)
			return -ENOMEM;
		x->n_heredocs++;
		if (!q)
			p--;
	}
	return 0;
}

/* ---- physical lines ---- */

/* The next line without its newline (and a '\r' before it); false at the end. */
static bool next_line(struct parser *ps, const char **ret, size_t *ret_len, unsigned *ret_no)
{
	const char *nl;
	size_t len;

	if (ps->p >= ps->end)
		return false;
	nl = memchr(ps->p, '\n', (size_t)(ps->end - ps->p));
	len = nl ? (size_t)(nl - ps->p) : (size_t)(ps->end - ps->p);
	*ret = ps->p;
	*ret_no = ps->line;
	ps->p = nl ? nl + 1 : ps->end;
	ps->line++;
	if (len && (*ret)[len - 1] == '\r')
		len--;
	*ret_len = len;
	return true;
}

static size_t skip_blanks(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i;
}

/* Heredoc bodies follow the instruction's last line, one after another. */
static int read_heredocs(struct parser *ps, struct cs_df_instr *x)
{
	for (size_t i = 0; i < x->n_heredocs; i++) {
		struct cs_df_heredoc *h = &x->heredocs[i];
		struct cs_buf b = CS_BUF_INIT(CS_DF_MAX_SIZE);
		const char *l;
		size_t len;
		unsigned no;
		bool done = false;
		int r = 0;

		h->line = ps->line;
		while (!done && next_line(ps, &l, &len, &no)) {
			size_t s = 0;

			if (h->chomp)
				while (s < len && l[s] == '\t')
					s++;
			if (len - s == strlen(h->name) && !memcmp(l + s, h->name, len - s)) {
				done = true;
				h->end_line = no;
				x->end_line = no;
				x->end_column = (unsigned)len + 1;
				break;
			}
			r = cs_buf_append(&b, l + s, len - s);
			if (r >= 0)
				r = cs_buf_putc(&b, '\n');
			if (r < 0)
				break;
		}
		if (r >= 0 && !done)
			r = perr(ps, x->line, -CS_E_INPUT, "unterminated heredoc '%s'", h->name);
		if (r >= 0 && !b.data) {
			/* an empty body: still a string */
			r = cs_buf_putc(&b, '\0');
			b.len = 0;
		}
		if (r < 0) {
			cs_buf_done(&b);
			return r;
		}
		h->content = cs_buf_steal(&b, NULL);
	}
	return 0;
}

/* ---- one instruction ---- */

static int parse_instr(struct parser *ps, struct cs_df_instr *x, const char *text, unsigned depth);

static int parse_body(struct parser *ps, struct cs_df_instr *x, const char *body, unsigned depth)
{
	const char *p = body, *end = body + strlen(body);
	const struct vars *vs = NULL;
	int r;

	while (p < end && is_blank(*p))
		p++;
	r = parse_flags(ps, x, &p, end);
	if (r < 0)
		return r;
	while (end > p && is_blank(end[-1]))
		end--;
	x->rest = cs_strndup(p, (size_t)(end - p));
	if (!x->rest)
		return -ENOMEM;
	if (expands(x->cmd) && depth == 0)
		vs = x->cmd == CS_DF_FROM ? &ps->global : (x->stage < 0 ? &ps->global : &ps->stage);

	switch (x->cmd) {
	case CS_DF_ONBUILD: {
		const char *w = x->rest, *we = word_end(w, w + strlen(w), ps->escape);
		int c = lookup_cmd(w, (size_t)(we - w));

		if (!*x->rest)
			return perr(ps, x->line, -CS_E_INPUT,
				    "ONBUILD requires at least one argument");
		if (c == CS_DF_ONBUILD || c == CS_DF_FROM || c == CS_DF_MAINTAINER)
			return perr(ps, x->line, -CS_E_INPUT,
				    "%s isn't allowed as an ONBUILD trigger", cmd_names[c]);
		x->sub = cs_zalloc(sizeof(*x->sub));
		if (!x->sub)
			return -ENOMEM;
		x->sub->line = x->line;
		x->sub->column = x->column;
		x->sub->end_line = x->end_line;
		x->sub->end_column = x->end_column;
		x->sub->stage = x->stage;
		return parse_instr(ps, x->sub, x->rest, depth + 1);
	}
	case CS_DF_HEALTHCHECK: {
		const char *w = x->rest, *we = word_end(w, w + strlen(w), ps->escape);

		if ((size_t)(we - w) == 4 && !strncasecmp(w, "NONE", 4)) {
			if (*we)
				return perr(ps, x->line, -CS_E_INPUT,
					    "HEALTHCHECK NONE takes no arguments");
			if (x->n_flags)
				return perr(ps, x->line, -CS_E_INPUT,
					    "HEALTHCHECK NONE takes no options");
			x->healthcheck_none = true;
			return 0;
		}
		if ((size_t)(we - w) != 3 || strncasecmp(w, "CMD", 3))
			return perr(ps, x->line, -CS_E_INPUT,
				    "HEALTHCHECK requires NONE or CMD and a command");
		x->sub = cs_zalloc(sizeof(*x->sub));
		if (!x->sub)
			return -ENOMEM;
		*x->sub = (struct cs_df_instr){ .line = x->line,
						.column = x->column,
						.end_line = x->end_line,
						.end_column = x->end_column,
						.stage = x->stage };
		return parse_instr(ps, x->sub, x->rest, depth + 1);
	}
	case CS_DF_ENV:
	case CS_DF_LABEL:
	case CS_DF_ARG:
		if (!*x->rest)
			return perr(ps, x->line, -CS_E_INPUT, "%s requires at least one argument",
				    cmd_names[x->cmd]);
		return parse_kv(ps, x, vs);
	case CS_DF_RUN:
	case CS_DF_CMD:
	case CS_DF_ENTRYPOINT:
	case CS_DF_SHELL:
	case CS_DF_COPY:
	case CS_DF_ADD:
	case CS_DF_VOLUME:
		r = parse_json(x);
		if (r < 0)
			return perr(ps, x->line, r, "too many arguments");
		if (r > 0)
			break;
		if ((x->cmd == CS_DF_RUN || x->cmd == CS_DF_COPY || x->cmd == CS_DF_ADD) &&
		    depth == 0) {
			r = find_heredocs(ps, x);
			if (r < 0)
				return r;
		}
		__attribute__((fallthrough));
	default:
		r = split_words(ps, x->rest, vs, &x->args, &x->n_args);
		if (r == -CS_E_LIMIT)
			return perr(ps, x->line, r, "too many words");
		if (r == -CS_E_INPUT)
			return perr(ps, x->line, r, "bad variable substitution");
		if (r < 0)
			return perr(ps, x->line, r, "cannot expand");
	}
	switch (x->cmd) {
	case CS_DF_FROM:
		if (x->n_args != 1 && !(x->n_args == 3 && !strcasecmp(x->args[1], "as")))
			return perr(ps, x->line, -CS_E_INPUT,
				    "FROM requires either one or three arguments");
		break;
	case CS_DF_COPY:
	case CS_DF_ADD:
		if (x->n_args < 2)
			return perr(ps, x->line, -CS_E_INPUT, "%s requires at least two arguments",
				    cmd_names[x->cmd]);
		break;
	case CS_DF_RUN:
	case CS_DF_CMD:
	case CS_DF_ENTRYPOINT:
		if (!*x->rest && x->cmd == CS_DF_RUN)
			return perr(ps, x->line, -CS_E_INPUT, "RUN requires at least one argument");
		break;
	case CS_DF_MAINTAINER:
	case CS_DF_SHELL:
	case CS_DF_USER:
	case CS_DF_WORKDIR:
	case CS_DF_STOPSIGNAL:
	case CS_DF_EXPOSE:
	case CS_DF_VOLUME:
		if (x->n_args == 0)
			return perr(ps, x->line, -CS_E_INPUT, "%s requires at least one argument",
				    cmd_names[x->cmd]);
		if ((x->cmd == CS_DF_USER || x->cmd == CS_DF_WORKDIR ||
		     x->cmd == CS_DF_STOPSIGNAL) &&
		    x->n_args != 1 && !x->json)
			return perr(ps, x->line, -CS_E_INPUT, "%s requires exactly one argument",
				    cmd_names[x->cmd]);
		break;
	default:
		break;
	}
	return 0;
}

static int parse_instr(struct parser *ps, struct cs_df_instr *x, const char *text, unsigned depth)
{
	const char *p = text, *end = text + strlen(text), *kw;
	int c;

	x->text = cs_strdup(text);
	if (!x->text)
		return -ENOMEM;
	while (p < end && is_blank(*p))
		p++;
	kw = p;
	while (p < end && !is_blank(*p))
		p++;
	c = lookup_cmd(kw, (size_t)(p - kw));
	if (c < 0)
		return perr(ps, x->line, -CS_E_INPUT, "unknown instruction '%.*s'",
			    (int)CS_MIN(p - kw, 64), kw);
	x->cmd = (enum cs_df_cmd)c;
	return parse_body(ps, x, p, depth);
}

/* ---- comments: directives and ignore pragmas ---- */

/* "# NAME = value" at the top of the file: 1 with name and value set, 0 if not one */
static int match_directive(const char *l, size_t len, char *name, size_t nsz, const char **val,
			   size_t *vlen)
{
	size_t i = skip_blanks(l, len), n0, n1;

	if (i >= len || l[i] != '#')
		return 0;
	i = i + 1 + skip_blanks(l + i + 1, len - i - 1);
	n0 = i;
	while (i < len && name_char(l[i]))
		i++;
	n1 = i;
	if (n1 == n0 || n1 - n0 >= nsz || !isalpha((unsigned char)l[n0]))
		return 0;
	i += skip_blanks(l + i, len - i);
	if (i >= len || l[i] != '=')
		return 0;
	i++;
	i += skip_blanks(l + i, len - i);
	while (len > i && (l[len - 1] == ' ' || l[len - 1] == '\t'))
		len--;
	memcpy(name, l + n0, n1 - n0);
	name[n1 - n0] = '\0';
	*val = l + i;
	*vlen = len - i;
	return 1;
}

/* "# customs ignore=A,B" / "# hadolint ignore=DL3008" / "... global ignore=" */
static int parse_pragma(struct parser *ps, const char *l, size_t len, unsigned no)
{
	static const char *const tools[] = { "customs", "hadolint" };
	size_t i = skip_blanks(l, len) + 1;
	bool global = false;
	char **ids = NULL;
	size_t n = 0;
	const char *s;

	i += skip_blanks(l + i, len - i);
	for (size_t t = 0; t < CS_ARRAY_SIZE(tools); t++) {
		size_t tl = strlen(tools[t]);

		if (len - i > tl && !memcmp(l + i, tools[t], tl) &&
		    (l[i + tl] == ' ' || l[i + tl] == '\t')) {
			i += tl;
			goto tool;
		}
	}
	return 0;
tool:
	i += skip_blanks(l + i, len - i);
	if (len - i > 7 && !memcmp(l + i, "global ", 7)) {
		global = true;
		i += 7;
		i += skip_blanks(l + i, len - i);
	}
	if (len - i < 7 || memcmp(l + i, "ignore=", 7))
		return 0;
	i += 7;
	s = l + i;
	while (s < l + len) {
		const char *e = s;

		while (e < l + len && *e != ',' && !is_blank(*e))
			e++;
		if (e > s) {
			if (n + 1 >= 256)
				break;
			if (GROW_N(ids, n, 2) < 0 || !(ids[n] = cs_strndup(s, (size_t)(e - s)))) {
				cs_strv_free(ids);
				return -ENOMEM;
			}
			ids[++n] = NULL;
		}
		if (e < l + len && is_blank(*e))
			break;
		s = e + 1;
	}
	if (!ids)
		return 0;
	if (global) {
		cs_strv_free(ps->df->global_ignore);
		ps->df->global_ignore = ids;
		ps->df->n_global_ignore = n;
		return 0;
	}
	cs_strv_free(ps->pend);
	ps->pend = ids;
	ps->n_pend = n;
	ps->pend_line = no;
	return 0;
}

static int parse_directives(struct parser *ps)
{
	bool seen_escape = false, seen_syntax = false, seen_check = false;

	while (ps->p < ps->end) {
		const char *save = ps->p, *l, *val;
		unsigned save_line = ps->line, no;
		size_t len, vlen;
		char name[32];

		if (!next_line(ps, &l, &len, &no))
			break;
		if (!match_directive(l, len, name, sizeof(name), &val, &vlen)) {
			ps->p = save;
			ps->line = save_line;
			break;
		}
		if (!strcasecmp(name, "escape")) {
			if (seen_escape)
				return perr(ps, no, -CS_E_INPUT,
					    "only one escape parser directive can be used");
			if (vlen != 1 || (val[0] != '\\' && val[0] != '`'))
				return perr(ps, no, -CS_E_INPUT,
					    "invalid escape token '%.*s' does not match ` or \\",
					    (int)CS_MIN(vlen, 16), val);
			ps->escape = val[0];
			seen_escape = true;
		} else if (!strcasecmp(name, "syntax") || !strcasecmp(name, "check")) {
			bool syntax = !strcasecmp(name, "syntax");
			char **dst = syntax ? &ps->df->syntax : &ps->df->check;

			if (syntax ? seen_syntax : seen_check)
				return perr(ps, no, -CS_E_INPUT,
					    "only one %s parser directive can be used", name);
			*(syntax ? &seen_syntax : &seen_check) = true;
			*dst = cs_strndup(val, vlen);
			if (!*dst)
				return -ENOMEM;
		} else {
			/* an unknown directive is a comment and ends the directives */
			ps->p = save;
			ps->line = save_line;
			break;
		}
	}
	ps->df->escape = ps->escape;
	return 0;
}

/* ---- stages ---- */

static int begin_stage(struct parser *ps, struct cs_df_instr *x)
{
	struct cs_df_stage *st;
	const char *platform;

	if (ps->df->n_stages >= CS_DF_MAX_STAGES)
		return perr(ps, x->line, -CS_E_LIMIT, "more than %d stages", CS_DF_MAX_STAGES);
	if (CS_GROW(ps->df->stages, ps->cap_stages, ps->df->n_stages + 1) < 0)
		return -ENOMEM;
	st = &ps->df->stages[ps->df->n_stages];
	*st = (struct cs_df_stage){ .base_stage = -1, .first = ps->df->n - 1 };
	ps->df->n_stages++;
	st->image = cs_strdup(x->args[0]);
	if (!st->image)
		return -ENOMEM;
	if (x->n_args == 3) {
		st->name = cs_strdup(x->args[2]);
		if (!st->name)
			return -ENOMEM;
		for (char *c = st->name; *c; c++)
			*c = (char)tolower((unsigned char)*c);
	}
	platform = cs_df_flag(x, "platform", NULL);
	if (platform && !(st->platform = cs_strdup(platform)))
		return -ENOMEM;
	for (size_t i = 0; i + 1 < ps->df->n_stages; i++)
		if (ps->df->stages[i].name && !strcasecmp(ps->df->stages[i].name, st->image))
			st->base_stage = (int)i;
	vars_done(&ps->stage);
	return 0;
}

/* ARG and ENV change what later instructions expand */
static int track_vars(struct parser *ps, struct cs_df_instr *x)
{
	struct vars *vs = x->stage < 0 ? &ps->global : &ps->stage;
	int r = 0;

	if (x->cmd != CS_DF_ARG && x->cmd != CS_DF_ENV)
		return 0;
	for (size_t i = 0; i < x->n_kv && r >= 0; i++) {
		const struct cs_df_kv *kv = &x->kv[i];
		const char *v = kv->value ? kv->expanded : NULL;

		if (x->cmd == CS_DF_ARG && !kv->value && x->stage >= 0) {
			const struct var *g = vars_find(&ps->global, kv->key, strlen(kv->key));

			if (vars_find(vs, kv->key, strlen(kv->key)))
				continue; /* an ENV of the same name wins */
			v = g ? g->value : NULL;
		}
		if (x->cmd == CS_DF_ARG && x->stage >= 0 && kv->value &&
		    vars_find(vs, kv->key, strlen(kv->key)))
			continue;
		r = vars_set(vs, kv->key, v);
	}
	if (r == -CS_E_LIMIT)
		return perr(ps, x->line, r, "more than %d variables", CS_DF_MAX_VARS);
	return r;
}

/* ---- the file ---- */

static int parse_file(struct parser *ps)
{
	struct cs_buf b = CS_BUF_INIT(CS_DF_MAX_SIZE + 1);
	const char *l;
	size_t len;
	unsigned no;
	int r = 0;

	r = parse_directives(ps);
	if (r < 0)
		return r;
	while (r >= 0 && next_line(ps, &l, &len, &no)) {
		struct cs_df_instr *x;
		size_t s = skip_blanks(l, len), e;
		unsigned first_no = no, last_no = no;
		size_t last_len = len;

		if (s == len) {
			ps->n_pend = 0; /* a blank line detaches an ignore comment */
			cs_strv_free(ps->pend);
			ps->pend = NULL;
			continue;
		}
		if (l[s] == '#') {
			r = parse_pragma(ps, l, len, no);
			continue;
		}
		if (ps->df->n >= CS_DF_MAX_INSTRUCTIONS) {
			r = perr(ps, no, -CS_E_LIMIT, "more than %d instructions",
				 CS_DF_MAX_INSTRUCTIONS);
			break;
		}
		/* the logical line: continuations joined, inner comments dropped */
		cs_buf_reset(&b);
		l += s;
		len -= s;
		for (;;) {
			e = len;
			while (e > 0 && (l[e - 1] == ' ' || l[e - 1] == '\t'))
				e--;
			if (e == 0 || l[e - 1] != ps->escape) {
				r = cs_buf_append(&b, l, len);
				break;
			}
			r = cs_buf_append(&b, l, e - 1);
			if (r < 0)
				break;
			/* the next line that is not empty or a comment */
			for (;;) {
				size_t k;

				if (!next_line(ps, &l, &len, &no)) {
					l = NULL;
					break;
				}
				k = skip_blanks(l, len);
				if (k < len && l[k] != '#')
					break;
			}
			if (!l)
				break;
			last_no = no;
			last_len = len;
		}
		if (r >= 0)
			r = cs_buf_putc(&b, '\0');
		if (r < 0) {
			r = perr(ps, first_no, r, "instruction too long");
			break;
		}
		if (CS_GROW(ps->df->v, ps->cap_v, ps->df->n + 1) < 0) {
			r = -ENOMEM;
			break;
		}
		x = &ps->df->v[ps->df->n++];
		*x = (struct cs_df_instr){
			.line = first_no,
			.column = (unsigned)s + 1,
			.end_line = last_no,
			.end_column = (unsigned)last_len + 1,
			.stage = (int)ps->df->n_stages - 1,
		};
		if (ps->pend && ps->pend_line + 1 == first_no) {
			x->ignore = ps->pend;
			x->n_ignore = ps->n_pend;
			x->ignore_line = ps->pend_line;
			ps->pend = NULL;
		}
		cs_strv_free(ps->pend);
		ps->pend = NULL;
		r = parse_instr(ps, x, b.data, 0);
		if (r >= 0 && x->cmd == CS_DF_FROM) {
			x->stage = (int)ps->df->n_stages;
			r = begin_stage(ps, x);
		}
		if (r >= 0)
			r = read_heredocs(ps, x);
		if (r >= 0)
			r = track_vars(ps, x);
		if (r >= 0 && x->stage >= 0)
			ps->df->stages[x->stage].count = ps->df->n - ps->df->stages[x->stage].first;
		if (r < 0 && !ps->reported)
			r = perr(ps, first_no, r, "%s",
				 r == -CS_E_INPUT   ? "bad variable substitution"
				 : r == -CS_E_LIMIT ? "expansion too long or too deep"
						    : "out of memory");
	}
	if (r >= 0 && ps->line > CS_DF_MAX_LINES + 1)
		r = perr(ps, ps->line - 1, -CS_E_LIMIT, "more than %d lines", CS_DF_MAX_LINES);
	cs_buf_done(&b);
	return r;
}

int cs_dockerfile_parse(const char *data, size_t len, const char *path, struct cs_dockerfile **ret,
			struct cs_error *err)
{
	struct parser ps = {
		.p = data, .end = data + len, .path = path, .line = 1, .escape = '\\', .err = err
	};
	int r;

	if (len > CS_DF_MAX_SIZE)
		return cs_error_set(err, -CS_E_LIMIT, "%s: larger than %u bytes", path,
				    CS_DF_MAX_SIZE);
	if (len >= 3 && !memcmp(data, "\xef\xbb\xbf", 3))
		ps.p += 3; /* a UTF-8 byte order mark */
	ps.df = cs_zalloc(sizeof(*ps.df));
	if (!ps.df || !(ps.df->path = cs_strdup(path))) {
		cs_dockerfile_free(ps.df);
		return cs_error_errno(err, ENOMEM, "%s", path);
	}
	ps.df->escape = '\\';
	if (memchr(data, '\0', len))
		r = cs_error_set(err, -CS_E_INPUT, "%s: not a text file (NUL byte)", path);
	else
		r = parse_file(&ps);
	if (r >= 0)
		for (size_t i = 0; i < ps.df->n; i++)
			if (ps.df->v[i].stage < 0 && ps.df->v[i].cmd != CS_DF_ARG) {
				r = perr(&ps, ps.df->v[i].line, -CS_E_INPUT,
					 "%s before the first FROM (only ARG may come first)",
					 cmd_names[ps.df->v[i].cmd]);
				break;
			}
	if (r >= 0 && ps.df->n_stages == 0 && ps.df->n > 0)
		r = perr(&ps, ps.df->v[0].line, -CS_E_INPUT, "no FROM instruction");
	if (r >= 0 && ps.df->n == 0)
		r = cs_error_set(err, -CS_E_INPUT, "%s:1: the file contains no instructions", path);
	cs_strv_free(ps.pend);
	vars_done(&ps.global);
	vars_done(&ps.stage);
	if (r < 0) {
		cs_dockerfile_free(ps.df);
		return r;
	}
	*ret = ps.df;
	return 0;
}
