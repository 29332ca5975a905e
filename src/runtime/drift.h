/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Drift: was an executed file part of the container's image? For a
 * container whose root is an overlayfs mount, a file in the overlay's upper
 * layer (upperdir) was written or copied up after the container started;
 * one only in the lower layers came with the image. The kernel side cannot
 * tell under lockdown (the overlay inode's private data is out of reach), so
 * user space answers at the exec event: the upperdir from
 * /proc/PID/mountinfo (cached per container), then one bounded lookup of the
 * executed path inside it, never following a symlink.
 */
#ifndef CS_RUNTIME_DRIFT_H
#define CS_RUNTIME_DRIFT_H

#include <stddef.h>
#include "runtime/event.h"

struct cs_drift;

/*
 * The upperdir of the overlay mounted at "/" in mountinfo text (the last
 * such mount wins, as it hides the earlier ones), unescaped into out.
 * Returns 1 when found, 0 when "/" is not an overlay with an upperdir,
 * -ENAMETOOLONG when it does not fit.
 */
int cs_drift_upperdir_parse(const char *mountinfo, size_t len, char *out, size_t outsz);

/*
 * Whether path (absolute, as seen in the container) is a regular file in
 * upperdir, resolved beneath it without following any symlink and without
 * crossing mounts. Returns 1 (in the upper layer), 0 (not there, a
 * whiteout, not a regular file, or reached through a symlink), -errno when
 * upperdir cannot be opened.
 */
int cs_drift_in_upper(const char *upperdir, const char *path);

/* proc_root: "/proc", or a test tree with PID/mountinfo and PID/exe. */
struct cs_drift *cs_drift_new(const char *proc_root);
void cs_drift_free(struct cs_drift *d);

/*
 * For an exec event of a container process (e->container.id set and not
 * "host"): sets CS_RT_EXE_UPPER_LAYER or CS_RT_EXE_LOWER_LAYER in
 * e->proc.exe_flags (and evt.arg.flags) when the container's root is an
 * overlay; leaves the event as it was when that cannot be known.
 * Returns 1 when a layer was set, 0 otherwise.
 */
int cs_drift_apply(struct cs_drift *d, struct cs_rt_event *e);

#endif
