/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Events as JSON objects, one per line (the form `runtime watch` prints and
 * `runtime replay` reads). Keys are Falco field names ("evt.type",
 * "proc.name", "fd.name", "container.image.repository" ...), plus a few
 * structured keys for what Falco derives from process state:
 * "proc.args" / "proc.pargs" (arrays of strings), "proc.ancestors" (array of
 * {"pid","name","exe","exepath"}, parent first) and "container.labels"
 * (object). docs/RUNTIME-RULES.md lists every key.
 *
 * The reader treats its input as hostile: one line is at most
 * CS_RT_JSON_LINE_MAX bytes, every value is type-checked, strings longer
 * than their field are truncated and flagged, unknown keys are ignored.
 */
#pragma once

#include "basic/error.h"
#include "basic/json.h"
#include "runtime/event.h"

#define CS_RT_JSON_LINE_MAX (256u << 10)

/* Write e as one JSON object (no newline) to w. */
void cs_rt_event_write_json(const struct cs_rt_event *e, struct cs_json *w);

/*
 * Parse one JSON object into e (initialised first). -CS_E_INPUT with err
 * naming the key and the reason; -CS_E_LIMIT when len is over the cap.
 */
int cs_rt_event_read_json(const char *data, size_t len, struct cs_rt_event *e,
			  struct cs_error *err);
