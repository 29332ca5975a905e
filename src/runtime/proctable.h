/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The sensor's process table: what user space remembers about each live
 * process (name, argv[0], executable path, arguments, parent) so that an
 * event of any kind carries its process's context and ancestry
 * (proc.exe, proc.args, proc.pname, proc.aname[N], proc.pcmdline...).
 * Seeded from /proc at start so processes older than the sensor have
 * context; then kept by the exec, clone and procexit events. Bounded: at
 * most CS_PROCTABLE_MAX processes are remembered; beyond, events carry
 * only what their own record says.
 */
#pragma once

#include <stdint.h>
#include "runtime/event.h"

#define CS_PROCTABLE_MAX (1u << 18)

struct cs_proctable;

/* proc_root: where /proc is ("/proc"; tests use a copy). NULL: no seeding. */
int cs_proctable_new(const char *proc_root, struct cs_proctable **ret);
void cs_proctable_free(struct cs_proctable *pt);
size_t cs_proctable_count(const struct cs_proctable *pt);

/*
 * Update the table from e (exec replaces the process's image, clone copies
 * the parent, procexit forgets it after this call) and fill e's process
 * context: exe, exepath, args, parent and ancestors. Relative paths of
 * open* events are made absolute (inside the process's root) from
 * /proc/PID/cwd while the process lives.
 */
void cs_proctable_apply(struct cs_proctable *pt, struct cs_rt_event *e);
