/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A Falco-compatible rule engine. Rule files (Falco's YAML: lists, macros,
 * rules, exceptions, append/override, enabled, priority, tags, output,
 * source, required_engine_version) are loaded in order, later files layered
 * on earlier ones; cs_rules_compile() then parses every condition into an
 * AST, expands macros and lists, resolves fields and indexes each rule by
 * the event types its condition can match, so evaluating an event touches
 * only the candidate rules and allocates nothing.
 *
 * A rule whose condition needs a field the event model cannot supply is
 * kept, marked unsupported with the field named, and never evaluated: it is
 * never silently mis-evaluated. Rule files are untrusted input: sizes,
 * counts, nesting and macro expansion are bounded.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "basic/error.h"
#include "basic/macro.h"
#include "runtime/event.h"

#define CS_RULES_FILE_MAX	(16u << 20) /* bytes of one rules file */
#define CS_RULES_ITEMS_MAX	100000	    /* lists + macros + rules */
#define CS_RULES_COND_MAX	(64u << 10) /* bytes of one condition */
#define CS_RULES_DEPTH_MAX	200	    /* nesting of a condition incl. macros */
#define CS_RULES_EXPANDED_MAX	(1u << 20)  /* nodes of a condition after macro expansion */
#define CS_RULES_LIST_ITEMS_MAX 100000
#define CS_RULES_OUTPUT_MAX	8192 /* bytes of a rendered output line */

/* The engine version customs implements (Falco's required_engine_version) */
#define CS_RULES_ENGINE_VERSION "0.57.0"

enum cs_rule_priority {
	CS_RULE_EMERGENCY = 0,
	CS_RULE_ALERT,
	CS_RULE_CRITICAL,
	CS_RULE_ERROR,
	CS_RULE_WARNING,
	CS_RULE_NOTICE,
	CS_RULE_INFORMATIONAL,
	CS_RULE_DEBUG,
};
const char *cs_rule_priority_name(enum cs_rule_priority p);	       /* "Warning" */
int cs_rule_priority_parse(const char *s, enum cs_rule_priority *ret); /* -EINVAL */

/* a set of event types: bit t (enum cs_rt_evt_type) of word t / 64 */
#define CS_RULES_EVTSET_WORDS 2

enum cs_rule_status {
	CS_RULE_ACTIVE = 0,   /* compiled and evaluated */
	CS_RULE_DISABLED,     /* enabled: false */
	CS_RULE_UNSUPPORTED,  /* needs a field or operator customs cannot supply */
	CS_RULE_OTHER_SOURCE, /* source is not "syscall" */
};
const char *cs_rule_status_name(enum cs_rule_status s); /* "active" ... */

struct cs_rule_info {
	const char *name;
	const char *desc;
	const char *source; /* "syscall" unless set */
	const char *output; /* the format string */
	const char *file;   /* where the rule was (last) defined */
	unsigned line;
	enum cs_rule_priority priority;
	enum cs_rule_status status;
	const char *reason; /* why not active, e.g. "unsupported field 'k8s.ns.name'" */
	const char *const *tags;
	size_t n_tags;
	size_t n_evttypes;			  /* event types the rule is indexed under */
	uint64_t evttypes[CS_RULES_EVTSET_WORDS]; /* bit t: indexed under event type t */
	bool all_evttypes;			  /* the condition does not restrict evt.type */
};

struct cs_rules_stats {
	size_t lists, macros, rules;
	size_t active, disabled, unsupported, other_source;
	size_t warnings;
};

struct cs_rules;

int cs_rules_new(struct cs_rules **ret);
void cs_rules_free(struct cs_rules *r);
CS_DEFINE_CLEANUP(struct cs_rules *, cs_rules_free)

/*
 * Add one rules file (or buffer named name) on top of what is loaded.
 * -CS_E_INPUT with err "FILE:LINE: reason" on an invalid file; the engine is
 * left as it was before the call only for YAML errors, so callers treat any
 * failure as fatal.
 */
int cs_rules_load_file(struct cs_rules *r, const char *path, struct cs_error *err);
int cs_rules_load_buf(struct cs_rules *r, const char *name, const char *data, size_t len,
		      struct cs_error *err);

/* Parse, expand and index everything loaded; -CS_E_INPUT "FILE:LINE: ..." */
int cs_rules_compile(struct cs_rules *r, struct cs_error *err);

