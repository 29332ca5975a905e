/* SPDX-License-Identifier: Apache-2.0 */
/* customs audit compose over arbitrary input: see fuzz-audit-k8s.c. */
#define FUZZ_COMPOSE 1
#include "fuzz-audit-k8s.c"