void cs_rules_get_stats(const struct cs_rules *r, struct cs_rules_stats *ret);
size_t cs_rules_count(const struct cs_rules *r);
/* Rule i in load order (0 <= i < cs_rules_count) */
void cs_rules_info(const struct cs_rules *r, size_t i, struct cs_rule_info *ret);
/* Warnings collected while loading and compiling ("FILE:LINE: ..."). */
size_t cs_rules_warning_count(const struct cs_rules *r);
const char *cs_rules_warning(const struct cs_rules *r, size_t i);

/*
 * The event types some active rule is indexed under (after compile): what
 * a sensor must attach to, and nothing more. A rule that does not restrict
 * evt.type sets every type.
 */
void cs_rules_evtypes(const struct cs_rules *r, uint64_t set[CS_RULES_EVTSET_WORDS]);

/*
 * Evaluate e against every active rule indexed under its type, in load
 * order, calling match(rule index) for each that fires; a non-zero return
 * from match stops the walk and is returned. Allocates nothing.
 */
typedef int (*cs_rules_match_fn)(size_t rule, void *ud);
int cs_rules_eval(const struct cs_rules *r, const struct cs_rt_event *e, cs_rules_match_fn match,
		  void *ud);

/*
 * Render rule i's output for e into buf (NUL-terminated, truncated to cap):
 * each %field (or %field[arg]) replaced by its value, "<NA>" when unknown.
 * Returns the length written.
 */
size_t cs_rules_render_output(const struct cs_rules *r, size_t i, const struct cs_rt_event *e,
			      char *buf, size_t cap);

/*
 * Parse one condition (no macros or lists known) and report syntax errors,
 * for the fuzz target and tests. Returns 0 or -CS_E_INPUT.
 */
int cs_rules_check_condition(const char *cond, size_t len, struct cs_error *err);

/*
 * The open prefilter (rules_prefilter.c): a necessary condition the active
 * rules imply for the open family (open, openat, openat2, creat), simple
 * enough for the sensor to test in the kernel before an open leaves it.
 * An open passes when its raw path is "odd" (cs_rules_prefilter_odd), or
 * when the longest prefix of the set that starts the path allows the
 * open's class: bit (flags & O_ACCMODE) | (failed ? 4 : 0). Every rule's
 * condition C implies this test (C => P), so an open that fails it matches
 * no rule. A rule whose condition gives no usable condition on opens makes
 * the prefilter inactive: every open passes.
 */
#define CS_RULES_PREFIX_MAX	255   /* bytes of one prefix (the sensor's path bound - 1) */
#define CS_RULES_PREFIXES_MAX	8192  /* more: the prefilter is inactive */
#define CS_RULES_OPEN_READ	0x55u /* classes of O_RDONLY and O_RDWR opens */
#define CS_RULES_OPEN_WRITE	0x66u /* classes of O_WRONLY and O_RDWR opens (creat too) */
#define CS_RULES_OPEN_SUCCEEDED 0x0fu
#define CS_RULES_OPEN_FAILED	0xf0u
#define CS_RULES_OPEN_ANY	0xffu

struct cs_rules_prefix {
	char path[CS_RULES_PREFIX_MAX + 1]; /* NUL-terminated; "" matches every path */
	size_t len;
	uint8_t classes; /* bit c: an open of class c under this prefix passes */
};

struct cs_rules_prefilter {
	bool active;			  /* false: pass every open */
	const char *reason;		  /* why inactive: "rule 'X' gives no condition on opens" */
	size_t rules;			  /* active rules that can match an open event */
	size_t odd_rules;		  /* of those, rules that match only odd paths */
	struct cs_rules_prefix *prefixes; /* sorted, minimal: each adds a class to its parent */
	size_t n_prefixes;
	char reason_buf[320];
};

/*
 * The prefilter of every active rule (rule < 0) or of rule number `rule`
 * alone (whatever its status). 0 or -ENOMEM; free with _done.
 */
int cs_rules_prefilter(const struct cs_rules *r, long rule, struct cs_rules_prefilter *ret);
void cs_rules_prefilter_done(struct cs_rules_prefilter *pf);
/* The raw path is one user space could resolve or normalise (relative, //, /., ..). */
bool cs_rules_prefilter_odd(const char *path, size_t len);
/* The test the sensor runs in the kernel, for an open of path with flags and result. */
bool cs_rules_prefilter_pass(const struct cs_rules_prefilter *pf, const char *path, size_t len,
			     uint32_t flags, bool failed);
